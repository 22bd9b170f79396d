"""Per-key cooldowns for actions a reader can trigger that cost us outside work (fetching an
arbitrary URL for /summary): one every few seconds per user keeps the bot from being used as a
crawler."""

from __future__ import annotations

import time


class Cooldown:
    def __init__(self, seconds: float, clock=time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: dict[object, float] = {}

    def wait_left(self, key: object) -> float:
        """0 and the action is counted, or the seconds left before it is allowed."""
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self.seconds:
            return self.seconds - (now - last)
        self._last[key] = now
        if len(self._last) > 10_000:  # forget old keys; a cooldown only needs the recent ones
            self._last = {k: t for k, t in self._last.items() if now - t < self.seconds}
        return 0.0
