"""Posts in the bot's channel (made by hand, or by another bot) go into the library at once."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message

from bot.posting.channel import ChannelPosts


async def channel_post(message: Message, channel_posts: ChannelPosts) -> None:
    await channel_posts.ingest(message)


def make_router() -> Router:
    router = Router(name="channel_posts")
    router.edited_channel_post.register(channel_post)
    router.channel_post.register(channel_post)
    return router
