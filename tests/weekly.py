"""A Monday on the sandbox for digest tests: the bot with a frozen clock at 06:00 Moscow, readers
subscribing with the defaults (weekly, Monday 10:00 Moscow), and the run of the digest slot."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.app.local import LocalBot
from bot.clock import FrozenClock
from tests.conftest import READER_ID

START = datetime(2026, 1, 12, 3, 0, tzinfo=timezone.utc)  # Monday 06:00 Moscow
SLOT = datetime(2026, 1, 12, 7, 1, tzinfo=timezone.utc)  # just after the default weekly slot


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


async def subscribe(app: LocalBot, user_id: int = READER_ID) -> None:
    mark = app.sandbox.mark()
    app.sandbox.send_text("/subscribe", user_id=user_id)
    await app.sandbox.wait_for(user_id, 2, after=mark)  # "subscribed", then the settings card


async def run_slot(app: LocalBot, clock: FrozenClock, when: datetime = SLOT) -> None:
    """The minutely job at `when`, and the outbox delivering what it enqueued."""
    clock.set(when)
    await app.services.digests.tick()
    await app.services.outbox.wait_idle()
