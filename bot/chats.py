"""The chat an update came from, recorded before anything is stored for it."""

from __future__ import annotations

from datetime import datetime

from telegram import Update

from news.store import Store


async def seen(store: Store, update: Update, now: datetime) -> None:
    """Records the chat (its kind, title, and the writer's language as a first guess); a chat
    that had gone quiet is active again."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return
    await store.chats.seen(
        chat.id,
        kind=chat.type,
        title=chat.title or chat.full_name,
        language=user.language_code if user else None,
        now=now,
    )
