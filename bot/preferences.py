"""A chat's own settings: the /settings menu of buttons, and /mode, /digest_time, /timezone and
/quiet for values the buttons do not offer.

The buttons carry the whole change, "st:<field>:<value>", so they need no memory and work after a
restart; only the preset values below are accepted, so a forged or outdated button changes
nothing and is answered with a short notice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import preference_replies as texts
from bot import replies
from bot.chats import seen
from bot.groups import Admins
from bot.i18n import ChatLocales, chat_locale
from bot.reply import reply
from news.locale import Locale
from news.records import ChatMode, ChatPrefs, QuietMode
from news.store import Store
from news.timing import TimingError, parse_quiet, parse_times
from news.zones import ZoneError, parse_zone, zone_from_name

Context = ContextTypes.DEFAULT_TYPE
PREFIX = "st:"
DIGEST_PRESETS = (("08:00",), ("08:00", "19:00"), ("07:00", "12:00", "19:00"))
ZONE_PRESETS = ("UTC", "Europe/Kyiv", "Europe/London", "Europe/Berlin", "America/New_York")
QUIET_PRESETS = ("22:00-07:00", "23:00-08:00")
# What people type, in the interface's languages and Russian, as durations and "off" are read.
MODE_WORDS = {
    **dict.fromkeys(("instant", "now", "одразу", "відразу", "миттєво", "сразу"), ChatMode.INSTANT),
    **dict.fromkeys(
        ("digest", "дайджест", "дайджестом", "дайджести", "дайджесты"), ChatMode.DIGEST
    ),
}
QUIET_WORDS = {
    **dict.fromkeys(("hold", "затримати", "відкласти", "задержать", "отложить"), QuietMode.HOLD),
    **dict.fromkeys(("silent", "тихо", "беззвучно", "безшумно"), QuietMode.SILENT),
}


def _compact(value: str) -> str:
    """ "08:00" -> "0800": a button's data says a time in four bytes."""
    return value.replace(":", "")


