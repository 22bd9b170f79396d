"""Broadcast throughput and reply latency on a sandbox that enforces Telegram's limits.

Two senders deliver the same text to the same number of subscribers, each on a fresh sandbox
answering 429 beyond 30 msg/s overall, 1/s per private chat and 20/min per group:

* the bot's own path — /broadcast, confirm, outbox worker, Throttle request middleware;
* the common fixed-sleep loop — ``for chat in chats: send(); sleep(0.05)``, retrying after 429.

Printed: achieved rate as a share of the allowed 30 msg/s (target ≥ 95 %), 429s received
(target ≤ 0.5 % of sends), and the median / p95 latency of /help replies asked while the
broadcast runs (target p95 ≤ 1.5 s: replies do not queue behind the broadcast).

Nominal time runs --scale times faster on the sandbox and in the throttle alike (every ratio
kept); rates are reported in nominal (Telegram) messages per second, latencies in real seconds.

    python bench/bench_broadcast.py [--subscribers 2000] [--scale 4]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from aiogram.exceptions import TelegramRetryAfter
from sqlite_utils import Database

from bot.config import Settings
from bot.delivery import RateLimits
from bot.local import LocalBot
from bot.sandbox import Sandbox, SandboxLimits
from storage import chats as chats_sql
from storage import subscriptions as subs_sql

ADMIN, READER = 9001, 1001
FIRST = 100_000
TEXT = "Казахстан – ЕС: что изменилось после декабрьского анализа. <b>Новый дайджест</b> &amp; темы недели."
ALLOWED = 30.0  # Telegram's global messages per second


@dataclass
class Outcome:
    name: str
    sends: int  # sendMessage calls to subscribers, rejected ones included
    delivered: int
    rejected_429: int  # all 429s the bot received
    seconds: float  # nominal, first to last delivered broadcast message
    others: int  # other messages the bot sent meanwhile (replies, reports): they share the 30/s

    @property
    def rate(self) -> float:
        """Broadcast messages per nominal second."""
        return (self.delivered - 1) / self.seconds if self.seconds > 0 else 0.0

    @property
    def total_rate(self) -> float:
        """Every message the bot sent in that time, per nominal second: what Telegram's 30/s counts."""
        return (self.delivered - 1 + self.others) / self.seconds if self.seconds > 0 else 0.0


def limited_sandbox(scale: float, subscribers: list[int]) -> Sandbox:
    sandbox = Sandbox(SandboxLimits(enforce=True, time_scale=scale))
    for uid in (ADMIN, READER, *subscribers):
        sandbox.add_user(uid, first_name=f"U{uid}")
    return sandbox


def outcome(name: str, sandbox: Sandbox, subscribers: list[int], scale: float) -> Outcome:
    wanted = set(subscribers)
    sends = [c for c in sandbox.calls if c.method == "sendMessage"]
    calls = [c for c in sends if int(c.params["chat_id"]) in wanted]
    ok = sorted(c.at for c in calls if c.error_code is None)
    others = sum(1 for c in sends if c.error_code is None and int(c.params["chat_id"]) not in wanted
                 and ok[0] < c.at < ok[-1])
    rejected = sum(1 for c in sends if c.error_code == 429)
    return Outcome(name, len(calls), len(ok), rejected, (ok[-1] - ok[0]) * scale, others)


def seed(db: Database, ids: list[int], now: str) -> None:
    for chat_id in ids:
        chats_sql.remember(db, {"id": chat_id, "type": "private", "title": str(chat_id)}, now)
        subs_sql.subscribe(db, chat_id, {"frequency": "off", "hour": 10, "timezone": "UTC"}, now)


