"""Who does what when several processes share one PostgreSQL database: advisory locks.

Each process keeps one connection of its own for its session-level advisory locks
(https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS): the lock of the
one sender, of the one process that long-polls Telegram, and a shared "member" lock each live
process holds, so the others can count them. A process that dies, however it dies, ends its
session and PostgreSQL frees its locks at once: a standby that asks every second takes over, and
no timer has to guess whether the holder is gone. `held_by` tells, in SQL, whether a session
still holds a role, which is how the outbox knows whose "sending" rows are orphans.

SQLite has one process (its file is not for sharing), so every role is won at once and nothing
is asked of the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import os
from typing import Any

from sqlalchemy import ColumnElement, column, exists, literal_column, table, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.orm import InstrumentedAttribute

log = logging.getLogger(__name__)

# The first key of every newsbot advisory lock (two int4 keys: this, and a Role), so that other
# software's advisory locks on the same database never meet ours.
NAMESPACE = 28258
# The first key of the locks a transaction takes per article link (news.store.ingest): apart
# from NAMESPACE, whose second keys are the roles below.
LINKS = NAMESPACE + 1
KEEPALIVES = {"tcp_keepalives_idle": 10, "tcp_keepalives_interval": 5, "tcp_keepalives_count": 3}
# A connection that does not answer SELECT 1 within this long is taken for dead.
ANSWER_SECONDS = 5.0


class Role(enum.IntEnum):
    """The second key of an advisory lock: what its holder does."""

    MEMBER = 0  # shared: held by every live process
    SENDER = 1  # the one process that drains the outbox
    UPDATES = 2  # the one process that calls getUpdates
    MIGRATIONS = 3  # Alembic's upgrade, one process at a time
    REPLYING = 4  # shared: held by processes that answer chats but do not send
    FEEDS_FILE = 5  # the feeds file synced into the table, one process at a time


_pg_locks = table(
    "pg_locks",
    column("locktype"),
    column("classid"),
    column("objid"),
    column("objsubid"),
    column("pid"),
    column("granted"),
    column("database"),
)
# pg_locks lists every database's locks; an advisory lock belongs to one.
_THIS_DATABASE: ColumnElement[Any] = literal_column(
    "(SELECT oid FROM pg_database WHERE datname = current_database())"
)


def _lock_of(role: Role) -> list[ColumnElement[bool]]:
    # Two int4 keys show as classid, objid and objsubid 2 in pg_locks.
    return [
        _pg_locks.c.locktype == "advisory",
        _pg_locks.c.database == _THIS_DATABASE,
        _pg_locks.c.classid == NAMESPACE,
        _pg_locks.c.objid == int(role),
        _pg_locks.c.objsubid == 2,
        _pg_locks.c.granted,
    ]


def held_by(session: InstrumentedAttribute[Any] | int, role: Role) -> ColumnElement[bool]:
    """PostgreSQL only: the session (a backend's pid) holds this role's lock now."""
    return exists().where(_pg_locks.c.pid == session, *_lock_of(role))


class Leadership:
    """This process's advisory locks, on a connection of their own."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self.shared = engine.dialect.name == "postgresql"
        self._connection: AsyncConnection | None = None
        self._held: set[Role] = set()
        # One statement at a time on the lock connection (the campaign's look and a replier's
        # gate may ask at once; asyncpg refuses a second operation in progress).
        self._turn = asyncio.Lock()
        # The lock session's id, stored on what this process claims; the pid on SQLite.
        self.session_id = os.getpid()

    def holds(self, role: Role) -> bool:
        return role in self._held

    async def take(self, role: Role) -> bool:
        """Hold the role if no other process does; True when this process holds it now."""
        async with self._turn:
            if role in self._held:
                return True
            if self.shared:
                connection = await self._connect()
                if connection is None:
                    return False
                sql = "SELECT pg_try_advisory_lock(:namespace, :role)"
                if role in (Role.MEMBER, Role.REPLYING):
                    sql = "SELECT pg_try_advisory_lock_shared(:namespace, :role)"
                if not await self._ask(connection, sql, role):
                    return False
            self._held.add(role)
            return True

    async def release(self, role: Role) -> None:
        async with self._turn:
            if role not in self._held:
                return
            self._held.discard(role)
            if self.shared and self._connection is not None:
                sql = "SELECT pg_advisory_unlock(:namespace, :role)"
                if role in (Role.MEMBER, Role.REPLYING):
                    sql = "SELECT pg_advisory_unlock_shared(:namespace, :role)"
                await self._ask(self._connection, sql, role)

    async def alive(self) -> bool:
        """Whether the locks this process holds are still its own (its session answers).

        False, and every role let go, when the session is gone: PostgreSQL has freed the locks
        and another process may hold them already."""
        async with self._turn:
            if not self.shared or self._connection is None:
                return True
            return await self._ask(self._connection, "SELECT true", None)

    async def count(self, role: Role) -> int:
        """How many sessions hold this (shared) role: live processes for MEMBER."""
        async with self._turn:
            if not self.shared:
                return 1 if role in self._held else 0
            connection = await self._connect()
            if connection is None:
                return 0
            query = _pg_locks.select().with_only_columns(_pg_locks.c.pid).where(*_lock_of(role))
            try:
                async with asyncio.timeout(ANSWER_SECONDS):
                    return len((await connection.execute(query)).all())
            except Exception as error:  # the session is gone: every lock with it
                await self._lost(error)
                return 0

    async def close(self) -> None:
        self._held.clear()
        if self._connection is not None:
            # Invalidated, not returned to the pool: the session ends, and its locks with it.
            with contextlib.suppress(Exception):
                await self._connection.invalidate()
                await self._connection.close()
            self._connection = None

    async def _connect(self) -> AsyncConnection | None:
        if self._connection is None:
            try:
                connection = await self._engine.connect()
                connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
                # A process cut off by the network keeps its locks until the server sees its
                # session is dead: with these, within about 25 s instead of the system's
                # default two hours (https://www.postgresql.org/docs/current/runtime-config-connection.html).
                for setting, value in KEEPALIVES.items():
                    await connection.execute(text(f"SET {setting} = {value}"))
                pid = await connection.scalar(text("SELECT pg_backend_pid()"))
            except Exception as error:
                log.warning("no lock session", extra={"fields": {"error": str(error)}})
                return None
            self._connection, self.session_id = connection, int(pid or 0)
        return self._connection

    async def _ask(self, connection: AsyncConnection, sql: str, role: Role | None) -> bool:
        values = {} if role is None else {"namespace": NAMESPACE, "role": int(role)}
        try:
            async with asyncio.timeout(ANSWER_SECONDS):
                return bool(await connection.scalar(text(sql), values))
        except Exception as error:
            await self._lost(error)
            return False

    async def _lost(self, error: Exception) -> None:
        if self._held:
            held = ",".join(role.name.lower() for role in sorted(self._held))
            log.warning("lock session lost", extra={"fields": {"held": held, "error": str(error)}})
        await self.close()
