"""Update middlewares: per-user language, chat bookkeeping and the admin gate."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject, User

from bot.config import Settings
from bot.delivery.chats import Chats
from bot.i18n import Translator
from bot.services.audit import Audit
from bot.services.storage_alarm import StorageAlarm
from bot.telegram.permissions import ChatAdmins, is_admin
from storage.db import StorageUnwritable

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ContextMiddleware(BaseMiddleware):
    """Gives every handler a `tr` in the user's language and remembers the chat for delivery."""

    def __init__(self, chats: Chats, storage_alarm: StorageAlarm) -> None:
        self.chats = chats
        self.storage_alarm = storage_alarm

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        data["tr"] = Translator.for_code(user.language_code if user else None)
        if chat is not None:
            record = {"id": chat.id, "type": chat.type, "title": chat.title or chat.full_name,
                      "username": chat.username}
            if chat.type == "private" and user is not None:
                record["language"] = data["tr"].language
            try:
                await self.chats.remember(record)
            except StorageUnwritable as exc:
                # Bookkeeping only: a read-only or full disk must not cost the reader /start,
                # /summary or /themes. A write the user asked for fails on its own, plainly.
                log.warning("chat not remembered", extra={"chat_id": chat.id, "reason": exc.reason})
                await self.storage_alarm.report(exc)
        return await handler(event, data)


class AdminOnly(BaseMiddleware):
    """Inner middleware of the admin routers: runs only for events an admin handler would take,
    so a refusal is given exactly where an admin action was attempted — and audited. Buttons are
    checked again on every press, not trusted because an admin once saw them.

    `channel_admins`: the posting routers also let the channel's own administrators in when
    CHANNEL_ADMINS_POST is on (checked with getChatMember, cached for a few minutes)."""

    def __init__(self, settings: Settings, chat_admins: ChatAdmins, audit: Audit, *,
                 channel_admins: bool = False) -> None:
        self.settings = settings
        self.chat_admins = chat_admins
        self.audit = audit
        self.channel_admins = channel_admins

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if await is_admin(data["bot"], self.settings, self.chat_admins, user.id if user else None,
                          posting=self.channel_admins):
            return await handler(event, data)
        tr: Translator = data["tr"]
        action = event.text.split()[0] if isinstance(event, Message) and event.text else type(event).__name__
        if isinstance(event, CallbackQuery):
            action = f"button:{event.data}"
        await self.audit.record(user.id if user else None, "refused", {"attempt": action[:64]}, ok=False)
        if isinstance(event, Message):
            await event.answer(tr("admin_only"))
        elif isinstance(event, CallbackQuery):
            await event.answer(tr("admin_only"), show_alert=True)
        return None
