"""A step timer that the poller and the store accept: where a poll's CPU time goes.

Off (the default, `NO_STEPS`) each step costs one call that returns a shared null context.
bench/poll.py switches one on and polls one feed at a time, so process CPU time spent inside a
step is that step's own (nothing else runs while it is awaited).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Protocol

_NULL: AbstractContextManager[None] = nullcontext()


class StepTimer(Protocol):
    def __call__(self, name: str) -> AbstractContextManager[None]:
        """A context that counts the time spent inside it against `name`."""
        ...


class _NoSteps:
    def __call__(self, name: str) -> AbstractContextManager[None]:
        return _NULL


NO_STEPS: StepTimer = _NoSteps()


class Steps:
    """CPU seconds and calls per named step (nested steps count in both)."""

    def __init__(self) -> None:
        self.cpu: defaultdict[str, float] = defaultdict(float)
        self.calls: defaultdict[str, int] = defaultdict(int)

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.process_time()
        try:
            yield
        finally:
            self.cpu[name] += time.process_time() - start
            self.calls[name] += 1
