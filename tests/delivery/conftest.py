"""Delivery fixtures: a sandbox that enforces Telegram's limits in scaled time, and the bot on it.

Rates keep Telegram's ratios (30/s global, 1/s per private chat, 20/min per group) but nominal
time runs SCALE times faster, on the sandbox and in the throttle alike, so rate tests take
seconds instead of minutes. The sandbox's accounting model is the `sandbox_model` fixture,
"default" unless a test asks for ``@pytest.mark.parametrize("sandbox_model", ["strict"])``
(bursts per private chat, edits/deletes/pins counted globally, network jitter).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import pytest
from aiogram import Bot

from bot.app.local import LocalBot
from bot.clock import Clock
from bot.delivery import RateLimits, RetryPolicy, Throttle
from bot.delivery.chats import Chats
from bot.sandbox import SANDBOX_TOKEN, Sandbox, SandboxLimits, SandboxSession
from storage import chats as chats_sql
from storage import subscriptions as subs_sql
from storage.db import Store
from tests.conftest import ADMIN_ID, READER_ID, make_settings

SCALE = 10.0
# A nominal second is 0.1 s here, so Telegram's 3 % window margin would be 3 ms of tolerance
# for scheduling jitter on a busy test machine; tests check correctness, the bench checks the
# production margin's throughput.
MARGIN = 0.15
FAST_RETRY = RetryPolicy(tries=6, base=0.02, cap=0.3)


def scaled() -> RateLimits:
    return RateLimits(time_scale=SCALE, margin=MARGIN)


STRICT = pytest.mark.parametrize("sandbox_model", ["strict"])
BOTH_MODELS = pytest.mark.parametrize("sandbox_model", ["default", "strict"])


@pytest.fixture
def sandbox_model() -> str:
    return "default"


@pytest.fixture
async def limited(sandbox_model: str) -> AsyncIterator[Sandbox]:
    """A sandbox answering 429 beyond Telegram's limits (time-scaled) under `sandbox_model`."""
    async with Sandbox(SandboxLimits.model(sandbox_model, time_scale=SCALE)) as sb:
        sb.add_user(READER_ID, first_name="Reader", language_code="ru")
        sb.add_user(ADMIN_ID, first_name="Admin", language_code="ru")
        yield sb


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "delivery.sqlite3") as opened:
        yield opened


@pytest.fixture
async def throttled(limited: Sandbox, store: Store) -> AsyncIterator[tuple[Bot, Throttle]]:
    """A bare aiogram Bot with the throttle installed (no dispatcher: fast unit-level tests)."""
    throttle = Throttle(scaled(), Chats(store, Clock()), FAST_RETRY)
    bot = Bot(token=SANDBOX_TOKEN, session=SandboxSession(limited.base_url))
    throttle.install(bot)
    yield bot, throttle
    await bot.session.close()


@pytest.fixture
async def delivery_app(limited: Sandbox, tmp_path: Path) -> AsyncIterator[LocalBot]:
    """The whole bot on the limited sandbox, with scaled limits and quick progress edits."""
    local = LocalBot(make_settings(tmp_path), sandbox=limited)
    local.services.throttle.configure(scaled(), FAST_RETRY)
    local.services.outbox.poll_interval = 0.1
    local.services.broadcasts.progress_every = 0.3
    async with local:
        yield local


async def add_subscribers(app: LocalBot, ids: Iterable[int], *, chat_type: str = "private") -> list[int]:
    """Chats known to the bot with an active subscription (digests off: only broadcasts reach them)."""
    store, now = app.services.store, app.services.clock.iso()
    added = []
    for chat_id in ids:
        if chat_type == "private":
            app.sandbox.add_user(chat_id, first_name=f"U{chat_id}")
        else:
            app.sandbox.add_group(chat_id, title=f"G{chat_id}", type=chat_type)
        await store.call(chats_sql.remember, {"id": chat_id, "type": chat_type, "title": f"C{chat_id}"}, now)
        defaults = {"frequency": "off", "hour": 10, "timezone": "Europe/Moscow"}
        await store.call(subs_sql.subscribe, chat_id, defaults, now)
        added.append(chat_id)
    return added


def texts(sandbox: Sandbox, chat_id: int) -> list[str]:
    return [m.text for m in sandbox.messages(chat_id)]


def floods(sandbox: Sandbox) -> str:
    """For a failed "no 429" assertion: every call answered 429 with the calls around it (sandbox
    time in nominal seconds since the first call), enough to tell which window was overrun."""
    calls = [c for c in sandbox.calls if c.method != "getUpdates"]
    scale, origin = sandbox.limits.time_scale, calls[0].at if calls else 0.0
    lines = []
    for refused in (c for c in calls if c.error_code == 429):
        lines.append(f"429 {refused.method} to {refused.params.get('chat_id')} at {(refused.at - origin) * scale:.3f}")
        lines += [f"  {(c.at - origin) * scale:.3f} {c.method} to {c.params.get('chat_id')}: {c.error_code or 200}"
                  for c in calls if abs(c.at - refused.at) * scale < 1.0]
    return "\n".join(lines)
