"""The HTTP side: webhook updates (secret-checked) and `GET /healthz` for probes.

Webhook mode serves both; polling mode serves only /healthz, and only when WEB_PORT is set.
aiohttp's graceful shutdown runs the dispatcher's shutdown hook, which lets the outbox finish
the sends in flight before the process exits.
"""

from __future__ import annotations

import asyncio
import secrets
import signal
import time
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.app.wiring import Services

SERVICES_KEY = web.AppKey("services", Services)
STARTED_KEY = web.AppKey("started", float)


async def healthz(request: web.Request) -> web.Response:
    """200 when the database takes writes into the file at DATABASE_PATH; 503 otherwise (so an
    orchestrator restarts us, or an operator looks): answering reads is not enough — a read-only
    or full disk, or a database file deleted under the running bot, loses every change."""
    services = request.app[SERVICES_KEY]
    try:
        trouble = await asyncio.wait_for(services.store.writable(), timeout=5)
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        return web.json_response({"ok": False, "error": str(exc)[:200]}, status=503)
    if trouble is not None:
        return web.json_response({"ok": False, "error": f"database not writable: {trouble}"}, status=503)
    uptime = round(time.monotonic() - request.app[STARTED_KEY], 1)
    return web.json_response({"ok": True, "uptime_s": uptime})


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


def health_app(services: Services) -> web.Application:
    app = web.Application()
    app[SERVICES_KEY] = services
    app[STARTED_KEY] = time.monotonic()
    app.router.add_get("/healthz", healthz)
    return app


def webhook_app(services: Services, bot: Bot, dp: Dispatcher) -> tuple[web.Application, str]:
    """The aiohttp app answering updates at WEBHOOK_URL's path; returns it with the secret in use
    (WEBHOOK_SECRET, or a random one: a webhook without a secret would accept anyone's updates)."""
    settings = services.settings
    assert settings.webhook_url
    secret = settings.webhook_secret or secrets.token_urlsafe(32)
    app = health_app(services)
    # The dispatcher's shutdown (the outbox finishing its sends) must run before the handler's,
    # which closes the bot's HTTP session: aiohttp runs on_shutdown hooks in order, and sends cut
    # off by a closed session were retried after Telegram had them — sent twice.
    setup_application(app, dp, bot=bot)
    SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret).register(app, path=webhook_path(settings.webhook_url))

    async def announce(bot: Bot) -> None:
        await bot.set_webhook(settings.webhook_url or "", secret_token=secret, drop_pending_updates=False,
                              allowed_updates=dp.resolve_used_update_types())

    dp.startup.register(announce)
    return app, secret


async def serve(app: web.Application, host: str, port: int, stop: asyncio.Event) -> None:
    """Run `app` until `stop` is set, then shut down gracefully."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
