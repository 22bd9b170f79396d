"""Scheduled posts, draft editing, forwarded and replied-to posts, and refusals for non-admins."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone

import pytest

from bot.clock import FrozenClock
from bot.config import Settings
from bot.local import SANDBOX_CHANNEL_ID, LocalBot
from bot.sandbox import Sandbox
from storage import audit as audit_sql
from storage import posts as posts_sql
from tests.conftest import ADMIN_ID, READER_ID

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # 12:00 in Moscow


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
async def app(sandbox: Sandbox, settings: Settings, clock: FrozenClock) -> AsyncIterator[LocalBot]:
    async with LocalBot(settings, sandbox=sandbox, clock=clock) as local:
        yield local


async def confirm(sb: Sandbox, preview, label: str = "Опубликовать") -> str:
    """Press a preview button and wait for the bot's note about it (a new message)."""
    mark = sb.mark()
    sb.press_button(preview.chat_id, preview.message_id, preview.button(label), user_id=ADMIN_ID)
    return (await sb.wait_for(preview.chat_id, 1, after=mark, methods=("sendMessage",)))[0].text


def channel(app: LocalBot) -> list[str]:
    return [m.text for m in app.sandbox.messages(SANDBOX_CHANNEL_ID)]


async def test_scheduled_post_is_sent_once_across_a_restart(sandbox: Sandbox, settings: Settings, clock: FrozenClock) -> None:
    async with LocalBot(settings, sandbox=sandbox, clock=clock) as first:
        preview = await sandbox.ask("/schedule 2026-03-02 15:30 Вечерний выпуск & <анонс>", user_id=ADMIN_ID)
        assert "02.03.2026 15:30 (Europe/Moscow)" in preview.text
        assert "Вечерний выпуск & <анонс>" in preview.text
        assert "запланирован" in await confirm(sandbox, preview)
        queue = await sandbox.ask("/queue", user_id=ADMIN_ID)
        assert "02.03.2026 15:30" in queue.text and "Вечерний выпуск" in queue.text
        assert await first.services.posting.publish_due() == 0  # not yet
        clock.set(datetime(2026, 3, 2, 12, 30, 5, tzinfo=timezone.utc))
        assert await first.services.posting.publish_due() == 1
    async with LocalBot(settings, sandbox=sandbox, clock=clock) as second:
        clock.advance(minutes=1)
        assert await second.services.posting.publish_due() == 0
    assert [t for t in [m.text for m in sandbox.messages(SANDBOX_CHANNEL_ID)]] == ["Вечерний выпуск & <анонс>"]


async def test_bad_schedules_are_refused_with_reasons(app: LocalBot) -> None:
    past = await app.sandbox.ask("/schedule 2026-03-02 11:00 Поздно", user_id=ADMIN_ID)
    assert "уже прошло" in past.text
    garbage = await app.sandbox.ask("/schedule завтра утром Текст", user_id=ADMIN_ID)
    assert "ГГГГ-ММ-ДД" in garbage.text
    bad_date = await app.sandbox.ask("/schedule 2026-02-30 10:00 Текст", user_id=ADMIN_ID)
    assert "2026-02-30 10:00" in bad_date.text
    usage = await app.sandbox.ask("/schedule", user_id=ADMIN_ID)
    assert "/schedule 2026-12-31 18:00" in usage.text
    assert await app.services.store.call(posts_sql.with_state, "draft") == []


async def test_cancel_a_scheduled_post(app: LocalBot, clock: FrozenClock) -> None:
    preview = await app.sandbox.ask("/schedule 2026-03-03 10:00 Завтрашний пост", user_id=ADMIN_ID)
    await confirm(app.sandbox, preview)
    post = (await app.services.store.call(posts_sql.with_state, "scheduled"))[0]
    bad = await app.sandbox.ask("/cancel abc", user_id=ADMIN_ID)
    assert "/cancel 12" in bad.text
    unknown = await app.sandbox.ask("/cancel 999", user_id=ADMIN_ID)
    assert "не найден" in unknown.text
    done = await app.sandbox.ask(f"/cancel {post['id']}", user_id=ADMIN_ID)
    assert f"#{post['id']}" in done.text
    clock.set(datetime(2026, 3, 4, 0, 0, tzinfo=timezone.utc))
    assert await app.services.posting.publish_due() == 0
    assert channel(app) == []
    empty = await app.sandbox.ask("/queue", user_id=ADMIN_ID)
    assert "нет" in empty.text


async def test_new_text_replaces_an_open_draft(app: LocalBot) -> None:
    first = await app.sandbox.ask("/post Первая версия", user_id=ADMIN_ID)
    second = await app.sandbox.ask("Исправленная версия", user_id=ADMIN_ID)
    assert "Исправленная версия" in second.text and second.message_id != first.message_id
    assert "Опубликовано" in await confirm(app.sandbox, second)
    assert channel(app) == ["Исправленная версия"]
    # the first preview lost its buttons: nothing stale to press
    assert app.sandbox.message(first.chat_id, first.message_id).buttons == []


async def test_forwarded_and_replied_messages_become_drafts(app: LocalBot) -> None:
    app.sandbox.add_channel(-100777, username="source_channel", title="Источник")
    forwarded = app.sandbox.send_text("Пересланная новость", user_id=ADMIN_ID, forward_from_chat_id=-100777)
    preview = (await app.sandbox.wait_for(ADMIN_ID, 1))[0]
    assert "Пересланная новость" in preview.text and preview.buttons
    assert forwarded
    original = app.sandbox.send_text("Текст для канала", user_id=ADMIN_ID)
    await app.sandbox.wait_for(ADMIN_ID, 1)  # the draft-edit answer to plain text
    mark = app.sandbox.mark()
    app.sandbox.send_text("/post", user_id=ADMIN_ID, reply_to_message_id=original["message_id"])
    reply_preview = (await app.sandbox.wait_for(ADMIN_ID, 1, after=mark))[0]
    assert "Текст для канала" in reply_preview.text


async def test_admin_commands_refused_for_readers(app: LocalBot) -> None:
    for command in ("/schedule 2026-03-03 10:00 X", "/queue", "/cancel 1", "/post X"):
        reply = await app.sandbox.ask(command, user_id=READER_ID)
        assert "только для администраторов" in reply.text, command
    plain = await app.sandbox.ask("Просто текст", user_id=READER_ID)
    assert "/help" in plain.text
    rows = await app.services.store.call(audit_sql.recent, 20)
    assert sum(1 for r in rows if r["action"] == "refused") == 4
    assert await app.services.store.call(posts_sql.with_state, "draft") == []
