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
from collections import deque
from dataclasses import dataclass

from .errors import ApiError


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
    """

    enforce: bool = False
    global_per_second: int = 30
    private_per_second: int = 1
    group_per_minute: int = 20
    time_scale: float = 1.0
    float_retry_after: bool = False
    edits_count_per_chat: bool = True
    edits_count_globally: bool = False
    strict_ampersand: bool = True
    callback_query_ttl: float = 15.0

    def real_seconds(self, nominal: float) -> float:
        """Convert nominal Telegram seconds (e.g. a retry_after) to wall-clock seconds."""
        return nominal / self.time_scale


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
    """Counts message-producing calls and rejects the ones Telegram would flood-limit."""

    def __init__(self, limits: SandboxLimits) -> None:
        self.limits = limits
        self._origin = time.monotonic()
        self._global = _Window(1.0)
        self._chats: dict[int, tuple[_Window, str]] = {}
        self.rejected = 0
        self.violations = 0  # would-be 429s while enforcement is off

    def _now(self) -> float:
        return (time.monotonic() - self._origin) * self.limits.time_scale

    def _chat_window(self, chat_id: int, chat_type: str) -> tuple[_Window, str]:
        """Per-chat window: 1 s for private chats, 60 s for groups, supergroups and channels."""
        entry = self._chats.get(chat_id)
        if entry is None:
            kind = "private" if chat_type == "private" else "group"
            entry = (_Window(1.0 if kind == "private" else 60.0), kind)
            self._chats[chat_id] = entry
        return entry

    def _limit(self, kind: str) -> int:
        if kind == "global":
            return self.limits.global_per_second
        if kind == "private":
            return self.limits.private_per_second
        return self.limits.group_per_minute

    def acquire(self, chat_id: int, chat_type: str, *, edit: bool = False) -> None:
        """Account one message to ``chat_id``; raise 429 if over the limits (when enforced)."""
        windows: list[tuple[_Window, str]] = []
        if not edit or self.limits.edits_count_globally:
            windows.append((self._global, "global"))
        if not edit or self.limits.edits_count_per_chat:
            windows.append(self._chat_window(chat_id, chat_type))
        if not windows:
            return
        now = self._now()
        wait = max(w.wait(now, self._limit(kind)) for w, kind in windows)
        if wait > 0:
            if self.limits.enforce:
                self.rejected += 1
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
