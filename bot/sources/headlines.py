"""Headline items: a feed entry with a title and a link but no body gets its page read.

News feeds often carry only headlines.  Such an entry is kept whatever happens; its page is
fetched through the one fetcher (SSRF guard, size cap, deadline), politely (``polite=True``:
one or two requests per host at a time, with a pause) and read like any article page.  When
the page cannot be read the entry stays a headline (title and link, no text): digests list
it, ``/summary`` says only the headline is known.  A failure here is one line in
``CollectResult.errors``, never the poll's failure.

At most ``MAX_PAGES`` pages per poll: a 100-headline feed on first sight must not turn one
poll into minutes of crawling; the rest stay headlines.  ``tried`` (kept in the feed's state)
lists the links already tried, so a later poll neither fetches them again nor hands the same
headline back to be stored over the full text an earlier poll found.
"""

from __future__ import annotations

import asyncio
import logging

from bot.net.http import HttpFetcher
from bot.sources.fetching import fetch
from bot.sources.model import ParsedArticle, SourceError
from bot.sources.pages import extract_article
from bot.sources.urls import dzen_publication_id, telegram_post

log = logging.getLogger(__name__)
MAX_PAGES = 20
TRIED_LIMIT = 1000


def is_headline(item: ParsedArticle) -> bool:
    """No text, but a web link to read it at."""
    return not item.text.strip() and item.url.startswith(("http://", "https://"))


async def _read_page(item: ParsedArticle, fetcher: HttpFetcher) -> None:
    """Fill ``item`` from its page (text, and what the entry lacked); SourceError if it cannot."""
    if telegram_post(item.url) or dzen_publication_id(item.url):
        raise SourceError("Dzen and Telegram links are read as sources of their own")
    result = await fetch(fetcher, item.url, "page", polite=True)
    page = await asyncio.to_thread(extract_article, result.text, result.url)
    item.text = page.text
    item.title = item.title if item.title and item.title != item.url else page.title
    item.summary_hint = item.summary_hint or page.summary_hint
    item.author = item.author or page.author
    item.published = item.published or page.published
    item.image = item.image or page.image
    item.meta["full_text_from_page"] = True


async def fill_headlines(items: list[ParsedArticle], fetcher: HttpFetcher,
                         tried: list[str]) -> tuple[list[ParsedArticle], list[str], list[str]]:
    """(items to store, errors, updated ``tried``).

    Headlines whose link was tried by an earlier poll are dropped (already stored as they
    were then); up to ``MAX_PAGES`` new ones are read, concurrently but paced per host."""
    seen = set(tried)
    keep = [i for i in items if not (is_headline(i) and i.url in seen)]
    todo = [i for i in keep if is_headline(i)][:MAX_PAGES]

    async def one(item: ParsedArticle) -> str | None:
        try:
            await _read_page(item, fetcher)
        except SourceError as exc:
            return f"headline {item.url}: {exc}"
        except Exception:  # noqa: BLE001 - an extractor bug on one page must not cost the feed
            log.exception("headline page could not be read", extra={"url": item.url})
            return f"headline {item.url}: page could not be read"
        return None

    errors = [e for e in await asyncio.gather(*(one(item) for item in todo)) if e]
    fresh = [i.url for i in todo]
    return keep, errors, (fresh + [u for u in tried if u not in fresh])[:TRIED_LIMIT]
