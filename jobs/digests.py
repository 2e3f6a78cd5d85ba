"""Queue each chat's digest when it is due: at its chosen times in its own zone (digest mode),
or when its quiet hours end (alerts held meanwhile). The sender then delivers it like any
other message. Runs on the JobQueue every DIGEST_CHECK_SECONDS; a bot that was down at 08:00
sends the 08:00 digest once when it is back, never one per missed slot."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from news.records import DIGEST, DIGEST_QUIET, DIGEST_SCHEDULED, ChatPrefs
from news.store import Store
from news.store.held import Waiting
from news.timing import digest_due, in_quiet, parse_quiet, parse_times
from news.zones import zone_from_name

log = logging.getLogger(__name__)


def due_reason(waiting: Waiting, now: datetime) -> str | None:
    """Why this chat's held articles go out now, or None while they keep waiting."""
    chat: ChatPrefs = waiting.chat
    zone = zone_from_name(chat.zone).tzinfo
    if chat.paused_until is not None and chat.paused_until > now:
        return None
    if chat.mode == DIGEST:
        times = parse_times(" ".join(chat.digest_times))
        # The first digest waits for the first slot after its oldest article arrived.
        since = max(filter(None, (chat.last_digest_at, waiting.oldest)))
        return DIGEST_SCHEDULED if digest_due(now, times, zone, since) else None
    quiet = parse_quiet(chat.quiet) if chat.quiet else None
    if quiet is not None and in_quiet(now, quiet, zone):
        return None
    # An instant chat holds articles only through quiet hours (or from its digest days).
    return DIGEST_QUIET if quiet is not None else DIGEST_SCHEDULED


class DigestJob:
    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store, self.clock = store, clock

    async def queue_due(self) -> int:
        """Bundle every due chat's held articles into a digest; returns the digests queued."""
        now = self.clock()
        queued = 0
        for waiting in await self.store.held.waiting():
            reason = due_reason(waiting, now)
            if reason is None:
                continue
            articles = await self.store.held.bundle(waiting.chat.id, now, reason)
            if articles:
                queued += 1
                fields = {"chat": waiting.chat.id, "articles": articles, "reason": reason}
                log.info("digest queued", extra={"fields": fields})
        return queued
