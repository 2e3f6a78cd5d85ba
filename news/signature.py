"""What story grouping reads of an article: its weighted words and its headline's names and numbers.

Pure: text in, values out. Words are Unicode word runs, casefolded and lightly stemmed (Snowball
for English and Russian through PyStemmer; Ukrainian, which Snowball has no stemmer for, keeps its
first six letters), so "vaccines"/"vaccinated" and "Бресте"/"Брест" meet. The headline weighs
three times the lead: it is the outlet's own summary of the event.

A headline's names (capitalised words past the start of a sentence, or words its lead capitalises
there) and numbers are its marks: two tellings of one event rarely disagree on them, while two
events cut from one template ("Weather in Brest on 3 June", "Weather in Gomel on 3 June") differ
in little else. news/stories.py weighs words by how rare they are and penalises such conflicts.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import Stemmer

__all__ = ["Signature", "Text", "Words", "text_of", "words_of"]

# Digits with their separators ("266,000", "5.5") stay one token; letters run until a non-letter,
# keeping inner apostrophes ("don't", "м'ясо").
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "`": "'"})
# A sentence ends at . ! ? or an ellipsis before a space, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+|\n+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z]")
# Letters Ukrainian has and Russian has not: one of them makes a text Ukrainian.
_UKRAINIAN = re.compile(r"[іїєґ]")
_UKRAINIAN_PREFIX = 6
_ENGLISH = Stemmer.Stemmer("english")
_RUSSIAN = Stemmer.Stemmer("russian")
# A headline in Title Case capitalises every word; then only the lead tells names apart.
_TITLE_CASE_SHARE = 0.6
_TITLE_CASE_MIN_LETTERS = 4

HEADLINE_WEIGHT = 3.0
LEAD_CHARS = 500


@dataclass(frozen=True, slots=True)
class Text:
    """An article as grouping reads it: the headline, and the lead (key points when it has none)."""

    headline: str
    lead: str


def text_of(title: str, summary: str, key_points: Sequence[str] = ()) -> Text:
    """An entry as grouping reads it: its title, and its summary, else its key points one a line.
    A line break ends a sentence, so a point's first word is not taken for a name; joined with
    spaces, "Inflation" opening a point would make the headline's "inflation" look like one."""
    lead = summary.strip() or "\n".join(point.strip() for point in key_points)
    return Text(title.strip(), lead)


@dataclass(frozen=True, slots=True)
class Words:
    """A telling's term weights before IDF (1 + log of each word's count, the headline's
    counted more: sublinear term frequency), its headline's words and marks."""

    counts: Mapping[str, float]
    headline: frozenset[str]
    marks: frozenset[str]


@dataclass(frozen=True, slots=True)
class Signature:
    """What the store keeps per article to restore grouping: unit-length word weights, as
    weighed when the article arrived, and its headline's words and marks."""

    weights: Mapping[str, float]
    headline: frozenset[str]
    marks: frozenset[str]

    def encode(self) -> str:
        """Compact JSON, the same bytes for the same signature."""
        return json.dumps(
            {
                "w": dict(sorted(self.weights.items())),
                "h": sorted(self.headline),
                "m": sorted(self.marks),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, text: str) -> Signature:
        raw = json.loads(text)
        weights = {str(word): float(weight) for word, weight in raw["w"].items()}
        return cls(
            weights=weights,
            headline=frozenset(str(word) for word in raw["h"]),
            marks=frozenset(str(mark) for mark in raw["m"]),
        )


@dataclass(frozen=True, slots=True)
class _Token:
    stem: str
    capitalised: bool  # past the start of its sentence
    number: bool


def words_of(text: Text, *, lead_chars: int = LEAD_CHARS) -> Words:
    lead = text.lead[:lead_chars]
    ukrainian = _UKRAINIAN.search(f"{text.headline} {lead}".casefold()) is not None
    headline = list(_tokens(text.headline, ukrainian=ukrainian))
    body = list(_tokens(lead, ukrainian=ukrainian))
    counts: defaultdict[str, float] = defaultdict(float)
    for token in headline:
        counts[token.stem] += HEADLINE_WEIGHT
    for token in body:
        counts[token.stem] += 1.0
    # Sublinear: a word said five times is not five times the evidence.
    weights = {stem: 1.0 + math.log(count) for stem, count in counts.items()}
    return Words(
        counts=weights,
        headline=frozenset(token.stem for token in headline),
        marks=_marks(text.headline, headline, body),
    )


def _marks(headline_text: str, headline: list[_Token], body: list[_Token]) -> frozenset[str]:
    named_in_lead = {token.stem for token in body if token.capitalised}
    title_case = _title_case(headline_text)
    return frozenset(
        token.stem
        for token in headline
        if token.number or token.stem in named_in_lead or (token.capitalised and not title_case)
    )


def _title_case(headline: str) -> bool:
    long_words = [w for w in _TOKEN.findall(headline) if len(w) >= _TITLE_CASE_MIN_LETTERS]
    if not long_words:
        return False
    capitalised = sum(1 for word in long_words if word[0].isupper())
    return capitalised / len(long_words) > _TITLE_CASE_SHARE


def _tokens(text: str, *, ukrainian: bool) -> Iterator[_Token]:
    for sentence in _SENTENCE_END.split(text.translate(_APOSTROPHES)):
        for position, match in enumerate(_TOKEN.finditer(sentence)):
            word = match.group()
            if word[0].isdigit():
                yield _Token(word.replace(",", "."), capitalised=False, number=True)
                continue
            if len(word) < 2:  # single letters: initials, "a", "в", "і"
                continue
            stem = _stem(word.casefold(), ukrainian=ukrainian)
            yield _Token(stem, capitalised=position > 0 and word[0].isupper(), number=False)


def _stem(word: str, *, ukrainian: bool) -> str:
    if _CYRILLIC.search(word):
        if ukrainian:
            return word[:_UKRAINIAN_PREFIX]
        return str(_RUSSIAN.stemWord(word))
    if _LATIN.search(word):
        return str(_ENGLISH.stemWord(word))
    return word
