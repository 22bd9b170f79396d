"""Fetching for collectors: ``FetchError`` becomes ``SourceError`` with context.

Collectors report one exception type to the scheduler; whether waiting may help is kept
in ``SourceError.transient`` (timeouts, connection failures, 429 and 5xx answers).
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from bot.net.errors import BlockedAddressError, FetchError
from bot.net.http import FetchResult, HttpFetcher
from bot.sources.model import SourceError

HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
JSON_ACCEPT = "application/json,text/plain;q=0.5,*/*;q=0.1"
FEED_ACCEPT = ("application/rss+xml,application/atom+xml,application/rdf+xml;q=0.9,"
               "application/xml;q=0.8,text/xml;q=0.8,*/*;q=0.5")


def is_transient(error: FetchError) -> bool:
    """Whether retrying later may succeed (network trouble, rate limiting, server errors)."""
    if isinstance(error, BlockedAddressError):
        return False
    if error.status is None:
        return not str(error).startswith(("unsupported URL scheme", "invalid URL", "response larger",
                                          "cannot decode"))
    return error.status == 429 or error.status >= 500


async def fetch(fetcher: HttpFetcher, url: str, what: str, *, accept: str = HTML_ACCEPT,
                etag: str | None = None, last_modified: str | None = None,
                headers: Mapping[str, str] | None = None, cookies: httpx.Cookies | None = None,
                polite: bool = False) -> FetchResult:
    """``fetcher.get`` whose failures read "<what>: <reason>" as a ``SourceError``."""
    try:
        return await fetcher.get(url, accept=accept, etag=etag, last_modified=last_modified, headers=headers,
                                 cookies=cookies, polite=polite)
    except FetchError as exc:
        raise SourceError(f"{what}: {exc}", transient=is_transient(exc)) from exc
