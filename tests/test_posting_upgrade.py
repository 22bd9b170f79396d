"""An upgrade from the version with its own post state machine: a post it left scheduled is
published by the outbox at its time, the admin is told, an old unconfirmed draft is closed."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from sqlite_utils import Database

from bot.app.local import LocalBot
from bot.clock import FrozenClock
from bot.sandbox import Sandbox
from storage import posts as posts_sql
from storage.db import open_database
from storage.schema import migrations
from tests.conftest import ADMIN_ID, CHANNEL, make_settings
from tests.posting import channel, note


def old_database(path: Path) -> None:
    """A database as the previous version left it: migrations up to sources, posts in old states."""
    db = Database(sqlite3.connect(str(path)))
    migrations.apply(db, stop_before="m0006_posting")
    base = {"admin_id": ADMIN_ID, "chat_id": ADMIN_ID, "target": CHANNEL, "created_at": "2026-03-01T09:00:00+00:00",
            "updated_at": "2026-03-01T09:00:00+00:00"}
    db["posts"].insert_all([
        {**base, "text": "Старый &lt;анонс&gt; <b>вечером</b>", "state": "scheduled",
         "scheduled_at": "2026-03-02T15:00:00+00:00"},
        {**base, "text": "Старый черновик", "state": "draft"},
    ])
    db.conn.commit()
    db.close()


async def test_a_post_scheduled_by_the_old_version_goes_out_after_the_upgrade(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    old_database(settings.database_path)
    open_database(settings.database_path).close()  # the upgrade itself
    clock = FrozenClock(datetime(2026, 3, 2, 15, 0, 30, tzinfo=timezone.utc))
    async with LocalBot(settings, sandbox=sandbox, clock=clock) as local:
        await note(sandbox, 0, "Пост #1 опубликован")
        [posted] = channel(sandbox)
        assert posted.text == "Старый <анонс> вечером" and posted.entities[0]["type"] == "bold"
        states = [p.state for p in await local.services.store.call(posts_sql.with_state, "cancelled")]
        assert states == ["cancelled"]  # the old draft is closed: its preview had no options
        assert await local.services.store.call(posts_sql.with_state, "draft") == []
