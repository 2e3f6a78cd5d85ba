"""Deletes the messages whose time has come (news.store.expiring): a command posted in a
channel and the bot's answer to it.

deleteMessage (https://core.telegram.org/bots/api#deletemessage) deletes the bot's own posts
in a channel, and others' only with the right to delete messages. A message the bot may not
delete, or one already gone, is dropped with a log line; a network fault or a 429 ends the
round, and what is left waits for the next one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import Bot
from telegram.error import TelegramError

from news.store import Store
from sending.outcomes import Outcome, answer_of

log = logging.getLogger(__name__)

BATCH = 100  # a round's most; a busy channel's rest waits a tick


@dataclass(frozen=True, slots=True)
class Expiry:
    store: Store
    bot: Bot
    clock: Callable[[], datetime]

    async def delete_due(self) -> int:
        """Deletes what is due; returns how many messages it finished with (deleted or
        given up on)."""
        finished: list[int] = []
        for message in await self.store.expiring.due(self.clock(), BATCH):
            where = {"chat": message.chat_id, "message": message.message_id}
            try:
                await self.bot.delete_message(message.chat_id, message.message_id)
            except TelegramError as error:
                fields = {"fields": where | {"error": error.message}}
                if answer_of(error).outcome in (Outcome.RETRY_LATER, Outcome.RATE_LIMITED):
                    log.warning("deleting paused", extra=fields)
                    break
                log.info("message not deleted", extra=fields)
            finished.append(message.id)
        await self.store.expiring.done(finished)
        return len(finished)
