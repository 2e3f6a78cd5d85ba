"""/mute: muted words and outlets (add, list, remove, source; bare /mute explains itself), and
their buttons: the list with ✖ per mute (also from /settings), the outlets to mute. The same
menu acts on a channel or group from its administrator's private chat (bot.managed), where a
➕ button asks for the words with a ForceReply prompt.

Words are parsed by news.keywords and stored in their canonical form, as keyword alerts are;
an outlet is stored by the name the bot lists it with. In groups only administrators change
mutes; anyone may look. The buttons carry the whole change (news.buttons), so they work after
a restart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import mute_texts as texts
from bot.chats import seen
from bot.groups import GroupAdmins
from bot.respond import edit, reply
from bot.target import Target
from bot.texts import stale_button
from news import buttons
from news.buttons import Ask, MuteList, MuteOutlet, OutletList, Plain, Unmute
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
    name: ClassVar[str] = "mutes"
    label: ClassVar[str] = texts.MUTES_LABEL
    presses: ClassVar[tuple[type[Plain], ...]] = (MuteList, Unmute, OutletList, MuteOutlet)

    async def mute(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or update.effective_chat is None:
            return
        locale = await self.locale_of(update)
        # The raw text, not context.args: quotes and spacing inside a phrase matter.
        parts = (message.text or "").split(None, 1)
        asked = read(parts[1] if len(parts) > 1 else "")
        target = Target.here(update)
        if asked.action == LIST:
            await reply(update, *await self._list_menu(target, locale))
        elif asked.action == SOURCE and not asked.rest:
            await reply(update, *await self._outlets_menu(target, locale))
        elif asked.action is None and not asked.rest:
            await reply(update, texts.usage(locale))
        elif await self.group_admins.allowed(update, locale):
            if asked.action == REMOVE:
                await reply(update, await self._remove(target, asked.rest, locale))
            else:
                await seen(self.store, update, self.clock())
                await reply(update, *await self._mute(target, asked.action, asked.rest, locale))

    async def _mute(
        self, target: Target, action: str | None, text: str, locale: Locale
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        """Mute the words, or the outlet after "source"; what to answer."""
        if action == SOURCE:
            known = await self.store.feeds.outlets()
            outlet = outlet_named(text, known)
            if outlet is None:
                suggestions = closest_outlets(text, known)
                keyboard = _outlet_buttons(target, suggestions, locale, back=False)
                return texts.unknown_outlet(text, suggestions, locale), keyboard
            return await self._add(target, MuteKind.SOURCE, outlet, locale), None
        try:
            query = parse_query(text).text()
        except QueryError as error:
            return texts.refused(locale, error.reason), None
        return await self._add(target, MuteKind.WORDS, query, locale), None

    async def _add(self, target: Target, kind: MuteKind, value: str, locale: Locale) -> str:
        mute = Mute(0, target.id, kind, value)
        try:
            added = await self.store.mutes.add(target.id, kind, value, self.clock())
        except TooManyMutes:
            return texts.too_many(locale)
        if not added:
            return texts.duplicate(mute, locale)
        count = len(await self.store.mutes.of(target.id))
        return texts.added(mute, count, locale)

    async def _remove(self, target: Target, text: str, locale: Locale) -> str:
        number = text.strip().removeprefix("#")
        if not number.isdecimal() or len(number) > 6:
            return texts.remove_usage(locale)
        removed = await self.store.mutes.remove(target.id, int(number))
        if removed is None:
            count = len(await self.store.mutes.of(target.id))
            return texts.no_such_mute(number, count, locale)
        return texts.removed(removed, locale)

    async def _list_menu(
        self, target: Target, locale: Locale, notice: str = ""
    ) -> tuple[str, InlineKeyboardMarkup]:
        mutes = await self.store.mutes.of(target.id)
        text = texts.listing(mutes, locale, typed=not target.remote)
        if notice:
            text = f"{notice}\n\n{text}"
        return target.header(locale) + text, _list_buttons(target, mutes, locale)

    async def _outlets_menu(
        self, target: Target, locale: Locale
    ) -> tuple[str, InlineKeyboardMarkup]:
        names = await self.store.feeds.outlets()
        mutes = await self.store.mutes.of(target.id)
        muted = [m.value for m in mutes if m.kind is MuteKind.SOURCE]
        shown = names[:MOST_OUTLETS]
        text = texts.outlets(shown, muted, len(names) - len(shown), locale)
        return target.header(locale) + text, _outlet_buttons(target, shown, locale, back=True)

    # ------------------------------------------------------------------ buttons
    async def press(self, update: Update, context: Context) -> None:
        """A mute button in the chat it acts on; changes are for its administrators only."""
        query = update.callback_query
        if query is None or update.effective_chat is None:
            return
        locale = await self.locale_of(update)
        pressed = buttons.decode(query.data)
        if not isinstance(pressed, self.presses):
            await query.answer(stale_button(locale))
        elif isinstance(pressed, MuteList | OutletList) or await self.group_admins.allowed(
            update, locale
        ):
            await self.act(update, Target.here(update), pressed, locale)

    async def open(self, update: Update, target: Target, locale: Locale) -> None:
        assert update.callback_query is not None
        await edit(update.callback_query, *await self._list_menu(target, locale))

    async def act(self, update: Update, target: Target, button: Plain, locale: Locale) -> None:
        """Show the list or the outlets, unmute one, mute an outlet; answer the press."""
        query = update.callback_query
        assert query is not None
        if isinstance(button, OutletList):
            await edit(query, *await self._outlets_menu(target, locale))
            await query.answer()
        elif isinstance(button, MuteList):
            await edit(query, *await self._list_menu(target, locale))
            await query.answer()
        elif isinstance(button, Unmute | MuteOutlet):
            await query.answer(await self._change(update, target, button, locale))
        else:
            await query.answer(stale_button(locale))

    def question(self, target: Target, locale: Locale) -> tuple[str, str]:
        return texts.question(locale), texts.placeholder(locale)

    async def answer(self, update: Update, target: Target, text: str, locale: Locale) -> None:
        """Words (or "source" and an outlet) typed for a new mute: stored for the target."""
        asked = read(text)
        if asked.action in (LIST, REMOVE) or not asked.rest:
            notice = texts.usage(locale)
        else:
            notice, keyboard = await self._mute(target, asked.action, asked.rest, locale)
            if keyboard is not None:  # an outlet misspelt: its closest names as buttons
                await reply(update, target.header(locale) + notice, keyboard)
                return
        await reply(update, *await self._list_menu(target, locale, notice))

    async def _change(
        self, update: Update, target: Target, pressed: Unmute | MuteOutlet, locale: Locale
    ) -> str:
        """Carry out a press that changes the mutes; the answer to show."""
        assert update.callback_query is not None  # only presses change
        if isinstance(pressed, Unmute):
            gone = await self.store.mutes.unmute(target.id, pressed.mute)
            await edit(update.callback_query, *await self._list_menu(target, locale))
            return (
                texts.already_answer(locale) if gone is None else texts.unmuted_answer(gone, locale)
            )
        outlet = outlet_named(pressed.outlet, await self.store.feeds.outlets())
        if outlet is None:  # its feeds were removed since the menu was drawn, or forged data
            return stale_button(locale)
        mute = Mute(0, target.id, MuteKind.SOURCE, outlet)
        try:
            added = await self.store.mutes.add(target.id, mute.kind, mute.value, self.clock())
        except TooManyMutes:
            return texts.too_many_answer(locale)
        await edit(update.callback_query, *await self._list_menu(target, locale))
        return texts.muted_answer(mute, locale) if added else texts.already_answer(locale)


def _list_buttons(target: Target, mutes: Sequence[Mute], locale: Locale) -> InlineKeyboardMarkup:
    """✖ per mute, by number, the way to the outlets, and (for another chat) ➕ and back."""
    unmute = [
        InlineKeyboardButton(f"✖ {number}", callback_data=target.data(Unmute(mute.id)))
        for number, mute in enumerate(mutes, start=1)
    ]
    rows = [unmute[i : i + PER_ROW] for i in range(0, len(unmute), PER_ROW)]
    sources = locale.gettext(texts.SOURCES_LABEL)
    rows.append([InlineKeyboardButton(sources, callback_data=target.data(OutletList()))])
    if target.remote:  # there is no /mute to type for another chat: a prompt asks instead
        add = locale.gettext(texts.ADD_LABEL)
        rows.append([InlineKeyboardButton(add, callback_data=target.data(Ask(Mutes.name)))])
    return InlineKeyboardMarkup([*rows, *target.back(locale)])


def _outlet_buttons(
    target: Target, names: Sequence[str], locale: Locale, *, back: bool
) -> InlineKeyboardMarkup:
    """A button per outlet whose name fits one; with `back`, the way back to the list."""
    rows = []
    for name in names:
        try:
            data = target.data(MuteOutlet(name))
        except ValueError:  # too long for a button: typed after /mute source instead
            continue
        rows.append([InlineKeyboardButton(f"🔇 {name}", callback_data=data)])
    if back:
        label = locale.gettext(texts.BACK_LABEL)
        rows.append([InlineKeyboardButton(label, callback_data=target.data(MuteList()))])
    return InlineKeyboardMarkup(rows)
