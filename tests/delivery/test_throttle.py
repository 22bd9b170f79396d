"""The request middleware against a sandbox that enforces the limits and injects faults."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError, TelegramServerError

from bot.delivery import RateLimits, Throttle, bulk, delivery_context
from bot.delivery.limiter import INTERACTIVE
from bot.delivery.window import PriorityGate, Window
from bot.sandbox import Sandbox, SandboxLimits
from storage import chats as chats_sql
from storage import subscriptions as subs_sql
from storage.db import Store
from tests.delivery.conftest import BOTH_MODELS, FAST_RETRY
from tests.delivery.virtual import Telegram, VirtualLoop, busiest, run

NOW = "2025-12-20T10:00:00+00:00"


def users(sb: Sandbox, first: int, count: int) -> list[int]:
    ids = list(range(first, first + count))
    for uid in ids:
        sb.add_user(uid)
    return ids


async def send_all(bot: Bot, ids: list[int], text: str = "hi") -> list:
    return await asyncio.gather(*(bot.send_message(uid, text) for uid in ids))


@BOTH_MODELS
async def test_global_and_private_limits_hold_without_429(throttled: tuple[Bot, Throttle], limited: Sandbox) -> None:
    bot, _ = throttled
    ids = users(limited, 5000, 90)
    await asyncio.gather(send_all(bot, ids), *(bot.send_message(5000, f"m{i}") for i in range(4)))
    assert limited.stats["rejected_429"] == 0
    texts = [m.text for m in limited.messages(5000)]
    assert sorted(texts) == ["hi", "m0", "m1", "m2", "m3"] and [t for t in texts if t != "hi"] == ["m0", "m1", "m2", "m3"]


@pytest.mark.parametrize("model", ["default", "strict"])
def test_group_window_of_twenty_per_minute_and_thirty_per_second_overall(model: str) -> None:
    """24 messages to one group beside 90 private readers, by the fake clock and Telegram's
    published rates with the production margin: at most 20 reach the group in any minute and 30
    reach Telegram in any second, nothing is answered 429, and the group's arrive in order."""

    async def main(loop: VirtualLoop) -> Telegram:
        telegram = Telegram(loop, SandboxLimits.model(model))
        throttle = Throttle(RateLimits(), retry=FAST_RETRY, clock=loop.time)
        await asyncio.gather(*(telegram.send(throttle, -700, f"g{i}") for i in range(24)),
                             *(telegram.send(throttle, uid, "hi") for uid in range(5000, 5090)))
        return telegram

    telegram = run(main)
    assert telegram.refused == []
    assert telegram.delivered()[-700] == [f"g{i}" for i in range(24)]
    assert busiest([c.at for c in telegram.calls if c.chat_id == -700], 60.0) <= 20
    assert busiest([c.at for c in telegram.calls], 1.0) <= 30


def test_429s_pause_their_chat_and_a_storm_pauses_every_send_for_retry_after() -> None:
    """Six sends answered 429 "retry after 3": by the fake clock no call reaches a chat inside the
    quiet window its 429 set, and once three chats got one (a storm: the bot's own rate is the
    likely cause) no call reaches Telegram at all until the window ends — but for one already on
    the wire when the 429 came back. Every reader still gets the message exactly once."""
    ids = list(range(6000, 6040))

    async def main(loop: VirtualLoop) -> tuple[Telegram, Throttle]:
        telegram = Telegram(loop, SandboxLimits.model("default"))
        throttle = Throttle(RateLimits(), retry=FAST_RETRY, clock=loop.time)
        telegram.refuse_next(6, retry_after=3)
        await asyncio.gather(*(telegram.send(throttle, uid, "hi") for uid in ids))
        return telegram, throttle

    telegram, throttle = run(main)
    assert telegram.delivered() == {uid: ["hi"] for uid in ids}
    refused = telegram.refused
    assert len(refused) == 6 and throttle.stats.flood_waits == 6  # the injected ones, no genuine 429
    for flood in refused:
        again = next(c for c in telegram.calls if c.chat_id == flood.chat_id and c.at > flood.at)
        assert again.at >= flood.at + 3, f"chat {flood.chat_id} was sent to {again.at - flood.at:.3f}s after its 429"
    storm = refused[2]
    assert throttle.stats.flood_scopes["global"] >= 1
    inside = [c for c in telegram.calls if storm.at + telegram.round_trip < c.at < storm.at + 3]
    assert inside == [], "sends went out while Telegram asked the bot to wait"


async def test_5xx_and_dropped_connections_are_retried(throttled: tuple[Bot, Throttle], limited: Sandbox) -> None:
    bot, throttle = throttled
    ids = users(limited, 7000, 12)
    limited.fail_next("sendMessage", 502, count=4)
    limited.drop_connections(2, methods=["sendMessage"])
    await send_all(bot, ids)
    assert all(len(limited.messages(uid)) == 1 for uid in ids)
    assert throttle.stats.server_errors == 4 and throttle.stats.network_errors == 2


async def test_persistent_5xx_gives_up_after_bounded_tries(throttled: tuple[Bot, Throttle], limited: Sandbox) -> None:
    bot, _ = throttled
    limited.fail_next("sendMessage", 500, count=100)
    with pytest.raises(TelegramServerError):
        await bot.send_message(1001, "never")
    assert sum(1 for c in limited.calls if c.method == "sendMessage") == FAST_RETRY.tries


