"""`newsbot run` at start, as an operator meets it: Telegram down, a refused token, a second
process on one SQLite file. Real processes, the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.environment import NEWSBOT, environment, free_port
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.slow
NO_FEEDS = "[topics]\nWorld = []\n"


def bot_environment(tmp_path: Path, base_url: str, token: str, **values: str) -> dict[str, str]:
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(NO_FEEDS)
    return environment(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_BASE_URL=base_url,
        FEEDS_FILE=str(feeds_file),
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'newsbot.sqlite3'}",
        **values,
    )


async def start(env: dict[str, str], cwd: Path, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        str(NEWSBOT), *(args or ("run",)), cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def read_until(
    process: asyncio.subprocess.Process, done: Callable[[list[str]], bool], timeout: float = 60
) -> list[str]:
    """The process's log lines, read as they come, until `done(lines)`."""
    assert process.stderr is not None
    lines: list[str] = []
    async with asyncio.timeout(timeout):
        while not done(lines):
            line = await process.stderr.readline()
            if not line:
                raise AssertionError("the process ended:\n" + "".join(lines))
            lines.append(line.decode())
    return lines


async def stop(process: asyncio.subprocess.Process) -> int:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode


async def test_a_refused_token_is_one_line_and_exit_2(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    wrong = "999999:" + "x" * 35  # the fake answers 401 for any token but its own
    process = await start(bot_environment(tmp_path, telegram.base_url, wrong), tmp_path)
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert err.decode().splitlines() == [
        "newsbot: Telegram refused TELEGRAM_BOT_TOKEN. Check the token @BotFather gave you."
    ]


async def test_telegram_unreachable_at_start_is_retried_until_it_answers(
    tmp_path: Path,
) -> None:
    port = free_port()  # nothing listens there yet: connections are refused, as with no network
    telegram = FakeTelegram(port=port)
    env = bot_environment(tmp_path, f"http://127.0.0.1:{port}/bot", telegram.token)
    process = await start(env, tmp_path)
    try:
        lines = await read_until(
            process, lambda seen: sum("cannot reach Telegram" in line for line in seen) >= 2
        )
        assert "Traceback" not in "".join(lines)
        failures = [line for line in lines if "cannot reach Telegram" in line]
        assert "step=getMe attempt=1" in failures[0] and "retry_in=1.0" in failures[0]
        assert "attempt=2" in failures[1] and "retry_in=2.0" in failures[1]
        assert process.returncode is None  # still there, waiting
        async with telegram:  # Telegram is back
            await read_until(process, lambda seen: "newsbot started" in "".join(seen))
            telegram.user_sends(42, "/start")
            await telegram.wait_for_message(42, containing="Hi, Ann!", timeout=60)
            assert await stop(process) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_a_dns_failure_at_start_is_retried_and_a_stop_meanwhile_is_clean(
    tmp_path: Path,
) -> None:
    # .invalid never resolves (https://www.rfc-editor.org/rfc/rfc2606#section-2).
    env = bot_environment(tmp_path, "https://api.newsbot-test.invalid/bot", "123:" + "x" * 30)
    process = await start(env, tmp_path)
    try:
        lines = await read_until(
            process, lambda seen: sum("cannot reach Telegram" in line for line in seen) >= 2
        )
        failures = [line for line in lines if "cannot reach Telegram" in line]
        assert "step=getMe attempt=1" in failures[0] and "step=getMe attempt=2" in failures[1]
        assert "ConnectError" in failures[0]
    finally:
        returncode = await stop(process)  # SIGTERM while it waits to try again
    assert returncode == 0
    assert "Traceback" not in "".join(lines)


async def finish(env: dict[str, str], cwd: Path, *args: str) -> tuple[int | None, str]:
    """A short command: its exit status and what it said (stdout and stderr)."""
    process = await start(env, cwd, *args)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, (out + err).decode()


async def test_a_second_run_on_one_sqlite_file_refuses_and_feeds_commands_still_work(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    env = bot_environment(tmp_path, telegram.base_url, telegram.token)
    first = await start(env, tmp_path)
    third = None
    try:
        await read_until(first, lambda seen: "newsbot started" in "".join(seen))
        database = (tmp_path / "newsbot.sqlite3").resolve()
        assert await finish(env, tmp_path, "run") == (
            2,
            f"newsbot: another `newsbot run` is using {database}. SQLite serves one process; "
            "to run several, use PostgreSQL (DATABASE_URL=postgresql+asyncpg://..., "
            "docs/deploy.md).\n",
        )
        status, _ = await finish(env, tmp_path, "feeds", "list")
        assert status == 0  # `newsbot feeds ...` is not refused
        assert await finish(env, tmp_path, "mode") == (0, "the bot runs in polling mode.\n")
        assert await finish(env, tmp_path, "mode", "webhook") == (
            2,
            f"newsbot: a `newsbot run` is using {database}: stop it first, then switch.\n",
        )

        first.kill()  # kill -9: the kernel drops the lock with the process
        await first.wait()
        third = await start(env, tmp_path)
        await read_until(third, lambda seen: "newsbot started" in "".join(seen))
        assert await stop(third) == 0
    finally:
        for process in (first, third):
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()


async def test_the_mode_is_switched_deliberately_and_a_process_in_the_other_refuses(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    env = bot_environment(tmp_path, telegram.base_url, telegram.token)
    assert await finish(env, tmp_path, "mode") == (
        0,
        "no mode recorded yet: the first `newsbot run` records its own.\n",
    )
    assert await finish(env, tmp_path, "mode", "webhook") == (
        0,
        "switched to webhook mode: set WEBHOOK_URL and WEBHOOK_SECRET for every process, then "
        "start them.\n",
    )
    status, said = await finish(env, tmp_path, "run")  # no WEBHOOK_URL: it would poll
    assert status == 2 and "Traceback" not in said
    assert said.splitlines()[-1:] == [  # after the log lines of the start so far
        "newsbot: the database says this bot runs in webhook mode, and long polling would "
        "delete the webhook the other processes serve. Set WEBHOOK_URL and WEBHOOK_SECRET as "
        "they have them; or, to switch to polling, stop every newsbot process and run "
        "`newsbot mode polling`."
    ]
    assert not [m for m, _ in telegram.calls if m.lower() in ("deletewebhook", "getupdates")]
