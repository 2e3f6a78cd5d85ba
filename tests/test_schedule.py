from datetime import UTC, datetime, timedelta

from news.schedule import MAX_BACKOFF, Policy, next_check

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
FIVE_MINUTES = timedelta(minutes=5)
POLICY = Policy(interval=FIVE_MINUTES)


def wait(**kwargs: float) -> timedelta:
    return next_check(NOW, POLICY, **kwargs) - NOW  # type: ignore[arg-type]


def test_a_healthy_feed_is_polled_at_the_interval() -> None:
    assert wait() == FIVE_MINUTES


def test_jitter_spreads_feeds_by_a_tenth_at_most() -> None:
    assert wait(spread=1.0) == FIVE_MINUTES * 1.1
    assert wait(spread=-1.0) == FIVE_MINUTES * 0.9
    assert wait(spread=7.0) == FIVE_MINUTES * 1.1  # a bad draw cannot stretch it further


def test_a_failing_feed_backs_off_doubling_up_to_a_cap() -> None:
    waits = [wait(consecutive_errors=n) for n in range(1, 9)]
    assert waits[:3] == [FIVE_MINUTES * 2, FIVE_MINUTES * 4, FIVE_MINUTES * 8]
    assert waits == sorted(waits)
    assert max(waits) == FIVE_MINUTES * 64
    ten_minutes = Policy(interval=timedelta(minutes=10))
    assert next_check(NOW, ten_minutes, consecutive_errors=8) - NOW == MAX_BACKOFF


def test_the_cap_never_shortens_a_long_interval() -> None:
    day = timedelta(days=1)
    assert next_check(NOW, Policy(interval=day), consecutive_errors=3) - NOW == day


def test_publisher_hints_slow_us_down_within_bounds() -> None:
    assert wait(hint_seconds=60) == FIVE_MINUTES  # never faster than our own interval
    assert wait(hint_seconds=3600) == timedelta(hours=1)  # <ttl>60</ttl>
    assert wait(hint_seconds=7 * 86400) == timedelta(hours=2)  # clamped


def test_retry_after_is_honoured_even_against_jitter() -> None:
    assert wait(retry_after_seconds=1800, spread=-1.0) == timedelta(minutes=30)
    assert wait(retry_after_seconds=10, consecutive_errors=1) == FIVE_MINUTES * 2
    assert wait(retry_after_seconds=10 * 86400) == timedelta(hours=24)
