"""The bot's one rate limiter, in python-telegram-bot, against the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import pytest
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from news.pacing import Limits, Rate
from sending.limiter import Lane, Limiter
from tests.fakes.telegram import FakeTelegram, FloodLimits

ANN = 5
BotFactory = Callable[[Limits], ExtBot[Lane]]


@pytest.fixture
async def bots(telegram: FakeTelegram) -> AsyncIterator[BotFactory]:
    """Bots that send through a Limiter with the given limits; closed after the test."""
    made: list[ExtBot[Lane]] = []

    def make(limits: Limits) -> ExtBot[Lane]:
        bot = ExtBot(telegram.token, base_url=telegram.base_url, rate_limiter=Limiter(limits))
        made.append(bot)
        return bot

    yield make
    for bot in made:
        await bot.shutdown()


async def test_a_reply_that_meets_a_429_is_sent_once_the_wait_is_over(
    telegram: FakeTelegram, bots: BotFactory
) -> None:
    bot = bots(Limits())
    await bot.initialize()
    telegram.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 1", retry_after=1
    )
    started = time.monotonic()
    await bot.send_message(ANN, "Your topics: Politics")
    assert time.monotonic() - started >= 1.0  # it waited as told, then sent
    assert [m.text for m in telegram.messages_to(ANN)] == ["Your topics: Politics"]
    assert telegram.too_many_requests == 1


async def test_an_alert_that_meets_a_429_goes_back_to_the_outbox(
    telegram: FakeTelegram, bots: BotFactory
) -> None:
    bot = bots(Limits())
    await bot.initialize()
    telegram.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 7", retry_after=7
    )
    with pytest.raises(RetryAfter):
        await bot.send_message(ANN, "An alert", rate_limit_args=Lane.ALERT)
    assert telegram.messages_to(ANN) == []


async def test_replies_go_before_alerts_already_waiting(
    telegram: FakeTelegram, bots: BotFactory
) -> None:
    bot = bots(Limits(overall=Rate(5, 1.0)))
    await bot.initialize()
    alerts = [
        asyncio.create_task(bot.send_message(chat, "alert", rate_limit_args=Lane.ALERT))
        for chat in range(100, 120)
    ]
    await telegram.wait_for_message(100)  # the alerts are queued and going out at 5 a second
    reply = asyncio.create_task(bot.send_message(ANN, "You now follow Politics"))
    await telegram.wait_for_message(ANN)
    for task in alerts:
        task.cancel()
    await asyncio.gather(reply, *alerts, return_exceptions=True)
    order = [m.chat_id for m in telegram.sent]
    assert order.index(ANN) <= 6  # next in line, not behind twenty alerts
    assert telegram.too_many_requests == 0


async def test_one_chat_is_sent_to_no_faster_than_its_limit() -> None:
    async with FakeTelegram(
        enforce_limits=True, limits=FloodLimits(private_burst=5, private_per_second=5)
    ) as strict:
        bot = ExtBot(
            strict.token,
            base_url=strict.base_url,
            rate_limiter=Limiter(Limits(private_chat=Rate(5, 1.0))),
        )
        async with bot:
            started = time.monotonic()
            for n in range(12):
                await bot.send_message(ANN, f"message {n}", rate_limit_args=Lane.ALERT)
            elapsed = time.monotonic() - started
    assert [m.text for m in strict.messages_to(ANN)] == [f"message {n}" for n in range(12)]
    assert strict.too_many_requests == 0
    assert elapsed >= 2.0  # twelve at five a second: two full windows waited


async def test_calls_that_post_nothing_are_not_held_back(
    telegram: FakeTelegram, bots: BotFactory
) -> None:
    bot = bots(Limits(overall=Rate(1, 60.0)))  # one message a minute
    await bot.initialize()
    await bot.send_message(ANN, "the one message this minute")
    started = time.monotonic()
    for _ in range(5):
        await bot.get_me()
        await bot.send_chat_action(ANN, "typing")
    assert time.monotonic() - started < 5.0
