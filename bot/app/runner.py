"""`zendigest run`: Telegram when BOT_TOKEN is set (polling, or webhook with WEBHOOK_URL), else the
local sandbox with a terminal chat."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiogram import Bot
from aiogram.exceptions import (
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.utils.token import TokenValidationError

from bot.app.local import SANDBOX_CHANNEL_ID, LocalBot
from bot.app.web import health_app, serve, stop_on_signals, webhook_app
from bot.app.wiring import build_bot, build_dispatcher, build_services
from bot.config import Settings

log = logging.getLogger(__name__)
TERMINAL_USER_ID = 100001
FIRST_RETRY_S = 1.0
MAX_RETRY_S = 60.0


class StartError(Exception):
    """A configuration the bot cannot start with; its text is the one line the operator reads."""


async def connect(bot: Bot, api_url: str, *, first_delay: float = FIRST_RETRY_S) -> None:
    """Ask Telegram who the bot is before anything else. A refused token or a URL that is no Bot API
    ends the start with one line (a restart would not help); an unreachable or failing server is
    retried with backoff (capped at a minute), one log line per attempt, so a server that boots
    before its network comes up simply waits for it."""
    delay = first_delay
    while True:
        try:
            me = await bot.get_me()
        except TelegramUnauthorizedError as exc:
            raise StartError("Telegram refused BOT_TOKEN (401 Unauthorized): check the token @BotFather gave "
                             "you") from exc
        except TelegramNotFound as exc:
            raise StartError(f"TELEGRAM_API_URL {api_url} does not answer as a Bot API (404 Not Found)") from exc
        except TelegramRetryAfter as exc:
            wait = max(float(exc.retry_after), delay)
            log.warning("Telegram asks to wait %.0f s before starting; retrying then", wait)
            await asyncio.sleep(wait)
        except (TelegramNetworkError, TelegramServerError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            log.warning("cannot reach Telegram at %s (%s); retrying in %.0f s", api_url, reason, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_S)
        else:
            log.info("connected to Telegram", extra={"bot": me.username})
            return


async def run(settings: Settings, *, language: str = "ru") -> int:
    """`language`: the terminal chat's user (sandbox only): "en" to try the bot as an English reader."""
    if settings.sandbox_mode:
        return await run_sandbox(settings, language=language)
    try:
        bot = build_bot(settings.bot_token or "", settings.telegram_api_url)
    except TokenValidationError as exc:
        raise StartError("BOT_TOKEN is not a bot token (it looks like 123456789:AAE…, from @BotFather)") from exc
    try:
        await connect(bot, settings.telegram_api_url)
    except BaseException:
        await bot.session.close()
        raise
    services = build_services(settings)
    dp = build_dispatcher(services)
    if settings.webhook_url:
        app, _ = webhook_app(services, bot, dp)
        log.info("webhook mode", extra={"url": settings.webhook_url, "port": settings.web_port or 8080})
        await serve(app, settings.web_host, settings.web_port or 8080, stop_on_signals())
        return 0
    await bot.delete_webhook(drop_pending_updates=False)
    if settings.web_port is None:
        await dp.start_polling(bot)
        return 0
    stop = stop_on_signals()
    health = asyncio.create_task(serve(health_app(services), settings.web_host, settings.web_port, stop))
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False))
    await stop.wait()
    with contextlib.suppress(RuntimeError):
        await dp.stop_polling()
    await asyncio.gather(polling, health)
    return 0


async def run_sandbox(settings: Settings, *, language: str = "ru") -> int:
    """Without a token: the sandbox plays Telegram; the terminal user is an admin (so /post can be
    tried) and CHANNEL_ID defaults to a sandbox channel."""
    from bot.app.terminal import TerminalChat

    overrides: dict[str, object] = {}
    if not settings.admin_ids:
        overrides["admin_ids"] = frozenset({TERMINAL_USER_ID})
    if not settings.channel_id:
        overrides["channel_id"] = "@zendigest_sandbox"
    settings = settings.model_copy(update=overrides)
    print("No BOT_TOKEN: starting the local Bot API sandbox (loading models, a few seconds)…", flush=True)
    async with LocalBot(settings) as local:
        local.sandbox.add_user(TERMINAL_USER_ID, first_name="You", language_code=language, username="you")
        await TerminalChat(local.sandbox, TERMINAL_USER_ID, SANDBOX_CHANNEL_ID).run()
    return 0
