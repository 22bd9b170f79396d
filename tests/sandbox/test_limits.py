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


async def test_strict_model_allows_a_burst_of_three_per_private_chat() -> None:
    async with Sandbox(SandboxLimits.model("strict", jitter=0.0)) as sb:
        sb.add_user(USER)
        bot = sb.make_bot()
        try:
            for i in range(3):
                await bot.send_message(USER, f"burst {i}")
            with pytest.raises(TelegramRetryAfter) as info:
                await bot.send_message(USER, "fourth")
        finally:
            await bot.session.close()
    assert 1 <= info.value.retry_after <= 3
    assert [m.text for m in sb.messages(USER)] == ["burst 0", "burst 1", "burst 2"]


@pytest.mark.parametrize(("model", "rejected"), [("default", 0), ("strict", 1)])
async def test_edits_and_deletes_count_globally_only_in_the_strict_model(model: str, rejected: int) -> None:
    """30 sends fill the global second; under the strict model the next edit or delete is over it."""
    async with Sandbox(SandboxLimits.model(model, jitter=0.0)) as sb:
        for user in range(100, 130):
            sb.add_user(user)
        bot = sb.make_bot()
        try:
            sent = [await bot.send_message(user, "x") for user in range(100, 130)]
            sb.limits.edits_count_per_chat = False  # only the global count is under test
            outcomes = []
            for call in (lambda: bot.edit_message_text("y", chat_id=100, message_id=sent[0].message_id),
                         lambda: bot.delete_message(101, sent[1].message_id)):
                try:
                    await call()
                    outcomes.append("ok")
                except TelegramRetryAfter:
                    outcomes.append("429")
        finally:
            await bot.session.close()
    assert outcomes.count("429") == (2 if rejected else 0)
    assert sb.stats["rejected_429_by_chat"] == ({100: 1, 101: 1} if rejected else {})


async def test_paid_broadcast_has_its_own_budget() -> None:
    """60 paid messages and 30 free ones in the same second: each budget holds its own count."""
    async with Sandbox(SandboxLimits.model("strict", jitter=0.0)) as sb:
        for user in range(200, 290):
            sb.add_user(user)
        bot = sb.make_bot()
        try:
            for user in range(200, 260):
                await bot.send_message(user, "paid", allow_paid_broadcast=True)
            for user in range(260, 290):
                await bot.send_message(user, "free")
            assert sb.stats["rejected_429"] == 0 and sb.stats["sent"] == 90
            sb.add_user(290)
            with pytest.raises(TelegramRetryAfter):
                await bot.send_message(290, "one free too many")
        finally:
            await bot.session.close()
