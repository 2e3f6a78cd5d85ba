"""What the bot says in chat, as Telegram HTML, in the chat's language: the commands' answers,
/topics, /latest, /saved and /digest (/settings and its commands: bot/preference_texts.py,
/alert: bot/alert_texts.py, /mute: bot/mute_texts.py, /pause and /stop: bot/pause_texts.py,
admins: bot/admin_texts.py).

Each text is an English msgid marked with `_()` and translated through the chat's Locale
(docs/translations.md); everything user- or feed-supplied is escaped and passed in through
`{placeholders}`, so a translation can reorder it but never has to build HTML around it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.i18n import N_
from news.buttons import LATEST_MAX_COUNT
from news.locale import ENGLISH, Locale
from news.records import Article, SavedArticle
from news.render import escape, headline_list
from news.topics import Vocabulary

SAVED_HEADLINE_LIMIT = 200

# (command, one-line description): the /help text and the menu registered with setMyCommands,
# once per language. The descriptions are msgids, translated where they are shown.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("What this bot does and how to begin")),
    ("topics", N_("All topics: tap one to follow or unfollow it")),
    ("subscribe", N_("Follow a topic: /subscribe Politics")),
    ("unsubscribe", N_("Stop following a topic: /unsubscribe Politics")),
    ("latest", N_("The newest headlines: /latest, /latest World 10")),
    ("alert", N_("Keyword alerts: /alert add North Korea, /alert list")),
    ("mute", N_("Never see a word or an outlet again: /mute Chelsea, /mute list")),
    ("saved", N_("The articles you saved with ⭐")),
    ("digest", N_("This chat's digest, now")),
    ("channels", N_("Your channels and groups: their topics, settings and alerts from here")),
    ("settings", N_("Delivery, digest times, time zone, quiet hours, language, alert look")),
    ("mode", N_("Alerts as they come or in digests: /mode digest")),
    ("layout", N_("How alerts look: /layout compact or /layout full")),
    ("picture", N_("A picture with each alert: /picture small, large or off")),
    ("bigstories", N_("Only stories several outlets report: /bigstories 3 or off")),
    ("digest_time", N_("When digests arrive: /digest_time 08:00 19:00")),
    ("timezone", N_("Your time zone: /timezone Kyiv or /timezone UTC+3")),
    ("quiet", N_("Quiet hours: /quiet 23:00-07:00 or /quiet off")),
    ("pause", N_("Pause alerts: /pause 2h, or until /resume")),
    ("resume", N_("Alerts again after /pause")),
    ("stop", N_("Unsubscribe from everything and delete this chat's data")),
    ("help", N_("Every command, one line each")),
)


def menu(locale: Locale) -> list[tuple[str, str]]:
    """The command menu in one language."""
    return [(command, locale.gettext(description)) for command, description in COMMANDS]


def _topic_list(vocabulary: Vocabulary) -> str:
    return ", ".join(f"<b>{escape(name)}</b>" for name in vocabulary.names)


def _example(vocabulary: Vocabulary) -> str:
    return escape(vocabulary.names[0]) if vocabulary.names else "Politics"


def greeting(vocabulary: Vocabulary, first_name: str | None, locale: Locale) -> str:
    _ = locale.gettext
    hello = _("Hi, {name}!").format(name=escape(first_name)) if first_name else _("Hi!")
    about = _(
        "I'm newsbot. I watch news feeds and send you the key points of every new article on "
        "the topics you follow: headline, date, 2-4 key points and the link."
    )
    topics = _("Topics: {topics}").format(topics=_topic_list(vocabulary))
    follow = _(
        "Follow one with /subscribe {example} or tap it in /topics. /help lists every command."
    )
    return f"{hello} {about}\n\n{topics}\n\n{follow.format(example=_example(vocabulary))}"


def help_text(locale: Locale) -> str:
    lines = ["<b>" + locale.gettext("What I can do") + "</b>"]
    lines += [f"/{command} - {escape(description)}" for command, description in menu(locale)]
    return "\n".join(lines)


def topics(vocabulary: Vocabulary, followed: Iterable[str], locale: Locale) -> str:
    _ = locale.gettext
    followed = set(followed)
    lines = [_("<b>Topics</b> (✅ = this chat follows it)")]
    lines += [f"{'✅' if name in followed else '▫️'} {escape(name)}" for name in vocabulary.names]
    lines.append("")
    if followed:
        lines.append(_("Tap a topic below to follow or unfollow it."))
    else:
        lines.append(_("You follow nothing yet. Tap a topic below to follow it."))
    return "\n".join(lines)


def usage(command: str, vocabulary: Vocabulary, locale: Locale) -> str:
    _ = locale.gettext
    which = _("Which topic? Send it after the command, for example:")
    topics = _("Topics: {topics}").format(topics=_topic_list(vocabulary))
    return f"{which}\n/{command} {_example(vocabulary)}\n\n{topics}"


def unknown_topic(spelling: str, vocabulary: Vocabulary, locale: Locale = ENGLISH) -> str:
    _ = locale.gettext
    text = _("I don't know the topic “{spelling}”.").format(spelling=escape(spelling[:100]))
    guess = vocabulary.closest(spelling)
    if guess:
        text += " " + _("Did you mean <b>{topic}</b>?").format(topic=escape(guess))
    topics = _("Topics: {topics}").format(topics=_topic_list(vocabulary))
    return f"{text}\n\n{topics}"


def subscribed(topic: str, *, already: bool, locale: Locale) -> str:
    _ = locale.gettext
    if already:
        return _("You already follow <b>{topic}</b>.").format(topic=escape(topic))
    return _(
        "✅ You now follow <b>{topic}</b>. New articles will arrive here as they appear.\n"
        "/latest shows what is already out there."
    ).format(topic=escape(topic))


def unsubscribed(topic: str, *, was_following: bool, locale: Locale) -> str:
    _ = locale.gettext
    if not was_following:
        text = _("You weren't following <b>{topic}</b>. /topics shows what you follow.")
    else:
        text = _("Done: no more <b>{topic}</b> alerts. /topics shows what you still follow.")
    return text.format(topic=escape(topic))


def unknown_command(locale: Locale = ENGLISH) -> str:
    return locale.gettext("I don't know that command. /help lists everything I can do.")


def not_a_command(text: str, vocabulary: Vocabulary, locale: Locale = ENGLISH) -> str:
    """A private message that is not a command: a topic's name gets the way to follow it."""
    _ = locale.gettext
    topic = vocabulary.resolve(text)
    if topic is not None:
        return _("To follow <b>{topic}</b>, send /subscribe {topic} or tap it in /topics.").format(
            topic=escape(topic)
        )
    return _(
        "I answer commands rather than messages. /help lists them; /latest shows the newest "
        "headlines."
    )


