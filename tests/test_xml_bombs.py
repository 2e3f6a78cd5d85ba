"""Entity-expansion documents are refused without a memory blow-up: parsed under a hard
address-space limit, in a child process so the limit cannot hurt the test runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.bombs import BOMB

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "feeds" / "edge"
LIMIT_MB = 200  # the interpreter with lxml and feedparser loaded needs well under half

CHILD = f"""
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_MB} << 20, {LIMIT_MB} << 20))
from news.feedparse import FeedParseError, parse_feed
body = sys.stdin.buffer.read()
try:
    parse_feed("https://evil.example/feed", body, {{"content-type": "application/xml"}})
except FeedParseError as error:
    print("refused:", error)
else:
    print("parsed")
"""


def bombs() -> list[tuple[str, bytes]]:
    found = [("billion laughs (ours)", BOMB)]
    if CORPUS.exists():
        found += [(p.name, p.read_bytes()) for p in sorted(CORPUS.glob("xmlbomb*"))]
    return found


@pytest.mark.parametrize(("name", "body"), bombs(), ids=[name for name, _ in bombs()])
def test_a_bomb_is_refused_within_a_memory_limit(name: str, body: bytes) -> None:
    child = subprocess.run(
        [sys.executable, "-c", CHILD], input=body, capture_output=True, timeout=60, check=False
    )
    assert child.returncode == 0, child.stderr.decode()[-2000:]
    assert child.stdout.decode().startswith("refused:"), child.stdout.decode()
