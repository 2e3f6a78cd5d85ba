"""A chat's own settings: the /settings menu of buttons, and /mode, /digest_time, /timezone and
/quiet for values the buttons do not offer.

The buttons carry the whole change (news.buttons.Setting), so they need no memory and work after
a restart; only the preset values below are accepted, so a forged or outdated button changes
nothing and is answered with a short notice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import preference_texts, texts
from bot.chats import seen
from bot.groups import GroupAdmins
from bot.i18n import ChatLocales, chat_locale
from bot.mute_texts import MUTES_LABEL
from bot.respond import edit, reply
from news import buttons
from news.buttons import MuteList, Setting, SettingKey
from news.locale import Locale
from news.records import ChatMode, ChatPrefs, QuietMode
from news.store import Store
from news.timing import TimingError, parse_quiet, parse_times
from news.zones import ZoneError, parse_zone, zone_from_name

Context = ContextTypes.DEFAULT_TYPE
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


def _choices(languages: tuple[str, ...]) -> dict[SettingKey, dict[str, Any]]:
    """Every button's value by setting: the value in its data -> the stored value."""
    return {
        SettingKey.MODE: {mode.value: mode for mode in ChatMode},
        SettingKey.DIGEST_TIMES: {
            "-".join(map(_compact, times)): times for times in DIGEST_PRESETS
        },
        SettingKey.ZONE: {name: zone_from_name(name).name for name in ZONE_PRESETS},
        SettingKey.QUIET: {"off": None} | {_compact(quiet): quiet for quiet in QUIET_PRESETS},
        SettingKey.QUIET_MODE: {mode.value: mode for mode in QuietMode},
        SettingKey.LANGUAGE: {code: code for code in languages},
        SettingKey.LINK_PREVIEWS: {"on": True, "off": False},
    }


# The ChatPrefs field each setting changes.
FIELDS = {
    SettingKey.MODE: "mode",
    SettingKey.DIGEST_TIMES: "digest_times",
    SettingKey.ZONE: "zone",
    SettingKey.QUIET: "quiet",
    SettingKey.QUIET_MODE: "quiet_mode",
    SettingKey.LANGUAGE: "language",
    SettingKey.LINK_PREVIEWS: "link_previews",
}


def change_of(setting: Setting, languages: tuple[str, ...]) -> dict[str, Any] | None:
    """The change a settings button asks for; None for a value no current button offers."""
    choices = _choices(languages)[setting.key]
    if setting.value not in choices:
        return None
    return {FIELDS[setting.key]: choices[setting.value]}


def keyboard(prefs: ChatPrefs, languages: tuple[str, ...], locale: Locale) -> InlineKeyboardMarkup:
    _ = locale.gettext
    current = {FIELDS[key]: getattr(prefs, FIELDS[key]) for key in FIELDS}
    current["language"] = locale.language
    choices = _choices(languages)

    def button(key: SettingKey, value: str, label: str) -> InlineKeyboardButton:
        chosen = current[FIELDS[key]] == choices[key][value]
        data = buttons.encode(Setting(key, value))
        return InlineKeyboardButton(("✓ " if chosen else "") + label, callback_data=data)

    def zone_label(name: str) -> str:
        return name.rpartition("/")[2].replace("_", " ")

    key = SettingKey
    times = choices[key.DIGEST_TIMES].items()
    rows = [
        [
            button(key.MODE, ChatMode.INSTANT, _(preference_texts.INSTANT_LABEL)),
            button(key.MODE, ChatMode.DIGEST, _(preference_texts.DIGEST_LABEL)),
        ],
        [button(key.DIGEST_TIMES, value, " + ".join(preset)) for value, preset in times],
        [button(key.ZONE, name, zone_label(name)) for name in ZONE_PRESETS],
        [button(key.QUIET, "off", _(preference_texts.QUIET_OFF_LABEL))]
        + [button(key.QUIET, _compact(quiet), "🌙 " + quiet) for quiet in QUIET_PRESETS],
        [
            button(key.QUIET_MODE, QuietMode.HOLD, _(preference_texts.HOLD_LABEL)),
            button(key.QUIET_MODE, QuietMode.SILENT, _(preference_texts.SILENT_LABEL)),
        ],
        [
            button(key.LANGUAGE, code, preference_texts.LANGUAGE_NAMES.get(code, code))
            for code in languages
        ],
        [
            button(key.LINK_PREVIEWS, "on", _(preference_texts.PREVIEWS_ON_LABEL)),
            button(key.LINK_PREVIEWS, "off", _(preference_texts.PREVIEWS_OFF_LABEL)),
        ],
        [InlineKeyboardButton(_(MUTES_LABEL), callback_data=buttons.encode(MuteList()))],
    ]
    return InlineKeyboardMarkup(rows)


