"""What a reader may name an article by: nothing (the anchor), a numeric id, or a URL."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.numbers import parse_id


@dataclass(frozen=True)
class ArticleRef:
    kind: str  # anchor | id | url
    value: str = ""


def parse_article_ref(args: str | None) -> ArticleRef | None:
    """None means the argument is malformed (the caller explains the accepted forms)."""
    text = (args or "").strip()
    if not text:
        return ArticleRef("anchor")
    article_id = parse_id(text)
    if article_id is not None:
        return ArticleRef("id", str(article_id))
    parts = urlsplit(text if "://" in text else f"https://{text}")
    if " " not in text and parts.scheme in ("http", "https") and "." in parts.netloc:
        return ArticleRef("url", text if "://" in text else f"https://{text}")
    return None
