"""Several `newsbot run` processes on one database, each with its log in a directory; which
one sends and which one long-polls is read from the lines each logs when it takes a role
(bot.campaign)."""

from __future__ import annotations

import asyncio
import signal
from dataclasses import dataclass, field
from pathlib import Path

from tests.environment import NEWSBOT
from tests.fakes.feeds import FeedServer, rss
from tests.newsroom import story

SENDING = "sending from this process"
POLLING = "long polling from this process"


@dataclass
class Processes:
    directory: Path
    env: dict[str, str]
    running: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)

    async def start(self, name: str) -> None:
        with (self.directory / f"{name}.log").open("wb") as out:
            self.running[name] = await asyncio.create_subprocess_exec(
                str(NEWSBOT), "run", cwd=self.directory, env=self.env, stdout=out, stderr=out
            )

    def log(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text(errors="replace")

    def holder(self, line: str) -> str:
        """The live process that said `line` (one holds each role at a time)."""
        live = [n for n, p in self.running.items() if p.returncode is None and line in self.log(n)]
        assert len(live) == 1, {n: self.log(n)[-2000:] for n in self.running}
        return live[0]

    def freeze(self, name: str) -> None:
        """SIGSTOP: it does nothing more, but its database session (and locks) live on."""
        self.running[name].send_signal(signal.SIGSTOP)

    async def kill(self, name: str) -> None:
        self.running[name].kill()  # SIGKILL: no shutdown, no last write
        await self.running[name].wait()

    async def stop(self) -> dict[str, int | None]:
        """SIGTERM to those still running; every exit status, by name."""
        for process in self.running.values():
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in self.running.values():
            await process.wait()
        return {name: p.returncode for name, p in self.running.items()}


def feed_path(number: int) -> str:
    return f"/feed{number}.xml"


def many_feeds(server: FeedServer, count: int, feeds_file: Path) -> None:
    """`count` feeds on the server, each with one old story, written to the feeds file: the
    first on Politics, the others on World."""
    lines = ["[topics]", "Politics = []", "World = []", ""]
    for number in range(count):
        topic = "Politics" if number == 0 else "World"
        server.serve(feed_path(number), rss([story(f"old{number}", f"Old {number}")]))
        lines += ["[[feeds]]", f'url = "{server.url(feed_path(number))}"']
        lines += [f'topics = ["{topic}"]', ""]
    feeds_file.write_text("\n".join(lines))
