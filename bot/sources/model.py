"""Data types shared by all source parsers and collectors.

They are plain dataclasses so that parsers stay pure functions (bytes/str in, these out)
and the storage layer can persist them without knowing where they came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.sources.text import content_hash


class SourceError(Exception):
    """A source could not be read; ``str(error)`` is one line meant for the admin.

    Raised instead of returning zero items whenever a page is not what we expected
    (captcha, SSO stub, changed markup, not a feed ...): silence would hide breakage.
    ``transient`` is true for network-level failures (timeouts, 5xx, connection errors)
    that a backoff-and-retry may cure, false for answers that will not change by waiting.
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass
class ParsedArticle:
    """One article/post as extracted from a source.

    ``url`` is canonical (see ``canonical_url``) and, together with ``content_hash``,
    is what storage dedups on: feed guids and Dzen ids are kept in ``external_id`` but
    are not trusted to be stable.  ``meta`` carries source-specific extras (Telegram
    forward/reply/views/links, Dzen video flag, ...); keys are documented where set.
    """

    url: str
    title: str
    text: str
    author: str | None = None
    published: datetime | None = None  # aware, UTC
    external_id: str | None = None
    source_kind: str = "page"  # "dzen" | "telegram" | "feed" | "page"
    edited: bool = False
    summary_hint: str | None = None
    image: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """Hash of the normalised text (title when there is no text)."""
        return content_hash(self.text or self.title)


@dataclass
class ListedItem:
    """An entry of a Dzen channel listing (launcher API or channel page).

    Listings only carry a snippet; the collector fetches ``url`` for the full text
    unless ``is_video`` (videos have no text to fetch).
    """

    url: str
    title: str
    snippet: str | None
    published: datetime | None
    external_id: str | None
    is_video: bool = False
    image: str | None = None
    author: str | None = None
    kind: str = "article"  # "article" | "post" (/b/) | "video"


@dataclass(frozen=True)
class SourceRef:
    """What a URL is, decided from its shape (``detect_source``) or by fetching it
    (``resolve_source``).  ``url`` is the URL to poll; ``name`` the channel slug/id,
    Telegram username or, for feeds and pages, the host."""

    kind: str  # "dzen_channel" | "telegram_channel" | "feed" | "page" | "dzen_article"
    url: str
    name: str | None = None


@dataclass
class TelegramPage:
    """One ``t.me/s/NAME`` page: posts newest first, ``before`` = id for the older page."""

    channel_name: str
    channel_title: str | None
    posts: list[ParsedArticle]
    before: int | None


@dataclass
class CollectResult:
    """What one poll of a source produced.

    ``state`` is opaque to the caller: store it and pass it back on the next poll
    (validators for conditional GET, last seen ids).  ``feed_links`` lists feeds a page
    advertises via ``<link rel=alternate>``.  ``errors`` holds per-item problems that did
    not fail the whole source (e.g. one Dzen article page behind a captcha).
    """

    articles: list[ParsedArticle]
    state: dict[str, Any]
    not_modified: bool = False
    feed_links: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
