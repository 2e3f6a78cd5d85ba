"""Who is sending commands too fast: a sliding window of command times per user.

Pure counting; the caller passes `now` (seconds on any monotonic scale). The first command
over the limit is answered once with a notice; later ones within the window are ignored.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import Enum

LIMIT = 8  # commands a user may send ...
WINDOW = 10.0  # ... within this many seconds


class Verdict(Enum):
    OK = "ok"
    WARN = "warn"  # just went over: tell the user once
    IGNORE = "ignore"  # still over, and already told


@dataclass(slots=True)
class Flood:
    limit: int = LIMIT
    window: float = WINDOW
    _times: dict[int, deque[float]] = field(default_factory=dict)
    _warned: set[int] = field(default_factory=set)
    _swept_at: float = float("-inf")

    def check(self, user: int, now: float) -> Verdict:
        """Count a command from `user` at `now` and say what to do with it."""
        if now - self._swept_at >= self.window:  # once a window, not at every command
            self._swept_at = now
            for anyone in list(self._times):
                self._forget(anyone, now - self.window)
        self._forget(user, now - self.window)
        times = self._times.setdefault(user, deque())
        if len(times) >= self.limit:
            # Over the limit: ignored commands do not count, so the window passes on its own.
            if user in self._warned:
                return Verdict.IGNORE
            self._warned.add(user)
            return Verdict.WARN
        times.append(now)
        return Verdict.OK

    def _forget(self, user: int, moment: float) -> None:
        """Drops a user's times up to `moment`; memory holds only the last window's senders."""
        times = self._times.get(user)
        if times is None:
            return
        while times and times[0] <= moment:
            times.popleft()
        if len(times) < self.limit:
            self._warned.discard(user)  # back under the limit: a new burst gets a new notice
        if not times:
            del self._times[user]
