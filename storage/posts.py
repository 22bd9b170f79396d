"""SQL for the `posts` table: admin drafts and channel posts.

A post row holds what to send (content, options) and, once published, where it went (message
ids). Sending itself is an outbox row referencing the post (`payload.post_id`), so pacing,
retries and crash recovery are the outbox's; `state` here only says what the admin decided
(draft → queued → sent | failed, or cancelled) and what became of the post (deleted).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from storage import outbox as outbox_sql
from storage.db import reads
from storage.rows import PostRow

Row = dict[str, Any]


def _first(rows: Iterable[Row]) -> PostRow | None:
    return next((PostRow.from_row(r) for r in rows), None)


def _all(rows: Iterable[Row]) -> list[PostRow]:
    return [PostRow.from_row(r) for r in rows]


def create(db: Database, *, admin_id: int, chat_id: int, target: str, content: str, options: str, now: str,
           job_id: int, text: str = "", scheduled_at: str | None = None, media_group_id: str | None = None) -> int:
    """`text` is the plain text or caption, for lists (/queue) and the sqlite shell."""
    row = {"admin_id": admin_id, "chat_id": chat_id, "target": target, "text": text, "content": content,
           "options": options, "state": "draft", "scheduled_at": scheduled_at, "job_id": job_id,
           "media_group_id": media_group_id, "created_at": now, "updated_at": now}
    return int(db["posts"].insert(row).last_pk)


@reads
def get(db: Database, post_id: int) -> PostRow | None:
    try:
        return PostRow.from_row(db["posts"].get(post_id))
    except (NotFoundError, OverflowError):
        return None


@reads
def by_job(db: Database, job_id: int) -> PostRow | None:
    return _first(db["posts"].rows_where("job_id = ?", [job_id], limit=1))


def update(db: Database, post_id: int, now: str, **fields: Any) -> None:
    db["posts"].update(post_id, {**fields, "updated_at": now})


def transition(db: Database, post_id: int, from_state: str, to_state: str, now: str) -> bool:
    """Atomically move a post between states; False when another press got there first."""
    cur = db.execute("update posts set state = ?, updated_at = ? where id = ? and state = ?",
                     [to_state, now, post_id, from_state])
    return cur.rowcount == 1


def mark_notified(db: Database, post_id: int) -> bool:
    """True for the one caller that gets to tell the admin the post went out."""
    cur = db.execute("update posts set notified = 1 where id = ? and notified = 0", [post_id])
    return cur.rowcount == 1


def add_album_item(db: Database, *, admin_id: int, chat_id: int, target: str, group: str, item: dict[str, Any],
                   order: int, now: str, job_kind: str, options: str) -> tuple[int, bool]:
    """Gather one album item into the admin's draft for that media group: (post id, created).

    Album items arrive as separate updates handled concurrently; one transaction per item on the
    one writer thread keeps them in one draft, in message order. The first item also creates
    the draft's outbox job (state `draft`), which confirming starts exactly once.
    """
    rows = list(db["posts"].rows_where("admin_id = ? and media_group_id = ? and state = 'draft'",
                                       [admin_id, group], limit=1))
    if not rows:
        job_id = outbox_sql.create_job(db, kind=job_kind, state="draft", now=now, created_by=admin_id)
        content = json.dumps({"text": "", "entities": [], "media": [{**item, "order": order}]}, ensure_ascii=False)
        return create(db, admin_id=admin_id, chat_id=chat_id, target=target, content=content, options=options,
                      now=now, job_id=job_id, media_group_id=group, text=item.get("caption", "")), True
    row = rows[0]
    content = json.loads(row["content"])
    content["media"] = sorted([*content["media"], {**item, "order": order}], key=lambda m: m.get("order", 0))
    text = next((m["caption"] for m in content["media"] if m.get("caption")), "")
    db["posts"].update(row["id"], {"content": json.dumps(content, ensure_ascii=False), "text": text,
                                   "updated_at": now})
    return int(row["id"]), False


@reads
def with_state(db: Database, state: str, limit: int = 50) -> list[PostRow]:
    return _all(db["posts"].rows_where("state = ?", [state], order_by="coalesce(scheduled_at, created_at), id",
                                       limit=limit))


@reads
def latest_draft(db: Database, admin_id: int, since: str) -> PostRow | None:
    return _first(db["posts"].rows_where("admin_id = ? and state = 'draft' and created_at >= ?", [admin_id, since],
                                         order_by="id desc", limit=1))


@reads
def pending_edit(db: Database, admin_id: int, since: str) -> PostRow | None:
    """The published post this admin pressed "Изменить" on, if recently."""
    return _first(db["posts"].rows_where("edit_requested_by = ? and edit_requested_at >= ? and state = 'sent'",
                                         [admin_id, since], order_by="edit_requested_at desc", limit=1))


@reads
def unsettled(db: Database) -> list[PostRow]:
    """Confirmed posts whose outcome the admin has not been told yet (resumed after a restart)."""
    return _all(db["posts"].rows_where("state in ('queued', 'sent', 'failed') and notified = 0", order_by="id"))


def begin_send(db: Database, post_id: int, now: str) -> int:
    """Count a send attempt before the API call; returns the count (2+ means an earlier attempt
    was cut off or failed, and Telegram may have taken it: the admin is told to check)."""
    db.execute("update posts set send_attempts = send_attempts + 1, updated_at = ? where id = ?", [now, post_id])
    return int(db.execute("select send_attempts from posts where id = ?", [post_id]).fetchone()[0])
