"""How one chat reads: its language (a gettext catalogue) and its time zone.

The catalogues are files, so bot/ loads them (bot/i18n.py) and hands a Locale to the pure
renderers here. Messages in code are English msgids marked with `_()`; `make messages`
extracts them into bot/locales/ (docs/translations.md).
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from babel.dates import format_datetime

DEFAULT_LANGUAGE = "en"
# Day, short month, year and time: the same shape in every language, localised by CLDR.
_DATE_PATTERN = "d MMM y, HH:mm"


@dataclass(frozen=True, slots=True)
class Locale:
    language: str = DEFAULT_LANGUAGE
    zone: tzinfo = UTC
    translations: gettext.NullTranslations = field(default_factory=gettext.NullTranslations)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count)

    def date(self, moment: datetime) -> str:
        """ "24 Jun 2024, 13:15 EEST" in the chat's zone; "24 черв. 2024, 13:15 EEST" in uk."""
        local = moment.astimezone(self.zone)
        shown = format_datetime(local, _DATE_PATTERN, tzinfo=self.zone, locale=self.language)
        return f"{shown} {local.tzname() or 'UTC'}"

    def time(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime("%H:%M")


ENGLISH = Locale()
