"""The composition root: the only place that turns settings into running parts and wires them."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import mode, texts, webhook
from bot.admin import AdminCommands
from bot.alerts import KeywordAlerts
from bot.alerts_menu import AlertsMenu
from bot.campaign import Campaign, ElectedUpdater
from bot.channel_posts import ADDRESSED, ANY_CHAT, CHANNEL_COMMANDS, AnswersNoticed, ChannelPosts
from bot.channels import Channels
from bot.commands import Commands
from bot.digest_now import DigestNow
from bot.flood import FloodGuard
from bot.groups import GroupAdmins
from bot.health import HealthServer
from bot.i18n import Catalogues, ChatLocales, chat_locale
from bot.latest import Latest
from bot.managed import ChatMenu, Manager
from bot.membership import Membership
from bot.mutes import Mutes
from bot.once import Once
from bot.pausing import Pausing
from bot.preferences import Preferences
from bot.respond import reply
from bot.saved import START_SAVE, Saved
from bot.settings import Settings
from bot.topics_menu import TopicsMenu
from jobs.digests import DigestJob
from jobs.poll import Poller
from monitor.metrics import Metrics
from news import buttons
from news.buttons import (
    BroadcastChoice,
    ChannelList,
    LatestMore,
    Save,
    SavedPage,
    Setting,
    StopChoice,
    Targeted,
    TopicToggle,
    Unsave,
)
from news.feedsfile import FeedsFile, parse_feeds_file
from news.flood import Flood
from news.locale import DEFAULT_LANGUAGE
from news.pacing import Limits, Rate
from news.schedule import Policy
from news.store import Store
from news.stories import Policy as Grouping
from news.topics import Vocabulary
from sending.expiry import Expiry
from sending.limiter import Limiter
from sending.sender import Retries, Sender
from web.fetch import make_client
from web.guard import guard
from web.probe import Prober

log = logging.getLogger(__name__)

USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot/newsbot)"
DIGEST_CHECK_SECONDS = 30.0
NewsApp = Application[Any, ContextTypes.DEFAULT_TYPE, Any, Any, Any, Any]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def load_feeds_file(settings: Settings) -> FeedsFile:
    """Read and check the feeds file; raises FeedsFileError (naming the line) or OSError."""
    path = settings.feeds_file
    return parse_feeds_file(path.read_text(encoding="utf-8"), source=str(path))


def build_app(
    settings: Settings,
    feeds: FeedsFile,
    clock: Clock = utc_now,
    *,
    own_feed_servers: Collection[str] = (),
) -> NewsApp:
    """Wire every part. Nothing connects here: resources open in post_init, inside PTB's loop.

    `own_feed_servers`: origins ("http://127.0.0.1:8080") of feed servers the caller runs
    itself on this machine, which the private-address guard lets through (`newsbot try
    --offline`'s sample feeds)."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is required to build the application")
    store = Store.connect(
        settings.database_url,
        stories=Grouping(window=timedelta(hours=settings.story_window_hours)),
    )
    client = make_client(user_agent=USER_AGENT)
    if not settings.allow_private_feeds:
        # Every poll, redirects included, not only /addfeed: a public name can be re-pointed
        # at an internal address later (server-side request forgery).
        guard(client, exempt=own_feed_servers)
    # One limiter for every message the bot sends: alerts, replies, apologies.
    metrics = Metrics()
    limiter = Limiter(delivery_limits(settings), metrics=metrics)
    catalogues = Catalogues.load()  # every interface language, read once
    channel_posts = None
    if settings.channel_command_ttl_seconds > 0:
        ttl = timedelta(seconds=settings.channel_command_ttl_seconds)
        channel_posts = ChannelPosts(store, clock, ttl)
    runtime = Runtime(
        settings,
        feeds,
        store,
        client,
        clock,
        metrics=metrics,
        limiter=limiter,
        catalogues=catalogues,
    )
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
        # Around the one limiter: the bot's answers in channels are listed for deletion.
        .rate_limiter(
            limiter if channel_posts is None else AnswersNoticed(limiter, channel_posts.expire)
        )
        # getUpdates has its own HTTP client with a one-connection pool: a long poll torn down
        # mid-flight (a proxy or NAT dropping it) can leave that connection checked out, and
        # every later poll then fails with "Pool timeout" while the process looks healthy.
        .get_updates_connection_pool_size(2)
        .post_init(runtime.start)
        .post_stop(runtime.stop_sending)  # while the bot can still send: alerts in flight end
        .post_shutdown(runtime.stop)
        .build()
    )
    _register_once(app, Once(store, clock))
    # getUpdates only while this process is the one elected to call it (bot.campaign).
    app.updater = ElectedUpdater(app.bot, app.update_queue)
    locales = ChatLocales(store, catalogues)
    burst = (settings.command_burst, settings.command_burst_seconds)
    # One short cache of "is this user a group admin?" for all, on the application's clock.
    group_admins = GroupAdmins(clock=lambda: clock().timestamp())
    if channel_posts is not None:
        # Ahead of every other handler (the flood guard is group -1): the command post is
        # listed for deletion whatever comes of it.
        app.add_handler(MessageHandler(CHANNEL_COMMANDS, channel_posts.posted), group=-2)
    saved = Saved(store, clock, locales.of, locales.of_user, group_admins)
    app.add_handler(command("start", saved.from_link, START_SAVE))  # ahead of /start itself
    commands, menus = _register_chat(
        app, store, feeds.vocabulary, clock, locales, group_admins, burst
    )
    prober = Prober(USER_AGENT, settings.allow_private_feeds, settings.feed_max_bytes)
    admin = AdminCommands(store, feeds.vocabulary, clock, settings.admin_ids, prober)
    for name in ("feeds", "addfeed", "removefeed", "status", "stats", "broadcast"):
        # block=False: /addfeed fetches for seconds, and other chats must not wait behind it.
        app.add_handler(CommandHandler(name, getattr(admin, name), block=False))
    app.add_handler(
        CallbackQueryHandler(admin.broadcast_button, pattern=buttons.pattern(BroadcastChoice))
    )
    menus += _register_features(
        app, store, feeds.vocabulary, clock, locales, group_admins, saved, runtime.wake
    )
    manager = Manager(store, clock, locales.of, group_admins, otherwise=commands.chatter)
    for menu in menus:  # a chat's menus, in this order, also for channels and groups
        manager.register(menu)
    _register_channels(app, Channels(store, clock, locales.of, group_admins), manager)
    membership = Membership(store, clock)
    app.add_handler(ChatMemberHandler(membership.changed, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, membership.migrated))
    app.add_handler(MessageHandler(filters.COMMAND & ADDRESSED, commands.unknown))
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, commands.chatter)
    )
    app.add_handler(CallbackQueryHandler(commands.stale_button))  # after every button's own
    app.add_error_handler(Apology(catalogues).on_error)
    return app


