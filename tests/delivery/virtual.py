"""Virtual time for the limiter's unit tests: pacing is checked on a fake clock, never waited for.

:class:`VirtualLoop` is asyncio's own selector loop whose clock moves only when every task is
waiting, and then jumps straight to the next timer: ``asyncio.sleep(3)`` costs nothing, and what
happens at which instant depends only on the code under test, not on how busy the machine is.
The throttle is given the loop's ``time`` as its clock (its waits are ``asyncio.sleep``).

:class:`Telegram` is the far end of the throttle there: each call spends a network leg each way
(a base delay plus seeded jitter) on the virtual clock and, at its arrival, is counted by the
sandbox's own flood accounting (:class:`bot.sandbox.limits.RateLimiter`), so a 429 means what it
means on the sandbox; 429s can also be injected. Every call is recorded with its arrival time.
"""

from __future__ import annotations

import asyncio
import random
import selectors
from collections import deque
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from aiogram import Bot
from aiogram import methods as m
from aiogram.exceptions import TelegramRetryAfter

from bot.delivery import Throttle, bulk
from bot.delivery.limiter import is_private
from bot.sandbox import SANDBOX_TOKEN, SandboxLimits
from bot.sandbox.errors import ApiError
from bot.sandbox.limits import SEND, RateLimiter

T = TypeVar("T")


class _Selector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    """Polls without blocking; where the loop would block until a timer, time jumps instead."""

    def __init__(self, start: float) -> None:
        super().__init__()
        self.now = start

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = super().select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None:  # nothing ready, no timer: in a test with no real I/O, a deadlock
            raise RuntimeError("virtual time: every task waits and no timer is set")
        self.now += timeout
        return []


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self, start: float = 1000.0) -> None:
        self._virtual = _Selector(start)
        super().__init__(self._virtual)

    def time(self) -> float:
        return self._virtual.now


def run(main: Callable[[VirtualLoop], Coroutine[Any, Any, T]]) -> T:
    """Run ``main(loop)`` to completion on a fresh virtual-time loop."""
    loop = VirtualLoop()
    try:
        return loop.run_until_complete(main(loop))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


@dataclass(frozen=True)
class Call:
    """One sendMessage as Telegram saw it: arrival (virtual seconds), chat, text, 429 or not."""

    at: float
    chat_id: int
    text: str
    paid: bool
    retry_after: int | None  # set: answered 429


class Telegram:
    """Answers the throttle's sends on the virtual clock, under a sandbox accounting model."""

    def __init__(self, loop: VirtualLoop, limits: SandboxLimits, *, latency: float = 0.02, seed: int = 7) -> None:
        self.loop = loop
        self.flood = RateLimiter(limits, loop.time)
        self.latency = latency
        self.jitter = limits.jitter
        self._random = random.Random(seed)
        self._refusals: deque[int] = deque()
        self.calls: list[Call] = []
        self.bot = Bot(token=SANDBOX_TOKEN)  # only passed along; no request leaves the process

    @property
    def round_trip(self) -> float:
        """The longest a call can take there and back."""
        return 2 * (self.latency + self.jitter)

    def refuse_next(self, count: int, retry_after: int) -> None:
        """Answer the next ``count`` sends 429 with ``retry_after`` (nominal seconds)."""
        self._refusals.extend([retry_after] * count)

    async def __call__(self, bot: Bot, method: m.SendMessage) -> bool:
        await asyncio.sleep(self._leg())
        chat_id = int(method.chat_id)
        paid = method.allow_paid_broadcast is True
        retry_after = self._refusals.popleft() if self._refusals else None
        if retry_after is None:
            try:
                self.flood.acquire(chat_id, "private" if is_private(chat_id) else "group", call=SEND, paid=paid)
            except ApiError as exc:
                retry_after = int((exc.parameters or {})["retry_after"])
        self.calls.append(Call(self.loop.time(), chat_id, method.text, paid, retry_after))
        await asyncio.sleep(self._leg())
        if retry_after is not None:
            raise TelegramRetryAfter(method, f"Too Many Requests: retry after {retry_after}", retry_after)
        return True

    def _leg(self) -> float:
        return self.latency + self._random.uniform(0, self.jitter)

    async def send(self, throttle: Throttle, chat_id: int, text: str, *, bulk_send: bool = False, paid: bool = False) -> None:
        """One sendMessage through the throttle, as the bot's session would make it."""
        method = m.SendMessage(chat_id=chat_id, text=text, allow_paid_broadcast=True if paid else None)
        if bulk_send:
            with bulk():
                await throttle(self, self.bot, method)  # type: ignore[arg-type]
        else:
            await throttle(self, self.bot, method)  # type: ignore[arg-type]

    def delivered(self) -> dict[int, list[str]]:
        """Texts each chat received (answered 200), in arrival order."""
        chats: dict[int, list[str]] = {}
        for call in self.calls:
            if call.retry_after is None:
                chats.setdefault(call.chat_id, []).append(call.text)
        return chats

    @property
    def refused(self) -> list[Call]:
        return [call for call in self.calls if call.retry_after is not None]


def busiest(stamps: Sequence[float], window: float) -> int:
    """Most stamps in any half-open interval [s, s + window)."""
    ordered = sorted(stamps)
    return max((sum(1 for t in ordered if s <= t < s + window) for s in ordered), default=0)
