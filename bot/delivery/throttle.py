"""The request middleware every Bot API call of the bot passes through.

Installed on the Bot's session (``bot.session.middleware(throttle)``), so command replies sent
with ``message.answer`` are paced and protected exactly like digests and broadcasts — there is no
second path to Telegram that could flood it. Per call it:

* waits for rate slots (global + per chat) for every call Telegram may rate-limit: sends,
  copies, forwards, edits, deletes, pins; bulk sends (``with bulk():``, set by the outbox
  worker) wait behind interactive ones; ``allow_paid_broadcast`` sends use the paid budget;
* on 429 pauses the chat for ``retry_after`` (the whole bot, with a lower rate, when several
  chats got one in a short time: see limiter.py) and retries;
* retries 5xx and network errors with exponential backoff and jitter, a bounded number of times;
* follows a group→supergroup migration (Chats.migrate) and re-issues the call;
* deactivates chats that blocked or removed the bot (403) or vanished ("chat not found");
* resends text Telegram cannot parse as plain text (logged with the job) instead of losing it;
* treats "message is not modified" as success.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram import methods as m
from aiogram.client.default import Default
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.delivery.chats import Chats
from bot.delivery.limiter import BULK, INTERACTIVE, Limiter, RateLimits
from bot.delivery.split import plain_text

log = logging.getLogger(__name__)

_BULK: ContextVar[bool] = ContextVar("delivery_bulk", default=False)
_JOB: ContextVar[str | None] = ContextVar("delivery_job", default=None)

SENDS: tuple[type[TelegramMethod[Any]], ...] = (
    m.SendMessage, m.SendPhoto, m.SendAudio, m.SendDocument, m.SendVideo, m.SendAnimation,
    m.SendVoice, m.SendVideoNote, m.SendMediaGroup, m.SendLocation, m.SendVenue, m.SendContact,
    m.SendPoll, m.SendDice, m.SendSticker, m.SendPaidMedia, m.SendInvoice, m.SendGame,
    m.CopyMessage, m.CopyMessages, m.ForwardMessage, m.ForwardMessages,
)
EDITS: tuple[type[TelegramMethod[Any]], ...] = (
    m.EditMessageText, m.EditMessageCaption, m.EditMessageMedia, m.EditMessageReplyMarkup,
    m.EditMessageLiveLocation, m.StopMessageLiveLocation, m.StopPoll,
)
# Not messages, but Telegram may count them like edits: they get a slot too.
OTHERS: tuple[type[TelegramMethod[Any]], ...] = (
    m.DeleteMessage, m.DeleteMessages, m.PinChatMessage, m.UnpinChatMessage, m.UnpinAllChatMessages,
)
# A forum topic that was deleted or closed: its subscription ends, the chat's others go on.
TOPIC_GONE = ("message thread not found", "topic_closed", "topic_deleted")
_CAPTIONED = (m.SendPhoto, m.SendAudio, m.SendDocument, m.SendVideo, m.SendAnimation, m.SendVoice,
              m.EditMessageCaption, m.CopyMessage)


@contextlib.contextmanager
def priority(*, bulk: bool) -> Iterator[None]:
    """Sends in this context are bulk (wait behind interactive ones) or interactive."""
    token = _BULK.set(bulk)
    try:
        yield
    finally:
        _BULK.reset(token)


def bulk() -> contextlib.AbstractContextManager[None]:
    """Mark the sends of this context (and tasks it starts) as bulk: digests, broadcasts."""
    return priority(bulk=True)


@contextlib.contextmanager
def delivery_context(label: str) -> Iterator[None]:
    """Name the job a send belongs to, for the warnings the throttle logs about it."""
    token = _JOB.set(label)
    try:
        yield
    finally:
        _JOB.reset(token)


@dataclass(frozen=True)
class RetryPolicy:
    """How long transient failures are retried inside one call before the caller sees them."""

    tries: int = 6  # attempts in all for 5xx / network errors
    base: float = 0.5  # seconds before the first retry
    cap: float = 30.0
    flood_tries: int = 25  # 429 answers one call may get before giving up

    def backoff(self, attempt: int) -> float:
        """Exponential with "equal jitter": retries of a burst do not come back in lockstep."""
        delay = min(self.cap, self.base * 2**attempt)
        return delay / 2 + random.uniform(0, delay / 2)


@dataclass
class ThrottleStats:
    """Counters for tests, benchmarks and /stats."""

    calls: int = 0
    sent: int = 0
    flood_waits: int = 0
    flood_scopes: dict[str, int] = field(default_factory=dict)
    server_errors: int = 0
    network_errors: int = 0
    migrations: int = 0
    deactivations: int = 0
    plain_fallbacks: int = 0
    not_modified: int = 0


def _kind(method: TelegramMethod[Any]) -> str | None:
    if isinstance(method, SENDS):
        return "send"
    if isinstance(method, EDITS):
        return "edit"
    if isinstance(method, OTHERS):
        return "other"
    return None


class Throttle(BaseRequestMiddleware):
    """Rate limits, retries and error classes for every call of one Bot (see module doc)."""

    def __init__(
        self,
        limits: RateLimits | None = None,
        chats: Chats | None = None,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``clock``: the limiter's time base, the event loop's (see :class:`Limiter`)."""
        self.chats = chats
        self.clock = clock
        self.retry = retry or RetryPolicy()
        self.stats = ThrottleStats()
        self._migrated: dict[int, int] = {}
        self.configure(limits or RateLimits())

    def release_bulk(self) -> int:
        """Graceful stop: bulk sends not yet on the wire give their place back (Released)."""
        return self.limiter.release_bulk()

    def reopen_bulk(self) -> None:
        self.limiter.reopen_bulk()

    def has_budget(self, chat_id: int | str) -> bool:
        """Whether an optional call (a progress edit) to the chat would go out without waiting."""
        return self.limiter.has_budget(chat_id)

    def configure(self, limits: RateLimits, retry: RetryPolicy | None = None) -> None:
        """Replace the limits (tests and benchmarks with a time-scaled sandbox); not mid-traffic."""
        self.limits = limits
        self.limiter = Limiter(limits, self.clock)
        if retry is not None:
            self.retry = retry

    def install(self, bot: Bot) -> None:
        """Put the throttle on the bot's session once (startup may run again on the same Bot)."""
        if self not in bot.session.middleware:
            bot.session.middleware(self)

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(method, m.GetUpdates):  # long polling has its own backoff in aiogram
            return await make_request(bot, method)
        self.stats.calls += 1
        kind = _kind(method)
        method = self._follow_migration(method)
        failures = floods = 0
        while True:
            chat_id = getattr(method, "chat_id", None)
            try:
                if kind is not None and chat_id is not None:
                    rank = BULK if _BULK.get() else INTERACTIVE
                    paid = kind == "send" and getattr(method, "allow_paid_broadcast", None) is True
                    async with self.limiter.slot(chat_id, priority=rank, paid=paid):
                        result = await make_request(bot, method)
                else:
                    result = await make_request(bot, method)
            except TelegramRetryAfter as exc:
                floods += 1
                if floods > self.retry.flood_tries:
                    raise
                await self._flood(chat_id if kind else None, exc)
            except TelegramMigrateToChat as exc:
                if not isinstance(chat_id, int) or exc.migrate_to_chat_id == chat_id:
                    raise
                await self._migrate(chat_id, exc.migrate_to_chat_id)
                method = method.model_copy(update={"chat_id": exc.migrate_to_chat_id})
            except TelegramEntityTooLarge:
                raise
            except (TelegramServerError, TelegramNetworkError) as exc:
                failures += 1
                if isinstance(exc, TelegramServerError):
                    self.stats.server_errors += 1
                else:
                    self.stats.network_errors += 1
                if failures >= self.retry.tries:
                    raise
                delay = self.retry.backoff(failures - 1)
                log.info("transient error, retrying", extra={"method": type(method).__name__, "error": str(exc), "delay": delay})
                await asyncio.sleep(delay)
            except TelegramForbiddenError as exc:
                await self._deactivate(chat_id, exc.message)
                raise
            except TelegramBadRequest as exc:
                outcome = await self._bad_request(bot, method, kind, exc)
                if outcome is True:
                    return True  # type: ignore[return-value]  # what an edit returns
                if outcome is None:
                    raise
                method = outcome
            else:
                if kind == "send":
                    self.stats.sent += 1
                return result

    async def _flood(self, chat_id: int | str | None, exc: TelegramRetryAfter) -> None:
        """Pause the scope for retry_after; the retry then waits its turn like every other send."""
        self.stats.flood_waits += 1
        seconds = self.limits.real(exc.retry_after)
        if chat_id is None:
            await asyncio.sleep(seconds)
            return
        scope = self.limiter.flooded(chat_id, seconds)
        self.stats.flood_scopes[scope] = self.stats.flood_scopes.get(scope, 0) + 1
        log.warning("flood control: %s paused for %.2fs", scope, seconds, extra={"chat_id": chat_id})

    async def _bad_request(
        self, bot: Bot, method: TelegramMethod[Any], kind: str | None, exc: TelegramBadRequest
    ) -> TelegramMethod[Any] | bool | None:
        """True: treat as success; a method: re-issue it; None: the caller re-raises."""
        text = exc.message.lower()
        if "chat not found" in text:
            await self._deactivate(getattr(method, "chat_id", None), exc.message)
            return None
        if any(gone in text for gone in TOPIC_GONE):
            chat_id, thread_id = getattr(method, "chat_id", None), getattr(method, "message_thread_id", None)
            if self.chats is not None and isinstance(chat_id, int) and isinstance(thread_id, int):
                await self.chats.topic_gone(chat_id, thread_id, exc.message)
            return None
        if "message is not modified" in text and kind == "edit":
            self.stats.not_modified += 1
            return True
        if "can't parse entities" in text:
            fallback = _as_plain(bot, method)
            if fallback is not None:
                self.stats.plain_fallbacks += 1
                log.warning(
                    "Telegram refused the HTML of %s (job %s, chat %s): %s; resending as plain text",
                    type(method).__name__, _JOB.get() or "-", getattr(method, "chat_id", None), exc.message,
                )
                return fallback
        return None

    def _follow_migration(self, method: TelegramMethod[TelegramType]) -> TelegramMethod[TelegramType]:
        chat_id = getattr(method, "chat_id", None)
        if isinstance(chat_id, int) and chat_id in self._migrated:
            return method.model_copy(update={"chat_id": self._migrated[chat_id]})
        return method

    async def _migrate(self, old_id: int, new_id: int) -> None:
        self.stats.migrations += 1
        self._migrated[old_id] = new_id
        if self.chats is not None:
            await self.chats.migrate(old_id, new_id)

    async def _deactivate(self, chat_id: Any, reason: str) -> None:
        if not isinstance(chat_id, int):
            return
        self.stats.deactivations += 1
        if self.chats is not None:
            await self.chats.deactivate(chat_id, reason)


def _as_plain(bot: Bot, method: TelegramMethod[Any]) -> TelegramMethod[Any] | None:
    """The same call with its HTML text/caption turned into plain text, or None if not HTML."""
    parse_mode = getattr(method, "parse_mode", None)
    if isinstance(parse_mode, Default):
        parse_mode = bot.default[parse_mode.name]
    if parse_mode is None or str(getattr(parse_mode, "value", parse_mode)).lower() != "html":
        return None
    if isinstance(method, (m.SendMessage, m.EditMessageText)):
        return method.model_copy(update={"text": plain_text(method.text), "parse_mode": None, "entities": None})
    if isinstance(method, _CAPTIONED) and getattr(method, "caption", None):
        return method.model_copy(
            update={"caption": plain_text(method.caption), "parse_mode": None, "caption_entities": None}
        )
    return None
