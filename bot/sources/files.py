"""Command-line inputs: `.txt` and `.html` files (URLs and feeds go through the ingestion layer)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO


class InputError(Exception):
    """One line for stderr: why this input was refused."""


@dataclass(frozen=True)
class Document:
    source: str
    title: str
    text: str
    url: str | None = None
    author: str | None = None
    published: datetime | None = None
    kind: str = "file"
    external_id: str | None = None
    # What the reader of the output should know about how the input was read (one stderr line each).
    notes: tuple[str, ...] = ()


_TITLE_MAX_CHARS = 90


def _title_from_text(text: str) -> str:
    """A headline for an untitled text: its first sentence, cut at a word near 90 characters."""
    from razdel import sentenize

    first = next((s.text for s in sentenize(text) if s.text.strip()), text).strip()
    first = " ".join(first.split())
    if len(first) <= _TITLE_MAX_CHARS:
        return first.rstrip(".")
    cut = first[:_TITLE_MAX_CHARS].rsplit(" ", 1)[0].rstrip(",;:—–- ")
    return cut + "…"


def _decode(data: bytes) -> str:
    from bot.net.charset import decode_file

    return decode_file(data)


def parse_text(raw: str, source: str) -> Document:
    """PRODUCT.md format (a title line, a blank line, the text), a reader's copy of a Dzen page
    (site header, teaser and footer are cleaned away as for the anchor), or plain text with no title
    line: then the title is the text's first sentence and a note says so."""
    from bot.text import clean_page_text

    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in raw.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    if not any(lines):
        raise InputError("the text is empty")
    page = clean_page_text(raw)
    titled = len(lines) > 2 and not lines[1] and page.title == lines[0] and any(lines[2:])
    page_copy = page.title and page.title != lines[0]  # header lines before the title were page chrome
    if (titled or page_copy) and page.text:
        return Document(source=source, title=page.title, text=page.text, author=page.author)
    text = page.text if not page.title else "\n\n".join(p for p in (page.title, page.text) if p)
    text = text or "\n".join(lines).strip()
    title = _title_from_text(text)
    return Document(source=source, title=title, text=text, author=page.author,
                    notes=(f"no title line; title taken from the text: {title}",))


def read_text_file(path: Path) -> Document:
    return parse_text(_decode(path.read_bytes()), str(path))


def read_html_file(path: Path) -> Document:
    return parse_html(path.read_bytes(), str(path), path.resolve().as_uri(), path.stem)


def parse_html(data: bytes, source: str, url: str, fallback_title: str) -> Document:
    from bot.sources import extract_article

    html = data.decode("utf-8", errors="replace")
    article = extract_article(html, url)
    if not article.text.strip():
        raise InputError("no article text found in the HTML")
    return Document(source=source, title=article.title or fallback_title, text=article.text, author=article.author)


STDIN = "-"


def read_stdin(stream: BinaryIO | None = None) -> Document:
    """`-`: text (or an HTML page, recognised by its first character) piped in or typed."""
    data = (stream or sys.stdin.buffer).read()
    if data.lstrip()[:1] == b"<":
        return parse_html(data, "stdin", "file:///dev/stdin", "stdin")
    return parse_text(_decode(data), "stdin")


def read_file(name: str) -> Document:
    if name == STDIN:
        return read_stdin()
    path = Path(name)
    if not path.is_file():
        raise InputError("no such file")
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return read_html_file(path)
    if suffix in (".txt", ".md", ""):
        return read_text_file(path)
    raise InputError(f"unsupported file type {suffix!r} (use .txt or .html)")


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://")) or "://" in value
