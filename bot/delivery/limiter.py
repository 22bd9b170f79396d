"""Client-side flood control that mirrors Telegram's: global, per-private-chat and per-group rates.

Telegram counts messages in sliding windows (about 30/s per bot, 1/s per private chat, 20/min per
group or channel) and answers 429 beyond them. Keeping the same windows on our side, slightly
longer (``margin``) to absorb network jitter, means a 429 is an exception rather than the pacing
mechanism — and a 429 that does arrive pauses the whole scope it belongs to, so every waiting
send honours ``retry_after`` instead of each one discovering it separately.

The global window is granted in priority order (interactive before bulk), so a command reply
never queues behind a broadcast: it waits at most for the next free global slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import math
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

INTERACTIVE = 0
BULK = 1


@dataclass(frozen=True)
class RateLimits:
    """Allowed rates in Telegram ("nominal") time; Telegram's published values by default.

    ``time_scale`` > 1 is for a sandbox that runs nominal time faster (SandboxLimits.time_scale):
    every window shrinks by that factor and a ``retry_after`` of N nominal seconds is N/scale real
    seconds. ``margin`` lengthens each window a little so jitter between our clock and the
    server's does not turn the last message of a window into a 429.
    """

    global_per_sec: float = 30.0
    private_per_sec: float = 1.0
    group_per_min: float = 20.0
    time_scale: float = 1.0
    margin: float = 0.03

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> "RateLimits":
        """Rates from Settings (RATE_GLOBAL_PER_SEC, RATE_PRIVATE_PER_SEC, RATE_GROUP_PER_MIN)."""
        base = cls(
            global_per_sec=settings.rate_global_per_sec,
            private_per_sec=settings.rate_private_per_sec,
            group_per_min=settings.rate_group_per_min,
        )
        return replace(base, **overrides)

    def real(self, nominal_seconds: float) -> float:
        """Wall-clock seconds for a nominal duration (a retry_after, a window)."""
        return nominal_seconds / self.time_scale

    def window(self, per_second: float, *, paced: bool = False) -> "Window":
        """A sliding window allowing ``per_second`` (nominal), in real seconds, with the margin.

        ``paced`` also spaces grants evenly, so a full window is not fired as one burst that
        would reach the server bunched up (and partly out of order).
        """
        limit = max(1, math.floor(per_second)) if per_second >= 1 else 1
        length = self.real(limit / per_second) * (1 + self.margin)
        gap = self.real(1 / per_second) if paced else 0.0
        return Window(limit, length, gap)


class Window:
    """Sliding-window log: at most ``limit`` grants per ``length`` seconds, ``gap`` apart.

    ``inflight`` counts grants whose request has not been answered yet; they are stamped when the
    answer comes (see :meth:`Limiter.slot`), so they occupy the window until then.
    """

    __slots__ = ("limit", "length", "gap", "stamps", "paused_until", "inflight", "next_paced")

    def __init__(self, limit: int, length: float, gap: float = 0.0) -> None:
        self.limit = limit
        self.length = length
        self.gap = gap
        self.stamps: deque[float] = deque()
        self.paused_until = 0.0
        self.inflight = 0
        # Pacing follows a schedule (like GCRA's theoretical arrival time), not the last grant:
        # timers fire a little late, and spacing from the actual grant would add that lateness
        # to every interval. The sliding window, kept on actual grant times, stays the hard limit.
        self.next_paced = 0.0

    def ready_at(self, now: float) -> float:
        """Earliest time one more grant fits (≤ now: it fits now)."""
        stamps = self.stamps
        while stamps and stamps[0] <= now - self.length:
            stamps.popleft()
        at = self.paused_until
        excess = len(stamps) + self.inflight - self.limit  # stamps that must expire first, minus one
        if excess >= len(stamps):
            return math.inf  # the window is full of unanswered requests
        if excess >= 0:
            at = max(at, stamps[excess] + self.length)
        return max(at, self.next_paced)

    def take(self, now: float) -> None:
        self.stamps.append(now)
        if self.gap:
            self.next_paced = max(self.next_paced, now - self.gap) + self.gap

    def pause(self, until: float) -> None:
        self.paused_until = max(self.paused_until, until)

    def recent(self, now: float, within: float) -> int:
        return sum(1 for stamp in self.stamps if stamp > now - within)

    def idle(self, now: float) -> bool:
        return self.ready_at(now) <= now and not self.stamps and not self.inflight


class PriorityGate:
    """A window granted to waiters in (priority, arrival) order by one dispatcher task."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self._heap: list[tuple[int, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._task: asyncio.Task[None] | None = None

    @property
    def waiting(self) -> int:
        return sum(1 for _, _, fut in self._heap if not fut.done())

    async def acquire(self, priority: int) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._heap, (priority, next(self._seq), future))
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._dispatch(), name="delivery-gate")
        await future

    async def _dispatch(self) -> None:
        while self._heap:
            now = time.monotonic()
            at = self.window.ready_at(now)
            if at > now:
                await asyncio.sleep(at - now)
                continue
            _, _, future = heapq.heappop(self._heap)
            if future.done():  # the waiter was cancelled
                continue
            self.window.take(now)
            future.set_result(None)