def _choices(languages: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Every button's value by field: data value -> the stored value."""
    return {
        "mode": {mode.value: mode for mode in ChatMode},
        "dt": {"-".join(map(_compact, times)): times for times in DIGEST_PRESETS},
        "tz": {name: zone_from_name(name).name for name in ZONE_PRESETS},
        "q": {"off": None} | {_compact(quiet): quiet for quiet in QUIET_PRESETS},
        "qm": {mode.value: mode for mode in QuietMode},
        "lang": {code: code for code in languages},
        "lp": {"on": True, "off": False},
    }


FIELDS = {
    "mode": "mode",
    "dt": "digest_times",
    "tz": "zone",
    "q": "quiet",
    "qm": "quiet_mode",
    "lang": "language",
    "lp": "link_previews",
}


def parse_data(data: str, languages: tuple[str, ...]) -> dict[str, Any] | None:
    """The change a settings button asks for; None for data no current button carries."""
    key, _, value = data.removeprefix(PREFIX).partition(":")
    choices = _choices(languages).get(key, {})
    if value not in choices:
        return None
    return {FIELDS[key]: choices[value]}


def keyboard(prefs: ChatPrefs, languages: tuple[str, ...], locale: Locale) -> InlineKeyboardMarkup:
    _ = locale.gettext
    current = {FIELDS[key]: getattr(prefs, FIELDS[key]) for key in FIELDS}
    current["language"] = locale.language
    choices = _choices(languages)

    def button(key: str, value: str, label: str) -> InlineKeyboardButton:
        chosen = current[FIELDS[key]] == choices[key][value]
        return InlineKeyboardButton(
            ("✓ " if chosen else "") + label, callback_data=f"{PREFIX}{key}:{value}"
        )

    def zone_label(name: str) -> str:
        return name.rpartition("/")[2].replace("_", " ")

    rows = [
        [
            button("mode", ChatMode.INSTANT, _(texts.INSTANT_LABEL)),
            button("mode", ChatMode.DIGEST, _(texts.DIGEST_LABEL)),
        ],
        [button("dt", value, " + ".join(times)) for value, times in choices["dt"].items()],
        [button("tz", name, zone_label(name)) for name in ZONE_PRESETS],
        [button("q", "off", _(texts.QUIET_OFF_LABEL))]
        + [button("q", _compact(quiet), "🌙 " + quiet) for quiet in QUIET_PRESETS],
        [
            button("qm", QuietMode.HOLD, _(texts.HOLD_LABEL)),
            button("qm", QuietMode.SILENT, _(texts.SILENT_LABEL)),
        ],
        [button("lang", code, texts.LANGUAGE_NAMES.get(code, code)) for code in languages],
        [
            button("lp", "on", _(texts.PREVIEWS_ON_LABEL)),
            button("lp", "off", _(texts.PREVIEWS_OFF_LABEL)),
        ],
    ]
    return InlineKeyboardMarkup(rows)


@dataclass(frozen=True, slots=True)
class Preferences:
    store: Store
    clock: Callable[[], datetime]
    locales: ChatLocales
    admins: Admins

    @property
    def languages(self) -> tuple[str, ...]:
        return self.locales.catalogues.languages

    async def settings(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None or update.effective_message is None:
            return
        locale = await self.locales.of(update)
        prefs = await self.store.chats.prefs(chat.id) or ChatPrefs(chat.id, kind=chat.type)
        await update.effective_message.reply_text(
            texts.menu(prefs, locale), reply_markup=keyboard(prefs, self.languages, locale)
        )

    async def press(self, update: Update, context: Context) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        locale = await self.locales.of(update)
        change = parse_data(query.data or "", self.languages)
        if change is None:
            await query.answer(replies.stale_button(locale))
            return
        if not await self.admins.allowed(update, locale):
            return
        prefs = await self._update(update, change)
        user = update.effective_user
        # A new language shows at once: the menu and the answer are redrawn in it.
        locale = chat_locale(self.locales.catalogues, prefs, user.language_code if user else None)
        try:
            await query.edit_message_text(
                texts.menu(prefs, locale), reply_markup=keyboard(prefs, self.languages, locale)
            )
        except BadRequest as error:  # the value was already set: the menu is already right
            if "not modified" not in error.message:
                raise
        await query.answer(texts.saved(locale))

    async def mode(self, update: Update, context: Context) -> None:
        locale = await self.locales.of(update)
        words = [word.casefold() for word in context.args or []]
        if len(words) != 1 or words[0] not in MODE_WORDS:
            await reply(update, texts.mode_usage(locale))
            return
        if await self.admins.allowed(update, locale):
            prefs = await self._update(update, {"mode": MODE_WORDS[words[0]]})
            await reply(update, texts.mode_set(prefs, locale))

    async def digest_time(self, update: Update, context: Context) -> None:
        locale = await self.locales.of(update)
        try:
            times = parse_times(" ".join(context.args or []))
        except TimingError as error:
            await reply(update, _refused(error, texts.times_usage(locale), locale))
            return
        if await self.admins.allowed(update, locale):
            prefs = await self._update(update, {"digest_times": tuple(map(_clock, times))})
            await reply(update, texts.times_set(prefs, locale))

    async def timezone(self, update: Update, context: Context) -> None:
        locale = await self.locales.of(update)
        spelling = " ".join(context.args or []).strip()
        if not spelling:
            await reply(update, texts.zone_usage(locale))
            return
        try:
            zone = parse_zone(spelling)
        except ZoneError as error:
            await reply(update, texts.zone_unknown(spelling, error.suggestion, locale))
            return
        if await self.admins.allowed(update, locale):
            prefs = await self._update(update, {"zone": zone.name})
            local_time = self.clock().astimezone(zone.tzinfo).strftime("%H:%M")
            await reply(update, texts.zone_set(prefs, local_time, locale))

    async def quiet(self, update: Update, context: Context) -> None:
        locale = await self.locales.of(update)
        words = list(context.args or [])
        change: dict[str, Any] = {}
        if words and words[-1].casefold() in QUIET_WORDS:
            change["quiet_mode"] = QUIET_WORDS[words.pop().casefold()]
        try:
            hours = parse_quiet(" ".join(words))
        except TimingError as error:
            await reply(update, _refused(error, texts.quiet_usage(locale), locale))
            return
        change["quiet"] = None if hours is None else f"{_clock(hours.start)}-{_clock(hours.end)}"
        if await self.admins.allowed(update, locale):
            prefs = await self._update(update, change)
            await reply(update, texts.quiet_set(prefs, locale))

    async def _update(self, update: Update, change: dict[str, Any]) -> ChatPrefs:
        assert update.effective_chat is not None  # handlers only run for chats
        now = self.clock()
        await seen(self.store, update, now)  # so a group's row says group, not private
        return await self.store.chats.update(update.effective_chat.id, now, **change)


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")


def _refused(error: TimingError, usage: str, locale: Locale) -> str:
    problem = texts.timing_problem(error.reason, error.text, locale)
    return f"{problem}\n\n{usage}" if problem else usage
