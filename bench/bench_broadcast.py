"""Broadcast throughput, 429s and reply latency under both sandbox models of Telegram's limits.

Two senders deliver the same text to the same subscribers, each on a fresh sandbox that answers
429 beyond Telegram's limits, once per accounting model (``SandboxLimits.model``):

* "default": 30 msg/s overall, 1/s per private chat, edits per chat only, deletes free;
* "strict": a private chat takes 3 in any 3 s, edits and deletes count toward the 30/s like
  sends, and every request is delayed by a few ms of random network jitter.

The senders:

* the bot's own path — /broadcast, confirm, outbox worker, Throttle request middleware, with the
  admin's live progress message;
* the common fixed-sleep loop — ``for chat in chats: send(); sleep(0.05)``, retrying after 429.

Printed side by side: the rate share of the allowed 30/s (every call the model counts globally,
in the time the broadcast took; target ≥ 95 %), 429s to subscribers and to the admin (target
≤ 1 in all), and the median / p95 latency of /help replies asked while the broadcast runs
(target p95 ≤ 1.5 s).

Nominal time runs --scale times faster on the sandbox and in the throttle alike (every ratio
kept; the strict model's jitter stays real milliseconds, so --scale > 1 makes it harsher); rates
are in nominal (Telegram) calls per second, latencies in real seconds.

With ``--taps N`` it then also plays N readers pressing /settings hour buttons 14 times each as
fast as they can (issue 19, point 8), under each model: the longest wait for a press's answer,
edits per reader and 429s.

    python bench/bench_broadcast.py [--subscribers 300] [--scale 1] [--taps 50]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from aiogram.exceptions import TelegramRetryAfter
from sqlite_utils import Database

from bot.app.local import LocalBot
from bot.config import Settings
from bot.delivery import RateLimits
from bot.sandbox import Sandbox, SandboxLimits
from storage import chats as chats_sql
from storage import subscriptions as subs_sql

ADMIN = 9001
READERS = list(range(1001, 1006))  # asked in turn: one chat may get only 1 reply/s
FIRST = 100_000
TEXT = "Казахстан – ЕС: что изменилось после декабрьского анализа. <b>Новый дайджест</b> &amp; темы недели."
ALLOWED = 30.0  # Telegram's global messages per second
SENDS = {"sendMessage", "sendPhoto", "copyMessage", "forwardMessage"}
COUNTED_LIKE_EDITS = {"editMessageText", "editMessageReplyMarkup", "editMessageCaption", "deleteMessage",
                      "pinChatMessage", "unpinChatMessage"}


@dataclass
class Outcome:
    name: str
    delivered: int  # subscribers that got the message
    counted: int  # successful calls the model counts toward 30/s while the broadcast ran
    seconds: float  # nominal, first to last delivered broadcast message
    to_subscribers_429: int
    to_admin_429: int
    other_429: int
    latencies: list[float]

    @property
    def share(self) -> float:
        """Calls per nominal second as a share of the 30/s Telegram allows."""
        return (self.counted - 1) / self.seconds / ALLOWED if self.seconds > 0 else 0.0


def sandbox_for(model: str, scale: float, subscribers: list[int]) -> Sandbox:
    sandbox = Sandbox(SandboxLimits.model(model, time_scale=scale))
    for uid in (ADMIN, *READERS, *subscribers):
        sandbox.add_user(uid, first_name=f"U{uid}")
    return sandbox


def outcome(name: str, sandbox: Sandbox, subscribers: list[int], scale: float, latencies: list[float]) -> Outcome:
    wanted = set(subscribers)
    limits = sandbox.limits
    counted_methods = SENDS | (COUNTED_LIKE_EDITS if limits.edits_count_globally else set())
    ok = sorted(c.at for c in sandbox.calls if c.method in SENDS and c.error_code is None
                and int(c.params["chat_id"]) in wanted)
    counted = sum(1 for c in sandbox.calls if c.method in counted_methods and c.error_code is None
                  and ok[0] <= c.at <= ok[-1])
    by_chat = sandbox.stats["rejected_429_by_chat"]
    to_subs = sum(n for chat, n in by_chat.items() if chat in wanted)
    to_admin = by_chat.get(ADMIN, 0)
    return Outcome(name, len(ok), counted, (ok[-1] - ok[0]) * scale, to_subs, to_admin,
                   sum(by_chat.values()) - to_subs - to_admin, latencies)


def seed(db: Database, ids: list[int], now: str) -> None:
    for chat_id in ids:
        chats_sql.remember(db, {"id": chat_id, "type": "private", "title": str(chat_id)}, now)
        subs_sql.subscribe(db, chat_id, {"frequency": "off", "hour": 10, "timezone": "UTC"}, now)


@contextlib.asynccontextmanager
async def bench_bot(sandbox: Sandbox, ids: list[int], scale: float) -> AsyncIterator[LocalBot]:
    """The real bot on `sandbox` with a throwaway database, its pacing scaled like the sandbox's
    limits, and `ids` seeded as subscribers; the sandbox is stopped on the way out."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, database_path=Path(tmp) / "bench.sqlite3",  # type: ignore[call-arg]
                            admin_ids=str(ADMIN), channel_id=None)
        local = LocalBot(settings, sandbox=sandbox)
        local.services.throttle.configure(RateLimits.from_settings(settings, time_scale=scale))
        await sandbox.start()
        try:
            async with local:
                await local.services.store.call(seed, ids, local.services.clock.iso())
                yield local
        finally:
            await sandbox.stop()


