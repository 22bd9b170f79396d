"""Sources in, articles out: adding sources, polling them on schedule, one-off URL ingestion.

Each collected article goes through the library (analysed off the loop, deduplicated by
canonical URL, external id and content hash). A source's first collection is its back catalogue:
stored and searchable but marked `backfill`, so a new source never floods the digests.
Failures back off exponentially; after MAX_FAILURES in a row the source is disabled and the
admins are told.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Awaitable, Callable

from bot.clock import Clock
from bot.config import Settings
from bot.library import Article, Library
from bot.net import HttpFetcher
from bot.sources import ParsedArticle, SourceError, SourceRef, collect, detect_source, resolve_source
from storage import sources as sources_sql
from storage.timeutil import to_db

log = logging.getLogger(__name__)
MAX_FAILURES = 6
MAX_BACKOFF = timedelta(hours=12)
DEFAULT_INTERVAL = 900
SOURCE_KINDS = ("dzen_channel", "telegram_channel", "feed")

Notify = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class Stored:
    article: Article
    status: str  # new | updated | unchanged


def make_fetcher(settings: Settings) -> HttpFetcher:
    return HttpFetcher(allow_private=settings.fetch_allow_private, dzen_base_url=settings.dzen_base_url,
                       telegram_web_url=settings.telegram_web_url)


async def fetch_articles(url: str, fetcher: HttpFetcher) -> list[ParsedArticle]:
    """Everything one URL yields (an article, or a feed's/channel's newest items); SourceError
    with a one-line reason otherwise — never an empty list."""
    ref = detect_source(url)
    if ref.kind == "page":
        ref = await resolve_source(url, fetcher)
    result = await collect(ref, fetcher, first_run=True, state={})
    articles = [a for a in result.articles if a.text.strip()]
    if not articles:
        raise SourceError(f"{url}: no articles found")
    return articles


async def _no_notice(text: str) -> None:
    log.warning("admin notice (no bot attached)", extra={"notice": text})


class Ingestion:
    def __init__(self, library: Library, fetcher: HttpFetcher, clock: Clock) -> None:
        self.library = library
        self.store = library.store
        self.fetcher = fetcher
        self.clock = clock
        self.notify: Notify = _no_notice  # attached at startup: a message to every admin

    async def store_articles(self, articles: list[ParsedArticle], *, source_id: int | None = None,
                             backfill: bool = False) -> list[Stored]:
        stored = []
        for item in articles:
            if not item.text.strip():
                continue
            article, status = await self.library.add(
                item.title or item.text[:80], item.text, kind=item.source_kind, url=item.url, author=item.author,
                published=item.published, external_id=item.external_id, source_id=source_id, backfill=backfill,
            )
            stored.append(Stored(article, status))
        return stored

    async def ingest_url(self, url: str) -> list[Stored]:
        """/ingest and `zendigest ingest URL`: fetch now and store."""
        return await self.store_articles(await fetch_articles(url, self.fetcher))

    async def add_source(self, url: str, admin_id: int | None) -> tuple[dict, bool, int]:
        """Detect the kind, collect once (the back catalogue, marked backfill), start polling.
        Returns (source row, created, articles stored)."""
        ref = detect_source(url)
        if ref.kind not in SOURCE_KINDS:
            ref = await resolve_source(url, self.fetcher)
        if ref.kind not in SOURCE_KINDS:
            raise SourceError(f"{url}: not a Dzen channel, Telegram channel or feed (for one article use /ingest)")
        now = self.clock.now()
        row, created = await self.store.call(sources_sql.add, kind=ref.kind, url=ref.url, name=ref.name,
                                             interval_s=DEFAULT_INTERVAL, added_by=admin_id, now=to_db(now) or "")
        if not created:
            return row, False, 0
        try:
            result = await collect(ref, self.fetcher, first_run=True, state={})
        except SourceError:
            await self.store.call(sources_sql.delete, row["id"])
            raise
        stored = await self.store_articles(result.articles, source_id=row["id"], backfill=True)
        await self.store.call(sources_sql.record_success, row["id"], state=result.state, new_items=len(stored),
                              next_poll_at=to_db(now + timedelta(seconds=row["interval_s"])) or "", now=to_db(now) or "")
        fresh = await self.store.call(sources_sql.get, row["id"])
        return fresh or row, True, len(stored)

    async def poll(self, source: dict) -> int:
        """Poll one source; returns how many articles were new or updated."""
        now = self.clock.now()
        ref = SourceRef(kind=source["kind"], url=source["url"], name=source.get("name"))
        try:
            result = await collect(ref, self.fetcher, first_run=False, state=source["state"])
        except SourceError as exc:
            failures = source["failures"] + 1
            delay = min(timedelta(seconds=source["interval_s"]) * (2 ** failures), MAX_BACKOFF)
            disable = failures >= MAX_FAILURES and not exc.transient or failures >= MAX_FAILURES * 2
            await self.store.call(sources_sql.record_failure, source["id"], error=str(exc),
                                  next_poll_at=to_db(now + delay) or "", disable=disable, now=to_db(now) or "")
            log.warning("source failed", extra={"source": source["url"], "failures": failures, "error": str(exc)})
            if disable:
                await self.notify(f"⚠️ Source #{source['id']} {source['url']} was disabled after {failures} "
                                  f"failures in a row. Last error: {exc}")
            return 0
        stored = await self.store_articles(result.articles, source_id=source["id"])
        changed = sum(1 for s in stored if s.status != "unchanged")
        await self.store.call(sources_sql.record_success, source["id"], state=result.state, new_items=changed,
                              next_poll_at=to_db(now + timedelta(seconds=source["interval_s"])) or "",
                              now=to_db(now) or "")
        return changed

    async def poll_due(self) -> int:
        """The scheduler job: every enabled source whose time has come, one after another."""
        due = await self.store.call(sources_sql.due, to_db(self.clock.now()) or "")
        total = 0
        for source in due:
            total += await self.poll(source)
        return total

    async def sources(self) -> list[dict]:
        return await self.store.call(sources_sql.all_sources)

    async def delete_source(self, source_id: int) -> bool:
        return await self.store.call(sources_sql.delete, source_id)
