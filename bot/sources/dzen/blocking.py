"""Recognising the pages Dzen serves instead of content.

SSO interstitial, Yandex ID login wall, SmartCaptcha and the "page not found" page may all
arrive with HTTP 200, so without this check they would parse as "no items" or an article
without text.  Each gets its own one-line reason.  Detection follows SOURCES-FORMATS.md
sections 1.6 and 5 and the real 2025-2026 captures (stubs of 2-3 kB with ``var it = {...}``,
login pages carrying ``window.__CONSTANTS__`` and a ``passport.yandex`` retpath).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from bot.sources.dzen.embedded import decode_at
from bot.sources.model import SourceError

CAPTCHA_MESSAGE = "Dzen answered with a captcha page"
SSO_MESSAGE = "Dzen answered with its SSO interstitial instead of the page"
LOGIN_MESSAGE = "Dzen asks to log in (Yandex ID login page) instead of showing the page"
NOT_FOUND_MESSAGE = "Dzen says the page is not found"
_SSO_STUB = re.compile(r"\b(?:var|let|const)\s+it\s*=\s*(?=\{)")
_SSO_MAX_SIZE = 100_000  # the stub is a few kB; a real page merely mentioning "retpath" is larger
_PASSPORT_HOST = re.compile(r"(?:^|\.)passport\.yandex\.[a-z]+$")
_NOT_FOUND_TITLE = re.compile(r"<title[^>]*>[^<]*(?:Страница не найдена|Page not found)", re.I)


def sso_stub(html: str) -> dict[str, Any] | None:
    """The ``it`` object of the SSO interstitial (``host``, ``retpath``, ``container``...), or None."""
    if len(html) > _SSO_MAX_SIZE or "retpath" not in html:
        return None
    for match in _SSO_STUB.finditer(html):
        value = decode_at(html, match.end())
        if isinstance(value, dict) and "retpath" in value:
            return value
    return None


def sso_retpath(html: str) -> str | None:
    """``retpath`` of the SSO interstitial, or ``None`` when the page is not that stub."""
    stub = sso_stub(html)
    if stub is None:
        return None
    retpath = stub.get("retpath")
    return retpath if isinstance(retpath, str) and retpath else ""


def is_login_wall(html: str, url: str = "") -> bool:
    """The Yandex ID login page: on passport.yandex.*, or a page built around its constants."""
    if _PASSPORT_HOST.search((urlsplit(url).hostname or "").lower()):
        return True
    head = html[:300_000]
    return "ssrData" not in head and "passport.yandex" in head and \
        ("window.__CONSTANTS__" in head or "pwl-yandex" in head)


def is_not_found(html: str) -> bool:
    """Dzen's own 404 page served with a 200 (browser dumps, some mirrors)."""
    return "ssrData" not in html[:300_000] and bool(_NOT_FOUND_TITLE.search(html[:20_000]))


def is_captcha(html: str, url: str = "", headers: Mapping[str, str] | None = None) -> bool:
    """SmartCaptcha signals: captcha URL, ``X-Yandex-Captcha`` header, or a small page
    naming smartcaptcha (large pages may legitimately mention the word)."""
    if "/showcaptcha" in url or "/checkcaptcha" in url:
        return True
    if headers is not None and any(k.lower() == "x-yandex-captcha" for k in headers):
        return True
    lowered = html[:200_000].lower()
    return "smartcaptcha" in lowered and ("checkbox-captcha" in lowered or len(html) < 150_000 and
                                          "articlebody" not in lowered and "_params" not in lowered)


def raise_if_blocked(html: str, url: str = "", headers: Mapping[str, str] | None = None) -> None:
    """Raise ``SourceError`` when the page is a captcha, the SSO stub, a login wall or a 404 page."""
    if is_captcha(html, url, headers):
        raise SourceError(CAPTCHA_MESSAGE)
    if sso_stub(html) is not None:
        raise SourceError(SSO_MESSAGE)
    if is_login_wall(html, url):
        raise SourceError(LOGIN_MESSAGE)
    if is_not_found(html):
        raise SourceError(NOT_FOUND_MESSAGE)
