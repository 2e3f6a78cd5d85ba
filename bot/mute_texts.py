"""What /mute says, as Telegram HTML in the chat's language. Button labels and callback answers
are plain text."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import N_
from news import keywords
from news.locale import Locale
from news.mutes import MAX_MUTES, Mute, MuteKind
from news.render import escape
from news.text import shorten

# Button labels; marked here, translated when the keyboard is drawn.
MUTES_LABEL = N_("🔇 Muted words and sources")
SOURCES_LABEL = N_("📰 Mute a source")
BACK_LABEL = N_("◀ Back to mutes")
ADD_LABEL = N_("➕ Mute words or a source")


def usage(locale: Locale) -> str:
    _ = locale.gettext
    return _(
        "<b>Mutes</b>: articles with these words, or from these outlets, no longer reach this "
        "chat by any topic: not as alerts, not in digests, not in /latest. A keyword alert "
        "(/alert) still brings what it matches.\n\n"
        "/mute Chelsea - never a word about Chelsea\n"
        '/mute "Premier League" - the exact phrase\n'
        "/mute source BBC News - nothing from one outlet\n"
        "/mute list - your mutes, numbered\n"
        "/mute remove 2 - unmute number 2\n\n"
        "Whole words, any case. To mute the word list, remove or source itself, put it in "
        'quotes: /mute "list".'
    )


def refused(locale: Locale, reason: str) -> str:
    """What is wrong with the words, by news.keywords' reason code, and how to write them."""
    _ = locale.gettext
    texts = {
        keywords.EMPTY: usage(locale),
        keywords.ONLY_EXCLUSIONS: _(
            "A mute needs at least one word to look for, not only words to leave out. "
            "For example:\n/mute football -Ukraine"
        ),
        keywords.TOO_LONG: _("That mute is too long: {most} characters at most.").format(
            most=keywords.MAX_CHARS
        ),
        keywords.TOO_MANY_TERMS: _(
            "That mute has too many words and phrases: {most} at most. "
            'Put words that belong together in quotes: "Premier League" counts as one.'
        ).format(most=keywords.MAX_TERMS),
        keywords.UNBALANCED_QUOTE: _(
            "A quote is not closed. Put a phrase between two quotes, for example:\n"
            '/mute "Premier League"'
        ),
        keywords.CONTRADICTION: _(
            "That mute leaves out a word it also asks for, so it could never mute anything."
        ),
    }
    return texts.get(reason, usage(locale))


def shown(mute: Mute, locale: Locale) -> str:
    """A mute as the list and the answers name it (HTML)."""
    if mute.kind is MuteKind.SOURCE:
        return locale.gettext("📰 {outlet} (source)").format(outlet=escape(mute.value))
    return escape(mute.value)


def added(mute: Mute, count: int, locale: Locale) -> str:
    _ = locale.gettext
    return _(
        "🔇 Muted: <b>{mute}</b>\n"
        "Articles it matches no longer reach this chat by any topic. This chat has {count} of "
        "{most} mutes; /mute list shows them."
    ).format(mute=shown(mute, locale), count=count, most=MAX_MUTES)


def duplicate(mute: Mute, locale: Locale) -> str:
    return locale.gettext("<b>{mute}</b> is muted already. /mute list shows every mute.").format(
        mute=shown(mute, locale)
    )


def too_many(locale: Locale) -> str:
    return locale.gettext(
        "This chat already has {most} mutes, the most it can have. Remove one first: "
        "/mute list, then /mute remove with its number."
    ).format(most=MAX_MUTES)


def listing(mutes: Sequence[Mute], locale: Locale, *, typed: bool = True) -> str:
    """The mutes, numbered; `typed`: the chat can type /mute (not one managed from elsewhere,
    where ➕ asks instead)."""
    _ = locale.gettext
    if not mutes and not typed:
        return _("Nothing is muted here. Tap ➕ to mute words or a source.")
    if not mutes:
        return _(
            "Nothing is muted here. Mute words with /mute Chelsea, or an outlet with "
            "/mute source and its name."
        )
    title = _("🔇 Muted here ({count} of {most})").format(count=len(mutes), most=MAX_MUTES)
    lines = [f"<b>{title}</b>"]
    lines += [f"{number}. {shown(mute, locale)}" for number, mute in enumerate(mutes, start=1)]
    if typed:
        lines += ["", _("Press ✖ with a number, or send /mute remove and the number, to unmute.")]
    else:
        lines += ["", _("Press ✖ with a number to unmute.")]
    return "\n".join(lines)


def remove_usage(locale: Locale) -> str:
    return locale.gettext(
        "Which mute? Send its number from /mute list, for example:\n/mute remove 1"
    )


def no_such_mute(number: str, count: int, locale: Locale) -> str:
    if count == 0:
        return locale.gettext("Nothing is muted here, so there is nothing to remove.")
    return locale.ngettext(
        "There is no mute {number}: this chat has {count} mute. /mute list shows it.",
        "There is no mute {number}: this chat has {count} mutes. /mute list shows them.",
        count,
    ).format(number=escape(number), count=count)


def removed(mute: Mute, locale: Locale) -> str:
    return locale.gettext("🔔 Unmuted <b>{mute}</b>.").format(mute=shown(mute, locale))


def outlets(names: Sequence[str], muted: Sequence[str], more: int, locale: Locale) -> str:
    """The outlets to mute (🔇: muted already), `more` left unlisted; the buttons under it
    carry those whose names fit one."""
    _ = locale.gettext
    if not names:
        return _("No outlets yet: the feeds may still be loading. Try again in a few minutes.")
    lines = ["<b>" + _("📰 Outlets") + "</b>"]
    lines += [f"{'🔇' if name in muted else '▫️'} {escape(name)}" for name in names]
    if more:
        lines.append(
            locale.ngettext("...and {count} more.", "...and {count} more.", more).format(count=more)
        )
    lines += ["", _("Tap one to mute it, or send /mute source and its name.")]
    return "\n".join(lines)


def unknown_outlet(spelling: str, suggestions: Sequence[str], locale: Locale) -> str:
    _ = locale.gettext
    text = _("I don't know the outlet “{spelling}”.").format(spelling=escape(spelling[:100]))
    if suggestions:
        names = ", ".join(f"<b>{escape(name)}</b>" for name in suggestions)
        text += " " + _("Did you mean {names}? Tap one below to mute it.").format(names=names)
    else:
        text += " " + _("/mute source lists them all.")
    return text


# Answers to a press are plain text of at most 200 characters
# (https://core.telegram.org/bots/api#answercallbackquery).
_ANSWER_NAME = 150


def muted_answer(mute: Mute, locale: Locale) -> str:
    """The short answer to a button that muted an outlet."""
    return locale.gettext("🔇 Muted {name}").format(name=shorten(mute.value, _ANSWER_NAME))


def unmuted_answer(mute: Mute, locale: Locale) -> str:
    return locale.gettext("🔔 Unmuted {name}").format(name=shorten(mute.value, _ANSWER_NAME))


def already_answer(locale: Locale) -> str:
    return locale.gettext("Already done.")


def too_many_answer(locale: Locale) -> str:
    return locale.gettext("This chat already has {most} mutes. Remove one first.").format(
        most=MAX_MUTES
    )


def question(locale: Locale) -> str:
    return locale.gettext(
        'What should I mute? Reply to this message with words, a "phrase", or source and an '
        "outlet, for example:\nfootball\nsource Example News"
    )


def placeholder(locale: Locale) -> str:
    return locale.gettext("Words, or source and an outlet")
