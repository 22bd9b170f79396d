"""SQL for `sources`: what is polled, when next, and how it went."""

from __future__ import annotations

import json

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from storage.db import reads
from storage.rows import Source


def add(db: Database, *, kind: str, url: str, name: str | None, interval_s: int, added_by: int | None,
        now: str, next_poll_at: str | None = None) -> tuple[Source, bool]:
    """Insert a source (or return the existing one with the same URL); (row, created).

    `next_poll_at` defaults to now; the caller that is about to collect the back catalogue
    itself passes a later time, so the scheduler does not poll the source meanwhile."""
    existing = by_url(db, url)
    if existing is not None:
        return existing, False
    source_id = db["sources"].insert({
        "kind": kind, "url": url, "name": name, "state": "{}", "interval_s": interval_s, "enabled": 1,
        "next_poll_at": next_poll_at or now, "added_by": added_by, "created_at": now, "updated_at": now,
    }).last_pk
    row = get(db, int(source_id))
    assert row is not None
    return row, True


@reads
def get(db: Database, source_id: int) -> Source | None:
    try:
        return Source.from_row(db["sources"].get(source_id))
    except NotFoundError:
        return None


@reads
def by_url(db: Database, url: str) -> Source | None:
    rows = list(db["sources"].rows_where("url = ?", [url], limit=1))
    return Source.from_row(rows[0]) if rows else None


@reads
def all_sources(db: Database) -> list[Source]:
    return [Source.from_row(r) for r in db["sources"].rows_where(order_by="id")]


@reads
def due(db: Database, now: str) -> list[Source]:
    return [Source.from_row(r) for r in db["sources"].rows_where("enabled = 1 and next_poll_at <= ?", [now],
                                                        order_by="next_poll_at")]


def delete(db: Database, source_id: int) -> bool:
    """Forget a source; its articles stay in the library (they were published)."""
    if get(db, source_id) is None:
        return False
    db.execute("update articles set source_id = null where source_id = ?", [source_id])
    db["sources"].delete(source_id)
    return True


def record_success(db: Database, source_id: int, *, state: dict, new_items: int, next_poll_at: str, now: str,
                   page_errors: list[str] | None = None) -> None:
    """A poll that got something. Pages of it that failed are counted in `page_errors` and the
    last one is kept as `last_error` (with its time), but the run of failed polls ends."""
    errors = page_errors or []
    db.execute(
        "update sources set state = ?, items = items + ?, failures = 0, last_success_at = ?, "
        "last_error = ?, last_error_at = case when ? then ? else last_error_at end, "
        "page_errors = page_errors + ?, next_poll_at = ?, updated_at = ? where id = ?",
        [json.dumps(state, ensure_ascii=False), new_items, now, errors[-1][:500] if errors else None, int(bool(errors)),
         now, len(errors), next_poll_at, now, source_id],
    )


def record_failure(db: Database, source_id: int, *, error: str, next_poll_at: str, disable: bool, now: str) -> int:
    """Count a failure; returns the consecutive failure count."""
    db.execute(
        "update sources set failures = failures + 1, last_error = ?, last_error_at = ?, next_poll_at = ?, "
        "enabled = case when ? then 0 else enabled end, updated_at = ? where id = ?",
        [error[:500], now, next_poll_at, int(disable), now, source_id],
    )
    row = get(db, source_id)
    return row.failures if row else 0


@reads
def with_errors(db: Database) -> list[Source]:
    return [Source.from_row(r) for r in db["sources"].rows_where("last_error is not null", order_by="id")]


def enable(db: Database, source_id: int, *, now: str) -> Source | None:
    db.execute("update sources set enabled = 1, failures = 0, next_poll_at = ?, updated_at = ? where id = ?",
               [now, now, source_id])
    return get(db, source_id)
