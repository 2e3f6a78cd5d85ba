"""Alerts and chats that leave and come back, through the whole application: a blocked chat
set aside until /start, a group announced as a supergroup, a handler that fails.
tests/test_sender.py has the sender's own answers to Telegram's faults."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.chatting import alerts, refusals
from tests.databases import drop_table
from tests.fakes.feeds import FeedServer
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import Newsroom, ask, newsroom, story

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

ANN, BOB = 2001, 2002
GROUP, SUPERGROUP = -500, -100500


async def active(room: Newsroom, chat: int) -> bool | None:
    async with room.store() as store:
        prefs = await store.chats.prefs(chat)
    return None if prefs is None else prefs.active


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
        assert await active(room, ANN) is False
        async with room.store() as store:
            rows = await store.outbox.entries(ANN)
        assert {(e.state, "blocked" in (e.last_error or "")) for e in rows} == {("failed", True)}

        telegram.unblock(ANN)
        await ask(telegram, ANN, "/start", "Hi")
        room.publish(story("second", "Second story, Ann is back"))
        await telegram.wait_for_message(ANN, containing="Second story")
        await ask(telegram, ANN, "/topics", "✅ Politics")  # her subscription was kept
    assert alerts(telegram, ANN, "First story") == 0


async def test_a_handler_failure_gets_an_apology_and_a_logged_traceback(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with newsroom(telegram, feeds, tmp_path, {ANN: "Politics"}) as room:
        await drop_table(room.url, "subscriptions")  # the operator breaks the database by hand
        with caplog.at_level(logging.ERROR):
            reply = await ask(telegram, BOB, "/subscribe World", "Sorry")
    assert reply == "Sorry, something went wrong on my side. Please try again in a moment."
    assert "Traceback" in caplog.text and "subscriptions" in caplog.text


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
        assert await active(room, ANN) is False
        room.publish(story("away", "A story while Ann is away"))
        await telegram.wait_for_message(BOB, containing="while Ann is away")

        telegram.bot_membership_changes(ANN, "member")
        await ask(telegram, BOB, "/help", "What I can do")
        room.publish(story("back", "Ann is back for this one"))
        await telegram.wait_for_message(ANN, containing="Ann is back")
        await ask(telegram, ANN, "/topics", "✅ Politics")  # her subscription was kept
    assert alerts(telegram, ANN, "while Ann is away") == 0
    assert refusals(telegram, ANN) == []  # nothing was sent in vain while she was away
