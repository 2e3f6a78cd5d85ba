"""Saved articles: the ⭐ Save button under alerts, and /saved with a remove button per article.

Buttons carry only ids ("sv:<article>", "us:<article>", "sp:<offset>"); the page a remove
button belongs to is read back from the list's own ◀ ▶ buttons, so nothing lives in memory and
buttons keep working after a restart.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from news.locale import Locale
from news.records import SavedArticle
from news.render import escape, link
from news.store import Store
from news.text import normalise_space, shorten

Context = ContextTypes.DEFAULT_TYPE
log = logging.getLogger(__name__)
LocaleOf = Callable[[Update], Awaitable[Locale]]

PAGE = 10
_HEADLINE_LIMIT = 200
_MAX_ID = 2**63 - 1
SAVE_BUTTON = re.compile(r"sv:(?P<id>\d{1,19})")
REMOVE_BUTTON = re.compile(r"us:(?P<id>\d{1,19})")
PAGE_BUTTON = re.compile(r"sp:(?P<offset>\d{1,6})")


@dataclass(frozen=True, slots=True)
class Saved:
    store: Store
    clock: Callable[[], datetime]
    locale_of: LocaleOf

    async def save(self, update: Update, context: Context) -> None:
        """⭐ Save under an alert: a short notice, and the button now reads "✅ Saved"."""
        query = update.callback_query
        if query is None:
            return
        _ = (await self.locale_of(update)).gettext
        article = _id(SAVE_BUTTON, query.data)
        chat = update.effective_chat
        if article is None or chat is None:
            await query.answer(_("This button no longer works."))
            return
        try:
            added = await self.store.saved.save(chat.id, article, self.clock())
        except LookupError:
            await query.answer(_("That article is gone."))
            return
        await query.answer(_("Saved ⭐") if added else _("Already saved."))
        await _mark_saved(query, _("✅ Saved"))

    async def saved(self, update: Update, context: Context) -> None:
        chat, message = update.effective_chat, update.effective_message
        if chat is None or message is None:
            return
        locale = await self.locale_of(update)
        text, buttons = await self._page(locale, chat.id, 0)
        await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=buttons)

    async def remove(self, update: Update, context: Context) -> None:
        """A remove button: the article leaves the list, and the list is edited in place."""
        query = update.callback_query
        if query is None:
            return
        _ = (await self.locale_of(update)).gettext
        article = _id(REMOVE_BUTTON, query.data)
        chat = update.effective_chat
        if article is None or chat is None:
            await query.answer(_("This button no longer works."))
            return
        removed = await self.store.saved.remove(chat.id, article)
        await query.answer(_("Removed.") if removed else _("It was already removed."))
        await self._show(update, query, _shown_offset(query))

    async def turn(self, update: Update, context: Context) -> None:
        """◀ ▶: another page of the list, in place."""
        query = update.callback_query
        if query is None:
            return
        match = PAGE_BUTTON.fullmatch(query.data or "")
        if match is None:
            _ = (await self.locale_of(update)).gettext
            await query.answer(_("This button no longer works."))
            return
        await query.answer()
        await self._show(update, query, int(match["offset"]))

    async def _show(self, update: Update, query: CallbackQuery, offset: int) -> None:
        chat = update.effective_chat
        if chat is None or query.message is None:
            return
        locale = await self.locale_of(update)
        text, buttons = await self._page(locale, chat.id, offset)
        try:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=buttons)
        except BadRequest as error:  # the same page again after a double tap: nothing to change
            if "not modified" not in error.message:
                raise

    async def _page(
        self, locale: Locale, chat_id: int, offset: int
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        items, total = await self.store.saved.page(chat_id, offset, PAGE)
        if not items and offset > 0:  # the last one on a later page went: show the one before
            offset = max(0, min(offset, total) - 1) // PAGE * PAGE
            items, total = await self.store.saved.page(chat_id, offset, PAGE)
        if not items:
            return nothing_saved(locale), None
        return saved_list(locale, items, offset, total), keyboard(locale, items, offset, total)


async def _mark_saved(query: CallbackQuery, label: str) -> None:
    """Relabel the pressed button in place, so the alert shows it is saved; its data stays, so a
    second press answers "Already saved." (or saves again after a removal from /saved)."""
    markup = getattr(query.message, "reply_markup", None)
    if not isinstance(markup, InlineKeyboardMarkup):
        return
    rows = [
        [
            InlineKeyboardButton(label, callback_data=button.callback_data)
            if button.callback_data == query.data
            else button
            for button in row
        ]
        for row in markup.inline_keyboard
    ]
    if rows == [list(row) for row in markup.inline_keyboard]:
        return  # already marked: editing to the same markup is an error at Telegram
    try:
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows))
    except BadRequest as error:  # the save stands; only the label stays as it was
        log.info("save button not relabelled", extra={"fields": {"error": error.message}})


def _id(pattern: re.Pattern[str], data: str | None) -> int | None:
    match = pattern.fullmatch(data or "")
    if match is None or int(match["id"]) > _MAX_ID:
        return None
    return int(match["id"])


def _shown_offset(query: CallbackQuery) -> int:
    """Which page the pressed list shows, from its ◀ ▶ buttons (no ◀: the first page)."""
    message = query.message
    markup = getattr(message, "reply_markup", None)
    rows = markup.inline_keyboard if isinstance(markup, InlineKeyboardMarkup) else ()
    for row in rows:
        for button in row:
            match = PAGE_BUTTON.fullmatch(str(button.callback_data or ""))
            if match is None:
                continue
            offset = int(match["offset"])
            return offset + PAGE if button.text.startswith("◀") else max(0, offset - PAGE)
    return 0


def saved_list(locale: Locale, items: Sequence[SavedArticle], offset: int, total: int) -> str:
    _ = locale.gettext
    if total > PAGE:
        title = _("⭐ Saved articles ({first}-{last} of {total})").format(
            first=offset + 1, last=offset + len(items), total=total
        )
    else:
        title = _("⭐ Saved articles ({total})").format(total=total)
    lines = [f"<b>{title}</b>"]
    for number, item in enumerate(items, start=offset + 1):
        headline = shorten(normalise_space(item.title), _HEADLINE_LIMIT) or "…"
        moment = locale.date(item.published_at or item.saved_at)
        lines.append(
            f"\n{number}. {link(item.link, headline)}\n"
            f"<i>{escape(moment)} · {escape(item.source)}</i>"
        )
    lines.append("\n" + _("Press ✖ with a number to remove that article."))
    return "\n".join(lines)


def keyboard(
    locale: Locale, items: Sequence[SavedArticle], offset: int, total: int
) -> InlineKeyboardMarkup:
    removes = [
        InlineKeyboardButton(f"✖ {number}", callback_data=f"us:{item.article_id}")
        for number, item in enumerate(items, start=offset + 1)
    ]
    rows = [removes[start : start + 5] for start in range(0, len(removes), 5)]
    turns = []
    if offset > 0:
        turns.append(InlineKeyboardButton("◀", callback_data=f"sp:{max(0, offset - PAGE)}"))
    if offset + len(items) < total:
        turns.append(InlineKeyboardButton("▶", callback_data=f"sp:{offset + PAGE}"))
    if turns:
        rows.append(turns)
    return InlineKeyboardMarkup(rows)


def nothing_saved(locale: Locale) -> str:
    _ = locale.gettext
    return _(
        "Nothing saved yet. Press ⭐ Save under an alert to keep it here; "
        "/latest shows recent headlines."
    )
