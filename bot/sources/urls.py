"""URL canonicalisation and source detection from the URL shape alone.

``canonical_url`` is the dedup key of an article, so it removes everything that varies
between two links to the same thing: tracking parameters, fragments, host spelling,
trailing slashes, and Dzen's two article URL eras (``/media/<slug>/<translit>-<24hex>``
and ``/a/<16 chars>``; the short id is the URL-safe base64 of the 12 bytes of the hex
publication id, so both map to ``https://dzen.ru/a/<short>`` offline).
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from bot.net.urlmap import DZEN_HOSTS, TELEGRAM_HOSTS
from bot.sources.model import SourceRef

DZEN = "https://dzen.ru"
TELEGRAM = "https://t.me"

_TRACKING_EXACT = frozenset({
    "from", "rid", "clid", "yclid", "ysclid", "fbclid", "gclid", "dclid", "msclkid", "_openstat",
    "utm_referrer", "mc_cid", "mc_eid", "igshid", "ref_src", "ref_url", "spm", "zen_source", "persistent_id",
    "share_to", "referrer", "_ga", "_gl", "wt_mc", "cmpid", "at_medium", "at_campaign",
})
_TRACKING_PREFIXES = ("utm_", "pk_", "vero_", "hsa_", "oly_")
_HEX24 = re.compile(r"[0-9a-f]{24}")
_SHORT16 = re.compile(r"[A-Za-z0-9_-]{16}")
_DZEN_OLD_ARTICLE = re.compile(r"^/media/(?:id/[0-9a-f]{24}|[\w.-]+)/(?:[^/]*-)?([0-9a-f]{24})$", re.I)
_DZEN_NEW = re.compile(r"^/(a|b)/([A-Za-z0-9_-]{16})$")
_DZEN_VIDEO = re.compile(r"^/(?:video/watch|shorts)/([0-9a-f]{24})$", re.I)
_DZEN_RESERVED = frozenset({"a", "b", "api", "news", "video", "shorts", "media", "embed", "id", "search",
                            "articles", "profile", "suite", "about", "legal", "help", "topic", "t", "feed",
                            "subscriptions", "sso", "showcaptcha", "checkcaptcha", "interests", "editor",
                            "channels", "sport", "pogoda", "brief"})
_TG_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
_TG_RESERVED = frozenset({"s", "joinchat", "addstickers", "addemoji", "share", "proxy", "socks", "login",
                          "iv", "setlanguage", "addtheme", "bg", "c", "i", "k", "z", "a", "contact",
                          "invoice", "giftcode", "boost", "addlist", "m"})
_FEED_PATH = re.compile(r"(?:\.(?:rss|atom|rdf)$|(?:^|/)(?:rss|atom|feed|feeds|rss2)(?:\.xml)?/?$|"
                        r"(?:rss|atom|feed)[\w-]*\.xml$)", re.I)


# --------------------------------------------------------------------------- Dzen ids

def dzen_hex_to_short(hex_id: str) -> str:
    """24-hex publication id -> 16-char short id used in ``/a/`` URLs."""
    return base64.urlsafe_b64encode(bytes.fromhex(hex_id)).decode("ascii").rstrip("=")


def dzen_short_to_hex(short_id: str) -> str | None:
    """16-char short id -> 24-hex publication id (``None`` if it does not decode to 12 bytes)."""
    if not _SHORT16.fullmatch(short_id):
        return None
    try:
        raw = base64.urlsafe_b64decode(short_id + "=" * (-len(short_id) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw.hex() if len(raw) == 12 else None


def dzen_publication_id(url: str) -> str | None:
    """The 24-hex publication id named by a Dzen article/post/video URL, if any."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in DZEN_HOSTS:
        return None
    path = parts.path.rstrip("/")
    if match := _DZEN_NEW.match(path):
        return dzen_short_to_hex(match.group(2))
    if match := (_DZEN_OLD_ARTICLE.match(path) or _DZEN_VIDEO.match(path)):
        return match.group(1).lower()
    return None


# ------------------------------------------------------------------ canonicalisation

def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING_PREFIXES)


def _canonical_dzen_path(path: str) -> tuple[str, bool]:
    """(path, drop whole query) for a Dzen URL; article URLs of both eras -> /a/<short>."""
    if match := _DZEN_OLD_ARTICLE.match(path):
        return f"/a/{dzen_hex_to_short(match.group(1).lower())}", True
    if _DZEN_NEW.match(path) or _DZEN_VIDEO.match(path):
        return path, True
    if re.match(r"^/(?:id/[0-9a-f]{24}|media/[\w.-]+|[\w.-]+)$", path) and not path.startswith("/api"):
        return path, True  # channel pages: no query selects content
    return path, False


