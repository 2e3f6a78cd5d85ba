"""What /pause, /resume and /stop say, as Telegram HTML in the chat's language."""

from __future__ import annotations

from datetime import UTC, datetime

from news import timing
from news.locale import Locale

# Anything paused beyond this reads as "until /resume" (a pause has a duration cap far below).
_FOREVER_AFTER = datetime(9000, 1, 1, tzinfo=UTC)


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
