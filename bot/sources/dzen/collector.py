"""Collecting a Dzen channel: list publications, then fetch each article page.

List sources as SOURCES-FORMATS.md section 5 found them in 2026: ``launcher/export`` (with a
browser User-Agent), then the channel page's embedded state (both 2026 shapes; short videos
skipped).  ``launcher/more`` is not asked for a first page any more: since 2026 it returns
channel metadata without publications; its links are still followed as ``more.link`` gives
them.  Paging follows ``more.link`` (first run up to 3 pages, later polls 1) and stops on an
empty page or a repeated ``next_page_id``.  Every request of a poll shares one
``DzenSession`` (browser headers, one cookie jar, the SSO interstitial passed once).

Partial results: a list page after the first that fails ends the listing with what it had;
an article page that fails (captcha, 404, network) keeps the list item's own title, snippet
and link.  Both are reported in ``CollectResult.errors``, not as the channel's failure.
Article pages are fetched two at a time.

State keys: ``seen`` - publication keys already collected with full text (not fetched
again, so edits of old Dzen articles are not picked up), ``last_ids`` - ids of the last
listing, for diagnostics.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import quote

from bot.net.http import HttpFetcher
from bot.sources.dzen.article import parse_article
from bot.sources.dzen.blocking import raise_if_blocked
from bot.sources.dzen.listing import Listing, next_page_id, parse_channel_page, parse_launcher
from bot.sources.dzen.session import DzenSession
from bot.sources.fetching import JSON_ACCEPT
from bot.sources.model import CollectResult, ListedItem, ParsedArticle, SourceError, SourceRef
from bot.sources.urls import DZEN

LAUNCHER = f"{DZEN}/api/v3/launcher"
FIRST_RUN_PAGES = 3
POLL_PAGES = 1
ARTICLE_CONCURRENCY = 2
SEEN_LIMIT = 500


def _channel_query(ref: SourceRef) -> str:
    name = ref.name or ref.url.rstrip("/").rsplit("/", 1)[-1]
    key = "channel_id" if re.fullmatch(r"[0-9a-f]{24}", name) else "channel_name"
    return f"{key}={quote(name)}"


async def fetch_launcher(session: DzenSession, url: str, what: str) -> Listing:
    """GET and parse a launcher API page; a captcha instead of JSON is named as such."""
    result = await session.get(url, what, accept=JSON_ACCEPT)
    if "json" not in result.content_type:
        try:
            raise_if_blocked(result.text, result.url, result.headers)
        except SourceError as exc:
            raise SourceError(f"{what}: {exc}") from exc
    try:
        return parse_launcher(result.content)
    except SourceError as exc:
        raise SourceError(f"{what}: {exc}") from exc


async def _list_first_page(ref: SourceRef, session: DzenSession) -> Listing:
    """First listing page from the first list source that yields items."""
    query = _channel_query(ref)
    problems: list[SourceError] = []
    for label in ("launcher/export", "channel page"):
        try:
            if label == "channel page":
                result = await session.page(ref.url, label)
                try:
                    items, next_link = parse_channel_page(result.text, result.url)
                except SourceError as exc:
                    raise SourceError(f"{label}: {exc}") from exc
            else:
                items, next_link = await fetch_launcher(session, f"{LAUNCHER}/export?{query}", label)
        except SourceError as exc:
            problems.append(exc)
            continue
        if items:
            return items, next_link
        problems.append(SourceError(f"{label}: no publications"))
    raise SourceError(f"Dzen channel {ref.name}: " + "; ".join(map(str, problems)),
                      transient=all(p.transient for p in problems))


async def list_channel(ref: SourceRef, session: DzenSession, *, max_pages: int,
                       errors: list[str]) -> list[ListedItem]:
    """All listed items of up to ``max_pages`` pages, deduplicated by URL."""
    items, next_link = await _list_first_page(ref, session)
    urls = {item.url for item in items}
    tokens: set[str | None] = set()
    pages = 1
    while next_link and pages < max_pages:
        token = next_page_id(next_link)
        if token in tokens:
            break
        tokens.add(token)
        try:
            more, next_link = await fetch_launcher(session, next_link, "launcher/more (next page)")
        except SourceError as exc:
            errors.append(str(exc))
            break
        fresh = [item for item in more if item.url not in urls]
        if not fresh:
            break
        urls.update(item.url for item in fresh)
        items.extend(fresh)
        pages += 1
    return items


def article_from_listing(item: ListedItem) -> ParsedArticle:
    """Article built from the listing alone (videos, posts, or when the page failed)."""
    return ParsedArticle(
        url=item.url, title=item.title, text=item.snippet or "", author=item.author,
        published=item.published, external_id=item.external_id, source_kind="dzen",
        summary_hint=item.snippet, image=item.image,
        meta={"kind": item.kind, "is_video": item.is_video, "full_text": False},
    )


async def _full_article(item: ListedItem, session: DzenSession, gate: asyncio.Semaphore,
                        errors: list[str]) -> tuple[ParsedArticle, bool]:
    """(article, complete?) - complete when the full text was fetched or none exists."""
    if item.is_video or item.kind == "post":
        return article_from_listing(item), True
    async with gate:
        try:
            result = await session.page(item.url, f"article {item.url}")
            article = parse_article(result.text, result.url, result.headers)
        except SourceError as exc:
            message = str(exc) if str(exc).startswith("article ") else f"article {item.url}: {exc}"
            errors.append(message)
            return article_from_listing(item), False
    article.published = article.published or item.published
    article.author = article.author or item.author
    article.image = article.image or item.image
    article.summary_hint = item.snippet or article.summary_hint
    article.title = article.title or item.title
    return article, True


def _key(item: ListedItem) -> str:
    return item.external_id or item.url


async def collect_dzen_channel(ref: SourceRef, fetcher: HttpFetcher, *, first_run: bool,
                               state: dict[str, Any], max_items: int | None = None) -> CollectResult:
    """Poll one Dzen channel (see module docstring for paging and state)."""
    errors: list[str] = []
    session = DzenSession(fetcher)
    items = await list_channel(ref, session, max_pages=FIRST_RUN_PAGES if first_run else POLL_PAGES,
                               errors=errors)
    seen: list[str] = [] if first_run else list(state.get("seen") or [])
    todo = [item for item in items if _key(item) not in seen][:max_items]
    gate = asyncio.Semaphore(ARTICLE_CONCURRENCY)
    done = await asyncio.gather(*(_full_article(item, session, gate, errors) for item in todo))
    completed = [_key(item) for item, (_article, ok) in zip(todo, done) if ok]
    new_state = dict(state)
    new_state["seen"] = (completed + [k for k in seen if k not in completed])[:SEEN_LIMIT]
    new_state["last_ids"] = [_key(item) for item in items]
    return CollectResult(articles=[article for article, _ok in done], state=new_state, errors=errors)


async def collect_dzen_article(url: str, fetcher: HttpFetcher) -> CollectResult:
    """One Dzen article/video page."""
    result = await DzenSession(fetcher).page(url, "Dzen article")
    return CollectResult(articles=[parse_article(result.text, result.url, result.headers)], state={})
