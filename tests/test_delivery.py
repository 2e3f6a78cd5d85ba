"""Alerts survive Telegram's faults: nothing lost, nothing doubled, blocked chats set aside."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import ask, newsroom, story

ANN, BOB = 2001, 2002


def alerts(telegram: FakeTelegram, chat: int, title: str) -> int:
    return sum(title in message.text for message in telegram.messages_to(chat))


async def test_a_502_is_retried_until_the_alert_arrives(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {ANN: "Politics"}) as room:
        telegram.fail_next("sendMessage", status=502, description="Bad Gateway", chat_id=ANN)
        room.publish(story("vote", "Parliament votes on the budget"))
        await telegram.wait_for_message(ANN, containing="Parliament votes", timeout=20)
    assert [r[2] for r in telegram.rejected if r[0] == "sendMessage"] == [502]
    assert alerts(telegram, ANN, "Parliament votes") == 1


async def test_a_429_is_waited_out_and_sent_once(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {ANN: "Politics"}) as room:
        telegram.fail_next(
            "sendMessage",
            status=429,
            description="Too Many Requests: retry after 1",
            retry_after=1,
            chat_id=ANN,
        )
        room.publish(story("summit", "Leaders meet at the summit"))
        await telegram.wait_for_message(ANN, containing="Leaders meet", timeout=20)
    assert [r[2] for r in telegram.rejected if r[0] == "sendMessage"] == [429]
    assert alerts(telegram, ANN, "Leaders meet") == 1


async def test_a_blocked_chat_is_set_aside_and_comes_back_with_start(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {ANN: "Politics", BOB: "Politics"}) as room:
        telegram.block(ANN)
        room.publish(story("first", "First story after the block"))
        await telegram.wait_for_message(BOB, containing="First story")
        # Sender runs never overlap: once Bob has the next story, Ann's failed send was handled.
        room.publish(story("next", "Next story after the block"))
        await telegram.wait_for_message(BOB, containing="Next story")
        with sqlite3.connect(room.database) as db:
            assert db.execute("SELECT active FROM chats WHERE id = ?", (ANN,)).fetchone() == (0,)
            rows = db.execute("SELECT state, last_error FROM deliveries WHERE chat_id = ?", (ANN,))
            assert {(state, "blocked" in error) for state, error in rows} == {("failed", True)}

        telegram.unblock(ANN)
        await ask(telegram, ANN, "/start", "Hi")
        room.publish(story("second", "Second story, Ann is back"))
        await telegram.wait_for_message(ANN, containing="Second story")
        await ask(telegram, ANN, "/topics", "✅ Politics")  # her subscription was kept
    assert alerts(telegram, ANN, "First story") == 0


async def test_html_that_telegram_refuses_is_sent_as_plain_text(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {ANN: "Politics"}) as room:
        telegram.fail_next(
            "sendMessage",
            status=400,
            chat_id=ANN,
            description='Bad Request: can\'t parse entities: Unsupported start tag "x"',
        )
        room.publish(story("tags", "A story Telegram could not parse"))
        alert = await telegram.wait_for_message(ANN, containing="could not parse")
    assert alert.parse_mode is None and alert.entities == ()
    assert "https://news.example/tags" in alert.text
    assert "telegram refused our HTML" in caplog.text


async def test_a_handler_failure_gets_an_apology_and_a_logged_traceback(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {ANN: "Politics"}) as room:
        with sqlite3.connect(room.database) as db:  # the operator breaks the database by hand
            db.execute("DROP TABLE subscriptions")
        with caplog.at_level(logging.ERROR):
            reply = await ask(telegram, BOB, "/subscribe World", "Sorry")
    assert reply == "Sorry, something went wrong on my side. Please try again in a moment."
    assert "Traceback" in caplog.text and "no such table: subscriptions" in caplog.text
