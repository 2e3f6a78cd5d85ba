"""/pause [duration], /resume, and /stop (after a confirmation button: the chat's data deleted).

A pause without a duration lasts until /resume: paused_until is then UNTIL_RESUMED, a date far
enough away to mean "never" while leaving the datetime arithmetic of other code room to add to
it. Alerts that come out during a pause are not sent later (news.store.ingest skips paused chats).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import pause_texts as texts
from bot.groups import GroupAdmins
from bot.respond import edit, reply
from news import buttons, timing
from news.buttons import StopChoice
from news.locale import Locale
from news.store import Store
from news.timing import TimingError, parse_duration

Context = ContextTypes.DEFAULT_TYPE
LocaleOf = Callable[[Update], Awaitable[Locale]]

UNTIL_RESUMED = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Pausing:
    store: Store
    clock: Callable[[], datetime]
    locale_of: LocaleOf
    group_admins: GroupAdmins

    async def pause(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        locale = await self.locale_of(update)
        if not await self.group_admins.allowed(update, locale):
            return
        spelling = " ".join(context.args or []).strip()
        now = self.clock()
        until = UNTIL_RESUMED
        if spelling:
            try:
                until = now + parse_duration(spelling)
            except TimingError as error:
                too_long = error.reason == timing.TOO_LONG
                usage = texts.pause_too_long if too_long else texts.pause_usage
                await reply(update, usage(locale))
                return
        await self.store.chats.update(chat.id, now, paused_until=until)
        await reply(update, texts.paused(locale, until))

    async def resume(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        locale = await self.locale_of(update)
        if not await self.group_admins.allowed(update, locale):
            return
        now = self.clock()
        before = await self.store.chats.prefs(chat.id)
        was_paused = bool(before and before.paused_until and before.paused_until > now)
        if before is not None and before.paused_until is not None:
            await self.store.chats.update(chat.id, now, paused_until=None)
        await reply(update, texts.resumed(locale, was_paused=was_paused))

    async def stop(self, update: Update, context: Context) -> None:
        locale = await self.locale_of(update)
        if not await self.group_admins.allowed(update, locale):
            return
        _ = locale.gettext
        choices = [
            InlineKeyboardButton(
                _("Yes, delete everything"), callback_data=buttons.encode(StopChoice(True))
            ),
            InlineKeyboardButton(_("Cancel"), callback_data=buttons.encode(StopChoice(False))),
        ]
        await reply(update, texts.stop_question(locale), InlineKeyboardMarkup([choices]))

    async def stop_button(self, update: Update, context: Context) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None:
            return
        locale = await self.locale_of(update)
        choice = buttons.decode_as(query.data, StopChoice)
        if choice is None or chat is None or query.message is None:
            await query.answer(locale.gettext("This button no longer works."))
            return
        if not await self.group_admins.allowed(update, locale):
            return
        await query.answer()
        if choice.delete:
            await self.store.chats.forget(chat.id)
            await edit(query, texts.goodbye(locale))
        else:
            await edit(query, texts.stop_cancelled(locale))
