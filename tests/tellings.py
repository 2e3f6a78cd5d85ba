"""Invented news for tests of stories: one event told by several outlets in their own words,
and unrelated events that must stay stories of their own. Each is (headline, lead)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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


# One name, two events: a story each.
PRIME_MINISTER = (
    "Macron names a new prime minister after weeks of talks",
    "French President Emmanuel Macron appointed a centrist veteran as prime minister on"
    " Thursday, ending weeks of negotiations with parties in parliament.",
)
SUMMIT = (
    "Macron hosts Ukraine peace summit in Paris",
    "French President Emmanuel Macron welcomed European leaders to Paris on Thursday for a"
    " summit on security guarantees for Ukraine.",
)
# One event in Ukrainian, told twice.
POVIN = (
    "Повінь у Валенсії: з домівок евакуювали 3000 людей",
    "Через зливи на сході Іспанії близько 3000 жителів Валенсії залишили свої домівки,"
    " повідомили чиновники у вівторок.",
)
POVIN_RETOLD = (
    "У Валенсії евакуювали тисячі людей через повінь",
    "Близько 3000 мешканців Валенсії евакуювали після сильних злив: річки вийшли з берегів,"
    " повідомив регіональний уряд.",
)


def feed_item(
    slug: str, text: tuple[str, str], *, minutes_ago: int = 5, topic: str = "World"
) -> dict[str, object]:
    """One of a feed's items (tests.fakes.feeds.rss) telling `text`, published minutes ago."""
    title, lead = text
    return {
        "title": title,
        "link": f"https://news.example/{slug}",
        "guid": slug,
        "description": f"<p>{lead}</p>",
        "categories": [topic],
        "pub_date": datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes_ago),
    }
