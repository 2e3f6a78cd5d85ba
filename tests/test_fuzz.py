"""Hypothesis throws arbitrary messages and button data at every handler of the running bot,
through the fake Bot API: no handler may fail ("unhandled error" in the log, an apology in the
chat), and every reply must be Telegram HTML the fake's strict parser accepts.

One bot serves the whole run: hypothesis drives a synchronous test, and each example runs in
the one event loop that also runs the bot (its polling and jobs go on inside every example).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.botrun import running, settings_for
from tests.databases import database_of_test
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import JSON, FakeTelegram
from tests.newsroom import story

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("database_kind")]

BOT = "newsbot_test_bot"
COMMANDS = (
    "start", "help", "topics", "subscribe", "unsubscribe", "latest", "alert", "mute", "saved",
    "digest",
    "pause", "resume", "stop", "settings", "mode", "digest_time", "timezone", "quiet",
    "layout", "picture", "language", "feeds", "addfeed", "removefeed", "channels",
    "status", "stats", "broadcast", "nosuchcommand",
)  # fmt: skip
ALERT_WORDS = ("add", "list", "remove", "rm", "ADD", "")
MUTE_WORDS = ("source", "SOURCE", '"list"', "Test feed", "Tset feed")
# Every button prefix the bot makes, and some it does not.
PREFIXES = (
    "sv:", "us:", "sp:", "lt:", "lt::", "stop:", "bc:send:", "bc:", "tp:", "st:", "st:ly:",
    "st:lp:", "x", "",
    "ch:", "mg:", "ask:", "ad:", "@-1001234567890:", "@-1001234567890:mg:", "@-1001234567890:tp:+:",
    "@600001:", "@",
    "ml:", "um:", "ol:", "mo:", "mo:Test feed",
)  # fmt: skip
# Telegram's own refusals that handlers expect and handle (a double tap edits nothing).
EXPECTED_REFUSALS = ("message is not modified",)
APOLOGY = "Sorry, something went wrong"

# Markup-looking text finds a missing escape far sooner than text drawn from all of Unicode.
pieces = st.sampled_from([*list("<>&;\"'#/-_ ab\n"), "<b>", "</i>", "&amp;", "&#", "«»"])
# What Telegram can send: UTF-8 carries no lone surrogate ("\ud800" in JSON, which the fake
# would pass on), so none is drawn.
sent = st.characters(codec="utf-8")
hostile = st.lists(pieces | sent, min_size=1, max_size=20).map("".join)
numbers = st.integers(min_value=-(2**70), max_value=2**70).map(str)
words = st.sampled_from(
    (
        *ALERT_WORDS,
        *MUTE_WORDS,
        "World",
        "politics",
        "5",
        "20",
        "1h",
        "-sport",
        '"Kim',
        "compact",
        "large",
        "save_1",
        "save_0",
    )
)


def weighted(*choices: tuple[int, st.SearchStrategy[str]]) -> st.SearchStrategy[str]:
    """one_of with weights (one_of alone draws its first branches far more often)."""
    kinds = [index for index, (weight, _) in enumerate(choices) for _ in range(weight)]
    return st.sampled_from(kinds).flatmap(lambda index: choices[index][1])


argument = weighted(
    (3, hostile),
    (3, words),
    (2, st.text(sent, max_size=60)),
    (1, st.text(sent, min_size=1000, max_size=4000)),
    (1, numbers),
)


@st.composite
def commands(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(COMMANDS))
    suffix = draw(st.sampled_from(["", "", "", f"@{BOT}", "@other_bot"]))
    words = draw(st.lists(argument, max_size=4))
    separator = draw(st.sampled_from([" ", "  ", "\n", "\t"]))
    return separator.join([f"/{name}{suffix}", *words])


def _fits(data: str) -> bool:
    return 1 <= len(data.encode("utf-8")) <= 64  # what any button can carry


data_tail = argument | st.sampled_from(["5:5", ":0:5", "#1:0:20", "yes", "no", "1", "0", ":"])
button_data = (
    st.builds(lambda p, rest: p + rest, st.sampled_from(PREFIXES), data_tail)
    .map(lambda data: data.encode("utf-8")[:64].decode("utf-8", "ignore"))
    .filter(_fits)
)


@dataclass(frozen=True)
class Case:
    chat_type: str
    text: str | None  # a message, or None for a button press
    data: str = ""
    by_other_user: bool = False
    replying: bool = False  # the text quotes the bot's last message, as an answer to a prompt


# Mostly commands, where the handlers are; then button presses; some plain text.
messages = st.sampled_from(["command"] * 6 + ["press"] * 3 + ["text"]).flatmap(
    lambda kind: {
        "command": commands(),
        "press": st.none(),
        "text": st.text(sent, min_size=1, max_size=200) | hostile,
    }[kind]
)
cases = st.builds(
    Case,
    chat_type=st.sampled_from(["private", "private", "group", "supergroup", "channel"]),
    text=messages,
    data=button_data,
    by_other_user=st.booleans(),
    replying=st.booleans(),
)


class Failures(logging.Handler):
    """The bot's "unhandled error" lines (bot.app.on_error), as they are logged."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "unhandled error":
            self.records.append(record)


