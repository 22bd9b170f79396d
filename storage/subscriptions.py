"""SQL for `subscriptions`: who gets which digest, when, about what.

A subscription is a chat (thread 0) or one topic of a forum chat (its message_thread_id)."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from storage.db import reads
from storage.rows import SubscriberCounts, Subscription

Row = dict[str, Any]


@reads
def get(db: Database, chat_id: int, thread: int = 0) -> Subscription | None:
    try:
        return Subscription.from_row(db["subscriptions"].get((chat_id, thread)))
    except NotFoundError:
        return None


def subscribe(db: Database, chat_id: int, defaults: Row, now: str, thread: int = 0) -> tuple[Subscription, str]:
    """Activate; an earlier subscription comes back with its settings. Returns (row, state):
    "new", "restored" (was inactive) or "already" (was active: nothing changed)."""
    existing = get(db, chat_id, thread)
    if existing is not None:
        # Written even when already active: /subscribe is a write the user asked for, and a
        # database that refuses writes must say so every time, not only on the first try.
        db["subscriptions"].update((chat_id, thread), {"active": 1, "updated_at": now})
        state = "already" if existing.active else "restored"
    else:
        db["subscriptions"].insert({**defaults, "chat_id": chat_id, "thread_id": thread, "active": 1, "last_slot": now,
                                    "last_sent_end": now, "created_at": now, "updated_at": now})
        state = "new"
    row = get(db, chat_id, thread)
    assert row is not None
    return row, state


def unsubscribe(db: Database, chat_id: int, now: str, thread: int = 0) -> bool:
    """Also how a dead forum topic's subscription ends (the chat itself stays active)."""
    existing = get(db, chat_id, thread)
    if existing is None or not existing.active:
        return False
    db["subscriptions"].update((chat_id, thread), {"active": 0, "updated_at": now})
    return True


def update(db: Database, chat_id: int, now: str, *, thread: int = 0, **fields: Any) -> Subscription | None:
    if "themes" in fields:
        fields["themes"] = None if fields["themes"] is None else json.dumps(sorted(fields["themes"]))
    db["subscriptions"].update((chat_id, thread), {**fields, "updated_at": now})
    return get(db, chat_id, thread)


@reads
def scheduled(db: Database) -> list[Subscription]:
    """Active subscriptions of active chats with a personal schedule, with their chat's language."""
    sql = (
        "select s.*, c.language as language from subscriptions s join chats c on c.id = s.chat_id "
        "where s.active = 1 and c.active = 1 and s.frequency != 'off'"
    )
    return [Subscription.from_row(r) for r in db.query(sql)]


@reads
def followup_recipients(db: Database) -> list[tuple[int, int, str | None]]:
    """Who opted in to follow-ups, as (chat, forum topic or 0, the chat's language)."""
    sql = (
        "select s.chat_id, s.thread_id, c.language as language from subscriptions s join chats c on c.id = s.chat_id "
        "where s.active = 1 and c.active = 1 and s.followups = 1 order by s.chat_id, s.thread_id"
    )
    return [(r["chat_id"], r["thread_id"], r["language"]) for r in db.query(sql)]


def recipient(chat_id: int, thread: int = 0) -> str:
    """How digest windows and outbox keys name a subscription: the chat id, "/thread" for a topic."""
    return f"{chat_id}/{thread}" if thread else str(chat_id)


def mark_slots(db: Database, marks: list[tuple[int, int, str, str | None]], now: str) -> None:
    """After a tick: every handled slot (chat, thread, slot, window end sent or None), and the
    windows actually sent (recorded in `digest_windows` too), in one transaction for thousands of rows."""
    db.conn.executemany(
        "insert or ignore into digest_windows (key, kind, recipient, window_start, window_end, created_at) "
        "select 'personal:' || ? || ':' || ?, 'personal', ?, last_sent_end, ?, ? "
        "from subscriptions where chat_id = ? and thread_id = ?",
        [(recipient(c, t), e, recipient(c, t), e, now, c, t) for c, t, _, e in marks if e is not None],
    )
    db.conn.executemany("update subscriptions set last_slot = ? where chat_id = ? and thread_id = ?",
                        [(s, c, t) for c, t, s, _ in marks])
    db.conn.executemany(
        "update subscriptions set last_sent_end = ? where chat_id = ? and thread_id = ?",
        [(e, c, t) for c, t, _, e in marks if e is not None],
    )


@reads
def counts(db: Database) -> SubscriberCounts:
    sql = (
        "select sum(s.active = 1 and c.active = 1) as active, sum(s.active = 0 or c.active = 0) as inactive, "
        "sum(s.active = 1 and s.frequency = 'daily') as daily, sum(s.active = 1 and s.frequency = 'weekly') as weekly, "
        "sum(s.active = 1 and s.frequency = 'off') as off from subscriptions s left join chats c on c.id = s.chat_id"
    )
    return SubscriberCounts.from_row(next(iter(db.query(sql))))
