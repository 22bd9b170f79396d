"""SQL for anchors and their theme catalog (`anchors`, `themes`): the catalog is data, not code."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from storage import articles as articles_sql
from storage.db import reads
from storage.rows import Anchor, AnchorProposal, Theme

Row = dict[str, Any]


@reads
def anchor_by_slug(db: Database, slug: str) -> Anchor | None:
    rows = list(db["anchors"].rows_where("slug = ?", [slug], limit=1))
    return Anchor.from_row(rows[0]) if rows else None


@reads
def anchors(db: Database) -> list[Anchor]:
    return [Anchor.from_row(r) for r in db["anchors"].rows_where(order_by="position, id")]


def add_anchor(db: Database, slug: str, article_id: int, title: str, themes: list[dict[str, Any]]) -> int:
    """Register an anchor with its themes; themes already known keep their stored (edited) data."""
    position = db.execute("select coalesce(max(position), -1) + 1 from anchors").fetchone()[0]
    anchor_id = db["anchors"].insert(
        {"slug": slug, "article_id": article_id, "title": title, "position": position}
    ).last_pk
    db["themes"].insert_all(
        [
            {"slug": t["slug"], "anchor_id": anchor_id, "position": i, "data": json.dumps(t, ensure_ascii=False)}
            for i, t in enumerate(themes)
        ],
        ignore=True,
    )
    return int(anchor_id)


@reads
def themes(db: Database, anchor_id: int | None = None) -> list[Theme]:
    """Themes in catalog order (all anchors, or one)."""
    where, params = ("anchor_id = ?", [anchor_id]) if anchor_id is not None else (None, None)
    return [Theme.from_row(r) for r in db["themes"].rows_where(where, params, order_by="anchor_id, position")]


@reads
def theme_anchor(db: Database, slug: str) -> int | None:
    rows = list(db["themes"].rows_where("slug = ?", [slug], limit=1))
    return rows[0]["anchor_id"] if rows else None


@reads
def theme_slugs(db: Database) -> set[str]:
    """Every theme slug of every anchor: a new anchor's slugs must not collide with any."""
    return {r["slug"] for r in db.query("select slug from themes")}


def add_proposal(db: Database, *, admin_id: int, chat_id: int, article_id: int, title: str,
                 themes: list[dict[str, Any]], now: str) -> int:
    return int(db["anchor_proposals"].insert({
        "admin_id": admin_id, "chat_id": chat_id, "article_id": article_id, "title": title,
        "themes": json.dumps(themes, ensure_ascii=False), "state": "open", "awaiting": None, "awaiting_by": None,
        "created_at": now, "updated_at": now,
    }).last_pk)


@reads
def proposal(db: Database, proposal_id: int) -> AnchorProposal | None:
    rows = list(db["anchor_proposals"].rows_where("id = ?", [proposal_id], limit=1))
    return AnchorProposal.from_row(rows[0]) if rows else None


@reads
def awaiting_title(db: Database, admin_id: int) -> AnchorProposal | None:
    """The open proposal whose theme awaits a new title from this admin (the newest, if several)."""
    rows = list(db["anchor_proposals"].rows_where(
        "awaiting_by = ? and state = 'open' and awaiting is not null", [admin_id], order_by="updated_at desc, id desc",
        limit=1))
    return AnchorProposal.from_row(rows[0]) if rows else None


def update_proposal(db: Database, proposal_id: int, *, themes: list[dict[str, Any]], awaiting: int | None,
                    awaiting_by: int | None, now: str) -> bool:
    """Replace an open proposal's themes (after a rename, drop or merge) and what it awaits;
    False once it is closed."""
    cur = db.execute(
        "update anchor_proposals set themes = ?, awaiting = ?, awaiting_by = ?, updated_at = ? "
        "where id = ? and state = 'open'",
        [json.dumps(themes, ensure_ascii=False), awaiting, awaiting_by, now, proposal_id])
    return cur.rowcount == 1


def close_proposal(db: Database, proposal_id: int, now: str) -> bool:
    cur = db.execute("update anchor_proposals set state = 'cancelled', awaiting = null, awaiting_by = null, "
                     "updated_at = ? "
                     "where id = ? and state = 'open'", [now, proposal_id])
    return cur.rowcount == 1


def confirm_proposal(db: Database, proposal_id: int, *, slug: str, title: str, themes: list[dict[str, Any]],
                     now: str) -> int | None:
    """Make an open proposal an anchor with its themes, in one transaction; None when it was
    already confirmed or cancelled (a second press of "confirm" adds nothing)."""
    draft = proposal(db, proposal_id)
    if draft is None or draft.state != "open":
        return None
    anchor_id = add_anchor(db, slug, draft.article_id, title, themes)
    db.execute("update anchors set followup_cron = ?, followup_since = ? where id = ?",
               [draft.followup_cron, now, anchor_id])
    articles_sql.mark_as_anchor(db, draft.article_id, themes)
    db.execute("update anchor_proposals set state = 'confirmed', awaiting = null, awaiting_by = null, "
               "anchor_id = ?, updated_at = ? "
               "where id = ?", [anchor_id, now, proposal_id])
    return anchor_id


def set_proposal_schedule(db: Database, proposal_id: int, followup_cron: str | None, now: str) -> bool:
    """The follow-up schedule an open proposal's anchor will get (None: FOLLOWUP_CRON); the
    awaited answer is given. False once the proposal is closed."""
    cur = db.execute("update anchor_proposals set followup_cron = ?, awaiting = null, awaiting_by = null, "
                     "updated_at = ? where id = ? and state = 'open'", [followup_cron, now, proposal_id])
    return cur.rowcount == 1


def set_anchor_schedule(db: Database, anchor_id: int, followup_cron: str | None, since: str) -> bool:
    """An anchor's follow-up schedule (None: FOLLOWUP_CRON), in effect from `since`."""
    cur = db.execute("update anchors set followup_cron = ?, followup_since = ? where id = ?",
                     [followup_cron, since, anchor_id])
    return cur.rowcount == 1
