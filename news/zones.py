"""A chat's time zone from what a person types: "Europe/Kyiv", "kyiv", "Київ", "UTC+3".

What is stored is `Zone.name`, canonical (an IANA key, "UTC" or "UTC+03:00"), and
zone_from_name() rebuilds the zone from it. The tzdata package supplies the IANA database where
the system has none.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, timedelta, timezone, tzinfo
from functools import cache

# Reason codes: short English phrases, msgids the bot can translate (ZoneError.reason).
EMPTY = "empty"
UNKNOWN = "unknown zone"
OFFSET_RANGE = "offset out of range"

# Offsets in use run from UTC-12 (Baker Island) to UTC+14 (Kiribati), in quarter hours.
MIN_OFFSET = timedelta(hours=-12)
MAX_OFFSET = timedelta(hours=14)
# Longer input is not a place; it is not worth a fuzzy search either.
_MAX_CHARS = 64
_OFFSET = re.compile(
    r"(?:(?:utc|gmt)\s*)?([+\-−])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE | re.ASCII
)
_UTC_NAMES = frozenset({"utc", "gmt", "z", "zulu"})
# Keys zoneinfo may list that are no place: the system's own zone and tzdata's "Factory".
_NOT_PLACES = frozenset({"localtime", "Factory", "posixrules"})

_KYIV = "Europe/Kyiv"
# Spellings the IANA city names miss: Ukrainian and Russian names, old transliterations, and
# cities without their own key. The spelling is what a suggestion shows.
ALIASES: dict[str, str] = {
    **dict.fromkeys(["Kyiv", "Kiev", "Київ", "Киев", "Europe/Kiev"], _KYIV),
    **dict.fromkeys(["Kharkiv", "Kharkov", "Харків", "Харьков"], _KYIV),
    **dict.fromkeys(["Odesa", "Odessa", "Одеса", "Одесса"], _KYIV),
    **dict.fromkeys(["Lviv", "Lvov", "Львів", "Львов"], _KYIV),
    **dict.fromkeys(["Dnipro", "Дніпро", "Днепр", "Zaporizhzhia", "Запоріжжя"], _KYIV),
    **dict.fromkeys(["Ukraine", "Україна", "Украина"], _KYIV),
    **dict.fromkeys(["Варшава", "Poland"], "Europe/Warsaw"),
    **dict.fromkeys(["Берлін", "Берлин", "Germany"], "Europe/Berlin"),
    **dict.fromkeys(["Лондон", "UK"], "Europe/London"),
    **dict.fromkeys(["Париж", "Paris"], "Europe/Paris"),
    **dict.fromkeys(["Москва", "Moskva"], "Europe/Moscow"),
    **dict.fromkeys(["Мінськ", "Минск"], "Europe/Minsk"),
    **dict.fromkeys(["Прага"], "Europe/Prague"),
    **dict.fromkeys(["Відень", "Вена"], "Europe/Vienna"),
    **dict.fromkeys(["Рим"], "Europe/Rome"),
    **dict.fromkeys(["Вільнюс", "Вильнюс"], "Europe/Vilnius"),
    **dict.fromkeys(["Рига"], "Europe/Riga"),
    **dict.fromkeys(["Таллінн", "Таллин"], "Europe/Tallinn"),
    **dict.fromkeys(["Кишинів", "Кишинев", "Chisinau", "Kishinev"], "Europe/Chisinau"),
    **dict.fromkeys(["Стамбул", "Istanbul"], "Europe/Istanbul"),
    **dict.fromkeys(["Нью-Йорк", "NYC", "Washington", "Вашингтон"], "America/New_York"),
    **dict.fromkeys(["San Francisco", "Сан-Франциско", "Лос-Анджелес"], "America/Los_Angeles"),
    **dict.fromkeys(["Торонто"], "America/Toronto"),
    **dict.fromkeys(["Токіо", "Токио"], "Asia/Tokyo"),
    **dict.fromkeys(["Пекін", "Пекин", "Beijing"], "Asia/Shanghai"),
    **dict.fromkeys(["Delhi", "New Delhi", "Mumbai", "Bombay"], "Asia/Kolkata"),
    **dict.fromkeys(["Тбілісі", "Тбилиси"], "Asia/Tbilisi"),
}


class ZoneError(ValueError):
    """Input that names no zone; `suggestion` is the nearest city name, for "did you mean"."""

    def __init__(self, reason: str, suggestion: str | None = None) -> None:
        super().__init__(reason if suggestion is None else f"{reason} (did you mean {suggestion}?)")
        self.reason = reason
        self.suggestion = suggestion


@dataclass(frozen=True, slots=True)
class Zone:
    """A zone and the canonical name to store for it; equal zones have equal names."""

    name: str
    tzinfo: tzinfo = field(compare=False)


def _norm(text: str) -> str:
    """The lookup key: casefolded, "_" and "-" as spaces, runs of spaces as one."""
    return " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()


# The geographic areas; US/, Canada/, Etc/ and the like are old aliases, not cities.
_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)


@dataclass(frozen=True, slots=True)
class _Index:
    available: frozenset[str]  # IANA keys, as spelt
    keys: dict[str, str]  # normalised spelling -> IANA key
    shown: dict[str, str]  # normalised spelling -> how a suggestion writes it


@cache
def _index() -> _Index:
    """Every IANA key, every city's name ("new york") and the aliases, built once."""
    available = frozenset(zoneinfo.available_timezones() - _NOT_PLACES)
    keys: dict[str, str] = {}
    shown: dict[str, str] = {}
    # Deeper keys first: America/Indiana/Indianapolis is canonical, America/Indianapolis a link.
    for key in sorted(available, key=lambda k: (-k.count("/"), k)):
        area, _, city = key.rpartition("/")
        if area.split("/")[0] in _AREAS:
            keys.setdefault(_norm(city), key)
            shown.setdefault(_norm(city), city.replace("_", " "))
    for key in available:
        keys.setdefault(_norm(key), key)
    for spelling, key in ALIASES.items():
        keys[_norm(spelling)] = key
        if "/" not in spelling:
            shown[_norm(spelling)] = spelling
    return _Index(available, keys, shown)


