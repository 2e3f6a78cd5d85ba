"""The bot's own place in a chat: blocked or removed, back again, or moved to a supergroup.

Telegram says so in my_chat_member updates (telegram-facts 2.5) and in the service messages a
group sends when it becomes a supergroup (telegram-facts 1.4). A chat that can no longer
receive messages is set inactive, never deleted, and its unsent alerts are cancelled; when the
bot is unblocked or added back, the chat is active again with its subscriptions intact.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from news.store import Store

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


@dataclass(frozen=True, slots=True)
class Membership:
    store: Store
    clock: Callable[[], datetime]

    async def changed(self, update: Update, context: Context) -> None:
        change = update.my_chat_member
        if change is None:
            return
        chat, member = change.chat, change.new_chat_member
        if member.status in (ChatMember.BANNED, ChatMember.LEFT) or (
            member.status == ChatMember.RESTRICTED and not getattr(member, "is_member", True)
        ):
            who = "blocked by the user" if chat.type == ChatType.PRIVATE else "removed"
            await self.store.chats.deactivate(chat.id)
            cancelled = await self.store.outbox.cancel_chat(chat.id, f"bot was {who}")
            gone = {"chat": chat.id, "reason": f"bot was {who}", "cancelled": cancelled}
            log.info("chat inactive", extra={"fields": gone})
            return
        await self.store.chats.seen(
            chat.id,
            kind=chat.type,
            title=chat.title or chat.full_name,
            language=None,
            now=self.clock(),
        )
        log.info("chat active", extra={"fields": {"chat": chat.id, "status": member.status}})

    async def migrated(self, update: Update, context: Context) -> None:
        """A group became a supergroup: both chats announce it, so moving is idempotent."""
        message = update.effective_message
        if message is None:
            return
        if message.migrate_to_chat_id is not None:
            old, new = message.chat_id, message.migrate_to_chat_id
        elif message.migrate_from_chat_id is not None:
            old, new = message.migrate_from_chat_id, message.chat_id
        else:
            return
        await self.store.chats.migrate(old, new, self.clock())
        log.info("chat moved", extra={"fields": {"chat": old, "to": new}})
