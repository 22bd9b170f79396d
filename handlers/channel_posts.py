"""Posts in the bot's channel (made by hand, or by another bot) go into the library at once."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message

from bot.posting.channel import ChannelPosts

router = Router(name="channel_posts")


@router.channel_post()
@router.edited_channel_post()
async def channel_post(message: Message, channel_posts: ChannelPosts) -> None:
    await channel_posts.ingest(message)
