"""Composing due personal digests: seconds, peak memory and event-loop blocking, 1k → 10k subscribers.

A fresh database gets N subscribers (daily, all due now; varied zones, windows, theme filters and
languages) and 5,000 articles with themes. We time `Digests.compose_due` — the minutely job's
work before delivery: find who is due, read each distinct window once, compose and render off
the loop — and, side by side for the smaller sizes, a naive baseline that reads and renders every
subscriber's digest separately. Sizes run in increasing order, so the process's peak RSS is that size's peak. A heartbeat task records how late the loop ran (target: never
blocked more than 50 ms). Targets: roughly linear growth, under 10 s for 10,000.

    python bench/bench_digests.py [--sizes 1000,2000,5000,10000] [--articles 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
import resource
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.app.wiring import build_services
from bot.clock import FrozenClock
from bot.config import Settings
from bot.digests import compose, render
from bot.i18n import Translator
from storage import digests as digests_sql
from storage.timeutil import to_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
ZONES = ["Europe/Moscow", "Asia/Almaty", "Europe/Berlin", "Asia/Vladivostok", "UTC"]
WORDS = ("Казахстан ЕС коридор порт визы сырьё уран поставки инвестиции Астана Брюссель переговоры "
         "соглашение транзит Каспий логистика рынок банк энергетика санкции").split()


def fill(db, subscribers: int, articles: int, slugs: list[str], seed: int = 7) -> None:
    """Plain rows straight into SQLite: the bench measures composition, not NLP."""
    rnd = random.Random(seed)
    now = to_db(NOW)
    with db.atomic():
        rows = []
        for i in range(articles):
            created = NOW - timedelta(minutes=rnd.randrange(0, 7 * 24 * 60))
            title = " ".join(rnd.choice(WORDS) for _ in range(8)).capitalize()
            rows.append({"title": title, "text": title, "kind": "feed", "content_hash": f"h{i}",
                         "tldr": " ".join(rnd.choice(WORDS) for _ in range(25)) + ".",
                         "url": f"https://example.org/{i}", "created_at": to_db(created), "updated_at": now,
                         "analysis": "{}", "search_lemmas": title.lower()})
        db["articles"].insert_all(rows, batch_size=1000)
        ids = [r[0] for r in db.execute("select id from articles where kind = 'feed'").fetchall()]
        db["article_themes"].insert_all(
            [{"article_id": a, "slug": s, "score": 0.7} for a in ids for s in rnd.sample(slugs, rnd.choice((0, 1, 1, 2)))],
            batch_size=2000)
        db["chats"].insert_all([{"id": 10_000 + i, "type": "private", "language": rnd.choice(("ru", "ru", "en")),
                                 "active": 1, "created_at": now, "updated_at": now} for i in range(subscribers)],
                               batch_size=2000)
        subs = []
        for i in range(subscribers):
            themes = None if rnd.random() < 0.7 else json.dumps(sorted(rnd.sample(slugs, 2)))
            last = to_db(NOW - timedelta(days=7, hours=rnd.randrange(0, 24)))
            subs.append({"chat_id": 10_000 + i, "active": 1, "frequency": "daily", "weekday": 0,
                         "hour": rnd.randrange(0, 12), "timezone": rnd.choice(ZONES), "themes": themes,
                         "followups": 1, "last_slot": last, "last_sent_end": last, "created_at": now,
                         "updated_at": now})
        db["subscriptions"].insert_all(subs, batch_size=2000)


async def heartbeat(stop: asyncio.Event, worst: list[float]) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(0.01)
        worst[0] = max(worst[0], time.perf_counter() - start - 0.01)


async def naive(services, subs: list[dict]) -> int:
    """Baseline: one query and one render per subscriber, on the loop."""
    catalog = await services.themes.catalog()
    order, by_slug = [t.slug for t in catalog], {t.slug: t for t in catalog}
    sent = 0
    for sub in subs:
        rows = await services.store.call(digests_sql.articles_between, sub["last_sent_end"], to_db(NOW), limit=500)
        digest = compose.personal(rows, order, json.loads(sub["themes"]) if sub["themes"] else None, None)
        if not digest.empty:
            render.personal(digest, by_slug, Translator(sub.get("language") or "ru"))
            sent += 1
    return sent


async def run(size: int, articles: int, with_baseline: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, database_path=Path(tmp) / "bench.sqlite3")
        services = build_services(settings, FrozenClock(NOW))
        await services.start()
        slugs = [t.slug for t in await services.themes.catalog()]
        await services.store.call(fill, size, articles, slugs)
        stop, worst = asyncio.Event(), [0.0]
        beat = asyncio.create_task(heartbeat(stop, worst))
        start = time.perf_counter()
        digests = due = 0
        async for batch in services.digests.compose_due(NOW):
            digests += len(batch.envelopes)
            due += len(batch.marks)
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux; the process peak so far
        stop.set()
        await beat
        result = {"seconds": elapsed, "peak_mb": peak, "blocked_ms": worst[0] * 1000,
                  "digests": digests, "due": due}
        if with_baseline:
            subs = list(await services.store.call(lambda db: list(db.query(
                "select s.*, c.language from subscriptions s join chats c on c.id = s.chat_id"))))
            start = time.perf_counter()
            await naive(services, subs)
            result["naive_seconds"] = time.perf_counter() - start
        await services.close()
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2000,5000,10000")
    parser.add_argument("--articles", type=int, default=5000)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'subscribers':>11} {'due':>6} {'digests':>8} {'seconds':>8} {'s/1k':>6} {'peak RSS MB':>11} "
          f"{'loop blocked ms':>16} {'naive s':>8} {'speed-up':>8}")
    for size in sizes:
        r = asyncio.run(run(size, args.articles, with_baseline=size <= 2000))
        naive_s = r.get("naive_seconds")
        extra = f"{naive_s:8.2f} {naive_s / r['seconds']:7.1f}×" if naive_s else f"{'-':>8} {'-':>8}"
        print(f"{size:>11} {r['due']:>6} {r['digests']:>8} {r['seconds']:8.2f} {r['seconds'] / size * 1000:6.2f} "
              f"{r['peak_mb']:11.1f} {r['blocked_ms']:16.1f} {extra}", flush=True)


if __name__ == "__main__":
    main()
