"""Admin chat commands: /feeds, /addfeed, /removefeed, /status, /stats, /broadcast.

Only users listed in ADMIN_IDS get answers; anyone else gets exactly what an unknown command
gets, so the commands do not advertise themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot import admin_texts, texts
from bot.respond import edit, reply
from news import buttons
from news.buttons import BroadcastChoice
from news.store import Store
from news.store.feeds import REMOVED_BY_ADMIN
from news.topics import Vocabulary
from web.probe import Prober, Refused

Context = ContextTypes.DEFAULT_TYPE
_MAX_FEED_NUMBER = 2**31 - 1  # the feeds table's integer id


@dataclass(frozen=True, slots=True)
class AdminCommands:
    """Commands for the bot's own administrators (ADMIN_IDS); a group's administrators are
    bot/groups.py's GroupAdmins."""

    store: Store
    vocabulary: Vocabulary
    clock: Callable[[], datetime]
    admin_ids: frozenset[int]  # ADMIN_IDS
    prober: Prober

    async def feeds(self, update: Update, context: Context) -> None:
        if not await self._is_admin(update):
            return
        feeds = await self.store.feeds.health()
        for page in admin_texts.feed_list(feeds, self.clock()):
            await reply(update, page)

    async def addfeed(self, update: Update, context: Context) -> None:
        if not await self._is_admin(update):
            return
        words = list(context.args or [])
        if not words:
            await reply(update, admin_texts.addfeed_usage(self.vocabulary.names))
            return
        topics = parse_topics(words[1:], self.vocabulary)
        if isinstance(topics, str):
            await reply(update, texts.unknown_topic(topics, self.vocabulary))
            return
        if update.effective_chat is not None:  # fetching can take seconds: show it is working
            await update.effective_chat.send_action(ChatAction.TYPING)
        probed = await self.prober.probe(words[0])
        if isinstance(probed, Refused):
            await reply(update, admin_texts.refused(probed))
            return
        feed, change = await self.store.feeds.add(
            probed.url, topics, probed.feed.title or None, self.clock()
        )
        await reply(update, admin_texts.added(feed, probed, change))

    async def removefeed(self, update: Update, context: Context) -> None:
        if not await self._is_admin(update):
            return
        key = " ".join(context.args or []).strip()
        if not key:
            await reply(update, admin_texts.removefeed_usage())
            return
        done = await self.store.feeds.disable(feed_key(key), REMOVED_BY_ADMIN)
        if done is None:
            await reply(update, admin_texts.no_such_feed(key))
            return
        feed, was_enabled = done
        await reply(update, admin_texts.removed(feed, was_enabled=was_enabled))

    async def status(self, update: Update, context: Context) -> None:
        if not await self._is_admin(update):
            return
        now = self.clock()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        await reply(update, admin_texts.status(await self.store.stats.snapshot(midnight), now))

    async def stats(self, update: Update, context: Context) -> None:
        if not await self._is_admin(update):
            return
        today = self.clock().date()
        days = [today - timedelta(days=back) for back in range(6, -1, -1)]
        since = datetime.combine(days[0], datetime.min.time(), tzinfo=UTC)
        per_day = await self.store.stats.sent_per_day(since)
        counts = [per_day.get(day.isoformat(), 0) for day in days]
        snapshot = await self.store.stats.snapshot(since)
        await reply(update, admin_texts.stats(snapshot.subscriptions, days, counts))

    async def broadcast(self, update: Update, context: Context) -> None:
        """/broadcast TEXT: a preview with Send / Cancel buttons; nothing goes out before Send."""
        if not await self._is_admin(update) or update.effective_message is None:
            return
        words = (update.effective_message.text or "").split(maxsplit=1)
        text = words[1].strip() if len(words) > 1 else ""  # keeps the admin's line breaks
        if not text:
            await reply(update, admin_texts.broadcast_usage())
            return
        if len(text) > admin_texts.BROADCAST_LIMIT:
            await reply(update, admin_texts.broadcast_too_long(len(text)))
            return
        assert update.effective_user is not None  # _is_admin checked it
        draft, audience = await self.store.broadcasts.draft(
            text, update.effective_user.id, self.clock()
        )
        # The draft's id in the button, not the text: 64 bytes, and it survives a restart.
        send = buttons.encode(BroadcastChoice(True, draft))
        cancel = buttons.encode(BroadcastChoice(False, draft))
        choices = [
            InlineKeyboardButton(f"📢 Send to {audience}", callback_data=send),
            InlineKeyboardButton("Cancel", callback_data=cancel),
        ]
        preview = admin_texts.broadcast_preview(text, audience)
        await reply(update, preview, InlineKeyboardMarkup([choices]))

    async def broadcast_button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        user = update.effective_user
        choice = buttons.decode_as(query.data, BroadcastChoice)
        if user is None or user.id not in self.admin_ids or choice is None:
            await query.answer("This button is not for you.")
            return
        decision = await self.store.broadcasts.decide(
            choice.draft, send=choice.send, now=self.clock()
        )
        if not decision.found or decision.already:
            await query.answer("This announcement was already decided.")
            return
        await query.answer()
        if decision.queued is None:
            await edit(query, admin_texts.broadcast_cancelled())
        else:
            await edit(query, admin_texts.broadcast_queued(decision.queued))

    async def _is_admin(self, update: Update) -> bool:
        user = update.effective_user
        if user is not None and user.id in self.admin_ids:
            return True
        await reply(update, texts.unknown_command())
        return False


def feed_key(text: str) -> int | str:
    """A feed's number from /feeds ("3" or "#3"), else the text as its URL."""
    number = text.removeprefix("#")
    if number.isdecimal() and 0 < int(number) <= _MAX_FEED_NUMBER:
        return int(number)
    return text


def parse_topics(words: Sequence[str], vocabulary: Vocabulary) -> tuple[str, ...] | str:
    """Canonical topics from the words after the URL, or the first spelling that is none.

    Commas separate topic names that contain spaces ("Middle East, World"); without commas each
    word is a topic, unless all the words together are one ("Middle East").
    """
    text = " ".join(words).strip()
    if not text:
        return ()
    whole = vocabulary.resolve(text)
    if whole is not None:
        return (whole,)
    spellings = [s.strip() for s in text.split(",")] if "," in text else text.split()
    topics: list[str] = []
    for spelling in filter(None, spellings):
        topic = vocabulary.resolve(spelling)
        if topic is None:
            return spelling
        topics.append(topic)
    return tuple(dict.fromkeys(topics))
