"""Schedules on the 2026 fall-back days and a subscription the scheduler cannot read.

A weekly follow-up in the repeated hour of a fall-back used to loop forever on the event loop
(APScheduler hands back the same 01:30 again); one subscription with a zone this machine cannot
load used to make the whole digest pass raise, so nobody got a digest.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app.local import SANDBOX_CHANNEL_ID, LocalBot
from bot.clock import FrozenClock
from bot.sandbox import Sandbox
from bot.schedule import cron_slot, parse_cron, personal_slot
from storage import subscriptions as subs_sql
from tests.articles import CORRIDOR
from tests.conftest import READER_ID, make_settings

# (zone, FOLLOWUP_CRON inside the repeated interval, UTC start of the local fall-back day,
#  the first occurrence of that wall time in UTC)
FALL_BACK = [
    ("America/New_York", "sun 01:30", datetime(2026, 11, 1, 4, 0), datetime(2026, 11, 1, 5, 30)),
    ("Europe/London", "sun 01:30", datetime(2026, 10, 25, 0, 0), datetime(2026, 10, 25, 0, 30)),
    ("Australia/Lord_Howe", "sun 01:45", datetime(2026, 4, 4, 13, 0), datetime(2026, 4, 4, 14, 45)),
    ("Pacific/Chatham", "sun 03:00", datetime(2026, 4, 4, 10, 15), datetime(2026, 4, 4, 13, 15)),
]
IDS = [case[0] for case in FALL_BACK]


def _walk_day(zone: str, spec: str, day: datetime) -> list[datetime]:
    """The follow-up slot every 5 minutes through the local fall-back day, computed on a
    watched thread: a schedule that never advances shows up as a hang here, not a frozen suite."""
    trigger = parse_cron(spec, zone)
    slots: list[datetime] = []

    def walk() -> None:
        now = day.replace(tzinfo=timezone.utc)
        for _ in range(12 * 26):
            slots.append(cron_slot(trigger, now))  # type: ignore[arg-type]
            now += timedelta(minutes=5)

    worker = threading.Thread(target=walk, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), f"{zone} {spec}: schedule computation never finished"
    return slots


@pytest.mark.parametrize("zone,spec,day,first", FALL_BACK, ids=IDS)
def test_followup_slot_advances_through_the_repeated_hour(zone: str, spec: str, day: datetime,
                                                          first: datetime) -> None:
    slots = _walk_day(zone, spec, day)
    assert slots == sorted(slots), "the newest slot never moves back"
    that_day = sorted({s for s in slots if s >= day.replace(tzinfo=timezone.utc)})
    # The wall time happens twice; it is one slot, at its first occurrence.
    assert that_day == [first.replace(tzinfo=timezone.utc)]
    assert first.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone)).strftime("%a %H:%M") == \
        "Sun " + spec.split()[1]


@pytest.mark.parametrize("zone,spec,day,first", FALL_BACK, ids=IDS)
def test_personal_slot_in_the_repeated_hour_is_one_slot(zone: str, spec: str, day: datetime,
                                                        first: datetime) -> None:
    hour = first.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone)).hour  # 01:00 twice in NY and London, 03:00 in Chatham
    slots = []
    now = day.replace(tzinfo=timezone.utc)
    for _ in range(12 * 26):
        slots.append(personal_slot(now, frequency="daily", hour=hour, weekday=6, zone=zone))
        now += timedelta(minutes=5)
    assert slots == sorted(slots)
    local_hours = {s.astimezone(ZoneInfo(zone)).hour for s in slots if s is not None}
    assert local_hours == {hour}
    # Daily: one slot per local day, never a second one for the repeated wall time.
    assert len({s for s in slots}) == len({s.astimezone(ZoneInfo(zone)).date() for s in slots if s is not None})


@pytest.fixture
def fall_back_clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 1, 4, 0, tzinfo=timezone.utc))  # 00:00 EDT, fall-back day


@pytest.fixture
async def new_york(sandbox: Sandbox, tmp_path: Path, fall_back_clock: FrozenClock) -> AsyncIterator[LocalBot]:
    settings = make_settings(tmp_path, timezone="America/New_York", followup_cron="sun 01:30")
    async with LocalBot(settings, sandbox=sandbox, clock=fall_back_clock) as local:
        yield local


@pytest.mark.timeout(90)
async def test_bot_keeps_answering_and_posts_one_followup_across_the_fall_back(
        new_york: LocalBot, fall_back_clock: FrozenClock) -> None:
    sb = new_york.sandbox
    await new_york.services.articles.add(*CORRIDOR, kind="file")
    posted = []
    for _ in range(4 * 6):  # 00:00 EDT .. 04:45 EST, a pass every 15 minutes
        report = await new_york.services.digests.tick()
        await new_york.services.outbox.wait_idle()
        if report.followup is not None:
            posted.append(fall_back_clock.now())
        fall_back_clock.advance(minutes=15)
    # A fresh bot waits for its first slot (issue 13: last Sunday's is not caught up); this
    # Sunday's goes out once, at the first 01:30 (EDT), not again at the second (EST).
    assert posted == [datetime(2026, 11, 1, 5, 30, tzinfo=timezone.utc)]
    assert len(sb.messages(SANDBOX_CHANNEL_ID)) == 1
    mark = sb.mark()
    sb.send_text("/start", user_id=READER_ID)
    assert (await sb.wait_for(READER_ID, 1, after=mark))[0].text


async def test_a_subscription_with_an_unloadable_zone_does_not_stop_the_others(
        sandbox: Sandbox, tmp_path: Path) -> None:
    clock = FrozenClock(datetime(2026, 1, 12, 3, 0, tzinfo=timezone.utc))
    async with LocalBot(make_settings(tmp_path), sandbox=sandbox, clock=clock) as app:
        sandbox.add_user(1002, first_name="Broken", language_code="ru")
        for chat_id in (READER_ID, 1002):
            mark = sandbox.mark()
            sandbox.send_text("/subscribe", user_id=chat_id)
            await sandbox.wait_for(chat_id, 2, after=mark)
            await app.services.store.call(subs_sql.update, chat_id, clock.iso(), frequency="daily", hour=9)
        # A row this machine cannot schedule (written by an older version, or a zone the
        # tz database here lacks): it must be skipped, not take everyone's digest down.
        await app.services.store.call(subs_sql.update, 1002, clock.iso(), timezone="Mars/Olympus_Mons")
        clock.advance(minutes=5)
        await app.services.articles.add(*CORRIDOR, kind="file")
        clock.set(datetime(2026, 1, 12, 6, 5, tzinfo=timezone.utc))  # 09:05 Moscow
        report = await app.services.digests.tick()
        await app.services.outbox.wait_idle()
        assert report.personal_sent == 1
        assert [m for m in sandbox.messages(READER_ID) if "Ваш дайджест" in m.text]
        assert not [m for m in sandbox.messages(1002) if "Ваш дайджест" in m.text]
        # Its owner can still open /settings and pick a zone that works.
        assert "Mars/Olympus_Mons" in (await sandbox.ask("/settings", user_id=1002)).text


@pytest.mark.parametrize("typed", ["localtime", "Factory", "posixrules", "Mars/Olympus_Mons"])
async def test_zones_that_are_not_places_are_refused(app: LocalBot, typed: str) -> None:
    sb = app.sandbox
    mark = sb.mark()
    sb.send_text("/subscribe", user_id=READER_ID)
    await sb.wait_for(READER_ID, 2, after=mark)
    mark = sb.mark()
    sb.send_text(f"/settings tz {typed}", user_id=READER_ID)
    reply = (await sb.wait_for(READER_ID, 1, after=mark))[0]
    assert reply.text.startswith("Часового пояса «") and typed in reply.text
    row = await app.services.store.call(subs_sql.get, READER_ID)
    assert row.timezone == "Europe/Moscow"


@pytest.mark.parametrize("spec,weekdays", [
    ("0 10 * * 1", {"Monday"}), ("0 10 * * 0", {"Sunday"}), ("0 10 * * 7", {"Sunday"}),
    ("0 10 * * 1-5", {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}),
    ("0 10 * * */3", {"Sunday", "Wednesday", "Saturday"}), ("0 10 * * mon,fri", {"Monday", "Friday"}),
    ("mon 10:00", {"Monday"}),
])
def test_crontab_weekday_numbers_mean_what_crontab_means(spec: str, weekdays: set[str]) -> None:
    """An admin who writes FOLLOWUP_CRON="0 10 * * 1" as crontab teaches it gets Mondays (APScheduler
    alone counts from Monday = 0 and would fire on Tuesdays)."""
    trigger = parse_cron(spec, "Europe/Moscow")
    fire, seen = datetime(2026, 12, 5, tzinfo=timezone.utc), set()
    for _ in range(14):
        fire = trigger.get_next_fire_time(None, fire + timedelta(seconds=1))
        seen.add(fire.strftime("%A"))
        assert (fire.hour, fire.minute) == (10, 0)
    assert seen == weekdays
