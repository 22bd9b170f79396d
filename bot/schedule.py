"""Schedule arithmetic: the newest slot at or before `now`.

Only the newest slot matters: a bot that was down for three days sends one catch-up digest, not
three. All inputs are aware datetimes; slots are computed in the subscriber's own zone so "10:00"
means 10:00 where the reader lives, across DST changes.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def personal_slot(now: datetime, *, frequency: str, hour: int, weekday: int, zone: str) -> datetime | None:
    """Most recent delivery time ≤ now for a daily/weekly subscription (None when off)."""
    if frequency not in ("daily", "weekly"):
        return None
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    day = local.date()
    if frequency == "weekly":
        day -= timedelta(days=(day.weekday() - weekday) % 7)
    # Compared as instants: two datetimes in one zone compare by wall time, which puts 03:00
    # after 02:50 even when that 02:50 is the second pass through a fall-back's repeated hour.
    # A wall time that happens twice is taken at its first occurrence (fold=0).
    candidate = _utc(datetime.combine(day, time(hour), tzinfo=tz))
    if candidate > _utc(now):
        day -= timedelta(days=1 if frequency == "daily" else 7)
        candidate = _utc(datetime.combine(day, time(hour), tzinfo=tz))
    return candidate


def parse_cron(spec: str, zone: str) -> CronTrigger:
    """FOLLOWUP_CRON as "mon 10:00" (weekday and time) or a 5-field crontab line."""
    parts = spec.split()
    if len(parts) == 2 and ":" in parts[1]:
        hour, minute = parts[1].split(":", 1)
        return CronTrigger(day_of_week=parts[0], hour=int(hour), minute=int(minute), timezone=zone)
    if len(parts) == 5:
        # APScheduler counts weekdays from Monday = 0; crontab counts from Sunday = 0 (and 7), so
        # "0 10 * * 1" would fire on Tuesdays. Numbers are turned into names before it sees them.
        parts[4] = _crontab_weekdays(parts[4])
        spec = " ".join(parts)
    return CronTrigger.from_crontab(spec, timezone=zone)


_CRONTAB_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _crontab_weekdays(field: str) -> str:
    """A crontab day-of-week field with its numbers as names ("1-5" → "mon,tue,wed,thu,fri",
    "*/2" → "sun,tue,thu,sat"); names ("mon-fri") and a bare "*" pass through as they are."""
    days: list[str] = []
    for part in field.split(","):
        base, _, step_text = part.partition("/")
        if not any(ch.isdigit() for ch in base) and not (base == "*" and step_text):
            days.append(part)
            continue
        low, _, high = ("0-6" if base == "*" else base).partition("-")
        if not (low.isdigit() and (high.isdigit() or not high) and (step_text.isdigit() or not step_text)):
            raise ValueError(f"day of week {part!r} is not a crontab field")
        first, last = int(low), int(high) if high else (6 if step_text else int(low))
        if not (first <= last <= 7 and int(step_text or 1) > 0):
            raise ValueError(f"day of week {part!r} is out of range")
        days += [_CRONTAB_DAYS[n] for n in range(first, last + 1, int(step_text or 1))]
    return ",".join(dict.fromkeys(days))


def checked_cron(spec: str, zone: str, now: datetime) -> str:
    """An admin's follow-up schedule, whitespace tidied, once it parses as FOLLOWUP_CRON does and
    fires at all (ValueError otherwise: "0 0 31 2 *" parses but would never send anything)."""
    spec = " ".join(spec.split())
    if parse_cron(spec, zone).get_next_fire_time(None, now) is None:
        raise ValueError(f"{spec!r} never fires")
    return spec


def next_cron_slot(spec: str, zone: str, after: datetime) -> datetime | None:
    """The first slot of a follow-up schedule strictly after `after` (what admins are told is
    next: a schedule set at 10:00 sharp has already let that 10:00 go)."""
    return parse_cron(spec, zone).get_next_fire_time(None, after + timedelta(seconds=1))


# Growing look-back windows: the newest slot is found in the smallest window holding one, so a
# minutely crontab walks at most 60 fire times, a weekly one a handful.
_WINDOWS = (timedelta(hours=1), timedelta(days=1), timedelta(days=8), timedelta(days=35))
# A hard bound on fire times walked per window: schedule arithmetic runs on the event loop.
MAX_STEPS = 10_000
# How far past a fire time the next one is searched: APScheduler 3.x returns the same instant
# again for a wall time inside a DST fall-back's repeated hour (the search point's fold is lost),
# so a search that does not advance is retried from further on.
_STEPS = (timedelta(seconds=1), timedelta(minutes=1), timedelta(hours=1))


def cron_slot(trigger: CronTrigger, now: datetime, lookback: timedelta = timedelta(days=35)) -> datetime | None:
    """Newest fire time of `trigger` at or before `now` (APScheduler only iterates forward).

    A wall time that happens twice (the repeated hour of a DST fall-back) is one slot: its first
    occurrence, so a weekly "sun 01:30" fires once that Sunday, not twice and never forever."""
    for window in [w for w in _WINDOWS if w < lookback] + [lookback]:
        last = _newest_in(trigger, now - window, now)
        if last is not None:
            return last
    return None


def _newest_in(trigger: CronTrigger, start: datetime, now: datetime) -> datetime | None:
    """The newest slot in [start, now], each fire time taken at its first occurrence."""
    fire = trigger.get_next_fire_time(None, start)
    last: datetime | None = None
    for _ in range(MAX_STEPS):
        if fire is None or _utc(fire) > _utc(now):
            break
        slot = _first_occurrence(fire)
        last = slot if last is None else max(last, slot)
        fire = _following(trigger, fire)
    return last


def _following(trigger: CronTrigger, fire: datetime) -> datetime | None:
    """The first fire time strictly after `fire` (None when the trigger has no more)."""
    for step in _STEPS:
        following = trigger.get_next_fire_time(fire, fire + step)
        if following is None or _utc(following) > _utc(fire):
            return following
    return None


def _first_occurrence(fire: datetime) -> datetime:
    """The same wall time at its first occurrence (fold=0: before a fall-back, not after)."""
    first = fire.replace(fold=0)
    return min(_utc(first), _utc(fire))


def _utc(moment: datetime) -> datetime:
    """Instants compared in UTC: two datetimes sharing a tzinfo compare by wall time, which
    calls 01:30 EDT and 01:30 EST equal."""
    return moment.astimezone(timezone.utc)
