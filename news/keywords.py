"""Keyword alerts: a chat's query ("kim jong un" -sport) and whether an article matches it.

Matching compares sequences of whole words, never a regular expression built from what a user
typed, so no query can make matching slow (no ReDoS) and "Київ" never matches inside "Києві".
No stemming is done: a query word matches that exact word only, whatever the language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Reason codes: short English phrases, msgids the bot can translate (QueryError.reason).
EMPTY = "empty"
ONLY_EXCLUSIONS = "only exclusions"
TOO_LONG = "too long"
TOO_MANY_TERMS = "too many terms"
UNBALANCED_QUOTE = "unbalanced quote"
CONTRADICTION = "excludes what it requires"

MAX_CHARS = 100
MAX_TERMS = 10

# Phones type “ ” or « », German and Ukrainian keyboards „ “; any one opens, the next closes.
QUOTES = frozenset('"“”«»„')
# The three apostrophes Ukrainian text uses (м'ясо, м’ясо, мʼясо) read as one, so they meet.
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})


def _marks() -> str:
    """Ranges of the combining marks in the BMP, which \\w leaves out (हिन्दी is one word)."""
    codes = [c for c in range(0x10000) if unicodedata.category(chr(c)).startswith("M")]
    ranges: list[tuple[int, int]] = []
    for c in codes:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


# A word: letters or digits (not "_", which \w includes) with their combining marks, and
# apostrophes only between letters ("don't", not the quote in 'word').
_PART = rf"(?:[^\W_][{_marks()}]*)+"
_WORD = re.compile(rf"{_PART}(?:'{_PART})*")
# Stress marks on Cyrillic vowels (Ки́їв) have no precomposed form and only guide reading.
_STRESS = "\u0301"

Term = tuple[str, ...]


class QueryError(ValueError):
    """A query the bot refuses; `reason` is one of the codes above, fit to show a user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def tokens(text: str) -> tuple[str, ...]:
    """The words of a text, casefolded and normalised, in order: what queries compare."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    folded = folded.translate(_APOSTROPHES).replace(_STRESS, "")
    return tuple(_WORD.findall(folded))


@dataclass(frozen=True, slots=True)
class Query:
    """All `required` terms must appear and no `excluded` one; a term is one word or a phrase."""

    required: tuple[Term, ...]
    excluded: tuple[Term, ...] = ()

    def text(self) -> str:
        """The canonical form, to store and show; parse_query(q.text()) == q."""
        shown = [_display(term) for term in self.required]
        shown += ["-" + _display(term) for term in self.excluded]
        return " ".join(shown)


def _display(term: Term) -> str:
    return term[0] if len(term) == 1 else '"' + " ".join(term) + '"'


def parse_query(text: str) -> Query:
    """A chat's query; bare words are ANDed, "quoted" words are a phrase, -word excludes."""
    text = text.strip()
    if len(text) > MAX_CHARS:
        raise QueryError(TOO_LONG)
    required: list[Term] = []
    excluded: list[Term] = []
    for negated, chunk in _chunks(text):
        # A bare chunk of several words (covid-19, U.S.) is read as the phrase it spells.
        term = tokens(chunk)
        target = excluded if negated else required
        if term and term not in target:
            target.append(term)
    query = Query(tuple(required), tuple(excluded))
    _check(query)
    return query


def _chunks(text: str) -> Iterable[tuple[bool, str]]:
    """(excluded?, raw text) for each term: quoted phrases and whitespace-separated words."""
    at = 0
    while at < len(text):
        if text[at].isspace():
            at += 1
            continue
        negated = text[at] == "-" and at + 1 < len(text) and not text[at + 1].isspace()
        at += negated
        if text[at] in QUOTES:
            close = next((i for i in range(at + 1, len(text)) if text[i] in QUOTES), -1)
            if close < 0:
                raise QueryError(UNBALANCED_QUOTE)
            yield negated, text[at + 1 : close]
            at = close + 1
        else:
            end = at
            while end < len(text) and not text[end].isspace() and text[end] not in QUOTES:
                end += 1
            yield negated, text[at:end]
            at = end


def _check(query: Query) -> None:
    if not query.required:
        raise QueryError(ONLY_EXCLUSIONS if query.excluded else EMPTY)
    if len(query.required) + len(query.excluded) > MAX_TERMS:
        raise QueryError(TOO_MANY_TERMS)
    # Casefolding can lengthen a query (ﬃ -> ffi); what is stored must parse again.
    if len(query.text()) > MAX_CHARS:
        raise QueryError(TOO_LONG)
    for out in query.excluded:
        if any(_contains(term, out) for term in query.required):
            raise QueryError(CONTRADICTION)


def _contains(words: Term, term: Term) -> bool:
    n = len(term)
    return any(words[i : i + n] == term for i in range(len(words) - n + 1))


@dataclass(frozen=True, slots=True)
class ArticleWords:
    """One article's words, tokenised once so every stored query can be matched cheaply."""

    texts: tuple[tuple[str, ...], ...]
    # Where each word occurs, (text, position): a phrase is checked only where it could start.
    places: Mapping[str, tuple[tuple[int, int], ...]]

    def has(self, term: Term) -> bool:
        """Whether the words of `term` occur consecutively within one of the texts."""
        starts = self.places.get(term[0], ())
        if len(term) == 1 or not starts:
            return bool(starts)
        n = len(term)
        return any(self.texts[t][p : p + n] == term for t, p in starts)


def article_words(texts: Iterable[str]) -> ArticleWords:
    """Headline, key points, summary: each a separate text, so no phrase spans two of them."""
    tokenised = tuple(tokens(text) for text in texts)
    places: dict[str, list[tuple[int, int]]] = {}
    for t, words in enumerate(tokenised):
        for p, word in enumerate(words):
            places.setdefault(word, []).append((t, p))
    return ArticleWords(tokenised, {word: tuple(at) for word, at in places.items()})


def match(query: Query, words: ArticleWords) -> str | None:
    """The first required term, spaced and unquoted (kim jong un), when the article matches.

    It names the keyword that matched for the alert; None when a required term is missing or an
    excluded one is present.
    """
    if not query.required or not all(words.has(term) for term in query.required):
        return None
    if any(words.has(term) for term in query.excluded):
        return None
    return " ".join(query.required[0])
