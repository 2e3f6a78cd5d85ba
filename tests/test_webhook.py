"""Webhook mode: Telegram posts updates to the bot (the tests stand in for Telegram and the TLS
proxy, posting to the address the bot listens on), and each update is handled once, whatever
is posted twice or to two processes."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import Bot

from bot.app import build_app, load_feeds_file
from bot.mode import WrongMode
from bot.serve import Refused, serving
from bot.settings import Settings
from bot.webhook import Endpoint
from tests.botrun import running, settings_for
from tests.databases import migrated_url
from tests.environment import NEWSBOT, environment, free_port
from tests.fakes.telegram import SECRET_HEADER, FakeTelegram
from tests.tiers import require_slow

pytestmark = pytest.mark.slow
URL = "https://bot.example.org/telegram/hook"
SECRET = "s3cret_-token"
NO_FEEDS = "[topics]\nWorld = []\n"


@asynccontextmanager
async def webhook_bot(settings: Settings) -> AsyncIterator[Endpoint]:
    """The real application in webhook mode, in the test's loop, as `newsbot run` serves it."""
    require_slow("starts the whole application")
    app = build_app(settings, load_feeds_file(settings))
    async with serving(app, settings, asyncio.Event()) as endpoint:
        assert endpoint is not None
        yield endpoint


def hook_settings(telegram: FakeTelegram, url: str, tmp_path: Path, **more: Any) -> Settings:
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(NO_FEEDS)
    return settings_for(
        telegram, url, feeds_file, webhook_url=URL, webhook_secret=SECRET, webhook_port=0, **more
    )


async def post(address: str, body: object, secret: str | None = SECRET) -> int:
    headers = {} if secret is None else {SECRET_HEADER: secret}
    async with (
        aiohttp.ClientSession() as session,
        session.post(address, json=body, headers=headers) as response,
    ):
        return response.status