def parse_zone(text: str) -> Zone:
    """A zone from an IANA name, a city (in English, Ukrainian or Russian) or a UTC offset."""
    text = text.strip()
    if not text:
        raise ZoneError(EMPTY)
    if len(text) > _MAX_CHARS:
        raise ZoneError(UNKNOWN)
    offset = _OFFSET.fullmatch(text)
    if offset:
        return _fixed(offset)
    if text.casefold() in _UTC_NAMES:
        return Zone("UTC", UTC)
    index = _index()
    key = index.keys.get(_norm(text))
    if key is None:
        close = difflib.get_close_matches(_norm(text), index.shown, n=1, cutoff=0.6)
        raise ZoneError(UNKNOWN, index.shown[close[0]] if close else None)
    return Zone(key, zoneinfo.ZoneInfo(key))


def _fixed(found: re.Match[str]) -> Zone:
    sign, hours, minutes = found.groups()
    size = timedelta(hours=int(hours), minutes=int(minutes or 0))
    # Every offset in use is whole quarter hours; "+05:07" is a typing slip, not a place.
    if int(minutes or 0) >= 60 or int(minutes or 0) % 15:
        raise ZoneError(OFFSET_RANGE)
    return fixed_zone(-size if sign in "-−" else size)


def fixed_zone(offset: timedelta) -> Zone:
    """A zone at a constant offset from UTC, named "UTC+05:30"; plain "UTC" for zero."""
    if not MIN_OFFSET <= offset <= MAX_OFFSET:
        raise ZoneError(OFFSET_RANGE)
    if not offset:
        return Zone("UTC", UTC)
    minutes = int(abs(offset).total_seconds()) // 60
    sign = "-" if offset < timedelta(0) else "+"
    return Zone(f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}", timezone(offset))


def zone_from_name(name: str) -> Zone:
    """The zone a stored canonical name stands for; ZoneError when it is no longer known."""
    if name == "UTC":
        return Zone("UTC", UTC)
    offset = _OFFSET.fullmatch(name)
    if name.startswith("UTC") and offset:
        return _fixed(offset)
    if name not in _index().available:
        raise ZoneError(UNKNOWN)
    return Zone(name, zoneinfo.ZoneInfo(name))
