"""The pacing arithmetic: what it lets through, when, and what a 429 changes."""

from __future__ import annotations

import itertools
import math

import pytest

from news.pacing import RECOVERY, Budget, Limits, Pacing, Rate, reply_share, sender_share

ANN, GROUP = 7, -100123


def test_rates_keep_fractions_with_a_whole_count() -> None:
    assert Rate.per_second(30) == Rate(30, 1.0)
    assert Rate.per_minute(20) == Rate(20, 60.0)
    assert Rate.per_second(0.5) == Rate(1, 2.0)
    half = Rate.per_second(29.5)
    assert half.count == 29 and half.seconds == pytest.approx(29 / 29.5)
    with pytest.raises(ValueError, match="above zero"):
        Rate.per_second(0)


def test_the_window_counts_a_message_until_a_period_after_its_answer() -> None:
    budget = Budget(Rate(2, 1.0), slack=math.inf)  # no pace: the window alone
    budget.start(0.0)
    budget.start(0.0)
    assert budget.ready_at(0.0) == math.inf  # both in flight: only an answer frees a place
    budget.answered(0.3)  # the server saw it at some time up to 0.3
    assert budget.ready_at(0.3) == pytest.approx(1.3)
    budget.answered(0.5)
    assert budget.ready_at(1.0) == pytest.approx(1.3)
    assert budget.ready_at(1.3) == pytest.approx(1.3)


def test_the_pace_spreads_starts_evenly_and_forgives_a_late_loop() -> None:
    budget = Budget(Rate(10, 1.0), slack=0.05)
    starts = []
    now = 0.0
    for _ in range(30):
        now = budget.ready_at(now) + 0.01  # the event loop always wakes 10 ms late
        budget.start(now)
        budget.answered(now)
        starts.append(now)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.05 - 1e-9  # never a burst
    # Thirty starts at 10/s take three seconds, not 30 x 110 ms: lateness is not cumulative.
    assert starts[-1] - starts[0] == pytest.approx(2.9, abs=0.05)


def test_a_private_chat_waits_a_second_after_each_answer_a_group_three() -> None:
    pacing = Pacing(Limits())
    pacing.start(ANN, 0.0)
    pacing.answered(ANN, 0.2)
    assert pacing.chat_ready_at(ANN, 0.5) == pytest.approx(1.2)
    pacing.start(GROUP, 0.0)
    pacing.answered(GROUP, 0.2)
    assert pacing.chat_ready_at(GROUP, 0.5) == pytest.approx(3.0)  # 20 a minute, evenly
    channel = -1001234567890  # a channel's id: paced as a group
    pacing.start(channel, 0.0)
    pacing.answered(channel, 0.2)
    assert pacing.chat_ready_at(channel, 0.5) == pytest.approx(3.0)
    # A reply waives the even pace, never the window: the group has room, Ann's second has not.
    assert pacing.chat_ready_at(GROUP, 0.5, smooth=False) == 0.5
    assert pacing.chat_ready_at(ANN, 0.5, smooth=False) == pytest.approx(1.2)
    assert pacing.chat_ready_at(42, 0.5) == 0.5  # a chat never written to is ready
    assert pacing.chat_ready_at("@channel", 0.5) == 0.5


def test_the_bot_wide_budget_holds_thirty_in_any_second() -> None:
    pacing = Pacing(Limits())
    now, starts = 0.0, []
    for chat in range(1, 91):
        now = pacing.ready_at(chat, now)
        pacing.start(chat, now)
        pacing.answered(chat, now + 0.005)  # five milliseconds on the wire
        starts.append(now)
    for first in starts:
        assert sum(first <= s < first + 1.0 for s in starts) <= 30
    assert 90 / (starts[-1] - starts[0] + 1 / 30) > 29  # and close to the limit


def test_a_429_for_a_quiet_chat_pauses_the_bot_and_slows_it_down() -> None:
    pacing = Pacing(Limits())
    pacing.start(ANN, 10.0)
    assert pacing.told_to_wait(ANN, 10.1, 5, paid=False) is True
    pacing.answered(ANN, 10.1)
    assert pacing.ready_at(99, 10.2) == pytest.approx(15.1)  # everything waits
    # Afterwards the bot-wide rate is about halved, then climbs back to full over RECOVERY.
    assert 15 <= _starts_in_one_second(pacing, 15.1) <= 17
    assert _starts_in_one_second(pacing, 10.1 + RECOVERY + 1) == 30


def test_a_429_for_a_busy_chat_pauses_only_that_chat() -> None:
    pacing = Pacing(Limits(private_chat=Rate(5, 1.0)))
    for at in (0.0, 0.1):
        pacing.start(ANN, at)
    assert pacing.told_to_wait(ANN, 0.2, 3, paid=False) is False
    pacing.answered(ANN, 0.2)
    assert pacing.chat_ready_at(ANN, 0.3) == pytest.approx(3.2)
    assert pacing.ready_at(99, 0.3) == 0.3  # other chats go on


def test_paid_broadcasts_have_their_own_bot_wide_budget() -> None:
    pacing = Pacing(Limits(paid=Rate(1000, 1.0)))
    for chat in range(1, 501):
        assert pacing.ready_at(chat, 0.0, paid=True) <= 0.5
        pacing.start(chat, pacing.ready_at(chat, 0.0, paid=True), paid=True)
    assert pacing.ready_at(999, 0.0) == 0.0  # free replies are not behind them


def test_idle_chats_are_forgotten_so_memory_stays_flat() -> None:
    pacing = Pacing(Limits(overall=Rate(1_000_000, 1.0)))
    for chat in range(1, 100_001):
        now = chat * 1e-3
        pacing.start(chat, now)
        pacing.answered(chat, now)
    assert pacing.chats_remembered < 5000  # about a second's worth, not 100,000


def _starts_in_one_second(pacing: Pacing, at: float) -> int:
    """How many messages to fresh chats the bot-wide budget lets start within [at, at + 1)."""
    started, now, chat = 0, at, 1_000
    while (now := pacing.ready_at(chat, now)) < at + 1:
        pacing.start(chat, now)
        pacing.answered(chat, now)
        started, chat = started + 1, chat + 1
    return started


@pytest.mark.parametrize("overall", [Rate(30, 1.0), Rate(1000, 1.0), Rate(20, 60.0)])
def test_the_processes_of_one_bot_never_sum_past_its_rate(overall: Rate) -> None:
    for processes in range(1, 11):
        reply = reply_share(overall, processes)
        for replying in range(processes):  # every process but the sender may be replying
            sender = sender_share(overall, reply, replying)
            assert sender.seconds == reply.seconds == overall.seconds  # one window for all
            assert sender.count + replying * reply.count <= overall.count
            assert sender.count >= overall.count // 2  # the sender keeps at least half


def test_the_sender_has_the_whole_rate_while_nobody_else_replies() -> None:
    # Telegram's 30/s and three processes: a replier gets 5 a second, the sender 30, 25 or 20.
    reply = reply_share(Rate(30, 1.0), 3)
    assert reply == Rate(5, 1.0)
    assert [sender_share(Rate(30, 1.0), reply, n).count for n in range(3)] == [30, 25, 20]
