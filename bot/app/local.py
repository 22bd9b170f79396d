"""The real bot wired to an in-process Bot API sandbox.

`zendigest run` without a token, `zendigest demo`, the tests and the benchmarks all use this one
harness, so what is tested is exactly what a person chats with.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiogram import Bot, Dispatcher

from bot.app.wiring import Services, build_bot, build_dispatcher, build_services
from bot.clock import Clock
from bot.config import Settings
from bot.sandbox import SANDBOX_TOKEN, Sandbox

SANDBOX_CHANNEL_ID = -1001000000001


class LocalBot:
    """Sandbox + services + aiogram polling, started and stopped together."""

    def __init__(self, settings: Settings, *, sandbox: Sandbox | None = None, clock: Clock | None = None) -> None:
        self.settings = settings
        self.sandbox = sandbox or Sandbox()
        self._own_sandbox = sandbox is None
        self.services: Services = build_services(settings, clock)
        self.bot: Bot | None = None
        self.dp: Dispatcher | None = None
        self._polling: asyncio.Task[Any] | None = None

    async def start(self) -> "LocalBot":
        if self._own_sandbox:
            await self.sandbox.start()
        channel = self.settings.channel_chat_id
        if isinstance(channel, str):
            self.sandbox.add_channel(SANDBOX_CHANNEL_ID, username=channel.lstrip("@"), title="Zen Digest channel")
        elif isinstance(channel, int):
            self.sandbox.add_channel(channel, title="Zen Digest channel")
        self.bot = build_bot(SANDBOX_TOKEN, self.sandbox.base_url)
        self.dp = build_dispatcher(self.services)
        self.sandbox.track_handling()
        self.dp.update.outer_middleware(self._report_handled)
        started = asyncio.Event()
        self.dp.startup.register(started.set)
        self._polling = asyncio.create_task(
            self.dp.start_polling(self.bot, handle_signals=False, polling_timeout=1, close_bot_session=True)
        )
        waiter = asyncio.create_task(started.wait())
        done, _ = await asyncio.wait({waiter, self._polling}, return_when=asyncio.FIRST_COMPLETED)
        if self._polling in done:  # startup failed: surface the error instead of hanging
            waiter.cancel()
            self._polling.result()
        return self

    async def _report_handled(self, handler: Any, update: Any, data: dict[str, Any]) -> Any:
        """Tell the sandbox when an update is done, so a test needs no grace period to know the
        bot did nothing more (e.g. a button press answered with an alert only)."""
        try:
            return await handler(update, data)
        finally:
            self.sandbox.update_handled(update.update_id)

    async def stop(self) -> None:
        if self.dp is not None and self._polling is not None and not self._polling.done():
            with contextlib.suppress(RuntimeError):
                await self.dp.stop_polling()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
        self.sandbox.track_handling(False)
        if self._own_sandbox:
            await self.sandbox.stop()

    async def __aenter__(self) -> "LocalBot":
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()
