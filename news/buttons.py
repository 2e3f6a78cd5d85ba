"""Every inline button's callback data: one typed value per kind, written and read only here.

A press comes back with the data its button carried, at most 64 bytes of UTF-8
(https://core.telegram.org/bots/api#inlinekeyboardbutton). Each button carries everything its
press needs, so a press works after a restart and nothing lives in memory. `decode` returns None
for data no button of this version writes (an older bot's, or forged) and never raises.

The wire formats stay as they were, so buttons already in chats keep working:
  tp:+:<topic>, tp:-:<topic>            follow, unfollow (/topics); "#<position>" for a long name
  st:<setting>:<value>                  a /settings choice
  lt:<topic>:<offset>:<count>           /latest's More; the topic empty for all, or "#<position>"
  sv:<article>, us:<article>, sp:<n>    save (under an alert), remove and turn pages in /saved
  stop:yes, stop:no                     /stop's confirmation
  bc:send:<draft>, bc:cancel:<draft>    an admin's /broadcast confirmation
  ch:all                                /channels' list of chats
  mg:<menu>, ask:<menu>, ad:<alert>     a chat's menus ("home" for the menu of menus), a menu's
                                        typed question (a ForceReply prompt), drop an alert
  @<chat>:<any of the above>            that button, acting on another chat: /channels shows a
                                        channel's or group's menus in its administrator's
                                        private chat (a channel's id, -100 and 10 digits,
                                        takes 16 of the 64 bytes with the @ and the colon)
  ml:, um:<mute>                        the chat's mutes (/mute list, /settings), unmute one
  ol:, mo:<outlet>                      the outlets to mute, mute one (by name)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, TypeVar

from news.topics import Vocabulary

MAX_BYTES = 64
# /latest pages: at most this many headlines each, and no further than this from the newest
# (nobody pages that far; a forged button must not make the database scan).
LATEST_MAX_COUNT = 20
LATEST_MAX_OFFSET = 1000
_MAX_ARTICLE = 2**63 - 1  # the articles table's bigint id
_DIGITS = "[0-9]"  # ASCII only: int() would also read other scripts' digits


@dataclass(frozen=True, slots=True)
class TopicToggle:
    """Follow or unfollow a topic, named, or by its position in the vocabulary."""

    PREFIX: ClassVar[str] = "tp"
    follow: bool
    topic: str | int


class SettingKey(StrEnum):
    MODE = "mode"
    DIGEST_TIMES = "dt"
    ZONE = "tz"
    QUIET = "q"
    QUIET_MODE = "qm"
    LANGUAGE = "lang"
    LAYOUT = "ly"
    # The picture, shown through the link preview: "lp" as when it was link previews on/off,
    # so those buttons still in chats keep working.
    PICTURE = "lp"
    MIN_OUTLETS = "big"  # big stories only: "off", or how many outlets must tell a story


@dataclass(frozen=True, slots=True)
class Setting:
    """A /settings choice: which setting, and the preset value's short form."""

    PREFIX: ClassVar[str] = "st"
    key: SettingKey
    value: str


@dataclass(frozen=True, slots=True)
class LatestMore:
    """The next /latest page: its topic (None: every topic), where it starts, how long it is."""

    PREFIX: ClassVar[str] = "lt"
    topic: str | int | None
    offset: int
    count: int


@dataclass(frozen=True, slots=True)
class Save:
    """⭐ Save under an alert."""

    PREFIX: ClassVar[str] = "sv"
    article: int


@dataclass(frozen=True, slots=True)
class Unsave:
    """✖ in /saved: the article leaves the list."""

    PREFIX: ClassVar[str] = "us"
    article: int


@dataclass(frozen=True, slots=True)
class SavedPage:
    """◀ ▶ in /saved: the page that starts at `offset`."""

    PREFIX: ClassVar[str] = "sp"
    offset: int


@dataclass(frozen=True, slots=True)
class StopChoice:
    """/stop's confirmation: delete everything, or keep it."""

    PREFIX: ClassVar[str] = "stop"
    delete: bool


@dataclass(frozen=True, slots=True)
class BroadcastChoice:
    """An admin's decision on a /broadcast draft: send it, or cancel it."""

    PREFIX: ClassVar[str] = "bc"
    send: bool
    draft: int


@dataclass(frozen=True, slots=True)
class ChannelList:
    """/channels' list: the channels and groups the presser administers."""

    PREFIX: ClassVar[str] = "ch"


HOME = "home"  # Manage's menu of menus


@dataclass(frozen=True, slots=True)
class Manage:
    """Open one of a chat's menus, by its name (bot.managed registers them), or HOME."""

    PREFIX: ClassVar[str] = "mg"
    menu: str


@dataclass(frozen=True, slots=True)
class Ask:
    """A menu's typed question: a ForceReply prompt whose answer the menu takes."""

    PREFIX: ClassVar[str] = "ask"
    menu: str


@dataclass(frozen=True, slots=True)
class AlertDrop:
    """✖ beside a keyword alert in a chat's alerts menu: by the alert's id, so a list that
    changed meanwhile never removes another one."""

    PREFIX: ClassVar[str] = "ad"
    alert: int


