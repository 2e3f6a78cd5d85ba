"""Groups, channels and forums: who may change a group's or channel's subscriptions and settings
(from the chat itself, or as its administrator from a private chat), and which forum topic
(thread) a command came from."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Bot, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot import texts
from bot.respond import reply
from news.locale import Locale
from news.records import ForumThread

log = logging.getLogger(__name__)

ADMIN_STATUSES = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})
# Long enough that a burst of button presses costs one getChatMember, short enough that a
# demoted admin loses the right within a minute.
CACHE_SECONDS = 60.0


@dataclass(slots=True)
class GroupAdmins:
    """Asks Telegram whether a member of a group or channel is one of its administrators, and
    remembers it briefly. (The bot's own administrators are ADMIN_IDS: bot/admin.py.)"""

    seconds: float = CACHE_SECONDS
    clock: Callable[[], float] = time.monotonic
    _known: dict[tuple[int, int], tuple[bool, float]] = field(default_factory=dict)
    _lists: dict[int, tuple[frozenset[int], float]] = field(default_factory=dict)

    async def administers(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        """Whether the user is one of the chat's administrators now, for managing a channel or
        group from a private chat. False when Telegram cannot say (the bot was removed, say)."""
        admins = await self.administrators(bot, chat_id)
        return admins is not None and user_id in admins

    async def administrators(self, bot: Bot, chat_id: int) -> frozenset[int] | None:
        """The chat's administrators (getChatAdministrators: one call answers for every member,
        https://core.telegram.org/bots/api#getchatadministrators), remembered per chat as
        briefly as single answers are; None when Telegram refused to say, not remembered."""
        now = self.clock()
        known = self._lists.get(chat_id)
        if known is not None and self._fresh(known[1], now):
            return known[0]
        try:
            members = await bot.get_chat_administrators(chat_id)
        except TelegramError as error:
            problem = {"chat": chat_id, "error": str(error)}
            log.warning("administrator list failed", extra={"fields": problem})
            return None
        admins = frozenset(member.user.id for member in members)
        self._lists = {
            chat: seen for chat, seen in self._lists.items() if self._fresh(seen[1], now)
        }
        self._lists[chat_id] = (admins, now)
        return admins

    async def allowed(self, update: Update, locale: Locale) -> bool:
        """True when the sender may change this chat; otherwise the sender has been told why
        (a reply to a command, a callback answer to a button)."""
        if await self.may_change(update):
            return True
        chat = update.effective_chat
        text = texts.refusal(locale, channel=chat is not None and chat.type == ChatType.CHANNEL)
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        else:
            await reply(update, text)
        return False

    async def may_change(self, update: Update) -> bool:
        chat, user, message = update.effective_chat, update.effective_user, update.effective_message
        if chat is None or chat.type == ChatType.PRIVATE:
            return True  # a private chat is its user's own
        if update.callback_query is None and message is not None and message.sender_chat:
            # Only a channel's administrators can post in it, so a post is theirs; an
            # anonymous admin writes as the group itself; a linked channel does not count.
            return message.sender_chat.id == chat.id
        # A press: whoever sees the message may press, in a channel every reader, and the
        # press names who it was (https://core.telegram.org/bots/api#callbackquery).
        if user is None:
            return False
        return await self._is_admin(update, chat.id, user.id)

    async def _is_admin(self, update: Update, chat_id: int, user_id: int) -> bool:
        now = self.clock()
        known = self._known.get((chat_id, user_id))
        if known is not None and self._fresh(known[1], now):
            return known[0]
        try:
            member = await update.get_bot().get_chat_member(chat_id, user_id)
        except TelegramError as error:
            log.warning("admin check failed", extra={"fields": {"error": str(error)}})
            return False  # unknown is not allowed, and not remembered
        admin = member.status in ADMIN_STATUSES
        self._forget_old(now)
        self._known[(chat_id, user_id)] = (admin, now)
        return admin

    def _fresh(self, at: float, now: float) -> bool:
        """An answer from `at` still holds; one from the future (the application's clock set
        back) does not."""
        return 0 <= now - at < self.seconds

    def _forget_old(self, now: float) -> None:
        """Keeps the cache to the members who acted within the last minute."""
        old = [key for key, (_, at) in self._known.items() if not self._fresh(at, now)]
        for key in old:
            del self._known[key]


def forum_thread(update: Update) -> ForumThread | None:
    """The forum topic of a command or a button press; None outside forum supergroups."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or not chat.is_forum:
        return None
    # Messages in General may carry a thread id that is not a topic: only is_topic_message
    # says it is one (https://core.telegram.org/bots/api#message).
    return ForumThread(message.message_thread_id if message.is_topic_message else None)
