"""my_chat_member: Telegram tells us when a user blocks the bot or a group removes it — stop
delivering there at once instead of learning it from a failed send — and when they come back.
Likewise a forum topic's "closed" service message ends that topic's subscription at once."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import JOIN_TRANSITION, LEAVE_TRANSITION, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated, Message

from bot.delivery.chats import Chats


async def left(event: ChatMemberUpdated, chats: Chats) -> None:
    await chats.deactivate(event.chat.id, f"my_chat_member: {event.new_chat_member.status}")


async def topic_closed(message: Message, chats: Chats) -> None:
    assert message.message_thread_id is not None
    await chats.topic_gone(message.chat.id, message.message_thread_id, "forum_topic_closed")


async def joined(event: ChatMemberUpdated, chats: Chats) -> None:
    """The chat was re-activated by the context middleware, which remembers every chat that
    sends an update; nothing else to do (a returning subscriber keeps their settings)."""


def make_router() -> Router:
    router = Router(name="membership")
    router.my_chat_member.register(left, ChatMemberUpdatedFilter(member_status_changed=LEAVE_TRANSITION))
    router.message.register(topic_closed, F.forum_topic_closed, F.message_thread_id)
    router.my_chat_member.register(joined, ChatMemberUpdatedFilter(member_status_changed=JOIN_TRANSITION))
    return router
