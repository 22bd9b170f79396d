"""Collecting a public Telegram channel through its ``t.me/s/NAME`` web preview.

First run: newest page plus up to two older ones (``?before=``).  Later polls: the newest
page, and older pages (same cap of 3) only while the previous poll's newest id has not
been reached, so a bot that was down catches up.  Media-only posts (no text) are dropped:
they carry nothing to summarise and would all share one content hash.

State keys: ``last_id`` - the highest post id seen.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bot.net.http import HttpFetcher
from bot.sources.fetching import fetch
from bot.sources.model import CollectResult, ParsedArticle, SourceError, SourceRef, TelegramPage
from bot.sources.telegram.parser import parse_channel_page
from bot.sources.urls import TELEGRAM

MAX_PAGES = 3


async def fetch_channel_page(fetcher: HttpFetcher, name: str, before: int | None = None) -> TelegramPage:
    """One preview page; a redirect away from ``/s/`` means the channel has no preview."""
    url = f"{TELEGRAM}/s/{name}" + (f"?before={before}" if before else "")
    result = await fetch(fetcher, url, f"t.me/s/{name}")
    if not urlsplit(result.url).path.startswith("/s/"):
        raise SourceError(f"t.me/s/{name} has no public preview")
    return parse_channel_page(result.text, TELEGRAM, name=name)


def _post_id(post: ParsedArticle) -> int:
    return int(post.meta["post_id"])


async def collect_telegram_channel(ref: SourceRef, fetcher: HttpFetcher, *, first_run: bool,
                                   state: dict[str, Any]) -> CollectResult:
    """Poll one channel (see module docstring)."""
    name = ref.name or ref.url.rstrip("/").rsplit("/", 1)[-1]
    last_id = state.get("last_id") if not first_run else None
    posts: dict[int, ParsedArticle] = {}
    before: int | None = None
    for page_number in range(MAX_PAGES):
        page = await fetch_channel_page(fetcher, name, before)
        fresh = [p for p in page.posts if _post_id(p) not in posts]
        posts.update((_post_id(p), p) for p in fresh)
        if not fresh:
            break
        oldest = min(_post_id(p) for p in fresh)
        caught_up = isinstance(last_id, int) and oldest <= last_id + 1
        if not first_run and (last_id is None or caught_up):
            break
        next_before = page.before or oldest  # rel=prev can be missing mid-history (TC)
        if (before is not None and next_before >= before) or page_number + 1 >= MAX_PAGES:
            break
        before = next_before
    ordered = sorted(posts.values(), key=_post_id, reverse=True)
    new_state = dict(state)
    if ordered:
        new_state["last_id"] = max(_post_id(ordered[0]), int(state.get("last_id") or 0))
    return CollectResult(articles=[p for p in ordered if not p.meta.get("media_only")], state=new_state)


async def collect_telegram_post(name: str, post_id: int, fetcher: HttpFetcher) -> CollectResult:
    """One post by URL: the preview page ending at that post (``?before=ID+1``)."""
    page = await fetch_channel_page(fetcher, name, post_id + 1)
    found = [p for p in page.posts if _post_id(p) == post_id]
    if not found:
        raise SourceError(f"post t.me/{name}/{post_id} is not in the channel preview")
    return CollectResult(articles=found, state={})
