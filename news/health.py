"""Is the bot healthy? Pure judgement over when each part last finished a round."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta


def problems(
    now: datetime,
    *,
    started: datetime,
    beats: Mapping[str, datetime],
    deadlines: Mapping[str, timedelta],
    database_error: str | None,
) -> list[str]:
    """Reasons the bot is unhealthy; empty when it is fine.

    A part that has not beaten yet is judged from the start time, so a bot that just started
    is healthy until a whole deadline has passed without its first round.
    """
    found = [f"database: {database_error}"] if database_error else []
    for part, deadline in deadlines.items():
        last = beats.get(part, started)
        if now - last > deadline:
            late, allowed = int((now - last).total_seconds()), int(deadline.total_seconds())
            found.append(f"{part}: no round finished for {late} s (allowed {allowed} s)")
    return found
