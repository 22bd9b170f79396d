"""Injected failures: blocked users, kicked bots, server errors, slow answers, dropped sockets.

These are the situations a broadcasting bot meets daily in production and must survive
(deactivate the subscription on 403, retry 5xx, time out on a hung connection). The sandbox
makes each one reproducible on demand.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from .errors import ApiError, forbidden

BLOCKED = "Forbidden: bot was blocked by the user"
DEACTIVATED = "Forbidden: user is deactivated"
_KICKED = {
    "group": "Forbidden: bot was kicked from the group chat",
    "supergroup": "Forbidden: bot was kicked from the supergroup chat",
    "channel": "Forbidden: bot is not a member of the channel chat",
}
_SERVER_TEXTS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass
class Failure:
    """An error to answer instead of executing the next ``remaining`` matching calls."""

    method: str  # method name or "*"; matched case-insensitively
    status: int
    description: str
    remaining: int
    parameters: dict[str, Any] | None = None

    @classmethod
    def server_error(cls, method: str, status: int, count: int, description: str | None,
                     parameters: dict[str, Any] | None) -> Failure:
        """A failure whose description defaults to the HTTP reason for ``status``."""
        text = description or _SERVER_TEXTS.get(status, "Internal Server Error")
        return cls(method.lower(), status, text, count, parameters)


def _matches(pattern: str, method: str) -> bool:
    return pattern == "*" or pattern.lower() == method.lower()


class Faults:
    """Registry of active faults, consulted by the HTTP layer and the chat-targeted methods."""

    def __init__(self) -> None:
        self.forbidden: dict[int, str] = {}
        self._failures: list[Failure] = []
        self._delays: list[tuple[float, frozenset[str] | None]] = []
        self._drops: list[list[Any]] = []  # [remaining, methods or None]
        self._holds: dict[frozenset[str] | None, asyncio.Event] = {}

    # -- chat-level ---------------------------------------------------------------------------

    def block_chat(self, chat_id: int, description: str = BLOCKED) -> None:
        """Every chat-targeted call to ``chat_id`` fails with 403 ``description``."""
        self.forbidden[chat_id] = description

    def kick(self, chat: dict[str, Any]) -> None:
        """The bot was removed from a group/supergroup/channel."""
        self.forbidden[chat["id"]] = _KICKED.get(chat["type"], _KICKED["group"])

    def unblock_chat(self, chat_id: int) -> None:
        """Undo block_chat / deactivate_user / kick_from_chat."""
        self.forbidden.pop(chat_id, None)

    def check_chat(self, chat_id: int) -> None:
        """Raise the chat's 403 if it has one."""
        if chat_id in self.forbidden:
            raise forbidden(self.forbidden[chat_id])

    # -- call-level ---------------------------------------------------------------------------

    def add_failure(self, failure: Failure) -> None:
        """Queue an injected error for the next calls of ``failure.method``."""
        self._failures.append(failure)

    def take_failure(self, method: str) -> ApiError | None:
        """Consume one queued failure for ``method``, if any."""
        for failure in self._failures:
            if _matches(failure.method, method):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                return ApiError(failure.status, failure.description, failure.parameters)
        return None

    def set_delay(self, seconds: float, methods: list[str] | tuple[str, ...] | None = None) -> None:
        """Answer ``methods`` (all when None) only after ``seconds``; 0 clears that delay."""
        key = frozenset(m.lower() for m in methods) if methods else None
        self._delays = [(s, m) for s, m in self._delays if m != key]
        if seconds > 0:
            self._delays.append((seconds, key))

    def delay_for(self, method: str) -> float:
        """Longest delay configured for ``method``."""
        lowered = method.lower()
        return max((s for s, m in self._delays if m is None or lowered in m), default=0.0)

    def hold(self, methods: list[str] | tuple[str, ...] | None = None) -> None:
        """Keep answers to ``methods`` (all when None) until :meth:`release`, however long.

        Unlike a delay, a hold lets a test see what the client does while answers are outstanding
        (how many requests it pipelines) without waiting any fixed time.
        """
        key = frozenset(m.lower() for m in methods) if methods else None
        self._holds.setdefault(key, asyncio.Event())

    def release(self) -> None:
        """Answer every held request and stop holding."""
        for gate in self._holds.values():
            gate.set()
        self._holds.clear()

    async def pass_holds(self, method: str) -> None:
        """Return once no hold covers ``method``."""
        lowered = method.lower()
        for key, gate in list(self._holds.items()):
            if key is None or lowered in key:
                await gate.wait()

    def drop_connections(
        self, count: int = 1, methods: list[str] | tuple[str, ...] | None = None
    ) -> None:
        """Close the next ``count`` connections without any answer."""
        key = frozenset(m.lower() for m in methods) if methods else None
        self._drops.append([count, key])

    def take_drop(self, method: str) -> bool:
        """Consume one pending connection drop for ``method``."""
        lowered = method.lower()
        for drop in self._drops:
            if drop[1] is None or lowered in drop[1]:
                drop[0] -= 1
                if drop[0] <= 0:
                    self._drops.remove(drop)
                return True
        return False
