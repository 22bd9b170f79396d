"""Update queue: getUpdates long polling with offset confirmation, or webhook delivery.

Both delivery modes share one queue of unconfirmed updates, as in Telegram: getUpdates
confirms by ``offset``; a webhook confirms an update by answering 2xx. While a webhook is set,
getUpdates answers 409 Conflict — the error a bot sees in production when a stale webhook is
left behind, so tests can cover the bot's deleteWebhook-on-start logic.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from .errors import POLL_TERMINATED, WEBHOOK_ACTIVE, ApiError
from .store import Notifier

# Telegram delivers these only when explicitly listed in allowed_updates.
_OPT_IN = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_MAX_BACKOFF = 1.0

ReplyHandler = Callable[[str, dict[str, Any]], Awaitable[None]]


@dataclass
class Webhook:
    """Active setWebhook configuration plus delivery diagnostics for getWebhookInfo."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    delivered: list[dict[str, Any]] = field(default_factory=list)


def update_type(update: dict[str, Any]) -> str:
    """The Update's payload field name (message, callback_query, ...)."""
    return next((key for key in update if key != "update_id"), "unknown")


class UpdateQueue:
    """Pending updates, long-poll waiters and the webhook sender."""

    def __init__(self, on_webhook_reply: ReplyHandler) -> None:
        self.pending: list[dict[str, Any]] = []
        self.dropped: list[dict[str, Any]] = []
        self.allowed: list[str] | None = None
        self.webhook: Webhook | None = None
        self.closing = False
        self._on_reply = on_webhook_reply
        self._next_id = 1
        self._arrived = Notifier()
        self._poll_generation = 0
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    # -- producing ----------------------------------------------------------------------------

    def inject(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (assigning update_id), unless allowed_updates filters its type out."""
        update = {"update_id": self._next_id, **update}
        self._next_id = max(self._next_id, update["update_id"]) + 1
        kind = update_type(update)
        allowed = self.webhook.allowed_updates if self.webhook else self.allowed
        if (kind not in allowed) if allowed else (kind in _OPT_IN):
            self.dropped.append(update)
            return update
        self.pending.append(update)
        self._arrived.notify()
        return update

    # -- getUpdates ---------------------------------------------------------------------------

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        elif offset < 0:
            self.pending = self.pending[offset:]

    async def get_updates(
        self, offset: int, limit: int, timeout: float, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        """Long-poll: answer at once if updates are pending, else hold up to ``timeout`` s."""
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        if allowed is not None:
            self.allowed = allowed or None
        self._poll_generation += 1
        generation = self._poll_generation
        self._arrived.notify()  # an older poll still waiting is terminated with 409
        self._confirm(offset)
        limit = min(max(limit or 100, 1), 100)
        deadline = time.monotonic() + max(timeout, 0)
        while True:
            if self.pending or self.closing:
                return self.pending[:limit]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            await self._arrived.wait(remaining)
            if generation != self._poll_generation:
                raise ApiError(409, POLL_TERMINATED)
            if self.webhook is not None:
                raise ApiError(409, WEBHOOK_ACTIVE)

    # -- webhook ------------------------------------------------------------------------------

    def set_webhook(self, hook: Webhook, drop_pending: bool) -> None:
        """Activate webhook delivery (pending updates are delivered too unless dropped)."""
        if drop_pending:
            self.pending.clear()
        self.webhook = hook
        self._arrived.notify()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._deliver_loop(), name="sandbox-webhook")

    async def delete_webhook(self, drop_pending: bool) -> None:
        """Stop webhook delivery; remaining updates wait for getUpdates."""
        self.webhook = None
        if drop_pending:
            self.pending.clear()
        await self._stop_task()

    async def _stop_task(self) -> None:
        """Stop the sender and its HTTP session (no leaked session if stop() is skipped)."""
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            if self._session is not None:
                await self._session.close()
                self._session = None

    async def _deliver_loop(self) -> None:
        backoff = 0.05
        while self.webhook is not None and not self.closing:
            if not self.pending:
                await self._arrived.wait(1.0)
                continue
            hook, update = self.webhook, self.pending[0]
            error = await self._post(hook, update)
            if error is None:
                if self.pending and self.pending[0] is update:
                    self.pending.pop(0)
                backoff = 0.05
                continue
            hook.last_error_date = int(time.time())
            hook.last_error_message = error
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, _MAX_BACKOFF)

    async def _post(self, hook: Webhook, update: dict[str, Any]) -> str | None:
        """POST one update; None on success, else Telegram-style last_error_message."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        headers = {}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        try:
            async with self._session.post(hook.url, json=update, headers=headers) as resp:
                if not 200 <= resp.status < 300:
                    return f"Wrong response from the webhook: {resp.status} {resp.reason}"
                reply = await _read_reply(resp)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return f"Connection failed: {type(exc).__name__}"
        hook.delivered.append(update)
        if reply and isinstance(reply.get("method"), str):
            method = reply.pop("method")
            with contextlib.suppress(ApiError):  # Telegram ignores failures of reply methods
                await self._on_reply(method, reply)
        return None

    async def close(self) -> None:
        """Release long polls and stop the webhook sender."""
        self.closing = True
        self._arrived.notify()
        await self._stop_task()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def webhook_info(self) -> dict[str, Any]:
        """WebhookInfo object."""
        hook = self.webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        if hook:
            info["max_connections"] = hook.max_connections
            if hook.allowed_updates:
                info["allowed_updates"] = hook.allowed_updates
            if hook.last_error_date:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info


async def _read_reply(resp: aiohttp.ClientResponse) -> dict[str, Any] | None:
    """A webhook answer may carry a method call, as JSON or as multipart form (aiogram)."""
    ctype = resp.content_type
    if ctype == "application/json":
        with contextlib.suppress(ValueError):
            body = json.loads(await resp.text() or "null")
            return body if isinstance(body, dict) else None
        return None
    if ctype.startswith("multipart/"):
        reader = aiohttp.MultipartReader.from_response(resp)
        fields: dict[str, Any] = {}
        while (part := await reader.next()) is not None:
            if isinstance(part, aiohttp.BodyPartReader) and part.name:
                fields[part.name] = await part.text()
        return fields
    return None
