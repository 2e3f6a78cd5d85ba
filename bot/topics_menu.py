"""/topics: one toggle button per topic; a press follows or unfollows and redraws the menu. The
same menu acts on a channel or group from its administrator's private chat (bot.managed).

The buttons carry everything a press needs (news.buttons.TopicToggle), so presses work after a
restart and on any old menu: a button says "follow" or "unfollow", never "flip", so a double tap
or a stale menu cannot flip the choice back. /subscribe follows the same way as a press.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import manage_texts, texts
from bot.chats import follow
from bot.groups import GroupAdmins
from bot.i18n import ChatLocales
from bot.respond import edit, reply
from bot.target import Target
from news import buttons
from news.buttons import Plain, TopicToggle
from news.locale import Locale
from news.store import Store
from news.topics import Vocabulary

PER_ROW = 2


def keyboard(
    vocabulary: Vocabulary,
    followed: set[str],
    target: Target | None = None,
    locale: Locale | None = None,
) -> InlineKeyboardMarkup:
    aim = target.aim if target is not None else None
    toggles = [
        InlineKeyboardButton(
            f"✅ {topic}" if topic in followed else f"➕ {topic}",
            callback_data=buttons.encode(
                buttons.aimed(aim, buttons.toggle(topic not in followed, topic, vocabulary, aim))
            ),
        )
        for topic in vocabulary.names
    ]
    rows = [toggles[i : i + PER_ROW] for i in range(0, len(toggles), PER_ROW)]
    back = target.back(locale) if target is not None and locale is not None else []
    return InlineKeyboardMarkup([*rows, *back])


@dataclass(frozen=True, slots=True)
class TopicsMenu:
    store: Store
    vocabulary: Vocabulary
    clock: Callable[[], datetime]
    locales: ChatLocales
    group_admins: GroupAdmins
    name: ClassVar[str] = "topics"
    label: ClassVar[str] = manage_texts.TOPICS_LABEL
    presses: ClassVar[tuple[type[Plain], ...]] = (TopicToggle,)

    async def show(self, update: Update) -> None:
        """/topics, for the chat it is sent in."""
        if update.effective_chat is None:
            return
        locale = await self.locales.of(update)
        await reply(update, *await self._menu(Target.here(update), locale))

    async def open(self, update: Update, target: Target, locale: Locale) -> None:
        assert update.callback_query is not None
        await edit(update.callback_query, *await self._menu(target, locale))

    async def press(self, update: Update, _: object) -> None:
        """A toggle pressed in the chat it acts on."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        locale = await self.locales.of(update)
        pressed = buttons.decode_as(query.data, TopicToggle)
        if pressed is None:
            await query.answer(texts.stale_button(locale))
            return
        if await self.group_admins.allowed(update, locale):
            await self.act(update, Target.here(update), pressed, locale)

    async def act(self, update: Update, target: Target, button: Plain, locale: Locale) -> None:
        query = update.callback_query
        assert query is not None and isinstance(button, TopicToggle)
        topic = buttons.topic_named(button.topic, self.vocabulary)
        if topic is None:
            await query.answer(texts.stale_button(locale))
            return
        if not button.follow:
            await self.store.chats.unfollow(target.id, {topic})
        elif target.remote:
            await self.store.chats.follow(target.profile(), {topic}, self.clock())
        else:
            await follow(self.store, update, topic, self.clock())  # from its forum topic
        await edit(query, *await self._menu(target, locale))
        if target.remote:
            done = manage_texts.toggled(target.title, topic, following=button.follow, locale=locale)
        else:
            done = texts.toggled(topic, following=button.follow, locale=locale)
        await query.answer(done)

    async def _menu(self, target: Target, locale: Locale) -> tuple[str, InlineKeyboardMarkup]:
        followed = await self.store.chats.topics(target.id)
        text = target.header(locale) + texts.topics(self.vocabulary, followed, locale)
        return text, keyboard(self.vocabulary, followed, target, locale)
