"""Ingestion of 1,000 feed items end to end: throughput, peak memory and event-loop blocking.

A loopback aiohttp server serves synthetic RSS feeds (invented Russian news sentences, full
text in ``content:encoded``). They are registered as sources on a fresh database and polled by
the scheduler's own entry point, ``Ingestion.poll_due``: guarded fetch, feed parsing, HTML-to-text
extraction, summary, themes, lemmas and storage through the real Articles service. A heartbeat task
sleeping 10 ms records how late it wakes up: the longest lateness is the longest time the event
loop was blocked, i.e. how long a reader's /start could have waited behind the ingestion.

Each engine runs in its own subprocess so peak RSS is its own:

* ``threaded`` - the production ``TextEngine`` (analysis on its worker thread);
* ``inline`` - the same analysis called directly on the event loop (the naive baseline).

    python bench/bench_ingest.py [--items 1000] [--feeds 20] [--long-every 25] [--mode both|threaded|inline]

``--mode bomb`` instead fetches one URL served with ``Content-Encoding: gzip, gzip`` (a body that
inflates to ``--bomb-mb`` of zeros) through the fetcher and reports the process's peak RSS: the
size cap (5 MB) must stop it before the memory grows (issue 19, point 2).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from functools import partial
from pathlib import Path
from typing import Any, Callable, TypeVar
from xml.sax.saxutils import escape

from aiohttp import web
from sqlite_utils import Database

from bot.clock import Clock
from bot.net import HttpFetcher
from bot.nlp import TextEngine
from bot.services.anchors import ensure_anchors, stored_catalog
from bot.services.articles import Articles
from bot.services.audit import Audit
from bot.services.ingestion import Ingestion
from storage import sources as sources_sql
from storage.db import Store

T = TypeVar("T")
HEARTBEAT = 0.010

# Invented news sentences (no real events); items combine them so texts differ but stay on topic.
SENTENCES = (
    "Казахстан и Европейский союз обсудили расширение Транскаспийского маршрута.",
    "Паромы через Каспийское море будут ходить чаще уже с весны.",
    "Порт Актау примет дополнительные контейнерные краны европейского производства.",
    "Грузы из Китая в Европу всё чаще идут по Среднему коридору в обход России.",
    "Еврокомиссия предложила упростить выдачу многократных виз для студентов.",
    "Переговоры о реадмиссии продолжатся на уровне экспертов в следующем месяце.",
    "Астана настаивает на переработке редкоземельных металлов внутри страны.",
    "Европейские компании интересуются поставками урана и вольфрама.",
    "Эксперты говорят о диверсификации цепочек поставок и экономической безопасности.",
    "Многовекторная политика позволяет Казахстану сохранять баланс между крупными партнёрами.",
    "Москва внимательно следит за активностью Брюсселя в Центральной Азии.",
    "Пекин расширяет инвестиции в железные дороги региона.",
    "Правозащитники напомнили о свободе прессы и праве на мирные собрания.",
    "Программа «Глобальные ворота» финансирует проекты в энергетике и цифровой связи.",
    "Подрядчики должны соблюдать стандарты ЕС в закупках и отчётности.",
    "Критики указывают на асимметрию партнёрства и жёсткие условия кредитов.",
    "В Алматы открылся новый логистический центр для электронной торговли.",
    "Аналитики ожидают роста товарооборота на десять процентов.",
    "Фермеры получили субсидии на капельное орошение полей.",
    "Городские власти обещают обновить трамвайную сеть к осени.",
    "На выставке в Астане показали отечественные беспилотники для сельского хозяйства.",
    "Стороны договорились создать совместную рабочую группу по транспорту.",
    "Делегация Европарламента посетила Караганду и встретилась с шахтёрами.",
    "Банки региона начали выдавать кредиты в евро малому бизнесу.",
)


OPENERS = ("Как сообщили эксперты,", "По данным аналитиков,", "Кроме того,", "Между тем", "В то же время",
           "Напомним, что", "Как отмечают дипломаты,", "По словам участников встречи,")


def item_text(rng: random.Random, number: int, long_every: int) -> list[str]:
    """5-9 pool sentences plus one numbered detail, so every item is distinct (no hash dedup);
    every ``long_every``-th item is a long read of about 1,200 words, as analyses are."""
    if long_every and number % long_every == 0:
        chosen = [f"{rng.choice(OPENERS)} {s[0].lower()}{s[1:]}" for s in rng.choices(SENTENCES, k=120)]
    else:
        chosen = rng.sample(SENTENCES, rng.randint(5, 9))
    detail = f"Сообщение {number} подготовлено по данным {rng.randint(2, 40)} источников."
    chosen.insert(rng.randint(1, len(chosen)), detail)
    return chosen


def make_feed(feed_no: int, count: int, first: int, long_every: int, seed: int = 7) -> bytes:
    """One RSS 2.0 feed of ``count`` items numbered from ``first``."""
    rng = random.Random(seed * 1000 + feed_no)
    items = []
    for number in range(first, first + count):
        sentences = item_text(rng, number, long_every)
        html = "".join(f"<p>{escape(s)}</p>" for s in sentences)
        title = escape(sentences[0].rstrip(".")[:90])
        items.append(
            f"<item><title>{title}</title><link>https://news{feed_no}.example.org/{number}</link>"
            f"<guid isPermaLink=\"false\">{number}</guid>"
            f"<pubDate>Mon, 05 Jan 2026 {number % 24:02d}:00:00 GMT</pubDate>"
            f"<content:encoded><![CDATA[{html}]]></content:encoded></item>")
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>"
            f"<title>Синтетическая лента {feed_no}</title><link>https://news{feed_no}.example.org/</link>"
            + "".join(items) + "</channel></rss>").encode("utf-8")


class InlineEngine(TextEngine):
    """Baseline: the same NLP calls made directly on the event loop (no worker thread)."""

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return partial(fn, *args, **kwargs)()


async def heartbeat(lateness: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        start = loop.time()
        await asyncio.sleep(HEARTBEAT)
        lateness.append(loop.time() - start - HEARTBEAT)


def rss_mb() -> float:
    """Current resident set size (Linux /proc; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * resource.getpagesize() / 2**20


async def serve_feeds(feeds: dict[str, bytes]) -> tuple[web.AppRunner, str]:
    async def handler(request: web.Request) -> web.Response:
        body = feeds.get(request.path)
        if body is None:
            return web.Response(status=404)
        return web.Response(body=body, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # noqa: SLF001
    return runner, f"http://127.0.0.1:{port}"


def _count_feed_articles(db: Database) -> int:
    return int(db.execute("select count(*) from articles where kind = 'feed'").fetchone()[0])


def _source_errors(db: Database) -> list[str]:
    return [r["last_error"] for r in db["sources"].rows_where("last_error is not null")]


def _make_all_due(db: Database, now: str) -> None:
    db.execute("update sources set next_poll_at = ?", [now])
    db.conn.commit()


async def measure(mode: str, items: int, feed_count: int, long_every: int) -> dict[str, Any]:
    per_feed = -(-items // feed_count)
    feeds = {f"/feed/{n}.xml": make_feed(n, min(per_feed, items - n * per_feed), n * per_feed, long_every)
             for n in range(feed_count) if items - n * per_feed > 0}
    runner, base = await serve_feeds(feeds)
    with tempfile.TemporaryDirectory() as tmp:
        store = await Store(Path(tmp) / "bench.sqlite3").open()
        engine = InlineEngine() if mode == "inline" else TextEngine()
        clock = Clock()
        articles = Articles(store, engine, clock)
        await engine.warm_up()
        await ensure_anchors(store, articles)
        engine.catalog = await stored_catalog(store)
        fetcher = HttpFetcher(allow_private=True)
        ingestion = Ingestion(store, articles, fetcher, clock, Audit(store, clock))
        for path in feeds:
            await store.call(sources_sql.add, kind="feed", url=base + path, name="bench", interval_s=900,
                             added_by=None, now=clock.iso())
        rss_before = rss_mb()
        lateness: list[float] = []
        stop = asyncio.Event()
        beat = asyncio.create_task(heartbeat(lateness, stop))
        await asyncio.sleep(HEARTBEAT * 2)
        started = time.perf_counter()
        changed = await ingestion.poll_due()
        elapsed = time.perf_counter() - started
        stop.set()
        await beat
        stored = await store.call(_count_feed_articles)
        errors = await store.call(_source_errors)
        # The same feeds again, every item unchanged (the server sends no ETag, as many don't).
        await store.call(_make_all_due, clock.iso())
        started = time.perf_counter()
        await ingestion.poll_due()
        repoll = time.perf_counter() - started
        await fetcher.aclose()
        await store.close()
        engine.close()
    await runner.cleanup()
    return {
        "mode": mode, "items": items, "feeds": len(feeds), "changed": changed, "stored": stored, "errors": errors,
        "feed_kb": round(sum(map(len, feeds.values())) / 1024 / len(feeds), 1),
        "seconds": round(elapsed, 2), "items_per_s": round(stored / elapsed, 1), "repoll_seconds": round(repoll, 2),
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "loop_max_block_ms": round(max(lateness) * 1000, 1),
        "loop_p99_block_ms": round(statistics.quantiles(lateness, n=100)[98] * 1000, 1) if len(lateness) > 2 else None,
        "heartbeats": len(lateness),
    }


def _gzip_of_zeros(size: int) -> bytes:
    """gzip(gzip(zeros)) built in slices, so building it does not take the memory it claims."""
    inner = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [inner.compress(bytes(16 << 20)) for _ in range(size // (16 << 20))]
    parts.append(inner.flush())
    return gzip.compress(b"".join(parts), 9)


async def measure_bomb(mb: int) -> dict[str, Any]:
    """Peak RSS of fetching one double-gzip bomb (in its own interpreter: see run_isolated)."""
    from bot.net import FetchError

    body = _gzip_of_zeros(mb << 20)
    app = web.Application()

    async def bomb(_request: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Encoding": "gzip, gzip", "Content-Type": "text/html"})

    app.router.add_get("/bomb", bomb)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rss_before = rss_mb()
    async with HttpFetcher(allow_private=True, timeout=120) as fetcher:
        started = time.perf_counter()
        try:
            result = await fetcher.get(f"http://127.0.0.1:{port}/bomb")
            outcome = f"read {len(result.content) >> 20} MB"
        except FetchError as exc:
            outcome = f"refused: {exc}"
        elapsed = time.perf_counter() - started
    await runner.cleanup()
    return {"mode": "bomb", "wire_kb": round(len(body) / 1024, 1), "inflates_to_mb": mb, "outcome": outcome,
            "seconds": round(elapsed, 2), "rss_before_mb": round(rss_before, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def run_isolated(mode: str, args: argparse.Namespace) -> dict[str, Any]:
    """One mode in a fresh interpreter, so its peak RSS is not the other mode's."""
    command = [sys.executable, __file__, "--mode", mode, "--items", str(args.items), "--feeds", str(args.feeds),
               "--long-every", str(args.long_every), "--bomb-mb", str(args.bomb_mb), "--json"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


ROWS = (("items stored", "stored"), ("feeds (kB each)", "feed_kb"), ("wall time, s", "seconds"),
        ("items per second", "items_per_s"), ("re-poll, all unchanged, s", "repoll_seconds"),
        ("RSS before ingest, MB", "rss_before_mb"),
        ("peak RSS, MB", "peak_rss_mb"), ("longest loop block, ms", "loop_max_block_ms"),
        ("p99 heartbeat lateness, ms", "loop_p99_block_ms"), ("heartbeats in the run", "heartbeats"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--feeds", type=int, default=20, help="items are spread over this many feeds")
    parser.add_argument("--long-every", type=int, default=25, help="every N-th item is a ~1,200-word long read (0: none)")
    parser.add_argument("--mode", choices=("both", "threaded", "inline", "bomb"), default="both")
    parser.add_argument("--bomb-mb", type=int, default=1024, help="--mode bomb: what the body inflates to")
    parser.add_argument("--json", action="store_true", help="print the raw figures of one mode as JSON")
    args = parser.parse_args()
    if args.mode == "bomb" and args.json:
        print(json.dumps(asyncio.run(measure_bomb(args.bomb_mb))))
        return
    if args.mode != "both" and args.json:
        print(json.dumps(asyncio.run(measure(args.mode, args.items, args.feeds, args.long_every))))
        return
    if args.mode == "bomb":
        r = run_isolated("bomb", args)
        print(f"Content-Encoding: gzip, gzip; {r['wire_kb']} kB on the wire, inflating to {r['inflates_to_mb']} MB")
        print(f"outcome: {r['outcome']} in {r['seconds']} s; RSS before {r['rss_before_mb']} MB, "
              f"peak {r['peak_rss_mb']} MB")
        return
    modes = ("threaded", "inline") if args.mode == "both" else (args.mode,)
    results = [run_isolated(mode, args) for mode in modes]
    longs = f", every {args.long_every}th a long read" if args.long_every else ""
    print(f"ingestion of {args.items} feed items{longs}, from {results[0]['feeds']} loopback feeds, fresh database")
    print(f"{'':28}" + "".join(f"{r['mode']:>12}" for r in results))
    for label, key in ROWS:
        print(f"{label:28}" + "".join(f"{r[key]!s:>12}" for r in results))
    for r in results:
        if r["errors"] or r["stored"] != args.items:
            print(f"WARNING {r['mode']}: stored {r['stored']} of {args.items}; errors: {r['errors'][:3]}")


if __name__ == "__main__":
    main()
