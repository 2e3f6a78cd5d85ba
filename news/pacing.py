"""Pacing: when the next message may go, so that Telegram never has to answer 429.

Pure arithmetic on `now`, seconds of a monotonic clock the caller reads; nothing here sleeps or
does I/O. sending/limiter.py waits on it before every message the bot sends (replies included),
and sending/sender.py asks it which chats are ready before taking their alerts from the outbox.

Telegram's limits are per bot, server-side and approximate
(https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this): about 30
messages a second in all, about one a second per chat, 20 a minute per group or channel. Each
limit is a `Rate` kept by a `Budget` with two rules:

- the window, which is the guarantee: at most `count` messages in any `seconds`, where a message
  counts from the moment it leaves until `seconds` after its answer came back. The server saw it
  somewhere in between, so however the network delays one request and hurries the next, no
  window of `seconds` at the server ever holds more than `count` of ours.
- the pace, which spreads the budget: starts follow an even schedule of `seconds / count` (GCRA)
  that may run up to SLACK early, so a late event loop does not lose its turn and a broadcast
  goes out evenly instead of in bursts.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

SLACK = 0.1  # seconds a start may come before its slot on the even pace
# After Telegram said the bot as a whole was too fast, the bot-wide rate drops to this share
# and climbs back to full over RECOVERY seconds without another such 429.
SLOWDOWN = 0.5
LOWEST_SHARE = 0.1
RECOVERY = 60.0
NEVER = math.inf

Chat = int | str  # a chat id, or a public "@channelusername"


@dataclass(frozen=True, slots=True)
class Rate:
    """At most `count` messages per `seconds`."""

    count: int
    seconds: float

    def __post_init__(self) -> None:
        if self.count < 1 or not self.seconds > 0:
            raise ValueError(f"a rate needs a count >= 1 and seconds > 0, not {self}")

    @classmethod
    def per_second(cls, messages: float) -> Rate:
        return cls.per(messages, 1.0)

    @classmethod
    def per_minute(cls, messages: float) -> Rate:
        return cls.per(messages, 60.0)

    @classmethod
    def per(cls, messages: float, seconds: float) -> Rate:
        """`messages` per `seconds`, fractions kept: 0.5 a second is 1 per 2 s, 29.5 is 29 per
        0.983 s (the window needs a whole count)."""
        if not messages > 0:
            raise ValueError(f"a rate must be above zero, not {messages}")
        count = max(1, math.floor(messages + 1e-9))
        return cls(count, seconds * count / messages)


@dataclass(frozen=True, slots=True)
class Limits:
    """Telegram's limits as the bot keeps them (https://core.telegram.org/bots/faq and
    https://core.telegram.org/bots/api#paid-broadcasts)."""

    overall: Rate = Rate(30, 1.0)
    private_chat: Rate = Rate(1, 1.0)
    group: Rate = Rate(20, 60.0)  # groups, supergroups and channels
    paid: Rate = Rate(1000, 1.0)  # bot-wide, for messages sent with allow_paid_broadcast


@dataclass(slots=True)
class Budget:
    """One limit's state: a window of recent messages and a slot on the even pace."""

    rate: Rate
    slack: float = SLACK
    _answered: deque[float] = field(default_factory=deque)  # answer times, oldest first
    _open: int = 0  # sent, not answered yet
    _slot: float = -NEVER  # the next start on the even pace
    _paused_until: float = -NEVER
    _share: float = 1.0  # of the rate, right after the last slowdown
    _slowed_at: float = -NEVER

    def ready_at(self, now: float, *, smooth: bool = True) -> float:
        """The earliest time a message may start: `now` or later, NEVER until an answer.
        Without `smooth`, only the window and pauses count, not the even pace."""
        count, seconds = self._count(now), self.rate.seconds
        self._forget(now)
        at = max(now, self._paused_until)
        if smooth:
            at = max(at, self._slot - self.slack)
        excess = self._open + len(self._answered) - count + 1
        if excess > 0:
            if excess > len(self._answered):
                return NEVER  # all of the window is in flight: only an answer frees a place
            at = max(at, self._answered[excess - 1] + seconds)
        return at

    def start(self, now: float) -> None:
        self._open += 1
        interval = self.rate.seconds / (self.rate.count * self._share_at(now))
        self._slot = max(self._slot, now) + interval

    def answered(self, now: float) -> None:
        self._open = max(0, self._open - 1)
        self._answered.append(now)

    def in_use(self, now: float) -> int:
        """Messages in flight or still counted in the window."""
        self._forget(now)
        return self._open + len(self._answered)

    def pause(self, until: float) -> None:
        self._paused_until = max(self._paused_until, until)

    def paused(self, now: float) -> bool:
        return self._paused_until > now

    def slow_down(self, now: float) -> None:
        self._share = max(LOWEST_SHARE, self._share_at(now) * SLOWDOWN)
        self._slowed_at = now

    def idle(self, now: float) -> bool:
        """Nothing remembered matters any more: the budget may be forgotten."""
        return (
            self.in_use(now) == 0
            and self._slot - self.slack <= now
            and self._paused_until <= now
            and self._share_at(now) >= 1.0
        )

    def _share_at(self, now: float) -> float:
        return min(1.0, self._share + (now - self._slowed_at) * (1.0 - self._share) / RECOVERY)

    def _count(self, now: float) -> int:
        return max(1, math.floor(self.rate.count * self._share_at(now) + 1e-9))

    def _forget(self, now: float) -> None:
        while self._answered and self._answered[0] + self.rate.seconds <= now:
            self._answered.popleft()


