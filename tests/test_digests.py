"""Personal and follow-up digests on the sandbox, with an injected clock moving through days and zones."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.app.local import SANDBOX_CHANNEL_ID, LocalBot
from bot.clock import FrozenClock
from bot.config import Settings
from bot.sandbox import Sandbox
from bot.zones import zone_label
from storage import subscriptions as subs_sql
from tests.articles import CORRIDOR, UNRELATED, VISAS
from tests.conftest import READER_ID

MOSCOW_READER = READER_ID
ALMATY_READER = 1002
START = datetime(2026, 1, 12, 3, 0, tzinfo=timezone.utc)  # Monday; 06:00 Moscow, 08:00 Almaty


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
async def app(sandbox: Sandbox, settings: Settings, clock: FrozenClock) -> AsyncIterator[LocalBot]:
    sandbox.add_user(ALMATY_READER, first_name="Almaty", language_code="ru")
    async with LocalBot(settings, sandbox=sandbox, clock=clock) as local:
        yield local


async def add(app: LocalBot, doc: tuple[str, str], expect: str | None) -> int:
    article, _ = await app.services.articles.add(doc[0], doc[1], kind="file")
    if expect is None:
        assert article.theme_slugs == [], article.theme_slugs
    else:
        assert expect in article.theme_slugs, (doc[0], article.theme_slugs)
    return article.id


async def subscribe_daily(app: LocalBot, user_id: int, hour: int, zone: str) -> None:
    sb = app.sandbox
    mark = sb.mark()
    sb.send_text("/subscribe", user_id=user_id)
    settings_msg = (await sb.wait_for(user_id, 2, after=mark))[1]
    menu = await sb.click(user_id, settings_msg.message_id, settings_msg.button("🗓"), user_id=user_id)
    assert menu is not None
    after = await sb.click(user_id, menu.message_id, menu.button("Ежедневно"), user_id=user_id)
    assert after is not None and "ежедневно" in after.text
    hours = await sb.click(user_id, after.message_id, after.button("🕙"), user_id=user_id)
    assert hours is not None
    chosen = await sb.click(user_id, hours.message_id, hours.button(f"{hour:02d}"), user_id=user_id)
    assert chosen is not None and f"{hour:02d}:00" in chosen.text
    zones = await sb.click(user_id, chosen.message_id, chosen.button("🌍"), user_id=user_id)
    assert zones is not None
    label = zone_label(zone, "ru")
    final = await sb.click(user_id, zones.message_id, zones.button(label), user_id=user_id)
    assert final is not None and label in final.text


async def tick(app: LocalBot):
    """One scheduler pass, then wait until the outbox has delivered what it enqueued."""
    report = await app.services.digests.tick()
    await app.services.outbox.wait_idle()
    return report


def digests_in(sb: Sandbox, chat_id: int) -> list:
    return [m for m in sb.messages(chat_id) if "Ваш дайджест" in m.text]


async def test_digest_arrives_at_each_readers_local_hour(app: LocalBot, clock: FrozenClock) -> None:
    await subscribe_daily(app, MOSCOW_READER, 9, "Europe/Moscow")
    await subscribe_daily(app, ALMATY_READER, 9, "Asia/Almaty")
    clock.advance(minutes=5)
    corridor = await add(app, CORRIDOR, "transport-corridors")
    await add(app, UNRELATED, None)

    clock.set(datetime(2026, 1, 12, 4, 1, tzinfo=timezone.utc))  # 09:01 Almaty, 07:01 Moscow
    await tick(app)
    almaty = digests_in(app.sandbox, ALMATY_READER)
    assert len(almaty) == 1 and digests_in(app.sandbox, MOSCOW_READER) == []
    assert CORRIDOR[0] in almaty[0].text and "Транспортные коридоры" in almaty[0].text
    assert UNRELATED[0] in almaty[0].text  # all themes: unthemed news in "other"

    clock.set(datetime(2026, 1, 12, 6, 0, tzinfo=timezone.utc))  # 09:00 Moscow
    await tick(app)
    await tick(app)  # a second pass in the same minute sends nothing more
    assert len(digests_in(app.sandbox, MOSCOW_READER)) == 1
    assert len(digests_in(app.sandbox, ALMATY_READER)) == 1

    # next day: nothing new → no message
    clock.set(datetime(2026, 1, 13, 6, 30, tzinfo=timezone.utc))
    report = await tick(app)
    assert report.personal_sent == 0 and report.personal_empty == 2
    assert len(digests_in(app.sandbox, MOSCOW_READER)) == 1
    assert corridor


async def test_theme_filter_and_missed_days_catch_up_once(app: LocalBot, clock: FrozenClock) -> None:
    await subscribe_daily(app, MOSCOW_READER, 9, "Europe/Moscow")
    settings_msg = app.sandbox.messages(MOSCOW_READER)[-1]
    themes = await app.sandbox.click(MOSCOW_READER, settings_msg.message_id, settings_msg.button("🏷"), user_id=MOSCOW_READER)
    assert themes is not None
    # keep only visa facilitation: untick everything else by toggling "all" off via each theme
    screen = themes
    for label in ("Транспорт", "сырь", "цепочек", "Права человека", "Многовектор", "Соперничество", "Правила ЕС"):
        screen = await app.sandbox.click(MOSCOW_READER, screen.message_id, screen.button(label), user_id=MOSCOW_READER)
        assert screen is not None
    assert "Визов" in screen.text.split("Темы:")[1].splitlines()[0]
    clock.advance(minutes=1)
    await add(app, CORRIDOR, "transport-corridors")
    await add(app, VISAS, "visa-facilitation")
    clock.set(datetime(2026, 1, 16, 12, 0, tzinfo=timezone.utc))  # the bot was down for 4 days
    await tick(app)
    await tick(app)
    got = digests_in(app.sandbox, MOSCOW_READER)
    assert len(got) == 1
    assert VISAS[0] in got[0].text and CORRIDOR[0] not in got[0].text


async def test_restart_inside_a_window_sends_once(sandbox: Sandbox, settings: Settings, clock: FrozenClock) -> None:
    async with LocalBot(settings, sandbox=sandbox, clock=clock) as first:
        await subscribe_daily(first, MOSCOW_READER, 9, "Europe/Moscow")
        clock.advance(minutes=1)
        await add(first, CORRIDOR, "transport-corridors")
        clock.set(datetime(2026, 1, 12, 6, 0, 30, tzinfo=timezone.utc))
        await tick(first)
    async with LocalBot(settings, sandbox=sandbox, clock=clock) as second:
        clock.advance(seconds=40)
        await tick(second)
    assert len(digests_in(sandbox, MOSCOW_READER)) == 1


async def test_followup_lists_new_articles_by_theme_and_never_repeats(app: LocalBot, clock: FrozenClock) -> None:
    await app.sandbox.ask("/subscribe", user_id=MOSCOW_READER)
    clock.advance(minutes=1)
    await add(app, CORRIDOR, "transport-corridors")
    await add(app, UNRELATED, None)
    clock.set(datetime(2026, 1, 19, 7, 0, tzinfo=timezone.utc))  # Monday 10:00 Moscow: the weekly slot
    report = await tick(app)
    assert report.followup is not None
    channel = app.sandbox.messages(SANDBOX_CHANNEL_ID)
    assert len(channel) == 1
    text = channel[0].text
    assert text.startswith("Казахстан – ЕС: что изменилось после декабрьского анализа")
    section = text.split("Транспортные коридоры", 1)[1]
    assert "В анализе:" in section.split("\n")[1]  # the anchor's claim recapped first
    assert CORRIDOR[0] in section
    assert UNRELATED[0] not in text
    assert "Без новостей с 01.12.2025:" in text and "Визовое" in text.split("Без новостей с 01.12.2025:")[1]
    reader_copies = [m for m in app.sandbox.messages(MOSCOW_READER) if "что изменилось" in m.text]
    assert len(reader_copies) == 1

    clock.advance(days=1)
    await add(app, VISAS, "visa-facilitation")
    clock.set(datetime(2026, 1, 26, 7, 0, tzinfo=timezone.utc))
    await tick(app)
    channel = app.sandbox.messages(SANDBOX_CHANNEL_ID)
    assert len(channel) == 2
    second = channel[1].text
    assert VISAS[0] in second and CORRIDOR[0] not in second


async def test_on_demand_digest_and_nothing_new(app: LocalBot, clock: FrozenClock) -> None:
    empty = await app.sandbox.ask("/digest", user_id=MOSCOW_READER)
    assert "Ничего нового с" in empty.text
    await add(app, VISAS, "visa-facilitation")
    clock.advance(minutes=1)
    full = await app.sandbox.ask("/digest", user_id=MOSCOW_READER)
    assert VISAS[0] in full.text


async def test_stored_subscription_matches_what_the_user_chose(app: LocalBot) -> None:
    await subscribe_daily(app, ALMATY_READER, 7, "Asia/Almaty")
    row = await app.services.store.call(subs_sql.get, ALMATY_READER)
    assert row is not None
    assert (row.frequency, row.hour, row.timezone, row.themes, row.followups) == (
        "daily", 7, "Asia/Almaty", None, True)


def test_fixture_files_are_not_eval_data() -> None:
    """The invented texts must not be copied from the eval set (which may not ship)."""
    assert Path(__file__).with_name("articles.py").read_text(encoding="utf-8").count("http") == 0


async def test_a_long_on_demand_digest_is_split_not_refused(app: LocalBot, clock: FrozenClock) -> None:
    long_tail = " ".join(f"Подробности читайте в полной версии материала, часть {n}." for n in range(8))
    for doc in (CORRIDOR, VISAS, UNRELATED):
        for i in range(8):  # a full section (8 items) for each of three sections
            await app.services.articles.add(f"{doc[0]} — выпуск {i}", f"{doc[1]} {long_tail} Выпуск {i}.", kind="file")
    clock.advance(minutes=1)
    mark = app.sandbox.mark()
    app.sandbox.send_text("/digest", user_id=MOSCOW_READER)
    first = (await app.sandbox.wait_for(MOSCOW_READER, 1, after=mark))[0]
    assert "Ваш дайджест" in first.text
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    while "/settings" not in (parts := app.sandbox.messages(MOSCOW_READER))[-1].text and loop.time() < deadline:
        await app.sandbox.core.notifier.wait(deadline - loop.time())  # the footer closes the last part
    assert "/settings" in parts[-1].text and len(parts) >= 2 and all(len(p.text) <= 4096 for p in parts)
    shown = "\n".join(p.text for p in parts)
    assert all(f"{VISAS[0]} — выпуск {i}" in shown for i in range(8))


async def test_hostile_text_is_escaped_in_every_view(app: LocalBot, clock: FrozenClock) -> None:
    """The sandbox parses HTML like Telegram and refuses anything unescaped: every view must pass."""
    title = 'Средний коридор <b>&amp; "порты" <script>alert(1)</script> & a<b'
    text = CORRIDOR[1] + " Цены <выросли> на 5% & более, а > меньше </i> <a href='x'>ссылка</a>."
    article, _ = await app.services.articles.add(title, text, kind="feed", url="https://example.org/a?x=1&y=<2>")
    assert "transport-corridors" in article.theme_slugs
    mark = app.sandbox.mark()
    app.sandbox.send_text("/subscribe", user_id=MOSCOW_READER)
    await app.sandbox.wait_for(MOSCOW_READER, 2, after=mark)
    clock.advance(minutes=1)
    views = ["/latest", f"/summary {article.id}", "/search коридор", "/theme transport-corridors", "/digest"]
    for command in views:
        reply = await app.sandbox.ask(command, user_id=MOSCOW_READER)
        assert "<script>" in reply.text or "Средний коридор" in reply.text, (command, reply.text[:200])
        assert "пошло не так" not in reply.text
    await app.services.digests.followup()
    await app.services.outbox.wait_idle()
    assert "<script>alert(1)</script>" in app.sandbox.messages(SANDBOX_CHANNEL_ID)[-1].text


def test_followup_never_calls_quiet_a_theme_an_article_also_covers() -> None:
    """The article is listed once, under its main theme; its second theme is named on its line and
    therefore not in the 'no news' line (the card of that theme lists the same article)."""
    from bot.digests.compose import followup
    from storage.rows import DigestRow

    order = ["transport-corridors", "visa-facilitation", "human-rights"]
    day = datetime(2026, 1, 10, 9, 0, tzinfo=timezone.utc)
    rows = [DigestRow(id=7, title="Паромы и визы", tldr="", url=None, channel=None, published=day, received=day,
                      slugs=("transport-corridors", "visa-facilitation"))]
    digest = followup(rows, order, datetime(2025, 12, 1, tzinfo=timezone.utc), datetime(2026, 1, 19, tzinfo=timezone.utc))
    assert [s.slug for s in digest.active] == ["transport-corridors"]
    assert digest.quiet == ("human-rights",)
