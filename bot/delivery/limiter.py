"""Client-side flood control that mirrors Telegram's: global, per-private-chat and per-group rates.

Telegram counts calls in sliding windows (about 30/s per bot, 1/s per private chat, 20/min per
group or channel) and answers 429 beyond them — and it does not document *what* it counts. So
every call it may rate-limit (sends, copies, forwards, edits, deletes, pins) takes a slot of its
chat and of the bot here, and each window is slightly longer than Telegram's (``margin``) so
jitter between our clock and the server's never turns the last call of a window into a 429.
Pacing that holds under the strictest reasonable reading holds under all of them.

The global window is granted in priority order (interactive before bulk), so a command reply
never queues behind a broadcast: it waits at most for the next free global slot.

A 429 pauses the chat that got it for ``retry_after``. Only when 429s come from several chats in
a short time is the bot's own rate the likely cause: then the global rate is cut (multiplicative
decrease) and climbs back by one message per second for every quiet stretch (additive increase);
every change is logged with its cause.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import Any

from bot.delivery.window import PriorityGate, Window

log = logging.getLogger(__name__)

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
    paid_per_sec: float = 1000.0  # sends with allow_paid_broadcast (PAID_BROADCAST), their own budget
    time_scale: float = 1.0
    margin: float = 0.03
    # AIMD of the global rate: cut by `backoff` when 429s came from `storm_chats` chats within
    # `storm_window` nominal seconds; +1 msg/s per `recover_every` nominal seconds without a cut.
    storm_chats: int = 3
    storm_window: float = 5.0
    backoff: float = 0.7
    recover_every: float = 2.0

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
        window = Window(1, 0.0)
        window.retune(*self.shape(per_second, paced=paced))
        return window

    def shape(self, per_second: float, *, paced: bool = False) -> tuple[int, float, float]:
        """(limit, length, gap) of a window allowing ``per_second``: see :meth:`window`."""
        limit = max(1, math.floor(per_second)) if per_second >= 1 else 1
        length = self.real(limit / per_second) * (1 + self.margin)
        gap = self.real(1 / per_second) if paced else 0.0
        return limit, length, gap


class Released(Exception):
    """A bulk call gave its place back before being sent (graceful stop): nothing went out."""


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
    """All rate state of one bot: the global gate (free and paid) and a lane per chat."""

    MAX_LANES = 20_000

    def __init__(self, limits: RateLimits, clock: Callable[[], float] = time.monotonic) -> None:
        """``clock`` is read for every stamp and deadline; waits are ``asyncio.sleep``, so it
        must be the event loop's time base: ``time.monotonic`` for asyncio's loops, the loop's
        own ``time`` for a loop running virtual time (tests drive the limiter that way)."""
        self.limits = limits
        self.clock = clock
        self.rate = limits.global_per_sec  # the global rate now (AIMD moves it)
        self.gate = PriorityGate(limits.window(self.rate, paced=True), clock)
        self.paid_gate = PriorityGate(limits.window(limits.paid_per_sec, paced=True), clock)
        self.rate_changes: list[tuple[float, float, str]] = []  # (old, new, cause), for tests and /stats
        self._lanes: dict[int | str, _Lane] = {}
        self._floods: deque[tuple[float, int | str]] = deque()  # (when, chat) of recent 429s
        self._steady_since = self.clock()
        # Grant to answer of recent calls; the 0 (stamp at the answer) holds until there are enough
        # to trust their minimum: the first burst's calls are all slow together.
        self._latencies: deque[float] = deque([0.0], maxlen=64)
        self._bulk_waiters: set[asyncio.Task[Any]] = set()
        self._releasing: set[asyncio.Task[Any]] = set()
        self._bulk_closed = False

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
        now = self.clock()
        for key in [k for k, lane in self._lanes.items() if not lane.lock.locked() and lane.window.idle(now)]:
            del self._lanes[key]

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: int | str, *, priority: int, paid: bool = False) -> AsyncIterator[None]:
        """Hold a slot of the chat and of the bot (free or paid budget) while the request runs.

        The chat's slot is stamped when the answer arrives, not when it is granted: Telegram
        counted the message somewhere in between, so the next message to the same chat is
        spaced from that upper bound and network jitter cannot squeeze two into one window.
        The global window is stamped at grant time (stamping every call at its answer would cost
        the latency in throughput), then moved by however much longer than the quickest recent
        call this one took: a call held up on its way (a busy event loop, jitter) is counted
        from when it may really have arrived. A bulk caller may raise :class:`Released` instead
        (see :meth:`release_bulk`).
        """
        lane = self._lane(chat_id)
        gate = self.paid_gate if paid else self.gate
        granted = await self._acquire(lane, priority, gate)
        try:
            yield
        finally:
            answered = self.clock()
            lane.window.inflight -= 1
            lane.window.take(answered)
            lane.answered.set()
            self._latencies.append(answered - granted)
            gate.settle(granted, answered - min(self._latencies))

    async def _acquire(self, lane: _Lane, priority: int, gate: PriorityGate) -> float:
        if priority == BULK:
            if self._bulk_closed:
                raise Released
            task = asyncio.current_task()
            assert task is not None
            self._bulk_waiters.add(task)
            try:
                return await self._wait_turn(lane, priority, gate)
            except asyncio.CancelledError:
                if task not in self._releasing:
                    raise
                self._releasing.discard(task)
                task.uncancel()
                raise Released from None
            finally:
                self._bulk_waiters.discard(task)
        return await self._wait_turn(lane, priority, gate)

    async def _wait_turn(self, lane: _Lane, priority: int, gate: PriorityGate) -> float:
        """Wait for the chat's window, then for the gate; returns the gate's grant time."""
        async with lane.lock:
            while True:
                now = self.clock()
                at = lane.window.ready_at(now)
                if at == math.inf:
                    lane.answered.clear()
                    await lane.answered.wait()
                    continue
                if at > now:
                    await asyncio.sleep(at - now)
                    continue
                self._recover(now)
                granted = await gate.acquire(priority)
                now = self.clock()
                if lane.window.ready_at(now) > now:  # the chat was paused meanwhile
                    gate.settle(granted, granted)  # the slot goes unused
                    continue
                lane.window.inflight += 1
                return granted

    def release_bulk(self) -> int:
        """Graceful stop: every bulk call still waiting for its turn raises Released, and new
        ones do at once; calls already sent are not touched. Returns how many were waiting."""
        self._bulk_closed = True
        waiting = list(self._bulk_waiters)
        for task in waiting:
            self._releasing.add(task)
            task.cancel()
        return len(waiting)

    def reopen_bulk(self) -> None:
        self._bulk_closed = False

    def has_budget(self, chat_id: int | str) -> bool:
        """Could one more call go to this chat right now without waiting (nor queueing)?

        For optional calls (progress edits): skipping one is fine, a 429 is not.
        """
        now = self.clock()
        lane = self._lanes.get(chat_id)
        if lane is not None and (lane.lock.locked() or lane.window.ready_at(now) > now):
            return False
        return self.gate.window.paused_until <= now  # a storm pause: nothing optional goes out

    def flooded(self, chat_id: int | str | None, seconds: float) -> str:
        """Honour a 429 (``seconds`` real): pause the chat that got it; if 429s came from several
        chats in a short time, the bot's rate was the cause: cut it and pause every send. Returns
        the scope paused ("chat" or "global")."""
        now = self.clock()
        until = now + seconds
        if chat_id is not None:
            self._lane(chat_id).window.pause(until)
            self._floods.append((now, chat_id))
        horizon = now - self.limits.real(self.limits.storm_window)
        while self._floods and self._floods[0][0] < horizon:
            self._floods.popleft()
        chats = {chat for _, chat in self._floods}
        if chat_id is not None and len(chats) < self.limits.storm_chats:
            return "chat"
        self.gate.window.pause(until)
        self._floods.clear()
        cause = f"429 from {len(chats)} chats within {self.limits.storm_window:g}s" if chat_id is not None else "429 without a chat"
        self._set_rate(max(1.0, self.rate * self.limits.backoff), cause, now)
        return "global"

    def _recover(self, now: float) -> None:
        """Additive increase: one message per second more for every quiet ``recover_every``."""
        if self.rate >= self.limits.global_per_sec:
            return
        quiet = self.limits.real(self.limits.recover_every)
        if now - self._steady_since >= quiet:
            steps = (now - self._steady_since) // quiet
            self._set_rate(min(self.limits.global_per_sec, self.rate + steps),
                           f"no 429 storm for {steps * self.limits.recover_every:g}s", now)

    def _set_rate(self, rate: float, cause: str, now: float) -> None:
        old, self.rate = self.rate, rate
        self._steady_since = now
        self.gate.window.retune(*self.limits.shape(rate, paced=True))
        self.rate_changes.append((old, rate, cause))
        log.warning("delivery rate %.1f -> %.1f msg/s: %s", old, rate, cause,
                    extra={"rate_from": old, "rate_to": rate, "cause": cause})
