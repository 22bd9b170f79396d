"""Subscribing, settings by buttons and by typing, groups, and every kind of bad input."""

from __future__ import annotations

from bot.app.local import LocalBot
from storage import subscriptions as subs_sql
from tests.conftest import READER_ID

GROUP = -4001
GROUP_ADMIN = 3001
GROUP_MEMBER = 3002


async def subscribe(app: LocalBot, user_id: int, chat_id: int | None = None):
    target = chat_id or user_id
    mark = app.sandbox.mark()
    app.sandbox.send_text("/subscribe", user_id=user_id, chat_id=chat_id)
    confirmation, keyboard = await app.sandbox.wait_for(target, 2, after=mark)
    return confirmation, keyboard


async def test_subscribe_defaults_are_visible(app: LocalBot) -> None:
    confirmation, keyboard = await subscribe(app, READER_ID)
    assert confirmation.text == ("Готово, вы подписаны: дайджест еженедельно, Пн в 10:00, Москва (UTC+3); темы: Все темы; "
                                 "обзоры изменений включены. Изменить — кнопками ниже.")
    assert "еженедельно, Пн в 10:00" in keyboard.text
    assert "Москва (UTC+3)" in keyboard.text and "Все темы" in keyboard.text and "включены" in keyboard.text


async def test_subscribe_when_subscribed_states_the_real_settings(app: LocalBot) -> None:
    await subscribe(app, READER_ID)
    subscriptions = app.services.subscriptions
    await subscriptions.set_weekday(READER_ID, 0)
    await subscriptions.set_hour(READER_ID, 8)
    await subscriptions.set_zone(READER_ID, "Алматы")
    await subscriptions.set_all_themes(READER_ID)
    slugs = [t.slug for t in await app.services.themes.catalog()]
    for slug in slugs[1:]:
        await subscriptions.flip_theme(READER_ID, slug)
    again, keyboard = await subscribe(app, READER_ID)
    assert again.text == ("Вы уже подписаны: дайджест еженедельно, Пн в 08:00, Алматы (UTC+5); "
                          "темы: 🚆 Транспортные коридоры; обзоры изменений включены. Изменить — кнопками ниже.")
    assert "Алматы (UTC+5)" in keyboard.text


async def test_unsubscribe_then_subscribe_restores_settings(app: LocalBot) -> None:
    _, keyboard = await subscribe(app, READER_ID)
    hours = await app.sandbox.click(READER_ID, keyboard.message_id, keyboard.button("🕙"), user_id=READER_ID)
    assert hours is not None
    await app.sandbox.click(READER_ID, hours.message_id, hours.button("07"), user_id=READER_ID)
    bye = await app.sandbox.ask("/unsubscribe", user_id=READER_ID)
    assert "отписаны" in bye.text
    row = await app.services.store.call(subs_sql.get, READER_ID)
    assert row is not None and not row.active
    again, keyboard = await subscribe(app, READER_ID)
    assert "восстановлена" in again.text and "07:00" in keyboard.text
    twice = await app.sandbox.ask("/unsubscribe", user_id=READER_ID)
    assert "отписаны" in twice.text
    not_any_more = await app.sandbox.ask("/unsubscribe", user_id=READER_ID)
    assert "Подписки нет" in not_any_more.text


async def test_typed_time_zone_is_validated(app: LocalBot) -> None:
    _, keyboard = await subscribe(app, READER_ID)
    zones = await app.sandbox.click(READER_ID, keyboard.message_id, keyboard.button("🌍"), user_id=READER_ID)
    assert zones is not None
    prompt = await app.sandbox.click(READER_ID, zones.message_id, zones.button("Ввести"), user_id=READER_ID)
    assert prompt is not None and "Ташкент" in prompt.text and "UTC+5" in prompt.text
    bad = await app.sandbox.ask("Mars/Olympus_Mons", user_id=READER_ID)
    assert bad.text.startswith("Часового пояса «Mars/Olympus_Mons» я не знаю. Напишите город")
    good = await app.sandbox.ask("asia/tokyo", user_id=READER_ID)
    assert "Токио (UTC+9)" in good.text
    row = await app.services.store.call(subs_sql.get, READER_ID)
    assert row is not None and row.timezone == "Asia/Tokyo"
    for typed, shown, stored in (("Ташкент", "Ташкент (UTC+5)", "Asia/Tashkent"), ("almaty", "Алматы (UTC+5)", "Asia/Almaty"),
                                 ("UTC+5", "Часовой пояс: UTC+5", "Etc/GMT-5"), ("Нью-Йорк", "Нью-Йорк (UTC−5)", "America/New_York")):
        reply = await app.sandbox.ask(f"/settings tz {typed}", user_id=READER_ID)
        assert shown in reply.text, (typed, reply.text)
        row = await app.services.store.call(subs_sql.get, READER_ID)
        assert row is not None and row.timezone == stored


