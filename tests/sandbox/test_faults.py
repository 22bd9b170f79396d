"""Injected failures map to the aiogram exceptions production code must handle."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramServerError,
)

from bot.sandbox import Sandbox

from .conftest import USER


async def test_blocked_deactivated_kicked(sb: Sandbox, bot: Bot) -> None:
    sb.block_chat(USER)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER, "hi")
    sb.add_user(2)
    sb.deactivate_user(2)
    with pytest.raises(TelegramForbiddenError, match="user is deactivated"):
        await bot.send_message(2, "hi")
    sb.add_group(-20)
    sb.kick_from_chat(-20)
    with pytest.raises(TelegramForbiddenError, match="kicked from the group chat"):
        await bot.send_message(-20, "hi")
    sb.send_text("/start", user_id=USER)  # writing to the bot again unblocks it
    await bot.send_message(USER, "welcome back")
    assert sb.stats["errors"] == {403: 3}


async def test_group_migration(sb: Sandbox, bot: Bot) -> None:
    sb.add_group(-30, title="Old group")
    sb.migrate_group(-30, -1000000030, notify=True)
    with pytest.raises(TelegramMigrateToChat) as info:
        await bot.send_message(-30, "hi")
    assert info.value.migrate_to_chat_id == -1000000030
    assert "group chat was upgraded to a supergroup chat" in info.value.message
    sent = await bot.send_message(info.value.migrate_to_chat_id, "hi")
    assert sent.chat.type == "supergroup" and sent.chat.title == "Old group"
    service = [u["message"] for u in sb.pending_updates]
    assert service[0]["migrate_to_chat_id"] == -1000000030
    assert service[1]["migrate_from_chat_id"] == -30


async def test_fail_next_server_errors(sb: Sandbox, bot: Bot) -> None:
    sb.fail_next("sendMessage", count=2)
    sb.fail_next("getMe", status=502)
    for _ in range(2):
        with pytest.raises(TelegramServerError, match="Internal Server Error"):
            await bot.send_message(USER, "x")
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.get_me()
    await bot.send_message(USER, "third time lucky")
    assert sb.stats["errors"] == {500: 2, 502: 1}
    assert [m.text for m in sb.messages(USER)] == ["third time lucky"]


async def test_delay_and_dropped_connection(sb: Sandbox, bot: Bot) -> None:
    sb.set_delay(0.2, methods=["getMe"])
    slow = asyncio.create_task(bot.get_me())
    await sb.wait_in_flight("getMe")
    await bot.send_message(USER, "overtakes")  # asked after getMe, answered before it
    assert not slow.done()
    assert (await slow).username == "zen_digest_sandbox_bot"
    assert [c.method for c in sb.calls] == ["sendMessage", "getMe"]
    sb.set_delay(0, methods=["getMe"])
    sb.drop_connections(1, methods=["sendMessage"])
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(USER, "lost")
    await bot.send_message(USER, "delivered")
    assert [m.text for m in sb.messages(USER)] == ["overtakes", "delivered"]
