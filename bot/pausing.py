"""/pause [duration], /resume, and /stop (after a confirmation button: the chat's data deleted).

A pause without a duration lasts until /resume: paused_until is then UNTIL_RESUMED, a date far
enough away to mean "never" while leaving the datetime arithmetic of other code room to add to
it. Alerts that come out during a pause are not sent later (news.store.ingest skips paused chats).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.groups import Admins
from bot.reply import reply
from news import timing
from news.locale import Locale
from news.store import Store
from news.timing import TimingError, parse_duration

Context = ContextTypes.DEFAULT_TYPE
LocaleOf = Callable[[Update], Awaitable[Locale]]

UNTIL_RESUMED = datetime(9999, 1, 1, tzinfo=UTC)
# Anything paused beyond this reads as "until /resume" (a pause has a duration cap far below).
_FOREVER_AFTER = datetime(9000, 1, 1, tzinfo=UTC)
STOP_BUTTON = re.compile(r"stop:(?P<choice>yes|no)")


@dataclass(frozen=True, slots=True)
class Pausing:
    store: Store
    clock: Callable[[], datetime]
    locale_of: LocaleOf
    admins: Admins

    async def pause(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        locale = await self.locale_of(update)
        if not await self.admins.allowed(update, locale):
            return
        spelling = " ".join(context.args or []).strip()
        now = self.clock()
        until = UNTIL_RESUMED
        if spelling:
            try:
                until = now + parse_duration(spelling)
            except TimingError as error:
                too_long = error.reason == timing.TOO_LONG
                await reply(update, pause_too_long(locale) if too_long else pause_usage(locale))
                return
        await self.store.chats.update(chat.id, now, paused_until=until)
        await reply(update, paused(locale, until))

    async def resume(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        locale = await self.locale_of(update)
        if not await self.admins.allowed(update, locale):
            return
        now = self.clock()
        before = await self.store.chats.prefs(chat.id)
        was_paused = bool(before and before.paused_until and before.paused_until > now)
        if before is not None and before.paused_until is not None:
            await self.store.chats.update(chat.id, now, paused_until=None)
        await reply(update, resumed(locale, was_paused=was_paused))

    async def stop(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None:
            return
        locale = await self.locale_of(update)
        if not await self.admins.allowed(update, locale):
            return
        _ = locale.gettext
        buttons = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(_("Yes, delete everything"), callback_data="stop:yes"),
                    InlineKeyboardButton(_("Cancel"), callback_data="stop:no"),
                ]
            ]
        )
        await message.reply_text(
            stop_question(locale), parse_mode=ParseMode.HTML, reply_markup=buttons
        )

    async def stop_button(self, update: Update, context: Context) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None:
            return
        locale = await self.locale_of(update)
        choice = STOP_BUTTON.fullmatch(query.data or "")
        if choice is None or chat is None or query.message is None:
            await query.answer(locale.gettext("This button no longer works."))
            return
        if not await self.admins.allowed(update, locale):
            return
        await query.answer()
        if choice["choice"] == "yes":
            await self.store.chats.forget(chat.id)
            await query.edit_message_text(goodbye(locale), parse_mode=ParseMode.HTML)
        else:
            await query.edit_message_text(stop_cancelled(locale), parse_mode=ParseMode.HTML)


def pause_usage(locale: Locale) -> str:
    _ = locale.gettext
    return _(
        "Pause for how long? For example:\n/pause 2h\n/pause 30m\n/pause 3d\n"
        "/pause alone pauses alerts until you send /resume."
    )


def pause_too_long(locale: Locale) -> str:
    _ = locale.gettext
    return _(
        "A pause can last {days} days at most, for example /pause 7d. "
        "/pause alone pauses alerts until you send /resume."
    ).format(days=timing.MAX_PAUSE.days)


def paused(locale: Locale, until: datetime) -> str:
    _ = locale.gettext
    if until >= _FOREVER_AFTER:
        head = _("⏸ Alerts paused until you send /resume.")
    else:
        head = _("⏸ Alerts paused until {date}.").format(date=locale.date(until))
    return (
        head
        + "\n"
        + _(
            "Articles that come out meanwhile are not sent here; /latest shows them. "
            "/resume turns alerts back on."
        )
    )


def resumed(locale: Locale, *, was_paused: bool) -> str:
    _ = locale.gettext
    if not was_paused:
        return _("Alerts are on: nothing was paused. /pause stops them for a while.")
    return _("▶️ Alerts are back on. New articles arrive here again.")


def stop_question(locale: Locale) -> str:
    _ = locale.gettext
    return _(
        "<b>Stop and delete everything?</b>\n"
        "This deletes all this chat has here: the topics it follows, keyword alerts, saved "
        "articles and settings. No more alerts will come. /pause only takes a break."
    )


def goodbye(locale: Locale) -> str:
    _ = locale.gettext
    return _(
        "👋 Done: everything this chat had here is deleted, and no more alerts will come. "
        "/start begins again whenever you like."
    )


def stop_cancelled(locale: Locale) -> str:
    _ = locale.gettext
    return _("Nothing was deleted; alerts go on as before.")
