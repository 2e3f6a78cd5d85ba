"""The composition root: the only place that turns settings into running parts and wires them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bot import replies
from bot.commands import Commands
from bot.settings import Settings
from jobs.deliver import Sender
from jobs.fetch import make_client
from jobs.poll import Poller
from news.feedsfile import FeedsFile, parse_feeds_file
from news.schedule import Policy
from news.store import Store

log = logging.getLogger(__name__)

USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot/newsbot)"
NewsApp = Application[Any, ContextTypes.DEFAULT_TYPE, Any, Any, Any, Any]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def load_feeds_file(settings: Settings) -> FeedsFile:
    """Read and check the feeds file; raises FeedsFileError (naming the line) or OSError."""
    path = settings.feeds_file
    return parse_feeds_file(path.read_text(encoding="utf-8"), source=str(path))


def build_app(settings: Settings, feeds: FeedsFile, clock: Clock = utc_now) -> NewsApp:
    """Wire every part. Nothing connects here: resources open in post_init, inside PTB's loop."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is required to build the application")
    store = Store.connect(settings.database_url)
    client = make_client(user_agent=USER_AGENT)
    runtime = Runtime(settings, feeds, store, client, clock)
    app: NewsApp = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        # Replies are messages too: they share Telegram's 30/s and 20/min-per-group budget.
        .rate_limiter(AIORateLimiter(max_retries=2))
        .post_init(runtime.start)
        .post_shutdown(runtime.stop)
        .build()
    )
    commands = Commands(store, feeds.vocabulary, clock)
    for name in ("start", "help", "topics", "subscribe", "unsubscribe", "latest"):
        app.add_handler(CommandHandler(name, getattr(commands, name)))
    app.add_handler(MessageHandler(filters.COMMAND, commands.unknown))
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, commands.unknown)
    )
    app.add_error_handler(on_error)
    return app


@dataclass(slots=True)
class Runtime:
    """What starts with the application and stops with it."""

    settings: Settings
    feeds: FeedsFile
    store: Store
    client: httpx.AsyncClient
    clock: Clock

    async def start(self, app: NewsApp) -> None:
        await self.store.migrate()
        await self.store.feeds.sync(self.feeds.feeds, self.clock())
        recovered = await self.store.outbox.recover_interrupted()
        await app.bot.set_my_commands([BotCommand(c, d) for c, d in replies.COMMANDS])
        self._schedule(app)
        log.info(
            "newsbot started bot=@%s feeds=%d topics=%s requeued=%d",
            app.bot.username,
            len(self.feeds.feeds),
            ",".join(self.feeds.vocabulary.names),
            recovered,
        )

    async def stop(self, app: NewsApp) -> None:
        await self.client.aclose()
        await self.store.close()

    def _poller(self, app: NewsApp) -> Poller:
        settings = self.settings

        async def tell_admins(text: str) -> None:
            for admin in sorted(settings.admin_ids):
                try:
                    await app.bot.send_message(admin, text, parse_mode=ParseMode.HTML)
                except TelegramError as error:  # an admin who never started the bot, say
                    log.warning("could not tell admin=%d: %s", admin, error)

        return Poller(
            self.store,
            self.client,
            self.feeds.vocabulary,
            Policy(interval=timedelta(seconds=settings.poll_interval_seconds)),
            self.clock,
            tell_admins=tell_admins,
            max_bytes=settings.feed_max_bytes,
            max_entry_age=timedelta(hours=settings.max_entry_age_hours),
            remember_for=timedelta(days=settings.seen_retention_days),
            tell_after=timedelta(days=settings.feed_failing_notice_days),
            concurrency=settings.feed_concurrency,
            per_host=settings.feed_host_concurrency,
        )

    def _schedule(self, app: NewsApp) -> None:
        poller = self._poller(app)
        sender = Sender(self.store, app.bot, self.clock)

        async def poll(_: ContextTypes.DEFAULT_TYPE) -> None:
            await poller.poll_due()

        async def send(_: ContextTypes.DEFAULT_TYPE) -> None:
            await sender.send_due()

        assert app.job_queue is not None  # the job-queue extra is a dependency
        # One ticker for all feeds (their own next_check_at says which are due); it ticks more
        # often than the interval so a feed is never a whole tick late.
        tick = max(0.5, min(self.settings.poll_interval_seconds / 4, 30.0))
        once = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
        app.job_queue.run_repeating(poll, interval=tick, first=0, name="poll", job_kwargs=once)
        app.job_queue.run_repeating(
            send,
            interval=self.settings.send_interval_seconds,
            first=0,
            name="send",
            job_kwargs=once,
        )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any handler or job exception: the traceback to the log, a short apology to the user."""
    log.error("unhandled error", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(replies.apology())
        except TelegramError as error:
            log.warning("could not send the apology: %s", error)
