"""SQL for digest composition: articles in a window with their themes, and the windows sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from storage.db import reads
from storage.rows import Article, DigestRow, DigestWindow
from storage.timeutil import from_db

Row = dict[str, Any]


NEW_SINCE_ANALYSIS = "a.kind != 'anchor' and a.backfill = 0 and coalesce(a.published, a.created_at) > ?"
"""What "new since the analysis" means, for the follow-up digest and the theme cards alike: any
article but an anchor or a source's back catalogue, dated (published, else received) after the
analysis."""

_THEMES = ("(select group_concat(slug, ' ') from (select slug from article_themes t where t.article_id = a.id "
           "order by t.score desc)) as slugs")


@reads
def articles_between(db: Database, start: str | None, end: str, *, limit: int = 200) -> list[DigestRow]:
    """Non-anchor, non-backfill articles that arrived in (start, end] (personal digests: what the
    subscriber has not been sent), newest first, each with `slugs`: its theme slugs by score."""
    sql = (f"select a.id, a.url, a.title, a.tldr, a.published, a.created_at, a.channel, a.search_lemmas, {_THEMES} "
           "from articles a "
           "where a.kind != 'anchor' and a.backfill = 0 and a.created_at <= ? ")
    params: list[Any] = [end]
    if start:
        sql += "and a.created_at > ? "
        params.append(start)
    sql += "order by a.created_at desc, a.id desc limit ?"
    params.append(limit)
    return [DigestRow.from_row(r) for r in db.query(sql, params)]


@reads
def new_since_analysis(db: Database, analysis_date: str, *, start: str | None = None, until: str | None = None,
                       slug: str | None = None, limit: int = 200) -> list[DigestRow]:
    """Articles new since the analysis (NEW_SINCE_ANALYSIS), newest first, each with `slugs`.

    With `until`, only those dated and received by then; with `start` (the previous follow-up's
    end), only those dated or received after it. Dated-or-received: an article that arrives late
    (dated before the previous follow-up, received after it) goes into the next one instead of
    none, and nothing is listed twice. With `slug`, only articles on that theme."""
    rows = _new_since_analysis(db, analysis_date, start=start, until=until, slug=slug, limit=limit)
    return [DigestRow.from_row(r) for r in rows]


def _new_since_analysis(db: Database, analysis_date: str, *, start: str | None = None, until: str | None = None,
                        slug: str | None = None, limit: int = 200) -> list[Row]:
    sql = f"select a.*, {_THEMES} from articles a where {NEW_SINCE_ANALYSIS} "
    params: list[Any] = [analysis_date]
    if until:
        sql += "and coalesce(a.published, a.created_at) <= ? and a.created_at <= ? "
        params += [until, until]
    if start:
        sql += "and (coalesce(a.published, a.created_at) > ? or a.created_at > ?) "
        params += [start, start]
    if slug:
        sql += "and exists (select 1 from article_themes t where t.article_id = a.id and t.slug = ?) "
        params.append(slug)
    sql += "order by coalesce(a.published, a.created_at) desc, a.id desc limit ?"
    params.append(limit)
    return list(db.query(sql, params))


@reads
def related(db: Database, analysis_date: str, *, slug: str, limit: int) -> list[Article]:
    """Articles on `slug` new since the analysis: what a theme card lists under "since then"."""
    return [Article.from_row(r) for r in _new_since_analysis(db, analysis_date, slug=slug, limit=limit)]


def schedule_start(db: Database, kind: str, now: str, *, record: bool = True) -> datetime:
    """When the `kind` schedule was first switched on: set to `now` on the first call (unless
    `record` is off, as on a dry run: then `now` is only returned)."""
    if record:
        db.execute("insert or ignore into schedule_starts (kind, started_at) values (?, ?)", [kind, now])
    row = db.execute("select started_at from schedule_starts where kind = ?", [kind]).fetchone()
    started = from_db(row[0] if row else now)
    assert started is not None
    return started


def record_window(db: Database, *, kind: str, recipient: str, start: str | None, end: str, articles: int, now: str) -> bool:
    """True if this (kind, recipient, end) window is new; False if it was already recorded."""
    key = f"{kind}:{recipient}:{end}"
    cur = db.execute(
        "insert or ignore into digest_windows (key, kind, recipient, window_start, window_end, articles, created_at) "
        "values (?, ?, ?, ?, ?, ?, ?)",
        [key, kind, recipient, start, end, articles, now],
    )
    return cur.rowcount == 1


@reads
def last_window_end(db: Database, kind: str, recipient: str) -> datetime | None:
    row = db.execute(
        "select max(window_end) from digest_windows where kind = ? and recipient = ?", [kind, recipient]
    ).fetchone()
    return from_db(row[0]) if row else None


@reads
def recent_windows(db: Database, limit: int = 5) -> list[DigestWindow]:
    return [DigestWindow.from_row(r) for r in db["digest_windows"].rows_where(order_by="created_at desc", limit=limit)]