def apology(locale: Locale) -> str:
    return locale.gettext("Sorry, something went wrong on my side. Please try again in a moment.")


def toggled(topic: str, *, following: bool, locale: Locale) -> str:
    """A button press's short confirmation (plain text, not HTML)."""
    if following:
        return locale.gettext("✅ You now follow {topic}.").format(topic=topic)
    return locale.gettext("You no longer follow {topic}.").format(topic=topic)


def stale_button(locale: Locale) -> str:
    """A press on a button no current menu carries (plain text)."""
    return locale.gettext("This button is out of date. Send the command again for a fresh menu.")


def refusal(locale: Locale, *, channel: bool = False) -> str:
    """A member of a group, or a reader of a channel, who is no administrator there tried to
    change its settings."""
    if channel:
        return locale.gettext("Sorry, only this channel's administrators can change that.")
    return locale.gettext("Sorry, only this group's administrators can change that.")


def slow_down(locale: Locale, window: float) -> str:
    return locale.gettext(
        "You're sending commands faster than I can keep up. Please wait {seconds} seconds "
        "and try again."
    ).format(seconds=round(window))


# ------------------------------------------------------------------ /latest
def latest_page(locale: Locale, topic: str | None, articles: Sequence[Article], first: int) -> str:
    """A page of /latest: numbers go on across pages."""
    _ = locale.gettext
    if topic is None:
        title = _("Latest headlines")
    else:
        title = _("Latest on {topic}").format(topic=escape(topic))
    return headline_list(title, articles, locale, first=first)


def latest_usage(locale: Locale, vocabulary: Vocabulary) -> str:
    _ = locale.gettext
    example = escape(vocabulary.names[0]) if vocabulary.names else "World"
    return _(
        "Send /latest, optionally with a topic and how many headlines (1-{most}), for example:\n"
        "/latest\n/latest 10\n/latest {topic}\n/latest {topic} 10"
    ).format(most=LATEST_MAX_COUNT, topic=example)


def no_headlines(locale: Locale, topic: str | None, *, more: bool) -> str:
    _ = locale.gettext
    if more:
        return _("That was everything: there are no older headlines.")
    if topic is None:
        return _("No articles yet: the feeds may still be loading. Try again in a few minutes.")
    return _(
        "No articles on {topic} yet: the feeds may still be loading. Try again in a few minutes."
    ).format(topic=f"<b>{escape(topic)}</b>")


# ------------------------------------------------------------------ /saved and /digest
def saved_page(
    locale: Locale, items: Sequence[SavedArticle], offset: int, total: int, page: int
) -> str:
    _ = locale.gettext
    if total > page:
        title = _("⭐ Saved articles ({first}-{last} of {total})").format(
            first=offset + 1, last=offset + len(items), total=total
        )
    else:
        title = _("⭐ Saved articles ({total})").format(total=total)
    listed = headline_list(title, items, locale, first=offset + 1, limit=SAVED_HEADLINE_LIMIT)
    return listed + "\n\n" + _("Press ✖ with a number to remove that article.")


def nothing_saved(locale: Locale) -> str:
    _ = locale.gettext
    return _(
        "Nothing saved yet. Press ⭐ Save under an alert to keep it here; "
        "/latest shows recent headlines."
    )


def saved_from_link(locale: Locale, *, added: bool | None) -> str:
    """The end of a save begun under an alert in a group or channel; None: the article is
    gone."""
    _ = locale.gettext
    if added is None:
        done = _("That article is gone, so I could not save it.")
    elif added:
        done = _("⭐ Saved. /saved lists the articles you keep.")
    else:
        done = _("That article is in your /saved already.")
    more = _("I send the key points of new articles on the topics you follow: /topics.")
    return f"{done}\n\n{more}"


def nothing_new(locale: Locale) -> str:
    _ = locale.gettext
    return _("Nothing new since your last digest. /latest shows the newest headlines anyway.")
