"""The SQLite store: one connection owned by one worker thread.

sqlite-utils is blocking and a connection belongs to the thread that uses it, so (as datasette
does) every storage call is shipped to a single dedicated thread. That keeps the event loop free,
serialises writes without lock errors, and lets query modules stay plain synchronous functions
that take a `Database` first — easy to test and to call from the CLI.
"""

from __future__ import annotations

import asyncio
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, Callable, Concatenate, ParamSpec, TypeVar

from sqlite_utils import Database

from storage.schema import migrations

P = ParamSpec("P")
R = TypeVar("R")


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

    async def open(self) -> "Store":
        if self._db is None:
            loop = asyncio.get_running_loop()
            self._db = await loop.run_in_executor(self._executor, open_database, self.path)
        return self

    async def call(self, fn: Callable[Concatenate[Database, P], R], *args: P.args, **kwargs: P.kwargs) -> R:
        if self._db is None:
            raise RuntimeError("Store.open() was not awaited")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(fn, self._db, *args, **kwargs))

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
