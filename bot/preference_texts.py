"""What /settings, /mode, /layout, /picture, /bigstories, /digest_time, /timezone and /quiet
say, as Telegram HTML in the chat's language. Button labels and callback answers are plain
text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.i18n import N_
from news.locale import Locale
from news.records import ChatMode, ChatPrefs, Layout, Picture, QuietMode
from news.render import escape
from news.routing import MIN_OUTLETS
from news.timing import BAD_QUIET, BAD_TIME, MAX_TIMES, SAME_START_END, TOO_MANY_TIMES

# How each interface language names itself on the language buttons (never translated).
LANGUAGE_NAMES = {"en": "English", "uk": "Українська"}


def times_text(times: tuple[str, ...]) -> str:
    return ", ".join(times)


def mode_text(prefs: ChatPrefs, locale: Locale) -> str:
    if prefs.mode is ChatMode.DIGEST:
        return locale.gettext("digests at {times}").format(times=times_text(prefs.digest_times))
    return locale.gettext("each article as it comes")


def quiet_text(prefs: ChatPrefs, locale: Locale) -> str:
    _ = locale.gettext
    if prefs.quiet is None:
        return _("off")
    if prefs.quiet_mode is QuietMode.SILENT:
        return _("{hours}, alerts sent silently").format(hours=prefs.quiet)
    return _("{hours}, alerts held for a digest").format(hours=prefs.quiet)


def layout_text(prefs: ChatPrefs, locale: Locale) -> str:
    if prefs.layout is Layout.COMPACT:
        return locale.gettext("compact (the linked headline and its source on one line)")
    return locale.gettext("full (topics, headline, date, key points, source)")


def picture_text(prefs: ChatPrefs, locale: Locale) -> str:
    _ = locale.gettext
    if prefs.picture is Picture.SMALL:
        return _("small, beside the text")
    if prefs.picture is Picture.LARGE:
        return _("large, above the text")
    return _("off")


def big_stories_text(prefs: ChatPrefs, locale: Locale) -> str:
    count = prefs.min_outlets
    if count is None:
        return locale.gettext("off (every story)")
    return locale.ngettext(
        "stories reported by at least {count} outlet",
        "stories reported by at least {count} outlets",
        count,
    ).format(count=count)


def menu(
    prefs: ChatPrefs, locale: Locale, language: str | None = None, footer: str | None = None
) -> str:
    """The settings as a list, in the locale's language; the chat's own language is the
    locale's unless given, and the footer tells how to change them."""
    _ = locale.gettext
    language = language or locale.language
    lines = [
        "<b>" + _("Settings") + "</b>",
        "",
        _("Delivery: {mode}").format(mode=escape(mode_text(prefs, locale))),
        _("Digest times: {times}").format(times=escape(times_text(prefs.digest_times))),
        _("Time zone: {zone}").format(zone=escape(prefs.zone)),
        _("Quiet hours: {quiet}").format(quiet=escape(quiet_text(prefs, locale))),
        _("Language: {language}").format(language=escape(LANGUAGE_NAMES.get(language, language))),
        _("Layout: {layout}").format(layout=escape(layout_text(prefs, locale))),
        _("Picture: {picture}").format(picture=escape(picture_text(prefs, locale))),
        _("Big stories only: {big}").format(big=escape(big_stories_text(prefs, locale))),
        "",
        footer
        or _(
            "Tap a button to change a setting. Other values: /digest_time 07:30 20:00, "
            "/timezone Lisbon or /timezone UTC+3, /quiet 00:00-06:00."
        ),
    ]
    return "\n".join(lines)


# Button labels; marked here, translated when the keyboard is drawn.
INSTANT_LABEL = N_("⚡ Instant")
DIGEST_LABEL = N_("🗞 Digest")
QUIET_OFF_LABEL = N_("🔔 No quiet hours")
HOLD_LABEL = N_("Hold for a digest")
SILENT_LABEL = N_("Send silently")
FULL_LABEL = N_("📰 Full alerts")
COMPACT_LABEL = N_("📄 One line")
PICTURE_OFF_LABEL = N_("No picture")
PICTURE_SMALL_LABEL = N_("🖼 Small")
PICTURE_LARGE_LABEL = N_("🖼 Large")
ALL_STORIES_LABEL = N_("🗞 All stories")


def saved(locale: Locale) -> str:
    """The short answer to a settings button (plain text)."""
    return locale.gettext("✅ Saved")


def mode_set(prefs: ChatPrefs, locale: Locale) -> str:
    _ = locale.gettext
    if prefs.mode is ChatMode.DIGEST:
        text = _(
            "✅ News now arrives in digests at {times} ({zone}). "
            "Change the times with /digest_time, or go back with /mode instant."
        )
        return text.format(times=times_text(prefs.digest_times), zone=escape(prefs.zone))
    return _("✅ Each article now arrives as soon as it is found. /mode digest bundles them.")


def mode_usage(locale: Locale) -> str:
    return locale.gettext(
        "How should news arrive? Send <b>instant</b> or <b>digest</b> after the command, "
        "for example:\n/mode digest"
    )


def times_set(prefs: ChatPrefs, locale: Locale) -> str:
    _ = locale.gettext
    text = _("✅ Digests at {times} ({zone}).").format(
        times=times_text(prefs.digest_times), zone=escape(prefs.zone)
    )
    if prefs.mode is not ChatMode.DIGEST:
        text += " " + _("They are used in digest mode: /mode digest.")
    return text


def times_usage(locale: Locale) -> str:
    return locale.gettext(
        "When should digests arrive? Send one to six times of day (24-hour clock) after the "
        "command, for example:\n/digest_time 08:00 19:00"
    )


