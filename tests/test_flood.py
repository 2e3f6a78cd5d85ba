"""A user who sends commands too fast is told once to slow down, then ignored until the window
passes; other users are not affected."""

from __future__ import annotations

from pathlib import Path

import pytest

from news.flood import Flood, Verdict
from tests.botrun import running, settings_for
from tests.chatting import say
from tests.databases import database_of_test
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram

ANN, BOB = 3401, 3402
NOTICE = "You're sending commands faster than I can keep up"


def test_the_ninth_command_in_ten_seconds_is_warned_once_then_ignored() -> None:
    flood = Flood(limit=8, window=10.0)
    assert [flood.check(ANN, 0.5 * n) for n in range(8)] == [Verdict.OK] * 8
    assert flood.check(ANN, 4.0) is Verdict.WARN
    assert flood.check(ANN, 5.0) is Verdict.IGNORE
    assert flood.check(BOB, 5.0) is Verdict.OK  # per user
    assert flood.check(ANN, 9.9) is Verdict.IGNORE  # the first command is not 10 s old yet
    assert flood.check(ANN, 10.0) is Verdict.OK  # it is now: room for one more
    assert flood.check(ANN, 10.1) is Verdict.WARN  # a new burst gets a new notice


def test_a_steady_pace_is_never_slowed_and_memory_is_kept_small() -> None:
    flood = Flood(limit=8, window=10.0)
    assert all(flood.check(ANN, 1.3 * n) is Verdict.OK for n in range(200))
    for user in range(1000):
        flood.check(user, 300.0)
    flood.check(ANN, 400.0)
    assert len(flood._times) == 1  # everyone else's times are gone after a quiet window


@pytest.mark.slow
@pytest.mark.usefixtures("database_kind")
async def test_a_burst_gets_one_polite_notice(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    feeds.serve("/news.xml", rss([]))
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(f'[topics]\nWorld = []\n\n[[feeds]]\nurl = "{feeds.url("/news.xml")}"\n')
    database = database_of_test()
    settings = settings_for(telegram, database, feeds_file, command_burst=8)
    async with running(settings):
        for _ in range(15):
            telegram.user_sends(ANN, "/help")
        # Updates are handled in order: once Bob is answered, Ann's burst has been handled.
        await say(telegram, BOB, "/help", "What I can do")
        texts = [m.text for m in telegram.messages_to(ANN)]
        assert sum(NOTICE in text for text in texts) == 1
        assert sum("What I can do" in text for text in texts) == 8
        assert NOTICE in texts[8]
