"""Collecting a public Telegram channel through its ``t.me/s/NAME`` web preview.

First run: newest page plus up to two older ones (``?before=``).  Later polls: the newest
page, and older pages (same cap of 3) only while the previous poll's newest id has not
been reached, so a bot that was down catches up.  Media-only posts (no text) are dropped:
they carry nothing to summarise and would all share one content hash.

Partial results: only the newest page is required.  An older page that fails (real previews
answer 404 or throttle on ``?before=``) ends the walk with what the newer pages gave, the
failure goes to ``CollectResult.errors``; on a routine poll the walk's stopping point is kept
in the state so the next poll continues from there instead of leaving a hole in the history.
The first run does not resume: its older pages are back catalogue, not news.

State keys: ``last_id`` - the highest post id seen; ``resume`` - ``{"before": id, "until": id}``,
older pages still to read down to ``until`` (absent when nothing is missing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    where = f"t.me/s/{name}" + (f"?before={before}" if before else "")
    result = await fetch(fetcher, url, where)
    if not urlsplit(result.url).path.startswith("/s/"):
        raise SourceError(f"t.me/s/{name} has no public preview")
    return parse_channel_page(result.text, TELEGRAM, name=name)


def _post_id(post: ParsedArticle) -> int:
    return int(post.meta["post_id"])


@dataclass
class _Walk:
    """Posts gathered so far in one poll, and the pages it may still fetch."""

    name: str
    budget: int
    posts: dict[int, ParsedArticle] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    pages_read: int = 0

    async def down(self, fetcher: HttpFetcher, before: int | None, until: int | None) -> int | None:
        """Read pages from ``before`` (None: the newest) towards older posts until post ``until``
        is reached (None: as far as the budget goes).  Returns where an unfinished walk stopped
        (the ``before`` to resume at), None when it is complete.  Only a failure of the very
        first page of a poll raises."""
        while self.budget > 0:
            try:
                page = await fetch_channel_page(fetcher, self.name, before)
            except SourceError as exc:
                if not self.pages_read:
                    raise
                self.errors.append(str(exc))
                return before
            self.budget -= 1
            self.pages_read += 1
            fresh = [p for p in page.posts if _post_id(p) not in self.posts]
            self.posts.update((_post_id(p), p) for p in fresh)
            if not fresh:
                return None
            oldest = min(_post_id(p) for p in fresh)
            if until is not None and oldest <= until + 1:
                return None
            next_before = page.before or oldest  # rel=prev can be missing mid-history (TC)
            if before is not None and next_before >= before:
                return None
            before = next_before
        return before


def _resume_point(state: dict[str, Any]) -> tuple[int, int] | None:
    resume = state.get("resume")
    if isinstance(resume, dict) and isinstance(resume.get("before"), int) and isinstance(resume.get("until"), int):
        return resume["before"], resume["until"]
    return None


async def collect_telegram_channel(ref: SourceRef, fetcher: HttpFetcher, *, first_run: bool,
                                   state: dict[str, Any]) -> CollectResult:
    """Poll one channel (see module docstring)."""
    name = ref.name or ref.url.rstrip("/").rsplit("/", 1)[-1]
    last_id = state.get("last_id") if not first_run and isinstance(state.get("last_id"), int) else None
    walk = _Walk(name, MAX_PAGES if first_run or last_id is not None else 1)
    stopped: int | None = None
    until: int | None = None
    if first_run or last_id is None:  # no resuming: older pages of a first run are back catalogue
        await walk.down(fetcher, None, None)
    else:
        stopped = await walk.down(fetcher, None, last_id)
        until = last_id
        resume = _resume_point(state)
        if resume is not None:
            if stopped is None:  # caught up with the newest posts: continue the older hole
                stopped, until = await walk.down(fetcher, resume[0], resume[1]), resume[1]
            else:  # a new hole above the old one: read both next time, from the newer end
                until = resume[1]
    ordered = sorted(walk.posts.values(), key=_post_id, reverse=True)
    new_state = {k: v for k, v in state.items() if k != "resume"}
    if ordered:
        new_state["last_id"] = max(_post_id(ordered[0]), int(state.get("last_id") or 0))
    if stopped is not None and until is not None:
        new_state["resume"] = {"before": stopped, "until": until}
    return CollectResult(articles=[p for p in ordered if not p.meta.get("media_only")], state=new_state,
                         errors=walk.errors)


async def collect_telegram_post(name: str, post_id: int, fetcher: HttpFetcher) -> CollectResult:
    """One post by URL: the preview page ending at that post (``?before=ID+1``)."""
    page = await fetch_channel_page(fetcher, name, post_id + 1)
    found = [p for p in page.posts if _post_id(p) == post_id]
    if not found:
        raise SourceError(f"post t.me/{name}/{post_id} is not in the channel preview")
    return CollectResult(articles=found, state={})
