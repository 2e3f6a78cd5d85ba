"""/mute: muted words and outlets (add, list, remove, source; bare /mute explains itself), and
their buttons: the list with ✖ per mute (also from /settings), the outlets to mute.

Words are parsed by news.keywords and stored in their canonical form, as keyword alerts are;
an outlet is stored by the name the bot lists it with. In groups only administrators change
mutes; anyone may look. The buttons carry the whole change (news.buttons), so they work after
a restart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import mute_texts as texts
from bot.chats import seen
from bot.groups import GroupAdmins
from bot.respond import chat_id, edit, reply
from bot.texts import stale_button
from news import buttons
from news.buttons import MuteList, MuteOutlet, OutletList, Unmute
from news.keywords import QueryError, parse_query
from news.locale import Locale
from news.mutes import LIST, REMOVE, SOURCE, Mute, MuteKind, closest_outlets, outlet_named, read
from news.store import Store
from news.store.mutes import TooManyMutes

Context = ContextTypes.DEFAULT_TYPE
LocaleOf = Callable[[Update], Awaitable[Locale]]
PER_ROW = 5
# Telegram shows up to 100 buttons under a message, and a message holds 4096 characters: past
# the first forty outlets, a name is typed after /mute source.
MOST_OUTLETS = 40


@dataclass(frozen=True, slots=True)
class Mutes:
    store: Store
    clock: Callable[[], datetime]
    locale_of: LocaleOf
    group_admins: GroupAdmins

    async def mute(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or update.effective_chat is None:
            return
        locale = await self.locale_of(update)
        # The raw text, not context.args: quotes and spacing inside a phrase matter.
        parts = (message.text or "").split(None, 1)
        asked = read(parts[1] if len(parts) > 1 else "")
        chat = chat_id(update)
        if asked.action == LIST:
            await self._show_list(update, chat, locale)
        elif asked.action == SOURCE and not asked.rest:
            await self._show_outlets(update, chat, locale)
        elif asked.action is None and not asked.rest:
            await reply(update, texts.usage(locale))
        elif await self.group_admins.allowed(update, locale):
            if asked.action == REMOVE:
                await self._remove(update, chat, asked.rest, locale)
            elif asked.action == SOURCE:
                await self._mute_source(update, chat, asked.rest, locale)
            else:
                await self._mute_words(update, chat, asked.rest, locale)

    async def _mute_words(self, update: Update, chat: int, text: str, locale: Locale) -> None:
        try:
            query = parse_query(text).text()
        except QueryError as error:
            await reply(update, texts.refused(locale, error.reason))
            return
        await self._add(update, chat, MuteKind.WORDS, query, locale)

    async def _mute_source(self, update: Update, chat: int, spelling: str, locale: Locale) -> None:
        known = await self.store.feeds.outlets()
        outlet = outlet_named(spelling, known)
        if outlet is None:
            suggestions = closest_outlets(spelling, known)
            text = texts.unknown_outlet(spelling, suggestions, locale)
            await reply(update, text, _outlet_buttons(suggestions, locale, back=False))
            return
        await self._add(update, chat, MuteKind.SOURCE, outlet, locale)

    async def _add(
        self, update: Update, chat: int, kind: MuteKind, value: str, locale: Locale
    ) -> None:
        mute = Mute(0, chat, kind, value)
        await seen(self.store, update, self.clock())
        try:
            added = await self.store.mutes.add(chat, kind, value, self.clock())
        except TooManyMutes:
            await reply(update, texts.too_many(locale))
            return
        if not added:
            await reply(update, texts.duplicate(mute, locale))
            return
        count = len(await self.store.mutes.of(chat))
        await reply(update, texts.added(mute, count, locale))

    async def _remove(self, update: Update, chat: int, text: str, locale: Locale) -> None:
        number = text.strip().removeprefix("#")
        if not number.isdecimal() or len(number) > 6:
            await reply(update, texts.remove_usage(locale))
            return
        removed = await self.store.mutes.remove(chat, int(number))
        if removed is None:
            count = len(await self.store.mutes.of(chat))
            await reply(update, texts.no_such_mute(number, count, locale))
            return
        await reply(update, texts.removed(removed, locale))

    async def _show_list(self, update: Update, chat: int, locale: Locale) -> None:
        mutes = await self.store.mutes.of(chat)
        await reply(update, texts.listing(mutes, locale), _list_buttons(mutes, locale))

    async def _show_outlets(self, update: Update, chat: int, locale: Locale) -> None:
        text, keyboard = await self._outlets_menu(chat, locale)
        await reply(update, text, keyboard)

    async def _outlets_menu(self, chat: int, locale: Locale) -> tuple[str, InlineKeyboardMarkup]:
        names = await self.store.feeds.outlets()
        muted = [m.value for m in await self.store.mutes.of(chat) if m.kind is MuteKind.SOURCE]
        shown = names[:MOST_OUTLETS]
        text = texts.outlets(shown, muted, len(names) - len(shown), locale)
        return text, _outlet_buttons(shown, locale, back=True)

    # ------------------------------------------------------------------ buttons
    async def press(self, update: Update, context: Context) -> None:
        """Every mute button: show the list or the outlets, unmute one, mute an outlet."""
        query = update.callback_query
        if query is None or update.effective_chat is None:
            return
        locale = await self.locale_of(update)
        pressed = buttons.decode(query.data)
        chat = update.effective_chat.id
        if isinstance(pressed, OutletList):
            await edit(query, *await self._outlets_menu(chat, locale))
            await query.answer()
        elif isinstance(pressed, MuteList):
            await self._redraw_list(update, chat, locale)
            await query.answer()
        elif isinstance(pressed, Unmute | MuteOutlet):
            if await self.group_admins.allowed(update, locale):
                await query.answer(await self._change(update, chat, pressed, locale))
        else:
            await query.answer(stale_button(locale))

    async def _change(
        self, update: Update, chat: int, pressed: Unmute | MuteOutlet, locale: Locale
    ) -> str:
        """Carry out a press that changes the mutes; the answer to show."""
        if isinstance(pressed, Unmute):
            gone = await self.store.mutes.unmute(chat, pressed.mute)
            await self._redraw_list(update, chat, locale)
            return (
                texts.already_answer(locale) if gone is None else texts.unmuted_answer(gone, locale)
            )
        outlet = outlet_named(pressed.outlet, await self.store.feeds.outlets())
        if outlet is None:  # its feeds were removed since the menu was drawn, or forged data
            return stale_button(locale)
        mute = Mute(0, chat, MuteKind.SOURCE, outlet)
        try:
            added = await self.store.mutes.add(chat, mute.kind, mute.value, self.clock())
        except TooManyMutes:
            return texts.too_many_answer(locale)
        await self._redraw_list(update, chat, locale)
        return texts.muted_answer(mute, locale) if added else texts.already_answer(locale)

    async def _redraw_list(self, update: Update, chat: int, locale: Locale) -> None:
        assert update.callback_query is not None  # only presses redraw
        mutes = await self.store.mutes.of(chat)
        await edit(
            update.callback_query, texts.listing(mutes, locale), _list_buttons(mutes, locale)
        )


def _list_buttons(mutes: Sequence[Mute], locale: Locale) -> InlineKeyboardMarkup:
    """✖ per mute, by number, and the way to the outlets."""
    unmute = [
        InlineKeyboardButton(f"✖ {number}", callback_data=buttons.encode(Unmute(mute.id)))
        for number, mute in enumerate(mutes, start=1)
    ]
    rows = [unmute[i : i + PER_ROW] for i in range(0, len(unmute), PER_ROW)]
    sources = locale.gettext(texts.SOURCES_LABEL)
    rows.append([InlineKeyboardButton(sources, callback_data=buttons.encode(OutletList()))])
    return InlineKeyboardMarkup(rows)


def _outlet_buttons(names: Sequence[str], locale: Locale, *, back: bool) -> InlineKeyboardMarkup:
    """A button per outlet whose name fits one; with `back`, the way back to the list."""
    rows = []
    for name in names:
        try:
            data = buttons.encode(MuteOutlet(name))
        except ValueError:  # too long for a button: typed after /mute source instead
            continue
        rows.append([InlineKeyboardButton(f"🔇 {name}", callback_data=data)])
    if back:
        label = locale.gettext(texts.BACK_LABEL)
        rows.append([InlineKeyboardButton(label, callback_data=buttons.encode(MuteList()))])
    return InlineKeyboardMarkup(rows)
