"""Every interface text in the code has a finished Ukrainian translation that keeps its
placeholders and its HTML, so a new string without a translation fails CI and a translation
cannot break a message (docs/translations.md)."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES, Catalogues
from tests.fakes.telegram_html import HtmlError, parse_html

ROOT = Path(__file__).resolve().parent.parent
# The same keywords as `make messages` (Makefile): msgids, and the plural pair of ngettext.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
LANGUAGES = ("uk",)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@dataclass(frozen=True)
class Message:
    ids: tuple[str, ...]  # (msgid,) or (singular, plural)
    where: str

    @property
    def key(self) -> str | tuple[str, ...]:
        return self.ids[0] if len(self.ids) == 1 else self.ids


def source_messages() -> list[Message]:
    found: dict[tuple[str, ...], Message] = {}
    for package in ("bot", "jobs", "news"):
        extracted = extract_from_dir(ROOT / package, keywords=KEYWORDS, comment_tags=())
        for filename, line, ids, _comments, _context in extracted:
            key = (ids,) if isinstance(ids, str) else tuple(ids)
            found.setdefault(key, Message(key, f"{package}/{filename}:{line}"))
    return list(found.values())


def catalogue(language: str) -> Catalog:
    with (LOCALES / language / "LC_MESSAGES" / "newsbot.po").open("rb") as source:
        return read_po(source, locale=language)


def placeholders(text: str) -> list[str]:
    """The {fields} of a str.format text, sorted; raises ValueError for a stray brace."""
    return sorted(field for _, field, _, _ in string.Formatter().parse(text) if field is not None)


def tags(text: str) -> list[str]:
    return sorted(_TAG.findall(text))


def forms(translated: str | tuple[str, ...] | list[str]) -> Iterator[str]:
    yield from (translated,) if isinstance(translated, str) else translated


def test_the_source_has_messages_and_the_extraction_finds_them() -> None:
    messages = {m.ids[0] for m in source_messages()}
    assert "Every command, one line each" in messages  # an N_() in bot/texts.py
    assert "I don't know that command. /help lists everything I can do." in messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_completely(language: str) -> None:
    po = catalogue(language)
    problems = []
    for message in source_messages():
        entry = po.get(message.key)
        if entry is None or not entry.string:
            problems.append(f"{message.where}: no translation of {message.ids[0]!r}")
            continue
        if entry.fuzzy:
            problems.append(f"{message.where}: the translation of {message.ids[0]!r} is fuzzy")
        translated = list(forms(entry.string))
        if len(message.ids) == 2 and len(translated) != po.num_plurals:
            problems.append(f"{message.where}: {po.num_plurals} plural forms expected")
        if any(not form.strip() for form in translated):
            problems.append(f"{message.where}: an empty form for {message.ids[0]!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_html(language: str) -> None:
    po = catalogue(language)
    problems = []
    for message in source_messages():
        entry = po.get(message.key)
        if entry is None or not entry.string:
            continue  # reported by the test above
        original = message.ids[-1]  # the plural msgid names every placeholder
        for form in forms(entry.string):
            try:
                if placeholders(form) != placeholders(original):
                    problems.append(f"{message.where}: placeholders differ in {form!r}")
            except ValueError as error:
                problems.append(f"{message.where}: {error} in {form!r}")
                continue
            if tags(form) != tags(original):
                problems.append(f"{message.where}: HTML tags differ in {form!r}")
            if _valid_html(original) and not _valid_html(form):
                problems.append(f"{message.where}: not valid Telegram HTML: {form!r}")
    assert not problems, "\n".join(problems)


def _valid_html(text: str) -> bool:
    filled = text.format_map({name: "x" for name in placeholders(text)})
    try:
        parse_html(filled)
    except HtmlError:
        return False
    return True


def test_a_ukrainian_user_reads_ukrainian_and_others_english() -> None:
    catalogues = Catalogues.load()
    assert catalogues.languages == ("en", *sorted(LANGUAGES))
    assert catalogues.locale("uk-UA").gettext("Every command, one line each") != (
        "Every command, one line each"
    )
    assert catalogues.locale("de").language == "en"
    assert catalogues.locale(None).gettext("Read") == "Read"
