"""aiogram wiring for the sandbox: a Bot whose session talks to the loopback server."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer


class SandboxSession(AiohttpSession):
    """AiohttpSession pointed at a sandbox base URL.

    aiogram's close() sleeps 250 ms to let SSL transports finish; the sandbox is plain HTTP on
    loopback, so closing skips that pause (it adds up quickly over a test suite).
    """

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(api=TelegramAPIServer.from_base(base_url), **kwargs)

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(base_url: str, token: str, *, parse_mode: str | None = "HTML") -> Bot:
    """A Bot like production's (HTML by default) but bound to the sandbox at ``base_url``."""
    return Bot(
        token=token,
        session=SandboxSession(base_url),
        default=DefaultBotProperties(parse_mode=parse_mode),
    )
