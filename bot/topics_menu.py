"""/topics: one toggle button per topic; a press follows or unfollows and redraws the menu.

The buttons carry everything a press needs, so presses work after a restart and on any old
menu: "tp:+:<topic>" follows, "tp:-:<topic>" unfollows (a double tap or a stale menu cannot
flip the choice back). Callback data may be 64 bytes at most; a topic whose name would not
fit is sent as its position in the vocabulary instead, "tp:+:#3". A position survives
restarts but points elsewhere if the operator reorders the feeds file's [topics]; such a
press then changes the topic the redrawn menu shows, which the user sees at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import InlineKeyboardButtonLimit
from telegram.error import BadRequest

from bot import replies
from bot.chats import seen
from bot.groups import Admins, forum_thread
from bot.i18n import ChatLocales
from news.store import Store
from news.topics import Vocabulary

PREFIX = "tp:"
FOLLOW, UNFOLLOW = "+", "-"
PER_ROW = 2


def button_data(action: str, topic: str, vocabulary: Vocabulary) -> str:
    data = f"{PREFIX}{action}:{topic}"
    if len(data.encode("utf-8")) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA:
        return data
    return f"{PREFIX}{action}:#{vocabulary.names.index(topic)}"


def parse_data(data: str, vocabulary: Vocabulary) -> tuple[str, str] | None:
    """(action, topic) from a button's data; None for anything no current button carries."""
    action, _, key = data.removeprefix(PREFIX).partition(":")
    if action not in (FOLLOW, UNFOLLOW):
        return None
    if key.startswith("#") and key[1:].isdecimal():
        position = int(key[1:])
        return (action, vocabulary.names[position]) if position < len(vocabulary.names) else None
    return (action, key) if key in vocabulary.names else None


def keyboard(vocabulary: Vocabulary, followed: set[str]) -> InlineKeyboardMarkup:
    buttons = []
    for topic in vocabulary.names:
        if topic in followed:
            buttons.append(
                InlineKeyboardButton(
                    f"✅ {topic}", callback_data=button_data(UNFOLLOW, topic, vocabulary)
                )
            )
        else:
            buttons.append(
                InlineKeyboardButton(
                    f"➕ {topic}", callback_data=button_data(FOLLOW, topic, vocabulary)
                )
            )
    rows = [buttons[i : i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]
    return InlineKeyboardMarkup(rows)


@dataclass(frozen=True, slots=True)
class TopicsMenu:
    store: Store
    vocabulary: Vocabulary
    clock: Callable[[], datetime]
    locales: ChatLocales
    admins: Admins

    async def show(self, update: Update) -> None:
        if update.effective_chat is None or update.effective_message is None:
            return
        locale = await self.locales.of(update)
        followed = await self.store.chats.topics(update.effective_chat.id)
        await update.effective_message.reply_text(
            replies.topics(self.vocabulary, followed, locale),
            reply_markup=keyboard(self.vocabulary, followed),
        )

    async def press(self, update: Update, _: object) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        locale = await self.locales.of(update)
        parsed = parse_data(query.data or "", self.vocabulary)
        if parsed is None:
            await query.answer(replies.stale_button(locale))
            return
        if not await self.admins.allowed(update, locale):
            return
        action, topic = parsed
        if action == FOLLOW:
            await seen(self.store, update, self.clock())
            await self.store.chats.subscribe(chat.id, topic, self.clock())
            thread = forum_thread(update)
            if thread is not None:
                await self.store.chats.update(chat.id, self.clock(), thread_id=thread.id)
        else:
            await self.store.chats.unsubscribe(chat.id, topic)
        followed = await self.store.chats.topics(chat.id)
        try:
            await query.edit_message_text(
                replies.topics(self.vocabulary, followed, locale),
                reply_markup=keyboard(self.vocabulary, followed),
            )
        except BadRequest as error:  # a double tap: the menu already shows this
            if "not modified" not in error.message:
                raise
        await query.answer(replies.toggled(topic, following=action == FOLLOW, locale=locale))
