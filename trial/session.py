"""`newsbot try`: the application `newsbot run` builds (bot.app.build_app), against the Bot API
emulator on a loopback port, with a temporary SQLite database, chatting in the terminal.

Everything lives in one event loop and one temporary folder: Ctrl+D or Ctrl+C stops the bot as
run_polling would, then the servers, then the folder goes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr

from bot import logs
from bot.app import build_app, load_feeds_file
from bot.serve import serving
from bot.settings import BUNDLED_FEEDS, Settings
from news.feedsfile import FeedsFile, FeedsFileError
from trial.chat import Chat
from trial.emulator import TOKEN, BotApi, Person
from trial.wire import CADENCE, Wire

# Try mode polls often, so a new article reaches the chat within a minute.
POLL_SECONDS = 10.0
REACH_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Options:
    feeds: Path | None = None  # None: the bundled feeds file
    offline: bool = False
    language: str = "en"
    log: Path | None = None
    cadence: tuple[float, float] = CADENCE


def run(settings: Settings, options: Options) -> int:
    with tempfile.TemporaryDirectory(prefix="newsbot-try-") as folder:
        log_to = options.log or Path(os.devnull)
        with log_to.open("a", encoding="utf-8") as log_file:
            # Nothing of the log on the chat screen: it goes to --log, else nowhere.
            logs.configure(
                settings.log_level,
                TOKEN,
                json_lines=settings.log_format == "json",
                stream=log_file,
            )
            logging.captureWarnings(True)
            try:
                return asyncio.run(_session(settings, options, Path(folder)))
            except KeyboardInterrupt:  # Ctrl+C before the chat opened
                return 0


async def _session(settings: Settings, options: Options, folder: Path) -> int:
    chat = Chat()
    chat.note("Starting newsbot in try mode: no token, a local Telegram, a temporary database.")
    async with contextlib.AsyncExitStack() as stack:
        api = await stack.enter_async_context(BotApi(Person(language_code=options.language)))
        api.watch = chat.show
        feeds_path, own = options.feeds or BUNDLED_FEEDS, tuple[str, ...]()
        if options.offline:
            wire = await stack.enter_async_context(Wire(options.cadence))
            feeds_path, own = folder / "sample-feeds.toml", (wire.origin,)
            feeds_path.write_text(wire.feeds_file(), encoding="utf-8")
        settings = _for_trial(settings, api, folder, feeds_path)
        try:
            feeds = load_feeds_file(settings)
        except (FeedsFileError, OSError) as error:
            chat.note(f"newsbot: cannot use the feeds file: {error}")
            return 2
        app = build_app(settings, feeds, own_feed_servers=own)
        # The life cycle of `newsbot run` (bot.serve), in this event loop; try mode polls.
        await stack.enter_async_context(serving(app, settings, asyncio.Event()))
        if not options.offline and not await _reachable(feeds):
            chat.note(
                "The feeds cannot be reached (no network?): /latest stays empty and no alert "
                "will come. Quit with Ctrl+D and run `newsbot try --offline` for sample feeds "
                "that need no network."
            )
        chat.note(
            "You are chatting with the bot as its administrator. Type /start (Tab completes "
            "commands); a bare number presses that button; Ctrl+D quits."
        )
        talking = asyncio.create_task(chat.talk(api))
        # A closed terminal (SIGHUP) or a kill ends the chat as Ctrl+D does: the bot stops
        # and the temporary folder goes.
        for ending in (signal.SIGTERM, signal.SIGHUP):
            asyncio.get_running_loop().add_signal_handler(ending, talking.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await talking
        with contextlib.suppress(OSError):  # the terminal may be gone
            chat.note("Stopping newsbot; the temporary database goes with it.")
    return 0


def _for_trial(settings: Settings, api: BotApi, folder: Path, feeds: Path) -> Settings:
    """The operator's settings with the Telegram side, the database and the feeds of try mode:
    TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL, DATABASE_URL and WEBHOOK_URL from the environment
    or .env are not used."""
    return settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(TOKEN),
            "telegram_api_base_url": api.base_url,
            "database_url": f"sqlite+aiosqlite:///{folder / 'try.sqlite3'}",
            "feeds_file": feeds,
            "admin_ids": frozenset({api.person.user_id}),
            "poll_interval_seconds": POLL_SECONDS,
            "metrics_port": None,  # a bot running beside it may hold the port
            "webhook_url": None,  # the emulator hands out updates by getUpdates
            "webhook_secret": None,
        }
    )


async def _reachable(feeds: FeedsFile) -> bool:
    """Whether the first feed's host answers at all: without a network nothing will come."""
    if not feeds.feeds:
        return True
    parts = urlsplit(feeds.feeds[0].url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, port), REACH_SECONDS
        )
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True
