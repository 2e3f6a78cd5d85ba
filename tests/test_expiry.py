"""The expiry round on its own, against the fake Bot API: due messages deleted, what the bot may
not delete dropped, a network fault ending the round with the rest kept for the next one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram import Bot

from news.store import Store
from sending.expiry import Expiry
from tests.clocks import Clock
from tests.databases import database_or_sqlite
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.usefixtures("database_kind")

CHANNEL = -1009101
NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)


async def test_a_round_deletes_what_is_due_and_drops_what_it_may_not(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    telegram.bot_membership_changes(
        CHANNEL, "administrator", chat_type="channel", rights=frozenset({"post_messages"})
    )
    clock = Clock(NOW)
    async with (
        database_or_sqlite(tmp_path) as url,
        Bot(telegram.token, base_url=telegram.base_url) as bot,
    ):
        store = Store.connect(url)
        try:
            telegram.user_sends(CHANNEL, "/start", chat_type="channel")
            command = telegram.latest_message_id(CHANNEL)
            answers = [(await bot.send_message(CHANNEL, f"answer {n}")).message_id for n in (1, 2)]
            for message in (command, *answers):
                await store.expiring.add(CHANNEL, message, NOW + timedelta(seconds=60))
            expiry = Expiry(store, bot, clock)
            assert await expiry.delete_due() == 0  # not yet

            clock.advance(timedelta(seconds=60))
            telegram.fail_next("deleteMessage", status=502, description="Bad Gateway", after=1)
            assert await expiry.delete_due() == 1  # the refused command; the fault ends the round
            assert telegram.deleted_messages == []
            assert await expiry.delete_due() == 2
            assert telegram.deleted_messages == [(CHANNEL, answers[0]), (CHANNEL, answers[1])]
            assert await store.expiring.due(clock(), 10) == []
        finally:
            await store.close()
    refused = [(m, p["message_id"], d) for m, p, _, d in telegram.rejected]
    assert refused == [
        ("deleteMessage", command, "Bad Request: message can't be deleted"),
        ("deleteMessage", answers[0], "Bad Gateway"),
    ]
