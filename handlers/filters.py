"""Filters shared by routers."""

from __future__ import annotations

from aiogram import Bot
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.telegram.permissions import ChatAdmins, is_admin


class MayPost(Filter):
    """For handlers that should silently not apply to others (an admin's plain text editing a
    draft, a forwarded post) — commands use the AdminOnly middleware, which refuses out loud."""

    async def __call__(self, event: Message | CallbackQuery, bot: Bot, settings: Settings,
                       chat_admins: ChatAdmins) -> bool:
        user = event.from_user
        return await is_admin(bot, settings, chat_admins, user.id if user else None, posting=True)
