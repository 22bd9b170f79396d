"""/summary and everything that opens an article's summary (deep links, "Open" buttons): which
article a reader means, stored or — for an outside URL — fetched and analysed as a preview."""

from __future__ import annotations

from dataclasses import dataclass

from bot.refusal import Refusal
from bot.services.articles import Article, Articles
from bot.services.ingestion import Ingestion
from bot.services.lookup import parse_article_ref
from bot.services.themes import Theme, Themes


@dataclass(frozen=True)
class SummaryView:
    """What the summary message shows: the article, the theme catalog its theme buttons name,
    and whether English readers are offered a retelling (only stored articles, with an LLM)."""

    article: Article
    themes: tuple[Theme, ...]
    translatable: bool


class Summaries:
    def __init__(self, articles: Articles, themes: Themes, ingestion: Ingestion) -> None:
        self.articles = articles
        self.themes = themes
        self.ingestion = ingestion

    async def lookup(self, args: str | None, user_id: int | None) -> SummaryView:
        """`/summary [ID|URL]`: no argument is the anchor; a URL not stored is read
        live (never stored). Refusals: a malformed argument, nothing found, a URL that cannot
        be read (FetchRefused), the per-user fetch cooldown."""
        ref = parse_article_ref(args)
        if ref is None:
            raise Refusal("summary_bad_arg")
        article = await self.articles.find(ref)
        if article is None and ref.kind == "url":
            article = await self.ingestion.preview_url(ref.value, user_id)
        if article is None:
            raise Refusal("summary_not_found", ref=ref.value)
        return await self.view(article)

    async def stored(self, article_id: int) -> SummaryView | None:
        """A stored article by id (a deep link or a button); None when it is gone."""
        article = await self.articles.get(article_id)
        return await self.view(article) if article is not None else None

    async def view(self, article: Article) -> SummaryView:
        catalog = await self.themes.catalog()
        return SummaryView(article, tuple(catalog), bool(article.id) and self.articles.can_translate)
