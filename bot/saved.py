"""Saved articles: the ⭐ Save button under alerts, and /saved with a remove button per article.

Buttons carry only ids (news.buttons: Save, Unsave, SavedPage); the page a remove button belongs
to is read back from the list's own ◀ ▶ buttons, so nothing lives in memory and buttons keep
working after a restart.

Under an alert in a group or channel, ⭐ Save is one reader's: the article goes to that reader's
own /saved (their private chat with the bot), the shared message stays as it is, and only the
reader sees the answer. A reader who never started the bot is answered with a link that opens
it (news.deeplinks), and /start save_<article> there finishes the save.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import ContextTypes, filters

from bot import texts
from bot.chats import seen
from bot.groups import GroupAdmins
from bot.respond import edit, reply
from news import buttons, deeplinks
from news.buttons import Save, SavedPage, Unsave
from news.locale import Locale
from news.records import SavedArticle
from news.store import Store

Context = ContextTypes.DEFAULT_TYPE
log = logging.getLogger(__name__)
LocaleOf = Callable[[Update], Awaitable[Locale]]

PAGE = 10


@dataclass(frozen=True, slots=True)
class Saved:
    store: Store
    clock: Callable[[], datetime]
    locale_of: LocaleOf
    reader_locale_of: LocaleOf  # the presser's own language, for an answer only they see
    group_admins: GroupAdmins

    async def save(self, update: Update, context: Context) -> None:
        """⭐ Save under an alert: a short notice, and the button now reads "✅ Saved"; in a
        group or channel, the reader's own save."""
        query = update.callback_query
        if query is None:
            return
        chat = update.effective_chat
        if chat is not None and chat.type != ChatType.PRIVATE:
            await self._save_for_reader(update, query)
            return
        _ = (await self.locale_of(update)).gettext
        pressed = buttons.decode_as(query.data, Save)
        if pressed is None or chat is None:
            await query.answer(_("This button no longer works."))
            return
        try:
            added = await self.store.saved.save(chat.id, pressed.article, self.clock())
        except LookupError:
            await query.answer(_("That article is gone."))
            return
        await query.answer(_("Saved ⭐") if added else _("Already saved."))
        await _mark_saved(query, _("✅ Saved"))

    async def _save_for_reader(self, update: Update, query: CallbackQuery) -> None:
        """In a group or channel: into the reader's own /saved, the shared alert untouched."""
        _ = (await self.reader_locale_of(update)).gettext
        pressed = buttons.decode_as(query.data, Save)
        if pressed is None:
            await query.answer(_("This button no longer works."))
            return
        reader = query.from_user.id
        if await self.store.chats.prefs(reader) is None:
            # No chat with the bot yet: the answer opens one, and /start there saves.
            username = update.get_bot().username
            await query.answer(url=deeplinks.start_link(username, pressed))
            return
        try:
            added = await self.store.saved.save(reader, pressed.article, self.clock())
        except LookupError:
            await query.answer(_("That article is gone."))
            return
        if added:
            await query.answer(_("Saved ⭐ to your /saved in our private chat."))
        else:
            await query.answer(_("It is in your /saved already."))

    async def from_link(self, update: Update, context: Context) -> None:
        """/start save_<article> (START_SAVE): the save a press in a group or channel began,
        finished in the reader's private chat, which it starts."""
        chat = update.effective_chat
        link = deeplinks.read(context.args[0]) if context.args else None
        if chat is None or link is None:
            return
        await seen(self.store, update, self.clock())
        added: bool | None
        try:
            added = await self.store.saved.save(chat.id, link.article, self.clock())
        except LookupError:
            added = None  # the article is gone
        await reply(update, texts.saved_from_link(await self.locale_of(update), added=added))

    async def saved(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        locale = await self.locale_of(update)
        text, markup = await self._page(locale, chat.id, 0)
        await reply(update, text, markup)

    async def remove(self, update: Update, context: Context) -> None:
        """A remove button: the article leaves the list, and the list is edited in place."""
        query = update.callback_query
        if query is None:
            return
        locale = await self.locale_of(update)
        _ = locale.gettext
        pressed = buttons.decode_as(query.data, Unsave)
        chat = update.effective_chat
        if pressed is None or chat is None:
            await query.answer(_("This button no longer works."))
            return
        if not await self.group_admins.allowed(update, locale):
            return  # a group's or channel's list is its administrators' to change
        removed = await self.store.saved.remove(chat.id, pressed.article)
        await query.answer(_("Removed.") if removed else _("It was already removed."))
        await self._show(update, query, _shown_offset(query))

    async def turn(self, update: Update, context: Context) -> None:
        """◀ ▶: another page of the list, in place."""
        query = update.callback_query
        if query is None:
            return
        page = buttons.decode_as(query.data, SavedPage)
        if page is None:
            _ = (await self.locale_of(update)).gettext
            await query.answer(_("This button no longer works."))
            return
        await query.answer()
        await self._show(update, query, page.offset)

    async def _show(self, update: Update, query: CallbackQuery, offset: int) -> None:
        chat = update.effective_chat
        if chat is None or query.message is None:
            return
        locale = await self.locale_of(update)
        text, markup = await self._page(locale, chat.id, offset)
        await edit(query, text, markup)

    async def _page(
        self, locale: Locale, chat_id: int, offset: int
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        items, total = await self.store.saved.page(chat_id, offset, PAGE)
        if not items and offset > 0:  # the last one on a later page went: show the one before
            offset = max(0, min(offset, total) - 1) // PAGE * PAGE
            items, total = await self.store.saved.page(chat_id, offset, PAGE)
        if not items:
            return texts.nothing_saved(locale), None
        text = texts.saved_page(locale, items, offset, total, PAGE)
        return text, keyboard(items, offset, total)


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


def _shown_offset(query: CallbackQuery) -> int:
    """Which page the pressed list shows, from its ◀ ▶ buttons (no ◀: the first page)."""
    markup = getattr(query.message, "reply_markup", None)
    rows = markup.inline_keyboard if isinstance(markup, InlineKeyboardMarkup) else ()
    for row in rows:
        for button in row:
            page = buttons.decode_as(str(button.callback_data or ""), SavedPage)
            if page is not None:
                return (
                    page.offset + PAGE
                    if button.text.startswith("◀")
                    else max(0, page.offset - PAGE)
                )
    return 0


def keyboard(items: Sequence[SavedArticle], offset: int, total: int) -> InlineKeyboardMarkup:
    removes = [
        InlineKeyboardButton(f"✖ {number}", callback_data=buttons.encode(Unsave(item.article_id)))
        for number, item in enumerate(items, start=offset + 1)
    ]
    rows = [removes[start : start + 5] for start in range(0, len(removes), 5)]
    turns = []
    if offset > 0:
        back = buttons.encode(SavedPage(max(0, offset - PAGE)))
        turns.append(InlineKeyboardButton("◀", callback_data=back))
    if offset + len(items) < total:
        turns.append(
            InlineKeyboardButton("▶", callback_data=buttons.encode(SavedPage(offset + PAGE)))
        )
    if turns:
        rows.append(turns)
    return InlineKeyboardMarkup(rows)


class _StartSave(filters.MessageFilter):
    """/start with a save payload (news.deeplinks), for Saved.from_link ahead of /start."""

    def filter(self, message: Message) -> bool:
        words = (message.text or "").split()
        return len(words) == 2 and deeplinks.read(words[1]) is not None


START_SAVE = filters.ChatType.PRIVATE & _StartSave(name="start_save")
