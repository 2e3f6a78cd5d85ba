"""Commands posted in a channel, and their short life there.

A channel is run like a group: only its administrators can post in it, so a command posted
there is an administrator's. python-telegram-bot's CommandHandler only looks at messages unless
told otherwise (filters.UpdateType.MESSAGES,
https://docs.python-telegram-bot.org/en/stable/telegram.ext.commandhandler.html), so every
chat command is registered with ANY_CHAT, which adds channel posts.

Every reader of a channel sees a command and the bot's answer, so both are deleted after
CHANNEL_COMMAND_TTL_SECONDS: the command post as it arrives (`posted`, ahead of every other
handler), the answer as Telegram accepts it (`AnswersNoticed`, around the bot's rate limiter,
which every reply passes). Both wait in the database (news.store.expiring) until
sending.expiry deletes them, so a restart forgets none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import BaseRateLimiter, ContextTypes, filters

from news.store import Store
from sending.limiter import Lane, Limiter, Result

# Where chat commands are heard: messages (new and edited, CommandHandler's default) in private
# chats and groups, and posts in channels.
ANY_CHAT = filters.UpdateType.MESSAGES | filters.UpdateType.CHANNEL_POST


class _Addressed(filters.MessageFilter):
    """A command for this bot: "/name" or "/name@thisbot", not "/name@otherbot" (a channel or
    group may have several bots; https://core.telegram.org/bots/features#commands)."""

    def filter(self, message: Message) -> bool:
        entity = message.entities[0] if message.entities else None
        if entity is None or entity.type != MessageEntity.BOT_COMMAND or entity.offset != 0:
            return False
        command = (message.text or "")[1 : entity.length]
        _, _, to = command.partition("@")
        return not to or to.lower() == (message.get_bot().username or "").lower()


ADDRESSED = _Addressed(name="addressed")
# The command posts that are ours to clear away.
CHANNEL_COMMANDS = filters.UpdateType.CHANNEL_POST & filters.COMMAND & ADDRESSED


@dataclass(frozen=True, slots=True)
class ChannelPosts:
    """Lists a channel's command posts and the bot's answers for deletion after `ttl`."""

    store: Store
    clock: Callable[[], datetime]
    ttl: timedelta

    async def posted(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """A command posted in a channel (CHANNEL_COMMANDS, before any other handler)."""
        message = update.effective_message
        if message is not None:
            await self.expire(message.chat_id, message.message_id)

    async def expire(self, chat_id: int, message_id: int) -> None:
        await self.store.expiring.add(chat_id, message_id, self.clock() + self.ttl)


class AnswersNoticed(BaseRateLimiter[Lane]):
    """The bot's rate limiter, with a look at what Telegram gives back: a reply the bot posted
    in a channel is handed to `answered`. Replies go in the REPLY lane (alerts and
    announcements go as ALERT, and stay), and every one passes here, whichever handler wrote
    it."""

    def __init__(self, limiter: Limiter, answered: Callable[[int, int], Awaitable[None]]) -> None:
        self.limiter = limiter
        self._answered = answered

    async def initialize(self) -> None:
        await self.limiter.initialize()

    async def shutdown(self) -> None:
        await self.limiter.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Lane | None,
    ) -> Result:
        result = await self.limiter.process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
        new = endpoint.lower().startswith("send")  # an edit is of a message already listed
        if new and rate_limit_args is not Lane.ALERT and isinstance(result, dict):
            chat = result.get("chat")
            if isinstance(chat, dict) and chat.get("type") == ChatType.CHANNEL:
                await self._answered(int(chat["id"]), int(result["message_id"]))
        return result
