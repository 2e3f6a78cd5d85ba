"""news.timing: digest times, quiet hours and pauses, across daylight saving changes."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from news import timing
from news.timing import (
    Quiet,
    TimingError,
    digest_due,
    in_quiet,
    last_slot,
    next_slot,
    parse_duration,
    parse_quiet,
    parse_times,
    quiet_ends,
)

KYIV = ZoneInfo("Europe/Kyiv")
NEW_YORK = ZoneInfo("America/New_York")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(
    zone: ZoneInfo,
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    fold: int = 0,
) -> datetime:
    """A wall-clock moment in `zone`, as the UTC instant the functions return."""
    return datetime(year, month, day, hour, minute, second, tzinfo=zone, fold=fold).astimezone(UTC)


# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00 19:00", (time(8), time(19))),
        ("19:00 08:00", (time(8), time(19))),
        ("8:00", (time(8),)),
        ("8", (time(8),)),
        ("08", (time(8),)),
        ("19.30", (time(19, 30),)),
        ("0:05", (time(0, 5),)),
        ("23:59", (time(23, 59),)),
        ("8am 7pm", (time(8), time(19))),
        ("8 AM, 7 PM", (time(8), time(19))),
        ("7:30 p.m.", (time(19, 30),)),
        ("12am 12pm", (time(0), time(12))),
        ("12:30am", (time(0, 30),)),
        ("8:00, 8, 08:00; 8am", (time(8),)),
        ("1 2 3 4 5 6", tuple(time(h) for h in range(1, 7))),
    ],
)
def test_parse_times(text: str, expected: tuple[time, ...]) -> None:
    assert parse_times(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", timing.EMPTY),
        ("  , ", timing.EMPTY),
        ("24:00", timing.BAD_TIME),
        ("8:60", timing.BAD_TIME),
        ("8:5", timing.BAD_TIME),
        ("13pm", timing.BAD_TIME),
        ("0am", timing.BAD_TIME),
        ("noon", timing.BAD_TIME),
        ("-8", timing.BAD_TIME),
        ("８:00", timing.BAD_TIME),
        ("1 2 3 4 5 6 7", timing.TOO_MANY_TIMES),
        ("8 " * 25, timing.TOO_MANY_TIMES),
    ],
)
def test_parse_times_refuses(text: str, reason: str) -> None:
    with pytest.raises(TimingError) as raised:
        parse_times(text)
    assert raised.value.reason == reason


def test_bad_time_names_the_word() -> None:
    with pytest.raises(TimingError) as raised:
        parse_times("08:00 25:00")
    assert raised.value.text == "25:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23:00-07:00", Quiet(time(23), time(7))),
        ("23:00 - 07:00", Quiet(time(23), time(7))),
        ("23:00–07:00", Quiet(time(23), time(7))),
        ("23:00 07:00", Quiet(time(23), time(7))),
        ("11pm-7am", Quiet(time(23), time(7))),
        ("23 to 7", Quiet(time(23), time(7))),
        ("13:00-14:30", Quiet(time(13), time(14, 30))),
        ("off", None),
        (" OFF ", None),
        ("вимк", None),
    ],
)
def test_parse_quiet(text: str, expected: Quiet | None) -> None:
    assert parse_quiet(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", timing.EMPTY),
        ("23:00", timing.BAD_QUIET),
        ("23:00-07:00-09:00", timing.BAD_QUIET),
        ("08:00-8am", timing.SAME_START_END),
        ("25:00-07:00", timing.BAD_TIME),
    ],
)
def test_parse_quiet_refuses(text: str, reason: str) -> None:
    with pytest.raises(TimingError) as raised:
        parse_quiet(text)
    assert raised.value.reason == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2h", timedelta(hours=2)),
        ("30m", timedelta(minutes=30)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        ("90 minutes", timedelta(minutes=90)),
        ("2 hours", timedelta(hours=2)),
        ("3 days", timedelta(days=3)),
        ("1 week", timedelta(days=7)),
        ("1.5h", timedelta(minutes=90)),
        ("2 год", timedelta(hours=2)),
        ("30 хв", timedelta(minutes=30)),
        ("30 хв.", timedelta(minutes=30)),
        ("1 д", timedelta(days=1)),
        ("2 дні", timedelta(days=2)),
        ("5 днів", timedelta(days=5)),
        ("1,5 години", timedelta(minutes=90)),
        ("2 часа", timedelta(hours=2)),
        ("30d", timedelta(days=30)),
        ("1m", timedelta(minutes=1)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", timing.EMPTY),
        ("2", timing.BAD_DURATION),
        ("h", timing.BAD_DURATION),
        ("0m", timing.BAD_DURATION),
        ("2 parsecs", timing.BAD_DURATION),
        ("-2h", timing.BAD_DURATION),
        ("2h and 3m", timing.BAD_DURATION),
        ("31d", timing.TOO_LONG),
        ("30d 1m", timing.TOO_LONG),
        ("5 weeks", timing.TOO_LONG),
        ("9999 days", timing.TOO_LONG),
    ],
)
def test_parse_duration_refuses(text: str, reason: str) -> None:
    with pytest.raises(TimingError) as raised:
        parse_duration(text)
    assert raised.value.reason == reason


@given(st.text(max_size=60))
def test_parsers_raise_only_timing_error(text: str) -> None:
    for parse in (parse_times, parse_quiet, parse_duration):
        with contextlib.suppress(TimingError):
            parse(text)


# --- slots and DST ---------------------------------------------------------------------------


def test_slots_on_an_ordinary_day() -> None:
    times = (time(8), time(19))
    now = local(KYIV, 2026, 6, 10, 12, 0)
    assert last_slot(now, times, KYIV) == local(KYIV, 2026, 6, 10, 8)
    assert next_slot(now, times, KYIV) == local(KYIV, 2026, 6, 10, 19)
    assert last_slot(local(KYIV, 2026, 6, 10, 8), times, KYIV) == local(KYIV, 2026, 6, 10, 8)
    assert next_slot(local(KYIV, 2026, 6, 10, 19), times, KYIV) == local(KYIV, 2026, 6, 11, 8)
    assert last_slot(local(KYIV, 2026, 6, 10, 7), times, KYIV) == local(KYIV, 2026, 6, 9, 19)


def test_no_times() -> None:
    now = utc(2026, 6, 10, 12)
    assert last_slot(now, (), KYIV) is None
    assert not digest_due(now, (), KYIV, None)
    with pytest.raises(ValueError):
        next_slot(now, (), KYIV)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        last_slot(datetime(2026, 6, 10, 12), (time(8),), KYIV)


def slots_of_day(zone: ZoneInfo, day: datetime, times: tuple[time, ...]) -> list[datetime]:
    """Every slot from the start of a local day to the start of the next."""
    found, now = [], day - timedelta(microseconds=1)
    end = (day.astimezone(zone) + timedelta(days=1)).replace(hour=0).astimezone(UTC)
    while (slot := next_slot(now, times, zone)) < end:
        found.append(slot)
        now = slot
    return found


@pytest.mark.parametrize(
    ("zone", "day", "wall", "expected"),
    [
        # EU spring forward: Kyiv skips 03:00-04:00; 03:30 comes an hour later, at 04:30 EEST.
        (KYIV, (2026, 3, 29), time(3, 30), utc(2026, 3, 29, 1, 30)),
        (KYIV, (2026, 3, 29), time(8), utc(2026, 3, 29, 5)),
        # EU fall back: 03:00-04:00 happens twice in Kyiv; the first one counts.
        (KYIV, (2026, 10, 25), time(3, 30), utc(2026, 10, 25, 0, 30)),
        (KYIV, (2026, 10, 25), time(8), utc(2026, 10, 25, 6)),
        # US spring forward: New York skips 02:00-03:00.
        (NEW_YORK, (2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 30)),
        (NEW_YORK, (2026, 3, 8), time(8), utc(2026, 3, 8, 12)),
        # US fall back: 01:00-02:00 happens twice in New York.
        (NEW_YORK, (2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
        (NEW_YORK, (2026, 11, 1), time(8), utc(2026, 11, 1, 13)),
    ],
)
def test_one_digest_per_slot_on_dst_days(
    zone: ZoneInfo, day: tuple[int, int, int], wall: time, expected: datetime
) -> None:
    midnight = local(zone, *day)
    assert slots_of_day(zone, midnight, (wall,)) == [expected]


def test_two_walls_that_meet_in_a_gap_are_one_digest() -> None:
    # 03:00 (skipped) comes the gap's length later, at 04:00 EEST: the moment of the 04:00 slot.
    midnight = local(KYIV, 2026, 3, 29)
    assert slots_of_day(KYIV, midnight, (time(3), time(4))) == [utc(2026, 3, 29, 1)]


def test_fixed_offset_zone() -> None:
    zone = timezone(timedelta(hours=3))
    assert next_slot(utc(2026, 1, 1, 4), (time(8),), zone) == utc(2026, 1, 1, 5)
    assert next_slot(utc(2026, 1, 1, 7), (time(8),), zone) == utc(2026, 1, 2, 5)


# --- digest_due --------------------------------------------------------------------------------


def test_digest_due_after_downtime_is_sent_once() -> None:
    times = (time(8),)
    sent_yesterday = local(KYIV, 2026, 6, 9, 8, 0, 5)
    up_again = local(KYIV, 2026, 6, 10, 8, 40)
    assert digest_due(up_again, times, KYIV, sent_yesterday)
    assert not digest_due(up_again + timedelta(seconds=1), times, KYIV, up_again)


def test_digest_missed_for_long_is_sent_once() -> None:
    times = (time(8), time(12))
    sent = local(KYIV, 2026, 6, 7, 8)
    up_again = local(KYIV, 2026, 6, 10, 7)  # a day and more of slots missed
    assert digest_due(up_again, times, KYIV, sent)
    assert not digest_due(up_again + timedelta(hours=0.5), times, KYIV, up_again)
    assert digest_due(local(KYIV, 2026, 6, 10, 8), times, KYIV, up_again)


def test_digest_not_due_before_the_next_slot() -> None:
    times = (time(8), time(19))
    sent = local(KYIV, 2026, 6, 10, 8, 1)
    assert not digest_due(local(KYIV, 2026, 6, 10, 18, 59), times, KYIV, sent)
    assert digest_due(local(KYIV, 2026, 6, 10, 19), times, KYIV, sent)


def test_digest_due_for_a_chat_that_never_had_one() -> None:
    assert digest_due(utc(2026, 6, 10, 12), (time(8),), KYIV, None)


# --- quiet hours ---------------------------------------------------------------------------------


def test_quiet_across_midnight() -> None:
    quiet = Quiet(time(23), time(7))
    assert in_quiet(local(KYIV, 2026, 6, 10, 23, 30), quiet, KYIV)
    assert in_quiet(local(KYIV, 2026, 6, 11, 6, 59), quiet, KYIV)
    assert in_quiet(local(KYIV, 2026, 6, 10, 23), quiet, KYIV)
    assert not in_quiet(local(KYIV, 2026, 6, 11, 7), quiet, KYIV)
    assert not in_quiet(local(KYIV, 2026, 6, 10, 22, 59), quiet, KYIV)
    assert quiet_ends(local(KYIV, 2026, 6, 10, 23, 30), quiet, KYIV) == local(KYIV, 2026, 6, 11, 7)
    assert quiet_ends(local(KYIV, 2026, 6, 11, 3), quiet, KYIV) == local(KYIV, 2026, 6, 11, 7)


def test_quiet_within_a_day() -> None:
    quiet = Quiet(time(13), time(14, 30))
    assert in_quiet(local(KYIV, 2026, 6, 10, 14), quiet, KYIV)
    assert not in_quiet(local(KYIV, 2026, 6, 10, 15), quiet, KYIV)
    assert not in_quiet(local(KYIV, 2026, 6, 10, 12), quiet, KYIV)


def test_not_quiet_ends_now() -> None:
    now = utc(2026, 6, 10, 12)
    assert quiet_ends(now, None, KYIV) == now
    assert not in_quiet(now, None, KYIV)
    assert quiet_ends(now, Quiet(time(23), time(7)), KYIV) == now
    assert quiet_ends(now, None, KYIV).tzinfo is UTC


def test_quiet_end_in_the_gap_comes_an_hour_later() -> None:
    # New York skips 02:00-03:00 on 2026-03-08: quiet until 02:30 lasts until 03:30 EDT.
    quiet = Quiet(time(23), time(2, 30))
    now = local(NEW_YORK, 2026, 3, 8, 1)
    assert quiet_ends(now, quiet, NEW_YORK) == utc(2026, 3, 8, 7, 30)
    assert in_quiet(utc(2026, 3, 8, 7, 29), quiet, NEW_YORK)


def test_quiet_on_the_night_clocks_go_back() -> None:
    # 01:00-02:00 happens twice in New York on 2026-11-01; quiet ends at the first 01:30.
    quiet = Quiet(time(23), time(1, 30))
    now = local(NEW_YORK, 2026, 10, 31, 23, 30)
    assert quiet_ends(now, quiet, NEW_YORK) == local(NEW_YORK, 2026, 11, 1, 1, 30)
    assert not in_quiet(local(NEW_YORK, 2026, 11, 1, 1, 10, fold=1), quiet, NEW_YORK)


# --- properties ------------------------------------------------------------------------------

ZONES = st.sampled_from(
    [
        KYIV,
        NEW_YORK,
        ZoneInfo("Europe/London"),
        ZoneInfo("Australia/Lord_Howe"),  # DST of half an hour
        ZoneInfo("Pacific/Chatham"),  # +12:45 / +13:45
        ZoneInfo("America/Santiago"),  # changes at midnight
        ZoneInfo("Asia/Kolkata"),
        ZoneInfo("UTC"),
    ]
)
NOWS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)
HOUR = timedelta(hours=1)
TIMES = st.lists(st.times(), min_size=1, max_size=6).map(tuple)
WALL_TIMES = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@given(NOWS, TIMES, ZONES)
def test_slots_bracket_now(now: datetime, times: tuple[time, ...], zone: ZoneInfo) -> None:
    last, after = last_slot(now, times, zone), next_slot(now, times, zone)
    assert last is not None
    assert last <= now < after
    assert after - last <= timedelta(hours=25)
    assert next_slot(last, times, zone) == after


@given(NOWS, TIMES, ZONES)
def test_next_slot_is_a_wall_time_of_the_chat(
    now: datetime, times: tuple[time, ...], zone: ZoneInfo
) -> None:
    after = next_slot(now, times, zone)
    assert after.tzinfo is UTC
    wall = after.astimezone(zone).time()
    # A skipped wall time comes later by the gap (at most an hour); otherwise it is exact.
    assert any(
        timedelta(0) <= datetime.combine(after, wall) - datetime.combine(after, t) <= HOUR
        for t in times
    )


@given(NOWS, TIMES, ZONES, st.integers(1, 72 * 60))
def test_digest_due_once_per_slot(
    now: datetime, times: tuple[time, ...], zone: ZoneInfo, minutes: int
) -> None:
    assert digest_due(now, times, zone, None)
    assert not digest_due(now, times, zone, now)
    later = now + timedelta(minutes=minutes)
    assert digest_due(later, times, zone, now) == (next_slot(now, times, zone) <= later)


@given(NOWS, WALL_TIMES, WALL_TIMES, ZONES)
def test_in_quiet_agrees_with_quiet_ends(
    now: datetime, start: time, end: time, zone: ZoneInfo
) -> None:
    if start == end:
        return
    quiet = Quiet(start, end)
    ends = quiet_ends(now, quiet, zone)
    assert in_quiet(now, quiet, zone) == (ends > now)
    if ends > now:
        assert ends - now <= timedelta(hours=25)
        assert in_quiet(ends - timedelta(microseconds=1), quiet, zone)
        assert not in_quiet(ends, quiet, zone)


@given(NOWS, WALL_TIMES, WALL_TIMES)
def test_quiet_is_wall_clock_where_clocks_never_change(
    now: datetime, start: time, end: time
) -> None:
    if start == end:
        return
    zone = ZoneInfo("Asia/Kolkata")
    wall = now.astimezone(zone).time()
    inside = start <= wall < end if start < end else (wall >= start or wall < end)
    assert in_quiet(now, Quiet(start, end), zone) == inside
