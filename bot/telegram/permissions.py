"""Who may change a chat's subscription: anyone in a private chat, only admins in a group."""

from __future__ import annotations

import time

from aiogram import Bot
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.exceptions import TelegramAPIError

from bot.config import Settings

CACHE_SECONDS = 300.0


class ChatAdmins:
    """getChatMember answers cached for a few minutes: settings keyboards press many buttons."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int | str, int], tuple[float, bool]] = {}

    async def can_manage(self, bot: Bot, chat_id: int | str, chat_type: str, user_id: int) -> bool:
        """Private chat: its owner. Group or channel: its creator and administrators."""
        if chat_type == ChatType.PRIVATE:
            return chat_id == user_id
        key = (chat_id, user_id)
        hit = self._cache.get(key)
        if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except TelegramAPIError:
            return False  # not a member, unknown chat: certainly not an admin (and not cached)
        allowed = member.status in (ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR)
        self._cache[key] = (time.monotonic(), allowed)
        return allowed


async def is_admin(bot: Bot, settings: Settings, admins: ChatAdmins, user_id: int | None, *, posting: bool = False) -> bool:
    """ADMIN_IDS always; for posting also the channel's own administrators when
    CHANNEL_ADMINS_POST is on (checked with getChatMember, cached)."""
    if user_id is None:
        return False
    if settings.is_admin(user_id):
        return True
    channel = settings.channel_chat_id
    if not (posting and settings.channel_admins_post and channel is not None):
        return False
    return await admins.can_manage(bot, channel, "channel", user_id)
