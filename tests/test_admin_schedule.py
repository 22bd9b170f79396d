"""Scheduled posts through the outbox, draft editing, forwarded and replied-to posts, refusals."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.app.local import LocalBot
from bot.clock import FrozenClock
from bot.config import Settings
from bot.sandbox import Sandbox
from storage import audit as audit_sql
from storage import posts as posts_sql
from tests.conftest import ADMIN_ID, READER_ID
from tests.posting import channel, control, labels, note, post_preview, press, publish, rendered

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # 12:00 in Moscow


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


def texts(sb: Sandbox) -> list[str]:
    return [m.text for m in channel(sb)]


async def schedule(sb: Sandbox, preview) -> str:  # type: ignore[no-untyped-def]
    mark = sb.mark()
    sb.press_button(preview.chat_id, preview.message_id, preview.button("Опубликовать"), user_id=ADMIN_ID)
    return (await note(sb, mark, "запланирован")).text


async def test_scheduled_post_goes_out_once_at_its_time_across_a_restart(
        sandbox: Sandbox, settings: Settings, clock: FrozenClock) -> None:
    async with LocalBot(settings, sandbox=sandbox, clock=clock):
        preview = await post_preview(sandbox, "/schedule 2026-03-02 15:30 Вечерний выпуск & <анонс>")
        assert "02.03.2026 15:30, Москва (UTC+3)" in preview.text  # a city, not an IANA name
        await press(sandbox, preview, "Без звука")  # options travel with the scheduled post
        assert "запланирован" in await schedule(sandbox, preview)
        queue = await sandbox.ask("/queue", user_id=ADMIN_ID)
        assert "02.03.2026 15:30" in queue.text and "Вечерний выпуск & <анонс>" in queue.text
    assert texts(sandbox) == []  # stopped before its time: nothing went out
    clock.set(datetime(2026, 3, 2, 12, 30, 5, tzinfo=timezone.utc))
    mark = sandbox.mark()
    async with LocalBot(settings, sandbox=sandbox, clock=clock) as second:
        told = await note(sandbox, mark, "опубликован")
        assert texts(sandbox) == ["Вечерний выпуск & <анонс>"] and channel(sandbox)[0].silent
        assert "Удалить" in " ".join(labels(told))
        assert await second.services.store.call(posts_sql.with_state, "queued") == []
    async with LocalBot(settings, sandbox=sandbox, clock=clock) as third:
        clock.advance(minutes=1)
        third.services.outbox.wake()
        await third.services.outbox.wait_idle()
    assert texts(sandbox) == ["Вечерний выпуск & <анонс>"]


async def test_a_scheduled_post_waits_for_its_time_while_the_bot_runs(app: LocalBot, clock: FrozenClock) -> None:
    preview = await post_preview(app.sandbox, "/schedule 2026-03-02 12:01 Через минуту")
    await schedule(app.sandbox, preview)
    later = await app.sandbox.ask("/queue", user_id=ADMIN_ID)  # a round trip: the outbox had its chance
    assert "Через минуту" in later.text and texts(app.sandbox) == []
    mark = app.sandbox.mark()
    clock.advance(minutes=2)
    app.services.outbox.wake()
    await note(app.sandbox, mark, "опубликован")
    assert texts(app.sandbox) == ["Через минуту"]


async def test_bad_schedules_are_refused_with_reasons(app: LocalBot) -> None:
    past = await app.sandbox.ask("/schedule 2026-03-02 11:00 Поздно", user_id=ADMIN_ID)
    assert "уже прошло" in past.text
    garbage = await app.sandbox.ask("/schedule завтра утром Текст", user_id=ADMIN_ID)
    assert "ГГГГ-ММ-ДД" in garbage.text
    bad_date = await app.sandbox.ask("/schedule 2026-02-30 10:00 Текст", user_id=ADMIN_ID)
    assert "2026-02-30 10:00" in bad_date.text
    year_one = await app.sandbox.ask("/schedule 0001-01-01 00:00 x", user_id=ADMIN_ID)
    assert "0001-01-01 00:00" in year_one.text
    usage = await app.sandbox.ask("/schedule", user_id=ADMIN_ID)
    assert "/schedule 2026-12-31 18:00" in usage.text
    assert await app.services.store.call(posts_sql.with_state, "draft") == []


async def test_cancel_a_scheduled_post(app: LocalBot, clock: FrozenClock) -> None:
    preview = await post_preview(app.sandbox, "/schedule 2026-03-03 10:00 Завтрашний пост")
    await schedule(app.sandbox, preview)
    post = (await app.services.store.call(posts_sql.with_state, "queued"))[0]
    for bad in ("/cancel abc", "/cancel ²", "/cancel " + "9" * 25):
        assert "/cancel 12" in (await app.sandbox.ask(bad, user_id=ADMIN_ID)).text, bad
    unknown = await app.sandbox.ask("/cancel 999", user_id=ADMIN_ID)
    assert "не найден" in unknown.text
    done = await app.sandbox.ask(f"/cancel {post.id}", user_id=ADMIN_ID)
    assert f"#{post.id}" in done.text
    clock.set(datetime(2026, 3, 4, 0, 0, tzinfo=timezone.utc))
    app.services.outbox.wake()
    await app.services.outbox.wait_idle()
    assert texts(app.sandbox) == []
    empty = await app.sandbox.ask("/queue", user_id=ADMIN_ID)
    assert "нет" in empty.text


async def test_new_text_replaces_an_open_draft(app: LocalBot) -> None:
    first = await post_preview(app.sandbox, "/post Первая версия")
    second = await post_preview(app.sandbox, "Исправленная версия")
    assert second.message_id != first.message_id
    await publish(app.sandbox, second)
    assert texts(app.sandbox) == ["Исправленная версия"]
    # the first preview lost its buttons: nothing stale to press
    assert app.sandbox.message(first.chat_id, first.message_id).buttons == []


async def test_schedule_without_text_schedules_the_open_draft(app: LocalBot) -> None:
    await post_preview(app.sandbox, "/post Текст без времени")
    preview = await post_preview(app.sandbox, "/schedule 2026-03-02 18:00")
    assert "02.03.2026 18:00" in preview.text
    await schedule(app.sandbox, preview)
    [queued] = await app.services.store.call(posts_sql.with_state, "queued")
    assert queued.text == "Текст без времени"


async def test_forwarded_and_replied_messages_become_drafts(app: LocalBot) -> None:
    app.sandbox.add_channel(-100777, username="source_channel", title="Источник")
    mark = app.sandbox.mark()
    app.sandbox.send_text("Пересланная новость", user_id=ADMIN_ID, forward_from_chat_id=-100777)
    await control(app.sandbox, mark)
    assert [m.text for m in await rendered(app.sandbox, mark)] == ["Пересланная новость"]
    mark = app.sandbox.mark()
    original = app.sandbox.send_text("Текст для канала", user_id=ADMIN_ID)
    await control(app.sandbox, mark)  # plain text edits the open draft
    mark = app.sandbox.mark()
    app.sandbox.send_text("/post", user_id=ADMIN_ID, reply_to_message_id=original["message_id"])
    await control(app.sandbox, mark)
    assert [m.text for m in await rendered(app.sandbox, mark)] == ["Текст для канала"]


async def test_admin_commands_refused_for_readers(app: LocalBot) -> None:
    commands = ("/schedule 2026-03-03 10:00 X", "/queue", "/cancel 1", "/post X", "/edit 1 X", "/delete 1")
    for command in commands:
        reply = await app.sandbox.ask(command, user_id=READER_ID)
        assert "только для администраторов" in reply.text, command
    plain = await app.sandbox.ask("Просто текст", user_id=READER_ID)
    assert "/help" in plain.text
    rows = await app.services.store.call(audit_sql.recent, 20)
    assert sum(1 for r in rows if r.action == "refused") == len(commands)
    assert await app.services.store.call(posts_sql.with_state, "draft") == []


async def test_a_post_scheduled_for_later_does_not_keep_the_outbox_busy(app: LocalBot) -> None:
    preview = await post_preview(app.sandbox, "/schedule 2026-03-09 10:00 Через неделю")
    await schedule(app.sandbox, preview)
    await app.services.outbox.wait_idle(timeout=5)  # digests and the CLI wait for this
    assert texts(app.sandbox) == []