async def bot_broadcast(model: str, subscribers: list[int], scale: float) -> Outcome:
    sandbox = sandbox_for(model, scale, subscribers)
    async with bench_bot(sandbox, subscribers, scale) as local:
        preview = await sandbox.ask(f"/broadcast {TEXT}", user_id=ADMIN)
        await sandbox.click(ADMIN, preview.message_id, preview.button("Отправить"), user_id=ADMIN)
        latencies = await replies_until_done(local)
    return outcome("outbox + throttle", sandbox, subscribers, scale, latencies)


async def replies_until_done(local: LocalBot) -> list[float]:
    """Ask /help every 0.25 s (each reader every 1.25 s) while the broadcast runs; the time to
    each reply."""
    latencies: list[float] = []
    while not any(m.text.startswith("✅") for m in local.sandbox.messages(ADMIN)):
        started = time.monotonic()
        reader = READERS[len(latencies) % len(READERS)]
        await local.sandbox.ask("/help", user_id=reader, timeout=30)
        latencies.append(time.monotonic() - started)
        await asyncio.sleep(0.25)
    return latencies


async def rapid_taps(model: str, readers: int, scale: float, taps: int = 14) -> dict[str, float]:
    """``readers`` open /settings → Час, then press 14 hour buttons each at once."""
    ids = list(range(200_000, 200_000 + readers))
    sandbox = sandbox_for(model, scale, ids)
    async with bench_bot(sandbox, ids, scale) as local:
        local.services.scheduler.pause()
        menus = [await sandbox.ask("/settings", user_id=uid, timeout=30) for uid in ids]
        for uid, menu in zip(ids, menus):
            await sandbox.click(uid, menu.message_id, "st:menu:hr", user_id=uid, timeout=30)
        mark = len(sandbox.calls)
        pressed = {sandbox.press_button(uid, menu.message_id, f"st:hr:{hour}", user_id=uid): time.monotonic()
                   for hour in range(taps) for uid, menu in zip(ids, menus)}
        deadline = time.monotonic() + 120
        while not all(f"{taps - 1:02d}:00" in sandbox.message(uid, m.message_id).text for uid, m in zip(ids, menus)):
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
    calls = sandbox.calls[mark:]
    waits = [c.at - pressed[c.params["callback_query_id"]] for c in calls
             if c.method == "answerCallbackQuery" and c.params.get("callback_query_id") in pressed]
    edits = sum(1 for c in calls if c.method == "editMessageText" and c.error_code is None)
    return {"answered": len(waits), "pressed": len(pressed), "longest": max(waits, default=float("nan")),
            "p95": pct(waits, 0.95) if waits else float("nan"), "edits per reader": edits / readers,
            "429": sum(1 for c in calls if c.error_code == 429)}


