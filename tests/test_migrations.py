"""Upgrading a database that holds data keeps the data (SQLite rebuilds tables in batch mode,
where a careless migration could cascade-delete every article)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from news.store.database import alembic_config, create_engine, migrate
from tests.databases import database_url

ROWS = {"feeds": 1, "articles": 1, "article_topics": 1, "chats": 1, "subscriptions": 1}


async def upgrade(path: Path, revision: str) -> None:
    """As the bot does at start: its own engine (foreign keys on), Alembic on its connection."""
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await migrate(engine, revision)
    await engine.dispose()


async def test_upgrading_from_the_first_schema_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    await upgrade(path, "0001")
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA foreign_keys=ON")
        db.execute(
            "INSERT INTO feeds (id, url, topics, enabled, error_count, created_at)"
            " VALUES (1, 'https://a.example/rss', '[]', 1, 0, '2026-01-01 00:00:00')"
        )
        db.execute(
            "INSERT INTO articles (id, feed_id, identity, title, summary, key_points,"
            " discovered_at) VALUES (1, 1, 'guid:1', 'T', '', '[]', '2026-01-01 00:00:00')"
        )
        db.execute("INSERT INTO article_topics VALUES (1, 'World')")
        db.execute("INSERT INTO chats VALUES (5, 'private', NULL, NULL, 1, '2026-01-01 00:00:00')")
        db.execute("INSERT INTO subscriptions VALUES (5, 'World', '2026-01-01 00:00:00')")
        db.execute(
            "INSERT INTO deliveries (chat_id, article_id, state, attempts, next_attempt_at,"
            " created_at) VALUES (5, 1, 'sent', 1, '2026-01-01', '2026-01-01')"
        )
    await upgrade(path, "head")
    with sqlite3.connect(path) as db:
        counts = {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ROWS
        }
        assert db.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 1
    assert counts == ROWS


async def test_the_migrations_build_exactly_the_schema_the_code_declares(tmp_path: Path) -> None:
    """A column added to news/store/schema.py without a migration (or the other way round)
    would work in tests that create tables from the models and fail on a real upgrade."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from news.store.schema import Base

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'new.sqlite3'}")
    await migrate(engine)
    async with engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    await engine.dispose()
    assert differences == []


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_a_second_start_finds_the_schema_current(kind: str, tmp_path: Path) -> None:
    async with database_url(kind, tmp_path) as url:
        engine = create_engine(url)
        try:
            await migrate(engine)
            await migrate(engine)  # the next start: nothing to do, nothing fails
            async with engine.connect() as connection:
                version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
        finally:
            await engine.dispose()
    assert version == ScriptDirectory.from_config(alembic_config()).get_current_head()


def _before(revision: str) -> str:
    """The revision a migration follows, wherever later merges put it in the chain."""
    down = ScriptDirectory.from_config(alembic_config()).get_revision(revision).down_revision
    assert isinstance(down, str)
    return down


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    async with engine.connect() as connection:
        await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), revision))
        await connection.commit()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_link_previews_become_the_picture_and_back(kind: str, tmp_path: Path) -> None:
    """Link previews on showed the article's page beside the alert: a small picture now."""
    created = datetime(2026, 1, 1, tzinfo=UTC)
    chats = "SELECT id, {} FROM chats ORDER BY id"
    before = _before("0012")
    async with database_url(kind, tmp_path) as url:
        engine = create_engine(url)
        try:
            await migrate(engine, before)
            async with engine.begin() as connection:
                await connection.execute(
                    text(
                        "INSERT INTO chats (id, kind, active, created_at, link_previews)"
                        " VALUES (1, 'private', true, :at, true), (2, 'group', true, :at, false)"
                    ),
                    {"at": created},
                )
            await migrate(engine)
            async with engine.connect() as connection:
                upgraded = (await connection.execute(text(chats.format("picture, layout")))).all()
                await connection.execute(text("UPDATE chats SET picture = 'large' WHERE id = 2"))
                await connection.commit()
            await downgrade(engine, before)
            async with engine.connect() as connection:
                downgraded = (await connection.execute(text(chats.format("link_previews")))).all()
        finally:
            await engine.dispose()
    assert [tuple(row) for row in upgraded] == [(1, "small", "full"), (2, "off", "full")]
    assert [tuple(row) for row in downgraded] == [(1, True), (2, True)]
