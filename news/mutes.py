"""Mutes: the words and outlets a chat never wants another article about, and what /mute means.

A words mute is a keyword query (news.keywords: whole words, any case, "phrases", -exclusions),
stored in its canonical form; a source mute names an outlet (news.store.outlets) as the bot
lists it. Whether a mute silences an article is news.routing's rule; this module reads what a
chat typed.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

# Every new article is matched against the mutes of the chats that would receive it: a bound
# per chat keeps that cheap, and fifty is more than a reader keeps track of.
MAX_MUTES = 50
# How many look-alike outlets a typo is answered with.
SUGGESTIONS = 3


class MuteKind(StrEnum):
    """The stored kind of a mute; the values are what the database holds."""

    WORDS = "words"
    SOURCE = "source"


@dataclass(frozen=True, slots=True)
class Mute:
    """A chat's mute as the store read it."""

    id: int
    chat_id: int
    kind: MuteKind
    value: str  # the canonical query (news.keywords.Query.text), or the outlet's name


# /mute's own words. Only these three, and only bare: `/mute "list"` mutes the word.
LIST, REMOVE, SOURCE = "list", "remove", "source"
_RESERVED = frozenset((LIST, REMOVE, SOURCE))


@dataclass(frozen=True, slots=True)
class Request:
    """What a /mute message asks for: an action (LIST, REMOVE, SOURCE) with the text after it,
    or, with no action, the words to mute (empty: the usage)."""

    action: str | None
    rest: str


def read(text: str) -> Request:
    """The arguments of /mute (the text after the command), as typed: quotes and spacing
    inside a phrase matter, so this is the raw text, not the split arguments."""
    first, rest = _first_word(text.strip())
    if first.casefold() in _RESERVED:
        return Request(first.casefold(), rest.strip())
    return Request(None, text.strip())


def _first_word(text: str) -> tuple[str, str]:
    parts = text.split(None, 1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""


def outlet_named(spelling: str, outlets: Sequence[str]) -> str | None:
    """The outlet a chat named, in any case and spacing; None when no outlet has that name."""
    wanted = _folded(spelling)
    return next((name for name in outlets if _folded(name) == wanted), None)


def closest_outlets(spelling: str, outlets: Sequence[str], n: int = SUGGESTIONS) -> list[str]:
    """The outlets a misspelt name most likely meant: those whose name contains it ("bbc"
    names "BBC News"), then those that look like it, best first."""
    wanted = _folded(spelling)
    if not wanted:
        return []
    by_fold = {_folded(name): name for name in outlets}
    found = [name for fold, name in by_fold.items() if wanted in fold]
    found += [by_fold[fold] for fold in difflib.get_close_matches(wanted, by_fold, n, 0.6)]
    return list(dict.fromkeys(found))[:n]


def same_outlet(a: str, b: str) -> bool:
    """Whether two spellings name one outlet: case and spacing aside."""
    return _folded(a) == _folded(b)


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())
