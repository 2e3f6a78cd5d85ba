"""When to poll a feed next: pure arithmetic on `now`, the policy and what the last poll saw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# Backing off doubles the wait per consecutive error, up to this many doublings (64x interval),
# but never beyond MAX_BACKOFF: a feed that comes back is noticed within hours, not days.
MAX_DOUBLINGS = 6
MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class Policy:
    interval: timedelta
    # +-10% of the wait, so feeds added at the same moment drift apart instead of polling in step.
    jitter: float = 0.1
    # A publisher's <ttl>/sy:updatePeriod/max-age may slow us down, but news must stay news:
    # hints beyond two hours are clamped (<ttl>: https://www.rssboard.org/rss-specification).
    max_hint: timedelta = timedelta(hours=2)
    # Retry-After is honoured up to a day; a longer one is a misconfiguration, not a request.
    max_retry_after: timedelta = timedelta(hours=24)


def next_check(
    now: datetime,
    policy: Policy,
    *,
    consecutive_errors: int = 0,
    hint_seconds: float | None = None,
    retry_after_seconds: float | None = None,
    spread: float = 0.0,
) -> datetime:
    """The next poll time. `spread` in [-1, 1] is the caller's random draw for the jitter."""
    wait = policy.interval
    if hint_seconds:
        wait = max(wait, min(timedelta(seconds=hint_seconds), policy.max_hint))
    if consecutive_errors > 0:
        backoff = policy.interval * (1 << min(consecutive_errors, MAX_DOUBLINGS))
        wait = max(wait, min(backoff, max(MAX_BACKOFF, policy.interval)))
    wait = wait * (1 + policy.jitter * max(-1.0, min(1.0, spread)))
    if retry_after_seconds is not None:
        # Never earlier than the publisher asked, jitter or not.
        asked = min(timedelta(seconds=max(0.0, retry_after_seconds)), policy.max_retry_after)
        wait = max(wait, asked)
    return now + wait
