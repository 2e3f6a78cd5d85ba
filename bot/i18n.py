"""The interface languages: gettext catalogues under bot/locales, read once at start.

English is the source language (the msgids in code); every other language is one file,
bot/locales/<code>/LC_MESSAGES/newsbot.po (docs/translations.md). The .po files are compiled in
memory with Babel at start, so no build step and no binary .mo files in the repository.
"""

from __future__ import annotations

import contextlib
import gettext
import io
from dataclasses import dataclass
from datetime import UTC, tzinfo
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from telegram import Update

from news.locale import DEFAULT_LANGUAGE, Locale
from news.records import ChatPrefs
from news.store import Store
from news.zones import ZoneError, zone_from_name

DOMAIN = "newsbot"
LOCALES = Path(__file__).with_name("locales")


def _compile(po_file: Path) -> gettext.GNUTranslations:
    with po_file.open("rb") as source:
        catalog = read_po(source, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@dataclass(frozen=True, slots=True)
class Catalogues:
    translations: dict[str, gettext.NullTranslations]

    @classmethod
    def load(cls, directory: Path = LOCALES) -> Catalogues:
        found: dict[str, gettext.NullTranslations] = {DEFAULT_LANGUAGE: gettext.NullTranslations()}
        for po_file in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            found[po_file.parent.parent.name] = _compile(po_file)
        return cls(found)

    @property
    def languages(self) -> tuple[str, ...]:
        """The default language first, then the others by code."""
        others = sorted(code for code in self.translations if code != DEFAULT_LANGUAGE)
        return (DEFAULT_LANGUAGE, *others)

    def language(self, code: str | None) -> str:
        """Ours for a Telegram language_code ("uk", "uk-UA", "en-GB"); English when we have
        no catalogue for it."""
        if code:
            base = code.replace("_", "-").split("-")[0].lower()
            if base in self.translations:
                return base
        return DEFAULT_LANGUAGE

    def locale(self, code: str | None, zone: tzinfo = UTC) -> Locale:
        language = self.language(code)
        return Locale(language, zone, self.translations[language])


def N_(message: str) -> str:
    """Marks a msgid for extraction where it is defined; it is translated where it is shown."""
    return message


def chat_locale(
    catalogues: Catalogues, prefs: ChatPrefs | None, language_code: str | None
) -> Locale:
    """How a chat reads: the language it chose in /settings, else the Telegram language of the
    user who wrote; its stored time zone, else UTC."""
    chosen = prefs.language if prefs is not None and prefs.language else language_code
    zone: tzinfo = UTC
    if prefs is not None:
        # A zone the installed tz database no longer knows reads as UTC.
        with contextlib.suppress(ZoneError):
            zone = zone_from_name(prefs.zone).tzinfo
    return catalogues.locale(chosen, zone)


@dataclass(frozen=True, slots=True)
class ChatLocales:
    """The Locale of the chat an update came from, read from the store for each update."""

    store: Store
    catalogues: Catalogues

    async def of(self, update: Update) -> Locale:
        chat, user = update.effective_chat, update.effective_user
        prefs = await self.store.chats.prefs(chat.id) if chat is not None else None
        return chat_locale(self.catalogues, prefs, user.language_code if user else None)

    async def of_user(self, update: Update) -> Locale:
        """How the user behind the update reads in their own chat with the bot: for an answer
        only they see, to a press in a group or channel."""
        user = update.effective_user
        prefs = await self.store.chats.prefs(user.id) if user is not None else None
        return chat_locale(self.catalogues, prefs, user.language_code if user else None)