def reply_share(overall: Rate, processes: int) -> Rate:
    """The bot-wide budget a process that answers chats but does not send alerts may use while
    it replies, where `processes` share one bot (news.store.leadership elects the sender).

    A whole count of the same window as `overall`, so that in any window the sum holds:
    sender + repliers * share <= overall.count. At most half of the budget goes to repliers,
    however many processes there are."""
    return Rate(max(1, overall.count // (2 * max(1, processes))), overall.seconds)


def sender_share(overall: Rate, reply: Rate, replying: int) -> Rate:
    """What is left for the sender while `replying` processes each use `reply`."""
    return Rate(max(1, overall.count - reply.count * max(0, replying)), overall.seconds)


class Pacing:
    """Every budget the bot keeps: bot-wide (free and paid) and one per chat."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._overall = Budget(self.limits.overall)
        self._paid = Budget(self.limits.paid)
        self._chats: dict[Chat, Budget] = {}
        self._sweep_above = 1024

    @property
    def chats_remembered(self) -> int:
        return len(self._chats)

    def chat_ready_at(self, chat: Chat, now: float, *, smooth: bool = True) -> float:
        """When the chat's own limit lets the next message start (the bot-wide one aside).

        Without `smooth` the chat's even pace is waived (its window still holds): a reply to
        someone who just wrote should not wait three seconds because a group had an alert."""
        budget = self._chats.get(chat)
        return now if budget is None else budget.ready_at(now, smooth=smooth)

    def ready_at(self, chat: Chat, now: float, *, paid: bool = False, smooth: bool = True) -> float:
        chat_at = self.chat_ready_at(chat, now, smooth=smooth)
        return max(chat_at, self._bot(paid).ready_at(now))

    def start(self, chat: Chat, now: float, *, paid: bool = False) -> None:
        self._chat(chat, now).start(now)
        self._bot(paid).start(now)

    def answered(self, chat: Chat, now: float, *, paid: bool = False) -> None:
        self._chat(chat, now).answered(now)
        self._bot(paid).answered(now)

    def told_to_wait(self, chat: Chat, now: float, seconds: float, *, paid: bool = False) -> bool:
        """Telegram answered 429 with retry_after for a message that is still open.

        The chat waits that long. When the chat had nothing else in its own window, its own
        limit cannot have been hit: the 429 is about the bot as a whole, so everything waits
        and the bot-wide rate slows down (once per pause, however many answers say so).
        Returns whether the bot as a whole was paused.
        """
        budget = self._chat(chat, now)
        budget.pause(now + seconds)
        if budget.in_use(now) > 1:
            return False
        bot = self._bot(paid)
        if not bot.paused(now):
            bot.slow_down(now)
        bot.pause(now + seconds)
        return True

    @property
    def overall(self) -> Rate:
        """The bot-wide rate this process keeps to now (its share, when several run)."""
        return self._overall.rate

    def share(self, overall: Rate) -> None:
        """This process's share of the bot-wide rate from now on (news.pacing.shares)."""
        self._overall.rate = overall

    def hold(self, until: float) -> None:
        """No message starts before `until`: another process's may still be in the window."""
        self._overall.pause(until)

    def _bot(self, paid: bool) -> Budget:
        return self._paid if paid else self._overall

    def _chat(self, chat: Chat, now: float) -> Budget:
        budget = self._chats.get(chat)
        if budget is None:
            if len(self._chats) >= self._sweep_above:
                self._sweep(now)
            budget = self._chats[chat] = Budget(self._rate_of(chat), slack=0.0)
        return budget

    def _rate_of(self, chat: Chat) -> Rate:
        # Private chats have positive ids; groups, supergroups and channels negative ones, and
        # a channel may be named by its @username (https://core.telegram.org/bots/api#sendmessage).
        private = isinstance(chat, int) and chat > 0
        return self.limits.private_chat if private else self.limits.group

    def _sweep(self, now: float) -> None:
        """Forget idle chats; amortised, so a broadcast to 100,000 chats stays flat in memory."""
        self._chats = {chat: b for chat, b in self._chats.items() if not b.idle(now)}
        self._sweep_above = max(1024, 2 * len(self._chats))