def zone_set(prefs: ChatPrefs, local_time: str, locale: Locale) -> str:
    return locale.gettext("✅ Time zone: {zone} (it is {time} there now).").format(
        zone=escape(prefs.zone), time=local_time
    )


def zone_usage(locale: Locale) -> str:
    return locale.gettext(
        "Which time zone? Send a city or a UTC offset after the command, for example:\n"
        "/timezone Kyiv\n/timezone UTC+3"
    )


def zone_unknown(spelling: str, suggestion: str | None, locale: Locale) -> str:
    _ = locale.gettext
    text = _("I don't know the time zone “{spelling}”.").format(spelling=escape(spelling[:100]))
    if suggestion:
        text += " " + _("Did you mean <b>{city}</b>?").format(city=escape(suggestion))
    return f"{text}\n\n{zone_usage(locale)}"


def quiet_set(prefs: ChatPrefs, locale: Locale) -> str:
    _ = locale.gettext
    if prefs.quiet is None:
        return _("✅ Quiet hours are off: alerts arrive at any time.")
    if prefs.quiet_mode is QuietMode.SILENT:
        text = _("✅ Quiet hours {hours} ({zone}): alerts arrive without a sound.")
    else:
        text = _("✅ Quiet hours {hours} ({zone}): alerts wait and arrive as a digest afterwards.")
    return text.format(hours=prefs.quiet, zone=escape(prefs.zone))


def quiet_usage(locale: Locale) -> str:
    return locale.gettext(
        "Send the quiet hours after the command, and optionally <b>hold</b> (alerts wait for "
        "a digest) or <b>silent</b> (alerts arrive without a sound), for example:\n"
        "/quiet 23:00-07:00\n/quiet 22:30-06:30 silent\n/quiet off"
    )


def timing_problem(reason: str, text: str, locale: Locale) -> str:
    """Why a time or a range was refused (news.timing reason codes), before the usage."""
    _ = locale.gettext
    if reason == TOO_MANY_TIMES:
        return _("That is more than {count} times a day.").format(count=MAX_TIMES)
    if reason == SAME_START_END:
        return _("Quiet hours need different start and end times.")
    if reason == BAD_TIME and text:
        return _("“{text}” is not a time of day.").format(text=escape(text[:50]))
    if reason == BAD_QUIET and text:
        return _("“{text}” is not a start and an end time.").format(text=escape(text[:50]))
    return ""


def layout_set(prefs: ChatPrefs, locale: Locale) -> str:
    _ = locale.gettext
    if prefs.layout is Layout.COMPACT:
        return _(
            "✅ Each alert is now one line: the linked headline and its source. "
            "/layout full brings back the key points."
        )
    return _(
        "✅ Alerts now arrive in full: topics, headline, date, key points and the source. "
        "/layout compact makes each one line."
    )


def layout_usage(locale: Locale) -> str:
    return locale.gettext(
        "How should alerts look? Send <b>full</b> (topics, headline, date, key points, source) "
        "or <b>compact</b> (the linked headline and its source on one line) after the command, "
        "for example:\n/layout compact"
    )


def picture_set(prefs: ChatPrefs, locale: Locale) -> str:
    _ = locale.gettext
    if prefs.picture is Picture.SMALL:
        return _(
            "✅ Alerts now show a small picture beside the text: the article's own image, "
            "or the preview of its page."
        )
    if prefs.picture is Picture.LARGE:
        return _(
            "✅ Alerts now show a large picture above the text: the article's own image, "
            "or the preview of its page."
        )
    return _("✅ Alerts now arrive without a picture.")


def picture_usage(locale: Locale) -> str:
    return locale.gettext(
        "Which picture should alerts show? Send <b>off</b>, <b>small</b> (beside the text) or "
        "<b>large</b> (above the text) after the command, for example:\n/picture large"
    )


def big_stories_set(prefs: ChatPrefs, locale: Locale) -> str:
    count = prefs.min_outlets
    if count is None:
        return locale.gettext(
            "✅ Every story arrives again, however many outlets report it. "
            "/bigstories 3 keeps only the big ones."
        )
    return locale.ngettext(
        "✅ Big stories only: a story arrives once {count} outlet reports it, naming them all. "
        "/bigstories off brings back every story.",
        "✅ Big stories only: a story arrives once {count} outlets report it, naming them all. "
        "/bigstories off brings back every story.",
        count,
    ).format(count=count)


def big_stories_usage(prefs: ChatPrefs, locale: Locale) -> str:
    """The chat's setting, and how to change it."""
    _ = locale.gettext
    now = _("Big stories only: {big}").format(big=escape(big_stories_text(prefs, locale)))
    how = _(
        "Send how many outlets must report a story before it reaches this chat, from "
        "{least} to {most}, or <b>off</b> for every story, for example:\n"
        "/bigstories 3\n/bigstories off"
    ).format(least=MIN_OUTLETS.start, most=MIN_OUTLETS.stop - 1)
    return f"{now}\n\n{how}"


def big_stories_refused(typed: str, locale: Locale) -> str:
    _ = locale.gettext
    problem = _("“{text}” is not a number of outlets from {least} to {most}.").format(
        text=escape(typed[:50]), least=MIN_OUTLETS.start, most=MIN_OUTLETS.stop - 1
    )
    example = _("For example: /bigstories 3, or /bigstories off for every story.")
    return f"{problem} {example}"


@dataclass(frozen=True, slots=True)
class Choice:
    """What a one-word setting command says: its usage, and the setting once changed."""

    usage: Callable[[Locale], str]
    done: Callable[[ChatPrefs, Locale], str]


MODE_TEXTS = Choice(mode_usage, mode_set)
LAYOUT_TEXTS = Choice(layout_usage, layout_set)
PICTURE_TEXTS = Choice(picture_usage, picture_set)
