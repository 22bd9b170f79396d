"""Flood control: 429 + retry_after surfaced by aiogram as TelegramRetryAfter."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter

from bot.sandbox import Sandbox, SandboxLimits

from .conftest import USER


@contextlib.asynccontextmanager
async def limited(time_scale: float) -> AsyncIterator[tuple[Sandbox, Bot]]:
    """Enforcing sandbox; time_scale keeps waits short but windows wide enough under load."""
    async with Sandbox(SandboxLimits(enforce=True, time_scale=time_scale)) as sandbox:
        sandbox.add_user(USER)
        client = sandbox.make_bot()
        try:
            yield sandbox, client
        finally:
            await client.session.close()


async def test_private_chat_one_per_second() -> None:
    async with limited(5.0) as (sb, bot):
        await bot.send_message(USER, "first")
        with pytest.raises(TelegramRetryAfter) as info:
            await bot.send_message(USER, "second")
        assert info.value.retry_after == 1
        assert "Too Many Requests: retry after 1" in info.value.message
        await asyncio.sleep(sb.limits.real_seconds(info.value.retry_after))
        await bot.send_message(USER, "second, after waiting")
        assert sb.stats["sent"] == 2 and sb.stats["rejected_429"] == 1
        assert [c.status for c in sb.calls] == [200, 429, 200]
        assert [m.text for m in sb.messages(USER)] == ["first", "second, after waiting"]


async def test_group_twenty_per_minute() -> None:
    async with limited(20.0) as (sb, bot):  # a nominal minute lasts 3 real seconds
        sb.add_group(-10, title="Readers")
        for i in range(20):
            await bot.send_message(-10, f"post {i}")
        with pytest.raises(TelegramRetryAfter) as info:
            await bot.send_message(-10, "one too many")
        # the window frees a minute after the first post, minus the time the posts took
        assert 1 <= info.value.retry_after <= 60
        assert sb.stats["rejected_429"] == 1


async def test_global_thirty_per_second() -> None:
    async with limited(1.0) as (sb, bot):
        for user in range(100, 131):
            sb.add_user(user)
        for user in range(100, 130):
            await bot.send_message(user, "broadcast")
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(130, "broadcast")
        assert sb.stats["rejected_429"] == 1


async def test_edits_count_per_chat_by_default() -> None:
    async with limited(1.0) as (sb, bot):
        sent = await bot.send_message(USER, "v1")
        with pytest.raises(TelegramRetryAfter):
            await bot.edit_message_text("v2", chat_id=USER, message_id=sent.message_id)
        sb.limits.edits_count_per_chat = False
        await bot.edit_message_text("v2", chat_id=USER, message_id=sent.message_id)
        assert sb.stats["edited"] == 1


async def test_unenforced_limits_only_count_violations(sb: Sandbox, bot: Bot) -> None:
    for _ in range(3):
        await bot.send_message(USER, "fast")
    assert sb.stats["rejected_429"] == 0 and sb.stats["limit_violations"] == 2


async def test_float_retry_after_for_scaled_raw_clients() -> None:
    limits = SandboxLimits(enforce=True, time_scale=2.0, float_retry_after=True)
    async with Sandbox(limits) as sb, aiohttp.ClientSession() as http:
        sb.add_user(USER)
        url = f"{sb.base_url}/bot{sb.token}/sendMessage"
        bodies = []
        for _ in range(2):
            async with http.post(url, json={"chat_id": USER, "text": "x"}) as resp:
                bodies.append(await resp.json())
    assert bodies[1]["error_code"] == 429
    assert bodies[1]["parameters"] == {"retry_after": 0.5}  # 1 nominal second, scaled
