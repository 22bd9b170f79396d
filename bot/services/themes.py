"""Theme cards: what the anchor says on a theme, and what has been published on it since.

`Theme` (a catalog theme as stored) is re-exported for the layers above, which never import storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.services.articles import Article, Articles
from storage import themes as themes_sql
from storage.db import Store
from storage.rows import NamedEntity, Theme

__all__ = ["AnchorRef", "Theme", "ThemeCard", "Themes"]


@dataclass(frozen=True)
class ThemeCard:
    theme: Theme
    anchor: Article
    subject: Article  # whose sentences the card quotes: the anchor, or any article on the theme
    position: int
    total: int
    claim: list[str]
    quotes: list[str]
    keywords: list[str]
    entities: list[NamedEntity]
    related: list[Article] = field(default_factory=list)
    anchor_id: int = 0
    anchor_position: int = 0  # 0: the first anchor (the shipped one), whose cards' buttons stay as they were

    @property
    def slug(self) -> str:
        return self.theme.slug

    @property
    def of_anchor(self) -> bool:
        return self.subject.id == self.anchor.id


def _mentions(sentences: list[str], entity: str) -> bool:
    """Russian inflects names (Казахстан → Казахстаном): match on the stem of each word."""
    text = " ".join(sentences).lower()
    words = entity.lower().split()
    return all(w[: max(4, len(w) - 2)] in text for w in words)


@dataclass(frozen=True)
class AnchorRef:
    """An anchor as a reader chooses it in /themes, with its follow-up schedule (issue 18)."""

    id: int
    slug: str
    title: str
    followup_cron: str | None = None  # None: FOLLOWUP_CRON
    followup_since: datetime | None = None  # when that schedule was set (None: the bot's first start)


class Themes:
    """Builds cards from the stored anchor analysis and catalog; no NLP at request time."""

    def __init__(self, store: Store, articles: Articles) -> None:
        self.store = store
        self.articles = articles

    @property
    def can_translate(self) -> bool:
        """English readers are offered a card's retelling (an LLM is configured)."""
        return self.articles.can_translate

    async def catalog(self, anchor_id: int | None = None) -> list[Theme]:
        """The themes of one anchor's catalog (None: every anchor's), in card order."""
        return await self.store.call(themes_sql.themes, anchor_id)

    @staticmethod
    def find(catalog: list[Theme], text: str) -> str | None:
        """The theme a reader typed: a slug, a title in either language, or a piece of exactly one
        title ("визов" → visa-facilitation)."""
        wanted = " ".join(text.casefold().replace("ё", "е").split())

        def names(theme: Theme) -> list[str]:
            return [(name or "").casefold().replace("ё", "е") for name in (theme.slug, theme.title, theme.title_en)]

        exact = [t.slug for t in catalog if wanted in names(t)]
        if exact:
            return exact[0]
        partial = [t.slug for t in catalog if len(wanted) >= 4 and any(wanted in n for n in names(t))]
        return partial[0] if len(partial) == 1 else None

    async def anchors(self) -> list[AnchorRef]:
        rows = await self.store.call(themes_sql.anchors)
        return [AnchorRef(r.id, r.slug, r.title or r.slug, r.followup_cron, r.followup_since) for r in rows]

    async def anchor_of(self, slug: str) -> Article | None:
        anchor_id = await self.store.call(themes_sql.theme_anchor, slug)
        if anchor_id is None:
            return None
        anchors = await self.store.call(themes_sql.anchors)
        row = next((a for a in anchors if a.id == anchor_id), None)
        return await self.articles.get(row.article_id) if row else None

    async def card(self, slug: str, subject: Article | None = None) -> ThemeCard | None:
        """The anchor's card for `slug`; with `subject`, the same theme as that article covers it
        (its own supporting sentences, keywords and entities) — None if it does not."""
        anchor = await self.anchor_of(slug)
        if anchor is None:
            return None
        subject = subject or anchor
        hit = subject.theme(slug)
        if hit is None and subject is not anchor:
            return None
        anchor_id = await self.store.call(themes_sql.theme_anchor, slug)
        themes = await self.catalog(anchor_id)
        position = next(i for i, t in enumerate(themes) if t.slug == slug)
        theme = themes[position]
        sentences = list(hit.sentences) if hit else []
        entities = [e for e in subject.entities if _mentions(sentences, e.text)]
        related = [a for a in await self.articles.related(slug, since=anchor.date, limit=6) if a.id != subject.id]
        return ThemeCard(
            theme=theme, anchor=anchor, subject=subject, position=position, total=len(themes),
            claim=sentences[:2], quotes=sentences[2:4],
            keywords=list(hit.keywords if hit else ())[:8] or list(theme.keywords)[:6],
            entities=entities[:8], related=related[:5], anchor_id=anchor_id or 0,
            anchor_position=next((k for k, a in enumerate(await self.anchors()) if a.id == anchor_id), 0),
        )

    async def card_at(self, position: int, anchor_id: int | None = None) -> ThemeCard | None:
        """Card by position (wrapping around), for ◀ ▶ navigation."""
        themes = await self.catalog(anchor_id)
        if not themes:
            return None
        return await self.card(themes[position % len(themes)].slug)
