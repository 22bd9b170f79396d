"""The sandbox's state and the dispatcher that runs one Bot API call against it.

Kept apart from HTTP (server.py) and from the test-side API (sandbox.py) so that webhook
replies and tests can execute methods without a socket, and so method modules depend on one
small object instead of on the whole Sandbox.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections import Counter
from typing import Any

from . import api_bot, api_chats, api_edit, api_media, api_send  # noqa: F401 - register the methods
from . import api_files  # noqa: F401 - getFile; the bytes of uploads and of users' documents
from .chats import ChatRegistry
from .errors import ApiError, not_found
from .faults import Faults
from .forums import Forums
from .html import parse_formatted
from .limits import RateLimiter, SandboxLimits
from .models import CallRecord
from .params import Params
from .registry import lookup
from .store import MessageStore, Notifier
from .updates import UpdateQueue

SANDBOX_TOKEN = "123456789:SANDBOX-token"
TOKEN_RE = re.compile(r"^(\d{1,20}):([A-Za-z0-9_-]+)$")


class Core:
    """Everything a method implementation may touch."""

    def __init__(
        self, limits: SandboxLimits, token: str, bot_username: str, bot_name: str
    ) -> None:
        match = TOKEN_RE.match(token)
        if match is None:
            raise ValueError(f"token must look like '<digits>:<chars>', got {token!r}")
        self.limits = limits
        self.token = token
        # Tokens @BotFather revoked: Telegram answers 401 Unauthorized to every call made with one.
        self.revoked_tokens: set[str] = set()
        self.bot_user: dict[str, Any] = {
            "id": int(match.group(1)),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.notifier = Notifier()
        self.chats = ChatRegistry(self.bot_user)
        self.store = MessageStore(self.notifier)
        self.updates = UpdateQueue(self._webhook_reply)
        self.limiter = RateLimiter(limits)
        self._random = random.Random(limits.seed)
        self.faults = Faults()
        self.files = api_files.FileStore()
        self.forums = Forums()
        self.calls: list[CallRecord] = []
        self.callbacks: dict[str, dict[str, Any]] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.errors: Counter[int] = Counter()
        self.in_flight: Counter[str] = Counter()  # requests received and not answered yet, by method
        # When the bot's harness reports finished updates (LocalBot does), "the bot did nothing
        # more" is an event instead of a grace period: update_id -> done, for updates a test awaits.
        self.reports_handling = False
        self.handled: dict[int, bool] = {}
        self.sent = 0
        self.edited = 0
        self.time_offset = 0  # seconds added to message dates (tests of the 48 h delete window)

    # -- helpers for method implementations -----------------------------------------------------

    def now(self) -> int:
        """Unix time for message dates (moved by ``time_offset``)."""
        return int(time.time()) + self.time_offset

    def me(self, token: str | None = None) -> dict[str, Any]:
        """The bot's User object; the id follows the token actually used, as in Telegram."""
        user = {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        match = TOKEN_RE.match(token or "")
        if match:
            user["id"] = int(match.group(1))
        return user

    def target_chat(self, p: Params, field: str = "chat_id") -> dict[str, Any]:
        """The chat a call writes to: must be known, not migrated and not blocked/kicked."""
        chat = self.chats.resolve(p.raw.get(field))
        self.faults.check_chat(chat["id"])
        return chat

    def format(self, text: str, parse_mode: str | None, entities: Any) -> tuple[str, list]:
        """Parse message text/caption with the sandbox's HTML strictness."""
        return parse_formatted(
            text, parse_mode, entities, strict_ampersand=self.limits.strict_ampersand
        )

    # -- dispatch -------------------------------------------------------------------------------

    async def call(self, method: str, raw: dict[str, Any], token: str | None = None) -> Any:
        """Run one API call and record it; raises ApiError like Telegram would answer it."""
        if self.limits.jitter > 0:  # the network's, so real (not nominal) seconds
            await asyncio.sleep(self._random.uniform(0, self.limits.jitter))
        entry = lookup(method)
        at = time.monotonic()
        name = entry[0] if entry else method
        try:
            if entry is None:
                raise not_found()
            failure = self.faults.take_failure(name)
            if failure is not None:
                raise failure
            params = Params(raw, token or self.token)
            result = await entry[1](self, params)
        except ApiError as exc:
            self.errors[exc.error_code] += 1
            self.calls.append(
                CallRecord(name, raw, exc.error_code, exc.error_code, at, exc.description)
            )
            raise
        self.calls.append(CallRecord(name, raw, 200, None, at))
        self.files.capture(raw, result)
        return result

    async def _webhook_reply(self, method: str, raw: dict[str, Any]) -> None:
        """A method returned in a webhook answer is executed like a normal call."""
        await self.call(method, raw)

    def stats(self) -> dict[str, Any]:
        """Counters for benchmarks and rate assertions."""
        return {
            "calls": len(self.calls),
            "sent": self.sent,
            "edited": self.edited,
            "rejected_429": self.limiter.rejected,
            "rejected_429_by_chat": dict(self.limiter.rejected_by_chat),
            "limit_violations": self.limiter.violations,
            "errors": dict(self.errors),
            "by_method": dict(Counter(c.method for c in self.calls)),
        }
