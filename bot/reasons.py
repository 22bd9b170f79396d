"""Why a fetch failed, in the reader's language.

The network and source layers raise one-line English reasons (they are logged and audited as
they are); people are told the same thing in their own words. Patterns are matched on the
message, so a reason nobody has translated yet still reads as a sentence in the right language
("the page could not be loaded"), with the technical detail kept for admins only.
"""

from __future__ import annotations

import re

from bot.i18n import Translator
from bot.net import FetchError

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.I), key) for p, key in (
    (r"(?:host|address) (?P<host>\S+) is not allowed", "reason_blocked_host"),
    (r"is not allowed|not a public address", "reason_blocked"),
    (r"timed out after (?P<time>.+)", "reason_timeout"),
    (r"cannot resolve host (?P<host>\S+)", "reason_dns"),
    (r"cannot connect(?: to (?P<host>\S+))?", "reason_connect"),
    (r"unsupported URL scheme '(?P<scheme>[^']+)'", "reason_scheme"),
    (r"too many redirects", "reason_redirects"),
    (r"HTTP 404|HTTP 410", "reason_not_found"),
    (r"HTTP 40[13]", "reason_forbidden"),
    (r"HTTP 429", "reason_rate_limited"),
    (r"HTTP 5\d\d", "reason_server"),
    (r"no extractable article text|has no article text|page has no text", "reason_no_text"),
    (r"captcha", "reason_captcha"),
    (r"not a feed|neither a feed nor", "reason_not_feed"),
    (r"too large|too big|exceeds", "reason_too_large"),
    (r"invalid URL", "reason_bad_url"),
))


def fetch_reason(exc: Exception | str, tr: Translator, *, detail: bool = False) -> str:
    """Plain text (escape before HTML). `detail` appends the technical reason when no sentence
    exists for it yet (for admins, who may need to act on it)."""
    raw = str(exc)
    for pattern, key in _PATTERNS:
        match = pattern.search(raw)
        if match:
            params = {k: v for k, v in match.groupdict().items() if v}
            return tr(key, **{"host": "", "time": "", "scheme": "", **params}).strip()
    if isinstance(exc, FetchError) and exc.status:
        return tr("reason_http", status=exc.status)
    text = tr("reason_other")
    return f"{text} ({raw})" if detail and raw else text
