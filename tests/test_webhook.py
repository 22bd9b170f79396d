"""Webhook mode: updates arrive over HTTP with the secret header; wrong or missing secret → 401."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp

from bot.app.web import serve, webhook_app
from bot.app.wiring import build_bot, build_dispatcher, build_services
from bot.sandbox import SANDBOX_TOKEN, Sandbox
from tests.conftest import READER_ID, make_settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_serves_the_bot_and_refuses_wrong_secrets(sandbox: Sandbox, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/hook"
    settings = make_settings(tmp_path, webhook_url=url, webhook_secret="s3cret-value", web_port=port)
    services = build_services(settings)
    bot = build_bot(SANDBOX_TOKEN, sandbox.base_url)
    dp = build_dispatcher(services)
    app, secret = webhook_app(services, bot, dp)
    assert secret == "s3cret-value"
    stop = asyncio.Event()
    server = asyncio.create_task(serve(app, "127.0.0.1", port, stop))
    try:
        for _ in range(200):
            if sandbox.webhook_info.get("url") == url:
                break
            await asyncio.sleep(0.05)
        assert sandbox.webhook_info.get("url") == url
        reply = await sandbox.ask("/start", user_id=READER_ID, timeout=10)
        assert "/summary" in reply.text

        update = {"update_id": 999999, "message": {
            "message_id": 77, "date": 0, "text": "/help", "chat": {"id": READER_ID, "type": "private"},
            "from": {"id": READER_ID, "is_bot": False, "first_name": "Mallory"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}
        before = len(sandbox.messages(READER_ID))
        async with aiohttp.ClientSession() as http:
            for headers in ({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, {}):
                async with http.post(url, json=update, headers=headers) as resp:
                    assert resp.status in (401, 403)
            async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                assert resp.status == 200 and (await resp.json())["ok"] is True
        # Telegram's own copy of the same /help goes through; once its answer is in, the forged
        # ones (refused earlier) would have been answered too: the answer must be the only one.
        answer = await sandbox.ask("/help", user_id=READER_ID, timeout=10)
        assert [m.message_id for m in sandbox.messages(READER_ID)[before:]] == [answer.message_id]
    finally:
        stop.set()
        await server
        await bot.session.close()


async def test_healthz_in_polling_mode_reports_the_database(tmp_path: Path) -> None:
    from bot.app.web import health_app

    services = build_services(make_settings(tmp_path))
    await services.store.open()
    port = free_port()
    stop = asyncio.Event()
    server = asyncio.create_task(serve(health_app(services), "127.0.0.1", port, stop))
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        assert resp.status == 200 and (await resp.json())["ok"] is True
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError("health server did not start")
            await services.close()  # the database is gone: probes must see it
            async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                assert resp.status == 503 and (await resp.json())["ok"] is False
    finally:
        stop.set()
        await server
