"""Run the real application in the test's own event loop, the way run_polling would."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from telegram import Update

from bot.app import NewsApp, build_app, load_feeds_file
from bot.settings import Settings
from tests.fakes.telegram import FakeTelegram
from tests.tiers import require_slow


def settings_for(
    telegram: FakeTelegram, database_url: str, feeds_file: Path, **overrides: Any
) -> Settings:
    values: dict[str, Any] = {
        "telegram_bot_token": telegram.token,
        "telegram_api_base_url": telegram.base_url,
        "database_url": database_url,
        "feeds_file": feeds_file,
        "poll_interval_seconds": 1,
        "send_interval_seconds": 0.2,
        "allow_private_feeds": True,  # every test server is on 127.0.0.1
        "command_burst": 0,  # tests type fast; tests/test_flood.py turns the guard on
    }
    return Settings(_env_file=None, **(values | overrides))


@asynccontextmanager
async def running(
    settings: Settings, clock: Callable[[], datetime] | None = None
) -> AsyncIterator[NewsApp]:
    """initialize, post_init, start polling, start; and the reverse, as run_polling does.

    run_polling owns and closes its event loop, so tests that share the loop with the fake
    servers use this; `newsbot run` itself is tested in a subprocess (test_cli.py).
    """
    require_slow("starts the whole application")
    feeds = load_feeds_file(settings)
    app = build_app(settings, feeds) if clock is None else build_app(settings, feeds, clock)
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None and app.updater
    assert app.post_stop is not None
    await app.post_init(app)
    await app.updater.start_polling(allowed_updates=Update.ALL_TYPES, timeout=1)
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.post_stop(app)
        await app.shutdown()
        await app.post_shutdown(app)
