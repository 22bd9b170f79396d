"""Sources in, articles out: adding sources, polling them on schedule, one-off URL ingestion.

Each collected article goes through the Articles service (analysed off the loop, deduplicated by
canonical URL, external id and content hash). A source's first collection is its back catalogue:
stored and searchable but marked `backfill`, so a new source never floods the digests.
Failures back off exponentially; after MAX_FAILURES in a row the source is disabled and the
admins are told.

A poll that got something is a success even when some of its pages failed (an older t.me page,
a Dzen list or article page, a headline's page): what was fetched is stored, each failure is
logged and counted on the source (``page_errors``, shown with the last one in /sources), and the
collector's state makes the next poll continue from where this one stopped. Only a poll that
got nothing at all is a failed poll. Headline items (a title and a link, no text) are stored
as such: digests list them by title and link, /summary says only the headline is known.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import AsyncIterator, Awaitable, Callable
from urllib.parse import urlsplit

from bot.clock import Clock
from bot.config import Settings
from bot.cooldown import Cooldown
from bot.net import FetchError, HttpFetcher
from bot.refusal import FetchRefused, Refusal
from bot.services.articles import Article, Articles
from bot.services.audit import Audit
from bot.services.lookup import parse_article_ref
from bot.sources import (ParsedArticle, SourceError, SourceRef, collect, detect_source,
                         resolve_source)
from storage import sources as sources_sql
from storage.db import Store
from storage.rows import Source
from storage.timeutil import to_db

log = logging.getLogger(__name__)
MAX_FAILURES = 6
MAX_BACKOFF = timedelta(hours=12)
DEFAULT_INTERVAL = 900
SOURCE_KINDS = ("dzen_channel", "telegram_channel", "feed")
PREVIEW_COOLDOWN = 10.0
STOP_GRACE = 30.0  # a graceful stop waits this long at most for running jobs to report

Notify = Callable[[str, dict[str, object]], Awaitable[None]]  # i18n key and its values
_GLOBAL_ID = re.compile(r"^(?:https?://|urn:|tag:)", re.I)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.I)


@dataclass(frozen=True)
class Stored:
    article: Article
    status: str  # new | updated | unchanged


class IngestStopped(Refusal):
    """A graceful stop cut a long ingestion short between two articles: `done` of `total`
    are stored. Running it again continues, since stored articles come back "unchanged"
    before any analysis; `command` is what to send again."""

    def __init__(self, done: int, total: int, command: str = "") -> None:
        super().__init__("ingest_stopped", done=done, total=total, command=command)
        self.done = done
        self.total = total


def external_key(item: ParsedArticle) -> str | None:
    """The external id to store for an article (the Articles service treats it as a global identity).

    Dzen ids and Telegram "channel/post" ids are global, and so are URL, urn: and tag: guids.
    Plain feed guids ("1", "post-42") are unique only within one site: two feeds both using
    "1" would otherwise be taken for the same article and the second would overwrite the first.
    Such guids are qualified with the host of the article's URL."""
    guid = item.external_id
    if item.source_kind != "feed" or not guid or _GLOBAL_ID.match(guid):
        return guid
    return f"{urlsplit(item.url).hostname or ''}#{guid}"


def make_fetcher(settings: Settings) -> HttpFetcher:
    return HttpFetcher(allow_private=settings.fetch_allow_private, dzen_base_url=settings.dzen_base_url,
                       telegram_web_url=settings.telegram_web_url)


def storable(item: ParsedArticle) -> bool:
    """Text to keep, or at least a headline: a title and a link to it."""
    return bool(item.text.strip() or (item.title.strip() and item.url))


async def fetch_articles(url: str, fetcher: HttpFetcher, *, max_items: int | None = None) -> list[ParsedArticle]:
    """Everything one URL yields (an article, or a feed's/channel's newest items, headlines
    included; the first ``max_items`` of them); SourceError with a one-line reason when the URL
    cannot be read. An empty list is a valid source with nothing in it (a feed without items):
    nothing new, not an error."""
    ref = detect_source(url)
    if ref.kind == "page":  # the page itself, even when it advertises its site's feed
        ref = await resolve_source(url, fetcher, discover_feeds=False)
    result = await collect(ref, fetcher, first_run=True, state={}, max_items=max_items)
    for error in result.errors:
        log.info("part of a source could not be read", extra={"source": url, "error": error})
    return [a for a in result.articles if storable(a)]


async def _no_notice(key: str, params: dict[str, object]) -> None:
    log.warning("admin notice (no bot attached)", extra={"notice": key, **params})


