"""Media methods as Telegram checks them: kinds, captions, albums, pins, the 48 h delete window,
and the channel's own posts arriving as updates."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InputMediaDocument, InputMediaPhoto, InputMediaVideo, Message

from bot.sandbox import Sandbox
from tests.sandbox.conftest import USER

CHANNEL = -1002


async def test_each_kind_keeps_its_file_id_and_caption_entities(sb: Sandbox, bot: Bot) -> None:
    sent = sb.send_media("video", user_id=USER, caption="Смотрите", caption_entities=[
        {"type": "bold", "offset": 0, "length": 8}])
    file_id = sent["video"]["file_id"]
    bold = [{"type": "bold", "offset": 0, "length": 8}]
    again = await bot.send_video(USER, file_id, caption="Смотрите", caption_entities=bold, parse_mode=None)
    assert again.video and again.video.file_id == file_id
    assert again.caption_entities and again.caption_entities[0].type == "bold"
    for method, kind in ((bot.send_document, "document"), (bot.send_audio, "audio"),
                         (bot.send_voice, "voice"), (bot.send_animation, "animation")):
        message = await method(USER, f"https://example.org/file.{kind}")
        assert sb.message(USER, message.message_id).media == kind
    with pytest.raises(TelegramBadRequest, match="can't use file of type Video as Photo"):
        await bot.send_photo(USER, file_id)
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_video(USER, file_id, caption="ё" * 1025)


async def test_albums_follow_telegrams_rules(sb: Sandbox, bot: Bot) -> None:
    album = await bot.send_media_group(USER, [
        InputMediaPhoto(media="https://example.org/1.jpg", caption="<b>Альбом</b>"),
        InputMediaVideo(media="https://example.org/2.mp4"),
    ])
    assert len(album) == 2 and album[0].media_group_id and album[0].media_group_id == album[1].media_group_id
    assert album[0].caption == "Альбом" and album[0].caption_entities[0].type == "bold"
    with pytest.raises(TelegramBadRequest, match="from 2 to 10 items"):
        await bot.send_media_group(USER, [InputMediaPhoto(media="https://example.org/1.jpg")])
    with pytest.raises(TelegramBadRequest, match="from 2 to 10 items"):
        await bot.send_media_group(USER, [InputMediaPhoto(media=f"https://e.org/{i}.jpg") for i in range(11)])
    with pytest.raises(TelegramBadRequest, match="document can't be mixed"):
        await bot.send_media_group(USER, [InputMediaPhoto(media="https://e.org/1.jpg"),
                                          InputMediaDocument(media="https://e.org/a.pdf")])
    assert len([m for m in sb.messages(USER) if m.media_group_id]) == 2


async def test_pin_silent_protected_and_caption_edit(sb: Sandbox, bot: Bot) -> None:
    sb.add_channel(CHANNEL, username="media_channel")
    photo = await bot.send_photo(CHANNEL, "https://example.org/p.jpg", caption="Было",
                                 disable_notification=True, protect_content=True)
    assert photo.has_protected_content
    assert await bot.pin_chat_message(CHANNEL, photo.message_id)
    state = sb.message(CHANNEL, photo.message_id)
    assert state.pinned and state.silent and state.protected
    await bot.edit_message_caption(chat_id=CHANNEL, message_id=photo.message_id, caption="Стало")
    assert sb.message(CHANNEL, photo.message_id).text == "Стало"
    copy = await bot.copy_message(USER, from_chat_id=CHANNEL, message_id=photo.message_id)
    assert sb.message(USER, copy.message_id).media == "photo"


async def test_delete_window_is_48_hours(sb: Sandbox, bot: Bot) -> None:
    young = await bot.send_message(USER, "свежий")
    sb.core.time_offset = 47 * 3600
    assert await bot.delete_message(USER, young.message_id)
    sb.core.time_offset = 0
    old = await bot.send_message(USER, "старый")
    sb.core.time_offset = 48 * 3600
    with pytest.raises(TelegramBadRequest, match="message can't be deleted for everyone"):
        await bot.delete_message(USER, old.message_id)
    assert [m.text for m in sb.messages(USER)] == ["старый"]


async def test_channel_posts_reach_the_bot_as_updates(sb: Sandbox, polling) -> None:  # type: ignore[no-untyped-def]
    sb.add_channel(CHANNEL, username="media_channel")
    seen: list[tuple[str, str]] = []
    done = asyncio.Event()
    router = Router()

    @router.channel_post(F.text)
    async def posted(message: Message) -> None:
        seen.append(("post", message.text or ""))
        if len(seen) == 2:
            done.set()

    @router.edited_channel_post()
    async def edited(message: Message) -> None:
        seen.append(("edit", message.text or ""))
        if len(seen) == 2:
            done.set()

    async with polling(router):
        post = sb.channel_post(CHANNEL, "Пост руками")
        sb.edit_channel_post(CHANNEL, post["message_id"], "Пост руками, исправлен")
        await asyncio.wait_for(done.wait(), 5)
    # aiogram handles updates concurrently: both arrive, in either order
    assert sorted(seen) == [("edit", "Пост руками, исправлен"), ("post", "Пост руками")]