def address(port: int) -> str:
    return f"http://127.0.0.1:{port}/telegram/hook"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_forged_secrets_change_nothing_and_a_repeated_update_is_handled_once(
    kind: str, telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with (
        migrated_url(kind, tmp_path) as url,
        webhook_bot(hook_settings(telegram, url, tmp_path)) as endpoint,
    ):
        registered = telegram.webhook
        assert registered is not None
        assert (registered["url"], registered["secret_token"]) == (URL, SECRET)
        assert "message" in registered["allowed_updates"]
        assert registered.get("drop_pending_updates") in (None, False)  # pending ones kept
        hook = address(endpoint.bound_port)

        telegram.user_sends(42, "/start")
        [start] = telegram.take_updates()
        assert await post(hook, start, secret=None) == 403
        assert await post(hook, start, secret="guess") == 403
        assert await post(hook, start, secret=SECRET + "x") == 403
        assert await post(hook, {"update_id": 99, "message": "x" * (1024 * 1024)}) == 413
        assert await post(hook, ["not", "an", "update"]) == 400
        # Telegram's retry of a delivery it saw no answer to: the same update twice.
        assert await post(hook, start) == 200
        assert await post(hook, start) == 200

        # Updates are handled in order: once /help is answered, everything before it was.
        telegram.user_sends(43, "/help")
        [help_] = telegram.take_updates()
        assert await post(hook, help_) == 200
        await telegram.wait_for_message(43, timeout=30)
        assert len(telegram.messages_to(42)) == 1
        assert "Hi, Ann!" in telegram.messages_to(42)[0].text
    assert not [m for m, _ in telegram.calls if m.lower() in ("getupdates", "deletewebhook")]


async def test_healthz_reports_the_webhook_as_telegram_sees_it(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    port = free_port()
    async with (
        migrated_url("sqlite", tmp_path) as url,
        webhook_bot(hook_settings(telegram, url, tmp_path, metrics_port=port)),
        aiohttp.ClientSession() as session,
    ):
        healthz = f"http://127.0.0.1:{port}/healthz"
        async with session.get(healthz) as response:
            assert response.status == 200, await response.text()
        telegram.webhook_failing("Connection refused")
        async with session.get(healthz) as response:
            assert response.status == 503
            assert "webhook: delivery failed" in await response.text()
            assert "Connection refused" in await response.text()
        # Someone long-polled with the token: Telegram dropped the webhook.
        async with Bot(telegram.token, base_url=telegram.base_url) as poller:
            await poller.delete_webhook()
        async with session.get(healthz) as response:
            assert response.status == 503
            assert "Telegram has 'no webhook', not WEBHOOK_URL" in await response.text()


@pytest.mark.parametrize(
    ("values", "line"),
    [
        (
            {"WEBHOOK_URL": URL, "WEBHOOK_SECRET": "has spaces"},
            "newsbot: WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -",
        ),
        (
            {"WEBHOOK_URL": URL, "WEBHOOK_SECRET": "x" * 257},
            "newsbot: WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -",
        ),
        (
            {"WEBHOOK_URL": "https://bot.example.org:8080/hook", "WEBHOOK_SECRET": SECRET},
            "newsbot: WEBHOOK_URL's port must be one Telegram accepts: 443, 80, 88, 8443",
        ),
        (
            {"WEBHOOK_URL": URL},
            "newsbot: WEBHOOK_SECRET is required with WEBHOOK_URL (1-256 characters of A-Z, "
            "a-z, 0-9, _ and -)",
        ),
    ],
)
async def test_a_bad_webhook_setting_is_one_line_and_exit_2(
    values: dict[str, str], line: str, telegram: FakeTelegram, tmp_path: Path
) -> None:
    env = environment(
        TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_API_BASE_URL=telegram.base_url, **values
    )
    process = await asyncio.create_subprocess_exec(
        str(NEWSBOT), "run", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert err.decode().splitlines() == [line]
    assert telegram.calls == []  # never a setWebhook, let alone a retry of it


@dataclass
class Processes:
    """`newsbot run` processes in webhook mode on one PostgreSQL database, each on its port."""

    ports: list[int]
    logs: list[Path]
    processes: list[asyncio.subprocess.Process]

    def read_logs(self) -> list[str]:
        return [log.read_text() for log in self.logs]


@asynccontextmanager
async def webhook_processes(
    telegram: FakeTelegram, tmp_path: Path, count: int, **settings: str
) -> AsyncIterator[Processes]:
    """Started and registered; stopped with SIGTERM on the way out, each expected to exit 0."""
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(NO_FEEDS)
    running = Processes([free_port() for _ in range(count)], [], [])
    async with migrated_url("postgresql", tmp_path) as url:
        try:
            for number, port in enumerate(running.ports):
                env = environment(
                    TELEGRAM_BOT_TOKEN=telegram.token,
                    TELEGRAM_API_BASE_URL=telegram.base_url,
                    DATABASE_URL=url,
                    FEEDS_FILE=str(feeds_file),
                    WEBHOOK_URL=URL,
                    WEBHOOK_SECRET=SECRET,
                    WEBHOOK_PORT=str(port),
                    **settings,
                )
                running.logs.append(tmp_path / f"bot{number}.log")
                with running.logs[-1].open("wb") as log:
                    running.processes.append(
                        await asyncio.create_subprocess_exec(
                            str(NEWSBOT), "run", cwd=tmp_path, env=env, stderr=log
                        )
                    )
            await telegram.wait_until(
                lambda: sum(m.lower() == "setwebhook" for m, _ in telegram.calls) == count,
                timeout=60,
                what="every process registered the webhook",
            )
            yield running
        finally:
            for process in running.processes:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
            for process in running.processes:
                await asyncio.wait_for(process.wait(), 60)
    codes = [process.returncode for process in running.processes]
    assert codes == [0] * count, running.read_logs()


async def test_two_processes_on_one_postgresql_handle_an_update_posted_to_both_once(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with webhook_processes(telegram, tmp_path, 2) as running:
        telegram.user_sends(42, "/start")
        [start] = telegram.take_updates()
        both = await asyncio.gather(*(post(address(port), start) for port in running.ports))
        assert both == [200, 200]
        # A barrier per process: its own later update answered, it handled all before.
        for chat, port in zip((43, 44), running.ports, strict=True):
            telegram.user_sends(chat, "/help")
            [help_] = telegram.take_updates()
            assert await post(address(port), help_) == 200
        for chat in (43, 44):
            await telegram.wait_for_message(chat, timeout=60)
        assert len(telegram.messages_to(42)) == 1
    logs = running.read_logs()
    assert sum(log.count("update already handled") for log in logs) == 1, logs


@pytest.mark.timeout(300)
async def test_a_thousand_updates_over_two_processes_are_all_answered_without_429(
    tmp_path: Path,
) -> None:
    """Telegram's limits enforced by the fake, each process on the default settings: the
    process that does not send alerts answers within a replier's share of the bot-wide 30
    messages a second, taken through the database (news.pacing.reply_share), and the sender
    keeps the rest, so together they never pass Telegram's limit."""
    chats = range(200_001, 201_001)
    async with (
        FakeTelegram(enforce_limits=True) as telegram,
        webhook_processes(telegram, tmp_path, 2) as running,
        aiohttp.ClientSession() as session,
    ):
        for chat in chats:
            telegram.user_sends(chat, "/help")
        updates = telegram.take_updates()
        # As Telegram delivers: many connections at once (setWebhook's max_connections).
        connections = asyncio.Semaphore(40)
        headers = {SECRET_HEADER: SECRET}

        async def deliver(number: int, update: dict[str, Any]) -> int:
            hook = address(running.ports[number % 2])
            async with connections, session.post(hook, json=update, headers=headers) as answer:
                return answer.status

        started = time.monotonic()
        statuses = await asyncio.gather(*(deliver(n, u) for n, u in enumerate(updates)))
        posted = time.monotonic() - started
        assert statuses == [200] * len(chats)
        await telegram.wait_until(
            lambda: len({m.chat_id for m in telegram.sent}) == len(chats),
            timeout=240,
            what="every chat answered",
        )
        answered = time.monotonic() - started
        assert sorted(m.chat_id for m in telegram.sent) == list(chats)  # once each
        assert telegram.too_many_requests == 0
        print(f"1,000 updates posted in {posted:.1f} s, all answered in {answered:.1f} s")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_a_polled_update_sent_again_is_handled_once(
    kind: str, telegram: FakeTelegram, tmp_path: Path
) -> None:
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(NO_FEEDS)
    async with (
        migrated_url(kind, tmp_path) as url,
        running(settings_for(telegram, url, feeds_file)),
    ):
        telegram.user_sends(42, "/start")
        [start] = telegram.take_updates()
        # A failover: the dead poller's batch comes again, to whichever process polls now.
        telegram.redeliver(start, start)
        telegram.user_sends(43, "/help")
        await telegram.wait_for_message(43, timeout=30)
        assert len(telegram.messages_to(42)) == 1


async def test_a_process_in_the_other_mode_refuses_to_start(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    async with migrated_url("sqlite", tmp_path) as url:
        async with webhook_bot(hook_settings(telegram, url, tmp_path)):
            pass  # the database now says: webhook
        polling = settings_for(telegram, url, tmp_path / "feeds.toml")
        with pytest.raises(WrongMode, match="webhook mode, and long polling would delete"):
            async with running(polling):
                pass
        assert telegram.webhook is not None  # the refusal deleted nothing
        assert not [m for m, _ in telegram.calls if m.lower() == "deletewebhook"]


async def test_a_webhook_address_telegram_refuses_stops_the_start_with_its_reason(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    telegram.fail_next(
        "setWebhook",
        status=400,
        description="Bad Request: bad webhook: Failed to resolve host: Name or service not known",
    )
    async with migrated_url("sqlite", tmp_path) as url:
        with pytest.raises(Refused) as refused:
            async with webhook_bot(hook_settings(telegram, url, tmp_path)):
                pass
    # As python-telegram-bot words Telegram's description (first letter up, the rest down).
    assert str(refused.value) == (
        f"Telegram refused WEBHOOK_URL {URL}: Bad webhook: failed to resolve host: name or "
        "service not known"
    )
    assert sum(m.lower() == "setwebhook" for m, _ in telegram.calls) == 1  # never retried


async def test_setwebhook_through_an_outage_is_retried_with_a_line_per_attempt(
    telegram: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    telegram.fail_next("setWebhook", status=502, description="Bad Gateway", count=2)
    async with (
        migrated_url("sqlite", tmp_path) as url,
        webhook_bot(hook_settings(telegram, url, tmp_path)),
    ):
        assert telegram.webhook is not None and telegram.webhook["url"] == URL
    retries = [r for r in caplog.records if r.getMessage() == "cannot reach Telegram, retrying"]
    fields = [getattr(r, "fields", {}) for r in retries]
    assert [(f["step"], f["attempt"], f["retry_in"]) for f in fields] == [
        ("setWebhook", 1, 1.0),
        ("setWebhook", 2, 2.0),
    ]
    assert all(r.exc_info is None for r in retries)  # a line, no traceback
