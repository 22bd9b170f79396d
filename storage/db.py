"""The SQLite store: one writer thread, a few reader threads, each with its own connection.

sqlite-utils is blocking and a connection belongs to one thread at a time, so (as datasette's
database.py does) calls are shipped to dedicated threads and the event loop stays free:

* **Writes** go to the one writer thread and its connection, each call inside one
  `BEGIN IMMEDIATE … COMMIT` (ROLLBACK when it raises). That is the transaction idiom, the only
  one: storage functions never commit, never open transactions and never rely on autocommit —
  everything a write function does lands together or not at all. sqlite-utils' own
  `insert`/`insert_all`/`update` nest inside it as savepoints (4.x's `atomic()` sees the open
  transaction), so they do not commit early. One writer serialises writes without lock errors.
* **Reads** — functions marked `@reads` — go to a small pool of reader threads, each with its
  own `query_only` connection, each call in its own read transaction (one consistent snapshot).
  WAL lets them see every committed write while a long write (a 10,000-row outbox enqueue) runs,
  so /start or /summary does not queue behind it.

Query modules stay plain synchronous functions that take a `Database` first — easy to test and to
call from the CLI: `await store.call(articles.get, 5)` runs `articles.get(db, 5)` on the right
thread. Migrations keep sqlite-utils' own per-migration transaction (`open_database`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import sqlite3
from concurrent.futures import Executor, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, Callable, Concatenate, ParamSpec, TypeVar

from sqlite_utils import Database

from storage.schema import migrations

P = ParamSpec("P")
R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)

READERS = 3
"""Reader threads (and connections): a few readers answer while the writer is busy; more would
only contend for the two cores the bot gets."""

# SQLite primary result codes that blame the disk, not the statement.
_DISK_TROUBLE = {sqlite3.SQLITE_READONLY: "read_only", sqlite3.SQLITE_FULL: "full",
                 sqlite3.SQLITE_IOERR: "io", sqlite3.SQLITE_CANTOPEN: "io"}


def reads(fn: F) -> F:
    """Mark a storage function as a read: `Store.call` runs it on a reader connection, beside
    the writer. Unmarked functions are writes (the safe default: a write can also read)."""
    fn.__storage_reads__ = True  # type: ignore[attr-defined]
    return fn


def is_read(fn: Callable[..., Any]) -> bool:
    return getattr(fn, "__storage_reads__", False)


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


def _connect(path: Path) -> Database:
    """A connection in driver autocommit mode (`isolation_level=None`): the driver opens no
    implicit transactions, so the only transactions are the ones the Store begins."""
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30, isolation_level=None)
    return Database(conn)


def open_database(path: Path | str) -> Database:
    """Open (creating folders) with WAL and a busy timeout, then apply pending migrations
    (each in sqlite-utils' own transaction, with its record)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = _connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    migrations.apply(db)
    return db


def _open_reader(path: Path) -> Database:
    db = _connect(path)
    db.execute("PRAGMA query_only=1")  # a write that was not marked as one fails loudly here
    return db


def _rollback(db: Database) -> None:
    if db.conn.in_transaction:
        try:
            db.conn.execute("ROLLBACK")
        except sqlite3.Error:  # the error may have ended the transaction already
            log.debug("rollback after a failed call", exc_info=True)


class Store:
    """Async facade: `await store.call(fn, ...)` runs `fn(db, ...)` on a reader thread when `fn`
    is marked `@reads`, else on the writer thread inside one transaction. `readers=0` runs
    everything on the writer (the old single-thread store; bench/bench_store.py compares them)."""

    def __init__(self, path: Path | str, *, readers: int = READERS) -> None:
        self.path = Path(path)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-write")
        self._readers: Executor | None = (
            ThreadPoolExecutor(max_workers=readers, thread_name_prefix="sqlite-read") if readers else None)
        self._reader_count = readers
        self._pool: queue.SimpleQueue[Database] = queue.SimpleQueue()  # one connection per reader thread
        self._reader_dbs: list[Database] = []
        self._read_tail: asyncio.Future[None] | None = None  # the last read asked (see _in_order)
        self._db: Database | None = None
        self._identity: tuple[int, int] | None = None  # (st_dev, st_ino) of the file opened
        # Why the last write failed (None: the last write went through); recoveries counts the
        # returns to health, so an alarm raised once can be raised again after one.
        self.trouble: str | None = None
        self.recoveries = 0

    async def open(self) -> "Store":
        if self._db is None:
            loop = asyncio.get_running_loop()
            self._db = await loop.run_in_executor(self._writer, open_database, self.path)
            self._identity = await loop.run_in_executor(self._writer, self._file_identity)
            # Readers open now, on the migrated file: one opened later, after the file was
            # deleted, would create an empty database instead of reading the one in use.
            for _ in range(self._reader_count):
                reader = await loop.run_in_executor(self._writer, _open_reader, self.path)
                self._reader_dbs.append(reader)
                self._pool.put(reader)
        return self

    async def call(self, fn: Callable[Concatenate[Database, P], R], *args: P.args, **kwargs: P.kwargs) -> R:
        if self._db is None:
            raise RuntimeError("Store.open() was not awaited")
        loop = asyncio.get_running_loop()
        if self._readers is not None and is_read(fn):
            return await self._in_order(loop.run_in_executor(self._readers, partial(self._read, fn, *args, **kwargs)))
        return await loop.run_in_executor(self._writer, partial(self._write, fn, self._db, *args, **kwargs))

    async def _in_order(self, job: asyncio.Future[R]) -> R:
        """Reads run side by side but are answered in the order they were asked, as on one
        thread: updates that take the same steps (a reader's rapid taps on one button) reach the
        writer in the order they came, so the last tap wins. A slow read delays the answers
        after it, never their work, and never a write."""
        before, mine = self._read_tail, asyncio.get_running_loop().create_future()
        self._read_tail = mine
        try:
            try:
                return await job
            finally:
                if before is not None and not before.done() and before.get_loop() is mine.get_loop():
                    await asyncio.shield(before)
        finally:
            if not mine.done():
                mine.set_result(None)

    def _read(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """On a reader thread: one read transaction, so a function of several queries sees one
        snapshot (and none of a write still running)."""
        db = self._pool.get()
        try:
            db.conn.execute("BEGIN")
            try:
                return fn(db, *args, **kwargs)
            finally:
                _rollback(db)  # nothing to keep: the connection is query_only
        finally:
            self._pool.put(db)

    def _write(self, fn: Callable[..., R], db: Database, *args: Any, **kwargs: Any) -> R:
        """On the writer thread, inside `BEGIN IMMEDIATE … COMMIT`: all of `fn` or none of it.

        A disk error becomes StorageUnwritable (so the user hears "not saved", not "something
        went wrong"), and a call that changed rows checks that they went into the file at
        DATABASE_PATH — SQLite writes on into a deleted file without a word."""
        before = db.conn.total_changes
        try:
            self._begin(db)
            result = fn(db, *args, **kwargs)
            if db.conn.in_transaction:
                db.conn.execute("COMMIT")
        except BaseException as exc:
            _rollback(db)
            reason = disk_trouble(exc) if isinstance(exc, sqlite3.Error) else None
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

    @staticmethod
    def _begin(db: Database) -> None:
        """BEGIN IMMEDIATE takes the write lock up front (a busy timeout waits for another
        process's writer instead of failing halfway). A read-only database refuses even that:
        then the call runs without a transaction — nothing can be written, so nothing can be
        half-written, and a write function that finds nothing to change (a known chat) still
        answers; its first real write fails as read_only."""
        try:
            db.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if disk_trouble(exc) != "read_only":
                raise

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
        if self._db is None:
            raise RuntimeError("Store.open() was not awaited")
        return await asyncio.get_running_loop().run_in_executor(self._writer, self._probe, self._db)

    def _probe(self, db: Database) -> str | None:
        if self._file_identity() != self._identity:
            return "replaced"
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            version = db.conn.execute("PRAGMA user_version").fetchone()[0]
            db.conn.execute(f"PRAGMA user_version = {int(version)}")  # rewrites page 1: a real commit
            db.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(db)
            return disk_trouble(exc) or "io"
        return self.trouble

    async def close(self) -> None:
        if self._db is not None:
            db, self._db = self._db, None
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(self._writer, db.close)
        if self._readers is not None:
            self._readers.shutdown(wait=True)
        self._writer.shutdown(wait=True)
        for reader in self._reader_dbs:
            reader.close()
        self._reader_dbs.clear()

    async def __aenter__(self) -> "Store":
        return await self.open()

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


@reads
def backup_to(db: Database, destination: str) -> None:
    """SQLite's online backup API, from a reader: a consistent copy while the bot keeps writing."""
    Path(destination).parent.mkdir(parents=True, exist_ok=True)
    target = sqlite3.connect(destination)
    try:
        db.conn.backup(target)
    finally:
        target.close()
