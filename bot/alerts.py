"""/alert: keyword alerts, like Google Alerts (add, list, remove; bare /alert explains itself).

Queries are parsed by news.keywords and stored in their canonical form, so "/alert add KYIV" and
"/alert add Kyiv" are one alert. In groups only administrators add or remove alerts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot import alert_texts as texts
from bot.chats import seen
from bot.groups import GroupAdmins
from bot.respond import chat_id, reply
from news.keywords import QueryError, parse_query
from news.locale import Locale
from news.store import Store
from news.store.alerts import TooManyAlerts

Context = ContextTypes.DEFAULT_TYPE
LocaleOf = Callable[[Update], Awaitable[Locale]]

ADD, LIST, REMOVE = "add", "list", "remove"
# What people type for each action; anything else gets the usage.
_ACTIONS = {
    "add": ADD, "new": ADD, "+": ADD,
    "list": LIST, "ls": LIST, "show": LIST,
    "remove": REMOVE, "rm": REMOVE, "delete": REMOVE, "del": REMOVE, "-": REMOVE,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class KeywordAlerts:
    store: Store
    clock: Callable[[], datetime]
    locale_of: LocaleOf
    group_admins: GroupAdmins

    async def alert(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or update.effective_chat is None:
            return
        locale = await self.locale_of(update)
        # The raw text, not context.args: quotes and spacing inside a phrase matter.
        words = (message.text or "").split(None, 2)
        action = _ACTIONS.get(words[1].casefold()) if len(words) > 1 else None
        rest = words[2] if len(words) > 2 else ""
        if action == LIST:
            await reply(
                update, texts.listing(locale, await self.store.alerts.texts(chat_id(update)))
            )
        elif action == ADD:
            if await self.group_admins.allowed(update, locale):
                await self._add(update, locale, rest)
        elif action == REMOVE:
            if await self.group_admins.allowed(update, locale):
                await self._remove(update, locale, rest)
        else:
            await reply(update, texts.usage(locale))

    async def _add(self, update: Update, locale: Locale, text: str) -> None:
        try:
            query = parse_query(text).text()
        except QueryError as error:
            await reply(update, texts.refused(locale, error.reason))
            return
        await seen(self.store, update, self.clock())
        try:
            added = await self.store.alerts.add(chat_id(update), query, self.clock())
        except TooManyAlerts:
            await reply(update, texts.too_many(locale))
            return
        if not added:
            await reply(update, texts.duplicate(locale, query))
            return
        count = len(await self.store.alerts.texts(chat_id(update)))
        await reply(update, texts.added_text(locale, query, count))

    async def _remove(self, update: Update, locale: Locale, text: str) -> None:
        number = text.strip().removeprefix("#")
        if not number.isdecimal() or len(number) > 6:
            await reply(update, texts.remove_usage(locale))
            return
        removed = await self.store.alerts.remove(chat_id(update), int(number))
        if removed is None:
            count = len(await self.store.alerts.texts(chat_id(update)))
            await reply(update, texts.no_such_alert(locale, number, count))
            return
        await reply(update, texts.removed_text(locale, removed))
