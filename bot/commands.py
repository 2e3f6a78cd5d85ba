"""Chat commands. Each handler parses its arguments, calls the store, renders and replies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import replies
from news import render
from news.store import Store
from news.topics import Vocabulary

Context = ContextTypes.DEFAULT_TYPE


@dataclass(frozen=True, slots=True)
class Commands:
    store: Store
    vocabulary: Vocabulary
    clock: Callable[[], datetime]

    async def start(self, update: Update, context: Context) -> None:
        await self._seen(update)
        user = update.effective_user
        await _reply(update, replies.greeting(self.vocabulary, user.first_name if user else None))

    async def help(self, update: Update, context: Context) -> None:
        await _reply(update, replies.help_text())

    async def topics(self, update: Update, context: Context) -> None:
        followed = await self.store.chats.topics(_chat_id(update))
        await _reply(update, replies.topics(self.vocabulary, followed))

    async def subscribe(self, update: Update, context: Context) -> None:
        topic = await self._topic_argument(update, context, "subscribe")
        if topic is None:
            return
        await self._seen(update)
        added = await self.store.chats.subscribe(_chat_id(update), topic, self.clock())
        await _reply(update, replies.subscribed(topic, already=not added))

    async def unsubscribe(self, update: Update, context: Context) -> None:
        topic = await self._topic_argument(update, context, "unsubscribe")
        if topic is None:
            return
        removed = await self.store.chats.unsubscribe(_chat_id(update), topic)
        await _reply(update, replies.unsubscribed(topic, was_following=removed))

    async def latest(self, update: Update, context: Context) -> None:
        topic = None
        if context.args:
            topic = await self._topic_argument(update, context, "latest")
            if topic is None:
                return
        articles = await self.store.articles.latest(topic, limit=5)
        if not articles:
            await _reply(update, replies.no_articles(topic))
            return
        title = f"Latest on {topic}" if topic else "Latest headlines"
        await _reply(update, render.headlines(title, articles))

    async def unknown(self, update: Update, context: Context) -> None:
        await _reply(update, replies.unknown_command())

    async def _topic_argument(self, update: Update, context: Context, command: str) -> str | None:
        """The topic named after the command, or None after telling the user what went wrong."""
        spelling = " ".join(context.args or []).strip()
        if not spelling:
            await _reply(update, replies.usage(command, self.vocabulary))
            return None
        topic = self.vocabulary.resolve(spelling)
        if topic is None:
            await _reply(update, replies.unknown_topic(spelling, self.vocabulary))
        return topic

    async def _seen(self, update: Update) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None:
            return
        await self.store.chats.seen(
            chat.id,
            kind=chat.type,
            title=chat.title or chat.full_name,
            language=user.language_code if user else None,
            now=self.clock(),
        )


def _chat_id(update: Update) -> int:
    assert update.effective_chat is not None  # command handlers only run for chat messages
    return update.effective_chat.id


async def _reply(update: Update, text: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)
