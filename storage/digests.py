"""SQL for digest composition: articles in a window with their themes, and the windows sent."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

Row = dict[str, Any]


def articles_between(db: Database, start: str | None, end: str, *, published_after: str | None = None,
                     limit: int = 200) -> list[Row]:
    """Non-anchor articles that arrived in (start, end] (optionally only those published after a
    date), newest first, each with `slugs`: its theme slugs by score."""
    column = "a.created_at"
    sql = (
        f"select a.id, a.url, a.title, a.tldr, a.published, a.created_at, "
        f"(select group_concat(slug, ' ') from (select slug from article_themes t where t.article_id = a.id "
        f"order by t.score desc)) as slugs "
        f"from articles a where a.kind != 'anchor' and a.backfill = 0 and {column} <= ? "
    )
    params: list[Any] = [end]
    if start:
        sql += f"and {column} > ? "
        params.append(start)
    if published_after:
        sql += "and coalesce(a.published, a.created_at) >= ? "
        params.append(published_after)
    sql += f"order by {column} desc, a.id desc limit ?"
    params.append(limit)
    rows = []
    for r in db.query(sql, params):
        r = dict(r)
        r["slugs"] = r["slugs"].split() if r["slugs"] else []
        rows.append(r)
    return rows


def record_window(db: Database, *, kind: str, recipient: str, start: str | None, end: str, articles: int, now: str) -> bool:
    """True if this (kind, recipient, end) window is new; False if it was already recorded."""
    key = f"{kind}:{recipient}:{end}"
    cur = db.execute(
        "insert or ignore into digest_windows (key, kind, recipient, window_start, window_end, articles, created_at) "
        "values (?, ?, ?, ?, ?, ?, ?)",
        [key, kind, recipient, start, end, articles, now],
    )
    db.conn.commit()
    return cur.rowcount == 1


def last_window_end(db: Database, kind: str, recipient: str) -> str | None:
    row = db.execute(
        "select max(window_end) from digest_windows where kind = ? and recipient = ?", [kind, recipient]
    ).fetchone()
    return row[0] if row else None


def recent_windows(db: Database, limit: int = 5) -> list[Row]:
    return list(db["digest_windows"].rows_where(order_by="created_at desc", limit=limit))
