"""kill -9 in the middle of a broadcast: the restarted bot finishes it, nobody is skipped, and
only the sends that were in flight at the moment of the kill can arrive twice. A graceful stop
(SIGTERM) in the middle does better: nothing at all arrives twice."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox import SANDBOX_TOKEN, Sandbox, SandboxLimits
from storage import chats as chats_sql
from storage import subscriptions as subs_sql
from storage.db import Store
from tests.conftest import ADMIN_ID
from tests.delivery.conftest import MARGIN

SCALE = 5.0  # 150 messages/s: the broadcast lasts long enough to be killed in the middle
SUBSCRIBERS = list(range(40001, 40401))
SCRIPT = Path(__file__).with_name("run_bot.py")
TEXT = "Рассылка, которую убьют на середине"


async def prepare_database(path: Path) -> None:
    async with Store(path) as store:
        now = "2025-12-20T10:00:00+00:00"
        for chat_id in SUBSCRIBERS:
            await store.call(chats_sql.remember, {"id": chat_id, "type": "private", "title": str(chat_id)}, now)
            await store.call(subs_sql.subscribe, chat_id, {"frequency": "off", "hour": 10, "timezone": "UTC"}, now)


class BotProcess:
    def __init__(self, sandbox: Sandbox, database: Path, log: Path) -> None:
        self.env = {
            **os.environ, "BOT_TOKEN": SANDBOX_TOKEN, "TELEGRAM_API_URL": sandbox.base_url,
            "DATABASE_PATH": str(database), "ADMIN_IDS": str(ADMIN_ID), "CHANNEL_ID": "",
            "DELIVERY_TIME_SCALE": str(SCALE), "DELIVERY_MARGIN": str(MARGIN),
        }
        self.log = log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, str(SCRIPT), env=self.env, cwd=str(SCRIPT.parents[2]), stdout=out, stderr=out
            )

    async def kill(self, sig: signal.Signals = signal.SIGKILL) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)
        await asyncio.wait_for(self.proc.wait(), 30)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            await self.kill()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[Sandbox, BotProcess, Path]]:
    database = tmp_path / "crash.sqlite3"
    await prepare_database(database)
    async with Sandbox(SandboxLimits.model("strict", time_scale=SCALE)) as sb:
        sb.add_user(ADMIN_ID, first_name="Admin")
        for chat_id in SUBSCRIBERS:
            sb.add_user(chat_id)
        process = BotProcess(sb, database, tmp_path / "bot.log")
        try:
            yield sb, process, database
        finally:
            await process.stop()


def delivered(sb: Sandbox) -> dict[int, int]:
    return {chat_id: sum(1 for m in sb.messages(chat_id) if m.text == TEXT) for chat_id in SUBSCRIBERS}


async def until(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def start_broadcast(sb: Sandbox, process: BotProcess) -> None:
    await process.start()
    preview = await sb.ask(f"/broadcast {TEXT}", user_id=ADMIN_ID, timeout=30)
    await sb.click(ADMIN_ID, preview.message_id, preview.button("Отправить"), user_id=ADMIN_ID)
    await until(lambda: sum(delivered(sb).values()) >= len(SUBSCRIBERS) // 4, 20, "a quarter delivered")


async def test_sigterm_mid_broadcast_sends_nothing_twice(world: tuple[Sandbox, BotProcess, Path]) -> None:
    """SIGTERM while the claimed rows wait out a long flood pause (Telegram said: retry after a
    minute), with slow answers so that some requests are on the wire: the stop records what was
    sent, gives back what was not, and the restart sends each message exactly once."""
    sb, process, database = world
    await start_broadcast(sb, process)
    sb.set_delay(0.05, ["sendMessage"])
    floods = sb.stats["errors"].get(429, 0)
    sb.fail_next("sendMessage", 429, count=3, description="Too Many Requests: retry after 60",
                 parameters={"retry_after": 60})
    await until(lambda: sb.stats["errors"].get(429, 0) >= floods + 3, 10, "the flood answers")
    await process.kill(signal.SIGTERM)
    with sqlite3.connect(database) as db:
        states = dict(db.execute("select state, count(*) from outbox group by state").fetchall())
    assert "sending" not in states, f"a graceful stop left claimed rows behind: {states}"
    assert states.get("pending", 0) > 0, "the stop should land mid-broadcast"
    sb.set_delay(0.0)
    await process.start()
    await until(lambda: all(delivered(sb).values()), 30, "every subscriber served after the restart")
    await until(lambda: any(m.text.startswith("✅") for m in sb.messages(ADMIN_ID)), 10, "the final report")
    counts = delivered(sb)
    assert sorted(set(counts.values())) == [1], {c: n for c, n in counts.items() if n != 1}
    with sqlite3.connect(database) as db:
        states = dict(db.execute("select state, count(*) from outbox group by state").fetchall())
    assert states == {"sent": len(SUBSCRIBERS)}


async def test_sigkill_mid_broadcast_loses_nothing(world: tuple[Sandbox, BotProcess, Path]) -> None:
    sb, process, database = world
    await start_broadcast(sb, process)
    await process.kill()
    before = sum(delivered(sb).values())
    with sqlite3.connect(database) as db:
        in_flight = db.execute("select count(*) from outbox where state = 'sending'").fetchone()[0]
        pending = db.execute("select count(*) from outbox where state = 'pending'").fetchone()[0]
    assert 0 < before < len(SUBSCRIBERS) and pending > 0, "the kill should land mid-broadcast"

    await process.start()
    await until(lambda: all(delivered(sb).values()), 30, "every subscriber served after the restart")
    await until(lambda: any(m.text.startswith("✅") for m in sb.messages(ADMIN_ID)), 10, "the final report")
    counts = delivered(sb)
    duplicates = sum(n - 1 for n in counts.values())
    assert min(counts.values()) == 1 and max(counts.values()) <= 2
    assert duplicates <= in_flight, f"{duplicates} duplicates but only {in_flight} sends were in flight"
    with sqlite3.connect(database) as db:
        states = dict(db.execute("select state, count(*) from outbox group by state").fetchall())
    assert states == {"sent": len(SUBSCRIBERS)}
    assert sb.stats["rejected_429"] <= len(SUBSCRIBERS) * 0.005
