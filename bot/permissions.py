"""Who may change a chat's subscription: anyone in a private chat, only admins in a group."""

from __future__ import annotations

import time

from aiogram import Bot
from aiogram.enums import ChatMemberStatus, ChatType

CACHE_SECONDS = 300.0


class ChatAdmins:
    """getChatMember answers cached for a few minutes: settings keyboards press many buttons."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, int], tuple[float, bool]] = {}

    async def can_manage(self, bot: Bot, chat_id: int, chat_type: str, user_id: int) -> bool:
        if chat_type == ChatType.PRIVATE:
            return chat_id == user_id
        key = (chat_id, user_id)
        hit = self._cache.get(key)
        if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
        member = await bot.get_chat_member(chat_id, user_id)
        allowed = member.status in (ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR)
        self._cache[key] = (time.monotonic(), allowed)
        return allowed
