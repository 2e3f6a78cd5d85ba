"""/channels, in a private chat: the channels and groups the bot is in where the user is an
administrator now (asked of Telegram), as buttons that open each one's menus (bot.managed).
With none, how to add the bot to a channel, through Telegram's link that asks for exactly the
rights it needs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot import manage_texts, texts
from bot.chats import seen
from bot.groups import GroupAdmins
from bot.respond import edit, reply
from news import buttons
from news.buttons import HOME, Manage, Targeted
from news.locale import Locale
from news.records import ChatProfile
from news.store import Store

Context = ContextTypes.DEFAULT_TYPE
LocaleOf = Callable[[Update], Awaitable[Locale]]

# Post alerts, edit them, and delete command posts and answers after a while: what the bot
# asks to be given in a channel (https://core.telegram.org/api/links#bot-links).
RIGHTS = ("post_messages", "edit_messages", "delete_messages")
# Administrator lists asked of Telegram at once, for a bot in many chats.
CONCURRENT_CHECKS = 8
# Telegram shows at most 100 buttons under a message; one is the link that adds the bot.
MAX_LISTED = 99


def add_link(bot_username: str) -> str:
    """Telegram's link that adds the bot to a channel the user picks, as an administrator."""
    return f"https://t.me/{bot_username}?startchannel&admin={'+'.join(RIGHTS)}"


@dataclass(frozen=True, slots=True)
class Channels:
    store: Store
    clock: Callable[[], datetime]
    locale_of: LocaleOf
    admins: GroupAdmins

    async def channels(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        locale = await self.locale_of(update)
        if chat.type != ChatType.PRIVATE:  # a list of someone's chats is not for a group
            await reply(update, manage_texts.private_only(update.get_bot().username, locale))
            return
        await seen(self.store, update, self.clock())
        await reply(update, *await self._listing(update, locale))

    async def again(self, update: Update, context: Context) -> None:
        """« All channels and groups: the list again, asked anew, in place."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        locale = await self.locale_of(update)
        if chat.type != ChatType.PRIVATE:
            await query.answer(texts.stale_button(locale))
            return
        await edit(query, *await self._listing(update, locale))
        await query.answer()

    async def mine(self, update: Update) -> list[ChatProfile]:
        """The shared chats the user administers now, by title."""
        user = update.effective_user
        if user is None:
            return []
        bot, limit = update.get_bot(), asyncio.Semaphore(CONCURRENT_CHECKS)

        async def administers(chat: ChatProfile) -> bool:
            async with limit:
                return await self.admins.administers(bot, chat.id, user.id)

        chats = await self.store.chats.shared()
        allowed = await asyncio.gather(*(administers(chat) for chat in chats))
        return [chat for chat, ok in zip(chats, allowed, strict=True) if ok]

    async def _listing(self, update: Update, locale: Locale) -> tuple[str, InlineKeyboardMarkup]:
        link = add_link(update.get_bot().username)
        add = [InlineKeyboardButton(manage_texts.add_label(locale), url=link)]
        mine = await self.mine(update)
        if not mine:
            return manage_texts.none_yet(link, locale), InlineKeyboardMarkup([add])
        rows = [
            [
                InlineKeyboardButton(
                    manage_texts.chat_label(chat.kind, chat.title, locale),
                    callback_data=buttons.encode(Targeted(chat.id, Manage(HOME))),
                )
            ]
            for chat in mine[:MAX_LISTED]
        ]
        return manage_texts.listing(locale), InlineKeyboardMarkup([*rows, add])