def _canonical_telegram_path(path: str) -> tuple[str, bool]:
    """t.me/s/NAME/ID and t.me/NAME/ID -> t.me/name/ID; channel names are case-insensitive."""
    segments = [s for s in path.split("/") if s]
    listing = segments[:1] == ["s"]
    named = segments[1:] if listing else segments
    if named and _TG_NAME.match(named[0]) and named[0].lower() not in _TG_RESERVED:
        named[0] = named[0].lower()
        if len(named) == 2 and named[1].isdigit():
            return "/" + "/".join(named), True
        segments = (["s"] if listing else []) + named
    return "/" + "/".join(segments), False


def canonical_url(url: str, base: str | None = None) -> str:
    """Dedup key and display form of a URL (see module docstring).

    Non-HTTP URLs are returned unchanged (trimmed): they are never fetched anyway.
    """
    url = url.strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return url
    host = parts.hostname.lower().rstrip(".")
    port = parts.port
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~")
    path = re.sub(r"/{2,}", "/", path).rstrip("/")
    drop_query = False
    if host in DZEN_HOSTS:
        scheme, host, port = "https", "dzen.ru", None
        path, drop_query = _canonical_dzen_path(path)
    elif host in TELEGRAM_HOSTS or host.endswith(".t.me"):
        if host.endswith(".t.me") and host not in TELEGRAM_HOSTS:
            path = "/" + host[: -len(".t.me")] + path  # NAME.t.me -> t.me/NAME
        scheme, host, port = "https", "t.me", None
        path, drop_query = _canonical_telegram_path(path)
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = ""
    if not drop_query and parts.query:
        pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
        query = urlencode(sorted(pairs), doseq=True)
    return urlunsplit((scheme, netloc, path or ("/" if query else ""), query, ""))


def poll_url(url: str) -> str:
    """The URL as given, minus fragment and surrounding space, with a scheme.

    Feeds and pages are polled at the URL the admin gave, not at the canonical key: a
    server may answer ``/feed/`` but not ``/feed``."""
    raw = url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    return urlunsplit(urlsplit(raw)._replace(fragment=""))


def is_dzen_url(url: str) -> bool:
    return (urlsplit(url.strip()).hostname or "").lower() in DZEN_HOSTS


def telegram_post(url: str) -> tuple[str, int] | None:
    """(channel name, post id) when ``url`` links one Telegram post."""
    canon = canonical_url(url)
    match = re.match(r"^https://t\.me/([a-z][a-z0-9_]{3,31})/(\d+)$", canon)
    return (match.group(1), int(match.group(2))) if match else None


# ---------------------------------------------------------------------- detection

def _detect_dzen(segments: list[str], canon: str) -> SourceRef:
    path = "/" + "/".join(segments)
    if _DZEN_NEW.match(path) or _DZEN_VIDEO.match(path) or _DZEN_OLD_ARTICLE.match(path):
        return SourceRef("dzen_article", canon, dzen_publication_id(canon))
    if segments and segments[0] == "media":  # old channel URLs: /media/<slug>, /media/id/<hex>
        segments = segments[1:]
    if len(segments) == 2 and segments[0] == "id" and _HEX24.fullmatch(segments[1].lower()):
        return SourceRef("dzen_channel", f"{DZEN}/id/{segments[1].lower()}", segments[1].lower())
    if len(segments) == 1 and re.fullmatch(r"[\w.-]+", segments[0]) and segments[0].lower() not in _DZEN_RESERVED:
        return SourceRef("dzen_channel", f"{DZEN}/{segments[0]}", segments[0])
    return SourceRef("page", canon, "dzen.ru")


def detect_source(url: str) -> SourceRef:
    """Classify a URL by shape only (no network): Dzen channel/article, Telegram channel,
    feed (by a feed-like path) or plain page.  ``resolve_source`` refines "page"/"feed"
    by fetching."""
    raw = url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    canon = canonical_url(raw)
    parts = urlsplit(canon)
    host = parts.hostname or ""
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if host == "dzen.ru":
        return _detect_dzen(segments, canon)
    if host == "t.me":
        named = segments[1:] if segments[:1] == ["s"] else segments
        if len(named) == 1 and _TG_NAME.match(named[0]) and named[0] not in _TG_RESERVED:
            return SourceRef("telegram_channel", f"{TELEGRAM}/s/{named[0]}", named[0])
        return SourceRef("page", canon, "t.me")
    if _FEED_PATH.search(parts.path) or re.search(r"(?:^|&)(?:format|feed|type)=(?:rss2?|atom)\b", parts.query):
        return SourceRef("feed", poll_url(raw), host)
    return SourceRef("page", poll_url(raw), host)
