"""Reads while a big write runs: the store's reader connections against the old single thread.

A fresh database holds the shipped anchor's catalog, 300 articles and 10,000 subscribed chats.
The write is what a broadcast or a digest run does: ``outbox.enqueue`` of one row per chat
(10,000 rows of ~1 KB HTML) in one transaction, repeated ``--rounds`` times. Meanwhile
``--tasks`` concurrent readers do what every update and every /summary, /themes or /settings
does — ``chats.is_known`` (the middleware), ``articles.latest``, ``themes.themes``,
``subscriptions.get`` — one after another, as fast as they are answered (or ``--pause-ms``
apart, closer to updates arriving: readers that never rest take the GIL from the writer).

Two stores, side by side, on the same data:

* ``readers`` — the production ``Store`` (writes on the writer thread, ``@reads`` on 3 reader
  connections);
* ``one thread`` — ``Store(readers=0)``: every call on the one thread, as before issue 14.

Printed per store: how long the writes took, how many reads were answered while they ran, and
the median / p95 / longest wait of a read (real seconds).

    python bench/bench_store.py [--rows 10000] [--rounds 3] [--tasks 8] [--pause-ms 0]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from storage import articles as articles_sql
from storage import chats as chats_sql
from storage import outbox as outbox_sql
from storage import subscriptions as subs_sql
from storage import themes as themes_sql
from storage.db import Store, open_database

NOW = "2026-12-05T10:00:00+00:00"
FIRST_CHAT = 100_000
HTML = "<b>Казахстан – ЕС: что изменилось после декабрьского анализа</b>\n" + "Новый дайджест по темам недели. " * 30


def seed(path: Path, chats: int) -> None:
    """Chats, subscriptions and articles straight into the file (the bench measures the store, not
    the seeding); the shipped anchor's themes so `themes.themes` has rows to decode."""
    db: Database = open_database(path)
    with db.conn:
        db["chats"].insert_all(({"id": FIRST_CHAT + i, "type": "private", "title": f"R{i}", "language": "ru",
                                 "active": 1, "created_at": NOW, "updated_at": NOW} for i in range(chats)),
                               batch_size=1000)
        db["subscriptions"].insert_all(({"chat_id": FIRST_CHAT + i, "thread_id": 0, "active": 1, "frequency": "daily",
                                         "hour": 9, "timezone": "Europe/Moscow", "created_at": NOW, "updated_at": NOW}
                                        for i in range(chats)), batch_size=1000)
        db["articles"].insert_all(({"title": f"Статья {i}", "text": "Текст статьи. " * 50, "kind": "feed",
                                    "url": f"https://example.org/{i}", "content_hash": f"h{i}", "created_at": NOW,
                                    "updated_at": NOW, "published": NOW} for i in range(300)), batch_size=100)
        anchor = db["articles"].insert({"title": "Анализ", "text": "Текст.", "kind": "anchor", "content_hash": "anchor",
                                        "created_at": NOW, "updated_at": NOW}).last_pk
    from bot.text import load_catalog  # the shipped catalog: real theme records to decode

    themes_sql.add_anchor(db, "kz-eu", int(anchor), "Анализ", load_catalog().to_dicts())
    db.close()


@dataclass
class Outcome:
    name: str
    write_s: float
    waits: list[float]

    def row(self) -> str:
        waits = sorted(self.waits) or [0.0]
        p95 = waits[min(len(waits) - 1, int(len(waits) * 0.95))]
        return (f"{self.name:<11} {self.write_s:>8.2f} {len(self.waits):>8} {statistics.median(waits) * 1000:>9.1f}"
                f" {p95 * 1000:>9.1f} {max(waits) * 1000:>9.1f}")


async def reader(store: Store, task: int, writing: asyncio.Event, waits: list[float], pause: float) -> None:
    chat = {"id": FIRST_CHAT + task, "type": "private", "title": f"R{task}", "language": "ru"}
    calls = [(chats_sql.is_known, (chat,)), (articles_sql.latest, (5,)), (themes_sql.themes, ()),
             (subs_sql.get, (FIRST_CHAT + task,))]
    step = 0
    while writing.is_set():
        fn, args = calls[step % len(calls)]
        started = time.perf_counter()
        await store.call(fn, *args)
        if writing.is_set():  # a read that ended after the writes does not count
            waits.append(time.perf_counter() - started)
        step += 1
        if pause:
            await asyncio.sleep(pause)


async def run(name: str, path: Path, readers: int, rows: int, rounds: int, tasks: int, pause: float) -> Outcome:
    items = [{"chat_id": FIRST_CHAT + i, "html": HTML} for i in range(rows)]
    waits: list[float] = []
    async with Store(path, readers=readers) as store:
        writing = asyncio.Event()
        writing.set()
        readers_running = [asyncio.create_task(reader(store, k, writing, waits, pause)) for k in range(tasks)]
        await asyncio.sleep(0)  # every reader has asked once before the first write is queued
        started = time.perf_counter()
        for _ in range(rounds):
            await store.call(outbox_sql.enqueue, kind="broadcast", items=items, now=NOW)
        write_s = time.perf_counter() - started
        writing.clear()
        await asyncio.gather(*readers_running)
    return Outcome(name, write_s, waits)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="outbox rows per enqueue")
    parser.add_argument("--rounds", type=int, default=3, help="enqueues, one after another")
    parser.add_argument("--tasks", type=int, default=8, help="concurrent readers")
    parser.add_argument("--pause-ms", type=float, default=0.0,
                        help="each reader's pause between reads (0: as fast as answered; 10: ~100 updates/s each)")
    args = parser.parse_args()
    outcomes = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, readers in (("one thread", 0), ("readers", 3)):
            path = Path(tmp) / f"{readers}.sqlite3"
            seed(path, args.rows)
            outcomes.append(await run(name, path, readers, args.rows, args.rounds, args.tasks, args.pause_ms / 1000))
    print(f"{args.rounds} × outbox.enqueue of {args.rows} rows, {args.tasks} readers asking meanwhile"
          f" (pause {args.pause_ms:g} ms between reads)")
    print(f"{'store':<11} {'writes s':>8} {'reads':>8} {'median ms':>9} {'p95 ms':>9} {'max ms':>9}")
    for outcome in outcomes:
        print(outcome.row())
    old, new = outcomes
    if new.waits and old.waits:
        print(f"reads answered during the writes: ×{len(new.waits) / len(old.waits):.0f}; "
              f"p95 wait ÷{sorted(old.waits)[int(len(old.waits) * 0.95)] / sorted(new.waits)[int(len(new.waits) * 0.95)]:.0f}; "
              f"writes took ×{new.write_s / old.write_s:.2f} as long")


if __name__ == "__main__":
    asyncio.run(main())
