"""`newsbot run` as an operator starts it: a real process, settings from its environment."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

import pytest

from tests.environment import NEWSBOT, environment
from tests.fakes.feeds import FeedServer, rss
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.slow


async def start(args: list[str], cwd: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *args, cwd=cwd, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )


async def test_without_a_token_it_says_what_to_set(tmp_path: Path) -> None:
    process = await start([sys.executable, "-m", "bot", "run"], tmp_path, environment())
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    message = err.decode()
    assert message.startswith("newsbot: TELEGRAM_BOT_TOKEN is not set.")
    assert ".env" in message and "Traceback" not in message
    assert len(message.strip().splitlines()) == 1


async def test_an_unknown_topic_in_the_feeds_file_stops_the_start(tmp_path: Path) -> None:
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(
        '[topics]\nWorld = []\n\n[[feeds]]\nurl = "https://a.example/rss"\ntopics = ["Wrold"]\n'
    )
    env = environment(TELEGRAM_BOT_TOKEN="1:" + "x" * 30, FEEDS_FILE=str(feeds_file))
    process = await start([str(NEWSBOT), "run"], tmp_path, env)
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert f"{feeds_file}, line 6: unknown topic 'Wrold'" in err.decode()
    assert "Traceback" not in err.decode()


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_newsbot_run_answers_and_never_logs_the_token(
    log_format: str, telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with FeedServer() as feeds:
        feeds.serve("/world.xml", rss([]))
        feeds_file = tmp_path / "feeds.toml"
        feeds_file.write_text(
            f'[topics]\nWorld = ["світ"]\n\n[[feeds]]\nurl = "{feeds.url("/world.xml")}"\n'
        )
        # The token also sits in .env, as an operator would put it.
        (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={telegram.token}\n")
        env = environment(
            TELEGRAM_API_BASE_URL=telegram.base_url,
            FEEDS_FILE=str(feeds_file),
            POLL_INTERVAL_SECONDS="1",
            LOG_LEVEL="DEBUG",
            LOG_FORMAT=log_format,
        )
        # The log goes to a file: a long-running bot at DEBUG fills a pipe nobody reads yet,
        # and then blocks on its next log line.
        log_file = (tmp_path / "newsbot.log").open("wb")
        process = await asyncio.create_subprocess_exec(
            str(NEWSBOT), "run", cwd=tmp_path, env=env, stderr=log_file
        )
        try:
            telegram.user_sends(42, "/start")
            reply = await telegram.wait_for_message(42, containing="Hi, Ann!", timeout=60)
            assert "World" in reply.text
            await feeds.wait_for_requests("/world.xml", 2)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 60)
            log_file.close()
    log = (tmp_path / "newsbot.log").read_text(encoding="utf-8")
    assert process.returncode == 0, log
    assert "newsbot started" in log
    if log_format == "json":
        events = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
        assert len(events) == len([line for line in log.splitlines() if line.strip()])
        started = next(e for e in events if e["event"] == "newsbot started")
        assert started["bot"] == f"@{telegram.bot_username}" and started["level"] == "INFO"
    else:
        assert f"newsbot started bot=@{telegram.bot_username} feeds=1 topics=World" in log
    assert telegram.token not in log
    assert telegram.token.split(":")[1] not in log
    assert (tmp_path / "newsbot.sqlite3").exists()  # the default database, in the working dir