class Ingestion:
    def __init__(self, store: Store, articles: Articles, fetcher: HttpFetcher, clock: Clock, audit: Audit) -> None:
        self.store = store
        self.articles = articles
        self.fetcher = fetcher
        self.clock = clock
        self.audit = audit
        self.notify: Notify = _no_notice  # attached at startup: a message to every admin
        self.preview_cooldown = Cooldown(PREVIEW_COOLDOWN)
        self._stopping = False
        self._jobs = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @contextlib.asynccontextmanager
    async def job(self) -> AsyncIterator[None]:
        """Brackets a command's whole ingestion, its final report included, so that a graceful
        stop waits for the report to reach the admin before the bot and the database close."""
        self._jobs += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._jobs -= 1
            if self._jobs == 0:
                self._idle.set()

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """Graceful stop: running ingestions end after the article in hand (IngestStopped) and
        report; waits for them, at most `grace` seconds."""
        self._stopping = True
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except asyncio.TimeoutError:
            log.warning("ingestion still running at shutdown", extra={"jobs": self._jobs})

    async def store_articles(self, parsed: list[ParsedArticle], *, source_id: int | None = None,
                             backfill: bool = False) -> list[Stored]:
        """Store each article in turn; on a graceful stop, raise IngestStopped between two."""
        parsed = [item for item in parsed if storable(item)]
        stored = []
        for item in parsed:
            if self._stopping:
                raise IngestStopped(len(stored), len(parsed))
            title = item.title or item.text[:80]
            article, status = await self.articles.add(
                title, item.text, kind=item.source_kind, url=item.url or None, author=item.author,
                published=item.published, external_id=external_key(item), source_id=source_id, backfill=backfill,
            )
            stored.append(Stored(article, status))
        return stored

    async def preview_url(self, url: str, user_id: int | None = None) -> Article:
        """A reader's /summary of an outside URL: fetched (guarded, size- and time-capped) and
        analysed, never stored — it must not enter the channel's articles or digests. One such
        fetch per user every PREVIEW_COOLDOWN seconds (Refusal "fetch_cooldown" otherwise)."""
        left = self.preview_cooldown.wait_left(user_id)
        if left:
            raise Refusal("fetch_cooldown", seconds=int(left) + 1)
        try:
            found = await self.fetch(url, max_items=1)
        except (SourceError, FetchError) as exc:
            raise FetchRefused(exc) from exc
        if not found:
            raise Refusal("fetch_nothing")
        first = found[0]
        return await self.articles.preview(first.title, first.text, url=first.url or None, author=first.author,
                                          published=first.published)

    async def fetch(self, url: str, *, max_items: int | None = None) -> list[ParsedArticle]:
        """`fetch_articles` with this service's fetcher (guarded, size- and time-capped)."""
        return await fetch_articles(url, self.fetcher, max_items=max_items)

    async def ingest_url(self, url: str) -> list[Stored]:
        """/ingest and `zendigest ingest URL`: fetch now and store."""
        return await self.store_articles(await fetch_articles(url, self.fetcher))

    async def command_url(self, args: str | None, admin_id: int | None, action: str, usage: str) -> str:
        """The http(s) URL an admin command was given. Without one: Refusal `usage`; a non-web URL
        (file://, ftp://) is refused by name, and audited, rather than answered with the usage
        line as if no link had been given."""
        ref = parse_article_ref(args)
        if ref is not None and ref.kind == "url":
            return ref.value
        match = _SCHEME.match((args or "").strip())
        scheme = match.group(1).lower() if match else None
        if scheme in (None, "http", "https"):
            raise Refusal(usage)
        error = FetchError(f"unsupported URL scheme '{scheme}' (only http and https links are fetched)")
        await self.audit.record(admin_id, action, {"url": (args or "")[:200], "error": str(error)}, ok=False)
        raise FetchRefused(error)

    @contextlib.asynccontextmanager
    async def _audited(self, admin_id: int | None, action: str, url: str, again: str) -> AsyncIterator[None]:
        """An admin command's failure, audited and turned into what the admin reads: the reason
        a URL could not be read, or where a graceful stop cut the work short (and what to send again)."""
        try:
            yield
        except (SourceError, FetchError) as exc:
            await self.audit.record(admin_id, action, {"url": url, "error": str(exc)}, ok=False)
            raise FetchRefused(exc) from exc
        except IngestStopped as exc:
            await self.audit.record(admin_id, action, {"url": url, "stopped": f"{exc.done}/{exc.total}"}, ok=False)
            raise IngestStopped(exc.done, exc.total, again) from exc

    async def ingest_command(self, url: str, admin_id: int | None) -> list[Stored]:
        """/ingest URL: fetch now, store, audit."""
        async with self._audited(admin_id, "ingest", url, f"/ingest {url}"):
            stored = await self.ingest_url(url)
        await self.audit.record(admin_id, "ingest", {"url": url, "articles": len(stored)})
        return stored

    async def add_source_command(self, url: str, admin_id: int | None) -> tuple[Source, bool, int]:
        """/addsource URL: `add_source`, audited, its failures refusals."""
        async with self._audited(admin_id, "source.add", url, f"/addsource {url}"):
            source, created, count = await self.add_source(url, admin_id)
        await self.audit.record(admin_id, "source.add", {"url": url, "id": source.id, "created": created})
        return source, created, count

    async def add_source(self, url: str, admin_id: int | None) -> tuple[Source, bool, int]:
        """Detect the kind, collect once (the back catalogue, marked backfill), start polling.
        Returns (source row, created, articles stored). Adding a source that was disabled after
        repeated failures switches it back on (due now, failure count cleared)."""
        ref = detect_source(url)
        if ref.kind not in SOURCE_KINDS:
            ref = await resolve_source(url, self.fetcher)
        if ref.kind not in SOURCE_KINDS:
            raise SourceError(f"{url}: not a Dzen channel, Telegram channel or feed (for one article use /ingest)")
        now = self.clock.now()
        # Not due until the back catalogue below is stored: a scheduler pass meanwhile would poll
        # it as routine and store the archive unmarked (flooding the digests).
        row, created = await self.store.call(sources_sql.add, kind=ref.kind, url=ref.url, name=ref.name,
                                             interval_s=DEFAULT_INTERVAL, added_by=admin_id, now=to_db(now) or "",
                                             next_poll_at=to_db(now + timedelta(seconds=DEFAULT_INTERVAL)))
        if not created:
            if not row.enabled:
                row = await self.store.call(sources_sql.enable, row.id, now=to_db(now) or "") or row
            return row, False, 0
        try:
            result = await collect(ref, self.fetcher, first_run=True, state={})
        except SourceError:
            await self.store.call(sources_sql.delete, row.id)
            raise
        try:
            stored = await self.store_articles(result.articles, source_id=row.id, backfill=True)
        except IngestStopped:
            # Half a back catalogue must not be left to routine polling (which would store the
            # rest as news); /addsource again stores the rest as backfill, skipping what is stored.
            await self.store.call(sources_sql.delete, row.id)
            raise
        self._log_partial(row, result.errors)
        await self.store.call(sources_sql.record_success, row.id, state=result.state, new_items=len(stored),
                              next_poll_at=to_db(now + timedelta(seconds=row.interval_s)) or "", now=to_db(now) or "",
                              page_errors=result.errors)
        fresh = await self.store.call(sources_sql.get, row.id)
        return fresh or row, True, len(stored)

    async def _failed(self, source: Source, error: str, *, transient: bool) -> None:
        """Record a failed poll: exponential backoff, and after too many in a row disable the
        source and tell the admins (waiting longer for transient trouble such as 5xx)."""
        now = self.clock.now()
        failures = source.failures + 1
        delay = min(timedelta(seconds=source.interval_s) * (2 ** failures), MAX_BACKOFF)
        disable = failures >= MAX_FAILURES and not transient or failures >= MAX_FAILURES * 2
        await self.store.call(sources_sql.record_failure, source.id, error=error,
                              next_poll_at=to_db(now + delay) or "", disable=disable, now=to_db(now) or "")
        log.warning("source failed", extra={"source": source.url, "failures": failures, "error": error})
        if disable:
            await self.notify("source_disabled_notice", {"id": source.id, "url": source.url,
                                                         "failures": failures, "error": error})

    async def poll(self, source: Source) -> int:
        """Poll one source; returns how many articles were new or updated.

        Never raises for the source's own trouble: an unexpected exception (a parser bug on a
        changed page) is recorded as that source's failure like a SourceError, so it backs off
        instead of being retried every minute and the sources after it in `poll_due` still run."""
        now = self.clock.now()
        ref = SourceRef(kind=source.kind, url=source.url, name=source.name)
        try:
            result = await collect(ref, self.fetcher, first_run=False, state=source.state)
            stored = await self.store_articles(result.articles, source_id=source.id)
        except IngestStopped:
            return 0  # not recorded: the source stays due and the next start polls it again
        except SourceError as exc:
            await self._failed(source, str(exc), transient=exc.transient)
            return 0
        except Exception as exc:  # noqa: BLE001 - isolate one broken source from the rest
            log.exception("source poll crashed", extra={"source": source.url})
            # the library's own text is in the log above; /sources gets a line an admin can act on
            await self._failed(source, f"internal error ({type(exc).__name__}), details in the log", transient=False)
            return 0
        changed = sum(1 for s in stored if s.status != "unchanged")
        self._log_partial(source, result.errors)
        await self.store.call(sources_sql.record_success, source.id, state=result.state, new_items=changed,
                              next_poll_at=to_db(now + timedelta(seconds=source.interval_s)) or "",
                              now=to_db(now) or "", page_errors=result.errors)
        return changed

    @staticmethod
    def _log_partial(source: Source, errors: list[str]) -> None:
        """A page of a successful poll that failed: one warning each (they also go on the source's count)."""
        for error in errors:
            log.warning("source page failed", extra={"source": source.url, "error": error})

    async def poll_due(self) -> int:
        """The scheduler job: every enabled source whose time has come, one after another."""
        due = await self.store.call(sources_sql.due, to_db(self.clock.now()) or "")
        total = 0
        for source in due:
            if self._stopping:
                break
            total += await self.poll(source)
        return total

    async def sources(self) -> list[Source]:
        return await self.store.call(sources_sql.all_sources)

    async def delete_source(self, source_id: int, admin_id: int | None = None) -> bool:
        """/delsource ID (audited, found or not)."""
        deleted = await self.store.call(sources_sql.delete, source_id)
        await self.audit.record(admin_id, "source.delete", {"id": source_id}, ok=deleted)
        return deleted
