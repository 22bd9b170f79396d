"""Odd numbers a real client can send: superscripts, 25-digit ids, year 1, forged button ids.

Each used to reach `int()` or SQLite and come back as "Что-то пошло не так"; each must get its
own short answer instead.
"""

from __future__ import annotations

import time

import pytest

from bot.app.local import LocalBot
from bot.i18n import Translator
from bot.numbers import parse_id, parse_int
from bot.sandbox import Sandbox
from tests.conftest import ADMIN_ID, READER_ID

RU = Translator("ru")
DIGITS_25 = "1" * 25
DIGITS_20 = "9" * 20


def test_one_reading_of_an_id() -> None:
    assert [parse_id(t) for t in ("17", " 17 ", "²", "①", "٣", "-3", "0", DIGITS_25, "", None, "1e3")] == \
        [17, 17, None, None, None, None, None, None, None, None, None]
    assert [parse_int(t) for t in ("-1", "24", "²", "9" * 19)] == [-1, 24, None, None]


async def _reply(sb: Sandbox, text: str, user_id: int) -> str:
    return (await sb.ask(text, user_id=user_id)).text


@pytest.mark.parametrize("text,expected", [
    ("/summary ²", RU("summary_bad_arg")),
    (f"/summary {DIGITS_25}", RU("summary_bad_arg")),
])
async def test_reader_numbers_get_a_specific_answer(app: LocalBot, text: str, expected: str) -> None:
    assert await _reply(app.sandbox, text, READER_ID) == expected


async def test_typed_settings_numbers_and_a_4080_character_zone(app: LocalBot) -> None:
    sb = app.sandbox
    mark = sb.mark()
    sb.send_text("/subscribe", user_id=READER_ID)
    await sb.wait_for(READER_ID, 2, after=mark)
    assert await _reply(sb, "/settings hour ²", READER_ID) == RU("settings_bad_hour", hour="²")
    assert await _reply(sb, f"/settings hour {DIGITS_25}", READER_ID) == RU("settings_bad_hour", hour="1" * 19 + "…")
    zone = "Ж" * 4080
    answer = await _reply(sb, f"/settings tz {zone}", READER_ID)
    assert answer.startswith("Часового пояса «ЖЖЖ") and len(answer) < 200


@pytest.mark.parametrize("text,expected", [
    (f"/cancel {DIGITS_25}", RU("cancel_usage")),
    ("/cancel ²", RU("cancel_usage")),
    (f"/delsource {DIGITS_25}", RU("delsource_usage")),
    ("/delsource ³", RU("delsource_usage")),
    ("/schedule 0001-01-01 00:00 x", RU("schedule_bad_time", value="0001-01-01 00:00")),
])
async def test_admin_numbers_get_a_specific_answer(app: LocalBot, text: str, expected: str) -> None:
    assert await _reply(app.sandbox, text, ADMIN_ID) == expected


def _forge(sb: Sandbox, user_id: int, message_id: int, data: str) -> str:
    """A modified client sends callback data no button carried (Telegram relays it as is)."""
    query_id = f"forged-{len(sb.core.callbacks)}"
    message = sb.core.store.live_bot(user_id, message_id)
    assert message is not None
    sb.core.callbacks[query_id] = {"at": time.monotonic(), "answered": False, "data": data}
    sb.inject_update({"callback_query": {
        "id": query_id, "from": dict(sb.core.chats.user(user_id)), "message": message.raw,
        "chat_instance": "1", "data": data}})
    return query_id


@pytest.mark.parametrize("user_id,data", [
    (READER_ID, f"tn:{DIGITS_20}"),
    (READER_ID, f"at:{DIGITS_20}"),
    (READER_ID, f"ac:{DIGITS_20}:supply-chains"),
    (READER_ID, "st:hr:²"),
    (READER_ID, f"st:tz:{DIGITS_20}"),
    (READER_ID, "st:th:-1"),
    (ADMIN_ID, f"pa:publish:{DIGITS_20}"),
    (ADMIN_ID, f"bc:send:{DIGITS_20}"),
])
async def test_forged_button_ids_are_stale_buttons(app: LocalBot, user_id: int, data: str) -> None:
    sb = app.sandbox
    mark = sb.mark()
    sb.send_text("/subscribe", user_id=user_id)
    message = (await sb.wait_for(user_id, 2, after=mark))[1]
    query_id = _forge(sb, user_id, message.message_id, data)
    for _ in range(50):
        answers = [a for a in sb.callback_answers if a["callback_query_id"] == query_id]
        if answers:
            break
        await sb.core.notifier.wait(0.2)
    assert [a.get("text") for a in answers] == [RU("stale_button")]
