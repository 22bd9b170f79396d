"""What delivery learns about chats from Telegram's errors, applied to storage.

A chat that blocked the bot (403) or vanished stops receiving anything — its subscriptions are
only served while the chat is active; a group upgraded to a supergroup moves under its new id; a
forum topic that was closed or deleted ends that topic's subscription only.
"""

from __future__ import annotations

import logging

from bot.clock import Clock
from storage import chats as chats_sql
from storage import subscriptions as subs_sql
from storage.db import Store

log = logging.getLogger(__name__)


class Chats:
    """The chats the bot knows (`chats`): remembered from updates, changed by what Telegram's
    errors say (the throttle calls migrate, deactivate, topic_gone)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def remember(self, chat: dict[str, object]) -> None:
        """What an update told us about its chat (type, title, the private user's language).

        Asked on a reader first: most updates come from a chat known as it is, and queue no
        write (nor wait behind a long one on the writer thread)."""
        if not await self.store.call(chats_sql.is_known, chat):
            await self.store.call(chats_sql.remember, chat, self.clock.iso())

    async def language(self, chat_id: int) -> str | None:
        """The language a private chat's user last wrote in (admin notices are sent in it)."""
        return await self.store.call(chats_sql.language, chat_id)

    async def deactivate(self, chat_id: int, reason: str) -> None:
        log.info("chat deactivated", extra={"chat_id": chat_id, "reason": reason})
        await self.store.call(chats_sql.set_active, chat_id, False, self.clock.iso())

    async def topic_gone(self, chat_id: int, thread_id: int, reason: str) -> None:
        """A forum topic was closed or deleted: its subscription stops, like a blocked chat's."""
        log.info("topic subscription deactivated", extra={"chat_id": chat_id, "thread_id": thread_id, "reason": reason})
        await self.store.call(subs_sql.unsubscribe, chat_id, self.clock.iso(), thread_id)

    async def migrate(self, old_id: int, new_id: int) -> None:
        log.info("chat migrated", extra={"old": old_id, "new": new_id})
        await self.store.call(chats_sql.migrate, old_id, new_id, self.clock.iso())
