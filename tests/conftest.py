"""Shared fixtures: the real bot (same Dispatcher as `zendigest run`) polling a loopback sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app.local import LocalBot
from bot.clock import Clock
from bot.config import Settings
from bot.sandbox import Sandbox

ADMIN_ID = 9001
READER_ID = 1001
CHANNEL = "@zen_test_channel"


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings that ignore the developer's own environment and `.env`."""
    values: dict[str, object] = {
        "bot_token": None,
        "database_path": tmp_path / "zendigest.sqlite3",
        "admin_ids": str(ADMIN_ID),
        "channel_id": CHANNEL,
        "timezone": "Europe/Moscow",
        "fetch_allow_private": True,
        # Tests never reach the internet: dzen.ru and t.me point at a closed loopback port unless
        # a test serves fixtures there.
        "dzen_base_url": "http://127.0.0.1:9",
        "telegram_web_url": "http://127.0.0.1:9",
        # Functional tests are not about pacing (tests/delivery is): don't make each reply wait 1 s.
        "rate_private_per_sec": 100.0,
        "rate_group_per_min": 6000.0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox() as sb:
        sb.add_user(READER_ID, first_name="Reader", language_code="ru")
        sb.add_user(ADMIN_ID, first_name="Admin", language_code="ru")
        yield sb


@pytest.fixture
def clock() -> Clock | None:
    """The bot's clock: None is real time. A module that moves through days overrides this with
    a FrozenClock and gets the same `app` on it."""
    return None


@pytest.fixture
async def app(sandbox: Sandbox, settings: Settings, clock: Clock | None) -> AsyncIterator[LocalBot]:
    async with LocalBot(settings, sandbox=sandbox, clock=clock) as local:
        yield local
