"""Run the real application in the test's own event loop, as `newsbot run` serves it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.app import NewsApp, build_app, load_feeds_file
from bot.serve import serving
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
    """The application as `newsbot run` serves it (bot.serve.serving), in the test's own
    event loop, so it shares the loop with the fake servers; `newsbot run` itself is tested in
    a subprocess (test_cli.py)."""
    require_slow("starts the whole application")
    feeds = load_feeds_file(settings)
    app = build_app(settings, feeds) if clock is None else build_app(settings, feeds, clock)
    async with serving(app, settings, asyncio.Event(), poll_timeout=1):
        yield app
