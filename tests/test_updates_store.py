"""Updates handled once across processes, and the bot's mode, as the database keeps them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import mode
from news.records import UpdateMode
from news.store import Store
from news.store.lockfile import Taken, lock_path, sole_user

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


async def test_an_update_is_taken_once_and_forgotten_after_a_day(store: Store) -> None:
    assert await store.updates.take(7, NOW)
    assert not await store.updates.take(7, NOW + timedelta(minutes=5))
    # The hourly job forgets what was taken a day before its time.
    assert await store.updates.forget(NOW - timedelta(seconds=1)) == 0
    assert not await store.updates.take(7, NOW + timedelta(hours=23))
    assert await store.updates.forget(NOW + timedelta(seconds=1)) == 1
    assert await store.updates.take(7, NOW + timedelta(days=1, seconds=2))


async def test_two_processes_racing_for_one_update_take_it_once(store: Store) -> None:
    # Two engines on one database, as two processes have.
    other = Store.connect(store.engine.url.render_as_string(hide_password=False))
    try:
        for update_id in range(1, 21):
            won = await asyncio.gather(
                store.updates.take(update_id, NOW), other.updates.take(update_id, NOW)
            )
            assert sorted(won) == [False, True], update_id
    finally:
        await other.close()


async def test_the_first_process_records_its_mode_and_the_other_mode_is_refused(
    store: Store,
) -> None:
    assert await store.updates.mode() is None
    await mode.claim(store, UpdateMode.WEBHOOK, NOW)
    await mode.claim(store, UpdateMode.WEBHOOK, NOW)  # a second webhook process: welcome
    with pytest.raises(mode.WrongMode) as refused:
        await mode.claim(store, UpdateMode.POLLING, NOW)
    line = str(refused.value)
    assert "webhook mode" in line and "WEBHOOK_URL" in line and "`newsbot mode polling`" in line
    assert "\n" not in line
    assert await store.updates.mode() is UpdateMode.WEBHOOK  # the refusal changed nothing


async def test_the_operator_switches_modes_deliberately(store: Store) -> None:
    await mode.claim(store, UpdateMode.POLLING, NOW)
    with pytest.raises(mode.WrongMode, match=r"Unset WEBHOOK_URL.*`newsbot mode webhook`"):
        await mode.claim(store, UpdateMode.WEBHOOK, NOW)
    assert await store.updates.switch(UpdateMode.WEBHOOK, NOW) is UpdateMode.POLLING
    await mode.claim(store, UpdateMode.WEBHOOK, NOW)
    assert await store.updates.mode() is UpdateMode.WEBHOOK


def test_one_sqlite_file_is_held_by_one_user_at_a_time(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'newsbot.sqlite3'}"
    with sole_user(url):
        with pytest.raises(Taken) as taken, sole_user(url):
            pass
        assert taken.value.database == (tmp_path / "newsbot.sqlite3").resolve()
    with sole_user(url):  # released on the way out
        pass
    assert lock_path(url) == tmp_path / "newsbot.sqlite3.lock"


def test_postgresql_and_memory_databases_take_no_lock_file() -> None:
    assert lock_path("postgresql+asyncpg://postgres@127.0.0.1:5432/newsbot") is None
    assert lock_path("sqlite+aiosqlite://") is None
    assert lock_path("sqlite+aiosqlite:///:memory:") is None
