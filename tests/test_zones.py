"""news.zones: a chat's time zone from an IANA name, a city or a UTC offset."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from news import zones
from news.zones import Zone, ZoneError, fixed_zone, parse_zone, zone_from_name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Europe/Kyiv", "Europe/Kyiv"),
        ("europe/kyiv", "Europe/Kyiv"),
        ("  EUROPE/KYIV ", "Europe/Kyiv"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("Kyiv", "Europe/Kyiv"),
        ("kiev", "Europe/Kyiv"),
        ("Київ", "Europe/Kyiv"),
        ("Киев", "Europe/Kyiv"),
        ("Харків", "Europe/Kyiv"),
        ("Odessa", "Europe/Kyiv"),
        ("Львів", "Europe/Kyiv"),
        ("Варшава", "Europe/Warsaw"),
        ("warsaw", "Europe/Warsaw"),
        ("Берлін", "Europe/Berlin"),
        ("London", "Europe/London"),
        ("Лондон", "Europe/London"),
        ("New York", "America/New_York"),
        ("new_york", "America/New_York"),
        ("new-york", "America/New_York"),
        ("Нью-Йорк", "America/New_York"),
        ("Washington", "America/New_York"),
        ("America/New_York", "America/New_York"),
        ("america/new york", "America/New_York"),
        ("Tokyo", "Asia/Tokyo"),
        ("Москва", "Europe/Moscow"),
        ("Moscow", "Europe/Moscow"),
        ("Los Angeles", "America/Los_Angeles"),
        ("Indianapolis", "America/Indiana/Indianapolis"),
        ("Jamaica", "America/Jamaica"),
        ("US/Eastern", "US/Eastern"),
        ("Etc/GMT+3", "Etc/GMT+3"),
    ],
)
def test_names_and_cities(text: str, name: str) -> None:
    zone = parse_zone(text)
    assert zone.name == name
    assert zone.tzinfo is zoneinfo.ZoneInfo(name)


@pytest.mark.parametrize(
    ("text", "name", "hours"),
    [
        ("UTC", "UTC", 0),
        ("utc", "UTC", 0),
        ("GMT", "UTC", 0),
        ("Z", "UTC", 0),
        ("UTC+0", "UTC", 0),
        ("+00:00", "UTC", 0),
        ("UTC+3", "UTC+03:00", 3),
        ("utc +3", "UTC+03:00", 3),
        ("+03:00", "UTC+03:00", 3),
        ("+3", "UTC+03:00", 3),
        ("UTC-5", "UTC-05:00", -5),
        ("UTC−5", "UTC-05:00", -5),
        ("GMT+5:30", "UTC+05:30", 5.5),
        ("+0530", "UTC+05:30", 5.5),
        ("+05:45", "UTC+05:45", 5.75),
        ("UTC-12", "UTC-12:00", -12),
        ("UTC+14", "UTC+14:00", 14),
        ("UTC-9:30", "UTC-09:30", -9.5),
    ],
)
def test_offsets(text: str, name: str, hours: float) -> None:
    zone = parse_zone(text)
    assert zone.name == name
    assert zone.tzinfo.utcoffset(None) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("text", "reason", "suggestion"),
    [
        ("", zones.EMPTY, None),
        ("   ", zones.EMPTY, None),
        ("Kyv", zones.UNKNOWN, "Kyiv"),
        ("Kiyv", zones.UNKNOWN, "Kyiv"),
        ("Londn", zones.UNKNOWN, "London"),
        ("Nwe York", zones.UNKNOWN, "New York"),
        ("Киів", zones.UNKNOWN, "Київ"),
        ("Xyzzyqq", zones.UNKNOWN, None),
        ("../../etc/passwd", zones.UNKNOWN, None),
        ("x" * 200, zones.UNKNOWN, None),
        ("UTC+15", zones.OFFSET_RANGE, None),
        ("UTC-13", zones.OFFSET_RANGE, None),
        ("+14:30", zones.OFFSET_RANGE, None),
        ("+05:07", zones.OFFSET_RANGE, None),
        ("+05:75", zones.OFFSET_RANGE, None),
    ],
)
def test_refused(text: str, reason: str, suggestion: str | None) -> None:
    with pytest.raises(ZoneError) as raised:
        parse_zone(text)
    assert raised.value.reason == reason
    assert raised.value.suggestion == suggestion
    if suggestion:
        assert suggestion in str(raised.value)


def test_suggestions_parse() -> None:
    with pytest.raises(ZoneError) as raised:
        parse_zone("Tokio")
    assert raised.value.suggestion is not None
    assert parse_zone(raised.value.suggestion).name == "Asia/Tokyo"


def test_every_alias_names_a_zone() -> None:
    available = zoneinfo.available_timezones()
    for spelling, key in zones.ALIASES.items():
        assert key in available, spelling
        assert parse_zone(spelling).name == key


def test_every_iana_key_parses() -> None:
    moment = datetime(2026, 1, 15, 12, tzinfo=UTC)
    for key in zoneinfo.available_timezones() - {"localtime", "Factory", "posixrules"}:
        assert zone_from_name(key).name == key
        zone = parse_zone(key)
        # Old one-word keys (Singapore, Jamaica) read as the city: the same clock, a newer name.
        if "/" in key and key not in zones.ALIASES and key != "Etc/UTC":
            assert zone.name == key
        offset = moment.astimezone(zone.tzinfo).utcoffset()
        assert offset == moment.astimezone(zoneinfo.ZoneInfo(key)).utcoffset()


def test_zone_from_name_round_trips() -> None:
    for text in ("Kyiv", "UTC", "UTC+3", "GMT-9:30", "New York", "+0545"):
        zone = parse_zone(text)
        again = zone_from_name(zone.name)
        assert again == zone
        moment = datetime(2026, 7, 1, 12, tzinfo=UTC)
        assert (
            moment.astimezone(again.tzinfo).utcoffset()
            == moment.astimezone(zone.tzinfo).utcoffset()
        )


@pytest.mark.parametrize("text", ["localtime", "Factory", "posixrules"])
def test_files_that_are_no_place(text: str) -> None:
    with pytest.raises(ZoneError):
        zone_from_name(text)
    with pytest.raises(ZoneError):
        parse_zone(text)


@pytest.mark.parametrize("name", ["Mars/Olympus", "kyiv", "", "../etc", "UTC+15:00"])
def test_zone_from_unknown_name(name: str) -> None:
    with pytest.raises(ZoneError):
        zone_from_name(name)


def test_zones_compare_by_name() -> None:
    assert parse_zone("Kyiv") == Zone("Europe/Kyiv", zoneinfo.ZoneInfo("Europe/Kyiv"))
    assert parse_zone("UTC+3") == parse_zone("+03:00")
    assert parse_zone("Kyiv") != parse_zone("UTC+3")


@given(st.integers(-12 * 4, 14 * 4))
def test_fixed_offsets_round_trip(quarters: int) -> None:
    zone = fixed_zone(timedelta(minutes=15 * quarters))
    assert zone_from_name(zone.name) == zone
    assert parse_zone(zone.name) == zone
    assert zone.tzinfo.utcoffset(None) == timedelta(minutes=15 * quarters)


@given(st.text(max_size=80))
def test_parse_raises_only_zone_error(text: str) -> None:
    try:
        zone = parse_zone(text)
    except ZoneError as error:
        assert error.reason in {zones.EMPTY, zones.UNKNOWN, zones.OFFSET_RANGE}
    else:
        assert zone_from_name(zone.name) == zone