async def fixed_sleep_loop(model: str, subscribers: list[int], scale: float) -> Outcome:
    """What many bots do: one send, sleep(0.05) nominal, next; on 429 wait retry_after and retry."""
    sandbox = sandbox_for(model, scale, subscribers)
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
    return outcome("fixed sleep(0.05)", sandbox, subscribers, scale, [])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency(o: Outcome, q: float) -> str:
    return f"{pct(o.latencies, q):.3f}" if o.latencies else "—"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=300)
    parser.add_argument("--scale", type=float, default=1.0, help="nominal seconds per real second")
    parser.add_argument("--models", default="default,strict", help="comma-separated sandbox models")
    parser.add_argument("--taps", type=int, default=0, help="readers for the rapid-taps run (0: skip it)")
    args = parser.parse_args()
    subscribers = list(range(FIRST, FIRST + args.subscribers))
    models = args.models.split(",")
    runs: list[tuple[str, Outcome]] = []
    for model in models:
        runs.append((model, await bot_broadcast(model, subscribers, args.scale)))
        runs.append((model, await fixed_sleep_loop(model, subscribers, args.scale)))

    print(f"broadcast to {args.subscribers} private chats; time scale x{args.scale:g} (rates in nominal calls/s)")
    print(f"{'':30}" + "".join(f"{model + ': ' + o.name[:13]:>26}" for model, o in runs))
    rows = [
        ("delivered", lambda o: f"{o.delivered}/{args.subscribers}"),
        ("duration (nominal s)", lambda o: f"{o.seconds:.1f}"),
        ("counted calls/s", lambda o: f"{(o.counted - 1) / o.seconds:.2f}"),
        ("share of allowed 30/s", lambda o: f"{o.share:.1%}"),
        ("429 to subscribers", lambda o: f"{o.to_subscribers_429}"),
        ("429 to the admin", lambda o: f"{o.to_admin_429}"),
        ("429 to readers", lambda o: f"{o.other_429}"),
        ("/help replies asked", lambda o: f"{len(o.latencies)}" if o.latencies else "—"),
        ("reply median (real s)", lambda o: latency(o, 0.5)),
        ("reply p95 (real s)", lambda o: latency(o, 0.95)),
    ]
    for label, cell in rows:
        print(f"{label:30}" + "".join(f"{cell(o):>26}" for _, o in runs))
    for model, o in runs:
        if o.latencies:
            met = (o.share >= 0.95 and o.to_subscribers_429 + o.to_admin_429 + o.other_429 <= 1
                   and pct(o.latencies, 0.95) <= 1.5 and o.delivered == args.subscribers)
            print(f"targets under {model} (share >= 95%, <= 1 answer 429, reply p95 <= 1.5 s):",
                  "met" if met else "NOT met")
    print(f"(statistics: median of {sum(len(o.latencies) for _, o in runs)} replies in all:"
          f" {statistics.median([x for _, o in runs for x in o.latencies]):.3f} s)")
    if args.taps:
        print(f"\nrapid taps: {args.taps} readers x 14 presses of /settings hour buttons (real seconds)")
        for model in models:
            t = await rapid_taps(model, args.taps, args.scale)
            print(f"  {model:8} answered {t['answered']:.0f}/{t['pressed']:.0f}, longest answer {t['longest']:.3f} s,"
                  f" p95 {t['p95']:.3f} s, edits per reader {t['edits per reader']:.1f}, 429: {t['429']:.0f}")


if __name__ == "__main__":
    asyncio.run(main())
