"""A sick disk under the running bot: read-only, full, the database file deleted or replaced.

Every update used to write the chat row first, so a disk that refuses writes turned every
command — /start and /summary too — into "Что-то пошло не так", the admins heard nothing and
/healthz said 200. Now reads keep answering, a write the user asked for fails plainly, the
admins are told once, and /healthz says 503.

All on a real SQLite file: read-only through SQLite's own `query_only` switch (the tests may
run as root, whom chmod does not stop), a full disk through `max_page_count` with every page
in use, deletion and replacement through the file system.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sqlite3
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path

import aiohttp
import pytest

from bot.app.local import LocalBot
from bot.app.web import health_app, serve
from bot.clock import FrozenClock
from bot.i18n import Translator
from bot.sandbox import Sandbox
from tests.conftest import ADMIN_ID, READER_ID, make_settings

RU = Translator("ru")
NEWCOMER = 20_000_000  # a reader the bot has not seen: its chat row is an insert


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def health(app: LocalBot) -> AsyncIterator[str]:
    port = _free_port()
    stop = asyncio.Event()
    server = asyncio.create_task(serve(health_app(app.services), "127.0.0.1", port, stop))
    url = f"http://127.0.0.1:{port}/healthz"
    async with aiohttp.ClientSession() as http:
        for _ in range(100):
            try:
                async with http.get(url):
                    break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
    try:
        yield url
    finally:
        stop.set()
        await server


async def _probe(url: str) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return resp.status, await resp.json()


def _read_only(db) -> None:
    db.execute("PRAGMA query_only = 1")


FILLER = {  # inactive rows: nobody is sent anything for them
    "chats": "insert into chats (id, active, created_at, updated_at) values (?, 0, '', '')",
    "subscriptions": "insert into subscriptions (chat_id, active, frequency, hour, timezone, created_at, updated_at)"
                     " values (?, 0, 'off', 0, 'UTC', '', '')",
}


def _fill(db) -> None:
    """Every page in use and no room to grow: the next row appended to `chats` or
    `subscriptions` needs a page SQLite may not allocate (SQLITE_FULL, as on a full disk)."""
    db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0] + 16}")
    for table, key in (("chats", "id"), ("subscriptions", "chat_id")):
        row = 10_000
        while True:
            try:
                with db.conn:
                    db.execute(FILLER[table], [row])
            except sqlite3.OperationalError as exc:
                assert "full" in str(exc)
                break
            row += 1


def _delete(path: Path) -> None:
    os.unlink(path)


def _replace(path: Path) -> None:
    shutil.copy(path, path.with_suffix(".copy"))
    os.replace(path.with_suffix(".copy"), path)


async def _ask(app: LocalBot, text: str, user_id: int = NEWCOMER) -> str:
    return (await app.sandbox.ask(text, user_id=user_id, timeout=20)).text


async def _reads_answer_and_writes_fail_plainly(app: LocalBot) -> None:
    app.sandbox.add_user(NEWCOMER, first_name="New", language_code="ru")
    assert await _ask(app, "/start") == RU("start")
    assert "Казахстан" in await _ask(app, "/summary")
    assert await _ask(app, "/themes") != RU("internal_error")
    assert await _ask(app, "/subscribe") == RU("storage_write_failed")
    assert await _ask(app, "/subscribe") == RU("storage_write_failed")


def _alarms(app: LocalBot) -> list[str]:
    return [m.text for m in app.sandbox.messages(ADMIN_ID) if m.text.startswith("⚠️")]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fault,reason", [(_read_only, "read_only"), (_fill, "full")], ids=["read-only", "full"])
async def test_a_disk_that_refuses_writes(app: LocalBot, health: str, fault, reason: str) -> None:
    assert (await _probe(health))[0] == 200
    await app.services.store.call(fault)
    await _reads_answer_and_writes_fail_plainly(app)
    status, body = await _probe(health)
    assert status == 503 and reason in body["error"]
    path = app.settings.database_path
    assert _alarms(app) == [RU(f"storage_alarm_{reason}", path=path)]  # once, not per update


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fault", [_delete, _replace], ids=["deleted", "replaced"])
async def test_a_database_file_deleted_or_replaced_while_running(app: LocalBot, health: str, fault) -> None:
    assert (await _probe(health))[0] == 200
    path = Path(app.settings.database_path)
    fault(path)
    status, body = await _probe(health)
    assert status == 503 and "replaced" in body["error"]
    # SQLite writes on into the old file without a word; the bot must not pretend it saved.
    await _reads_answer_and_writes_fail_plainly(app)
    assert _alarms(app) == [RU("storage_alarm_replaced", path=path)]


@pytest.mark.timeout(120)
async def test_back_to_healthy_after_the_disk_recovers_and_told_again_on_a_new_failure(
        app: LocalBot, health: str) -> None:
    store = app.services.store
    await store.call(_read_only)
    await _reads_answer_and_writes_fail_plainly(app)
    await store.call(lambda db: db.execute("PRAGMA query_only = 0"))
    mark = app.sandbox.mark()
    app.sandbox.send_text("/subscribe", user_id=NEWCOMER)
    assert (await app.sandbox.wait_for(NEWCOMER, 2, after=mark))[0].text.startswith("Готово, вы подписаны: дайджест")
    assert (await _probe(health))[0] == 200
    await store.call(_read_only)
    assert await _ask(app, "/unsubscribe") == RU("storage_write_failed")
    assert len(_alarms(app)) == 2


@pytest.mark.timeout(120)
async def test_a_scheduled_job_the_disk_refuses_tells_the_admins(sandbox: Sandbox, tmp_path: Path) -> None:
    clock = FrozenClock(datetime(2026, 1, 12, 3, 0, tzinfo=timezone.utc))  # Monday 06:00 Moscow
    async with LocalBot(make_settings(tmp_path), sandbox=sandbox, clock=clock) as app:
        mark = sandbox.mark()
        sandbox.send_text("/subscribe", user_id=READER_ID)  # weekly, Monday 10:00 Moscow
        await sandbox.wait_for(READER_ID, 2, after=mark)
        await app.services.store.call(_read_only)
        clock.set(datetime(2026, 1, 12, 7, 5, tzinfo=timezone.utc))  # 10:05: the digest is due
        await app.services.scheduler.get_job("digests").func()  # the minutely pass, as scheduled
        await app.services.scheduler.get_job("digests").func()
        assert _alarms(app) == [RU("storage_alarm_read_only", path=app.settings.database_path)]
