"""Subscription settings: defaults, validation and changes (the /settings keyboard calls these).

`Subscription` (as stored, `storage.rows`) is re-exported for the layers above, which never import storage."""

from __future__ import annotations

from typing import Any

from bot.clock import Clock
from bot.config import Settings
from bot.refusal import Refusal
from bot.services.themes import Themes
from bot.zones import parse_zone
from storage import subscriptions as subs_sql
from storage.db import Store
from storage.rows import Subscription

__all__ = ["COMMON_ZONES", "FREQUENCIES", "SettingError", "Subscription", "Subscriptions", "normalize_zone"]

FREQUENCIES = ("daily", "weekly", "off")
COMMON_ZONES = (
    "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
    "Asia/Almaty", "Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Vladivostok",
    "Europe/Berlin", "Europe/London", "UTC", "Asia/Tashkent",
)


class SettingError(Refusal):
    """A refused setting value."""


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
    """One typed method per setting (the /settings buttons, the typed `/settings hour 7`, a card's
    follow button): each checks the chat (or topic) is subscribed, validates, writes, and returns
    the subscription as it now is; a refused value is a SettingError with the reason to show."""

    def __init__(self, store: Store, clock: Clock, settings: Settings, themes: Themes) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.themes = themes  # the catalog theme choices are checked against

    def defaults(self) -> dict[str, Any]:
        """PRODUCT.md: weekly at 10:00 in TIMEZONE, follow-ups on, all themes."""
        return {"frequency": "weekly", "weekday": 0, "hour": 10, "timezone": self.settings.timezone,
                "themes": None, "followups": 1}

    async def get(self, chat_id: int, thread: int = 0) -> Subscription | None:
        return await self.store.call(subs_sql.get, chat_id, thread)

    async def zone_of(self, chat_id: int) -> str:
        """The chat's own time zone (its subscription settings), else TIMEZONE: what an admin's
        times (schedules, /audit, /stats, /sources) are read and shown in."""
        sub = await self.get(chat_id)
        return sub.timezone if sub else self.settings.timezone

    async def subscribe(self, chat_id: int, thread: int = 0) -> tuple[Subscription, str]:
        """Returns the subscription and "new" | "restored" | "already"."""
        sub, state = await self.store.call(subs_sql.subscribe, chat_id, self.defaults(), self.clock.iso(), thread)
        return sub, state

    async def unsubscribe(self, chat_id: int, thread: int = 0) -> bool:
        return await self.store.call(subs_sql.unsubscribe, chat_id, self.clock.iso(), thread)

    async def following(self, chat_id: int, slug: str, thread: int = 0) -> bool:
        """Whether this chat's (or topic's) digest includes the theme (a card's follow button)."""
        current = await self.get(chat_id, thread)
        return current is not None and current.active and current.wants(slug)

    async def toggle_theme(self, chat_id: int, slug: str, thread: int = 0) -> tuple[str, Subscription]:
        """A card's follow button: subscribe (to this theme only) if not subscribed, add the theme
        to the digest, or take it out again. Returns "subscribed" | "added" | "removed" and the
        subscription now; taking out the last theme is refused (SettingError)."""
        if slug not in await self._catalog():
            raise SettingError("stale_button")
        current = await self.get(chat_id, thread)
        if current is None or not current.active:
            await self.subscribe(chat_id, thread)
            if current is None:
                return "subscribed", await self._write(chat_id, thread, themes=[slug])
            current = await self.get(chat_id, thread)
            assert current is not None
            if current.wants(slug):
                return "subscribed", current
        removing = current.wants(slug)
        return ("removed" if removing else "added"), await self.flip_theme(chat_id, slug, thread)

    async def set_frequency(self, chat_id: int, frequency: str, thread: int = 0) -> Subscription:
        await self._subscribed(chat_id, thread)
        if frequency not in FREQUENCIES:
            raise SettingError("settings_bad_value")
        return await self._write(chat_id, thread, frequency=frequency)

    async def set_weekday(self, chat_id: int, weekday: int, thread: int = 0) -> Subscription:
        """A weekday makes the digest weekly."""
        await self._subscribed(chat_id, thread)
        if not 0 <= weekday <= 6:
            raise SettingError("settings_bad_value")
        return await self._write(chat_id, thread, weekday=weekday, frequency="weekly")

    async def set_hour(self, chat_id: int, hour: int | str, thread: int = 0) -> Subscription:
        """`hour` as typed when it is not a number (echoed in the refusal)."""
        await self._subscribed(chat_id, thread)
        if not (isinstance(hour, int) and 0 <= hour <= 23):
            raise SettingError("settings_bad_hour", hour=hour)
        return await self._write(chat_id, thread, hour=hour)

    async def set_zone(self, chat_id: int, zone: str, thread: int = 0) -> Subscription:
        """A zone as a person names it (see `normalize_zone`)."""
        await self._subscribed(chat_id, thread)
        return await self._write(chat_id, thread, timezone=normalize_zone(zone))

    async def set_followups(self, chat_id: int, on: bool, thread: int = 0) -> Subscription:
        await self._subscribed(chat_id, thread)
        return await self._write(chat_id, thread, followups=int(on))

    async def flip_theme(self, chat_id: int, slug: str, thread: int = 0) -> Subscription:
        """Put a catalog theme in the digest or take it out; the last one cannot go."""
        current = await self._subscribed(chat_id, thread)
        slugs = await self._catalog()
        if slug not in slugs:
            raise SettingError("settings_bad_value")
        chosen = set(current.themes if current.themes is not None else slugs) ^ {slug}
        if not chosen:
            raise SettingError("settings_need_theme")
        return await self._write(chat_id, thread, themes=None if chosen == set(slugs) else sorted(chosen))

    async def set_all_themes(self, chat_id: int, thread: int = 0) -> Subscription:
        await self._subscribed(chat_id, thread)
        return await self._write(chat_id, thread, themes=None)

    async def _catalog(self) -> list[str]:
        return [t.slug for t in await self.themes.catalog()]

    async def _subscribed(self, chat_id: int, thread: int) -> Subscription:
        current = await self.get(chat_id, thread)
        if current is None or not current.active:
            raise SettingError("settings_not_subscribed")
        return current

    async def _write(self, chat_id: int, thread: int, **fields: Any) -> Subscription:
        sub = await self.store.call(subs_sql.update, chat_id, self.clock.iso(), thread=thread, **fields)
        assert sub is not None
        return sub
