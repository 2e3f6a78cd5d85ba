"""/digest: the chat's digest now, instead of at its next digest time.

The held articles are bundled into a digest row in the outbox and the sender is woken; the
digest itself is the answer, sent at the same pace and with the same retries as every alert.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.respond import reply
from news.locale import Locale
from news.records import DigestReason
from news.store import Store

Context = ContextTypes.DEFAULT_TYPE
LocaleOf = Callable[[Update], Awaitable[Locale]]


@dataclass(frozen=True, slots=True)
class DigestNow:
    store: Store
    clock: Callable[[], datetime]
    locale_of: LocaleOf
    wake: Callable[[], None]  # tells the sender the outbox has something now

    async def digest(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None or update.effective_message is None:
            return
        # Asking first spares a chat the store has never seen (or with nothing held) a write.
        held = await self.store.held.count(chat.id)
        bundled = (
            await self.store.held.bundle(chat.id, self.clock(), DigestReason.ASKED) if held else 0
        )
        if bundled > 0:
            self.wake()
            return
        await reply(update, texts.nothing_new(await self.locale_of(update)))
