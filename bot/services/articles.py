"""The articles: what readers ask for (anchor, latest, by id/URL, search) and how texts enter it.

`Article` (an article as stored, `storage.rows`) is re-exported for the layers above, which never import storage."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

from bot.clock import Clock
from bot.nlp import TextEngine
from bot.services.lookup import ArticleRef
from bot.services.search import INDEX_VERSION, match_query, name_terms
from bot.sources import canonical_url, content_hash
from bot.text.llm import LlmSummarizer
from storage import articles as articles_sql
from storage import digests as digests_sql
from storage import themes as themes_sql
from storage.db import Store
from storage.rows import Article
from storage.timeutil import to_db

__all__ = ["Article", "Articles", "without_tldr"]


def _plain(sentence: str) -> str:
    return " ".join(sentence.casefold().replace("ё", "е").split()).rstrip(".…!?")


def without_tldr(sentences: list[str], tldr: str) -> list[str]:
    """Key sentences to list under the tl;dr: the tl;dr itself (even clipped or re-spaced) is
    already shown above them and is never repeated as the first bullet."""
    head = _plain(tldr)
    return [s for s in sentences if not head or not (_plain(s) == head or _plain(s).startswith(head)
                                                     or head.startswith(_plain(s)))]


class Articles:
    """Reads and writes articles through the store; analysis goes through the text engine."""

    def __init__(self, store: Store, engine: TextEngine, clock: Clock, llm: LlmSummarizer | None = None) -> None:
        self.store = store
        self.engine = engine
        self.clock = clock
        self.llm = llm
        self._english: dict[str, list[str]] = {}

    async def _abstract(self, title: str, text: str, digest: str) -> list[str] | None:
        """The LLM's retelling for the analysis dict, or None (no LLM, or it failed: extractive only).

        A text already stored (same content hash) keeps what it got then: re-polled sources
        must not wait for the model again, and an unchanged row would not be rewritten anyway."""
        if self.llm is None or not self.llm.enabled:
            return None
        known = await self.store.call(articles_sql.by_hash, digest)
        if known is not None:
            return known.abstract or None
        return await self.llm.summarize(title, text)

    @property
    def can_translate(self) -> bool:
        """An LLM is configured: English readers are offered English retellings."""
        return self.llm is not None and self.llm.enabled

    async def in_english(self, key: str, title: str, text: str) -> list[str] | None:
        """The model's English retelling of a text (a summary, a card), remembered per key for the
        process's life: the same button pressed twice, or by two readers, asks the model once."""
        if key in self._english:
            return self._english[key]
        if not self.can_translate:
            return None
        assert self.llm is not None
        retold = await self.llm.summarize(title, text, language="en")
        if retold:
            if len(self._english) >= 500:
                self._english.pop(next(iter(self._english)))
            self._english[key] = retold
        return retold

    async def get(self, article_id: int) -> Article | None:
        return await self.store.call(articles_sql.get, article_id)

    async def by_url(self, url: str) -> Article | None:
        return await self.store.call(articles_sql.by_url, url)

    async def find(self, ref: ArticleRef) -> Article | None:
        if ref.kind == "anchor":
            return await self.anchor()
        if ref.kind == "id":
            return await self.get(int(ref.value))
        return await self.by_url(canonical_url(ref.value))

    async def anchor(self, slug: str | None = None) -> Article | None:
        """The named anchor analysis, or the first one registered."""
        rows = await self.store.call(themes_sql.anchors)
        chosen = next((r for r in rows if slug is None or r.slug == slug), None)
        return await self.get(chosen.article_id) if chosen else None

    async def latest(self, limit: int = 5) -> list[Article]:
        return await self.store.call(articles_sql.latest, limit)

    async def search(self, query: str, limit: int = 8) -> list[Article]:
        """Word-form search: each query word matches any of its keys (lemma, and for names every
        case form: bot.services.search), as a prefix."""
        match = await asyncio.to_thread(match_query, query)
        if not match:
            return []
        return await self.store.call(articles_sql.search, match, limit)

    async def reindex_search(self) -> int:
        """Give articles stored before the current indexing their name keys (bot.services.search); on start,
        in batches off the event loop. Returns how many were re-indexed."""
        done = 0
        while stale := await self.store.call(articles_sql.stale_search_terms, INDEX_VERSION):
            updates = await asyncio.to_thread(
                lambda: [(a.id, " ".join([a.terms, *name_terms(f"{a.title}\n{a.text}")])) for a in stale])
            await self.store.call(articles_sql.set_search_terms, updates, INDEX_VERSION)
            done += len(stale)
        return done

    async def related(self, slug: str, *, since: datetime | None = None, limit: int = 5) -> list[Article]:
        """Articles on the theme that are new since the analysis published at `since`: the same
        definition the follow-up digest uses (storage.digests.NEW_SINCE_ANALYSIS)."""
        return await self.store.call(digests_sql.related, to_db(since) or "", slug=slug, limit=limit)

    async def preview(self, title: str, text: str, *, url: str | None = None, author: str | None = None,
                      published: datetime | None = None) -> Article:
        """Analyse without storing (a reader's /summary of an outside URL must not enter the
        channel's articles and digests)."""
        analysis = await self.engine.analyze(title, text)
        data = analysis.to_dict(url or title)
        if abstract := await self._abstract(title, text, content_hash(f"{title}\n{text}")):
            data["abstract"] = abstract
        return Article(id=0, title=title, text=text, kind="preview", url=url, author=author, published=published,
                       tldr=analysis.tldr, analysis=data)

    async def add(
        self, title: str, text: str, *, kind: str, url: str | None = None, author: str | None = None,
        channel: str | None = None, published: datetime | None = None, external_id: str | None = None,
        source_id: int | None = None, backfill: bool = False,
    ) -> tuple[Article, str]:
        """Analyse and store one article; returns it with "new" | "updated" | "unchanged".

        `backfill` marks a source's back catalogue: searchable, but never "new" in digests.
        Text already stored as it is returns "unchanged" before any analysis: polls and re-runs
        see the same items again and again (bench/bench_ingest.py)."""
        digest = content_hash(f"{title}\n{text}")
        existing = await self.store.call(articles_sql.find_existing, url=url, external_id=external_id,
                                         content_hash=digest)
        if articles_sql.is_unchanged(existing, title, digest):
            return existing, "unchanged"
        analysis = await self.engine.analyze(title, text)
        data = analysis.to_dict(url or title)
        tldr = analysis.tldr
        if not text.strip():  # a headline: no tl;dr to show (it would only repeat the title)
            data["summary"], data["tldr"], tldr = [], "", ""
        elif abstract := await self._abstract(title, text, digest):
            data["abstract"] = abstract
        lemmas = await self.engine.lemmas(f"{title}\n{text}")
        lemmas += await asyncio.to_thread(name_terms, f"{title}\n{text}")
        now = self.clock.iso()
        row = {
            "url": url, "title": title, "text": text, "author": author, "channel": channel,
            "published": to_db(published), "source_id": source_id, "kind": kind, "external_id": external_id,
            "content_hash": digest, "tldr": tldr,
            "analysis": json.dumps(data, ensure_ascii=False), "search_lemmas": " ".join(lemmas),
            "search_version": INDEX_VERSION,
            "created_at": now, "updated_at": now, "backfill": int(backfill),
        }
        themes = [(t.slug, float(t.score)) for t in analysis.themes]
        article_id, status = await self.store.call(articles_sql.save, row, themes)
        article = await self.get(article_id)
        assert article is not None
        return article, status