@dataclass(frozen=True, slots=True)
class MuteList:
    """Show the chat's mutes, each with its ✖ button."""

    PREFIX: ClassVar[str] = "ml"


@dataclass(frozen=True, slots=True)
class Unmute:
    """✖ under /mute list: the mute (its row id) goes."""

    PREFIX: ClassVar[str] = "um"
    mute: int


@dataclass(frozen=True, slots=True)
class OutletList:
    """Show the outlets, each a button that mutes it."""

    PREFIX: ClassVar[str] = "ol"


@dataclass(frozen=True, slots=True)
class MuteOutlet:
    """Mute the outlet of this name. A name too long for a button's data gets no button; it is
    typed after /mute source instead (a position in a list that admins change would mute the
    wrong outlet one day)."""

    PREFIX: ClassVar[str] = "mo"
    outlet: str


Plain = (
    TopicToggle
    | Setting
    | LatestMore
    | Save
    | Unsave
    | SavedPage
    | StopChoice
    | BroadcastChoice
    | ChannelList
    | Manage
    | Ask
    | AlertDrop
    | MuteList
    | Unmute
    | OutletList
    | MuteOutlet
)


@dataclass(frozen=True, slots=True)
class Targeted:
    """A button acting on `chat`, not on the chat it is shown in (whose administrator is the
    one looking). Never nested."""

    PREFIX: ClassVar[str] = "@"
    chat: int
    button: Plain


Button = Plain | Targeted
B = TypeVar("B", bound=Button)

_LATEST = re.compile(
    rf"(?P<topic>.{{0,60}}):(?P<offset>{_DIGITS}{{1,4}}):(?P<count>{_DIGITS}{{1,2}})", re.S
)
_ARTICLE = re.compile(f"{_DIGITS}{{1,19}}")
_OFFSET = re.compile(f"{_DIGITS}{{1,6}}")
_BROADCAST = re.compile(f"(?P<action>send|cancel):(?P<draft>{_DIGITS}{{1,10}})")
_POSITION = re.compile(f"#({_DIGITS}+)")
_SETTING_KEYS = frozenset(key.value for key in SettingKey)
_MENU = re.compile("[a-z]{1,8}")
# Telegram's chat ids have at most 52 significant bits (https://core.telegram.org/bots/api#chat).
_TARGETED = re.compile(f"@(?P<chat>-?[1-9]{_DIGITS}{{0,15}}):(?P<button>.+)", re.S)


def encode(button: Button) -> str:
    """The callback data for a button. Raises ValueError for a value no data can carry: over
    64 bytes, or one `decode` would read differently (a topic named like a position, say)."""
    data = _data(button)
    if len(data.encode("utf-8")) > MAX_BYTES or decode(data) != button:
        raise ValueError(f"no callback data can carry {button!r}")
    return data


def decode(data: str | None) -> Button | None:
    """The button that wrote this data; None for anything no current button writes."""
    targeted = _TARGETED.fullmatch(data or "")
    if targeted is None:
        return _plain(data or "")
    button = _plain(targeted["button"])
    return None if button is None else Targeted(int(targeted["chat"]), button)


def decode_as(data: str | None, kind: type[B]) -> B | None:
    """The button of this kind that wrote the data, or None (another kind's, stale, forged)."""
    button = decode(data)
    return button if isinstance(button, kind) else None


def pattern(kind: type[Button]) -> str:
    """What a handler's data starts with, for routing a press to it."""
    return "^@" if kind is Targeted else f"^{kind.PREFIX}:"


def aimed(chat: int | None, button: Plain) -> Button:
    """The button acting on `chat`; on the chat it is shown in when `chat` is None."""
    return button if chat is None else Targeted(chat, button)


def toggle(
    follow: bool, topic: str, vocabulary: Vocabulary, chat: int | None = None
) -> TopicToggle:
    """A topic's toggle, by name, or by position when the name would not fit (aimed at
    `chat`, when it is for another chat)."""
    return _fitting(lambda key: TopicToggle(follow, key), topic, vocabulary, chat)


def latest_more(
    topic: str | None, offset: int, count: int, vocabulary: Vocabulary, chat: int | None = None
) -> LatestMore:
    """The More button of a /latest page, by the topic's name when it fits, else its position."""
    if topic is None:
        return LatestMore(None, offset, count)
    return _fitting(lambda key: LatestMore(key, offset, count), topic, vocabulary, chat)


def topic_named(key: str | int, vocabulary: Vocabulary) -> str | None:
    """The topic a button names, or None when the vocabulary has no such name or position (the
    operator changed the feeds file since, or the data is forged). A name is never guessed."""
    if isinstance(key, int):
        return vocabulary.names[key] if 0 <= key < len(vocabulary.names) else None
    return key if key in vocabulary.names else None


P = TypeVar("P", bound=Plain)


def _fitting(
    make: Callable[[str | int], P], topic: str, vocabulary: Vocabulary, chat: int | None
) -> P:
    named = make(topic)
    try:
        encode(aimed(chat, named))
    except ValueError:
        # A position survives restarts, but points elsewhere if the operator reorders the
        # feeds file's [topics]: the press then changes the topic the redrawn menu shows.
        return make(vocabulary.names.index(topic))
    return named