async def test_slow_answers_are_pipelined(throttled: tuple[Bot, Throttle], limited: Sandbox) -> None:
    """A slow Telegram does not slow a broadcast to one send per answer: every send the rate
    allows is on the wire before the first answer comes back."""
    bot, _ = throttled
    ids = users(limited, 8000, 30)
    limited.hold(["sendMessage"])
    sending = asyncio.create_task(send_all(bot, ids))
    await limited.wait_in_flight("sendMessage", len(ids), timeout=10)  # none answered yet
    assert not sending.done() and limited.messages(ids[0]) == []
    limited.release()
    await sending
    assert all(len(limited.messages(uid)) == 1 for uid in ids)
    assert limited.stats["rejected_429"] == 0


async def test_blocked_kicked_and_unknown_chats_are_deactivated(
    throttled: tuple[Bot, Throttle], limited: Sandbox, store: Store
) -> None:
    bot, throttle = throttled
    blocked, gone = users(limited, 9000, 2)
    limited.add_group(-9100, "Kicked")
    limited.block_chat(blocked)
    limited.deactivate_user(gone)
    limited.kick_from_chat(-9100)
    for chat_id in (blocked, gone, -9100, 9999):
        await store.call(chats_sql.remember, {"id": chat_id, "type": "private" if chat_id > 0 else "group"}, NOW)
    for chat_id in (blocked, gone, -9100):
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(chat_id, "x")
    with pytest.raises(Exception, match="chat not found"):
        await bot.send_message(9999, "x")
    assert await store.call(chats_sql.active_ids, [blocked, gone, -9100, 9999]) == set()
    assert throttle.stats.deactivations == 4


async def test_migrated_group_moves_and_is_resent(throttled: tuple[Bot, Throttle], limited: Sandbox, store: Store) -> None:
    bot, throttle = throttled
    limited.add_group(-4500, "Old group")
    await store.call(chats_sql.remember, {"id": -4500, "type": "group", "title": "Old group"}, NOW)
    await store.call(subs_sql.subscribe, -4500, {"frequency": "off", "hour": 10, "timezone": "UTC"}, NOW)
    limited.migrate_group(-4500, -1004500)
    first = await bot.send_message(-4500, "после миграции")
    second = await bot.send_message(-4500, "и ещё")
    assert first.chat.id == second.chat.id == -1004500
    assert [m.text for m in limited.messages(-1004500)] == ["после миграции", "и ещё"]
    assert sum(1 for c in limited.calls if c.error_code == 400) == 1  # the old id is asked once
    assert await store.call(chats_sql.get, -4500) is None
    assert (await store.call(subs_sql.get, -1004500)).active
    assert throttle.stats.migrations == 1


async def test_unparsable_html_is_logged_and_sent_as_plain_text(
    throttled: tuple[Bot, Throttle], limited: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    bot, throttle = throttled
    with caplog.at_level(logging.WARNING), delivery_context("job 7/7:1001"):
        sent = await bot.send_message(1001, "Tom & Jerry: <b>жирный</b> <i>не закрыт", parse_mode="HTML")
    assert sent.text == "Tom & Jerry: жирный не закрыт"
    assert throttle.stats.plain_fallbacks == 1
    assert any("job 7/7:1001" in r.getMessage() and "plain text" in r.getMessage() for r in caplog.records)


async def test_message_is_not_modified_is_not_an_error(throttled: tuple[Bot, Throttle], limited: Sandbox) -> None:
    bot, throttle = throttled
    sent = await bot.send_message(1001, "тот же текст")
    assert await bot.edit_message_text("тот же текст", chat_id=1001, message_id=sent.message_id) is True
    assert throttle.stats.not_modified == 1


async def test_interactive_sends_jump_ahead_of_bulk(throttled: tuple[Bot, Throttle], limited: Sandbox) -> None:
    """A reply asked while 150 bulk sends queue (0.5 s of traffic) goes out before almost all of
    them: only the bulk sends already granted may reach Telegram first."""
    bot, _ = throttled
    ids = users(limited, 10000, 150)

    async def bulk_send(uid: int) -> None:
        with bulk():
            await bot.send_message(uid, "bulk")

    async def reply() -> None:
        while sum(1 for c in limited.calls if c.method == "sendMessage") < 10:  # bulk under way
            await asyncio.sleep(0.005)
        await bot.send_message(1001, "reply")

    await asyncio.gather(reply(), *(bulk_send(uid) for uid in ids))
    order = [int(c.params["chat_id"]) for c in limited.calls if c.method == "sendMessage"]
    assert order.index(1001) < 30, order.index(1001)
    assert limited.stats["rejected_429"] == 0


def test_a_call_granted_in_the_same_instant_as_another_counts_until_its_own_answer() -> None:
    """Two calls granted at one instant (a coarse clock, or this virtual one): the first one's
    answer must not settle the second, still on its way, so that the window, limit 2, never
    lets more than one further call go while it is unanswered."""

    async def main(loop: VirtualLoop) -> list[float]:
        gate = PriorityGate(Window(2, 1.0), loop.time)
        first, second = await gate.acquire(INTERACTIVE), await gate.acquire(INTERACTIVE)
        assert first == second
        gate.settle(first, first)  # answered at once; the second stays on the wire
        later = [asyncio.create_task(gate.acquire(INTERACTIVE)) for _ in range(2)]
        await asyncio.sleep(5)
        granted = [task.result() for task in later if task.done()]
        gate.settle(second, loop.time())
        for task in asyncio.as_completed(later):  # the rest answered at once
            stamp = await task
            gate.settle(stamp, stamp)
        return granted

    assert len(run(main)) <= 1
