"""/latest [topic] [n]: the newest headlines, n at a time, with a More button for the next page;
what the chat muted is left out.

The button carries everything the next page needs (news.buttons.LatestMore), so it works after a
restart and needs no state in memory. The same pages open from a channel's or group's menus in
its administrator's private chat (bot.managed), headed with that chat's name.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import manage_texts, texts
from bot.respond import reply
from bot.target import Target
from news import buttons
from news.buttons import LATEST_MAX_COUNT, LATEST_MAX_OFFSET, LatestMore, Plain
from news.locale import Locale
from news.store import Store
from news.topics import Vocabulary

Context = ContextTypes.DEFAULT_TYPE
LocaleOf = Callable[[Update], Awaitable[Locale]]

DEFAULT_COUNT = 5


@dataclass(frozen=True, slots=True)
class Request:
    topic: str | None
    count: int


@dataclass(frozen=True, slots=True)
class Latest:
    store: Store
    vocabulary: Vocabulary
    locale_of: LocaleOf
    name: ClassVar[str] = "latest"
    label: ClassVar[str] = manage_texts.LATEST_LABEL
    presses: ClassVar[tuple[type[Plain], ...]] = (LatestMore,)

    async def latest(self, update: Update, context: Context) -> None:
        locale = await self.locale_of(update)
        asked = parse_request(list(context.args or []), self.vocabulary)
        if isinstance(asked, str):
            await reply(update, self._wrong(locale, asked))
            return
        await self._send_page(update, locale, asked, offset=0, target=Target.here(update))

    async def open(self, update: Update, target: Target, locale: Locale) -> None:
        """The first page, as a new message under the menu."""
        await self._send_page(update, locale, Request(None, DEFAULT_COUNT), 0, target)

    async def more(self, update: Update, context: Context) -> None:
        """The More button: the next page as a new message; the old one loses its button."""
        query = update.callback_query
        if query is None or update.effective_chat is None:
            return
        locale = await self.locale_of(update)
        await self.act(
            update, Target.here(update), buttons.decode_as(query.data, LatestMore), locale
        )

    async def act(
        self, update: Update, target: Target, button: Plain | None, locale: Locale
    ) -> None:
        query = update.callback_query
        assert query is not None
        _ = locale.gettext
        page = self._page_of(button) if isinstance(button, LatestMore) else None
        if page is None:
            await query.answer(_("This button no longer works. Send /latest again."))
            return
        asked, offset = page
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:  # a double tap: the first press already took the button away
            await query.answer(_("Already shown."))
            return
        await query.answer()
        await self._send_page(update, locale, asked, offset, target)

    async def _send_page(
        self, update: Update, locale: Locale, asked: Request, offset: int, target: Target
    ) -> None:
        """A new message in the chat, quoting nothing: a reply to /latest, or the page after a
        button press; headed with the chat's name when it is for another chat."""
        # One more than shown: whether a More button makes sense, without a count query.
        found = await self.store.articles.latest(
            asked.topic, limit=asked.count + 1, offset=offset, chat=target.id
        )
        shown = found[: asked.count]
        if not shown:
            text = texts.no_headlines(locale, asked.topic, more=offset > 0)
            await reply(update, target.header(locale) + text, quote=False)
            return
        more = None
        if len(found) > asked.count and offset + asked.count <= LATEST_MAX_OFFSET:
            button = buttons.latest_more(
                asked.topic, offset + asked.count, asked.count, self.vocabulary, target.aim
            )
            label = locale.gettext("More ▶")
            more = InlineKeyboardMarkup(
                [[InlineKeyboardButton(label, callback_data=target.data(button))]]
            )
        text = texts.latest_page(locale, asked.topic, shown, first=offset + 1)
        await reply(update, target.header(locale) + text, more, quote=False)

    def _page_of(self, more: LatestMore) -> tuple[Request, int] | None:
        """The page a More button asks for; None when its topic is no longer there."""
        if more.topic is None:
            return Request(None, more.count), more.offset
        topic = buttons.topic_named(more.topic, self.vocabulary)
        return (Request(topic, more.count), more.offset) if topic is not None else None

    def _wrong(self, locale: Locale, problem: str) -> str:
        if problem.startswith("topic:"):
            spelling = problem.removeprefix("topic:")
            return texts.unknown_topic(spelling, self.vocabulary, locale)
        return texts.latest_usage(locale, self.vocabulary)


def parse_request(words: Sequence[str], vocabulary: Vocabulary) -> Request | str:
    """A topic and a count from "/latest", "/latest 10", "/latest World 10", "/latest World".

    Returns the Request, or what is wrong: "count" for a number outside 1..20 (or no number
    where one was expected), "topic:<spelling>" for a topic nobody knows.
    """
    words = list(words)
    count = DEFAULT_COUNT
    if words and _looks_numeric(words[-1]):
        number = words.pop()
        if not number.isdecimal() or not 1 <= int(number) <= LATEST_MAX_COUNT:
            return "count"
        count = int(number)
    spelling = " ".join(words).strip()
    if not spelling:
        return Request(None, count)
    topic = vocabulary.resolve(spelling)
    if topic is None:
        if _looks_numeric(words[0]):  # "/latest 10 World": the number in the wrong place
            return "count"
        return f"topic:{spelling}"
    return Request(topic, count)


def _looks_numeric(word: str) -> bool:
    return bool(re.fullmatch(r"[-+]?\d+([.,]\d*)?", word))
