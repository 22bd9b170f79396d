"""Sliding windows and the priority gate behind the delivery limiter (see limiter.py).

A :class:`Window` is one rate (a chat's, the bot's); a :class:`PriorityGate` hands out the bot's
window to waiters in priority order. Kept apart from the Limiter so each stays readable.
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
import itertools
import math
import time
from collections import deque
from collections.abc import Callable


class Window:
    """Sliding-window log: at most ``limit`` grants per ``length`` seconds, ``gap`` apart.

    ``inflight`` counts grants whose request has not been answered yet; they are stamped when the
    answer comes (see :meth:`Limiter.slot`), so they occupy the window until then. The global
    window stamps at grant time instead, and keeps those stamps in ``unsettled`` until the answer
    (:meth:`settle`): one cannot expire before its call was answered, since until then nobody
    knows when the server counted it.
    """

    __slots__ = ("limit", "length", "gap", "stamps", "paused_until", "inflight", "next_paced", "unsettled")

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
        # Grant time -> calls granted then and not answered yet: two grants can share an instant
        # (a clock of coarse resolution, a virtual one), and the first answer must not settle both.
        self.unsettled: dict[float, int] = {}

    def ready_at(self, now: float) -> float:
        """Earliest time one more grant fits (≤ now: it fits now; inf: after an answer)."""
        stamps = self.stamps
        while stamps and stamps[0] <= now - self.length and stamps[0] not in self.unsettled:
            stamps.popleft()
        at = self.paused_until
        excess = len(stamps) + self.inflight - self.limit  # stamps that must expire first, minus one
        if excess >= len(stamps):
            return math.inf  # the window is full of unanswered requests
        if excess >= 0:
            if self.unsettled and any(stamps[i] in self.unsettled for i in range(excess + 1)):
                return math.inf  # one that must expire first is still unanswered
            at = max(at, stamps[excess] + self.length)
        return max(at, self.next_paced)

    def retune(self, limit: int, length: float, gap: float) -> None:
        """New rate, same history: grants already made keep counting."""
        self.limit, self.length, self.gap = limit, length, gap

    def settle(self, granted: float, counted: float) -> None:
        """Move a grant's stamp later, to when the server may have counted the call.

        A call stamped at grant time may reach the server late (a busy event loop, network
        jitter); counted from its real arrival, the window must then open later too.
        """
        stamps = self.stamps
        left = self.unsettled.pop(granted, 0) - 1
        if left > 0:
            self.unsettled[granted] = left
        if counted <= granted:
            return
        i = bisect.bisect_left(stamps, granted)
        if i < len(stamps) and stamps[i] == granted:
            del stamps[i]
        bisect.insort(stamps, counted)  # also when the grant already expired: the call did not

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

    def __init__(self, window: Window, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.clock = clock  # the event loop's time base (see Limiter)
        self._heap: list[tuple[int, int, asyncio.Future[float]]] = []
        self._seq = itertools.count()
        self._task: asyncio.Task[None] | None = None
        self._answered = asyncio.Event()

    @property
    def waiting(self) -> int:
        return sum(1 for _, _, fut in self._heap if not fut.done())

    async def acquire(self, priority: int) -> float:
        """Wait for a slot; returns the time it was granted (its stamp in the window)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[float] = loop.create_future()
        heapq.heappush(self._heap, (priority, next(self._seq), future))
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._dispatch(), name="delivery-gate")
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # granted, then cancelled: no call made
                self.settle(future.result(), future.result())
            raise

    def settle(self, granted: float, counted: float) -> None:
        """The call granted at ``granted`` was answered; the server counted it by ``counted``."""
        self.window.settle(granted, counted)
        self._answered.set()

    async def _dispatch(self) -> None:
        while self._heap:
            now = self.clock()
            at = self.window.ready_at(now)
            if at == math.inf:
                self._answered.clear()
                await self._answered.wait()
                continue
            if at > now:
                await asyncio.sleep(at - now)
                continue
            _, _, future = heapq.heappop(self._heap)
            if future.done():  # the waiter was cancelled
                continue
            self.window.take(now)
            self.window.unsettled[now] = self.window.unsettled.get(now, 0) + 1
            future.set_result(now)
