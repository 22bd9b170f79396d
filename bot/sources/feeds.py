"""RSS 2.0 / Atom / RDF feeds via feedparser, hardened with defusedxml.

feedparser parses with expat, which expands internal entities: a "billion laughs" or
quadratic-blowup feed would eat memory and CPU.  So the raw bytes go through defusedxml
first (entity declarations and external references forbidden) and such a feed is
refused with ``SourceError`` before feedparser sees it.  Malformed XML that defusedxml
cannot parse is still handed to feedparser (it is lenient, and real feeds are often
sloppy) unless it declares entities; so is a feed in an encoding expat cannot read at all
(EUC-KR, Shift_JIS, Big5: expat refuses multi-byte encodings, feedparser transcodes them
first) - those are ASCII-compatible, so an entity declaration would still be visible as bytes.
Size is capped earlier, by the fetcher.

feedparser gets the response's own headers: the charset of the Content-Type and the base
of Content-Location decide how it reads the bytes, and a feed is read the way feedparser
reads it.  What counts as an entry: one with a link, or with text (a headline feed's
entries have a title and a link only - their pages are fetched later, see
``bot.sources.headlines``); only an entry with neither link nor text is skipped.  A valid
feed without entries is "nothing new", but a document feedparser found broken *and*
empty is refused with a reason, not read as an empty feed.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

import defusedxml
import defusedxml.ElementTree as DefusedET
import feedparser

from bot.sources.model import ParsedArticle, SourceError
from bot.sources.text import html_to_text, make_snippet
from bot.sources.urls import canonical_url

FEED_CONTENT_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml",
                                "application/feed+xml", "application/x-rss+xml"})
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_ROOT = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<\?[^>]*\?>\s*|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)*"
                   rb"<(rss|feed|(?:\w+:)?RDF)\b", re.S | re.I)


def looks_like_feed(content: bytes, content_type: str = "") -> bool:
    """Content sniff: a feed media type, or an ``<rss>``/``<feed>``/``<rdf:RDF>`` root."""
    if content_type.split(";", 1)[0].strip().lower() in FEED_CONTENT_TYPES:
        return True
    head = content[:16384].lstrip(b"\xef\xbb\xbf")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    return _ROOT.match(head) is not None


def _refuse_dangerous_xml(content: bytes) -> None:
    """Raise ``SourceError`` for entity declarations / external references."""
    try:
        DefusedET.fromstring(content, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden,
            defusedxml.DTDForbidden, defusedxml.NotSupportedError) as exc:
        raise SourceError("feed refused: it declares XML entities or external references "
                          "(possible entity-expansion attack)") from exc
    except (DefusedET.ParseError, ValueError, LookupError):  # malformed, or an encoding expat lacks
        if _ENTITY_DECL.search(content) or _ENTITY_DECL.search(content.replace(b"\x00", b"")):
            raise SourceError("feed refused: malformed XML declaring entities") from None


def _utc(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def _link(entry: Any, feed_url: str) -> str | None:
    link = entry.get("link")
    if not link:
        for candidate in entry.get("links") or []:
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = candidate["href"]
                break
    guid = entry.get("id") or ""
    if not link and re.match(r"https?://", guid):
        link = guid
    return canonical_url(urljoin(feed_url, link)) if link else None


def _body_html(entry: Any) -> str:
    contents = [c.get("value") or "" for c in entry.get("content") or []]
    best = max(contents, key=len, default="")
    summary = entry.get("summary") or ""
    return best if len(best) >= len(summary) else summary


def _image(entry: Any, body_html: str, base: str) -> str | None:
    for media in list(entry.get("media_content") or []) + list(entry.get("media_thumbnail") or []):
        url = media.get("url")
        if url and (media.get("medium") in (None, "image") or str(media.get("type", "")).startswith("image/")):
            return urljoin(base, url)
    for enclosure in entry.get("enclosures") or []:
        if str(enclosure.get("type", "")).startswith("image/") and enclosure.get("href"):
            return urljoin(base, enclosure["href"])
    match = re.search(r"<img[^>]+src=[\"']([^\"']+)", body_html)
    return urljoin(base, match.group(1)) if match else None


def _article(entry: Any, feed_url: str, feed_title: str | None) -> ParsedArticle | None:
    url = _link(entry, feed_url)
    body_html = _body_html(entry)
    text = html_to_text(body_html)
    summary = html_to_text(entry.get("summary") or "")
    text = text or summary
    if not url and not text:
        return None  # nothing to read and nowhere to read it
    title = html_to_text(entry.get("title") or "") or (text.split("\n", 1)[0][:100] if text else url or "")
    tags = [t.get("term") for t in entry.get("tags") or [] if t.get("term")]
    meta: dict[str, Any] = {"feed_title": feed_title}
    if tags:
        meta["tags"] = tags
    return ParsedArticle(
        url=url or "",
        title=title,
        text=text,
        author=entry.get("author") or None,
        published=_utc(entry.get("published_parsed") or entry.get("updated_parsed")),
        external_id=entry.get("id") or None,
        source_kind="feed",
        summary_hint=make_snippet(summary or text),
        image=_image(entry, body_html, url or feed_url),
        meta=meta,
    )


_ENCODING_ONLY = ("CharacterEncodingOverride", "NonXMLContentType", "CharacterEncodingUnknown")


def _broken_reason(parsed: Any) -> str | None:
    """Why feedparser found the document broken (None when it was not, or only its charset was off)."""
    if not parsed.get("bozo"):
        return None
    if type(parsed.get("bozo_exception")).__name__ in _ENCODING_ONLY:
        return None
    # no line number: feedparser may prepend a declaration of its own, which shifts them by one
    return "malformed XML"


def parse_feed(content: bytes, url: str, headers: Mapping[str, str] | None = None) -> list[ParsedArticle]:
    """Entries of an RSS/Atom/RDF document, in feed order (see module docstring).

    ``headers`` are the HTTP response's (Content-Type, Content-Location).  Raises
    ``SourceError`` for dangerous XML and for documents that are not feeds; a valid feed
    without entries gives an empty list.
    """
    if not content.strip():
        raise SourceError("not a feed: empty response")
    _refuse_dangerous_xml(content)
    response_headers = {"content-location": url}
    for name in ("content-type", "content-location"):
        value = (headers or {}).get(name)
        if value:
            response_headers[name] = value
    try:
        parsed = feedparser.parse(io.BytesIO(content), response_headers=response_headers,
                                  resolve_relative_uris=True, sanitize_html=True)
    except Exception as exc:  # noqa: BLE001 - feedparser's own failure is a reason, not a crash
        raise SourceError("not a readable feed") from exc
    if not parsed.get("version") and not parsed.entries:
        raise SourceError("not a feed")
    feed_title = html_to_text(parsed.feed.get("title") or "") or None
    articles = [a for a in (_article(entry, url, feed_title) for entry in parsed.entries) if a is not None]
    broken = _broken_reason(parsed)
    if not articles and broken and not (parsed.feed.get("title") or parsed.feed.get("link")):
        raise SourceError(f"not a readable feed: {broken}")
    return articles
