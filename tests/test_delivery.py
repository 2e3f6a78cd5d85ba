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
    quick = {"send_retry_seconds": 0.1}
    async with newsroom(telegram, feeds, tmp_path, {ANN: "Politics"}, **quick) as room:
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
        # Another poll later: by then Ann's refused send was handled, and she is not matched.
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


GROUP, SUPERGROUP = -500, -100500


def deliveries(database: Path, chat: int) -> list[tuple[str, str | None, int]]:
    """(state, last_error, attempts) of a chat's outbox rows, oldest first, as an operator reads
    them."""
    with sqlite3.connect(database) as db:
        return db.execute(
            "SELECT state, last_error, attempts FROM deliveries WHERE chat_id = ? ORDER BY id",
            (chat,),
        ).fetchall()


def active(database: Path, chat: int) -> bool | None:
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT active FROM chats WHERE id = ?", (chat,)).fetchone()
    return None if row is None else bool(row[0])


def refusals(telegram: FakeTelegram, chat: int) -> list[int]:
    return [r[2] for r in telegram.rejected if r[0] == "sendMessage" and r[1]["chat_id"] == chat]


async def test_a_kicked_group_and_a_deleted_chat_are_set_aside_with_the_reason(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    chats = {ANN: "Politics", BOB: "Politics", GROUP: "Politics"}
    async with newsroom(telegram, feeds, tmp_path, chats) as room:
        telegram.block(GROUP)
        telegram.delete_chat(BOB)
        room.publish(story("quake", "Earthquake shakes the capital"))
        await telegram.wait_for_message(ANN, containing="Earthquake")
        # Another poll later: by then both refusals were handled, and only Ann is matched.
        room.publish(story("after", "Aftershocks expected"))
        await telegram.wait_for_message(ANN, containing="Aftershocks")
    assert (refusals(telegram, GROUP), refusals(telegram, BOB)) == ([403], [400])  # tried once
    assert active(room.database, GROUP) is False and active(room.database, BOB) is False
    assert deliveries(room.database, GROUP) == [
        ("failed", "chat unreachable: Forbidden: bot was kicked from the group chat", 1)
    ]
    assert deliveries(room.database, BOB) == [("failed", "chat unreachable: chat not found", 1)]


async def test_a_group_that_became_a_supergroup_gets_its_alerts_there(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {GROUP: "Politics"}) as room:
        telegram.migrate_group(GROUP, SUPERGROUP)
        room.publish(story("move", "The group moves house"))
        await telegram.wait_for_message(SUPERGROUP, containing="moves house")
        await ask(telegram, SUPERGROUP, "/topics", "✅ Politics")  # its subscription moved too
    assert refusals(telegram, GROUP) == [400]
    assert alerts(telegram, SUPERGROUP, "moves house") == 1
    assert active(room.database, GROUP) is False and active(room.database, SUPERGROUP) is True
    assert deliveries(room.database, SUPERGROUP) == [("sent", None, 1)]  # the move is no attempt


async def test_telegram_announcing_a_supergroup_moves_the_chat_before_any_alert(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {GROUP: "Politics"}) as room:
        telegram.migrate_group(GROUP, SUPERGROUP, announce=True)
        # Updates are handled in order: once this is answered, the move was handled.
        await ask(telegram, SUPERGROUP, "/topics", "✅ Politics")
        room.publish(story("move", "The group moved first"))
        await telegram.wait_for_message(SUPERGROUP, containing="moved first")
    assert refusals(telegram, GROUP) == []  # the old id was never tried


async def test_blocking_the_bot_stops_alerts_and_unblocking_brings_them_back(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {ANN: "Politics", BOB: "Politics"}) as room:
        telegram.bot_membership_changes(ANN, "kicked")
        await ask(telegram, BOB, "/help", "What I can do")  # handled after Ann's update
        assert active(room.database, ANN) is False
        room.publish(story("away", "A story while Ann is away"))
        await telegram.wait_for_message(BOB, containing="while Ann is away")

        telegram.bot_membership_changes(ANN, "member")
        await ask(telegram, BOB, "/help", "What I can do")
        room.publish(story("back", "Ann is back for this one"))
        await telegram.wait_for_message(ANN, containing="Ann is back")
        await ask(telegram, ANN, "/topics", "✅ Politics")  # her subscription was kept
    assert alerts(telegram, ANN, "while Ann is away") == 0
    assert refusals(telegram, ANN) == []  # nothing was sent in vain while she was away


async def test_network_faults_are_retried_then_given_up_with_the_reason(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    quick = {"send_max_attempts": 3, "send_retry_seconds": 0.05}
    async with newsroom(telegram, feeds, tmp_path, {ANN: "Politics"}, **quick) as room:
        telegram.fail_next(
            "sendMessage", status=502, description="Bad Gateway", chat_id=ANN, count=3
        )
        room.publish(story("down", "Telegram was down for this one"))
        await telegram.wait_until(lambda: len(refusals(telegram, ANN)) == 3, what="3 refusals")
        room.publish(story("up", "Telegram is back"))
        await telegram.wait_for_message(ANN, containing="Telegram is back")
    assert deliveries(room.database, ANN) == [
        ("failed", "network: Bad Gateway", 3),
        ("sent", None, 1),
    ]
    assert alerts(telegram, ANN, "was down") == 0
