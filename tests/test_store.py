"""The store's two kinds of threads on a real SQLite file: reads answer while a long write runs,
and a write function is one transaction — all of it or none of it."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from storage import audit as audit_sql
from storage import outbox as outbox_sql
from storage.db import Store, backup_to, reads

NOW = "2026-12-05T10:00:00+00:00"


def _items(n: int) -> list[dict]:
    return [{"chat_id": 1000 + i, "html": f"<b>{i}</b>"} for i in range(n)]


@reads
def _audit_count(db: Database) -> int:
    return db.execute("select count(*) from audit").fetchone()[0]


async def test_a_read_is_answered_while_a_long_write_runs_and_sees_only_what_was_committed(tmp_path: Path) -> None:
    started, release = threading.Event(), threading.Event()

    def long_write(db: Database) -> int:
        audit_sql.record(db, at=NOW, user_id=1, action="first", detail=None, ok=True)
        started.set()
        assert release.wait(30), "the test never released the write"
        return audit_sql.record(db, at=NOW, user_id=1, action="second", detail=None, ok=True)

    async with Store(tmp_path / "store.sqlite3") as store:
        writing = asyncio.create_task(store.call(long_write))
        assert await asyncio.to_thread(started.wait, 30)
        # The writer is busy inside its transaction: readers still answer, with the last
        # committed state (the half-done write is invisible to them).
        assert await store.call(_audit_count) == 0
        assert await store.call(outbox_sql.open_rows) == 0
        assert not writing.done()
        release.set()
        await writing
        assert await store.call(_audit_count) == 2
        assert [r.action for r in await store.call(audit_sql.recent)] == ["second", "first"]


async def test_a_write_that_fails_after_its_first_statements_leaves_nothing_behind(tmp_path: Path) -> None:
    def enqueue_then_fail(db: Database) -> None:
        audit_sql.record(db, at=NOW, user_id=1, action="broadcast", detail=None, ok=True)  # sqlite-utils insert
        outbox_sql.enqueue(db, kind="broadcast", items=_items(1200), now=NOW)  # insert_all in batches
        raise RuntimeError("the step after")

    async with Store(tmp_path / "store.sqlite3") as store:
        with pytest.raises(RuntimeError, match="the step after"):
            await store.call(enqueue_then_fail)
        assert await store.call(_audit_count) == 0
        assert await store.call(outbox_sql.jobs_with_state, "running") == []
        assert await store.call(outbox_sql.open_rows) == 0
        # The writer is usable again, and a write that succeeds is kept whole.
        job_id, added, skipped = await store.call(outbox_sql.enqueue, kind="broadcast", items=_items(1200), now=NOW)
        assert (added, skipped) == (1200, 0)
        assert await store.call(outbox_sql.counts, job_id) == {"pending": 1200}


async def test_a_function_marked_as_a_read_cannot_write(tmp_path: Path) -> None:
    @reads
    def sneaky(db: Database) -> None:
        db.execute("insert into audit (at, action, ok, detail) values (?, 'x', 1, '{}')", [NOW])

    async with Store(tmp_path / "store.sqlite3") as store:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await store.call(sneaky)
        assert await store.call(_audit_count) == 0


async def test_a_backup_taken_from_a_reader_holds_what_was_committed(tmp_path: Path) -> None:
    async with Store(tmp_path / "store.sqlite3") as store:
        await store.call(outbox_sql.enqueue, kind="broadcast", items=_items(300), now=NOW)
        await store.call(backup_to, str(tmp_path / "backups" / "copy.sqlite3"))
    copy = Database(tmp_path / "backups" / "copy.sqlite3")
    assert copy.execute("select count(*) from outbox where state = 'pending'").fetchone()[0] == 300
