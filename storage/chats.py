"""SQL for the `chats` table: every chat the bot has talked to, and whether it still may."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from storage.db import reads
from storage.rows import Chat


def _record(chat: dict[str, Any], now: str) -> dict[str, Any]:
    return {"id": chat["id"], "type": chat.get("type"), "title": chat.get("title"), "username": chat.get("username"),
            "language": chat.get("language"), "active": 1, "updated_at": now}


def _changes(known: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None and k != "updated_at" and known.get(k) != v}


@reads
def is_known(db: Database, chat: dict[str, Any]) -> bool:
    """True when the chat is stored, active, exactly as Telegram describes it now: `remember` has
    nothing to do. Asked first on every update, on a reader, so most updates queue no write (and
    none waits behind a long one, nor is refused by a read-only disk)."""
    try:
        known = db["chats"].get(chat["id"])
    except NotFoundError:
        return False
    return not _changes(known, _record(chat, ""))


def remember(db: Database, chat: dict[str, Any], now: str) -> None:
    """Upsert what Telegram told us about a chat; a chat that writes to us is active again."""
    record = _record(chat, now)
    try:
        known = db["chats"].get(chat["id"])
    except NotFoundError:
        db["chats"].insert({**record, "created_at": now})
        return
    if changes := _changes(known, record):
        db["chats"].update(chat["id"], {**changes, "updated_at": now})


def _row(db: Database, chat_id: int) -> dict[str, Any] | None:
    try:
        return db["chats"].get(chat_id)
    except NotFoundError:
        return None


@reads
def get(db: Database, chat_id: int) -> Chat | None:
    row = _row(db, chat_id)
    return Chat.from_row(row) if row else None


def set_active(db: Database, chat_id: int, active: bool, now: str) -> None:
    if get(db, chat_id) is not None:
        db["chats"].update(chat_id, {"active": int(active), "updated_at": now})


@reads
def language(db: Database, chat_id: int) -> str | None:
    chat = get(db, chat_id)
    return chat.language if chat else None


def migrate(db: Database, old_id: int, new_id: int, now: str) -> None:
    """Group → supergroup: the chat keeps its history, settings and pending deliveries under the new id."""
    row = _row(db, old_id)
    if row is not None and _row(db, new_id) is None:
        db["chats"].insert({**row, "id": new_id, "type": "supergroup", "updated_at": now})
    for table in ("subscriptions", "subscription_filters", "outbox"):
        if db[table].exists():
            db.execute(f"update {table} set chat_id = ? where chat_id = ?", [new_id, old_id])
    db["chats"].delete_where("id = ?", [old_id])


@reads
def active_ids(db: Database, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    marks = ",".join("?" for _ in ids)
    return {r["id"] for r in db.query(f"select id from chats where active = 1 and id in ({marks})", ids)}
