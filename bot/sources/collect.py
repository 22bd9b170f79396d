"""Entry points for the scheduler and for /addsource, /ingest.

``collect`` polls a ``SourceRef`` of any kind; ``resolve_source`` decides what an
admin-supplied URL is, fetching it when the URL shape alone cannot tell (a page may be a
feed served as text/xml, or advertise one via ``<link rel=alternate>``).
Every failure is a ``SourceError`` with a one-line reason; nothing fails silently.

A poll keeps whatever it got: the pages after the first that fail (an older t.me page, a Dzen
list page, an article or headline page) become lines of ``CollectResult.errors``; only a poll
that got nothing raises.  An exception a parser did not mean (a library choking on a page
nobody foresaw) is logged with its traceback and reported as one line naming the source kind:
its text is the library's, not a reason a reader can act on.

Feeds and article pages are parsed on a worker thread (``asyncio.to_thread``): feedparser over a
1 MB feed or trafilatura over a large page takes hundreds of milliseconds, which on the event
loop would hold up every reply of the bot for that long (see bench/bench_ingest.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit

from bot.net.http import FetchResult, HttpFetcher
from bot.sources.dzen.article import parse_article
from bot.sources.dzen.collector import collect_dzen_article, collect_dzen_channel
from bot.sources.feeds import looks_like_feed, parse_feed
from bot.sources.fetching import FEED_ACCEPT, fetch
from bot.sources.headlines import fill_headlines
from bot.sources.model import CollectResult, SourceError, SourceRef
from bot.sources.pages import extract_article, find_feed_links
from bot.sources.telegram.collector import collect_telegram_channel, collect_telegram_post
from bot.sources.urls import detect_source, dzen_publication_id, telegram_post

log = logging.getLogger(__name__)
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
MAX_FEED_CANDIDATES = 3
RESOLVE_ACCEPT = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml;q=0.9,*/*;q=0.5"


async def collect_feed(ref: SourceRef, fetcher: HttpFetcher, state: dict[str, Any],
                       max_items: int | None = None) -> CollectResult:
    """Conditional GET of a feed; 304 gives ``not_modified`` and no articles."""
    result = await fetch(fetcher, ref.url, "feed", accept=FEED_ACCEPT,
                         etag=state.get("etag"), last_modified=state.get("last_modified"))
    new_state = dict(state)
    new_state.update(etag=result.etag, last_modified=result.last_modified)
    if result.not_modified:
        return CollectResult(articles=[], state=new_state, not_modified=True)
    return await _feed_result(result, fetcher, new_state, max_items)


async def _feed_result(result: FetchResult, fetcher: HttpFetcher, state: dict[str, Any],
                       max_items: int | None = None) -> CollectResult:
    """Entries of a fetched feed (the first ``max_items``), headline entries read from their pages
    (``bot.sources.headlines``)."""
    entries = (await asyncio.to_thread(parse_feed, result.content, result.url, result.headers))[:max_items]
    tried = [u for u in state.get("tried") or [] if isinstance(u, str)]
    articles, errors, tried = await fill_headlines(entries, fetcher, tried)
    return CollectResult(articles=articles, state={**state, "tried": tried}, errors=errors)


def _is_html(result: FetchResult) -> bool:
    return result.content_type in _TEXT_TYPES or result.content_type.endswith("+xml") and "html" in result.content_type


async def collect_page(ref: SourceRef, fetcher: HttpFetcher, max_items: int | None = None) -> CollectResult:
    """A single URL: a Telegram post, a Dzen article, a feed in disguise, or an article page."""
    post = telegram_post(ref.url)
    if post is not None:
        return await collect_telegram_post(post[0], post[1], fetcher)
    if dzen_publication_id(ref.url):
        return await collect_dzen_article(ref.url, fetcher)
    result = await fetch(fetcher, ref.url, "page")
    if looks_like_feed(result.content, result.content_type):
        return await _feed_result(result, fetcher, {}, max_items)
    if not _is_html(result):
        raise SourceError(f"page: unsupported content type '{result.content_type}'")
    html = result.text
    if dzen_publication_id(result.url):  # redirected onto a Dzen article
        return CollectResult(articles=[parse_article(html, result.url, result.headers)], state={})
    return CollectResult(articles=[await asyncio.to_thread(extract_article, html, result.url)], state={},
                         feed_links=find_feed_links(html, result.url))


async def collect(ref: SourceRef, fetcher: HttpFetcher, *, first_run: bool,
                  state: dict[str, Any], max_items: int | None = None) -> CollectResult:
    """Poll a source once.

    ``state`` is what the previous ``CollectResult.state`` returned (``{}`` at first);
    ``first_run`` allows deeper history (more pages) than a routine poll.  ``max_items`` is for
    a reader's one-off look (/summary of a feed or channel URL shows its newest item): no page
    is fetched for the items after it.
    """
    try:
        result = await _collect(ref, fetcher, first_run=first_run, state=dict(state or {}), max_items=max_items)
        result.articles = result.articles[:max_items]
        return result
    except (SourceError, asyncio.CancelledError):
        raise
    except Exception as exc:  # noqa: BLE001 - see module docstring
        log.exception("reading a source failed unexpectedly", extra={"source": ref.url, "kind": ref.kind})
        raise SourceError(f"{_WHAT.get(ref.kind, 'source')}: the content could not be read") from exc


_WHAT = {"dzen_channel": "Dzen channel", "telegram_channel": "Telegram channel", "feed": "feed",
         "dzen_article": "Dzen article", "page": "page"}


async def _collect(ref: SourceRef, fetcher: HttpFetcher, *, first_run: bool, state: dict[str, Any],
                   max_items: int | None) -> CollectResult:
    if ref.kind == "dzen_channel":
        return await collect_dzen_channel(ref, fetcher, first_run=first_run, state=state, max_items=max_items)
    if ref.kind == "telegram_channel":
        return await collect_telegram_channel(ref, fetcher, first_run=first_run, state=state)
    if ref.kind == "feed":
        return await collect_feed(ref, fetcher, state, max_items)
    if ref.kind == "dzen_article":
        return await collect_dzen_article(ref.url, fetcher)
    if ref.kind == "page":
        return await collect_page(ref, fetcher, max_items)
    raise SourceError(f"unknown source kind '{ref.kind}'")


async def _validated_feed(url: str, fetcher: HttpFetcher) -> SourceRef | None:
    """SourceRef for ``url`` if it really serves a parseable feed."""
    try:
        result = await fetch(fetcher, url, "feed", accept=FEED_ACCEPT)
        await asyncio.to_thread(parse_feed, result.content, result.url, result.headers)
    except SourceError:
        return None
    return SourceRef("feed", result.url, urlsplit(result.url).hostname)


async def resolve_source(url: str, fetcher: HttpFetcher, *, discover_feeds: bool = True) -> SourceRef:
    """What to poll for an admin-supplied URL.

    Dzen/Telegram URLs are decided by shape.  Other URLs are fetched: a feed (by content,
    whatever the URL looks like) stays a feed; an HTML page that advertises a working feed
    becomes that feed (the admin adds *sources*; a site's feed is what can be polled);
    otherwise it is a single "page".  Raises ``SourceError`` when the URL cannot be fetched
    or is neither a feed nor an HTML page.

    ``discover_feeds=False`` is for reading one URL (/ingest, /summary, the CLI): nearly every
    article page advertises its site's feed, and the reader means the article, not the feed.
    """
    ref = detect_source(url)
    if ref.kind not in ("page", "feed") or telegram_post(ref.url) or dzen_publication_id(ref.url):
        return ref
    result = await fetch(fetcher, ref.url, "source", accept=FEED_ACCEPT if ref.kind == "feed" else RESOLVE_ACCEPT)
    moved = detect_source(result.url)
    if moved.kind in ("dzen_channel", "telegram_channel", "dzen_article"):
        return moved
    host = urlsplit(result.url).hostname
    if looks_like_feed(result.content, result.content_type):
        await asyncio.to_thread(parse_feed, result.content, result.url, result.headers)  # refuse bombs now
        return SourceRef("feed", result.url, host)
    if not _is_html(result):
        raise SourceError(f"source: neither a feed nor an HTML page ('{result.content_type}')")
    for link in find_feed_links(result.text, result.url)[:MAX_FEED_CANDIDATES] if discover_feeds else []:
        feed = await _validated_feed(link, fetcher)
        if feed is not None:
            return feed
    return SourceRef("page", result.url, host)
