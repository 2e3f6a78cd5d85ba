"""What /alert says, as Telegram HTML in the chat's language."""

from __future__ import annotations

from collections.abc import Sequence

from news import keywords
from news.locale import Locale
from news.render import escape
from news.store.alerts import MAX_ALERTS


def usage(locale: Locale) -> str:
    _ = locale.gettext
    return _(
        "<b>Keyword alerts</b>: any new article that mentions your words reaches this chat, "
        "whatever its topic, and says which keyword matched.\n\n"
        "/alert add North Korea - both words, anywhere in the article\n"
        '/alert add "Kim Jong Un" -sport - the exact phrase, and never about sport\n'
        "/alert list - your alerts, numbered\n"
        "/alert remove 2 - remove alert number 2\n\n"
        "Upper and lower case are the same; whole words only."
    )


def refused(locale: Locale, reason: str) -> str:
    """What is wrong with a query, by news.keywords' reason code, and how to write it."""
    _ = locale.gettext
    texts = {
        keywords.EMPTY: _(
            "Which words should I look for? Send them after /alert add, for example:\n"
            "/alert add North Korea"
        ),
        keywords.ONLY_EXCLUSIONS: _(
            "An alert needs at least one word to look for, not only words to leave out. "
            'For example:\n/alert add "Kim Jong Un" -sport'
        ),
        keywords.TOO_LONG: _("That alert is too long: {most} characters at most.").format(
            most=keywords.MAX_CHARS
        ),
        keywords.TOO_MANY_TERMS: _(
            "That alert has too many words and phrases: {most} at most. "
            'Put words that belong together in quotes: "Kim Jong Un" counts as one.'
        ).format(most=keywords.MAX_TERMS),
        keywords.UNBALANCED_QUOTE: _(
            "A quote is not closed. Put a phrase between two quotes, for example:\n"
            '/alert add "Kim Jong Un"'
        ),
        keywords.CONTRADICTION: _(
            "That alert leaves out a word it also asks for, so nothing could ever match it."
        ),
    }
    fallback = _("I can't use that alert. For example:\n/alert add North Korea")
    return texts.get(reason, fallback)


def added_text(locale: Locale, query: str, count: int) -> str:
    _ = locale.gettext
    return _(
        "🔔 Alert added: <b>{query}</b>\n"
        "New articles that match it will arrive here. This chat has {count} of {most} alerts; "
        "/alert list shows them."
    ).format(query=escape(query), count=count, most=MAX_ALERTS)


def duplicate(locale: Locale, query: str) -> str:
    _ = locale.gettext
    return _("You already have the alert <b>{query}</b>. /alert list shows them all.").format(
        query=escape(query)
    )


def too_many(locale: Locale) -> str:
    _ = locale.gettext
    return _(
        "This chat already has {most} alerts, the most it can have. Remove one first: "
        "/alert list, then /alert remove with its number."
    ).format(most=MAX_ALERTS)


def listing(locale: Locale, queries: Sequence[str]) -> str:
    _ = locale.gettext
    if not queries:
        return _("You have no keyword alerts yet. Add one, for example:\n/alert add North Korea")
    title = _("🔔 Your alerts ({count} of {most})").format(count=len(queries), most=MAX_ALERTS)
    lines = [f"<b>{title}</b>"]
    lines += [f"{number}. {escape(query)}" for number, query in enumerate(queries, start=1)]
    lines += ["", _("Remove one with /alert remove and its number, for example /alert remove 1.")]
    return "\n".join(lines)


def remove_usage(locale: Locale) -> str:
    _ = locale.gettext
    return _("Which alert? Send its number from /alert list, for example:\n/alert remove 1")


def no_such_alert(locale: Locale, number: str, count: int) -> str:
    if count == 0:
        return locale.gettext("You have no alerts to remove. /alert shows how to add one.")
    return locale.ngettext(
        "There is no alert {number}: this chat has {count} alert. /alert list shows it.",
        "There is no alert {number}: this chat has {count} alerts. /alert list shows them.",
        count,
    ).format(number=escape(number), count=count)


def removed_text(locale: Locale, query: str) -> str:
    _ = locale.gettext
    return _("Removed the alert <b>{query}</b>.").format(query=escape(query))
