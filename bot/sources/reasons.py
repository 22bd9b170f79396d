"""Why a URL could not be read, for a chat user: an i18n key and its values.

``SourceError`` texts are one-line English reasons, right for the log, the audit table and the
command line; in chat the reader gets the same reason in their language.  The reasons are our
own (the fetcher and the parsers never pass a library's exception text on), so they are
classified here by the HTTP status the fetch failed with and by the fixed wording of each
message.  Anything not recognised is named generically ("could not be read"), never quoted.
"""

from __future__ import annotations

import re

from bot.net.errors import BlockedAddressError, FetchError

# (fragment of our message, i18n key), checked in order: the more specific first.
_BY_TEXT = (
    ("SSO interstitial", "reason_dzen_sso"),
    ("asks to log in", "reason_dzen_login"),
    ("captcha", "reason_dzen_captcha"),
    ("Dzen says the page is not found", "reason_not_found"),
    ("has no public preview", "reason_tg_no_preview"),
    ("is not in the channel preview", "reason_tg_post_missing"),
    ("timed out", "reason_timeout"),
    ("cannot connect", "reason_unreachable"),
    ("cannot resolve host", "reason_unreachable"),
    ("connection", "reason_unreachable"),
    ("network error", "reason_unreachable"),
    ("response larger than", "reason_too_large"),
    ("cannot decode the response body", "reason_encoding"),
    ("too many redirects", "reason_redirects"),
    ("unsupported URL scheme", "reason_scheme"),
    ("invalid URL", "reason_invalid_url"),
    ("declares XML entities", "reason_feed_entities"),
    ("declaring entities", "reason_feed_entities"),
    ("not a readable feed", "reason_broken_feed"),
    ("no extractable article text", "reason_no_text"),
    ("not a Dzen channel, Telegram channel or feed", "reason_not_a_source"),
    ("neither a feed nor an HTML page", "reason_not_readable"),
    ("unsupported content type", "reason_not_readable"),
    ("not a feed", "reason_not_readable"),
)
_ADDRESS = re.compile(r"(?:address|host) (\S+) is not allowed")


def _status(error: BaseException) -> int | None:
    """The HTTP status a fetch failed with, found along the exception's causes."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, FetchError) and seen.status is not None:
            return seen.status
        seen = seen.__cause__
    return None


def describe(error: BaseException) -> tuple[str, dict[str, object]]:
    """(i18n key, values) saying what is wrong with the URL the reader gave."""
    text = str(error)
    blocked = _ADDRESS.search(text)
    if isinstance(error, BlockedAddressError) or isinstance(error.__cause__, BlockedAddressError) or blocked:
        return "reason_blocked", {"address": blocked.group(1) if blocked else "?"}
    for fragment, key in _BY_TEXT[:5]:  # what Dzen answered matters more than its HTTP status
        if fragment in text:
            return key, {}
    status = _status(error)
    if status in (404, 410):
        return "reason_not_found", {}
    if status in (401, 403, 451):
        return "reason_forbidden", {"status": status}
    if status == 429:
        return "reason_busy", {}
    if status is not None and status >= 500:
        return "reason_server", {"status": status}
    if status is not None:
        return "reason_http", {"status": status}
    for fragment, key in _BY_TEXT[5:]:
        if fragment in text:
            return key, {}
    return "reason_unreadable", {}
