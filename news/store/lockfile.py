"""SQLite serves one `newsbot run` at a time: an operating-system lock on a file beside the
database says which process it is. The kernel drops the lock when the process ends, however it
ends (kill -9 included), so no stale lock outlives it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

try:
    import fcntl
except ImportError:  # Windows: no flock; the check is skipped there (README)
    fcntl = None  # type: ignore[assignment]


class Taken(Exception):
    """Another process holds the database's lock file."""

    def __init__(self, database: Path) -> None:
        super().__init__(str(database))
        self.database = database


def lock_path(url: str) -> Path | None:
    """`<database file>.lock` for a SQLite file; None for PostgreSQL or an in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(f"{parsed.database}.lock")


@contextmanager
def sole_user(url: str) -> Iterator[None]:
    """Holds the lock file of a SQLite database while the block runs; raises Taken at once if
    another process holds it. PostgreSQL needs no such lock: it shares work between processes."""
    path = lock_path(url)
    if path is None or fcntl is None:
        yield
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Taken(Path(str(path).removesuffix(".lock")).resolve()) from None
        yield
    finally:
        os.close(descriptor)  # closing the descriptor releases the lock
