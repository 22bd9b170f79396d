"""Fixtures: a started sandbox, an aiogram Bot bound to it, and a running Dispatcher."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode

from bot.sandbox import SANDBOX_TOKEN, Sandbox, SandboxSession

USER = 1


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox() as sandbox:
        sandbox.add_user(USER, first_name="Alice")
        yield sandbox


@pytest.fixture
async def bot(sb: Sandbox) -> AsyncIterator[Bot]:
    # SandboxSession is aiogram's AiohttpSession with TelegramAPIServer.from_base(base_url)
    # minus the 250 ms SSL grace sleep on close; test_protocol covers the plain session too.
    client = Bot(
        token=SANDBOX_TOKEN,
        session=SandboxSession(sb.base_url),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    yield client
    await client.session.close()


@contextlib.asynccontextmanager
async def _polling(bot: Bot, router: Router) -> AsyncIterator[Dispatcher]:
    dp = Dispatcher()
    dp.include_router(router)
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=5)
    )
    try:
        yield dp
    finally:
        with contextlib.suppress(RuntimeError):
            await dp.stop_polling()
        await asyncio.wait_for(task, 5)


@pytest.fixture
def polling(bot: Bot) -> Callable[[Router], AbstractAsyncContextManager[Dispatcher]]:
    """``async with polling(router):`` runs a Dispatcher against the sandbox."""
    return lambda router: _polling(bot, router)
