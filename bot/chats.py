"""The chat an update came from, recorded before anything is stored for it, and the topics it
follows (from /subscribe and from /topics' buttons alike)."""

from __future__ import annotations

from datetime import datetime

from telegram import Chat, Update

from bot.groups import forum_thread
from news.records import ChatProfile
from news.store import Store


def profile_of(chat: Chat, language: str | None) -> ChatProfile:
    """The chat as the store records it: its kind, title, and a language as a first guess."""
    return ChatProfile(
        chat.id, kind=chat.type, title=chat.title or chat.full_name, language=language
    )


async def seen(store: Store, update: Update, now: datetime) -> None:
    """Records the chat (the writer's language as a first guess for its own); a chat that had
    gone quiet is active again."""
    chat, user = update.effective_chat, update.effective_user
    if chat is not None:
        await store.chats.back(profile_of(chat, user.language_code if user else None), now)


async def follow(store: Store, update: Update, topic: str, now: datetime) -> bool:
    """The chat follows the topic, its alerts going to the forum topic it asked from; False
    when it already did."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None  # commands and presses come from a chat
    profile = profile_of(chat, user.language_code if user else None)
    return bool(await store.chats.follow(profile, {topic}, now, thread=forum_thread(update)))
