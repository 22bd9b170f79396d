"""Subscription settings: defaults, validation and changes (the /settings keyboard calls these)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.app.config import Settings
from bot.refusal import Refusal
from bot.zones import parse_zone
from bot.services.word_filters import WordFilters
from storage import subscriptions as subs_sql
from storage.db import Store

FREQUENCIES = ("daily", "weekly", "off")
COMMON_ZONES = (
    "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
    "Asia/Almaty", "Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Vladivostok",
    "Europe/Berlin", "Europe/London", "UTC", "Asia/Tashkent",
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
    thread_id: int = 0  # a forum topic subscribed on its own (0: the chat)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Subscription":
        return cls(chat_id=row["chat_id"], active=bool(row["active"]), frequency=row["frequency"],
                   weekday=row["weekday"], hour=row["hour"], timezone=row["timezone"], themes=row["themes"],
                   followups=bool(row["followups"]), thread_id=row.get("thread_id") or 0)

    def wants(self, slug: str) -> bool:
        return self.themes is None or slug in self.themes


# A typed zone is echoed in the refusal; an IANA name is at most ~30 characters.
ZONE_ECHO_LIMIT = 40


def normalize_zone(name: str) -> str:
    """A zone as a person names it (city in Russian or English, "UTC+5", an IANA name), or a
    refusal that says what is accepted."""
    zone = parse_zone(name)
    if zone is None:
        name = name.strip()
        raise SettingError("settings_bad_zone", zone=name if len(name) <= ZONE_ECHO_LIMIT else name[:ZONE_ECHO_LIMIT - 1] + "…")
    return zone


class Subscriptions:
    def __init__(self, store: Store, clock: Clock, settings: Settings) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.filters = WordFilters(store, clock)  # per subscription: mute / only words

    def defaults(self) -> dict[str, Any]:
        """PRODUCT.md: weekly at 10:00 in TIMEZONE, follow-ups on, all themes."""
        return {"frequency": "weekly", "weekday": 0, "hour": 10, "timezone": self.settings.timezone,
                "themes": None, "followups": 1}

    async def get(self, chat_id: int, thread: int = 0) -> Subscription | None:
        row = await self.store.call(subs_sql.get, chat_id, thread)
        return Subscription.from_row(row) if row else None

    async def zone_of(self, chat_id: int) -> str:
        """The chat's own time zone (its subscription settings), else TIMEZONE: what an admin's
        times (schedules, /audit, /stats, /sources) are read and shown in."""
        sub = await self.get(chat_id)
        return sub.timezone if sub else self.settings.timezone

    async def subscribe(self, chat_id: int, thread: int = 0) -> tuple[Subscription, str]:
        """Returns the subscription and "new" | "restored" | "already"."""
        row, state = await self.store.call(subs_sql.subscribe, chat_id, self.defaults(), self.clock.iso(), thread)
        return Subscription.from_row(row), state

    async def unsubscribe(self, chat_id: int, thread: int = 0) -> bool:
        return await self.store.call(subs_sql.unsubscribe, chat_id, self.clock.iso(), thread)

    async def following(self, chat_id: int, slug: str, thread: int = 0) -> bool:
        """Whether this chat's (or topic's) digest includes the theme (a card's follow button)."""
        current = await self.get(chat_id, thread)
        return current is not None and current.active and current.wants(slug)

    async def toggle_theme(self, chat_id: int, slug: str, catalog_slugs: list[str],
                           thread: int = 0) -> tuple[str, Subscription]:
        """A card's follow button: subscribe (to this theme only) if not subscribed, add the theme
        to the digest, or take it out again. Returns "subscribed" | "added" | "removed" and the
        subscription now; taking out the last theme is refused (SettingError)."""
        if slug not in catalog_slugs:
            raise SettingError("stale_button")
        current = await self.get(chat_id, thread)
        if current is None or not current.active:
            await self.subscribe(chat_id, thread)
            if current is None:
                await self.store.call(subs_sql.update, chat_id, self.clock.iso(), thread=thread, themes=[slug])
                fresh = await self.get(chat_id, thread)
                assert fresh is not None
                return "subscribed", fresh
            current = await self.get(chat_id, thread)
            assert current is not None
            if current.wants(slug):
                return "subscribed", current
        removing = current.wants(slug)
        changed = await self.change(chat_id, "theme", slug, catalog_slugs, thread=thread)
        return ("removed" if removing else "added"), changed

    async def change(self, chat_id: int, field: str, value: Any, catalog_slugs: list[str] | None = None,
                     thread: int = 0) -> Subscription:
        """Validate and apply one setting; raises SettingError with a reason to show."""
        current = await self.get(chat_id, thread)
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
        row = await self.store.call(subs_sql.update, chat_id, self.clock.iso(), thread=thread, **fields)
        assert row is not None
        return Subscription.from_row(row)
