"""The real application as its own process, for the kill -9 test.

Builds exactly what `zendigest run` builds (services, Bot, Dispatcher, long polling) from the
environment: BOT_TOKEN, TELEGRAM_API_URL (the test's sandbox), DATABASE_PATH, ADMIN_IDS.
DELIVERY_TIME_SCALE matches the sandbox's SandboxLimits.time_scale; DELIVERY_MARGIN widens the
windows for scheduling jitter between the two processes.
"""

from __future__ import annotations

import asyncio
import logging
import os

from bot.app.wiring import build_bot, build_dispatcher, build_services
from bot.config import Settings
from bot.delivery import RateLimits


async def main() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.bot_token, "BOT_TOKEN is required"
    services = build_services(settings)
    scale = float(os.environ.get("DELIVERY_TIME_SCALE", "1"))
    margin = float(os.environ.get("DELIVERY_MARGIN", RateLimits.margin))
    services.throttle.configure(RateLimits.from_settings(settings, time_scale=scale, margin=margin))
    services.outbox.poll_interval = 0.1
    bot = build_bot(settings.bot_token, settings.telegram_api_url)
    dispatcher = build_dispatcher(services)
    # As `zendigest run` does: SIGTERM / SIGINT stop polling and run the graceful shutdown.
    await dispatcher.start_polling(bot, handle_signals=True)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(main())
