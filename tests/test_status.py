"""/status and /stats: what an operator sees in chat, and what everyone else does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from news.render import sparkline
from tests.botrun import running, settings_for
from tests.databases import database_of_test
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import ask, story

ADMIN, READER = 900, 901


@pytest.mark.slow
@pytest.mark.usefixtures("database_kind")
async def test_status_and_stats_for_admins_only(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    feeds.serve("/ok.xml", rss([story("old", "Old story", minutes_ago=90)]))
    feeds.fault("/down.xml", status=500)
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(
        "[topics]\nPolitics = []\nWorld = []\n\n"
        f'[[feeds]]\nurl = "{feeds.url("/ok.xml")}"\ntopics = ["Politics"]\n\n'
        f'[[feeds]]\nurl = "{feeds.url("/down.xml")}"\n'
    )
    database = database_of_test()
    settings = settings_for(telegram, database, feeds_file, admin_ids=frozenset({ADMIN}))
    async with running(settings):
        await ask(telegram, READER, "/subscribe Politics", "You now follow")
        await feeds.wait_for_requests("/ok.xml", 2)
        feeds.serve("/ok.xml", rss([story("new", "Fresh story"), story("old", "Old story")]))
        await telegram.wait_for_message(READER, containing="Fresh story")
        # Telegram has the alert; "sent" is written just after its answer, so an operator
        # asking at once may still see it in flight, as an operator would: ask again.
        for _ in range(50):
            status = await ask(telegram, ADMIN, "/status", "Status")
            if "Alerts sent today (UTC): 1" in status.splitlines():
                break
        stats = await ask(telegram, ADMIN, "/stats", "Subscribers per topic")
        refused = await ask(telegram, READER, "/status", "I don't know that command")
    lines = status.splitlines()
    assert lines[0] == "Status ⚠️"
    assert lines[1] == "Feeds: 1 ok, 1 failing, 0 off"
    assert "Chats receiving alerts: 1" in lines and "Alerts sent today (UTC): 1" in lines
    assert stats.splitlines()[1] == "Politics: 1"
    assert stats.splitlines()[4] == "▁▁▁▁▁▁█"  # six quiet days, then today's alert
    assert stats.splitlines()[-1].endswith(": 1")
    assert "Status" not in refused


def test_sparkline_scales_to_the_largest_value() -> None:
    assert sparkline([0, 1, 2, 4, 8]) == "▁▂▃▅█"
    assert sparkline([0, 0]) == "▁▁"
    assert sparkline([]) == ""
