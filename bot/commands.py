"""Chat commands. Each handler parses its arguments, calls the store, renders and replies in the
chat's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.chats import follow, seen
from bot.groups import GroupAdmins
from bot.i18n import ChatLocales
from bot.respond import chat_id, reply
from bot.topics_menu import TopicsMenu
from news.locale import Locale
from news.store import Store
from news.topics import Vocabulary

Context = ContextTypes.DEFAULT_TYPE


@dataclass(frozen=True, slots=True)
class Commands:
    store: Store
    vocabulary: Vocabulary
    clock: Callable[[], datetime]
    locales: ChatLocales
    group_admins: GroupAdmins
    menu: TopicsMenu

    async def start(self, update: Update, context: Context) -> None:
        await seen(self.store, update, self.clock())
        user = update.effective_user
        locale = await self.locales.of(update)
        name = user.first_name if user else None
        await reply(update, texts.greeting(self.vocabulary, name, locale))

    async def help(self, update: Update, context: Context) -> None:
        await reply(update, texts.help_text(await self.locales.of(update)))

    async def topics(self, update: Update, context: Context) -> None:
        await self.menu.show(update)

    async def subscribe(self, update: Update, context: Context) -> None:
        locale = await self.locales.of(update)
        topic = await self._topic_argument(update, context, "subscribe", locale)
        if topic is None or not await self.group_admins.allowed(update, locale):
            return
        added = await follow(self.store, update, topic, self.clock())
        await reply(update, texts.subscribed(topic, already=not added, locale=locale))

    async def unsubscribe(self, update: Update, context: Context) -> None:
        locale = await self.locales.of(update)
        topic = await self._topic_argument(update, context, "unsubscribe", locale)
        if topic is None or not await self.group_admins.allowed(update, locale):
            return
        removed = await self.store.chats.unfollow(chat_id(update), {topic})
        await reply(update, texts.unsubscribed(topic, was_following=bool(removed), locale=locale))

    async def unknown(self, update: Update, context: Context) -> None:
        await reply(update, texts.unknown_command(await self.locales.of(update)))

    async def chatter(self, update: Update, context: Context) -> None:
        """Plain text in a private chat (groups' chatter never reaches a bot in privacy mode)."""
        message = update.effective_message
        text = message.text if message is not None and message.text else ""
        await reply(
            update, texts.not_a_command(text, self.vocabulary, await self.locales.of(update))
        )

    async def stale_button(self, update: Update, context: Context) -> None:
        """A press no handler knows: a button of an older version of the bot, or forged data."""
        if update.callback_query is not None:
            await update.callback_query.answer(texts.stale_button(await self.locales.of(update)))

    async def _topic_argument(
        self, update: Update, context: Context, command: str, locale: Locale
    ) -> str | None:
        """The topic named after the command, or None after telling the user what went wrong."""
        spelling = " ".join(context.args or []).strip()
        if not spelling:
            await reply(update, texts.usage(command, self.vocabulary, locale))
            return None
        topic = self.vocabulary.resolve(spelling)
        if topic is None:
            await reply(update, texts.unknown_topic(spelling, self.vocabulary, locale))
        return topic
