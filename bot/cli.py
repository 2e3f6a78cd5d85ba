"""`newsbot run` (and `python -m bot run`): read settings once, check them, start the bot."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError
from telegram import Update
from telegram.error import InvalidToken

from bot import feedcli, logs
from bot.app import build_app, load_feeds_file
from bot.settings import Settings
from news.feedsfile import FeedsFileError


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
    for extra in more:
        extra.arguments(commands.add_parser(extra.name, help=extra.help))
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        for problem in error.errors():
            field = ".".join(str(part) for part in problem["loc"]).upper()
            _say(f"setting {field}: {problem['msg']}")
        return 2
    if args.command == "run":
        return run(settings)
    if args.command == "feeds":
        return feedcli.run(settings, args)
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
        build_app(settings, feeds).run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        _say("Telegram refused TELEGRAM_BOT_TOKEN. Check the token @BotFather gave you.")
        return 2
    return 0


def _say(message: str) -> None:
    print(f"newsbot: {message}", file=sys.stderr)