def _register_once(app: NewsApp, once: Once) -> None:
    """Ahead of every handler: an update some process took up before goes no further. The
    ids are kept a day, and an hourly job forgets older ones."""
    app.add_handler(TypeHandler(Update, once.check), group=Once.GROUP)
    assert app.job_queue is not None  # the job-queue extra is a dependency
    app.job_queue.run_repeating(once.forget_old, interval=3600, first=60, name="forget updates")


def _register_chat(
    app: NewsApp,
    store: Store,
    vocabulary: Vocabulary,
    clock: Clock,
    locales: ChatLocales,
    group_admins: GroupAdmins,
    burst: tuple[int, float],
) -> tuple[Commands, list[ChatMenu]]:
    """The flood guard, /start, /help, /topics, /subscribe, /unsubscribe, /settings and the
    commands behind it, and their buttons; returns the commands and the menus (/topics,
    /settings)."""
    limit, window = burst
    if limit > 0:
        # Group -1 runs before every other handler and can stop the update there.
        slow_down = FloodGuard(locales.of, Flood(limit, window))
        app.add_handler(MessageHandler(filters.COMMAND, slow_down.check), group=-1)
    menu = TopicsMenu(store, vocabulary, clock, locales, group_admins)
    commands = Commands(store, vocabulary, clock, locales, group_admins, menu)
    for name in ("start", "help", "topics", "subscribe", "unsubscribe"):
        app.add_handler(command(name, getattr(commands, name)))
    app.add_handler(CallbackQueryHandler(menu.press, pattern=buttons.pattern(TopicToggle)))
    preferences = Preferences(store, clock, locales, group_admins)
    for name in (
        "settings",
        "mode",
        "layout",
        "picture",
        "bigstories",
        "digest_time",
        "timezone",
        "quiet",
    ):
        app.add_handler(command(name, getattr(preferences, name)))
    app.add_handler(CallbackQueryHandler(preferences.press, pattern=buttons.pattern(Setting)))
    return commands, [menu, preferences]


