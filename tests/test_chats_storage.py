"""The chat row every update passes through: written when something changed, only read otherwise."""

from __future__ import annotations

from pathlib import Path

from storage import chats as chats_sql
from storage.db import open_database


def test_known_unchanged_chat_is_only_read_and_a_returning_chat_is_active_again(tmp_path: Path) -> None:
    db = open_database(tmp_path / "chats.sqlite3")  # migrated on open
    chat = {"id": 5, "type": "private", "title": "Reader", "language": "ru"}
    assert not chats_sql.is_known(db, chat)  # a newcomer: the middleware writes it
    chats_sql.remember(db, chat, "2026-12-01T00:00:00+00:00")
    assert chats_sql.is_known(db, chat)  # known as it is: the middleware only reads
    before = db.conn.total_changes
    chats_sql.remember(db, chat, "2026-12-01T00:01:00+00:00")
    assert db.conn.total_changes == before  # nothing changed: no write transaction

    chats_sql.set_active(db, 5, False, "2026-12-01T00:02:00+00:00")  # the reader blocked the bot
    assert not chats_sql.is_known(db, chat)
    chats_sql.remember(db, chat, "2026-12-01T00:03:00+00:00")  # and writes again
    assert chats_sql.get(db, 5).active
    chats_sql.remember(db, {**chat, "language": "en"}, "2026-12-01T00:04:00+00:00")
    assert chats_sql.get(db, 5).language == "en"
