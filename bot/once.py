"""Each update handled once, whichever process it reaches and however often: Telegram re-sends
a webhook delivery it saw no answer to, and a batch of getUpdates nobody confirmed (the process
that fetched it died). The database keeps the ids taken up for a day."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from news.store import Store

log = logging.getLogger(__name__)

# Telegram keeps an update it could not deliver at most 24 hours
# (https://core.telegram.org/bots/api#getting-updates): no copy arrives after a day.
KEPT = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Once:
    store: Store
    clock: Callable[[], datetime]
    # The handler group ahead of every other (the channel posts' -2, the flood guard's -1).
    GROUP: ClassVar[int] = -3

    async def check(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """Takes the update up, or stops it before any handler when it was taken before.
        Taken as it starts, not when it ends: a process killed mid-update leaves it unanswered
        rather than answered twice."""
        if not await self.store.updates.take(update.update_id, self.clock()):
            log.info("update already handled", extra={"fields": {"update": update.update_id}})
            raise ApplicationHandlerStop

    async def forget_old(self, _: ContextTypes.DEFAULT_TYPE) -> None:
        """A job: drop the ids no copy of which can still arrive."""
        await self.store.updates.forget(self.clock() - KEPT)
