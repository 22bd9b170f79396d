"""Pacing under the strict reading of Telegram's limits: every rate-limited call counted, 429s
handled where they belong, paid broadcasts, and rapid taps on a settings keyboard.

Outcomes are what the sandbox recorded (429s answered, calls made, their order), never durations;
how fast calls go is checked on a fake clock (tests/delivery/virtual.py), never waited for.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiogram import Bot

from bot.app.local import LocalBot
from bot.delivery import RateLimits, Throttle, bulk
from bot.sandbox import Sandbox, SandboxLimits
from storage import chats as chats_sql
from storage import subscriptions as subs_sql
from tests.delivery.conftest import FAST_RETRY, STRICT, floods, texts
from tests.delivery.test_throttle import send_all, users
from tests.delivery.virtual import Telegram, VirtualLoop, busiest, run


@STRICT
async def test_edits_deletes_and_pins_take_global_slots_like_sends(throttled: tuple[Bot, Throttle], limited: Sandbox) -> None:
    """The strict model counts every one of these toward 30/s; none may be answered 429."""
    bot, _ = throttled
    ids = users(limited, 5000, 45)
    sent = await send_all(bot, ids)
    await asyncio.gather(
        *(bot.edit_message_text("v2", chat_id=m.chat.id, message_id=m.message_id) for m in sent),
        *(bot.pin_chat_message(m.chat.id, m.message_id) for m in sent),
        *(bot.send_message(m.chat.id, "и ещё") for m in sent),
    )
    await asyncio.gather(*(bot.delete_message(m.chat.id, m.message_id) for m in sent))
    assert limited.stats["rejected_429"] == 0, floods(limited)
    by_method = limited.stats["by_method"]
    assert by_method["editMessageText"] == by_method["pinChatMessage"] == by_method["deleteMessage"] == 45
    assert [[m.text for m in limited.messages(uid)] for uid in ids] == [["и ещё"]] * 45


def test_a_429_pauses_its_chat_only(caplog: pytest.LogCaptureFixture) -> None:
    """One chat answered 429 "retry after 2": by the fake clock nothing reaches that chat for 2 s,
    while the other readers get theirs meanwhile; the bot's rate is not touched."""
    readers = list(range(6000, 6020))

    async def main(loop: VirtualLoop) -> tuple[Telegram, Throttle]:
        telegram = Telegram(loop, SandboxLimits.model("strict"))
        throttle = Throttle(RateLimits(), retry=FAST_RETRY, clock=loop.time)
        telegram.refuse_next(1, retry_after=2)
        await asyncio.gather(*(telegram.send(throttle, uid, "hi") for uid in readers))
        return telegram, throttle

    with caplog.at_level(logging.WARNING):
        telegram, throttle = run(main)
    (flood,) = telegram.refused
    assert throttle.stats.flood_scopes == {"chat": 1}
    retried = next(c for c in telegram.calls if c.chat_id == flood.chat_id and c.retry_after is None)
    assert retried.at >= flood.at + 2, "the chat was sent to inside its 429's quiet window"
    assert all(flood.at < c.at < flood.at + 2 for c in telegram.calls if c.chat_id != flood.chat_id)
    assert throttle.limiter.rate_changes == [] and not any("delivery rate" in r.getMessage() for r in caplog.records)
    assert telegram.delivered() == {uid: ["hi"] for uid in readers}


def test_429s_from_several_chats_cut_the_global_rate_which_climbs_back(caplog: pytest.LogCaptureFixture) -> None:
    """Three chats answered 429 at once: the global rate is cut, and by the fake clock the sends
    that follow keep to the lower rate; while traffic goes on without a storm it climbs back one
    message per second per quiet stretch to 30, every change logged with its cause."""

    async def main(loop: VirtualLoop) -> tuple[Telegram, Throttle, float]:
        telegram = Telegram(loop, SandboxLimits.model("strict"))
        throttle = Throttle(RateLimits(), retry=FAST_RETRY, clock=loop.time)
        telegram.refuse_next(3, retry_after=2)
        await asyncio.gather(*(telegram.send(throttle, uid, "первые") for uid in range(6100, 6110)))
        await asyncio.gather(*(telegram.send(throttle, uid, "после среза") for uid in range(6200, 6260)))
        climbed = throttle.limiter.rate  # the rate only rose while these went out
        for rounds in range(30):  # traffic goes on; every quiet stretch adds rate back
            if throttle.limiter.rate == 30:
                break
            await telegram.send(throttle, 6300 + rounds, "потихоньку")
            await asyncio.sleep(throttle.limits.real(throttle.limits.recover_every))
        await telegram.send(throttle, 6100, "после паузы")
        return telegram, throttle, climbed

    with caplog.at_level(logging.WARNING, logger="bot.delivery.limiter"):
        telegram, throttle, climbed = run(main)
    changes = throttle.limiter.rate_changes
    old, cut, cause = changes[0]
    assert old == 30 and cut < 30 and "429 from 3 chats" in cause
    after = [c.at for c in telegram.calls if c.text == "после среза"]
    assert climbed < 30 and busiest(after, 1.0) <= int(climbed), "the cut rate was not kept"
    assert changes[-1][1] == 30 and all(new > old for old, new, _ in changes[1:])
    assert all("no 429 storm" in cause for _, _, cause in changes[1:])
    logged = [r.getMessage() for r in caplog.records if "delivery rate" in r.getMessage()]
    assert len(logged) == len(changes) and "429 from 3 chats" in logged[0]
    assert throttle.stats.flood_scopes.get("global") == 1 and len(telegram.refused) == 3
    delivered = telegram.delivered()
    assert delivered.pop(6100) == ["первые", "после паузы"] and all(len(got) == 1 for got in delivered.values())


