"""What /channels and the menus for another chat say, as Telegram HTML in the reader's language
(button labels and callback answers are plain text). Titles come from Telegram: escaped."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import N_
from news.locale import Locale
from news.render import escape
from news.store.alerts import MAX_ALERTS

# The menus' own buttons on a chat's menu of menus; marked here, translated when drawn.
TOPICS_LABEL = N_("📰 Topics")
SETTINGS_LABEL = N_("⚙️ Settings")
ALERTS_LABEL = N_("🔔 Keyword alerts")
LATEST_LABEL = N_("🗞 Latest headlines")
LABEL_CHARS = 40  # of a chat's title or an alert on a button


def icon(kind: str) -> str:
    return "📢" if kind == "channel" else "👥"


def chat_label(kind: str, title: str | None, locale: Locale) -> str:
    name = title or locale.gettext("Untitled chat")
    return f"{icon(kind)} {shorten(name)}"


def shorten(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def header(kind: str, title: str | None, locale: Locale) -> str:
    """The first lines of a menu for another chat: which chat it changes."""
    name = escape(title) if title else locale.gettext("Untitled chat")
    return f"{icon(kind)} <b>{name}</b>\n\n"


def back_label(locale: Locale) -> str:
    return locale.gettext("« Back")


def all_chats_label(locale: Locale) -> str:
    return locale.gettext("« All channels and groups")


def add_label(locale: Locale) -> str:
    return locale.gettext("➕ Add me to a channel")


def listing(locale: Locale) -> str:
    _ = locale.gettext
    return _(
        "<b>Your channels and groups</b>\n"
        "Pick one to change its topics, settings and keyword alerts from here, or to see the "
        "latest headlines. I list the chats where I am and you are an administrator."
    )


def none_yet(link: str, locale: Locale) -> str:
    _ = locale.gettext
    return _(
        "I know no channel or group where you are an administrator.\n\n"
        'To get news in a channel, <a href="{link}">add me to it</a> (or tap the button '
        "below): pick the channel, and Telegram asks you to make me an administrator who may "
        "post, edit and delete messages. Then send /channels again.\n\n"
        "In a group, add me as a member and send /subscribe there."
    ).format(link=escape(link))


def private_only(bot_username: str, locale: Locale) -> str:
    return locale.gettext(
        "Send /channels to me in our private chat, @{bot}: there I list the channels and groups "
        "you manage, and nobody else sees them."
    ).format(bot=escape(bot_username))


def home(locale: Locale) -> str:
    return locale.gettext("What would you like to change? Everything here acts on this chat.")


def not_admin(title: str | None, locale: Locale) -> str:
    """A press or an answer from someone who does not administer the chat (plain text)."""
    _ = locale.gettext
    name = shorten(title or _("Untitled chat"))
    return _("Only administrators of {title} can change it.").format(title=name)


def not_there(locale: Locale) -> str:
    """A press or an answer for a chat the bot is no longer in (plain text)."""
    return locale.gettext("I am no longer in that chat, so it can't be changed from here.")


def toggled(title: str | None, topic: str, *, following: bool, locale: Locale) -> str:
    """A topic button's answer for another chat (plain text)."""
    _ = locale.gettext
    name = shorten(title or _("Untitled chat"))
    if following:
        return _("✅ {chat} now follows {topic}.").format(chat=name, topic=topic)
    return _("{chat} no longer follows {topic}.").format(chat=name, topic=topic)


def settings_footer(locale: Locale) -> str:
    return locale.gettext("Tap a button to change a setting.")


def alerts(queries: Sequence[str], locale: Locale) -> str:
    _ = locale.gettext
    title = _("🔔 Keyword alerts ({count} of {most})").format(count=len(queries), most=MAX_ALERTS)
    lines = [f"<b>{title}</b>"]
    lines.append(
        _("A new article that mentions an alert's words is posted here, whatever its topic.")
    )
    lines.append("")
    if queries:
        lines += [f"{number}. {escape(query)}" for number, query in enumerate(queries, start=1)]
        lines += ["", _("Tap ✖ to remove an alert, or add one.")]
    else:
        lines.append(_("No keyword alerts yet. Tap the button below to add one."))
    return "\n".join(lines)


def add_alert_label(locale: Locale) -> str:
    return locale.gettext("➕ Add an alert")


def alert_question(locale: Locale) -> str:
    return locale.gettext(
        "Which words should I look for? Reply to this message with them, for example:\n"
        'North Korea\n"Kim Jong Un" -sport'
    )


def alert_placeholder(locale: Locale) -> str:
    return locale.gettext("Words to look for")


def alert_added(query: str, locale: Locale) -> str:
    return locale.gettext("🔔 Alert added: <b>{query}</b>").format(query=escape(query))


def alert_duplicate(query: str, locale: Locale) -> str:
    return locale.gettext("That alert is already there: <b>{query}</b>").format(query=escape(query))


def alerts_full(locale: Locale) -> str:
    return locale.gettext(
        "That chat already has {most} alerts, the most it can have. Remove one with ✖ first."
    ).format(most=MAX_ALERTS)


def alert_dropped(query: str | None, locale: Locale) -> str:
    """The answer to ✖ (plain text)."""
    if query is None:
        return locale.gettext("That alert was already removed.")
    return locale.gettext("Removed: {query}").format(query=shorten(query))