async def bot_broadcast(subscribers: list[int], scale: float) -> tuple[Outcome, list[float]]:
    sandbox = limited_sandbox(scale, subscribers)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, database_path=Path(tmp) / "bench.sqlite3",  # type: ignore[call-arg]
                            admin_ids=str(ADMIN), channel_id=None)
        local = LocalBot(settings, sandbox=sandbox)
        local.services.throttle.configure(RateLimits.from_settings(settings, time_scale=scale))
        await sandbox.start()
        try:
            async with local:
                await local.services.store.call(seed, subscribers, local.services.clock.iso())
                preview = await sandbox.ask(f"/broadcast {TEXT}", user_id=ADMIN)
                await sandbox.click(ADMIN, preview.message_id, preview.button("Отправить"), user_id=ADMIN)
                latencies = await replies_until_done(local)
        finally:
            await sandbox.stop()
    return outcome("outbox + throttle", sandbox, subscribers, scale), latencies


async def replies_until_done(local: LocalBot) -> list[float]:
    """Ask /help every 0.25 s while the broadcast runs; the time to each reply."""
    latencies: list[float] = []
    while not any(m.text.startswith("✅") for m in local.sandbox.messages(ADMIN)):
        started = time.monotonic()
        await local.sandbox.ask("/help", user_id=READER, timeout=30)
        latencies.append(time.monotonic() - started)
        await asyncio.sleep(0.25)
    return latencies


async def fixed_sleep_loop(subscribers: list[int], scale: float) -> Outcome:
    """What many bots do: one send, sleep(0.05) nominal, next; on 429 wait retry_after and retry."""
    sandbox = limited_sandbox(scale, subscribers)
    async with sandbox:
        bot = sandbox.make_bot()
        try:
            for chat_id in subscribers:
                while True:
                    try:
                        await bot.send_message(chat_id, TEXT)
                        break
                    except TelegramRetryAfter as exc:
                        await asyncio.sleep(exc.retry_after / scale)
                await asyncio.sleep(0.05 / scale)
        finally:
            await bot.session.close()
    return outcome("fixed sleep(0.05)", sandbox, subscribers, scale)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--scale", type=float, default=4.0, help="nominal seconds per real second")
    args = parser.parse_args()
    subscribers = list(range(FIRST, FIRST + args.subscribers))
    ours, latencies = await bot_broadcast(subscribers, args.scale)
    naive = await fixed_sleep_loop(subscribers, args.scale)

    print(f"broadcast to {args.subscribers} private chats; sandbox enforcing 30 msg/s, 1/s per chat,"
          f" 20/min per group; time scale x{args.scale:g} (rates in nominal msg/s)")
    print(f"{'':34}{ours.name:>20}{naive.name:>20}")
    rows = [
        ("delivered", lambda o: f"{o.delivered}/{args.subscribers}"),
        ("duration (nominal s)", lambda o: f"{o.seconds:.1f}"),
        ("broadcast rate (msg/s)", lambda o: f"{o.rate:.2f}"),
        ("+ replies sent meanwhile", lambda o: f"{o.others}"),
        ("achieved rate, all msgs (msg/s)", lambda o: f"{o.total_rate:.2f}"),
        ("share of allowed 30 msg/s", lambda o: f"{o.total_rate / ALLOWED:.1%}"),
        ("429 received", lambda o: f"{o.rejected_429}"),
        ("429 share of sends", lambda o: f"{o.rejected_429 / max(o.sends, 1):.2%}"),
    ]
    for label, cell in rows:
        print(f"{label:34}{cell(ours):>20}{cell(naive):>20}")
    print(f"/help replies during the broadcast (real seconds, n={len(latencies)}):"
          f" median {statistics.median(latencies):.3f} s, p95 {pct(latencies, 0.95):.3f} s,"
          f" max {max(latencies):.3f} s")
    verdict = ours.total_rate / ALLOWED >= 0.95 and ours.rejected_429 <= 0.005 * ours.sends and pct(latencies, 0.95) <= 1.5
    print("targets (rate >= 95%, 429 <= 0.5%, p95 <= 1.5 s):", "met" if verdict else "NOT met")


if __name__ == "__main__":
    asyncio.run(main())
