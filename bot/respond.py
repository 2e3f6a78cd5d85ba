"""Answering the message a handler is handling: the one way every handler replies."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode


async def reply(update: Update, text: str) -> None:
    """Answer in the same chat (and forum thread), as Telegram HTML."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)


def chat_id(update: Update) -> int:
    assert update.effective_chat is not None  # command handlers only run for chat messages
    return update.effective_chat.id