def _data(button: Button) -> str:
    if isinstance(button, Targeted):
        return f"@{button.chat}:{_data(button.button)}"
    return f"{button.PREFIX}:{_body(button)}"


def _plain(data: str) -> Plain | None:
    prefix, _, body = data.partition(":")
    read = _READERS.get(prefix)
    return read(body) if read is not None else None


def _body(button: Plain) -> str:
    match button:
        case TopicToggle(follow, topic):
            return f"{'+' if follow else '-'}:{_topic_key(topic)}"
        case Setting(key, value):
            return f"{key.value}:{value}"
        case LatestMore(topic, offset, count):
            return f"{_topic_key(topic)}:{offset}:{count}"
        case Save(article) | Unsave(article):
            return str(article)
        case SavedPage(offset):
            return str(offset)
        case StopChoice(delete):
            return "yes" if delete else "no"
        case BroadcastChoice(send, draft):
            return f"{'send' if send else 'cancel'}:{draft}"
        case ChannelList():
            return "all"
        case Manage(menu) | Ask(menu):
            return menu
        case AlertDrop(alert):
            return str(alert)
        case MuteList() | OutletList():
            return ""
        case Unmute(mute):
            return str(mute)
        case MuteOutlet(outlet):
            return outlet


def _topic_key(topic: str | int | None) -> str:
    if topic is None:
        return ""
    return f"#{topic}" if isinstance(topic, int) else topic


def _read_topic_key(key: str) -> str | int:
    position = _POSITION.fullmatch(key)
    return int(position[1]) if position else key


def _read_toggle(body: str) -> TopicToggle | None:
    action, _, key = body.partition(":")
    if action not in ("+", "-") or not key:
        return None
    return TopicToggle(action == "+", _read_topic_key(key))


def _read_setting(body: str) -> Setting | None:
    key, _, value = body.partition(":")
    if key not in _SETTING_KEYS or not value:
        return None
    return Setting(SettingKey(key), value)


def _read_latest(body: str) -> LatestMore | None:
    match = _LATEST.fullmatch(body)
    if match is None:
        return None
    offset, count = int(match["offset"]), int(match["count"])
    if not 1 <= count <= LATEST_MAX_COUNT or offset > LATEST_MAX_OFFSET + LATEST_MAX_COUNT:
        return None
    topic = match["topic"]
    return LatestMore(_read_topic_key(topic) if topic else None, offset, count)


def _read_article(body: str) -> int | None:
    if _ARTICLE.fullmatch(body) is None or int(body) > _MAX_ARTICLE:
        return None
    return int(body)


def _read_save(body: str) -> Save | None:
    article = _read_article(body)
    return None if article is None else Save(article)


def _read_unsave(body: str) -> Unsave | None:
    article = _read_article(body)
    return None if article is None else Unsave(article)


def _read_page(body: str) -> SavedPage | None:
    return SavedPage(int(body)) if _OFFSET.fullmatch(body) else None


def _read_stop(body: str) -> StopChoice | None:
    return {"yes": StopChoice(True), "no": StopChoice(False)}.get(body)


def _read_broadcast(body: str) -> BroadcastChoice | None:
    match = _BROADCAST.fullmatch(body)
    if match is None:
        return None
    return BroadcastChoice(match["action"] == "send", int(match["draft"]))


def _read_menu(kind: Callable[[str], Manage | Ask]) -> Callable[[str], Manage | Ask | None]:
    return lambda body: kind(body) if _MENU.fullmatch(body) else None


def _read_drop(body: str) -> AlertDrop | None:
    alert = _read_article(body)  # an alert's id is a database id too
    return None if alert is None else AlertDrop(alert)


def _read_unmute(body: str) -> Unmute | None:
    mute = _read_article(body)  # a row id, like an article's
    return None if mute is None else Unmute(mute)


def _read_outlet(body: str) -> MuteOutlet | None:
    return MuteOutlet(body) if body.strip() else None


_READERS: dict[str, Callable[[str], Plain | None]] = {
    TopicToggle.PREFIX: _read_toggle,
    Setting.PREFIX: _read_setting,
    LatestMore.PREFIX: _read_latest,
    Save.PREFIX: _read_save,
    Unsave.PREFIX: _read_unsave,
    SavedPage.PREFIX: _read_page,
    StopChoice.PREFIX: _read_stop,
    BroadcastChoice.PREFIX: _read_broadcast,
    ChannelList.PREFIX: lambda body: ChannelList() if body == "all" else None,
    Manage.PREFIX: _read_menu(Manage),
    Ask.PREFIX: _read_menu(Ask),
    AlertDrop.PREFIX: _read_drop,
    MuteList.PREFIX: lambda body: MuteList() if body == "" else None,
    Unmute.PREFIX: _read_unmute,
    OutletList.PREFIX: lambda body: OutletList() if body == "" else None,
    MuteOutlet.PREFIX: _read_outlet,
}
