"""Sandbox configuration and Telegram-like flood control.

Telegram's documented soft limits for bots are ~30 messages/s overall, 1 message/s per private
chat and 20 messages/min per group or channel; beyond them it answers 429 with
``parameters.retry_after``. Enforcement is off by default so functional tests run at full speed;
rate tests and benchmarks switch it on (optionally with ``time_scale`` to run faster than real
time while keeping every ratio intact).
"""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import ApiError


# What a call is, for flood control: message-producing calls, edits, and deletes/pins.
SEND, EDIT, DELETE, PIN = "send", "edit", "delete", "pin"


@dataclass
class SandboxLimits:
    """Configuration of the sandbox; rates are in Telegram ("nominal") seconds.

    ``time_scale`` > 1 makes nominal time pass faster: with 10.0 the private-chat window is
    0.1 real seconds and a group allows 20 messages per 6 real seconds.

    ``retry_after`` in a 429 is always ``ceil`` of the nominal wait. Because aiogram declares
    ``ResponseParameters.retry_after`` as ``int`` (a float makes it raise ClientDecodeError
    instead of TelegramRetryAfter), it stays an integer of *nominal* seconds by default: a client
    under a scaled sandbox must sleep ``retry_after / time_scale``
    (see :meth:`real_seconds`). Set ``float_retry_after`` to report the real wait as a float for
    clients that accept it.

    Telegram does not document its accounting, so two readings of it are modelled (see
    :meth:`model`): "default" (edits count per chat only; deletes and pins are free; a private
    chat takes 1 message in any second) and "strict" (a private chat takes a burst of 3 in any
    3 s; edits, deletes and pins count per chat *and* toward the global 30/s like sends; every
    request is delayed by a few ms of random network jitter, so arrival order and spacing are
    not the bot's). Pacing that holds under both holds under any reasonable reading.
    """

    enforce: bool = False
    global_per_second: int = 30
    private_per_second: int = 1
    # Length in nominal seconds of the private-chat window: it holds private_per_second × this
    # many messages (1.0: one per second; 3.0: a burst of 3 in any 3 s).
    private_window: float = 1.0
    group_per_minute: int = 20
    # Messages sent with allow_paid_broadcast count toward this global rate instead of the 30/s.
    paid_per_second: int = 1000
    time_scale: float = 1.0
    float_retry_after: bool = False
    edits_count_per_chat: bool = True
    edits_count_globally: bool = False
    deletes_and_pins_count: bool = False  # counted like edits (per chat, globally if edits are)
    jitter: float = 0.0  # real seconds: each request waits uniform(0, jitter) before it is served
    seed: int = 7  # of the jitter, so a run can be repeated
    strict_ampersand: bool = True
    callback_query_ttl: float = 15.0

    @classmethod
    def model(cls, name: str, **overrides: Any) -> "SandboxLimits":
        """An enforcing sandbox under the named accounting model ("default" or "strict")."""
        if name not in MODELS:
            raise ValueError(f"unknown sandbox model {name!r}; known: {', '.join(MODELS)}")
        return cls(**{"enforce": True, **MODELS[name], **overrides})

    def real_seconds(self, nominal: float) -> float:
        """Convert nominal Telegram seconds (e.g. a retry_after) to wall-clock seconds."""
        return nominal / self.time_scale


MODELS: dict[str, dict[str, Any]] = {
    "default": {},
    "strict": {
        "private_window": 3.0, "edits_count_globally": True, "deletes_and_pins_count": True, "jitter": 0.004,
    },
}


class _Window:
    """Sliding-window log of event times; the limit is read per check so it can be retuned."""

    __slots__ = ("length", "stamps")

    def __init__(self, length: float) -> None:
        self.length = length
        self.stamps: deque[float] = deque()

    def wait(self, now: float, limit: int) -> float:
        """Nominal seconds until one more event fits under ``limit`` (0 if it fits now)."""
        while self.stamps and self.stamps[0] <= now - self.length:
            self.stamps.popleft()
        if len(self.stamps) < limit:
            return 0.0
        return self.stamps[len(self.stamps) - max(limit, 1)] + self.length - now


class RateLimiter:
    """Counts rate-limited calls and rejects the ones Telegram would flood-limit."""

    def __init__(self, limits: SandboxLimits, clock: Callable[[], float] = time.monotonic) -> None:
        """``clock`` gives real seconds: a virtual one lets a test check a client's pacing by
        the same accounting without waiting for it (tests/delivery/virtual.py)."""
        self.limits = limits
        self._clock = clock
        self._origin = clock()
        self._global = _Window(1.0)
        self._paid = _Window(1.0)
        self._chats: dict[int, tuple[_Window, str]] = {}
        self.rejected = 0
        self.rejected_by_chat: Counter[int] = Counter()
        self.violations = 0  # would-be 429s while enforcement is off

    def _now(self) -> float:
        return (self._clock() - self._origin) * self.limits.time_scale

    def _chat_window(self, chat_id: int, chat_type: str) -> tuple[_Window, str]:
        """Per-chat window: private chats per ``private_window``; groups, channels per minute."""
        entry = self._chats.get(chat_id)
        if entry is None:
            kind = "private" if chat_type == "private" else "group"
            entry = (_Window(self.limits.private_window if kind == "private" else 60.0), kind)
            self._chats[chat_id] = entry
        return entry

    def _limit(self, kind: str) -> int:
        if kind == "global":
            return self.limits.global_per_second
        if kind == "paid":
            return self.limits.paid_per_second
        if kind == "private":
            return max(1, round(self.limits.private_per_second * self.limits.private_window))
        return self.limits.group_per_minute

    def _windows(self, chat_id: int, chat_type: str, call: str, paid: bool) -> list[tuple[_Window, str]]:
        limits = self.limits
        if call == SEND:
            per_chat = every = True
        elif call == EDIT or limits.deletes_and_pins_count:
            per_chat, every = limits.edits_count_per_chat, limits.edits_count_globally
        else:
            return []
        windows: list[tuple[_Window, str]] = []
        if every:
            windows.append((self._paid, "paid") if paid and call == SEND else (self._global, "global"))
        if per_chat:
            windows.append(self._chat_window(chat_id, chat_type))
        return windows

    def acquire(self, chat_id: int, chat_type: str, *, call: str = SEND, paid: bool = False) -> None:
        """Account one call to ``chat_id``; raise 429 if over the limits (when enforced).

        ``call`` is SEND, EDIT, DELETE or PIN; ``paid`` sends (allow_paid_broadcast) count toward
        the paid global rate instead of the free one.
        """
        windows = self._windows(chat_id, chat_type, call, paid)
        if not windows:
            return
        now = self._now()
        wait = max(w.wait(now, self._limit(kind)) for w, kind in windows)
        if wait > 0:
            if self.limits.enforce:
                self.rejected += 1
                self.rejected_by_chat[chat_id] += 1
                raise self._too_many(wait)
            self.violations += 1
        for window, _ in windows:
            window.stamps.append(now)

    def _too_many(self, wait: float) -> ApiError:
        nominal = max(1, math.ceil(wait - 1e-9))
        retry: float = nominal
        if self.limits.float_retry_after and self.limits.time_scale != 1.0:
            retry = self.limits.real_seconds(nominal)
        return ApiError(
            429, f"Too Many Requests: retry after {retry:g}", {"retry_after": retry}
        )
