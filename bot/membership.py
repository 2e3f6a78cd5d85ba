"""The bot's own place in a chat: blocked or removed, back again, or moved to a supergroup.

Telegram says so in my_chat_member updates
(https://core.telegram.org/bots/api#chatmemberupdated) and in the service messages a group
sends when it becomes a supergroup (Message.migrate_to_chat_id and migrate_from_chat_id). A chat
that can no longer receive messages is gone: inactive with the reason, never deleted, its
unsent alerts cancelled; when the bot is unblocked or added back, the chat is back with its
subscriptions intact, and who added the bot is kept (news.store.chats, one transaction each).

A bot can only be an administrator of a channel, and posts there only with the right to post
(ChatMemberAdministrator.can_post_messages,
https://core.telegram.org/bots/api#chatmemberadministrator): a channel that takes the right
away is gone like one that removed the bot, and back when the right is given again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import Chat, ChatMember, ChatMemberAdministrator, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.chats import profile_of
from news.store import Store

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


def lost(chat: Chat, member: ChatMember) -> str | None:
    """Why the bot can no longer send to the chat, by its own membership there; None while it
    can."""
    if member.status in (ChatMember.BANNED, ChatMember.LEFT) or (
        member.status == ChatMember.RESTRICTED and not getattr(member, "is_member", True)
    ):
        return "bot was blocked by the user" if chat.type == ChatType.PRIVATE else "bot was removed"
    if chat.type == ChatType.CHANNEL and not _may_post(member):
        return "bot may not post in the channel"
    return None


def _may_post(member: ChatMember) -> bool:
    if member.status == ChatMember.OWNER:
        return True
    return isinstance(member, ChatMemberAdministrator) and bool(member.can_post_messages)


@dataclass(frozen=True, slots=True)
class Membership:
    store: Store
    clock: Callable[[], datetime]

    async def changed(self, update: Update, context: Context) -> None:
        change = update.my_chat_member
        if change is None:
            return
        chat, member = change.chat, change.new_chat_member
        reason = lost(chat, member)
        if reason is not None:
            cancelled = await self.store.chats.gone(chat.id, reason)
            gone = {"chat": chat.id, "reason": reason, "cancelled": cancelled}
            log.info("chat inactive", extra={"fields": gone})
            return
        # Who let the bot into a group or channel; in a private chat it is the user anyway.
        by = change.from_user.id if chat.type != ChatType.PRIVATE else None
        await self.store.chats.back(profile_of(chat, None), self.clock(), added_by=by)
        back = {"chat": chat.id, "status": member.status, "by": by}
        log.info("chat active", extra={"fields": back})

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
        await self.store.chats.moved(old, new, self.clock())
        log.info("chat moved", extra={"fields": {"chat": old, "to": new}})