class _Lane:
    """One chat: its window, a lock that keeps its sends in order, and a wake-up for answers."""

    __slots__ = ("window", "lock", "answered")

    def __init__(self, window: Window) -> None:
        self.window = window
        self.lock = asyncio.Lock()
        self.answered = asyncio.Event()


def is_private(chat_id: int | str) -> bool:
    """Private chats have positive ids; groups and channels negative ids or @usernames."""
    return isinstance(chat_id, int) and chat_id > 0


class Limiter:
    """All rate state of one bot: the global gate and a lane per chat."""

    MAX_LANES = 20_000

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self.gate = PriorityGate(limits.window(limits.global_per_sec, paced=True))
        self._lanes: dict[int | str, _Lane] = {}

    def _lane(self, chat_id: int | str) -> _Lane:
        lane = self._lanes.get(chat_id)
        if lane is None:
            if len(self._lanes) >= self.MAX_LANES:
                self._prune()
            limits = self.limits
            rate = limits.private_per_sec if is_private(chat_id) else limits.group_per_min / 60
            lane = self._lanes[chat_id] = _Lane(limits.window(rate))
        return lane

    def _prune(self) -> None:
        now = time.monotonic()
        for key in [k for k, lane in self._lanes.items() if not lane.lock.locked() and lane.window.idle(now)]:
            del self._lanes[key]

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: int | str, *, priority: int, counts_globally: bool = True) -> AsyncIterator[None]:
        """Hold a slot of the chat and (for new messages) of the bot while the request runs.

        The chat's slot is stamped when the answer arrives, not when it is granted: Telegram
        counted the message somewhere in between, so the next message to the same chat is
        spaced from that upper bound and network jitter cannot squeeze two into one window.
        (The global window stays stamped at grant time, with a margin, or latency would cost
        throughput.)
        """
        lane = self._lane(chat_id)
        await self._acquire(lane, priority, counts_globally)
        try:
            yield
        finally:
            lane.window.inflight -= 1
            lane.window.take(time.monotonic())
            lane.answered.set()

    async def _acquire(self, lane: _Lane, priority: int, counts_globally: bool) -> None:
        async with lane.lock:
            while True:
                now = time.monotonic()
                at = lane.window.ready_at(now)
                if at == math.inf:
                    lane.answered.clear()
                    await lane.answered.wait()
                    continue
                if at > now:
                    await asyncio.sleep(at - now)
                    continue
                if counts_globally:
                    await self.gate.acquire(priority)
                    now = time.monotonic()
                    if lane.window.ready_at(now) > now:  # the chat was paused meanwhile
                        continue
                lane.window.inflight += 1
                return

    def pause(self, chat_id: int | str | None, seconds: float, *, edit: bool = False) -> str:
        """Honour a 429: pause the chat if it is the likely cause, else every send. Returns the scope.

        Telegram does not say which limit was hit. A chat that already had (nearly) its window's
        worth of messages is the likely culprit; otherwise it was the bot's global rate.
        """
        now = time.monotonic()
        until = now + seconds
        lane = self._lanes.get(chat_id) if chat_id is not None else None
        if lane is not None:
            window = lane.window
            others = window.recent(now, window.length * (1 + self.limits.margin)) + window.inflight - 1
            if edit or others >= max(window.limit - 1, 1):
                window.pause(until)
                return "chat"
        self.gate.window.pause(until)
        return "global"
