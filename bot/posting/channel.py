"""The channel's own posts into the library, from `channel_post` / `edited_channel_post` updates.

When the bot administers CHANNEL_ID, Telegram sends it every post made there by hand. Storing
them at once (text or caption, the t.me link as URL, the same "name/id" external id the t.me/s
parser gives) makes them searchable, themed and in digests without waiting for a scrape, and the
next t.me/s poll finds the same article instead of adding a second one.
"""

from __future__ import annotations

from aiogram.types import Chat, Message

from bot.config import Settings
from bot.posting.service import post_link
from bot.services.ingestion import Ingestion, Stored
from bot.sources import ParsedArticle, canonical_url
from bot.sources.text import make_title


class ChannelPosts:
    def __init__(self, ingestion: Ingestion, settings: Settings) -> None:
        self.ingestion = ingestion
        self.settings = settings

    def is_ours(self, chat: Chat) -> bool:
        target = self.settings.channel_chat_id
        if isinstance(target, int):
            return chat.id == target
        return bool(target and chat.username and chat.username.lower() == target.lstrip("@").lower())

    def parsed(self, message: Message) -> ParsedArticle | None:
        """The post as the t.me/s parser would give it, or None (no text: nothing to read)."""
        text = (message.text or message.caption or "").strip()
        if not text:
            return None
        chat = message.chat
        if chat.username:
            url = canonical_url(f"https://t.me/{chat.username}/{message.message_id}")
            external_id = f"{chat.username}/{message.message_id}"
        else:
            url = post_link(str(chat.id), message.message_id) or f"tg://channel/{chat.id}/{message.message_id}"
            external_id = f"{chat.id}/{message.message_id}"
        return ParsedArticle(url=url, title=make_title(text), text=text, author=chat.title, published=message.date,
                             external_id=external_id, source_kind="telegram", edited=message.edit_date is not None)

    async def ingest(self, message: Message) -> Stored | None:
        """Add or update the article of one channel post; None for other chats and empty posts."""
        if not self.is_ours(message.chat):
            return None
        item = self.parsed(message)
        if item is None:
            return None
        stored = await self.ingestion.store_articles([item])
        return stored[0] if stored else None
