"""The `newsbot` command: bot's commands (`run`, `feeds ...`) and, from this package above
them, `try`. The console script points here, so bot never imports what sits above it."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot import cli
from bot.settings import Settings
from trial import session
from trial.wire import CADENCE


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, more=(TRY,))


def _arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--offline",
        action="store_true",
        help="sample feeds served on this machine (a new article every 20-30 s); no network",
    )
    where.add_argument(
        "--feeds", type=Path, metavar="FILE", help="a feeds file (default: the bundled one)"
    )
    parser.add_argument(
        "--lang", choices=("en", "uk"), default="en", help="your Telegram app's language"
    )
    parser.add_argument("--log", type=Path, metavar="FILE", help="write the bot's log here")
    # For tests: the seconds between sample articles, instead of 20-30.
    parser.add_argument("--sample-seconds", type=float, help=argparse.SUPPRESS)


def _run(settings: Settings, args: argparse.Namespace) -> int:
    seconds = args.sample_seconds
    options = session.Options(
        feeds=args.feeds,
        offline=args.offline,
        language=args.lang,
        log=args.log,
        cadence=CADENCE if seconds is None else (seconds, seconds),
    )
    return session.run(settings, options)


TRY = cli.Command(
    name="try",
    help="chat with the bot in this terminal: no token, a local Telegram, a temporary database",
    arguments=_arguments,
    run=_run,
)
