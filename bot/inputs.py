"""Command-line inputs: `.txt` and `.html` files (URLs and feeds go through the ingestion layer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


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


def read_text_file(path: Path) -> Document:
    """PRODUCT.md format: the first line is the title, the text follows after a blank line."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raw = path.read_text(encoding="cp1251")
    lines = raw.replace("\r\n", "\n").split("\n")
    title = lines[0].strip()
    body = "\n".join(lines[1:]).strip()
    if not title or not body:
        raise InputError("expected a title line, a blank line and the text")
    return Document(source=str(path), title=title, text=body)


def read_html_file(path: Path) -> Document:
    from bot.sources import extract_article

    html = path.read_bytes().decode("utf-8", errors="replace")
    article = extract_article(html, path.resolve().as_uri())
    if not article.text.strip():
        raise InputError("no article text found in the HTML")
    return Document(source=str(path), title=article.title or path.stem, text=article.text, author=article.author)


def read_file(name: str) -> Document:
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
