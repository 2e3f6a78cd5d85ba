"""Real databases for tests: SQLite in a temp dir, and PostgreSQL when this machine runs one.

`database_url` gives an empty database, for the tests of the migrations themselves.
`migrated_url` gives one with the whole schema, as `Store.migrate()` leaves it, copied from a
database migrated once per test run: an Alembic upgrade from nothing takes a fifth of a second,
a copy a millisecond (SQLite) or a CREATE DATABASE ... TEMPLATE (PostgreSQL).
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

from news.store import Store

KINDS = ("sqlite", "postgresql")

POSTGRES_ADMIN = os.environ.get(
    "NEWSBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
POSTGRES_BASE = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")


async def _postgres_admin() -> Any:  # asyncpg.Connection; asyncpg ships no type hints
    import asyncpg

    try:
        return await asyncpg.connect(POSTGRES_ADMIN, timeout=3)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.skip(f"no PostgreSQL at {POSTGRES_ADMIN} ({error.__class__.__name__}: {error})")


@asynccontextmanager
async def postgres_url(template: str | None = None) -> AsyncIterator[str]:
    """A fresh PostgreSQL database for one test (empty, or a copy of `template`), dropped
    afterwards."""
    admin = await _postgres_admin()
    name = f"newsbot_test_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    await admin.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield f"{POSTGRES_BASE}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def database_url(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'newsbot.sqlite3'}"
    else:
        async with postgres_url() as url:
            yield url


@asynccontextmanager
async def migrated_url(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    """A database with the whole schema and no rows (SQLite: or the rows an earlier start in
    the same test left, as `Store.migrate()` would)."""
    if kind == "sqlite":
        path = tmp_path / "newsbot.sqlite3"
        if not path.exists():
            shutil.copyfile(await _sqlite_schema(), path)
        yield f"sqlite+aiosqlite:///{path}"
    else:
        async with postgres_url(await _postgres_schema()) as url:
            yield url


class _Schemas:
    """The databases migrated once per test run, made when first asked for."""

    sqlite: Path | None = None
    postgres: str | None = None


async def _migrate(url: str) -> None:
    store = Store.connect(url)
    try:
        await store.migrate()
    finally:
        await store.close()  # a PostgreSQL template must have no connections when copied


async def _sqlite_schema() -> Path:
    if _Schemas.sqlite is None:
        directory = tempfile.mkdtemp(prefix="newsbot-schema-")
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        path = Path(directory) / "schema.sqlite3"
        await _migrate(f"sqlite+aiosqlite:///{path}")
        _Schemas.sqlite = path
    return _Schemas.sqlite


async def _postgres_schema() -> str:
    if _Schemas.postgres is None:
        admin = await _postgres_admin()
        name = f"newsbot_schema_{uuid.uuid4().hex[:12]}"
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        atexit.register(lambda: asyncio.run(_drop(name)))
        await _migrate(f"{POSTGRES_BASE}/{name}")
        _Schemas.postgres = name
    return _Schemas.postgres


async def _drop(name: str) -> None:
    import asyncpg

    with suppress(OSError, asyncpg.PostgresError):  # a server gone by now has nothing to drop
        admin = await asyncpg.connect(POSTGRES_ADMIN, timeout=3)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


class _Running:
    """The database of the test being run, made by the `database_kind` fixture."""

    url: str | None = None


def database_of_test() -> str:
    """The URL of the running test's migrated database: SQLite, then PostgreSQL, for a module
    marked `pytest.mark.usefixtures("database_kind")` (tests/conftest.py)."""
    if _Running.url is None:
        raise RuntimeError('this module needs pytest.mark.usefixtures("database_kind")')
    return _Running.url


@asynccontextmanager
async def database_for(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated database of this kind, the running test's own while it runs."""
    async with migrated_url(kind, tmp_path) as url:
        _Running.url = url
        try:
            yield url
        finally:
            _Running.url = None


@asynccontextmanager
async def database_or_sqlite(tmp_path: Path) -> AsyncIterator[str]:
    """The running test's database; outside such a test (bench/), a SQLite one in tmp_path."""
    if _Running.url is not None:
        yield _Running.url
        return
    async with migrated_url("sqlite", tmp_path) as url:
        yield url


async def drop_table(url: str, table: str) -> None:
    """What an operator breaking the database by hand does, on either kind."""
    from sqlalchemy import text

    store = Store.connect(url)
    try:
        async with store.engine.begin() as connection:
            await connection.execute(
                text(
                    f'DROP TABLE "{table}" CASCADE'
                    if "postgresql" in url
                    else f'DROP TABLE "{table}"'
                )
            )
    finally:
        await store.close()
