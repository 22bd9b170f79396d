"""SQL for anchors and their theme catalog (`anchors`, `themes`): the catalog is data, not code."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

Row = dict[str, Any]


def anchor_by_slug(db: Database, slug: str) -> Row | None:
    rows = list(db["anchors"].rows_where("slug = ?", [slug], limit=1))
    return rows[0] if rows else None


def anchors(db: Database) -> list[Row]:
    return list(db["anchors"].rows_where(order_by="position, id"))


def add_anchor(db: Database, slug: str, article_id: int, title: str, themes: list[dict[str, Any]]) -> int:
    """Register an anchor with its themes; themes already known keep their stored (edited) data."""
    with db.atomic():
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


def themes(db: Database, anchor_id: int | None = None) -> list[dict[str, Any]]:
    """Theme dicts in catalog order (all anchors, or one)."""
    where, params = ("anchor_id = ?", [anchor_id]) if anchor_id is not None else (None, None)
    return [json.loads(r["data"]) for r in db["themes"].rows_where(where, params, order_by="anchor_id, position")]


def theme_anchor(db: Database, slug: str) -> int | None:
    rows = list(db["themes"].rows_where("slug = ?", [slug], limit=1))
    return rows[0]["anchor_id"] if rows else None
