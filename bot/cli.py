"""`newsbot run` (and `python -m bot run`): read settings once, check them, start the bot."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError
from telegram.error import InvalidToken

from bot import feedcli, logs, mode
from bot.app import build_app, load_feeds_file
from bot.serve import Refused, serve
from bot.settings import Settings
from news.feedsfile import FeedsFileError
from news.store.lockfile import Taken, sole_user


@dataclass(frozen=True, slots=True)
class Command:
    """A further `newsbot` command from a package above this one (the layers keep bot from
    importing it): its name, its help line, its arguments, and what runs it with the settings."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Settings, argparse.Namespace], int]


def main(argv: list[str] | None = None, more: Sequence[Command] = ()) -> int:
    # Opt in to PTB 22's announced future (RetryAfter.retry_after as a timedelta) instead of
    # a deprecation warning at every 429; sending/sender.py reads either form.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    parser = argparse.ArgumentParser(
        prog="newsbot", description="Telegram bot that turns news feeds into key-point alerts."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="poll the feeds and answer chats until stopped (Ctrl+C)")
    feedcli.add_commands(commands)
    mode.add_command(commands)
    for extra in more:
        extra.arguments(commands.add_parser(extra.name, help=extra.help))
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        for problem in error.errors():
            field = ".".join(str(part) for part in problem["loc"]).upper()
            said = problem["msg"].removeprefix("Value error, ")
            _say(f"setting {field}: {said}" if field and field not in said else said)
        return 2
    if args.command == "run":
        return run(settings)
    if args.command == "feeds":
        return feedcli.run(settings, args)
    if args.command == "mode":
        status, line = mode.run(settings, args)
        if status == 0:
            print(line)
        else:
            _say(line)
        return status
    for extra in more:
        if args.command == extra.name:
            return extra.run(settings, args)
    return 2  # argparse already refused anything else


def run(settings: Settings) -> int:
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if not token.strip():
        _say(
            "TELEGRAM_BOT_TOKEN is not set. Put TELEGRAM_BOT_TOKEN=<the token @BotFather gave you> "
            "in .env (see .env.example) or in the environment."
        )
        return 2
    logs.configure(settings.log_level, token, json_lines=settings.log_format == "json")
    try:
        feeds = load_feeds_file(settings)
    except (FeedsFileError, OSError) as error:
        _say(f"cannot use the feeds file: {error}")
        return 2
    try:
        # SQLite serves one process: held until the process ends, however it ends.
        with sole_user(settings.database_url):
            asyncio.run(serve(build_app(settings, feeds), settings))
    except Taken as taken:
        _say(
            f"another `newsbot run` is using {taken.database}. SQLite serves one process; to "
            "run several, use PostgreSQL (DATABASE_URL=postgresql+asyncpg://..., docs/deploy.md)."
        )
        return 2
    except InvalidToken:
        _say("Telegram refused TELEGRAM_BOT_TOKEN. Check the token @BotFather gave you.")
        return 2
    except (Refused, mode.WrongMode) as error:
        _say(str(error))
        return 2
    return 0


def _say(message: str) -> None:
    print(f"newsbot: {message}", file=sys.stderr)
