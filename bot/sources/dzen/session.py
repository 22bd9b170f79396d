"""One poll's conversation with Dzen, as 2025-2026 scrapers hold it (SOURCES-FORMATS.md section 5).

* A real browser User-Agent: without one Dzen answers the auth stub even where a browser
  would get the page, and the launcher API returns nothing.
* A cookie jar per poll (never the process's: one channel's session must not leak into
  another's, and it must not outlive the poll).  Cookies are never logged.
* The SSO interstitial (a 2-3 kB page with ``var it = {"host", "retpath", "container"}``, often
  reached through a redirect that sets cookies) is passed by GETting its ``retpath`` with the
  same jar - yt-dlp's way since 2025.  Only if the stub comes back is its form replayed (POST
  ``retpath``, ``container`` and ``dzen`` when present to ``it.host``) and the page asked for
  once more; if it still comes back, the poll stops with one clear error naming the
  interstitial.  ``retpath`` is followed only on Dzen itself and ``it.host`` only on Dzen or
  Yandex: a page cannot send us elsewhere.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from bot.net.errors import FetchError
from bot.net.http import FetchResult, HttpFetcher
from bot.sources.dzen.blocking import raise_if_blocked, sso_stub
from bot.sources.fetching import HTML_ACCEPT, fetch
from bot.sources.model import SourceError
from bot.sources.urls import is_dzen_url

log = logging.getLogger(__name__)
BROWSER_HEADERS = {
    "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Safari/537.36",
    "Accept-Language": "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7",
}
STUCK_MESSAGE = ("Dzen kept answering with its SSO interstitial, even after following its retpath and "
                 "replaying its form")
_SSO_HOST_SUFFIXES = ("dzen.ru", "yandex.ru", "yandex.com", "ya.ru")


def _sso_host_allowed(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(host == s or host.endswith("." + s) for s in _SSO_HOST_SUFFIXES)


class DzenSession:
    """Browser headers and one cookie jar for every request of one poll."""

    def __init__(self, fetcher: HttpFetcher) -> None:
        self.fetcher = fetcher
        self.cookies = httpx.Cookies()

    async def get(self, url: str, what: str, *, accept: str = HTML_ACCEPT) -> FetchResult:
        """One GET with the session's headers and jar (API calls; pages go through ``page``)."""
        return await fetch(self.fetcher, url, what, accept=accept, headers=BROWSER_HEADERS, cookies=self.cookies)

    async def page(self, url: str, what: str) -> FetchResult:
        """A Dzen HTML page, past the SSO interstitial; captcha, login wall and 404 pages raise."""
        result = await self.get(url, what)
        stub = sso_stub(result.text)
        if stub is not None:
            retpath = stub.get("retpath")
            again = retpath if isinstance(retpath, str) and is_dzen_url(retpath) else url
            result = await self.get(again, what)
            stub = sso_stub(result.text)
        if stub is not None:
            await self._replay_form(stub)
            result = await self.get(url, what)
            if sso_stub(result.text) is not None:
                raise SourceError(f"{what}: {STUCK_MESSAGE}")
        try:
            raise_if_blocked(result.text, result.url, result.headers)
        except SourceError as exc:
            raise SourceError(f"{what}: {exc}") from exc
        return result

    async def _replay_form(self, stub: Mapping[str, Any]) -> None:
        """What the stub's script would submit; its answer only matters for the cookies it sets."""
        host = stub.get("host")
        if not isinstance(host, str) or not _sso_host_allowed(host):
            return
        fields = {key: str(stub[key]) for key in ("retpath", "container", "dzen") if stub.get(key) is not None}
        try:
            await self.fetcher.post_form(host, fields, headers=BROWSER_HEADERS, cookies=self.cookies)
        except FetchError as exc:
            log.info("Dzen SSO form replay failed", extra={"reason": str(exc)})
