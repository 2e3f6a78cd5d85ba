"""/latest [topic] [n]: the newest headlines n at a time, a More button for the next page, and
usage with an example for arguments it cannot read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import ask, newsroom, story

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

ANN = 4101
FAST: dict[str, Any] = {"private_chat_messages_per_second": 100.0}


# Eleven different pieces of news (alike ones would be one story, listed once).
HEADLINES = (
    "Parliament approves the national budget after a night of debate",
    "Floods close the coastal railway for a week",
    "Central bank holds interest rates steady",
    "Teachers announce a two-day strike over pay",
    "New bridge over the Dnipro opens to traffic",
    "Wildfire forces evacuation of mountain villages",
    "Football club appoints a 34-year-old coach",
    "Astronomers photograph a distant galaxy with the new telescope",
    "Hospital waiting times fall for the first time since 2019",
    "Airline cancels flights as pilots walk out",
    "Museum returns stolen paintings to their owners",
)


def numbered(text: str) -> list[str]:
    """The headlines of a list, by their numbers: ["1. Parliament approves ...", ...]."""
    return [line for line in text.splitlines() if line[:1].isdigit() and ". " in line]


def listed(*numbers: int, first: int = 1) -> list[str]:
    """HEADLINES[n] for each n, numbered from `first` as a page lists them."""
    return [f"{at}. {HEADLINES[n]}" for at, n in enumerate(numbers, start=first)]


async def test_pages_with_more_until_everything_was_shown(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {}, **FAST) as room:
        room.publish(
            *(
                story(f"s{n}", title, minutes_ago=n + 1) | {"description": f"<p>{title}.</p>"}
                for n, title in enumerate(HEADLINES)
            )
        )
        await room.feeds.wait_for_requests("/news.xml", room.feeds.request_count("/news.xml") + 2)

        first = await ask(telegram, ANN, "/latest 5", "Latest headlines")
        assert numbered(first) == listed(*range(5))
        page = telegram.messages_to(ANN)[-1]
        more = page.reply_markup["inline_keyboard"][0][0]  # type: ignore[index]
        assert more == {"text": "More ▶", "callback_data": "lt::5:5"}

        before = len(telegram.messages_to(ANN))
        telegram.press_button(ANN, page.message_id, "lt::5:5")
        second = await telegram.wait_for_message(ANN, containing="Latest", after=before)
        assert numbered(second.text) == listed(*range(5, 10), first=6)
        # The pressed page lost its button: it cannot be pressed twice.
        assert "reply_markup" not in telegram.message_state(ANN, page.message_id)
        again = telegram.press_button(ANN, page.message_id, "lt::5:5", check_button=False)
        await telegram.wait_until(
            lambda: any(a["callback_query_id"] == again for a in telegram.callback_answers),
            what="the second press answered",
        )
        assert telegram.callback_answers[-1].get("text") == "Already shown."

        telegram.press_button(ANN, second.message_id, "lt::10:5")
        third = await telegram.wait_for_message(ANN, containing="11. ", after=before + 1)
        # The last new one and the story that was there before: the end, so no More button.
        assert numbered(third.text) == [*listed(10, first=11), "12. An old story"]
        assert third.reply_markup is None
        assert len(telegram.messages_to(ANN)) == before + 2

        on_topic = await ask(telegram, ANN, "/latest politics 3", "Latest on Politics")
        assert numbered(on_topic) == listed(0, 1, 2)
        assert telegram.messages_to(ANN)[-1].reply_markup is not None
        default = await ask(telegram, ANN, "/latest Politics", "Latest on Politics")
        assert len(numbered(default)) == 5
        many = await ask(telegram, ANN, "/latest 20", "Latest headlines")
        assert len(numbered(many)) == 12 and telegram.messages_to(ANN)[-1].reply_markup is None
    # The double tap's edit was the only thing Telegram refused: every page was valid HTML.
    assert [(method, status) for method, _, status, _ in telegram.rejected] == [
        ("editMessageReplyMarkup", 400)
    ]


async def test_arguments_it_cannot_read_get_usage_and_an_example(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {}, **FAST):
        for wrong in (
            "/latest 0",
            "/latest 21",
            "/latest World -3",
            "/latest 2.5",
            "/latest 5 World",
        ):
            usage = await ask(telegram, ANN, wrong, "Send /latest")
            assert "/latest Politics 10" in usage
        unknown = await ask(telegram, ANN, "/latest Politcs 3", "I don't know the topic")
        assert "Did you mean Politics?" in unknown and "Topics: Politics, World" in unknown
        empty = await ask(telegram, ANN, "/latest World", "No articles on World yet")
        assert "few minutes" in empty

        await ask(telegram, ANN, "/latest 1", "Latest headlines")
        page = telegram.messages_to(ANN)[-1]
        for forged in ("lt:Nowhere:5:5", "lt::5:50", "lt::x:5", "lt:#99:0:5", "lt:"):
            press = telegram.press_button(ANN, page.message_id, forged, check_button=False)
            await telegram.wait_until(
                lambda press=press: any(  # type: ignore[misc]
                    a["callback_query_id"] == press for a in telegram.callback_answers
                ),
                what=f"an answer to {forged}",
            )
            assert telegram.callback_answers[-1]["text"].startswith("This button no longer works")
    assert telegram.rejected == []
