"""SQL for `subscriptions`: who gets which digest, when, about what."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

Row = dict[str, Any]


def _decode(row: Row) -> Row:
    row = dict(row)
    row["themes"] = json.loads(row["themes"]) if row.get("themes") else None
    return row


def get(db: Database, chat_id: int) -> Row | None:
    try:
        return _decode(db["subscriptions"].get(chat_id))
    except NotFoundError:
        return None


def subscribe(db: Database, chat_id: int, defaults: Row, now: str) -> tuple[Row, str]:
    """Activate; an earlier subscription comes back with its settings. Returns (row, state):
    "new", "restored" (was inactive) or "already" (was active: nothing changed)."""
    with db.atomic():
        existing = get(db, chat_id)
        if existing is not None:
            # Written even when already active: /subscribe is a write the user asked for, and a
            # database that refuses writes must say so every time, not only on the first try.
            db["subscriptions"].update(chat_id, {"active": 1, "updated_at": now})
            state = "already" if existing["active"] else "restored"
        else:
            db["subscriptions"].insert({**defaults, "chat_id": chat_id, "active": 1, "last_slot": now,
                                        "last_sent_end": now, "created_at": now, "updated_at": now})
            state = "new"
    row = get(db, chat_id)
    assert row is not None
    return row, state


def unsubscribe(db: Database, chat_id: int, now: str) -> bool:
    existing = get(db, chat_id)
    if existing is None or not existing["active"]:
        return False
    db["subscriptions"].update(chat_id, {"active": 0, "updated_at": now})
    return True


def update(db: Database, chat_id: int, now: str, **fields: Any) -> Row | None:
    if "themes" in fields:
        fields["themes"] = None if fields["themes"] is None else json.dumps(sorted(fields["themes"]))
    db["subscriptions"].update(chat_id, {**fields, "updated_at": now})
    return get(db, chat_id)


def scheduled(db: Database) -> list[Row]:
    """Active subscriptions of active chats with a personal schedule."""
    sql = (
        "select s.*, c.language as language from subscriptions s join chats c on c.id = s.chat_id "
        "where s.active = 1 and c.active = 1 and s.frequency != 'off'"
    )
    return [_decode(r) for r in db.query(sql)]


def followup_recipients(db: Database) -> list[Row]:
    sql = (
        "select s.chat_id, c.language as language from subscriptions s join chats c on c.id = s.chat_id "
        "where s.active = 1 and c.active = 1 and s.followups = 1 order by s.chat_id"
    )
    return list(db.query(sql))


def mark_slots(db: Database, marks: list[tuple[int, str, str | None]], now: str) -> None:
    """After a tick: every handled slot, and the windows actually sent (recorded in
    `digest_windows` too), in one transaction for thousands of rows."""
    with db.atomic():
        db.conn.executemany(
            "insert or ignore into digest_windows (key, kind, recipient, window_start, window_end, created_at) "
            "select 'personal:' || chat_id || ':' || ?, 'personal', chat_id, last_sent_end, ?, ? "
            "from subscriptions where chat_id = ?",
            [(e, e, now, c) for c, _, e in marks if e is not None],
        )
        db.conn.executemany("update subscriptions set last_slot = ? where chat_id = ?", [(s, c) for c, s, _ in marks])
        db.conn.executemany(
            "update subscriptions set last_sent_end = ? where chat_id = ?",
            [(e, c) for c, _, e in marks if e is not None],
        )


def counts(db: Database) -> Row:
    sql = (
        "select sum(s.active = 1 and c.active = 1) as active, sum(s.active = 0 or c.active = 0) as inactive, "
        "sum(s.active = 1 and s.frequency = 'daily') as daily, sum(s.active = 1 and s.frequency = 'weekly') as weekly, "
        "sum(s.active = 1 and s.frequency = 'off') as off from subscriptions s left join chats c on c.id = s.chat_id"
    )
    return dict(next(iter(db.query(sql))))
