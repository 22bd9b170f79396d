"""SQL for the `posts` table: admin drafts, scheduled and sent channel posts."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

Row = dict[str, Any]


def create(db: Database, *, admin_id: int, chat_id: int, target: str, text: str, now: str,
           state: str = "draft", scheduled_at: str | None = None) -> int:
    row = {"admin_id": admin_id, "chat_id": chat_id, "target": target, "text": text, "state": state,
           "scheduled_at": scheduled_at, "created_at": now, "updated_at": now}
    return int(db["posts"].insert(row).last_pk)


def get(db: Database, post_id: int) -> Row | None:
    try:
        return db["posts"].get(post_id)
    except NotFoundError:
        return None


def update(db: Database, post_id: int, now: str, **fields: Any) -> None:
    db["posts"].update(post_id, {**fields, "updated_at": now})


def transition(db: Database, post_id: int, from_state: str, to_state: str, now: str) -> bool:
    """Atomically move a post between states; False when another press got there first."""
    cur = db.execute(
        "update posts set state = ?, updated_at = ? where id = ? and state = ?",
        [to_state, now, post_id, from_state],
    )
    db.conn.commit()
    return cur.rowcount == 1


def with_state(db: Database, state: str, limit: int = 50) -> list[Row]:
    return list(db["posts"].rows_where("state = ?", [state], order_by="coalesce(scheduled_at, created_at), id", limit=limit))


def latest_draft(db: Database, admin_id: int, since: str) -> Row | None:
    rows = list(db["posts"].rows_where("admin_id = ? and state = 'draft' and created_at >= ?", [admin_id, since],
                                       order_by="id desc", limit=1))
    return rows[0] if rows else None


def due(db: Database, now: str) -> list[Row]:
    return list(db["posts"].rows_where("state = 'scheduled' and scheduled_at <= ?", [now], order_by="scheduled_at, id"))


def requeue_sending(db: Database, now: str) -> int:
    cur = db.execute(
        "update posts set state = 'scheduled', scheduled_at = coalesce(scheduled_at, ?), updated_at = ? "
        "where state = 'sending'", [now, now])
    db.conn.commit()
    return cur.rowcount
