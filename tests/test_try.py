"""`newsbot try --offline` as a person uses it: a real process in a pseudo-terminal, read as the
screen shows it."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pexpect
import pytest

from news.keypoints import explicit_points
from tests.environment import NEWSBOT, environment
from trial.samples import WORLD

pytestmark = pytest.mark.slow

# Terminal control sequences (colours, cursor moves, title) and carriage returns.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()=>][0-9A-Za-z]?|\r"
)


class Screen:
    """What the terminal has shown so far, without its control sequences."""

    def __init__(self, child: pexpect.spawn[str]) -> None:
        self.child = child
        self.raw = ""
        self.text = ""
        self.seen = 0  # where the next wait starts looking

    def wait_for(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        """Read until `pattern` appears after what earlier waits found; fail with the screen."""
        deadline = time.monotonic() + timeout
        while True:
            found = re.compile(pattern, re.DOTALL).search(self.text, self.seen)
            if found is not None:
                self.seen = found.end()
                return found
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"{pattern!r} did not appear; the screen:\n{self.text[-3000:]}")
            try:
                self.raw += self.child.read_nonblocking(65536, timeout=left)
            except pexpect.TIMEOUT:
                continue
            self.text = _CONTROL.sub("", self.raw)


def session_members(leader: int) -> list[int]:
    """Processes still in the terminal's session (the child leads it)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[3]) == leader:  # the session id, field 6 of proc(5)
            members.append(int(stat.parent.name))
    return members


def test_a_person_subscribes_and_gets_a_sample_alert(tmp_path: Path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    ignored_database = tmp_path / "not-this.sqlite3"
    env = environment(
        TMPDIR=str(temporary),
        # try mode uses neither: its own Telegram and its own database.
        TELEGRAM_BOT_TOKEN="123456:not-a-token-try-mode-must-ignore-it",
        TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot",
        DATABASE_URL=f"sqlite+aiosqlite:///{ignored_database}",
        # The guard stays on: only try mode's own sample feed server is let through.
        ALLOW_PRIVATE_FEEDS="false",
        TERM="xterm",
        PROMPT_TOOLKIT_NO_CPR="1",  # nobody answers a cursor position request here
    )
    log = tmp_path / "bot.log"
    child = pexpect.spawn(
        str(NEWSBOT),
        ["try", "--offline", "--sample-seconds", "3", "--log", str(log)],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        dimensions=(50, 250),
    )
    screen = Screen(child)
    try:
        screen.wait_for(r"you ›")
        child.sendline("/start")
        screen.wait_for(r"Hi, You! I'm newsbot")
        child.sendline("/topics")
        world = screen.wait_for(r"\[(\d+)\] ➕ World")
        child.sendline(world[1])
        screen.wait_for(r"newsbot \(edited\)\s+Topics.*?\[\d+\] ✅ World")
        screen.wait_for(r"You now follow World")

        headlines = "|".join(re.escape(sample.title) for sample in WORLD)
        alert = screen.wait_for(rf"#World\s+({headlines})", timeout=90)
        (article,) = [sample for sample in WORLD if sample.title == alert[1]]
        points = explicit_points(article.html())
        assert points, "every World sample has its key points listed"
        for point in points:
            screen.wait_for(rf"• {re.escape(point)}")
        screen.wait_for(r"Source: Sample Wire \(not real news\)")

        child.sendcontrol("d")
        child.expect(pexpect.EOF, timeout=60)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, screen.text[-3000:]
    assert child.pid is not None and session_members(child.pid) == []
    assert list(temporary.iterdir()) == [], "the temporary database is gone"
    assert not ignored_database.exists()
    # The log went to its file, none of it to the screen.
    assert "newsbot started" in log.read_text()
    assert "newsbot started" not in screen.text
