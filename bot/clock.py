"""Time as an injected dependency, so tests move through days and zones without sleeping."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


class Clock:
    """The real clock: aware UTC datetimes, seconds precision (what the database stores)."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc).replace(microsecond=0)

    def iso(self) -> str:
        return self.now().isoformat(timespec="seconds")


class FrozenClock(Clock):
    """A clock tests set and advance explicitly."""

    def __init__(self, start: datetime) -> None:
        self._now = start if start.tzinfo else start.replace(tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self._now

    def set(self, value: datetime) -> None:
        self._now = value if value.tzinfo else value.replace(tzinfo=timezone.utc)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now
