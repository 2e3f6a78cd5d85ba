"""/topics: one toggle button per topic; a press follows or unfollows and redraws the menu.

The buttons carry everything a press needs (news.buttons.TopicToggle), so presses work after a
restart and on any old menu: a button says "follow" or "unfollow", never "flip", so a double tap
or a stale menu cannot flip the choice back. /subscribe follows the same way as a press.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import texts
from bot.chats import follow
from bot.groups import GroupAdmins
from bot.i18n import ChatLocales
from bot.respond import edit, reply
from news import buttons
from news.buttons import TopicToggle
from news.store import Store
from news.topics import Vocabulary

PER_ROW = 2


def keyboard(vocabulary: Vocabulary, followed: set[str]) -> InlineKeyboardMarkup:
    toggles = [
        InlineKeyboardButton(
            f"✅ {topic}" if topic in followed else f"➕ {topic}",
            callback_data=buttons.encode(buttons.toggle(topic not in followed, topic, vocabulary)),
        )
        for topic in vocabulary.names
    ]
    return InlineKeyboardMarkup([toggles[i : i + PER_ROW] for i in range(0, len(toggles), PER_ROW)])


@dataclass(frozen=True, slots=True)
class TopicsMenu:
    store: Store
    vocabulary: Vocabulary
    clock: Callable[[], datetime]
    locales: ChatLocales
    group_admins: GroupAdmins

    async def show(self, update: Update) -> None:
        if update.effective_chat is None:
            return
        locale = await self.locales.of(update)
        followed = await self.store.chats.topics(update.effective_chat.id)
        menu = texts.topics(self.vocabulary, followed, locale)
        await reply(update, menu, keyboard(self.vocabulary, followed))

    async def press(self, update: Update, _: object) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        locale = await self.locales.of(update)
        pressed = buttons.decode_as(query.data, TopicToggle)
        topic = buttons.topic_named(pressed.topic, self.vocabulary) if pressed else None
        if pressed is None or topic is None:
            await query.answer(texts.stale_button(locale))
            return
        if not await self.group_admins.allowed(update, locale):
            return
        if pressed.follow:
            await follow(self.store, update, topic, self.clock())
        else:
            await self.store.chats.unfollow(chat.id, {topic})
        followed = await self.store.chats.topics(chat.id)
        await edit(
            query,
            texts.topics(self.vocabulary, followed, locale),
            keyboard(self.vocabulary, followed),
        )
        await query.answer(texts.toggled(topic, following=pressed.follow, locale=locale))
