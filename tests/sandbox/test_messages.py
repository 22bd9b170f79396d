"""Sending, editing, deleting, copying and keyboards through the real aiogram Bot."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
)

from bot.sandbox import Sandbox

from .conftest import USER


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=t, callback_data=d) for t, d in row] for row in rows
        ]
    )


async def test_send_message_round_trip(sb: Sandbox, bot: Bot) -> None:
    markup = keyboard([("Next ▶", "page:2")], [("Close", "close")])
    sent = await bot.send_message(USER, "<b>Hello</b>, <i>Alice</i>", reply_markup=markup)
    assert sent.chat.id == USER and sent.from_user and sent.from_user.is_bot
    assert sent.text == "Hello, Alice"
    assert [e.type for e in sent.entities or []] == ["bold", "italic"]
    assert sent.reply_markup and sent.reply_markup.model_dump() == markup.model_dump()
    stored = sb.message(USER, sent.message_id)
    assert stored.html == "<b>Hello</b>, <i>Alice</i>" and stored.parse_mode == "HTML"
    assert stored.buttons == [[("Next ▶", "page:2")], [("Close", "close")]]
    assert stored.button("next") == "page:2"
    with pytest.raises(AssertionError, match="no button containing"):
        stored.button("missing")
    assert sb.stats["sent"] == 1


async def test_edit_rules(sb: Sandbox, bot: Bot) -> None:
    markup = keyboard([("A", "a")])
    sent = await bot.send_message(USER, "one", reply_markup=markup)
    edited = await bot.edit_message_text("two", chat_id=USER, message_id=sent.message_id,
                                         reply_markup=markup)
    assert edited.text == "two" and edited.edit_date is not None
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("<b></b>two", chat_id=USER, message_id=sent.message_id,
                                    reply_markup=markup)
    # Like Telegram, an edit without reply_markup removes the keyboard, so it is a change.
    await bot.edit_message_text("two", chat_id=USER, message_id=sent.message_id)
    assert sb.message(USER, sent.message_id).buttons == []
    await bot.edit_message_reply_markup(chat_id=USER, message_id=sent.message_id,
                                        reply_markup=markup)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=USER, message_id=sent.message_id,
                                            reply_markup=markup)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=999)
    current = sb.message(USER, sent.message_id)
    assert current.edit_count == 3 and current.text == "two"
    assert [e.method for e in await sb.wait_for(USER, 4, after=0, methods=(
        "sendMessage", "editMessageText", "editMessageReplyMarkup"))] == [
        "sendMessage", "editMessageText", "editMessageText", "editMessageReplyMarkup"]


async def test_delete_copy_forward_photo(sb: Sandbox, bot: Bot) -> None:
    sb.add_channel(-1001, username="zen_channel", title="Zen")
    post = await bot.send_message("@zen_channel", "<b>Digest</b>")
    assert post.chat.id == -1001 and post.sender_chat and post.sender_chat.id == -1001
    copy = await bot.copy_message(USER, from_chat_id=-1001, message_id=post.message_id)
    copied = sb.message(USER, copy.message_id)
    assert copied.text == "Digest" and copied.entities[0]["type"] == "bold"
    assert copied.source == (-1001, post.message_id)
    forwarded = await bot.forward_message(USER, from_chat_id="@zen_channel",
                                          message_id=post.message_id)
    assert forwarded.forward_origin and forwarded.forward_origin.type == "channel"
    photo = await bot.send_photo(USER, "https://example.org/a.png", caption="<b>cap</b>")
    assert photo.caption == "cap" and photo.photo[-1].width == 1280
    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await bot.edit_message_text("x", chat_id=USER, message_id=photo.message_id)
    await bot.edit_message_caption(chat_id=USER, message_id=photo.message_id, caption="new")
    assert await bot.delete_message(USER, copy.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER, copy.message_id)
    assert [m.message_id for m in sb.messages(USER)] == [forwarded.message_id, photo.message_id]
    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await bot.copy_message(USER, from_chat_id=-1001, message_id=777)
    upload = await bot.send_photo(USER, BufferedInputFile(b"\x89PNG", filename="chart.png"))
    assert sb.message(USER, upload.message_id).photo == "uploaded:chart.png"


async def test_replies(sb: Sandbox, bot: Bot) -> None:
    question = sb.send_text("what's new?", user_id=USER)
    answer = await bot.send_message(
        USER, "a digest", reply_parameters=ReplyParameters(message_id=question["message_id"]))
    assert answer.reply_to_message and answer.reply_to_message.text == "what's new?"
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(USER, "x", reply_parameters=ReplyParameters(message_id=99))


async def test_unknown_chats(sb: Sandbox, bot: Bot) -> None:
    for chat in (424242, "@nobody", -100777):
        with pytest.raises(TelegramBadRequest, match="chat not found"):
            await bot.send_message(chat, "hi")
    sb.send_text("hello", user_id=555)  # a user who writes becomes known
    assert (await bot.send_message(555, "hi")).chat.first_name == "Test"


async def test_callback_data_limits(sb: Sandbox, bot: Bot) -> None:
    # aiogram does not validate callback_data length client-side, so this reaches the server.
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "x", reply_markup=keyboard([("b", "d" * 65)]))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "x", reply_markup=keyboard([("b", "ж" * 33)]))  # 66 bytes
    await bot.send_message(USER, "x", reply_markup=keyboard([("b", "ж" * 32)]))  # 64 bytes
    many = [[(str(i), str(i)) for i in range(r * 8, r * 8 + 8)] for r in range(13)]  # 104
    with pytest.raises(TelegramBadRequest, match="reply markup is too long"):
        await bot.send_message(USER, "x", reply_markup=keyboard(*many))
    url = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="u", url="ftp://x")]])
    with pytest.raises(TelegramBadRequest, match="BUTTON_URL_INVALID"):
        await bot.send_message(USER, "x", reply_markup=url)


async def test_callback_data_limit_over_raw_http(sb: Sandbox) -> None:
    markup = '{"inline_keyboard": [[{"text": "b", "callback_data": "%s"}]]}' % ("d" * 65)
    url = f"{sb.base_url}/bot{sb.token}/sendMessage"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data={"chat_id": USER, "text": "x", "reply_markup": markup}) as r:
            body = await r.json()
    assert r.status == 400
    assert body == {
        "ok": False, "error_code": 400, "description": "Bad Request: BUTTON_DATA_INVALID"}


async def test_chat_info_members_and_commands(sb: Sandbox, bot: Bot) -> None:
    sb.add_user(7, first_name="Owner")
    sb.add_group(-55, title="Readers", type="supergroup", admins=[7, sb.bot_user["id"]])
    chat = await bot.get_chat(-55)
    assert chat.title == "Readers" and chat.type == "supergroup"
    assert (await bot.get_chat_member(-55, 7)).status == "creator"
    assert (await bot.get_chat_member(-55, sb.bot_user["id"])).status == "administrator"
    assert (await bot.get_chat_member(-55, USER)).status == "member"
    assert len(await bot.get_chat_administrators(-55)) == 2
    assert await bot.send_chat_action(USER, "typing")
    commands = [BotCommand(command="start", description="Start"),
                BotCommand(command="digest", description="Digest")]
    assert await bot.set_my_commands(commands)
    assert [c.command for c in await bot.get_my_commands()] == ["start", "digest"]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Cmd", description="x")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == []
    assert await bot.set_chat_menu_button()