def test_paid_sends_use_their_own_budget_beyond_the_free_30_per_second() -> None:
    """PAID_BROADCAST: sends with allow_paid_broadcast go faster than 30 per second (by the fake
    clock) on their own budget, while free bulk sends beside them keep to 30; no 429 either way."""

    async def main(loop: VirtualLoop) -> Telegram:
        telegram = Telegram(loop, SandboxLimits.model("strict"))
        throttle = Throttle(RateLimits(), retry=FAST_RETRY, clock=loop.time)
        await asyncio.gather(
            *(telegram.send(throttle, uid, "платная", bulk_send=True, paid=True) for uid in range(7000, 7120)),
            *(telegram.send(throttle, uid, "бесплатная", bulk_send=True) for uid in range(7200, 7320)),
        )
        return telegram

    telegram = run(main)
    assert telegram.refused == []
    delivered = telegram.delivered()
    assert [delivered[uid] for uid in range(7000, 7120)] == [["платная"]] * 120
    assert [delivered[uid] for uid in range(7200, 7320)] == [["бесплатная"]] * 120
    assert busiest([c.at for c in telegram.calls if c.paid], 1.0) > 30, "paid sends held to the free rate"
    assert busiest([c.at for c in telegram.calls if not c.paid], 1.0) <= 30


@STRICT
async def test_paid_broadcast_uses_the_paid_budget(delivery_app: LocalBot) -> None:
    """PAID_BROADCAST: the bot's bulk sends ask for allow_paid_broadcast, replies do not, each
    reader gets the broadcast once and nothing is answered 429 (how fast the paid budget lets
    them go: test_paid_sends_use_their_own_budget_beyond_the_free_30_per_second)."""
    app, sb = delivery_app, delivery_app.sandbox
    app.services.sender.paid = True
    ids = users(sb, 7000, 120)
    with bulk():
        await asyncio.gather(*(app.services.sender.send(uid, "платная рассылка", bulk=True) for uid in ids))
    await app.services.sender.send(ids[0], "ответ")
    sends = [c for c in sb.calls if c.method == "sendMessage"]
    paid = [c for c in sends if c.params.get("allow_paid_broadcast") == "true"]
    assert len(paid) == 120 and sends[-1].params.get("allow_paid_broadcast") is None
    assert sb.stats["rejected_429"] == 0
    assert all(len(texts(sb, uid)) == 2 for uid in ids[:1]) and all(texts(sb, uid) == ["платная рассылка"] for uid in ids[1:])


@STRICT
async def test_rapid_taps_are_answered_first_and_the_last_state_wins(delivery_app: LocalBot) -> None:
    """50 readers press hour buttons 14 times each as fast as they can: every press is answered
    (before the edit it causes), the edits of one message are coalesced, each keyboard ends
    showing the last hour pressed, and nothing is answered 429."""
    app, sb = delivery_app, delivery_app.sandbox
    readers, taps = list(range(24001, 24051)), 14
    app.services.scheduler.pause()  # no digest falls due at one of the hours pressed
    store, now = app.services.store, app.services.clock.iso()
    for uid in readers:
        sb.add_user(uid, first_name=f"U{uid}")
        await store.call(chats_sql.remember, {"id": uid, "type": "private", "title": str(uid)}, now)
        await store.call(subs_sql.subscribe, uid, {"frequency": "daily", "hour": 20, "timezone": "UTC"}, now)
    menus = {uid: await sb.ask("/settings", user_id=uid) for uid in readers}
    for uid, menu in menus.items():
        screen = await sb.click(uid, menu.message_id, "st:menu:hr", user_id=uid)
        assert screen is not None and "13" in str(screen.buttons)
    mark, answered = len(sb.calls), len(sb.callback_answers)
    queries = {uid: [sb.press_button(uid, menus[uid].message_id, f"st:hr:{hour}", user_id=uid) for hour in range(taps)]
               for uid in readers}  # all 700 presses are in before the bot sees the first
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while len(sb.callback_answers) < answered + len(readers) * taps or any(
        "13:00" not in sb.message(uid, menus[uid].message_id).text for uid in readers
    ):
        assert loop.time() < deadline, sb.dump(readers[0], "taps not all answered / shown")
        await sb.core.notifier.wait(deadline - loop.time())  # each answer and edit wakes it
    answers = sb.callback_answers[answered:]
    assert [a["show_alert"] for a in answers] == [False] * len(answers)
    assert {a["text"] for a in answers} == {"Сохранено"}
    calls = sb.calls[mark:]
    assert sb.stats["rejected_429"] == 0
    errors = [c.description for c in calls if c.error_code and "not modified" not in (c.description or "")]
    assert errors == []
    for uid in readers:
        chat = str(uid)
        edits = [i for i, c in enumerate(calls) if c.method == "editMessageText" and c.params.get("chat_id") == chat]
        mine = set(queries[uid])
        answers_at = [i for i, c in enumerate(calls) if c.method == "answerCallbackQuery"
                      and c.params.get("callback_query_id") in mine]
        assert len(answers_at) == taps
        assert len(edits) <= taps // 3, f"{len(edits)} edits for {taps} taps: not coalesced"
        assert max(answers_at) < edits[-1], "the last press was answered only after its edit"
        assert (await store.call(subs_sql.get, uid)).hour == taps - 1
