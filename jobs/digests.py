"""Queue each chat's digest when it is due: at its chosen times in its own zone (digest mode),
or when its quiet hours end (alerts held meanwhile). The sender then delivers it like any
other message. Runs on the JobQueue every DIGEST_CHECK_SECONDS; a bot that was down at 08:00
sends the 08:00 digest once when it is back, never one per missed slot."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from news.routing import Recipient, due_reason
from news.store import Store

log = logging.getLogger(__name__)


class DigestJob:
    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store, self.clock = store, clock

    async def queue_due(self) -> int:
        """Bundle every due chat's held articles into a digest; returns the digests queued."""
        now = self.clock()
        queued = 0
        for waiting in await self.store.held.waiting():
            reason = due_reason(Recipient.of(waiting.chat), waiting.oldest, now)
            if reason is None:
                continue
            articles = await self.store.held.bundle(waiting.chat.id, now, reason)
            if articles:
                queued += 1
                fields = {"chat": waiting.chat.id, "articles": articles, "reason": reason}
                log.info("digest queued", extra={"fields": fields})
        return queued
