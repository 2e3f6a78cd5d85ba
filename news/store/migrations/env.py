"""Alembic environment: the app passes its own connection; the alembic CLI uses DATABASE_URL."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import Connection

from news.store.database import create_engine
from news.store.schema import Base

config = context.config
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode rebuilds tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_url(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(run)
    await engine.dispose()


shared = config.attributes.get("connection")
if shared is not None:
    run(shared)
else:
    url = os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///newsbot.sqlite3")
    asyncio.run(run_from_url(url))
