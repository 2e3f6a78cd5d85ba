"""A chat's own settings: the /settings menu of buttons; /mode, /layout, /picture and /bigstories
to say it in words; /digest_time, /timezone and /quiet for values the buttons do not offer. The
menu also acts on a channel or group from its administrator's private chat (bot.managed).

The buttons carry the whole change (news.buttons.Setting), so they need no memory and work after
a restart; only the preset values below are accepted, so a forged or outdated button changes
nothing and is answered with a short notice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from typing import Any, ClassVar, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import manage_texts, preference_texts, texts
from bot.chats import seen
from bot.groups import GroupAdmins
from bot.i18n import ChatLocales, chat_locale
from bot.mute_texts import MUTES_LABEL
from bot.respond import edit, reply
from bot.target import Target
from news import buttons
from news.buttons import MuteList, Plain, Setting, SettingKey
from news.locale import Locale
from news.records import ChatMode, ChatPrefs, Layout, Picture, QuietMode
from news.routing import MIN_OUTLETS
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
LAYOUT_WORDS = {
    **dict.fromkeys(("full", "повний", "повна", "повністю", "полный", "полностью"), Layout.FULL),
    **dict.fromkeys(
        ("compact", "short", "компактний", "компактно", "коротко", "компактный", "кратко"),
        Layout.COMPACT,
    ),
}
PICTURE_WORDS = {
    **dict.fromkeys(
        ("off", "none", "no", "вимк", "вимкнути", "ні", "без", "выкл", "нет"), Picture.OFF
    ),
    **dict.fromkeys(("small", "мале", "мала", "малий", "маленьке", "маленькая"), Picture.SMALL),
    **dict.fromkeys(
        ("large", "big", "велике", "велика", "великий", "большая", "большое"), Picture.LARGE
    ),
}
# Big stories only: the words that switch it off, in the interface's languages and Russian.
ALL_STORIES_WORDS = frozenset(
    ("off", "all", "no", "none", "вимк", "вимкнути", "ні", "всі", "усі", "все", "выкл", "нет")
)
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
        SettingKey.LAYOUT: {layout.value: layout for layout in Layout},
        # "on": a button from when this was link previews on/off, which the migration made small.
        SettingKey.PICTURE: {picture.value: picture for picture in Picture} | {"on": Picture.SMALL},
        SettingKey.MIN_OUTLETS: {"off": None} | {str(count): count for count in MIN_OUTLETS},
    }


# The ChatPrefs field each setting changes.
FIELDS = {
    SettingKey.MODE: "mode",
    SettingKey.DIGEST_TIMES: "digest_times",
    SettingKey.ZONE: "zone",
    SettingKey.QUIET: "quiet",
    SettingKey.QUIET_MODE: "quiet_mode",
    SettingKey.LANGUAGE: "language",
    SettingKey.LAYOUT: "layout",
    SettingKey.PICTURE: "picture",
    SettingKey.MIN_OUTLETS: "min_outlets",
}


def change_of(setting: Setting, languages: tuple[str, ...]) -> dict[str, Any] | None:
    """The change a settings button asks for; None for a value no current button offers."""
    choices = _choices(languages)[setting.key]
    if setting.value not in choices:
        return None
    return {FIELDS[setting.key]: choices[setting.value]}


def keyboard(
    prefs: ChatPrefs,
    languages: tuple[str, ...],
    locale: Locale,
    language: str | None = None,
    target: Target | None = None,
) -> InlineKeyboardMarkup:
    """The settings buttons, ✓ on the chat's values; its language is the locale's unless
    given (a channel's, in its administrator's language); aimed at `target` when remote."""
    _ = locale.gettext
    current = {FIELDS[key]: getattr(prefs, FIELDS[key]) for key in FIELDS}
    current["language"] = language or locale.language
    choices = _choices(languages)
    aim = target.aim if target is not None else None

    def button(key: SettingKey, value: str, label: str) -> InlineKeyboardButton:
        chosen = current[FIELDS[key]] == choices[key][value]
        data = buttons.encode(buttons.aimed(aim, Setting(key, value)))
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
            button(key.LAYOUT, Layout.FULL, _(preference_texts.FULL_LABEL)),
            button(key.LAYOUT, Layout.COMPACT, _(preference_texts.COMPACT_LABEL)),
        ],
        [
            button(key.PICTURE, Picture.OFF, _(preference_texts.PICTURE_OFF_LABEL)),
            button(key.PICTURE, Picture.SMALL, _(preference_texts.PICTURE_SMALL_LABEL)),
            button(key.PICTURE, Picture.LARGE, _(preference_texts.PICTURE_LARGE_LABEL)),
        ],
        [button(key.MIN_OUTLETS, "off", _(preference_texts.ALL_STORIES_LABEL))]
        + [button(key.MIN_OUTLETS, str(count), f"📣 {count}+") for count in MIN_OUTLETS],
        [
            InlineKeyboardButton(
                _(MUTES_LABEL), callback_data=buttons.encode(buttons.aimed(aim, MuteList()))
            )
        ],
    ]
    back = target.back(locale) if target is not None else []
    return InlineKeyboardMarkup([*rows, *back])


@dataclass(frozen=True, slots=True)
class Preferences:
    store: Store
    clock: Callable[[], datetime]
    locales: ChatLocales
    group_admins: GroupAdmins
    name: ClassVar[str] = "settings"
    label: ClassVar[str] = manage_texts.SETTINGS_LABEL
    presses: ClassVar[tuple[type[Plain], ...]] = (Setting,)

    @property
    def languages(self) -> tuple[str, ...]:
        return self.locales.catalogues.languages

    async def settings(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        locale = await self.locales.of(update)
        prefs = await self.store.chats.prefs(chat.id) or ChatPrefs(chat.id, kind=chat.type)
        await reply(update, *self._menu(Target.here(update), prefs, locale))

    async def open(self, update: Update, target: Target, locale: Locale) -> None:
        assert update.callback_query is not None
        prefs = await self.store.chats.prefs(target.id) or ChatPrefs(target.id, kind=target.kind)
        await edit(update.callback_query, *self._menu(target, prefs, locale))

    async def press(self, update: Update, context: Context) -> None:
        """A settings button pressed in the chat it acts on."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        locale = await self.locales.of(update)
        setting = buttons.decode_as(query.data, Setting)
        if setting is None:
            await query.answer(texts.stale_button(locale))
            return
        if await self.group_admins.allowed(update, locale):
            await self.act(update, Target.here(update), setting, locale)

    async def act(self, update: Update, target: Target, button: Plain, locale: Locale) -> None:
        query = update.callback_query
        assert query is not None and isinstance(button, Setting)
        change = change_of(button, self.languages)
        if change is None:
            await query.answer(texts.stale_button(locale))
            return
        if target.remote:
            prefs = await self.store.chats.update(target.id, self.clock(), **change)
        else:
            prefs = await self._update(update, change)
            user = update.effective_user
            # A new language shows at once: the menu and the answer are redrawn in it.
            language = user.language_code if user else None
            locale = chat_locale(self.locales.catalogues, prefs, language)
        await edit(query, *self._menu(target, prefs, locale))
        await query.answer(preference_texts.saved(locale))

    def _menu(
        self, target: Target, prefs: ChatPrefs, locale: Locale
    ) -> tuple[str, InlineKeyboardMarkup]:
        if not target.remote:
            return preference_texts.menu(prefs, locale), keyboard(prefs, self.languages, locale)
        # Another chat's settings, in its administrator's language; its own language is the
        # one its alerts are written in.
        language = chat_locale(self.locales.catalogues, prefs, None).language
        text = preference_texts.menu(prefs, locale, language, manage_texts.settings_footer(locale))
        return target.header(locale) + text, keyboard(
            prefs, self.languages, locale, language, target
        )

    async def mode(self, update: Update, context: Context) -> None:
        await self._choose(update, context, "mode", MODE_WORDS, preference_texts.MODE_TEXTS)

    async def layout(self, update: Update, context: Context) -> None:
        await self._choose(update, context, "layout", LAYOUT_WORDS, preference_texts.LAYOUT_TEXTS)

    async def picture(self, update: Update, context: Context) -> None:
        await self._choose(
            update, context, "picture", PICTURE_WORDS, preference_texts.PICTURE_TEXTS
        )

    async def bigstories(self, update: Update, context: Context) -> None:
        """/bigstories 3: only the stories at least 3 outlets tell; /bigstories off: every
        story; alone: the chat's setting and how to change it."""
        chat = update.effective_chat
        if chat is None:
            return
        locale = await self.locales.of(update)
        typed = " ".join(context.args or []).strip()
        if not typed:
            prefs = await self.store.chats.prefs(chat.id) or ChatPrefs(chat.id, kind=chat.type)
            await reply(update, preference_texts.big_stories_usage(prefs, locale))
            return
        wanted = min_outlets_of(typed)
        if wanted is False:
            await reply(update, preference_texts.big_stories_refused(typed, locale))
            return
        if await self.group_admins.allowed(update, locale):
            prefs = await self._update(update, {"min_outlets": wanted})
            await reply(update, preference_texts.big_stories_set(prefs, locale))

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

    async def _choose(
        self,
        update: Update,
        context: Context,
        field: str,
        words: Mapping[str, StrEnum],
        said: preference_texts.Choice,
    ) -> None:
        """/mode, /layout, /picture: one word, read in any interface language, sets the field."""
        locale = await self.locales.of(update)
        typed = [word.casefold() for word in context.args or []]
        if len(typed) != 1 or typed[0] not in words:
            await reply(update, said.usage(locale))
            return
        if await self.group_admins.allowed(update, locale):
            prefs = await self._update(update, {field: words[typed[0]]})
            await reply(update, said.done(prefs, locale))

    async def _update(self, update: Update, change: dict[str, Any]) -> ChatPrefs:
        assert update.effective_chat is not None  # handlers only run for chats
        now = self.clock()
        await seen(self.store, update, now)  # so a group's row says group, not private
        return await self.store.chats.update(update.effective_chat.id, now, **change)


def min_outlets_of(typed: str) -> int | Literal[False] | None:
    """What /bigstories was given: how many outlets a story needs ("3", "3+"), None for every
    story ("off", in any interface language), False for anything else."""
    word = typed.strip().casefold()
    if word in ALL_STORIES_WORDS:
        return None
    number = word.removesuffix("+")
    # ASCII digits only: int() would also read other scripts' digits.
    if number.isascii() and number.isdigit() and int(number) in MIN_OUTLETS:
        return int(number)
    return False


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")


def _refused(error: TimingError, usage: str, locale: Locale) -> str:
    problem = preference_texts.timing_problem(error.reason, error.text, locale)
    return f"{problem}\n\n{usage}" if problem else usage
