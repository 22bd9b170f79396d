"""Time zones as people name them: "Ташкент", "almaty", "UTC+5", "Asia/Almaty" in, city names out.

Readers do not know IANA names. Babel's CLDR data has the Russian exemplar city of every IANA
zone (Алматы, Ташкент, Нью-Йорк); the English city is the zone's own last part. A bare offset
becomes a fixed zone (Etc/GMT-5 is UTC+5: the Etc names count the other way round).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale

# Names the tz database lists that are not places: "localtime" is this machine's own setting (a
# file that another machine may not have), "Factory" and "posixrules" are placeholders.
NOT_ZONES = frozenset({"localtime", "factory", "posixrules"})
_OFFSET = re.compile(r"^(?:utc|gmt|мск|msk)?\s*([+-−])\s*(\d{1,2})(?::?(\d{2}))?$")
_ALIASES = {"мск": "Europe/Moscow", "msk": "Europe/Moscow", "utc": "UTC", "gmt": "UTC", "астана": "Asia/Almaty",
            "astana": "Asia/Almaty", "нур султан": "Asia/Almaty", "калькутта": "Asia/Kolkata", "kolkata": "Asia/Kolkata"}


def _key(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").replace("_", " ").replace("-", " ").split())


def _english_city(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@lru_cache(maxsize=1)
def _by_name() -> dict[str, str]:
    """Every way of naming a zone that we accept, normalised → IANA name."""
    names: dict[str, str] = {}
    russian = Locale("ru").time_zones
    for zone in sorted(available_timezones()):
        if zone.startswith(("Etc/", "SystemV/")) or "/" not in zone or zone.casefold() in NOT_ZONES:
            continue
        names.setdefault(_key(zone), zone)
        names.setdefault(_key(_english_city(zone)), zone)
        city = russian.get(zone, {}).get("city")
        if city:
            names.setdefault(_key(city), zone)
    for alias, zone in _ALIASES.items():
        names[_key(alias)] = zone
    return names


def parse_zone(text: str) -> str | None:
    """The IANA zone a person means, or None. Accepts IANA names in any case, city names in
    Russian or English, and offsets: "UTC+5", "GMT-3", "+05:30", "МСК+2" (Moscow time plus two)."""
    raw = text.strip()
    if raw.casefold() in NOT_ZONES:
        return None
    if raw in available_timezones():
        return raw if _loads(raw) else None
    key = _key(raw)
    if key in _by_name():
        return _by_name()[key] if _loads(_by_name()[key]) else None
    match = _OFFSET.match(raw.casefold().replace(" ", ""))
    if match is None:
        return None
    sign = -1 if match.group(1) in "-−" else 1
    total = sign * (int(match.group(2)) * 60 + int(match.group(3) or 0))
    if raw.casefold().startswith(("мск", "msk")):
        total += 180
    return _fixed_zone(total)


def _loads(zone: str) -> bool:
    """A stored zone that cannot be loaded here would be skipped by every digest pass."""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _fixed_zone(total_minutes: int) -> str | None:
    if abs(total_minutes) > 14 * 60 or total_minutes % 15:
        return None
    if total_minutes == 0:
        return "UTC"
    if total_minutes % 60 == 0:
        hours = total_minutes // 60
        return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"
    # No Etc zone has a half hour: the first city zone living at that offset now (Asia/Kolkata for +5:30).
    wanted = timedelta(minutes=total_minutes)
    now = datetime.now(ZoneInfo("UTC"))
    named = Locale("ru").time_zones
    candidates = sorted(set(_by_name().values()), key=lambda z: (z not in named, z))
    return next((z for z in candidates if now.astimezone(ZoneInfo(z)).utcoffset() == wanted), None)


def offset_label(zone: str, at: datetime | None = None) -> str:
    """"UTC+5", "UTC+5:30", "UTC−3", "UTC" for the zone's offset now (or at `at`)."""
    offset = (at or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(zone)).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def city_name(zone: str, language: str) -> str | None:
    """The zone's city in the reader's language (None for UTC and fixed offsets)."""
    if zone.startswith("Etc/") or "/" not in zone:
        return None
    if language == "ru":
        city = Locale("ru").time_zones.get(zone, {}).get("city")
        if city:
            return str(city)
    return _english_city(zone)


def zone_label(zone: str, language: str = "ru") -> str:
    """"Алматы (UTC+5)", "Almaty (UTC+5)", "UTC+5": what readers see instead of IANA names (the
    bare name for a stored zone this machine cannot load, so /settings still opens to change it)."""
    if not _loads(zone):
        return zone
    offset = offset_label(zone)
    city = city_name(zone, language)
    return f"{city} ({offset})" if city else offset
