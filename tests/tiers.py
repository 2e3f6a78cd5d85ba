"""The slow tier: tests that start the whole application or a process, kill -9, or load it.

`make test-fast` leaves them out (`pytest -m "not slow"`). The helpers that start the
application or a process call `require_slow`, so a test that uses one without the mark fails at
once and says why, instead of quietly slowing the inner loop down.
"""

from __future__ import annotations

import pytest

# The test being run, set by tests/conftest.py; empty outside pytest (bench/ uses the helpers).
running: list[pytest.Item] = []


def require_slow(what: str) -> None:
    if running and running[-1].get_closest_marker("slow") is None:
        pytest.fail(
            f"{running[-1].nodeid} {what}: mark it slow (pytestmark = pytest.mark.slow)",
            pytrace=False,
        )
