"""Subscription settings: defaults, validation and changes (the /settings keyboard calls these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.clock import Clock
from bot.config import Settings
from bot.errors import Refusal
from storage import subscriptions as subs_sql
from storage.db import Store

FREQUENCIES = ("daily", "weekly", "off")
COMMON_ZONES = (
    "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
    "Asia/Almaty", "Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Vladivostok",
    "Europe/Berlin", "Europe/London", "UTC",
)


class SettingError(Refusal):
    """A refused setting value."""


@dataclass(frozen=True)
class Subscription:
    chat_id: int
    active: bool
    frequency: str
    weekday: int
    hour: int
    timezone: str
    themes: list[str] | None  # None: all themes
    followups: bool

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Subscription":
        return cls(chat_id=row["chat_id"], active=bool(row["active"]), frequency=row["frequency"],
                   weekday=row["weekday"], hour=row["hour"], timezone=row["timezone"], themes=row["themes"],
                   followups=bool(row["followups"]))

    def wants(self, slug: str) -> bool:
        return self.themes is None or slug in self.themes


# Names the tz database lists that are not places: "localtime" is this machine's own setting (a
# file that another machine may not have), "Factory" and "posixrules" are placeholders.
NOT_ZONES = frozenset({"localtime", "factory", "posixrules"})
# A typed zone is echoed in the refusal; an IANA name is at most ~30 characters.
ZONE_ECHO_LIMIT = 40


def normalize_zone(name: str) -> str:
    """Accept any IANA name, case-insensitively ("asia/almaty"), that loads here; refuse
    everything else (a stored zone that cannot be loaded would be skipped by every digest pass)."""
    name = name.strip()
    zones = {z.lower(): z for z in available_timezones() if z.lower() not in NOT_ZONES}
    zone = zones.get(name.lower())
    if zone is not None:
        try:
            ZoneInfo(zone)
            return zone
        except (ZoneInfoNotFoundError, ValueError):
            pass
    shown = name if len(name) <= ZONE_ECHO_LIMIT else name[:ZONE_ECHO_LIMIT - 1] + "…"
    raise SettingError("settings_bad_zone", zone=shown)


class Subscriptions:
    def __init__(self, store: Store, clock: Clock, settings: Settings) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings

    def defaults(self) -> dict[str, Any]:
        """PRODUCT.md: weekly at 10:00 in TIMEZONE, follow-ups on, all themes."""
        return {"frequency": "weekly", "weekday": 0, "hour": 10, "timezone": self.settings.timezone,
                "themes": None, "followups": 1}

    async def get(self, chat_id: int) -> Subscription | None:
        row = await self.store.call(subs_sql.get, chat_id)
        return Subscription.from_row(row) if row else None

    async def subscribe(self, chat_id: int) -> tuple[Subscription, bool]:
        row, restored = await self.store.call(subs_sql.subscribe, chat_id, self.defaults(), self.clock.iso())
        return Subscription.from_row(row), restored

    async def unsubscribe(self, chat_id: int) -> bool:
        return await self.store.call(subs_sql.unsubscribe, chat_id, self.clock.iso())

    async def follow_theme(self, chat_id: int, slug: str, catalog_slugs: list[str]) -> str:
        """The card's "subscribe to this theme": subscribe (to this theme only) if not yet, or add
        it to a theme filter. Returns "subscribed" | "added" | "already"."""
        if slug not in catalog_slugs:
            raise SettingError("stale_button")
        current = await self.get(chat_id)
        if current is None or not current.active:
            await self.subscribe(chat_id)
            if current is None:
                await self.store.call(subs_sql.update, chat_id, self.clock.iso(), themes=[slug])
                return "subscribed"
            current = await self.get(chat_id)
            assert current is not None
        if current.wants(slug):
            return "already"
        themes = sorted({*(current.themes or []), slug})
        await self.store.call(subs_sql.update, chat_id, self.clock.iso(),
                              themes=None if set(themes) == set(catalog_slugs) else themes)
        return "added"

    async def change(self, chat_id: int, field: str, value: Any, catalog_slugs: list[str] | None = None) -> Subscription:
        """Validate and apply one setting; raises SettingError with a reason to show."""
        current = await self.get(chat_id)
        if current is None or not current.active:
            raise SettingError("settings_not_subscribed")
        fields: dict[str, Any]
        if field == "frequency":
            if value not in FREQUENCIES:
                raise SettingError("settings_bad_value")
            fields = {"frequency": value}
        elif field == "weekday":
            if not (isinstance(value, int) and 0 <= value <= 6):
                raise SettingError("settings_bad_value")
            fields = {"weekday": value, "frequency": "weekly"}
        elif field == "hour":
            if not (isinstance(value, int) and 0 <= value <= 23):
                raise SettingError("settings_bad_hour", hour=value)
            fields = {"hour": value}
        elif field == "timezone":
            fields = {"timezone": normalize_zone(str(value))}
        elif field == "followups":
            fields = {"followups": int(bool(value))}
        elif field == "theme":
            slugs = catalog_slugs or []
            if value not in slugs:
                raise SettingError("settings_bad_value")
            chosen = set(current.themes if current.themes is not None else slugs)
            chosen ^= {value}
            if not chosen:
                raise SettingError("settings_need_theme")
            fields = {"themes": None if chosen == set(slugs) else sorted(chosen)}
        elif field == "all_themes":
            fields = {"themes": None}
        else:
            raise SettingError("settings_bad_value")
        row = await self.store.call(subs_sql.update, chat_id, self.clock.iso(), **fields)
        assert row is not None
        return Subscription.from_row(row)


def zone_label(zone: str) -> str:
    """"Asia/Almaty (UTC+05:00)" style label for buttons and the summary line (the bare name
    for a stored zone this machine cannot load, so /settings still opens to change it)."""
    try:
        offset = datetime.now(ZoneInfo(zone)).strftime("%z")
    except (ZoneInfoNotFoundError, ValueError):
        return zone
    return f"{zone} (UTC{offset[:3]}:{offset[3:]})"
