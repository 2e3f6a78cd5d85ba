"""When to poll a feed next: pure arithmetic on `now`, the interval and the error count."""

from __future__ import annotations

from datetime import datetime, timedelta

# Backing off doubles the wait per consecutive error, up to this many doublings (64x interval),
# but never beyond MAX_BACKOFF: a feed that comes back is noticed within hours, not days.
MAX_DOUBLINGS = 6
MAX_BACKOFF = timedelta(hours=6)


def next_check(now: datetime, interval: timedelta, *, consecutive_errors: int = 0) -> datetime:
    if consecutive_errors <= 0:
        return now + interval
    backoff = interval * (1 << min(consecutive_errors, MAX_DOUBLINGS))
    return now + min(backoff, max(MAX_BACKOFF, interval))
