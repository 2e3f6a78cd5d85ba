"""/latest [topic] [n]: the newest headlines, n at a time, with a More button for the next page.

The button carries everything the next page needs ("lt:<topic>:<offset>:<n>"), so it works after
a restart and needs no state in memory.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.reply import reply
from news.locale import Locale
from news.records import Article
from news.render import escape, link
from news.store import Store
from news.text import normalise_space, shorten
from news.topics import Vocabulary

Context = ContextTypes.DEFAULT_TYPE
LocaleOf = Callable[[Update], Awaitable[Locale]]

DEFAULT_COUNT, MAX_COUNT = 5, 20
MAX_OFFSET = 1000  # nobody pages that far; a forged button must not make the database scan
_HEADLINE_LIMIT = 300
_CALLBACK_BYTES = 64
# "lt:" then the topic (its name, or "#<index>" when the name is too long for the 64 bytes),
# the offset and the page size.
MORE_BUTTON = re.compile(r"lt:(?P<topic>.{0,60}):(?P<offset>\d{1,4}):(?P<count>\d{1,2})", re.S)


@dataclass(frozen=True, slots=True)
class Request:
    topic: str | None
    count: int


@dataclass(frozen=True, slots=True)
class Latest:
    store: Store
    vocabulary: Vocabulary
    locale_of: LocaleOf

    async def latest(self, update: Update, context: Context) -> None:
        locale = await self.locale_of(update)
        asked = parse_request(list(context.args or []), self.vocabulary)
        if isinstance(asked, str):
            await reply(update, self._wrong(locale, asked))
            return
        await self._send_page(update, locale, asked, offset=0)

    async def more(self, update: Update, context: Context) -> None:
        """The More button: the next page as a new message; the old one loses its button."""
        query = update.callback_query
        if query is None:
            return
        locale = await self.locale_of(update)
        _ = locale.gettext
        page = self._parse_button(query.data or "")
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
        await self._send_page(update, locale, asked, offset)

    async def _send_page(self, update: Update, locale: Locale, asked: Request, offset: int) -> None:
        # One more than shown: whether a More button makes sense, without a count query.
        found = await self.store.articles.latest(asked.topic, limit=asked.count + 1, offset=offset)
        shown = found[: asked.count]
        if not shown:
            await _send(update, no_articles(locale, asked.topic, more=offset > 0))
            return
        buttons = None
        if len(found) > asked.count and offset + asked.count <= MAX_OFFSET:
            data = self._button_data(asked, offset + asked.count)
            buttons = InlineKeyboardMarkup(
                [[InlineKeyboardButton(locale.gettext("More ▶"), callback_data=data)]]
            )
        text = headlines(locale, asked.topic, shown, first=offset + 1)
        await _send(update, text, buttons)

    def _button_data(self, asked: Request, offset: int) -> str:
        topic = asked.topic or ""
        data = f"lt:{topic}:{offset}:{asked.count}"
        if len(data.encode("utf-8")) > _CALLBACK_BYTES and asked.topic is not None:
            data = f"lt:#{self.vocabulary.names.index(asked.topic)}:{offset}:{asked.count}"
        return data

    def _parse_button(self, data: str) -> tuple[Request, int] | None:
        match = MORE_BUTTON.fullmatch(data)
        if match is None:
            return None
        offset, count = int(match["offset"]), int(match["count"])
        if not 1 <= count <= MAX_COUNT or offset > MAX_OFFSET + MAX_COUNT:
            return None
        spelling = match["topic"]
        if not spelling:
            return Request(None, count), offset
        topic: str | None
        if spelling.startswith("#") and spelling[1:].isdecimal():
            index = int(spelling[1:])
            topic = self.vocabulary.names[index] if index < len(self.vocabulary.names) else None
        else:
            topic = spelling if spelling in self.vocabulary.names else None
        return (Request(topic, count), offset) if topic is not None else None

    def _wrong(self, locale: Locale, problem: str) -> str:
        if problem.startswith("topic:"):
            return unknown_topic(locale, problem.removeprefix("topic:"), self.vocabulary)
        return usage(locale, self.vocabulary)


def parse_request(words: Sequence[str], vocabulary: Vocabulary) -> Request | str:
    """A topic and a count from "/latest", "/latest 10", "/latest World 10", "/latest World".

    Returns the Request, or what is wrong: "count" for a number outside 1..20 (or no number
    where one was expected), "topic:<spelling>" for a topic nobody knows.
    """
    words = list(words)
    count = DEFAULT_COUNT
    if words and _looks_numeric(words[-1]):
        number = words.pop()
        if not number.isdecimal() or not 1 <= int(number) <= MAX_COUNT:
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


def headlines(locale: Locale, topic: str | None, articles: Sequence[Article], first: int) -> str:
    """A numbered list (numbers go on across pages), each headline linked, with date and source."""
    _ = locale.gettext
    if topic is None:
        title = _("Latest headlines")
    else:
        title = _("Latest on {topic}").format(topic=escape(topic))
    lines = [f"<b>{title}</b>"]
    for number, article in enumerate(articles, start=first):
        headline = shorten(normalise_space(article.title), _HEADLINE_LIMIT) or "…"
        moment = locale.date(article.published_at or article.discovered_at)
        lines.append(
            f"\n{number}. {link(article.link, headline)}\n"
            f"<i>{escape(moment)} · {escape(article.source)}</i>"
        )
    return "\n".join(lines)


def usage(locale: Locale, vocabulary: Vocabulary) -> str:
    _ = locale.gettext
    example = escape(vocabulary.names[0]) if vocabulary.names else "World"
    return _(
        "Send /latest, optionally with a topic and how many headlines (1-{most}), for example:\n"
        "/latest\n/latest 10\n/latest {topic}\n/latest {topic} 10"
    ).format(most=MAX_COUNT, topic=example)


def unknown_topic(locale: Locale, spelling: str, vocabulary: Vocabulary) -> str:
    _ = locale.gettext
    text = _("I don't know the topic “{spelling}”.").format(spelling=escape(spelling[:100]))
    guess = vocabulary.closest(spelling)
    if guess is not None:
        text += " " + _("Did you mean {topic}?").format(topic=f"<b>{escape(guess)}</b>")
    names = ", ".join(f"<b>{escape(name)}</b>" for name in vocabulary.names)
    return text + "\n\n" + _("Topics: {topics}").format(topics=names)


def no_articles(locale: Locale, topic: str | None, *, more: bool) -> str:
    _ = locale.gettext
    if more:
        return _("That was everything: there are no older headlines.")
    if topic is None:
        return _("No articles yet: the feeds may still be loading. Try again in a few minutes.")
    return _(
        "No articles on {topic} yet: the feeds may still be loading. Try again in a few minutes."
    ).format(topic=f"<b>{escape(topic)}</b>")


async def _send(update: Update, text: str, buttons: InlineKeyboardMarkup | None = None) -> None:
    """A new message in the chat: a reply to /latest, or the page after a button press."""
    chat = update.effective_chat
    if chat is None:
        return
    message = update.effective_message
    thread = message.message_thread_id if message and message.is_topic_message else None
    await chat.send_message(
        text, parse_mode=ParseMode.HTML, reply_markup=buttons, message_thread_id=thread
    )
