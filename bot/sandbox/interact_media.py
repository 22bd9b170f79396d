"""What users and channel admins send besides text: media, albums, and posts made by hand in a
channel (the ``channel_post`` / ``edited_channel_post`` updates a bot that administers it gets).

Messages are built the way a Telegram client's would reach the bot: one update per album item
sharing a ``media_group_id``, the caption on one item, file ids of the right kind.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from .media import MediaRef, fake_file_id, message_fields
from .text import bot_command_entities

if TYPE_CHECKING:
    from .core import Core

_ALBUM_IDS = itertools.count(14_000_000_000_000_001)


class MediaInteraction:
    """Mixin of Sandbox. Requires ``self.core`` and Interaction's ``_origin_of``."""

    core: Core

    def _origin_of(self, chat_id: int, date: int) -> dict[str, Any]:  # provided by Interaction
        raise NotImplementedError

    def send_media(
        self,
        kind: str,
        *,
        user_id: int,
        caption: str = "",
        caption_entities: list[dict[str, Any]] | None = None,
        file_id: str | None = None,
        media_group_id: str | None = None,
        forward_from_chat_id: int | None = None,
    ) -> dict[str, Any]:
        """A user sends (or forwards) one photo, video, animation, document, audio or voice."""
        core = self.core
        user = core.chats.user(user_id)
        chat = core.chats.get(user_id)
        message_id = core.store.next_id(user_id)
        media = MediaRef(kind, file_id or fake_file_id(kind, f"{user_id}:{message_id}"))
        message: dict[str, Any] = {
            "message_id": message_id, "date": core.now(), "chat": chat, "from": dict(user),
            **message_fields(media),
        }
        if caption:
            message["caption"] = caption
            entities = list(caption_entities or []) + bot_command_entities(caption)
            if entities:
                message["caption_entities"] = entities
        if media_group_id:
            message["media_group_id"] = media_group_id
        if forward_from_chat_id is not None:
            message["forward_origin"] = self._origin_of(forward_from_chat_id, message["date"])
        core.store.add_user_message(message)
        core.updates.inject({"message": message})
        return message

    def send_album(
        self,
        kinds: list[str],
        *,
        user_id: int,
        caption: str = "",
        caption_entities: list[dict[str, Any]] | None = None,
        forward_from_chat_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """An album: one update per item, the caption on the first, like Telegram clients do."""
        group = str(next(_ALBUM_IDS))
        return [
            self.send_media(
                kind, user_id=user_id, caption=caption if index == 0 else "",
                caption_entities=caption_entities if index == 0 else None, media_group_id=group,
                forward_from_chat_id=forward_from_chat_id,
            )
            for index, kind in enumerate(kinds)
        ]

    def channel_post(
        self,
        chat_id: int,
        text: str,
        *,
        entities: list[dict[str, Any]] | None = None,
        media: str | None = None,
    ) -> dict[str, Any]:
        """A channel admin posts by hand: the message appears and a ``channel_post`` update
        goes to the bot (Telegram sends those to bots that administer the channel)."""
        core = self.core
        chat = core.chats.get(chat_id)
        message_id = core.store.next_id(chat_id)
        message: dict[str, Any] = {
            "message_id": message_id, "date": core.now(), "chat": chat, "sender_chat": chat,
        }
        field, entities_field = ("text", "entities")
        if media is not None:
            message.update(message_fields(MediaRef(media, fake_file_id(media, f"{chat_id}:{message_id}"))))
            field, entities_field = ("caption", "caption_entities")
        message[field] = text
        if entities:
            message[entities_field] = entities
        core.store.add_user_message(message)
        core.updates.inject({"channel_post": message})
        return message

    def edit_channel_post(self, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        """An admin edits a channel post by hand: ``edited_channel_post`` with the new text."""
        core = self.core
        original = core.store.raw.get((chat_id, message_id))
        if original is None:
            raise ValueError(f"no hand-made post {message_id} in channel {chat_id}")
        field = "caption" if "caption" in original else "text"
        edited = {**original, field: text, "edit_date": core.now()}
        edited.pop("entities" if field == "text" else "caption_entities", None)
        core.store.raw[(chat_id, message_id)] = edited
        core.store.mark_inject(chat_id)
        core.updates.inject({"edited_channel_post": edited})
        return edited