@dataclass(frozen=True, slots=True)
class Preferences:
    store: Store
    clock: Callable[[], datetime]
    locales: ChatLocales
    group_admins: GroupAdmins

    @property
    def languages(self) -> tuple[str, ...]:
        return self.locales.catalogues.languages

    async def settings(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        locale = await self.locales.of(update)
        prefs = await self.store.chats.prefs(chat.id) or ChatPrefs(chat.id, kind=chat.type)
        await reply(
            update, preference_texts.menu(prefs, locale), keyboard(prefs, self.languages, locale)
        )

    async def press(self, update: Update, context: Context) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        locale = await self.locales.of(update)
        setting = buttons.decode_as(query.data, Setting)
        change = change_of(setting, self.languages) if setting else None
        if change is None:
            await query.answer(texts.stale_button(locale))
            return
        if not await self.group_admins.allowed(update, locale):
            return
        prefs = await self._update(update, change)
        user = update.effective_user
        # A new language shows at once: the menu and the answer are redrawn in it.
        locale = chat_locale(self.locales.catalogues, prefs, user.language_code if user else None)
        await edit(
            query, preference_texts.menu(prefs, locale), keyboard(prefs, self.languages, locale)
        )
        await query.answer(preference_texts.saved(locale))

    async def mode(self, update: Update, context: Context) -> None:
        locale = await self.locales.of(update)
        words = [word.casefold() for word in context.args or []]
        if len(words) != 1 or words[0] not in MODE_WORDS:
            await reply(update, preference_texts.mode_usage(locale))
            return
        if await self.group_admins.allowed(update, locale):
            prefs = await self._update(update, {"mode": MODE_WORDS[words[0]]})
            await reply(update, preference_texts.mode_set(prefs, locale))

    async def digest_time(self, update: Update, context: Context) -> None:
        locale = await self.locales.of(update)
        try:
            times = parse_times(" ".join(context.args or []))
        except TimingError as error:
            await reply(update, _refused(error, preference_texts.times_usage(locale), locale))
            return
        if await self.group_admins.allowed(update, locale):
            prefs = await self._update(update, {"digest_times": tuple(map(_clock, times))})
            await reply(update, preference_texts.times_set(prefs, locale))

    async def timezone(self, update: Update, context: Context) -> None:
        locale = await self.locales.of(update)
        spelling = " ".join(context.args or []).strip()
        if not spelling:
            await reply(update, preference_texts.zone_usage(locale))
            return
        try:
            zone = parse_zone(spelling)
        except ZoneError as error:
            await reply(update, preference_texts.zone_unknown(spelling, error.suggestion, locale))
            return
        if await self.group_admins.allowed(update, locale):
            prefs = await self._update(update, {"zone": zone.name})
            local_time = self.clock().astimezone(zone.tzinfo).strftime("%H:%M")
            await reply(update, preference_texts.zone_set(prefs, local_time, locale))

    async def quiet(self, update: Update, context: Context) -> None:
        locale = await self.locales.of(update)
        words = list(context.args or [])
        change: dict[str, Any] = {}
        if words and words[-1].casefold() in QUIET_WORDS:
            change["quiet_mode"] = QUIET_WORDS[words.pop().casefold()]
        try:
            hours = parse_quiet(" ".join(words))
        except TimingError as error:
            await reply(update, _refused(error, preference_texts.quiet_usage(locale), locale))
            return
        change["quiet"] = None if hours is None else f"{_clock(hours.start)}-{_clock(hours.end)}"
        if await self.group_admins.allowed(update, locale):
            prefs = await self._update(update, change)
            await reply(update, preference_texts.quiet_set(prefs, locale))

    async def _update(self, update: Update, change: dict[str, Any]) -> ChatPrefs:
        assert update.effective_chat is not None  # handlers only run for chats
        now = self.clock()
        await seen(self.store, update, now)  # so a group's row says group, not private
        return await self.store.chats.update(update.effective_chat.id, now, **change)


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")


def _refused(error: TimingError, usage: str, locale: Locale) -> str:
    problem = preference_texts.timing_problem(error.reason, error.text, locale)
    return f"{problem}\n\n{usage}" if problem else usage