MARKUP = '<b>&amp; "x" <i'
SEEDS = [
    *(Case(kind, f"/{name} {MARKUP}") for name in COMMANDS for kind in ("private", "group")),
    *(Case("private", f"/alert {action} {MARKUP}") for action in ("add", "remove", "list")),
    *(
        Case(kind, f"/mute {rest}")
        for rest in (
            MARKUP,
            '"list"',
            "source",
            f"source {MARKUP}",
            "source Test feed",
            "list",
            "remove 1",
            f"remove {MARKUP}",
        )
        for kind in ("private", "group")
    ),
    Case("private", f"/latest {MARKUP} 5"),
    *(Case("channel", f"/{name} {MARKUP}") for name in COMMANDS),
    Case("private", "/start save_1"),
    Case("private", "/start save_999999"),
    *(
        Case(kind, None, f"{prefix}{MARKUP}")
        for prefix in PREFIXES
        for kind in ("private", "group")
    ),
    *(Case("private", None, data) for data in ("sv:1", "us:1", "sp:10", "lt::5:5", "stop:yes")),
    *(
        Case(kind, None, data)
        for data in ("st:ly:compact", "st:lp:large", "st:lp:on")
        for kind in ("private", "group")
    ),
    *(
        Case("group", f"/{name} {word}")
        for name, word in (("layout", "compact"), ("picture", "small"))
    ),
    *(Case("private", None, f"@-1001234567890:{data}") for data in ("mg:home", "ask:alerts")),
    Case("private", None, "ch:all"),
    Case("private", f"{MARKUP} answers", replying=True),
    *(Case("private", None, data) for data in ("ml:", "ol:", "um:1", "mo:Test feed")),
    *(Case(kind, None, "sv:1") for kind in ("group", "channel")),
    Case("channel", None, "tp:+:World", by_other_user=True),
]


