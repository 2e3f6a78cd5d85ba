"""Which process does what, when several `newsbot run` share one PostgreSQL database.

Every second each process looks at its locks (news.store.leadership):

- the one that holds the sender's lock drains the outbox. Taking over, it first puts back what
  a gone sender left "sending", and waits one window of the bot-wide rate, since the last
  messages of a process that just died may still count at Telegram;
- when the bot long-polls, the sender also takes the updates lock and calls getUpdates, so the
  answers to commands leave through the sender's own limiter, replies first;
- the sender runs the chores that must happen once (digests, deletions, pruning: bot/app.py
  asks `leading`);
- a process that answers a chat without sending alerts (an admin notice, a webhook) takes a
  replier's share of the bot-wide budget first (news.pacing.reply_share) and waits until the
  sender has given it up; it lets the share go when it has been quiet a while.

A process whose lock session ends stops sending and polling at once: PostgreSQL has freed its
locks, and another process takes them within a second or so. On SQLite there is one process:
everything is won at the first look.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import Updater

from news.pacing import Rate, reply_share, sender_share
from news.store import Store
from news.store.leadership import Role
from sending.limiter import Limiter
from sending.sender import Sender

log = logging.getLogger(__name__)

LOOK_SECONDS = 1.0  # how often a process looks at its locks: a takeover within about this
# A replier starts after the sender has looked twice and let a window of its messages pass.
REPLY_WAIT_SECONDS = 3.0
REPLY_IDLE_SECONDS = 10.0  # a replier quiet this long gives its share back
RECENT = 3  # looks over which a changed share is taken at its least generous


class ElectedUpdater(Updater):
    """An Updater that calls getUpdates only while this process holds the updates lock.

    `start_polling` (run_polling's, or a test's) records the wish; the campaign starts and
    stops the actual polling as the lock comes and goes."""

    def __init__(self, bot: Bot, update_queue: asyncio.Queue[object]) -> None:
        super().__init__(bot=bot, update_queue=update_queue)
        self._wish: dict[str, Any] | None = None
        self.leading = False

    @property
    def wanted(self) -> bool:
        return self._wish is not None

    async def start_polling(
        self,
        poll_interval: float = 0.0,
        timeout: int | timedelta = timedelta(seconds=10),  # noqa: ASYNC109 (PTB's own name)
        bootstrap_retries: int = 0,
        allowed_updates: Sequence[str] | None = None,
        drop_pending_updates: bool | None = None,
        error_callback: Any = None,
    ) -> asyncio.Queue[object]:
        self._wish = {
            "poll_interval": poll_interval,
            "timeout": timeout,
            "bootstrap_retries": bootstrap_retries,
            "allowed_updates": allowed_updates,
            "drop_pending_updates": drop_pending_updates,
            "error_callback": error_callback,
        }
        if self.leading:
            await self.lead()
        return self.update_queue

    async def lead(self) -> None:
        self.leading = True
        if self._wish is not None and not self.running:
            await super().start_polling(**self._wish)
            # Pending updates are the dead poller's unconfirmed ones: kept, never dropped again.
            self._wish["drop_pending_updates"] = None

    async def step_down(self) -> None:
        self.leading = False
        if self.running:
            await super().stop()

    async def stop(self) -> None:
        self._wish = None
        await self.step_down()


class Campaign:
    def __init__(
        self,
        store: Store,
        sender: Sender,
        limiter: Limiter,
        overall: Rate,
        updater: ElectedUpdater | None,
    ) -> None:
        self.store, self.sender, self.limiter, self.overall = store, sender, limiter, overall
        self.updater = updater
        self.leadership = store.leadership
        self.sending = False
        self.recovered = 0  # rows put back at the last takeover
        self._task: asyncio.Task[None] | None = None
        self._replies: deque[Rate] = deque(maxlen=RECENT)
        self._replying_since = 0.0
        self._replied_at = 0.0
        self._asking = asyncio.Lock()
        self.reply_wait = REPLY_WAIT_SECONDS

    def leading(self) -> bool:
        """This process sends, and runs the chores that must happen once."""
        return self.sending

    async def start(self) -> None:
        """The first look at once (on SQLite it wins everything), then one every second."""
        self.limiter.gate = self._gate
        await self.look()
        self._task = asyncio.create_task(self._run(), name="newsbot campaign")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self.updater is not None:
            await self.updater.stop()
        await self.sender.stop()
        self.sending = False

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(LOOK_SECONDS)  # a heartbeat: a lock frees with no event here
            try:
                await self.look()
            except Exception:  # never die: the next look tries again
                log.exception("campaign look failed")

    async def look(self) -> None:
        lead = self.leadership
        await lead.alive()
        if self.sending and not lead.holds(Role.SENDER):
            await self._abdicate()
        if self.updater is not None and self.updater.leading and not lead.holds(Role.UPDATES):
            await self.updater.step_down()
            log.warning("long polling stopped: the lock session is gone")
        await lead.take(Role.MEMBER)
        self._replies.append(reply_share(self.overall, await lead.count(Role.MEMBER)))
        if not self.sending and await lead.take(Role.SENDER):
            await self._reign()
        if self.sending:
            await self._poll_updates()
            replying = await lead.count(Role.REPLYING) if lead.shared else 0
            generous = max(self._replies, key=lambda rate: rate.count)
            self.limiter.share(sender_share(self.overall, generous, replying))
        else:
            # /healthz: a standby's sending part is this look, turning every second.
            self.sender.metrics.beat("sender", self.sender.clock())
            self.limiter.share(min(self._replies, key=lambda rate: rate.count))
            quiet = time.monotonic() - self._replied_at > REPLY_IDLE_SECONDS
            if lead.holds(Role.REPLYING) and quiet:
                await lead.release(Role.REPLYING)

    async def _reign(self) -> None:
        lead = self.leadership
        await lead.release(Role.REPLYING)
        self.recovered = await self.store.outbox.recover_interrupted()
        if lead.shared:
            self.limiter.hold(self.overall.seconds)
        self.sender.start(lead.session_id)
        self.sending = True
        fields = {"session": lead.session_id, "requeued": self.recovered}
        log.info("sending from this process", extra={"fields": fields})

    async def _poll_updates(self) -> None:
        updater = self.updater
        if updater is None or updater.leading:
            return  # (a wish to poll that comes later, from run_polling, starts at once)
        if await self.leadership.take(Role.UPDATES):
            try:
                await updater.lead()
            except TelegramError as error:  # the next look tries again
                await self.leadership.release(Role.UPDATES)
                log.warning("long polling not started", extra={"fields": {"error": str(error)}})
                return
            log.info("long polling from this process")

    async def _abdicate(self) -> None:
        self.sending = False
        log.warning("sending stopped: the lock session is gone")
        if self.updater is not None:
            await self.updater.step_down()
        with contextlib.suppress(Exception):  # what is in flight finishes or is recovered
            await self.sender.stop()

    async def _gate(self) -> None:
        """Before a message: the sender sends at once; another process first takes a
        replier's share and waits until the sender has made room for it."""
        self._replied_at = time.monotonic()
        lead = self.leadership
        if self.sending or not lead.shared:
            return
        while not lead.holds(Role.REPLYING):
            async with self._asking:
                if not lead.holds(Role.REPLYING):
                    if await lead.take(Role.REPLYING):
                        self._replying_since = time.monotonic()
                    else:
                        await asyncio.sleep(LOOK_SECONDS)  # the session reconnects at the next try
        wait = self._replying_since + self.reply_wait - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)  # until the sender's budget no longer counts this share
