from datetime import UTC, datetime, timedelta

from news.schedule import MAX_BACKOFF, next_check

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
FIVE_MINUTES = timedelta(minutes=5)


def test_a_healthy_feed_is_polled_at_the_interval() -> None:
    assert next_check(NOW, FIVE_MINUTES) == NOW + FIVE_MINUTES


def test_a_failing_feed_backs_off_doubling_up_to_a_cap() -> None:
    waits = [next_check(NOW, FIVE_MINUTES, consecutive_errors=n) - NOW for n in range(1, 9)]
    assert waits[:3] == [FIVE_MINUTES * 2, FIVE_MINUTES * 4, FIVE_MINUTES * 8]
    assert waits == sorted(waits)
    assert max(waits) == FIVE_MINUTES * 64
    ten_minutes = timedelta(minutes=10)
    assert next_check(NOW, ten_minutes, consecutive_errors=8) - NOW == MAX_BACKOFF


def test_the_cap_never_shortens_a_long_interval() -> None:
    day = timedelta(days=1)
    assert next_check(NOW, day, consecutive_errors=3) - NOW == day