@dataclass
class Harness:
    telegram: FakeTelegram
    failures: Failures
    chats: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _chat(self, chat_type: str) -> int:
        number = next(self.chats)
        if chat_type == "private":
            return 600_000 + number
        if chat_type == "group":
            return -600_000 - number
        if chat_type == "channel":
            # Posts reach a bot only in channels where it is an administrator.
            channel = -1_007_000_000_000 - number
            self.telegram.bot_membership_changes(channel, "administrator", chat_type="channel")
            return channel
        return -1_006_000_000_000 - number

    async def sentinel(self) -> None:
        """Updates are handled in order: once a fresh chat's /help is answered, every update
        sent before it has been handled too."""
        chat = self._chat("private")
        self.telegram.user_sends(chat, "/help")
        await self.telegram.wait_for_message(chat)

    async def exchange(self, case: Case) -> None:
        telegram = self.telegram
        failed, refused = len(self.failures.records), len(telegram.rejected)
        chat = self._chat(case.chat_type)
        user = chat if case.chat_type == "private" else 700_000 + abs(chat) % 100_000
        if case.text is not None and case.replying:
            telegram.user_sends(chat, "/help", chat_type=case.chat_type, user_id=user)
            question = await telegram.wait_for_message(chat)
            telegram.user_sends(
                chat,
                case.text,
                chat_type=case.chat_type,
                user_id=user,
                reply_to=question.message_id,
            )
        elif case.text is not None:
            telegram.user_sends(chat, case.text, chat_type=case.chat_type, user_id=user)
        else:
            # A bot message to press on: the answer to /help (its buttons do not matter,
            # the data is forged).
            telegram.user_sends(chat, "/help", chat_type=case.chat_type, user_id=user)
            message = await telegram.wait_for_message(chat)
            presser = user + 1 if case.by_other_user else user
            telegram.press_button(
                chat, message.message_id, case.data, user_id=presser, check_button=False
            )
        await self.sentinel()
        errors = [repr(r.exc_info[1]) for r in self.failures.records[failed:] if r.exc_info]
        assert errors == [], case
        apologies = [m for m in telegram.messages_to(chat) if APOLOGY in m.text]
        assert apologies == [], case
        assert unexpected(telegram.rejected[refused:]) == [], case


def unexpected(rejected: list[tuple[str, JSON, int, str]]) -> list[tuple[str, int, str]]:
    return [
        (method, status, description)
        for method, _, status, description in rejected
        if not any(expected in description for expected in EXPECTED_REFUSALS)
    ]


def test_arbitrary_messages_and_buttons_never_break_a_handler(tmp_path: Path) -> None:
    failures = Failures()
    logging.getLogger().addHandler(failures)
    with asyncio.Runner() as runner:
        stack = AsyncExitStack()
        telegram = runner.run(stack.enter_async_context(FakeTelegram()))
        feeds = runner.run(stack.enter_async_context(FeedServer()))
        harness = Harness(telegram, failures)
        try:
            runner.run(_start_bot(stack, telegram, feeds, tmp_path))

            @settings(
                max_examples=200,
                deadline=None,
                database=None,  # the same run every time: no examples replayed from earlier runs
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            )
            @given(case=cases)
            def check(case: Case) -> None:
                runner.run(asyncio.wait_for(harness.exchange(case), timeout=20))

            for case in SEEDS:  # every handler at least once, whatever hypothesis draws
                check = example(case=case)(check)
            check()
        finally:
            runner.run(stack.aclose())
            logging.getLogger().removeHandler(failures)
    assert failures.records == []  # nor while the bot stopped


async def _start_bot(
    stack: AsyncExitStack, telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    # Stored by the first poll (which alerts nobody): /latest and ⭐ Save have articles to show.
    titles = ["Budget <b>passes</b> & more", "Kim Jong Un meets envoys", "Київ: новини дня"]
    feeds.serve("/news.xml", rss([story(f"s{n}", title) for n, title in enumerate(titles)]))
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(
        '[topics]\nPolitics = ["політика"]\nWorld = []\n\n'
        f'[[feeds]]\nurl = "{feeds.url("/news.xml")}"\ntopics = ["Politics"]\n',
        encoding="utf-8",
    )
    url = database_of_test()
    fast = {
        "messages_per_second": 1000.0,
        "private_chat_messages_per_second": 1000.0,
        "group_messages_per_minute": 60000.0,
        "command_burst": 8,  # the flood guard in the path, as in production (users are fresh)
    }
    await stack.enter_async_context(running(settings_for(telegram, url, feeds_file, **fast)))
    await feeds.wait_for_requests("/news.xml", 2)
