"""Politeness towards one host: at most two requests at a time, and a pause between starts.

Reading a headline feed means fetching every item's page from the same site.  Firing them all
at once looks like an attack, gets rate-limited (429) or banned, and slows the site for its
readers; crawlers keep one or two connections per host and space their requests.  The pacer
is shared by every poll of the process (it lives on the fetcher), so two sources on one site
do not add up to more than the limit.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

PER_HOST = 2
PAUSE_S = 0.5


class HostPacer:
    """Per-host concurrency cap plus a minimum interval between request starts."""

    def __init__(self, *, per_host: int = PER_HOST, pause: float = PAUSE_S) -> None:
        self.per_host = per_host
        self.pause = pause
        self._gates: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._users: dict[str, int] = {}  # tasks holding or waiting for a host's gate

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of the host's request slots; waits for the pause since the last start."""
        host = host.lower()
        gate = self._gates.setdefault(host, asyncio.Semaphore(self.per_host))
        self._users[host] = self._users.get(host, 0) + 1
        try:
            async with gate:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, 0.0))
                self._next_start[host] = start + self.pause
                if start > now:
                    await asyncio.sleep(start - now)
                yield
        finally:
            self._users[host] -= 1
            if not self._users[host] and time.monotonic() >= self._next_start.get(host, 0.0):
                self._forget(host)

    def _forget(self, host: str) -> None:
        """An idle host past its pause needs no state (a process polls thousands of hosts over time)."""
        self._gates.pop(host, None)
        self._next_start.pop(host, None)
        self._users.pop(host, None)
