"""A graceful stop in webhook mode (SIGTERM sets the stop event `serve` waits on) in the middle of
a broadcast: the sends on the wire are recorded, the rest is released, and the restarted bot
sends every message exactly once (issue 19, point 3: before, the bot's HTTP session was closed
ahead of the outbox, so the sends in flight failed, were retried into a closed session and were
requeued although some had arrived: 23–24 of 150 twice)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.app.web import serve, webhook_app
from bot.app.wiring import build_bot, build_dispatcher, build_services
from bot.sandbox import SANDBOX_TOKEN, Sandbox
from storage import chats as chats_sql
from storage import subscriptions as subs_sql
from tests.conftest import ADMIN_ID, make_settings
from tests.delivery.conftest import FAST_RETRY, scaled
from tests.test_webhook import free_port

SUBSCRIBERS = list(range(41001, 41301))
TEXT = "Рассылка, которую остановят на середине"


@asynccontextmanager
async def webhook_bot(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[asyncio.Event]:
    """The bot in webhook mode on the sandbox; setting the yielded event stops it gracefully."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/hook"
    settings = make_settings(tmp_path, webhook_url=url, webhook_secret="s3cret-value", web_port=port)
    services = build_services(settings)
    services.throttle.configure(scaled(), FAST_RETRY)
    services.outbox.poll_interval = 0.1
    bot = build_bot(SANDBOX_TOKEN, sandbox.base_url)
    app, _ = webhook_app(services, bot, build_dispatcher(services))
    stop = asyncio.Event()
    server = asyncio.create_task(serve(app, "127.0.0.1", port, stop))
    try:
        await until(lambda: sandbox.webhook_info.get("url") == url, "the webhook set")
        yield stop
    finally:
        stop.set()
        await server
        await bot.session.close()


async def until(condition, what: str, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


def delivered(sb: Sandbox) -> dict[int, int]:
    return {chat_id: sum(1 for m in sb.messages(chat_id) if m.text == TEXT) for chat_id in SUBSCRIBERS}


def states(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        return dict(db.execute("select state, count(*) from outbox group by state").fetchall())


async def test_graceful_stop_mid_broadcast_sends_nothing_twice(limited: Sandbox, tmp_path: Path) -> None:
    sb = limited
    services = build_services(make_settings(tmp_path))
    await services.store.open()
    now = services.clock.iso()
    for chat_id in SUBSCRIBERS:
        sb.add_user(chat_id)
        await services.store.call(chats_sql.remember, {"id": chat_id, "type": "private", "title": str(chat_id)}, now)
        await services.store.call(subs_sql.subscribe, chat_id, {"frequency": "off", "hour": 10, "timezone": "UTC"}, now)
    await services.close()
    database = make_settings(tmp_path).database_path

    sb.set_delay(0.2, ["sendMessage"])  # slow answers: some sends are on the wire at the stop
    async with webhook_bot(sb, tmp_path) as stop:
        preview = await sb.ask(f"/broadcast {TEXT}", user_id=ADMIN_ID, timeout=30)
        await sb.click(ADMIN_ID, preview.message_id, preview.button("Отправить"), user_id=ADMIN_ID)
        await until(lambda: sum(delivered(sb).values()) >= len(SUBSCRIBERS) // 4, "a quarter delivered")
        stop.set()
    stopped = states(database)
    assert "sending" not in stopped and stopped.get("pending", 0) > 0, stopped

    sb.set_delay(0.0)
    async with webhook_bot(sb, tmp_path):
        await until(lambda: all(delivered(sb).values()), "every subscriber served after the restart")
        await until(lambda: any(m.text.startswith("✅") for m in sb.messages(ADMIN_ID)), "the final report")
    counts = delivered(sb)
    assert {chat: n for chat, n in counts.items() if n != 1} == {}
    assert states(database) == {"sent": len(SUBSCRIBERS)}
