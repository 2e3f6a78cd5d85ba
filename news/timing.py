"""A chat's clock: digest times, quiet hours and pauses, read from commands and checked at `now`.

Times are wall-clock times in the chat's zone; every answer is an aware datetime in UTC.

Daylight saving time, one rule for digests and quiet hours alike: a wall time on a given day is
read with fold=0 (PEP 495). A time the clocks skip (02:30 in New York on 2026-03-08) is read with
the offset before the change, so it comes the gap's length later (03:30 EDT); a time that happens
twice (01:30 on 2026-11-01) is its first occurrence. Each slot therefore happens once a day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

# Reason codes: short English phrases, msgids the bot can translate (TimingError.reason).
EMPTY = "empty"
BAD_TIME = "bad time"
TOO_MANY_TIMES = "too many times"
BAD_QUIET = "expected start and end"
SAME_START_END = "start equals end"
BAD_DURATION = "bad duration"
TOO_LONG = "too long"

MAX_TIMES = 6
MAX_PAUSE = timedelta(days=30)

_TIME = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?(am|pm)?", re.ASCII)
_PART = re.compile(r"(\d{1,4}(?:[.,]\d{1,2})?)\s*([^\W\d_]+)\.?\s*")
_OFF = frozenset({"off", "none", "no", "вимк", "вимкнути", "ні", "нет", "выкл"})


def _names(spaced: str) -> tuple[str, ...]:
    return tuple(spaced.split())


# Units as people type them: English, Ukrainian and Russian, full and short.
_UNIT_NAMES = {
    timedelta(minutes=1): _names("m min mins minute minutes хв хвилина хвилини хвилин")
    + _names("мин минута минуты минут"),
    timedelta(hours=1): _names("h hr hrs hour hours год година години годин ч час часа часов"),
    timedelta(days=1): _names("d day days д дн день дні днів дня дней"),
    timedelta(weeks=1): _names("w week weeks тиж тиждень тижні тижнів нед неделя недели недель"),
}
_UNITS = {name: size for size, names in _UNIT_NAMES.items() for name in names}


class TimingError(ValueError):
    """A time, range or duration the bot cannot use; `reason` is a code above, `text` the part."""

    def __init__(self, reason: str, text: str = "") -> None:
        super().__init__(f"{reason}: {text}" if text else reason)
        self.reason = reason
        self.text = text


@dataclass(frozen=True, slots=True)
class Quiet:
    """No alerts from `start` to `end`, wall time; end before start means it spans midnight."""

    start: time
    end: time


def _words(text: str) -> list[str]:
    """Time words of a command: "8 am" joined to "8am", "a.m." to "am", commas as spaces."""
    text = text.casefold().replace("a.m.", "am").replace("p.m.", "pm")
    text = re.sub(r"(\d)\s+(am|pm)\b", r"\1\2", text)
    return [word for word in re.split(r"[\s,;]+", text) if word]


def _time(word: str) -> time:
    found = _TIME.fullmatch(word)
    if not found:
        raise TimingError(BAD_TIME, word)
    hour, minute = int(found[1]), int(found[2] or 0)
    if found[3]:
        # 12am is midnight and 12pm noon; 13pm and 0am are nothing.
        if not 1 <= hour <= 12:
            raise TimingError(BAD_TIME, word)
        hour = hour % 12 + (12 if found[3] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise TimingError(BAD_TIME, word)
    return time(hour, minute)


def parse_times(text: str) -> tuple[time, ...]:
    """Digest times ("08:00 19:30", "8am, 7pm"): sorted, without repeats, at most MAX_TIMES."""
    words = _words(text)
    if not words:
        raise TimingError(EMPTY)
    # Repeats are forgiven, but not without bound: this is a command, not a data file.
    if len(words) > MAX_TIMES * 4:
        raise TimingError(TOO_MANY_TIMES)
    times = sorted({_time(word) for word in words})
    if len(times) > MAX_TIMES:
        raise TimingError(TOO_MANY_TIMES)
    return tuple(times)


def parse_quiet(text: str) -> Quiet | None:
    """Quiet hours ("23:00-07:00", "23:00 07:00"); None for "off"."""
    if text.strip().casefold() in _OFF:
        return None
    words = _words(re.sub(r"\s*[-–—]\s*|\bto\b|\bдо\b", " ", text))
    if not words:
        raise TimingError(EMPTY)
    if len(words) != 2:
        raise TimingError(BAD_QUIET, text.strip())
    start, end = _time(words[0]), _time(words[1])
    if start == end:
        raise TimingError(SAME_START_END, text.strip())
    return Quiet(start, end)


def parse_duration(text: str) -> timedelta:
    """A pause ("2h", "1h30m", "90 minutes", "2 год", "3 дні"): more than zero, at most 30 days."""
    text = text.strip().casefold()
    if not text:
        raise TimingError(EMPTY)
    total, at = timedelta(0), 0
    while at < len(text):
        found = _PART.match(text, at)
        unit = _UNITS.get(found[2]) if found else None
        if found is None or unit is None:
            raise TimingError(BAD_DURATION, text)
        total += unit * float(found[1].replace(",", "."))
        at = found.end()
    if total > MAX_PAUSE:
        raise TimingError(TOO_LONG, text)
    if total < timedelta(minutes=1):
        raise TimingError(BAD_DURATION, text)
    return timedelta(seconds=round(total.total_seconds()))


def _aware(now: datetime) -> datetime:
    # A naive `now` would be read as the server's local time: a bug to report, not to guess at.
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now


def _at(day: date, wall: time, zone: tzinfo) -> datetime:
    """The one instant a wall time on a day means in a zone (fold=0; see the module's rule)."""
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def _slots(now: datetime, times: Iterable[time], zone: tzinfo) -> list[datetime]:
    """Every slot from two local days before `now` to two after, sorted, each instant once."""
    today = _aware(now).astimezone(zone).date()
    days = [today + timedelta(days=n) for n in range(-2, 3)]
    return sorted({_at(day, wall, zone) for day in days for wall in times})


def last_slot(now: datetime, times: Iterable[time], zone: tzinfo) -> datetime | None:
    """The latest digest moment at or before `now`; None without digest times."""
    return max((slot for slot in _slots(now, times, zone) if slot <= now), default=None)


def next_slot(now: datetime, times: Iterable[time], zone: tzinfo) -> datetime:
    """The first digest moment after `now`; ValueError without digest times."""
    later = [slot for slot in _slots(now, times, zone) if slot > now]
    if not later:
        raise ValueError("no digest times")
    return later[0]


def digest_due(
    now: datetime, times: Iterable[time], zone: tzinfo, last_digest_at: datetime | None
) -> bool:
    """Whether a slot has passed since the last digest: once, however many slots were missed.

    A chat that never had one (None) is due at once; callers that want the first digest at the
    next slot store the moment the times were set as `last_digest_at`.
    """
    last = last_slot(now, times, zone)
    return last is not None and (last_digest_at is None or last_digest_at < last)


def _quiet_spans(now: datetime, quiet: Quiet, zone: tzinfo) -> Iterable[tuple[datetime, datetime]]:
    """The quiet periods that began on the local day of `now` or the day before."""
    today = _aware(now).astimezone(zone).date()
    for day in (today - timedelta(days=1), today):
        ends_on = day if quiet.start < quiet.end else day + timedelta(days=1)
        yield _at(day, quiet.start, zone), _at(ends_on, quiet.end, zone)


def in_quiet(now: datetime, quiet: Quiet | None, zone: tzinfo) -> bool:
    """Whether `now` falls in the chat's quiet hours."""
    return quiet_ends(now, quiet, zone) > now


def quiet_ends(now: datetime, quiet: Quiet | None, zone: tzinfo) -> datetime:
    """When the quiet period holding `now` ends, in UTC; `now` itself when it is not quiet.

    So `max(send_at, quiet_ends(send_at, ...))` is always a moment an alert may go.
    """
    if quiet is not None:
        for start, end in _quiet_spans(now, quiet, zone):
            if start <= now < end:
                return end
    return _aware(now).astimezone(UTC)
