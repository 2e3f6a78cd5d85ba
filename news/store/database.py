"""Engine, migrations and the one SQL construct that differs between SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from news.store.leadership import NAMESPACE, Role
from news.store.schema import Base

MIGRATIONS = Path(__file__).parent / "migrations"


def create_engine(url: str) -> AsyncEngine:
    engine = create_async_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


class SerialWrites(async_sessionmaker[AsyncSession]):
    """Sessions whose write transactions (`begin()`) take turns, for SQLite.

    SQLite has one writer at a time. Without this, a write transaction that awaits between its
    statements (while the loop parses other feeds) holds the lock long enough for other writers
    to run out of busy_timeout: "database is locked" on healthy feeds (bench/poll.py saw it at
    1,000 feeds). Waiting in line in the event loop costs nothing; reads still run alongside.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine, expire_on_commit=False)
        self._writer = asyncio.Lock()

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:  # type: ignore[override]
        async with self._writer, super().begin() as session:
            yield session


def sessions_for(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: rows are read after commit without a lazy (implicit) reload.
    if engine.dialect.name == "sqlite":
        return SerialWrites(engine)
    return async_sessionmaker(engine, expire_on_commit=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets command handlers read while the poller writes; foreign keys are off by default;
    # busy_timeout turns a momentary lock into a short wait instead of "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL never corrupts the database; only a power cut can lose the last
    # commits, and it saves an fsync per transaction (sqlite.org/pragma.html#pragma_synchronous).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to the newest revision (run at every start; a no-op when current).

    On PostgreSQL under an advisory lock: processes started together upgrade one after the
    other, and the later ones find the schema current."""
    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        lock = {"namespace": NAMESPACE, "role": int(Role.MIGRATIONS)}
        if not sqlite:
            await connection.execute(text("SELECT pg_advisory_lock(:namespace, :role)"), lock)
            await connection.commit()
        if sqlite:
            # Batch migrations rebuild a table (copy, drop, rename): with foreign keys on, the
            # drop would cascade into every row that points at it (a chat's subscriptions,
            # say). The pragma is ignored inside a transaction, so it comes first.
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))
            await connection.commit()
        finally:
            if not sqlite:
                await connection.rollback()
                await connection.execute(text("SELECT pg_advisory_unlock(:namespace, :role)"), lock)
                await connection.commit()
        if sqlite:
            await connection.exec_driver_sql("PRAGMA foreign_keys=ON")


def insert_ignoring_duplicates(session: AsyncSession, entity: type[Base]) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING in the session's own dialect."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(entity).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(entity).on_conflict_do_nothing()
    raise NotImplementedError(f"newsbot supports SQLite and PostgreSQL, not {dialect}")
