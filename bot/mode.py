"""How the bot receives updates, as the database records it for every process: long polling or
the webhook. Telegram allows one at a time (getUpdates fails while a webhook is set, and a
poller starts by deleting the webhook), so a process started in the other mode refuses, and
`newsbot mode polling|webhook` is the operator's deliberate switch."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime

from bot.settings import Settings
from news.records import UpdateMode
from news.store import Store
from news.store.lockfile import Taken, sole_user


class WrongMode(Exception):
    """The database says the bot runs in the other mode; the message says what to change."""


def of(settings: Settings) -> UpdateMode:
    return UpdateMode.WEBHOOK if settings.webhook_url else UpdateMode.POLLING


def refusal(recorded: UpdateMode, wanted: UpdateMode) -> str:
    if recorded is UpdateMode.WEBHOOK:
        return (
            "the database says this bot runs in webhook mode, and long polling would delete "
            "the webhook the other processes serve. Set WEBHOOK_URL and WEBHOOK_SECRET as they "
            "have them; or, to switch to polling, stop every newsbot process and run "
            "`newsbot mode polling`."
        )
    return (
        "the database says this bot runs in polling mode, and a webhook would stop the "
        f"polling process's getUpdates. Unset WEBHOOK_URL; or, to switch to {wanted} mode, stop "
        "every newsbot process and run `newsbot mode webhook`."
    )


async def claim(store: Store, wanted: UpdateMode, now: datetime) -> None:
    """At start: record `wanted` if no mode is, else raise WrongMode unless it is the one."""
    recorded = await store.updates.start_in(wanted, now)
    if recorded is not wanted:
        raise WrongMode(refusal(recorded, wanted))


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mode = commands.add_parser(
        "mode", help="show, or switch, how the bot receives updates (polling or webhook)"
    )
    mode.add_argument(
        "switch_to",
        nargs="?",
        choices=[m.value for m in UpdateMode],
        metavar="polling|webhook",
        help="record this mode (stop every `newsbot run` first)",
    )


def run(settings: Settings, args: argparse.Namespace) -> tuple[int, str]:
    """`newsbot mode [polling|webhook]`: the exit status and the line to print."""
    if args.switch_to is None:
        return 0, asyncio.run(_show(settings))
    try:
        # On SQLite the lock file tells whether a `newsbot run` is alive; on PostgreSQL the
        # operator has stopped them (docs/deploy.md).
        with sole_user(settings.database_url):
            return 0, asyncio.run(_switch(settings, UpdateMode(args.switch_to)))
    except Taken as taken:
        return 2, f"a `newsbot run` is using {taken.database}: stop it first, then switch."


async def _show(settings: Settings) -> str:
    async with Store.opened(settings.database_url) as store:
        recorded = await store.updates.mode()
    if recorded is None:
        return "no mode recorded yet: the first `newsbot run` records its own."
    return f"the bot runs in {recorded} mode."


async def _switch(settings: Settings, mode: UpdateMode) -> str:
    async with Store.opened(settings.database_url) as store:
        before = await store.updates.switch(mode, datetime.now(UTC))
    if before is mode:
        return f"the bot already runs in {mode} mode."
    setting = (
        "set WEBHOOK_URL and WEBHOOK_SECRET"
        if mode is UpdateMode.WEBHOOK
        else ("unset WEBHOOK_URL")
    )
    return f"switched to {mode} mode: {setting} for every process, then start them."
