"""Real databases for tests: SQLite in a temp dir, and PostgreSQL when this machine runs one."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

POSTGRES_ADMIN = os.environ.get(
    "NEWSBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


async def _postgres_admin():  # type: ignore[no-untyped-def]
    import asyncpg

    try:
        return await asyncpg.connect(POSTGRES_ADMIN, timeout=3)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.skip(f"no PostgreSQL at {POSTGRES_ADMIN} ({error.__class__.__name__}: {error})")


@asynccontextmanager
async def postgres_url() -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    admin = await _postgres_admin()
    name = f"newsbot_test_{uuid.uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        yield f"{base}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def database_url(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'newsbot.sqlite3'}"
    else:
        async with postgres_url() as url:
            yield url
