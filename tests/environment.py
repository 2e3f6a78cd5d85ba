"""How an operator starts newsbot: the installed console script, settings in its environment."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from tests.tiers import require_slow

NEWSBOT = Path(sys.executable).parent / "newsbot"


def environment(**values: str) -> dict[str, str]:
    """The environment of a newsbot process: this one's, without its Telegram or database
    settings, plus `values`."""
    require_slow("starts a process")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    # Every test server is on 127.0.0.1, which the bot refuses to poll unless allowed.
    return env | {"ALLOW_PRIVATE_FEEDS": "true"} | values


def free_port() -> int:
    """A port nothing listens on now (bound, learnt, closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
