"""Options at preview (URL buttons, silent, pin, link preview, protection) arrive as set; after
publishing the post can be edited (buttons kept) and deleted within Telegram's 48 hours."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.app.local import LocalBot
from bot.clock import FrozenClock
from storage import audit as audit_sql
from tests.conftest import ADMIN_ID
from tests.posting import channel, control, note, post_preview, press, publish, toggle

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
BUTTONS = "Сайт - https://example.org/site | Канал - https://t.me/zen\nПодписаться — https://example.org/sub"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


async def actions(app: LocalBot) -> list[str]:
    return [r.action for r in reversed(await app.services.store.call(audit_sql.recent, 50))]


async def test_url_buttons_silent_pin_protect_and_no_link_preview_arrive_as_set(app: LocalBot) -> None:
    sb = app.sandbox
    await post_preview(sb, "/post Читайте https://example.org/long-read")
    preview = await post_preview(sb, BUTTONS)  # button lines set the buttons, the text stays
    assert "Кнопок под постом: 3" in preview.text
    for label in ("Без звука", "Закрепить", "Запрет пересылки", "Превью ссылок"):
        preview = await toggle(sb, preview, label)
    assert "✅ Без звука" in str(preview.buttons) and "▫️ Превью ссылок" in str(preview.buttons)
    await publish(sb, preview)
    [posted] = channel(sb)
    assert posted.text == "Читайте https://example.org/long-read"
    assert posted.buttons == [[("Сайт", "https://example.org/site"), ("Канал", "https://t.me/zen")],
                              [("Подписаться", "https://example.org/sub")]]
    assert posted.silent and posted.pinned and posted.protected
    assert posted.raw["link_preview_options"] == {"is_disabled": True}
    assert [a for a in await actions(app) if a.startswith("post.")] == [
        "post.draft", "post.buttons", "post.option", "post.option", "post.option", "post.option", "post.confirm",
        "post.publish"]


async def test_edit_after_publishing_keeps_the_buttons_and_is_audited(app: LocalBot) -> None:
    sb = app.sandbox
    await post_preview(sb, "/post Первая редакция")
    preview = await post_preview(sb, "Подробнее - https://example.org/more")
    published = await publish(sb, preview)
    mark = sb.mark()
    await press(sb, published, "Изменить")
    await note(sb, mark, "Пришлите новый текст")
    mark = sb.mark()
    sb.send_text("Вторая редакция", user_id=ADMIN_ID, entities=[{"type": "bold", "offset": 0, "length": 6}])
    await note(sb, mark, "изменён")
    [posted] = channel(sb)
    assert posted.text == "Вторая редакция" and posted.entities == [{"type": "bold", "offset": 0, "length": 6}]
    assert posted.buttons == [[("Подробнее", "https://example.org/more")]]
    reply = await sb.ask("/edit 1 Третья редакция", user_id=ADMIN_ID)
    assert "изменён" in reply.text and channel(sb)[0].text == "Третья редакция"
    assert channel(sb)[0].buttons == [[("Подробнее", "https://example.org/more")]]
    too_long = await sb.ask("/edit 1 " + "ж" * 4100, user_id=ADMIN_ID)
    assert "4100 знаков из 4096" in too_long.text and channel(sb)[0].text == "Третья редакция"
    assert (await actions(app)).count("post.edit_published") == 2


async def test_edit_a_photo_post_replaces_its_caption(app: LocalBot) -> None:
    sb = app.sandbox
    mark = sb.mark()
    sb.send_media("photo", user_id=ADMIN_ID, caption="Старая подпись")
    await publish(sb, await control(sb, mark))
    reply = await sb.ask("/edit 1 Новая подпись", user_id=ADMIN_ID)
    assert "изменён" in reply.text
    [posted] = channel(sb)
    assert posted.media == "photo" and posted.text == "Новая подпись"


async def test_delete_within_48_hours_and_not_after(app: LocalBot, clock: FrozenClock) -> None:
    sb = app.sandbox
    for text in ("Удалим сразу", "Удалим поздно"):
        await publish(sb, await post_preview(sb, f"/post {text}"))
    published = await note(sb, 0, "Пост #1 опубликован")
    reply_mark = sb.mark()
    await press(sb, published, "Удалить")
    await note(sb, reply_mark, "удалён")
    assert [m.text for m in channel(sb)] == ["Удалим поздно"]
    clock.set(datetime(2026, 3, 4, 9, 0, 1, tzinfo=timezone.utc))  # 48 hours and a second later
    late = await sb.ask("/delete 2", user_id=ADMIN_ID)
    assert "48 часов" in late.text and [m.text for m in channel(sb)] == ["Удалим поздно"]
    gone = await sb.ask("/delete 1", user_id=ADMIN_ID)
    assert "уже удалён" in gone.text
    bad = await sb.ask("/delete ²", user_id=ADMIN_ID)
    assert "/delete ID" in bad.text
    rows = await app.services.store.call(audit_sql.recent, 50)
    deletes = [(r.ok, r.detail) for r in reversed(rows) if r.action == "post.delete"]
    assert [ok for ok, _ in deletes] == [True, False] and "post_delete_too_old" in str(deletes[1][1])


async def test_a_refused_pin_does_not_make_a_published_post_failed(app: LocalBot) -> None:
    sb = app.sandbox
    preview = await post_preview(sb, "/post Закрепим, если дадут")
    preview = await toggle(sb, preview, "Закрепить")
    sb.fail_next("pinChatMessage", 400, description="Bad Request: not enough rights to manage pinned messages")
    told = await publish(sb, preview)
    [posted] = channel(sb)
    assert posted.text == "Закрепим, если дадут" and not posted.pinned
    assert "Изменить" in " ".join(label for row in told.buttons for label, _ in row)


async def test_a_post_telegram_refuses_is_reported_to_the_admin(app: LocalBot) -> None:
    sb = app.sandbox
    preview = await post_preview(sb, "/post Бот больше не админ канала")
    sb.kick_from_chat(channel_id := sb.core.chats.resolve("@zen_test_channel")["id"])
    mark = sb.mark()
    sb.press_button(preview.chat_id, preview.message_id, preview.button("Опубликовать"), user_id=ADMIN_ID)
    told = await note(sb, mark, "не опубликован")
    assert "not a member of the channel" in told.text and sb.messages(channel_id) == []
    rows = await app.services.store.call(audit_sql.recent, 10)
    assert any(r.action == "post.publish" and not r.ok for r in rows)