def _register_features(
    app: NewsApp,
    store: Store,
    vocabulary: Vocabulary,
    clock: Clock,
    locales: ChatLocales,
    group_admins: GroupAdmins,
    saved: Saved,
    wake: Callable[[], None],
) -> list[ChatMenu]:
    """/alert, /mute, /saved, /latest, /digest, /pause, /resume, /stop and their buttons; returns
    the menus (keyword alerts, /latest)."""
    alerts = KeywordAlerts(store, clock, locales.of, group_admins)
    mutes = Mutes(store, clock, locales.of, group_admins)
    latest = Latest(store, vocabulary, locales.of)
    pausing = Pausing(store, clock, locales.of, group_admins)
    handlers = {
        "alert": alerts.alert,
        "mute": mutes.mute,
        "saved": saved.saved,
        "latest": latest.latest,
        "digest": DigestNow(store, clock, locales.of, wake).digest,
        "pause": pausing.pause,
        "resume": pausing.resume,
        "stop": pausing.stop,
    }
    for name, handler in handlers.items():
        app.add_handler(command(name, handler))
    presses = {
        Save: saved.save,
        Unsave: saved.remove,
        SavedPage: saved.turn,
        LatestMore: latest.more,
        StopChoice: pausing.stop_button,
    }
    presses |= dict.fromkeys(mutes.presses, mutes.press)
    for kind, press in presses.items():
        app.add_handler(CallbackQueryHandler(press, pattern=buttons.pattern(kind)))
    return [AlertsMenu(store, clock), mutes, latest]


def _register_channels(app: NewsApp, channels: Channels, manager: Manager) -> None:
    """/channels, the menus for a channel or group that act from a private chat, and the
    answers to their questions (before plain chatter, which takes every other reply)."""
    app.add_handler(command("channels", channels.channels))
    app.add_handler(CallbackQueryHandler(channels.again, pattern=buttons.pattern(ChannelList)))
    app.add_handler(CallbackQueryHandler(manager.press, pattern=buttons.pattern(Targeted)))
    answers = filters.ChatType.PRIVATE & filters.REPLY & filters.TEXT & ~filters.COMMAND
    app.add_handler(MessageHandler(answers, manager.answered))


def command(
    name: str,
    callback: Callable[[Update, ContextTypes.DEFAULT_TYPE], Any],
    only: filters.BaseFilter | None = None,
) -> CommandHandler[Any, None]:
    """A chat command, heard in private chats, groups and channels alike (bot.channel_posts);
    `only`: a further filter."""
    return CommandHandler(name, callback, filters=ANY_CHAT if only is None else ANY_CHAT & only)


