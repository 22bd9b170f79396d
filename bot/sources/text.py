"""Text helpers shared by the parsers: HTML to plain text, titles, hashes and dates.

Plain text everywhere uses one convention: paragraphs separated by a blank line
("\\n\\n"), single newlines only for explicit line breaks, list items as their own
paragraphs prefixed with "• " (or "N. " for ordered lists).  The summariser and the
content hash rely on that being the same whichever parser produced the text.
"""

from __future__ import annotations

import hashlib
import html as html_module
import re
from email.utils import parsedate_to_datetime
from collections.abc import Callable
from datetime import date, datetime, timezone

from selectolax.lexbor import LexborHTMLParser, LexborNode

BULLET = "• "
_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "header", "footer", "aside", "main", "blockquote", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "tr", "figure", "figcaption",
    "hr", "dl", "dt", "dd", "address", "details", "summary", "nav",
})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "head", "button",
                        "select", "textarea", "object", "video", "audio", "canvas", "form"})
_PARA = "\x00"  # paragraph-break marker while assembling, turned into "\n\n" at the end
_MAX_DEPTH = 200
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HTML_WS = re.compile(r"[ \t\r\n\f]+")

LinkCallback = Callable[[LexborNode, str], None]


def normalize_text(text: str) -> str:
    """Collapse spaces inside lines, trim lines, keep at most one blank line in a row."""
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return out.strip()


def content_hash(text: str) -> str:
    """Stable hash of the text's words: case, ё/е, punctuation spacing and whitespace ignored.

    Used to recognise the same article under a new URL or guid.
    """
    norm = _INVISIBLE.sub("", text).casefold().replace("ё", "е")
    norm = " ".join(re.findall(r"\w+", norm))
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def _walk(node: LexborNode, out: list[str], on_link: LinkCallback | None, depth: int,
          ordinal: list[int], pre: bool = False) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            raw = child.text(deep=False)
            out.append(raw if pre else _HTML_WS.sub(" ", raw))
            continue
        if tag in _SKIP_TAGS or tag.startswith("-"):
            continue
        if tag == "br":
            out.append("\n")
            continue
        if depth > _MAX_DEPTH:  # hostile nesting: stop structuring, keep the words
            out.append(" " + child.text(deep=True) + " ")
            continue
        block = tag in _BLOCK_TAGS
        if block:
            out.append(_PARA)
        if tag == "li":
            if ordinal and ordinal[-1] >= 0:
                ordinal[-1] += 1
                out.append(f"{ordinal[-1]}. ")
            else:
                out.append(BULLET)
        if tag in ("ol", "ul"):
            ordinal.append(0 if tag == "ol" else -1)
        start = len(out)
        _walk(child, out, on_link, depth + 1, ordinal, pre or tag == "pre")
        if tag in ("ol", "ul"):
            ordinal.pop()
        if tag == "a" and on_link is not None:
            on_link(child, "".join(p for p in out[start:] if p != _PARA).strip())
        if block:
            out.append(_PARA)


def node_to_text(node: LexborNode, *, on_link: LinkCallback | None = None) -> str:
    """Plain text of an element: blocks become paragraphs, ``<br>`` a newline.

    ``on_link(a_node, anchor_text)`` is called for every link so callers can collect
    URLs while the text keeps only the anchor text.
    """
    out: list[str] = []
    _walk(node, out, on_link, 0, [])
    raw = "".join(out)
    raw = re.sub(r"[ \t]*\x00[\x00\s]*", "\n\n", raw)
    return normalize_text(raw)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment or document (scripts/styles dropped)."""
    if not html or "<" not in html:
        return normalize_text(unescape_entities(html or ""))
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    return node_to_text(root) if root is not None else ""


def css_attr(tree: LexborHTMLParser | LexborNode, selector: str, attr: str = "content") -> str | None:
    """Trimmed attribute of the first element matching ``selector`` (meta tags mostly)."""
    node = tree.css_first(selector)
    value = node.attributes.get(attr) if node is not None else None
    return value.strip() if value and value.strip() else None


def unescape_entities(text: str) -> str:
    return html_module.unescape(text)


def make_title(text: str, limit: int = 100) -> str:
    """Title from the first line, shortened to the first sentence or a word boundary."""
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if len(first) <= limit:
        return first
    sentence = re.match(r"(.{20,%d}?[.!?…])(\s|$)" % (limit - 1), first)
    if sentence:
        return sentence.group(1)
    cut = first[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:—-")
    return cut + "…"


def make_snippet(text: str, limit: int = 300) -> str | None:
    """First paragraph(s) up to ``limit`` characters, for previews."""
    text = text.strip()
    if not text:
        return None
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


# ------------------------------------------------------------------------ dates

def from_epoch(value: object) -> datetime | None:
    """Unix time in seconds or milliseconds (told apart by magnitude) as aware UTC."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r"\d{9,14}(\.\d+)?", value):
            return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if number > 1e11:  # milliseconds: 1e11 s would be the year 5138
        number /= 1000
    if number <= 0:
        return None
    try:
        return datetime.fromtimestamp(number, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def parse_datetime(value: object) -> datetime | None:
    """ISO 8601 date or datetime (or epoch) as aware UTC; naive values are taken as UTC.

    Human/relative dates ("9 часов назад") deliberately give ``None``: a wrong date is
    worse than none, and storage keeps the first date it saw.
    """
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    if isinstance(value, (int, float)):
        return from_epoch(value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    epoch = from_epoch(text)
    if epoch is not None:
        return epoch
    iso = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", re.sub(r"Z$", "+00:00", text))
    try:
        return parse_datetime(datetime.fromisoformat(iso))
    except ValueError:
        pass
    try:
        day = date.fromisoformat(iso[:10])
        return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    except ValueError:
        pass
    try:  # RFC 2822, as in HTTP headers and some meta tags
        return parse_datetime(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None