async def test_typed_bad_values_and_stale_buttons_change_nothing(app: LocalBot) -> None:
    _, keyboard = await subscribe(app, READER_ID)
    hour25 = await app.sandbox.ask("/settings hour 25", user_id=READER_ID)
    assert "от 0 до 23" in hour25.text and "25" in hour25.text
    words = await app.sandbox.ask("/settings hour <семь>", user_id=READER_ID)
    assert "<семь>" in words.text
    zone = await app.sandbox.ask("/settings tz Nowhere/City", user_id=READER_ID)
    assert "Nowhere/City" in zone.text
    usage = await app.sandbox.ask("/settings colour red", user_id=READER_ID)
    assert "/settings hour 7" in usage.text
    row = await app.services.store.call(subs_sql.get, READER_ID)
    assert row is not None and (row.hour, row.timezone) == (10, "Europe/Moscow")
    typed = await app.sandbox.ask("/settings hour 8", user_id=READER_ID)
    assert "08:00" in typed.text
    await app.sandbox.ask("/unsubscribe", user_id=READER_ID)
    assert await app.sandbox.click(READER_ID, keyboard.message_id, keyboard.button("🕙"), user_id=READER_ID) is None
    assert "Подписки нет" in app.sandbox.callback_answers[-1]["text"]


async def test_cannot_untick_the_last_theme(app: LocalBot) -> None:
    _, keyboard = await subscribe(app, READER_ID)
    await app.services.subscriptions.flip_theme(READER_ID, "visa-facilitation")
    row = await app.services.store.call(subs_sql.get, READER_ID)
    assert row is not None and "visa-facilitation" not in row.themes and len(row.themes) == 7
    screen = await app.sandbox.click(READER_ID, keyboard.message_id, keyboard.button("🏷"), user_id=READER_ID)
    assert screen is not None
    all_button = screen.button("Все темы")
    back_to_all = await app.sandbox.click(READER_ID, screen.message_id, all_button, user_id=READER_ID)
    assert back_to_all is not None
    row = await app.services.store.call(subs_sql.get, READER_ID)
    assert row is not None and row.themes is None


async def test_settings_without_subscription(app: LocalBot) -> None:
    reply = await app.sandbox.ask("/settings", user_id=READER_ID)
    assert "/subscribe" in reply.text


async def test_only_group_admins_manage_the_group_subscription(app: LocalBot) -> None:
    sb = app.sandbox
    sb.add_user(GROUP_ADMIN, first_name="Boss")
    sb.add_user(GROUP_MEMBER, first_name="Member")
    sb.add_group(GROUP, title="Readers club", type="supergroup", admins=[GROUP_ADMIN])
    refused = await sb.ask("/subscribe", user_id=GROUP_MEMBER, chat_id=GROUP)
    assert "администраторы" in refused.text
    assert await app.services.store.call(subs_sql.get, GROUP) is None
    _, keyboard = await subscribe(app, GROUP_ADMIN, GROUP)
    assert await sb.click(GROUP, keyboard.message_id, keyboard.button("🔔"), user_id=GROUP_MEMBER) is None
    assert "администраторы" in sb.callback_answers[-1]["text"]
    row = await app.services.store.call(subs_sql.get, GROUP)
    assert row is not None and row.followups
    toggled = await sb.click(GROUP, keyboard.message_id, keyboard.button("🔔"), user_id=GROUP_ADMIN)
    assert toggled is not None and "выключены" in toggled.text


async def test_follow_a_theme_from_its_card(app: LocalBot) -> None:
    sb = app.sandbox
    card = await sb.ask("/theme visa-facilitation", user_id=READER_ID)
    edited = await sb.click(READER_ID, card.message_id, card.button("🔔 Следить за темой"), user_id=READER_ID)
    assert edited is not None and edited.button("✅ Вы следите за темой")  # the button shows the new state
    assert sb.callback_answers[-1]["text"].startswith("Вы подписаны на дайджест по этой теме: дайджест еженедельно")
    row = await app.services.store.call(subs_sql.get, READER_ID)
    assert row is not None and row.active and row.themes == ["visa-facilitation"]
    other = await sb.ask("/theme human-rights", user_id=READER_ID)
    added = await sb.click(READER_ID, other.message_id, other.button("🔔"), user_id=READER_ID)
    assert added is not None and "добавлена" in sb.callback_answers[-1]["text"]
    row = await app.services.store.call(subs_sql.get, READER_ID)
    assert row is not None and row.themes == ["human-rights", "visa-facilitation"]
    removed = await sb.click(READER_ID, other.message_id, added.button("✅"), user_id=READER_ID)
    assert removed is not None and removed.button("🔔 Следить за темой") and "убрана" in sb.callback_answers[-1]["text"]
    row = await app.services.store.call(subs_sql.get, READER_ID)
    assert row is not None and row.themes == ["visa-facilitation"]
    again = await sb.ask("/theme visa-facilitation", user_id=READER_ID)  # a new card knows the state too
    assert again.button("✅ Вы следите за темой")


async def test_blocking_the_bot_stops_delivery_and_unblocking_restores_it(app: LocalBot) -> None:
    import asyncio

    from storage import chats as chats_sql

    await subscribe(app, READER_ID)
    app.sandbox.add_my_chat_member(READER_ID, user_id=READER_ID, new_status="kicked", old_status="member")
    for _ in range(100):
        chat = await app.services.store.call(chats_sql.get, READER_ID)
        if chat and not chat.active:
            break
        await asyncio.sleep(0.05)
    assert chat is not None and not chat.active
    assert await app.services.store.call(subs_sql.scheduled) == []
    app.sandbox.add_my_chat_member(READER_ID, user_id=READER_ID, new_status="member", old_status="kicked")
    for _ in range(100):
        if [s.chat_id for s in await app.services.store.call(subs_sql.scheduled)] == [READER_ID]:
            break
        await asyncio.sleep(0.05)
    assert [s.chat_id for s in await app.services.store.call(subs_sql.scheduled)] == [READER_ID]
