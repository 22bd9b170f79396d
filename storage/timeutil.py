"""Timestamps are stored as ISO-8601 UTC strings: sortable as text and readable in the sqlite shell."""

from __future__ import annotations

from datetime import datetime, timezone


def to_db(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="seconds")


def from_db(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
