"""What the bot knows: articles, themes and their anchors, the sources it polls.

A `Theme` is also the text engine's catalog record (`bot.text.catalog` compiles it): the
`themes` table stores exactly that record as JSON, so it is defined once, beside the table."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

from storage.timeutil import from_db

Row = dict[str, Any]
DEFAULT_THRESHOLD = 0.4  # chosen with the semantic knobs by cross-validation (bench/text_theme_cv.py)


@dataclass(frozen=True)
class Theme:
    """One theme: card fields plus scoring data (keyword phrases, related words, frame).

    keywords: phrases specific to the theme (ordinary Russian; lemmatized when compiled).
    related: supporting words that add weight only when the theme's keywords are present.
    context: the frame (places, people, organisations) an article should mention; an article
        outside the frame needs much stronger theme evidence.
    profile: a few sentences describing the theme in ordinary news vocabulary, written from the
        anchor and the topic; with the description and the claims it is what an article's meaning
        is compared with, so an article that says the same thing in other words still scores.
    claims: the anchor analysis's own sentences on the theme (what its card quotes).
    threshold: score (0..1) from which the theme counts as present.
    """

    slug: str
    emoji: str = ""
    title: str = ""
    title_en: str = ""
    description: str = ""
    description_en: str = ""
    profile: str = ""
    claims: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    threshold: float = DEFAULT_THRESHOLD

    @classmethod
    def from_dict(cls, data: dict[str, Any], defaults: dict[str, Any] | None = None) -> Theme:
        """Build from a JSON object; unknown keys are ignored, ``defaults`` fill missing ones."""
        known = {f.name for f in fields(cls)}
        merged = {**(defaults or {}), **data}
        if not merged.get("slug"):
            raise ValueError("theme without a slug")
        values = {k: v for k, v in merged.items() if k in known}
        for key in ("keywords", "related", "context", "claims"):
            values[key] = [str(x) for x in values.get(key, [])]
        values["threshold"] = float(values.get("threshold", DEFAULT_THRESHOLD))
        return cls(**values)

    @classmethod
    def from_row(cls, row: Row) -> Theme:
        return cls.from_dict(json.loads(row["data"]))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FoundTheme:
    """A theme the engine found in a stored article, with the sentences and keywords that show it."""

    slug: str
    title: str = ""
    score: float = 0.0
    sentences: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FoundTheme:
        return cls(slug=data["slug"], title=data.get("title") or "", score=float(data.get("score") or 0.0),
                   sentences=tuple(data.get("sentences") or ()), keywords=tuple(data.get("keywords") or ()))


@dataclass(frozen=True)
class NamedEntity:
    """A named entity of a stored article in its normal form ("Казахстан"), type LOC | ORG | PER."""

    text: str
    type: str = ""


@dataclass(frozen=True)
class Article:
    """An article as the bot shows it (`articles`): stored fields plus the engine's analysis
    (decoded JSON: summary, tl;dr, themes with their sentences, entities, the LLM's abstract)."""

    id: int
    title: str
    text: str
    kind: str
    url: str | None = None
    author: str | None = None
    channel: str | None = None
    published: datetime | None = None
    tldr: str = ""
    analysis: dict[str, Any] = field(default_factory=dict)
    added: datetime | None = None
    content_hash: str = ""  # identity of the text: the same text stored again is "unchanged"

    @property
    def date(self) -> datetime | None:
        """Publication date when the source gave one, else when the bot received it."""
        return self.published or self.added

    @property
    def summary(self) -> list[str]:
        return list(self.analysis.get("summary", []))

    @property
    def abstract(self) -> list[str]:
        """The LLM's retelling when one was made (``summary``/``tldr`` stay extractive)."""
        return list(self.analysis.get("abstract") or [])

    @property
    def theme_slugs(self) -> list[str]:
        return [t["slug"] for t in self.analysis.get("themes", [])]

    def theme(self, slug: str) -> FoundTheme | None:
        found = next((t for t in self.analysis.get("themes", []) if t["slug"] == slug), None)
        return FoundTheme.from_dict(found) if found else None

    @property
    def entities(self) -> tuple[NamedEntity, ...]:
        return tuple(NamedEntity(e["text"], e.get("type") or "") for e in self.analysis.get("entities", []))

    @classmethod
    def from_row(cls, row: Row) -> Article:
        return cls(
            id=row["id"], title=row["title"], text=row["text"], kind=row["kind"], url=row.get("url"),
            author=row.get("author"), channel=row.get("channel"), published=from_db(row.get("published")),
            tldr=row.get("tldr") or "", analysis=json.loads(row["analysis"]) if row.get("analysis") else {},
            added=from_db(row.get("created_at")), content_hash=row.get("content_hash") or "",
        )


@dataclass(frozen=True)
class SearchText:
    """What re-indexing an article for search reads: its text and the search terms it has."""

    id: int
    title: str
    text: str
    terms: str

    @classmethod
    def from_row(cls, row: Row) -> SearchText:
        return cls(id=row["id"], title=row["title"] or "", text=row["text"] or "", terms=row["search_lemmas"] or "")


@dataclass(frozen=True)
class DigestRow:
    """An article as a digest lists it (`articles` with its theme slugs, best-scored first):
    no text; its search terms drive word filters and same-story grouping."""

    id: int
    title: str
    tldr: str
    url: str | None
    channel: str | None
    published: datetime | None  # as the source dated it
    received: datetime | None  # when the bot stored it: what digest windows are cut by
    slugs: tuple[str, ...]
    lemmas: str = ""

    @classmethod
    def from_row(cls, row: Row) -> DigestRow:
        return cls(id=row["id"], title=row["title"], tldr=row.get("tldr") or "", url=row.get("url"),
                   channel=row.get("channel"), published=from_db(row.get("published")),
                   received=from_db(row.get("created_at")), slugs=tuple((row.get("slugs") or "").split()),
                   lemmas=row.get("search_lemmas") or "")


@dataclass(frozen=True)
class Anchor:
    """An anchor analysis with a theme catalog of its own (`anchors`)."""

    id: int
    slug: str
    article_id: int
    title: str
    position: int
    followup_cron: str | None = None  # its follow-up schedule; None: FOLLOWUP_CRON
    followup_since: datetime | None = None  # when that schedule began

    @classmethod
    def from_row(cls, row: Row) -> Anchor:
        return cls(id=row["id"], slug=row["slug"], article_id=row["article_id"], title=row["title"] or "",
                   position=row["position"] or 0, followup_cron=row.get("followup_cron"),
                   followup_since=from_db(row.get("followup_since")))


@dataclass(frozen=True)
class AnchorProposal:
    """An admin's /anchor proposal as stored (`anchor_proposals`): survives a restart, each edit
    rewrites it. `themes` are the proposer's theme dicts, decoded (the text layer types them)."""

    id: int
    admin_id: int
    chat_id: int
    article_id: int
    title: str
    themes: tuple[dict[str, Any], ...]
    state: str  # open | confirmed | cancelled
    awaiting: int | None = None  # the theme whose new title the admin's next message is
    awaiting_by: int | None = None
    followup_cron: str | None = None  # the schedule the anchor will get (None: FOLLOWUP_CRON)
    anchor_id: int | None = None  # once confirmed

    @classmethod
    def from_row(cls, row: Row) -> AnchorProposal:
        return cls(id=row["id"], admin_id=row["admin_id"], chat_id=row["chat_id"], article_id=row["article_id"],
                   title=row["title"] or "", themes=tuple(json.loads(row["themes"] or "[]")), state=row["state"],
                   awaiting=row.get("awaiting"), awaiting_by=row.get("awaiting_by"),
                   followup_cron=row.get("followup_cron"), anchor_id=row.get("anchor_id"))


@dataclass(frozen=True)
class Source:
    """A polled source (`sources`): what, how it went, when next."""

    id: int
    kind: str
    url: str
    name: str | None
    state: dict[str, Any]  # the collector's own cursor (JSON): passed back to it on the next poll
    interval_s: int
    enabled: bool
    next_poll_at: datetime | None
    items: int = 0
    failures: int = 0
    page_errors: int = 0
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    added_by: int | None = None

    @classmethod
    def from_row(cls, row: Row) -> Source:
        return cls(id=row["id"], kind=row["kind"], url=row["url"], name=row.get("name"),
                   state=json.loads(row["state"]) if row.get("state") else {}, interval_s=row["interval_s"],
                   enabled=bool(row["enabled"]), next_poll_at=from_db(row.get("next_poll_at")),
                   items=row.get("items") or 0, failures=row.get("failures") or 0,
                   page_errors=row.get("page_errors") or 0, last_success_at=from_db(row.get("last_success_at")),
                   last_error=row.get("last_error"), last_error_at=from_db(row.get("last_error_at")),
                   added_by=row.get("added_by"))
