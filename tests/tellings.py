"""Invented news for tests of stories: one event told by several outlets in their own words,
and unrelated events that must stay stories of their own. Each is (headline, lead)."""

from __future__ import annotations

from tests.stock import made_up_words

FLOODS = (
    "Flooding forces 3,000 from homes in Valencia",
    "Rivers burst their banks after a night of torrential rain in eastern Spain, and 3,000 "
    "people were evacuated from their homes in Valencia.",
)
FLOODS_RETOLD = (
    "Valencia floods: thousands evacuated as rivers burst banks",
    "Torrential rain in eastern Spain made rivers burst their banks overnight; about 3,000 "
    "Valencia residents left their homes.",
)
FLOODS_THIRD = (
    "Thousands flee Valencia floods as rivers burst their banks",
    "About 3,000 people left their homes in Valencia after torrential rain made rivers burst "
    "their banks in eastern Spain.",
)
RATES = (
    "Central bank holds interest rates steady",
    "The bank kept its main rate unchanged on Thursday, saying inflation was slowing.",
)
STRIKE = (
    "Teachers strike over pay in the capital",
    "Thousands of teachers walked out of schools on Monday, demanding a pay rise.",
)


def morning(count: int = 12, *, seed: str = "morning") -> list[tuple[str, str]]:
    """A morning's other news, (headline, lead) each in words of its own: story grouping joins
    no story before it holds a dozen articles, as a bot's first poll gives it."""
    stories = []
    for n in range(count):
        words = made_up_words(f"{seed}-{n}", 12)
        stories.append((" ".join(words[:4]).capitalize(), " ".join(words[4:]).capitalize() + "."))
    return stories
