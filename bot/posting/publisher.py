"""Sends a post's content with its options — to the channel (from the outbox) and, as a preview,
to the admin — and edits or deletes it afterwards.

One code path for preview and publication, so what the admin previews is what the channel gets.
A post is a list of steps (a message, an album, "media, then the text"); each step's message ids
are reported as they arrive, so a post resumed after a crash goes on after the steps done.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.types import (InlineKeyboardMarkup, InputMediaAudio, InputMediaDocument, InputMediaPhoto,
                           InputMediaVideo, LinkPreviewOptions, MessageEntity)

from bot.delivery.sender import PartHook, SendResult, Sender, describe
from bot.posting.content import Entities, Media, PostContent
from bot.posting.options import PostOptions

log = logging.getLogger(__name__)
_TRANSIENT = (TelegramServerError, TelegramNetworkError, TelegramRetryAfter)
_INPUT = {"photo": InputMediaPhoto, "video": InputMediaVideo, "document": InputMediaDocument,
          "audio": InputMediaAudio}
Step = Callable[[], Awaitable[list[int]]]


def _entities(entities: Entities) -> list[MessageEntity] | None:
    return [MessageEntity(**e) for e in entities] or None


class Publisher:
    def __init__(self, sender: Sender) -> None:
        self.sender = sender

    @property
    def bot(self) -> Bot:
        return self.sender.bot

    def _steps(self, chat_id: int | str, content: PostContent, options: PostOptions, *, preview: bool) -> list[Step]:
        common: dict[str, Any] = {} if preview else {
            "disable_notification": options.silent, "protect_content": options.protect}
        markup = options.markup()
        bot = self.bot

        def text_step(text: str, entities: Entities, buttons: InlineKeyboardMarkup | None) -> Step:
            async def run() -> list[int]:
                message = await bot.send_message(
                    chat_id, text, entities=_entities(entities), parse_mode=None, reply_markup=buttons,
                    link_preview_options=LinkPreviewOptions(is_disabled=not options.link_preview), **common)
                return [message.message_id]
            return run

        def media_step(item: Media, with_caption: bool, buttons: InlineKeyboardMarkup | None) -> Step:
            async def run() -> list[int]:
                send = getattr(bot, f"send_{item.kind}")
                caption = {"caption": item.caption, "caption_entities": _entities(item.entities)} if with_caption else {}
                message = await send(chat_id, item.file_id, parse_mode=None, reply_markup=buttons, **caption, **common)
                return [message.message_id]
            return run

        async def album() -> list[int]:
            items = [_INPUT[m.kind](media=m.file_id, caption=m.caption or None, parse_mode=None,
                                    caption_entities=_entities(m.entities)) for m in content.media]
            messages = await bot.send_media_group(chat_id, items, **common)  # type: ignore[arg-type]
            return [m.message_id for m in messages]

        if not content.media:
            return [text_step(content.text, content.entities, markup)]
        if content.is_album:
            return [album]
        item = content.media[0]
        if options.split_caption and content.can_split():
            return [media_step(item, False, None), text_step(item.caption, item.entities, markup)]
        if preview and content.can_split():  # shown without the caption; the preview says why
            return [media_step(item, False, markup)]
        return [media_step(item, True, markup)]

    async def send(
        self, chat_id: int | str, content: PostContent, options: PostOptions, *, done: list[int] | None = None,
        on_part: PartHook | None = None, preview: bool = False,
    ) -> SendResult:
        """Send the steps not yet in `done`, then pin (publication only); errors are returned."""
        done = list(done or [])
        sent: list[int] = []
        try:
            for index, step in enumerate(self._steps(chat_id, content, options, preview=preview)):
                if index < len(done):  # an album is one step with several ids
                    continue
                ids = await step()
                sent += ids
                if on_part is not None:
                    await on_part(list(sent), chat_id)
        except TelegramAPIError as exc:
            return SendResult(chat_id, sent, False, describe(exc), isinstance(exc, _TRANSIENT))
        if options.pin and not preview:
            try:
                await self.bot.pin_chat_message(chat_id, (done + sent)[0], disable_notification=options.silent)
            except TelegramAPIError as exc:  # the post is out: a refused pin must not make it "failed"
                log.warning("post not pinned", extra={"chat_id": chat_id, "error": describe(exc)})
        return SendResult(chat_id, sent)

    async def edit(self, chat_id: int | str, message_ids: list[int], content: PostContent,
                   options: PostOptions) -> None:
        """Replace the text or caption of a published post, its buttons kept (raises on refusal)."""
        markup = options.markup()
        text, entities = content.caption
        if not content.media or (options.split_caption and content.can_split()):
            await self.bot.edit_message_text(
                text=text, chat_id=chat_id, message_id=message_ids[-1], entities=_entities(entities),
                parse_mode=None, reply_markup=markup,
                link_preview_options=LinkPreviewOptions(is_disabled=not options.link_preview))
            return
        index = next((i for i, m in enumerate(content.media) if m.caption), 0)
        await self.bot.edit_message_caption(
            chat_id=chat_id, message_id=message_ids[index], caption=text, caption_entities=_entities(entities),
            parse_mode=None, reply_markup=None if content.is_album else markup)

    async def delete(self, chat_id: int | str, message_ids: list[int]) -> None:
        for message_id in message_ids:
            await self.bot.delete_message(chat_id, message_id)
