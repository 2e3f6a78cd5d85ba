"""The operator's port: /healthz says whether the bot is well, /metrics what it has done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from news.health import problems
from tests.botrun import running, settings_for
from tests.databases import database_of_test
from tests.environment import free_port
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram
from tests.newsroom import ask

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.mark.slow
@pytest.mark.usefixtures("database_kind")
async def test_healthz_and_metrics_of_a_running_bot(
    telegram: FakeTelegram, feeds: FeedServer, tmp_path: Path
) -> None:
    feeds.serve("/ok.xml", rss([{"title": "One", "guid": "1", "link": "https://a.example/1"}]))
    feeds.fault("/down.xml", status=500)
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(
        "[topics]\nWorld = []\n\n"
        f'[[feeds]]\nurl = "{feeds.url("/ok.xml")}"\ntopics = ["World"]\n\n'
        f'[[feeds]]\nurl = "{feeds.url("/down.xml")}"\n'
    )
    port = free_port()
    settings = settings_for(telegram, database_of_test(), feeds_file, metrics_port=port)
    async with running(settings), httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        await ask(telegram, 5, "/subscribe World", "You now follow World")
        await feeds.wait_for_requests("/ok.xml", 2)
        fresh = {"title": "Two", "guid": "2", "link": "https://a.example/2"}
        feeds.serve(
            "/ok.xml", rss([fresh, {"title": "One", "guid": "1", "link": "https://a.example/1"}])
        )
        await telegram.wait_for_message(5, containing="Two")
        health = await http.get("/healthz")
        assert (health.status_code, health.text) == (200, "ok\n")
        # "sent" is written just after Telegram's answer: a scrape at once may still count
        # the alert in the outbox, as an operator's next scrape would not.
        for _ in range(50):
            metrics = (await http.get("/metrics")).text
            if "newsbot_outbox_depth 0.0" in metrics:
                break
    assert 'newsbot_polls_total{result="200"}' in metrics
    assert 'newsbot_polls_total{result="error:http_5xx"}' in metrics  # the failing feed
    assert 'newsbot_subscriptions{topic="World"} 1.0' in metrics
    assert "newsbot_active_chats 1.0" in metrics
    assert "newsbot_outbox_depth 0.0" in metrics
    assert "newsbot_messages_sent_total 1.0" in metrics
    assert "newsbot_alerts_matched_total 1.0" in metrics
    assert "newsbot_discovery_to_delivery_seconds_count 1.0" in metrics


def test_a_fresh_start_is_healthy_until_a_deadline_passes() -> None:
    deadlines = {"poller": 2 * MINUTE}
    assert problems(NOW, started=NOW, beats={}, deadlines=deadlines, database_error=None) == []
    late = problems(
        NOW + 3 * MINUTE, started=NOW, beats={}, deadlines=deadlines, database_error=None
    )
    assert late == ["poller: no round finished for 180 s (allowed 120 s)"]


def test_each_unhealthy_part_is_named() -> None:
    found = problems(
        NOW,
        started=NOW - timedelta(hours=1),
        beats={"poller": NOW - 10 * MINUTE, "sender": NOW - timedelta(seconds=5)},
        deadlines={"poller": 2 * MINUTE, "sender": MINUTE},
        database_error="OperationalError: database is locked",
    )
    assert found == [
        "database: OperationalError: database is locked",
        "poller: no round finished for 600 s (allowed 120 s)",
    ]
