"""Schedule arithmetic: the newest slot at or before `now`.

Only the newest slot matters: a bot that was down for three days sends one catch-up digest, not
three. All inputs are aware datetimes; slots are computed in the subscriber's own zone so "10:00"
means 10:00 where the reader lives, across DST changes.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def personal_slot(now: datetime, *, frequency: str, hour: int, weekday: int, zone: str) -> datetime | None:
    """Most recent delivery time ≤ now for a daily/weekly subscription (None when off)."""
    if frequency not in ("daily", "weekly"):
        return None
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    candidate = datetime.combine(local.date(), time(hour), tzinfo=tz)
    if frequency == "daily":
        if candidate > local:
            candidate -= timedelta(days=1)
    else:
        candidate -= timedelta(days=(candidate.weekday() - weekday) % 7)
        if candidate > local:
            candidate -= timedelta(days=7)
    # Re-anchor the wall time in the zone (a day jump may cross a DST change).
    candidate = datetime.combine(candidate.date(), time(hour), tzinfo=tz)
    return candidate.astimezone(ZoneInfo("UTC"))


def parse_cron(spec: str, zone: str) -> CronTrigger:
    """FOLLOWUP_CRON as "mon 10:00" (weekday and time) or a 5-field crontab line."""
    parts = spec.split()
    if len(parts) == 2 and ":" in parts[1]:
        hour, minute = parts[1].split(":", 1)
        return CronTrigger(day_of_week=parts[0], hour=int(hour), minute=int(minute), timezone=zone)
    return CronTrigger.from_crontab(spec, timezone=zone)


def cron_slot(trigger: CronTrigger, now: datetime, lookback: timedelta = timedelta(days=35)) -> datetime | None:
    """Newest fire time of `trigger` at or before `now` (APScheduler only iterates forward)."""
    fire = trigger.get_next_fire_time(None, now - lookback)
    last = None
    while fire is not None and fire <= now:
        last = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return last.astimezone(ZoneInfo("UTC")) if last else None
