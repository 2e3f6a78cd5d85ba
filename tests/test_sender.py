"""The sender meets Telegram's faults: nothing lost, nothing doubled, gone chats set aside with
the reason. The Sender on a real store and the fake Bot API, without the application."""

from __future__ import annotations

from pathlib import Path

import pytest

from sending.sender import Retries
from tests.chatting import alerts, refusals
from tests.dispatch import QUICK, dispatch
from tests.fakes.telegram import FakeTelegram
from tests.stock import article

pytestmark = pytest.mark.usefixtures("database_kind")

ANN, BOB = 2001, 2002
GROUP, SUPERGROUP = -500, -100500


async def test_a_502_is_retried_until_the_alert_arrives(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with dispatch(telegram, tmp_path) as post:
        await post.follow(ANN, "Politics")
        telegram.fail_next("sendMessage", status=502, description="Bad Gateway", chat_id=ANN)
        await post.publish(article("vote", "Politics", title="Parliament votes on the budget"))
        await telegram.wait_for_message(ANN, containing="Parliament votes")
    assert [r[2] for r in telegram.rejected if r[0] == "sendMessage"] == [502]
    assert alerts(telegram, ANN, "Parliament votes") == 1


async def test_a_429_is_waited_out_and_sent_once(telegram: FakeTelegram, tmp_path: Path) -> None:
    async with dispatch(telegram, tmp_path) as post:
        await post.follow(ANN, "Politics")
        telegram.fail_next(
            "sendMessage",
            status=429,
            description="Too Many Requests: retry after 1",
            retry_after=1,
            chat_id=ANN,
        )
        await post.publish(article("summit", "Politics", title="Leaders meet at the summit"))
        await telegram.wait_for_message(ANN, containing="Leaders meet")
        [entry] = await post.until(ANN, lambda e: e[0].state == "sent", what="recorded as sent")
    assert [r[2] for r in telegram.rejected if r[0] == "sendMessage"] == [429]
    assert alerts(telegram, ANN, "Leaders meet") == 1
    assert entry.attempts == 1  # waiting when told to is not a failed attempt


async def test_html_that_telegram_refuses_is_sent_as_plain_text(
    telegram: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with dispatch(telegram, tmp_path) as post:
        await post.follow(ANN, "Politics")
        telegram.fail_next(
            "sendMessage",
            status=400,
            chat_id=ANN,
            description='Bad Request: can\'t parse entities: Unsupported start tag "x"',
        )
        await post.publish(article("tags", "Politics", title="A story Telegram could not parse"))
        alert = await telegram.wait_for_message(ANN, containing="could not parse")
    assert alert.parse_mode is None and alert.entities == ()
    assert "https://news.example/tags" in alert.text
    assert "telegram refused our HTML" in caplog.text


async def test_a_kicked_group_and_a_deleted_chat_are_set_aside_with_the_reason(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with dispatch(telegram, tmp_path) as post:
        for chat in (ANN, BOB, GROUP):
            await post.follow(chat, "Politics")
        telegram.block(GROUP)
        telegram.delete_chat(BOB)
        await post.publish(article("quake", "Politics", title="Earthquake shakes the capital"))
        await telegram.wait_for_message(ANN, containing="Earthquake")
        for chat in (GROUP, BOB):
            await post.until(chat, lambda e: e[0].state == "failed", what="the refusal recorded")
        # Later articles are queued for Ann only.
        await post.publish(article("after", "Politics", title="Aftershocks expected"))
        await telegram.wait_for_message(ANN, containing="Aftershocks")

        assert (refusals(telegram, GROUP), refusals(telegram, BOB)) == ([403], [400])  # once
        for chat in (GROUP, BOB):
            prefs = await post.store.chats.prefs(chat)
            assert prefs is not None and not prefs.active
        assert [(e.state, e.last_error, e.attempts) for e in await post.entries(GROUP)] == [
            ("failed", "chat unreachable: Forbidden: bot was kicked from the group chat", 1)
        ]
        assert [(e.state, e.last_error, e.attempts) for e in await post.entries(BOB)] == [
            ("failed", "chat unreachable: chat not found", 1)
        ]


async def test_a_group_that_became_a_supergroup_gets_its_alerts_there(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with dispatch(telegram, tmp_path) as post:
        await post.follow(GROUP, "Politics")
        telegram.migrate_group(GROUP, SUPERGROUP)
        await post.publish(article("move", "Politics", title="The group moves house"))
        await telegram.wait_for_message(SUPERGROUP, containing="moves house")
        [entry] = await post.until(
            SUPERGROUP, lambda e: e[0].state == "sent", what="recorded as sent"
        )

        assert await post.store.chats.topics(SUPERGROUP) == {"Politics"}  # it follows there
        group, supergroup = [await post.store.chats.prefs(c) for c in (GROUP, SUPERGROUP)]
        assert group is not None and not group.active
        assert supergroup is not None and supergroup.active
    assert refusals(telegram, GROUP) == [400]
    assert alerts(telegram, SUPERGROUP, "moves house") == 1
    assert (entry.state, entry.last_error, entry.attempts) == ("sent", None, 1)  # no attempt


async def test_network_faults_are_retried_then_given_up_with_the_reason(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    retries = Retries(max_attempts=3, first=QUICK.first)
    async with dispatch(telegram, tmp_path, retries=retries) as post:
        await post.follow(ANN, "Politics")
        telegram.fail_next(
            "sendMessage", status=502, description="Bad Gateway", chat_id=ANN, count=3
        )
        await post.publish(article("down", "Politics", title="Telegram was down for this one"))
        await post.until(ANN, lambda e: e[0].state == "failed", what="given up")
        await post.publish(article("up", "Politics", title="Telegram is back"))
        await telegram.wait_for_message(ANN, containing="Telegram is back")
        entries = await post.until(ANN, lambda e: e[-1].state == "sent", what="the next sent")
    assert [(e.state, e.last_error, e.attempts) for e in entries] == [
        ("failed", "network: Bad Gateway", 3),
        ("sent", None, 1),
    ]
    assert refusals(telegram, ANN) == [502, 502, 502]
    assert alerts(telegram, ANN, "was down") == 0
