"""SQL for the `articles` table and its FTS index."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from storage.db import reads
from storage.rows import Article, SearchText

Row = dict[str, Any]


def _first(db: Database, column: str, value: object) -> Row | None:
    rows = list(db["articles"].rows_where(f"{column} = ?", [value], limit=1))
    return rows[0] if rows else None


def _find(db: Database, *, url: str | None, external_id: str | None, content_hash: str) -> Row | None:
    """The stored article this one is: same canonical URL, else external id, else text."""
    existing = _first(db, "url", url) if url else None
    if existing is None and external_id:
        existing = _first(db, "external_id", external_id)
    return existing or _first(db, "content_hash", content_hash)


def _article(row: Row | None) -> Article | None:
    return Article.from_row(row) if row else None


@reads
def get(db: Database, article_id: int) -> Article | None:
    try:
        return Article.from_row(db["articles"].get(article_id))
    except NotFoundError:
        return None


@reads
def by_url(db: Database, url: str) -> Article | None:
    return _article(_first(db, "url", url))


@reads
def by_hash(db: Database, content_hash: str) -> Article | None:
    return _article(_first(db, "content_hash", content_hash))


@reads
def latest(db: Database, limit: int = 5, *, exclude_kind: str | None = "anchor") -> list[Article]:
    where = "kind != ?" if exclude_kind else None
    params = [exclude_kind] if exclude_kind else None
    order = "coalesce(published, created_at) desc, id desc"
    return [Article.from_row(r) for r in db["articles"].rows_where(where, params, order_by=order, limit=limit)]


@reads
def find_existing(db: Database, *, url: str | None, external_id: str | None, content_hash: str) -> Article | None:
    """The stored article this one is: same canonical URL, else external id, else text."""
    return _article(_find(db, url=url, external_id=external_id, content_hash=content_hash))


def is_unchanged(existing: Article | None, title: str, content_hash: str) -> bool:
    return existing is not None and existing.content_hash == content_hash and existing.title == title


def save(db: Database, row: Row, themes: list[tuple[str, float]]) -> tuple[int, str]:
    """Insert or update one article and its theme scores in one transaction.

    Identity is the canonical URL, else the external id, else the content hash, so the same
    article arriving by two routes stays one row. Returns (id, "new" | "updated" | "unchanged").
    """
    existing = _find(db, url=row.get("url"), external_id=row.get("external_id"), content_hash=row["content_hash"])
    if existing is not None:
        if existing["content_hash"] == row["content_hash"] and existing["title"] == row["title"]:
            return existing["id"], "unchanged"
        update = {k: v for k, v in row.items() if k not in ("created_at", "id", "backfill") and v is not None}
        # A stored date is never overwritten by a re-parsed one (sources give relative dates).
        if existing.get("published"):
            update.pop("published", None)
        db["articles"].update(existing["id"], update)
        article_id, status = existing["id"], "updated"
    else:
        article_id = db["articles"].insert(row).last_pk
        status = "new"
    db["article_themes"].delete_where("article_id = ?", [article_id])
    db["article_themes"].insert_all(
        [{"article_id": article_id, "slug": slug, "score": score} for slug, score in themes]
    )
    return int(article_id), status


@reads
def search(db: Database, match_query: str, limit: int = 10) -> list[Article]:
    """FTS5 match over title and lemmas; `match_query` is already built from lemmas by the caller."""
    sql = (
        "select articles.*, bm25(articles_fts) as rank from articles_fts "
        "join articles on articles.rowid = articles_fts.rowid "
        "where articles_fts match ? order by rank limit ?"
    )
    return [Article.from_row(r) for r in db.query(sql, [match_query, limit])]


@reads
def stale_search_terms(db: Database, version: int, limit: int = 200) -> list[SearchText]:
    """Articles whose search terms predate indexing `version`."""
    sql = "select id, title, text, search_lemmas from articles where search_version < ? order by id limit ?"
    return [SearchText.from_row(r) for r in db.query(sql, [version, limit])]


def set_search_terms(db: Database, updates: list[tuple[int, str]], version: int) -> None:
    for article_id, terms in updates:
        db.execute("update articles set search_lemmas = ?, search_version = ? where id = ?",
                   [terms, version, article_id])


@reads
def counts_by_kind(db: Database) -> list[tuple[str, int]]:
    """(kind, articles), most first."""
    sql = "select kind, count(*) as n from articles group by kind order by n desc"
    return [(r["kind"], r["n"]) for r in db.query(sql)]


@reads
def counts_by_theme(db: Database) -> list[tuple[str, int]]:
    """(theme slug, articles other than anchors), most first."""
    return [(r["slug"], r["n"]) for r in db.query(
        "select t.slug, count(*) as n from article_themes t join articles a on a.id = t.article_id "
        "where a.kind != 'anchor' group by t.slug order by n desc")]


def mark_as_anchor(db: Database, article_id: int, themes: list[dict[str, Any]]) -> None:
    """An article an admin made an anchor: shown as the analysis it is (never as news in digests),
    its themes the confirmed ones, each with the claims the admin kept as its sentences — it was
    analysed before those themes existed, and its cards and follow-ups quote them."""
    article = get(db, article_id)
    if article is None:
        return
    analysis = dict(article.analysis)
    analysis["themes"] = [{"slug": t["slug"], "title": t.get("title", ""), "score": 1.0,
                           "sentences": list(t.get("claims", [])), "keywords": list(t.get("keywords", []))[:8]}
                          for t in themes]
    db["articles"].update(article_id, {"kind": "anchor", "analysis": json.dumps(analysis, ensure_ascii=False)})
    db["article_themes"].delete_where("article_id = ?", [article_id])
    db["article_themes"].insert_all([{"article_id": article_id, "slug": t["slug"], "score": 1.0} for t in themes])
