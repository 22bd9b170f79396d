"""The SQLite store: one connection owned by one worker thread.

sqlite-utils is blocking and a connection belongs to the thread that uses it, so (as datasette
does) every storage call is shipped to a single dedicated thread. That keeps the event loop free,
serialises writes without lock errors, and lets query modules stay plain synchronous functions
that take a `Database` first — easy to test and to call from the CLI.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, Callable, Concatenate, ParamSpec, TypeVar

from sqlite_utils import Database

from storage.schema import migrations

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)

# SQLite primary result codes that blame the disk, not the statement.
_DISK_TROUBLE = {sqlite3.SQLITE_READONLY: "read_only", sqlite3.SQLITE_FULL: "full",
                 sqlite3.SQLITE_IOERR: "io", sqlite3.SQLITE_CANTOPEN: "io"}


class StorageUnwritable(sqlite3.OperationalError):
    """The database refused a write (read-only, disk full, I/O error), or the file the bot opened
    is no longer the file at DATABASE_PATH (deleted or replaced: what is written now is gone at
    the next start). `reason` is one of read_only, full, io, replaced."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"database not writable: {reason}")
        self.reason = reason


def disk_trouble(exc: BaseException) -> str | None:
    """The reason a SQLite error is the disk's fault, or None for any other error."""
    code = getattr(exc, "sqlite_errorcode", None)
    return _DISK_TROUBLE.get(code & 0xFF) if isinstance(code, int) else None


def open_database(path: Path | str) -> Database:
    """Open (creating folders) with WAL and a busy timeout, then apply pending migrations."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
    db = Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    migrations.apply(db)
    return db


class Store:
    """Async facade: `await store.call(articles.get, 5)` runs `articles.get(db, 5)` on the DB thread."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._db: Database | None = None
        self._identity: tuple[int, int] | None = None  # (st_dev, st_ino) of the file opened
        # Why the last write failed (None: the last write went through); recoveries counts the
        # returns to health, so an alarm raised once can be raised again after one.
        self.trouble: str | None = None
        self.recoveries = 0

    async def open(self) -> "Store":
        if self._db is None:
            loop = asyncio.get_running_loop()
            self._db = await loop.run_in_executor(self._executor, open_database, self.path)
            self._identity = await loop.run_in_executor(self._executor, self._file_identity)
        return self

    async def call(self, fn: Callable[Concatenate[Database, P], R], *args: P.args, **kwargs: P.kwargs) -> R:
        if self._db is None:
            raise RuntimeError("Store.open() was not awaited")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(self._run, fn, self._db, *args, **kwargs))

    def _run(self, fn: Callable[..., R], db: Database, *args: Any, **kwargs: Any) -> R:
        """On the database thread: a disk error becomes StorageUnwritable (so the user hears
        "not saved", not "something went wrong"), and a call that changed rows checks that they
        went into the file at DATABASE_PATH — SQLite writes on into a deleted file without a word."""
        before = db.conn.total_changes
        try:
            result = fn(db, *args, **kwargs)
        except sqlite3.Error as exc:
            reason = disk_trouble(exc)
            if reason is None or isinstance(exc, StorageUnwritable):
                raise
            self._set_trouble(reason)
            raise StorageUnwritable(reason) from exc
        if db.conn.total_changes != before:
            if self._file_identity() != self._identity:
                self._set_trouble("replaced")
                raise StorageUnwritable("replaced")
            self._set_trouble(None)
        return result

    def _set_trouble(self, reason: str | None) -> None:
        if reason is None and self.trouble is not None:
            self.recoveries += 1
            log.warning("database writable again", extra={"was": self.trouble})
        elif reason is not None and reason != self.trouble:
            log.error("database refuses writes", extra={"reason": reason, "path": str(self.path)})
        self.trouble = reason

    def _file_identity(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_dev, st.st_ino

    async def writable(self) -> str | None:
        """Why the database cannot take writes now (None: it can), for /healthz: the file at
        DATABASE_PATH is still the one opened, a header write commits, and the last real write
        did not fail (a full disk may still take the one-page probe)."""
        return await self.call(self._probe)

    def _probe(self, db: Database) -> str | None:
        if self._file_identity() != self._identity:
            return "replaced"
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            db.execute(f"PRAGMA user_version = {int(version)}")  # rewrites page 1: a real commit
        except sqlite3.Error as exc:
            return disk_trouble(exc) or "io"
        return self.trouble

    async def close(self) -> None:
        if self._db is not None:
            db, self._db = self._db, None
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(self._executor, db.close)
        self._executor.shutdown(wait=True)

    async def __aenter__(self) -> "Store":
        return await self.open()

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


def backup_to(db: Database, destination: str) -> None:
    """SQLite's online backup API: a consistent copy while the bot keeps writing."""
    Path(destination).parent.mkdir(parents=True, exist_ok=True)
    target = sqlite3.connect(destination)
    try:
        db.conn.backup(target)
    finally:
        target.close()
