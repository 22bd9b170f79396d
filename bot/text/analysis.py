"""``analyze``: one call that turns an article into summary, themes, entities and keywords.

Why one entry point: the bot (summaries, theme cards, digests, ``summarize --json``) needs all of
these together and runs them in a worker thread; tokenizing once and sharing the parsed document
keeps the call cheap. The function holds no state of its own; models and the default catalog are
lazy, lock-protected singletons, so concurrent calls from several threads are safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import models
from .catalog import ThemeCatalog, load_catalog
from .document import Document
from .entities import Entity, document_entities
from .evidence import theme_keywords, theme_sentences
from .keywords import extract_keywords
from .summarize import shorten, summarize
from .themes import score_themes


@dataclass(frozen=True)
class ThemeHit:
    """A theme judged present in an article, with the sentences and keywords that show it."""

    slug: str
    title: str
    score: float
    sentences: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "score": self.score,
            "sentences": list(self.sentences),
            "keywords": list(self.keywords),
        }


@dataclass(frozen=True)
class Analysis:
    """Everything the bot shows about one article."""

    title: str
    tldr: str
    summary: list[str]
    themes: list[ThemeHit]
    entities: list[Entity]
    keywords: list[str]
    sentences: list[str]

    def to_dict(self, source: str) -> dict[str, Any]:
        """The ``summarize --json`` record (see PRODUCT.md)."""
        return {
            "source": source,
            "title": self.title,
            "tldr": self.tldr,
            "summary": list(self.summary),
            "themes": [t.to_dict() for t in self.themes],
            "entities": [e.to_dict() for e in self.entities],
            "keywords": list(self.keywords),
        }

    def theme(self, slug: str) -> ThemeHit | None:
        return next((t for t in self.themes if t.slug == slug), None)


def analyze(
    title: str,
    text: str,
    *,
    catalog: ThemeCatalog | None = None,
    sentences: int | None = None,
    semantic: bool = True,
) -> Analysis:
    """Summarize an article and detect its themes, entities and keywords.

    ``sentences`` overrides the summary length (default: 2–5 by article length);
    ``semantic=False`` scores themes on keywords alone (used by the quality bench).
    """
    catalog = catalog if catalog is not None else load_catalog()
    doc = Document.build(title or "", text or "")
    texts = doc.texts
    summary = summarize(doc, sentences)
    present = [r for r in score_themes(doc, catalog, semantic=semantic) if r.present]
    quoted = theme_sentences(doc, present, catalog)
    hits: list[ThemeHit] = []
    for result in present:
        theme = catalog.get(result.slug)
        hits.append(
            ThemeHit(
                slug=result.slug,
                title=theme.title if theme else result.slug,
                score=result.score,
                sentences=[texts[i] for i in quoted[result.slug]],
                keywords=theme_keywords(doc, result),
            )
        )
    tldr = shorten(texts[summary.tldr_index]) if summary.tldr_index is not None else doc.title
    lines = [texts[i] for i in summary.indices]
    if tldr.endswith("…") and len(lines) > 1:
        # A cut tl;dr would come back whole as the first summary line: say it once.
        lines = [line for i, line in zip(summary.indices, lines, strict=True) if i != summary.tldr_index]
    return Analysis(
        title=doc.title,
        tldr=tldr,
        summary=lines,
        themes=hits,
        entities=document_entities(doc),
        keywords=extract_keywords(doc),
        sentences=texts,
    )


def warm_up() -> None:
    """Load models and compile the default catalog, so the first request is fast."""
    models.warm_up()
    catalog = load_catalog()
    catalog.compiled()
    analyze("Казахстан и ЕС", "Астана и Брюссель обсудили Средний коридор. Переговоры продолжатся.", catalog=catalog)
