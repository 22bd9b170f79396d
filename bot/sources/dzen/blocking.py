"""Recognising the pages Dzen serves instead of content (SSO stub, SmartCaptcha).

Both arrive with HTTP 200, so without this check they would parse as "no items" or an
article without text.  Detection follows SOURCES-FORMATS.md section 1.6.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.sources.dzen.embedded import decode_at
from bot.sources.model import SourceError

CAPTCHA_MESSAGE = "Dzen answered with a captcha page"
SSO_MESSAGE = "Dzen SSO stub instead of the page"
_SSO_STUB = re.compile(r"\b(?:var|let|const)\s+it\s*=\s*(?=\{)")
_SSO_MAX_SIZE = 100_000  # the stub is a few kB; a real page merely mentioning "retpath" is larger


def sso_retpath(html: str) -> str | None:
    """``retpath`` of the SSO interstitial, or ``None`` when the page is not that stub."""
    if len(html) > _SSO_MAX_SIZE or "retpath" not in html:
        return None
    for match in _SSO_STUB.finditer(html):
        value = decode_at(html, match.end())
        if isinstance(value, dict) and "retpath" in value:
            retpath = value.get("retpath")
            return retpath if isinstance(retpath, str) and retpath else ""
    return None


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
    """Raise ``SourceError`` when the page is a captcha or the SSO stub."""
    if is_captcha(html, url, headers):
        raise SourceError(CAPTCHA_MESSAGE)
    if sso_retpath(html) is not None:
        raise SourceError(SSO_MESSAGE)
