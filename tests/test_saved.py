"""⭐ Save under an alert, /saved with its remove buttons and pages, and presses that make no
sense (stale, forged) answered with a short notice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.chatting import answered
from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram, SentMessage
from tests.newsroom import ask, newsroom, story

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

ANN = 3101
FAST: dict[str, Any] = {"private_chat_messages_per_second": 100.0}


def buttons(message: SentMessage | dict[str, Any]) -> list[dict[str, str]]:
    """A message's inline buttons, as sent or as the message now stands."""
    markup = (
        message.reply_markup if isinstance(message, SentMessage) else message.get("reply_markup")
    )
    rows = (markup or {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]


def save_data(message: SentMessage) -> str:
    return next(b["callback_data"] for b in buttons(message) if "callback_data" in b)


async def test_save_an_alert_list_it_and_remove_it_in_place(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {ANN: "Politics"}, **FAST) as room:
        assert "Nothing saved yet" in await ask(telegram, ANN, "/saved", "Nothing saved yet")
        room.publish(story("vote", "Parliament votes on the budget & taxes"))
        alert = await telegram.wait_for_message(ANN, containing="Parliament votes")
        data = save_data(alert)
        assert data.startswith("sv:") and data[3:].isdecimal()

        first = telegram.press_button(ANN, alert.message_id, data)
        assert await answered(telegram, first) == "Saved ⭐"

        def shown() -> list[tuple[str, str | None]]:
            now = buttons(telegram.message_state(ANN, alert.message_id))
            return [(b["text"], b.get("callback_data")) for b in now]

        # The alert shows it is saved (edited right after the answer), and Read still opens it.
        await telegram.wait_until(
            lambda: shown() != [("Read", None), ("⭐ Save", data)], what="the button relabelled"
        )
        assert shown() == [("Read", None), ("✅ Saved", data)]
        again = telegram.press_button(ANN, alert.message_id, data)  # a double tap
        assert await answered(telegram, again) == "Already saved."
        gone = telegram.press_button(ANN, alert.message_id, "sv:987654", check_button=False)
        assert await answered(telegram, gone) == "That article is gone."
        forged = telegram.press_button(ANN, alert.message_id, "sv:<b>", check_button=False)
        assert await answered(telegram, forged) == "This button no longer works."

        listing = await ask(telegram, ANN, "/saved", "Saved articles")
        lines = listing.splitlines()
        assert lines[0] == "⭐ Saved articles (1)"
        assert lines[2] == "1. Parliament votes on the budget & taxes"
        assert lines[3].endswith(" · Example News")
        saved = telegram.messages_to(ANN)[-1]
        assert saved.links() == ["https://news.example/vote"]
        assert buttons(saved) == [{"text": "✖ 1", "callback_data": f"us:{data[3:]}"}]

        removing = telegram.press_button(ANN, saved.message_id, f"us:{data[3:]}")
        assert await answered(telegram, removing) == "Removed."
        await telegram.wait_until(
            lambda: telegram.message_state(ANN, saved.message_id)["text"].startswith("Nothing"),
            what="the list edited in place",
        )
        assert "reply_markup" not in telegram.message_state(ANN, saved.message_id)
        stale = telegram.press_button(ANN, saved.message_id, f"us:{data[3:]}", check_button=False)
        assert await answered(telegram, stale) == "It was already removed."
        await ask(telegram, ANN, "/saved", "Nothing saved yet")
    # The stale press re-showed the list as it was: the only (harmless) refusal.
    assert [r[3] for r in telegram.rejected if "not modified" not in r[3]] == []


async def test_a_long_list_pages_ten_at_a_time(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {ANN: "Politics"}, **FAST) as room:
        room.publish(*(story(f"s{n}", f"Story number {n}", minutes_ago=n) for n in range(12)))
        for n in range(12):
            alert = await telegram.wait_for_message(ANN, containing=f"Story number {n}\n")
            press = telegram.press_button(ANN, alert.message_id, save_data(alert))
            assert await answered(telegram, press) == "Saved ⭐"

        listing = await ask(telegram, ANN, "/saved", "Saved articles")
        assert listing.startswith("⭐ Saved articles (1-10 of 12)")
        assert "10. " in listing and "11. " not in listing
        page = telegram.messages_to(ANN)[-1]
        assert [b["text"] for b in buttons(page)][-1] == "▶"

        telegram.press_button(ANN, page.message_id, "sp:10")
        await telegram.wait_until(
            lambda: "11-12 of 12" in telegram.message_state(ANN, page.message_id)["text"],
            what="the second page in place",
        )
        second = telegram.message_state(ANN, page.message_id)
        assert [b["text"] for b in buttons(second)] == ["✖ 11", "✖ 12", "◀"]

        # Removing on page 2 stays on page 2; removing its last article goes back to page 1.
        telegram.press_button(ANN, page.message_id, buttons(second)[0]["callback_data"])
        await telegram.wait_until(
            lambda: "11-11 of 11" in telegram.message_state(ANN, page.message_id)["text"],
            what="page 2 without the removed article",
        )
        last = buttons(telegram.message_state(ANN, page.message_id))[0]["callback_data"]
        telegram.press_button(ANN, page.message_id, last)
        await telegram.wait_until(
            lambda: telegram.message_state(ANN, page.message_id)["text"].startswith(
                "⭐ Saved articles (10)"
            ),
            what="back on the one page left",
        )
        # Past the end: the last page, which is already shown (Telegram refuses the no-op edit).
        forged = telegram.press_button(ANN, page.message_id, "sp:999999", check_button=False)
        await answered(telegram, forged)
        await ask(telegram, ANN, "/alert list", "no keyword alerts")  # handled after the press
    assert [r[3] for r in telegram.rejected if "not modified" not in r[3]] == []
