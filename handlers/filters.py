"""Filters shared by routers."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.config import Settings


class IsAdmin(Filter):
    """For handlers that should silently not apply to others (e.g. an admin's plain text editing
    a draft) — commands use the AdminOnly middleware, which refuses out loud instead."""

    async def __call__(self, event: Message | CallbackQuery, settings: Settings) -> bool:
        user = event.from_user
        return user is not None and settings.is_admin(user.id)