@dataclass(slots=True)
class Runtime:
    """What starts with the application and stops with it."""

    settings: Settings
    feeds: FeedsFile
    store: Store
    client: httpx.AsyncClient
    clock: Clock
    metrics: Metrics = field(default_factory=Metrics)
    health: HealthServer | None = None
    limiter: Limiter = field(default_factory=Limiter)
    sender: Sender | None = None
    catalogues: Catalogues = field(default_factory=Catalogues.load)
    campaign: Campaign | None = None

    def wake(self) -> None:
        """Something was queued outside the poller (/digest, say): the sender looks now."""
        if self.sender is not None:
            self.sender.wake()

    async def start(self, app: NewsApp) -> None:
        await self.store.migrate()
        # Before anything acts: a process in the wrong mode refuses with nothing changed.
        await mode.claim(self.store, mode.of(self.settings), self.clock())
        await self.store.feeds.sync(self.feeds.feeds, self.clock())
        await self._register_menus(app)
        self._schedule(app)
        # Elects the sender (it puts back what a gone sender left in flight) and the poller
        # of updates; on SQLite this process is both at once.
        updater = app.updater if isinstance(app.updater, ElectedUpdater) else None
        assert self.sender is not None
        overall = delivery_limits(self.settings).overall
        self.campaign = Campaign(self.store, self.sender, self.limiter, overall, updater)
        await self.campaign.start()
        await self._serve_health(app)
        started = {"bot": f"@{app.bot.username}", "feeds": len(self.feeds.feeds)}
        started |= {"topics": ",".join(self.feeds.vocabulary.names)}
        started |= {"sending": self.campaign.sending, "requeued": self.campaign.recovered}
        log.info("newsbot started", extra={"fields": started})

    def leading(self) -> bool:
        """This process runs the chores that must happen once among several (bot.campaign)."""
        return self.campaign is None or self.campaign.leading()

    async def _register_menus(self, app: NewsApp) -> None:
        """The command menu in every language: English as the default for everyone, and each
        other catalogue for users whose Telegram speaks it."""
        for language in self.catalogues.languages:
            locale = self.catalogues.locale(language)
            menu = [BotCommand(command, text) for command, text in texts.menu(locale)]
            code = None if language == DEFAULT_LANGUAGE else language
            await app.bot.set_my_commands(menu, language_code=code)

    async def stop(self, app: NewsApp) -> None:
        await self.stop_sending(app)
        if self.health is not None:
            await self.health.stop()
        await self.client.aclose()
        await self.store.close()

    async def stop_sending(self, app: NewsApp) -> None:
        if self.campaign is not None:
            await self.campaign.stop()
            self.campaign = None
        if self.sender is not None:
            await self.sender.stop()
            self.sender = None

    def _sender(self, app: NewsApp) -> Sender:
        settings = self.settings
        retries = Retries(
            max_attempts=settings.send_max_attempts,
            first=timedelta(seconds=settings.send_retry_seconds),
        )
        return Sender(
            self.store,
            app.bot,
            self.limiter,
            self.clock,
            retries=retries,
            paid=settings.paid_broadcast,
            idle_seconds=settings.send_interval_seconds,
            metrics=self.metrics,
            locales=lambda prefs: chat_locale(self.catalogues, prefs, None),
            edit_window=self.store.stories.policy.window,
        )

    async def _serve_health(self, app: NewsApp) -> None:
        port = self.settings.metrics_port
        if port is None:
            return
        # Healthy while the last poll finished within two intervals, plus the ticker's own delay.
        poll_every = timedelta(seconds=self.settings.poll_interval_seconds)
        send_every = timedelta(seconds=self.settings.send_interval_seconds)
        self.health = HealthServer(
            self.metrics,
            self.store,
            self.clock,
            deadlines={
                "poller": 2 * poll_every + timedelta(seconds=30),
                # The sender's loop turns at least every SEND_INTERVAL_SECONDS, even idle.
                "sender": max(timedelta(seconds=30), 10 * send_every),
            },
            host=self.settings.metrics_host,
            port=port,
            webhook=self._webhook_problem(app),
        )
        await self.health.start()

    def _webhook_problem(self, app: NewsApp) -> Callable[[], Awaitable[str | None]] | None:
        """In webhook mode, /healthz asks Telegram whether the webhook is registered and
        delivering (getWebhookInfo), not whether updates happen to arrive."""
        url = self.settings.webhook_url
        if url is None:
            return None
        return lambda: webhook.problem(app.bot, url, self.clock)

    def _poller(self, app: NewsApp) -> Poller:
        settings = self.settings

        async def tell_admins(text: str) -> None:
            for admin in sorted(settings.admin_ids):
                try:
                    await app.bot.send_message(admin, text, parse_mode=ParseMode.HTML)
                except TelegramError as error:  # an admin who never started the bot, say
                    problem = {"admin": admin, "error": str(error)}
                    log.warning("admin notice failed", extra={"fields": problem})

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
            metrics=self.metrics,
            leading=self.leading,
        )

    def _schedule(self, app: NewsApp) -> None:
        poller = self._poller(app)
        # One sender loop drains the outbox at Telegram's pace; the poller wakes it. It starts
        # in the process elected to send (bot.campaign).
        sender = self.sender = self._sender(app)

        async def poll(_: ContextTypes.DEFAULT_TYPE) -> None:
            report = await poller.poll_due()
            if report.deliveries:
                sender.wake()

        assert app.job_queue is not None  # the job-queue extra is a dependency
        # One ticker for all feeds (their own next_check_at says which are due); it ticks more
        # often than the interval so a feed is never a whole tick late.
        tick = max(0.5, min(self.settings.poll_interval_seconds / 4, 30.0))
        once = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
        app.job_queue.run_repeating(poll, interval=tick, first=0, name="poll", job_kwargs=once)

        digest_job = DigestJob(self.store, self.clock)

        async def digests(_: ContextTypes.DEFAULT_TYPE) -> None:
            if self.leading() and await digest_job.queue_due():
                sender.wake()

        # Digest times are minutes: checking twice a minute sends each within 30 s of its time.
        every = min(DIGEST_CHECK_SECONDS, self.settings.poll_interval_seconds)
        app.job_queue.run_repeating(
            digests, interval=every, first=0, name="digests", job_kwargs=once
        )
        self._schedule_expiry(app, once)

    def _schedule_expiry(self, app: NewsApp, once: dict[str, Any]) -> None:
        """Channel commands and answers are deleted when due; the first round at start does
        what a stop left undone."""
        ttl = self.settings.channel_command_ttl_seconds
        if ttl <= 0:
            return
        expiry = Expiry(self.store, app.bot, self.clock)

        async def expire(_: ContextTypes.DEFAULT_TYPE) -> None:
            if self.leading():
                await expiry.delete_due()

        # A few looks within the delay keep each deletion close to its time.
        every = min(max(ttl / 4, 0.5), 15.0)
        assert app.job_queue is not None
        # A repeating job's first=0 is a whole interval late when the scheduler starts after
        # it was added (APScheduler counts intervals from `first`): the round at start is
        # its own job.
        app.job_queue.run_once(expire, when=0, name="expiry at start")
        app.job_queue.run_repeating(
            expire, interval=every, first=every, name="expiry", job_kwargs=once
        )


def delivery_limits(settings: Settings) -> Limits:
    return Limits(
        overall=Rate.per_second(settings.messages_per_second),
        private_chat=Rate.per_second(settings.private_chat_messages_per_second),
        group=Rate.per_minute(settings.group_messages_per_minute),
        paid=Rate.per_second(settings.paid_messages_per_second),
    )


@dataclass(frozen=True, slots=True)
class Apology:
    catalogues: Catalogues

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any handler or job exception: the traceback to the log, a short apology to the user
        in the user's Telegram language (the store may be what failed, so it is not asked)."""
        log.error("unhandled error", exc_info=context.error)
        if isinstance(update, Update) and update.effective_message is not None:
            user = update.effective_user
            locale = self.catalogues.locale(user.language_code if user else None)
            try:
                await reply(update, texts.apology(locale))
            except TelegramError as error:
                log.warning("apology failed", extra={"fields": {"error": str(error)}})
