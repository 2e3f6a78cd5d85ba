"""How a handler writes into the chat it handles: a reply, or the message a button is under
redrawn. The words come from the texts modules (bot/texts.py and its kin) or news.render, as
Telegram HTML."""

from __future__ import annotations

from telegram import CallbackQuery, ForceReply, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest


async def reply(
    update: Update,
    text: str,
    buttons: InlineKeyboardMarkup | None = None,
    *,
    quote: bool | None = None,
) -> None:
    """Answer in the same chat and forum thread. Telegram shows the answered message quoted in
    groups unless `quote` is False (a list a button goes on with, say)."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(
            text, parse_mode=ParseMode.HTML, reply_markup=buttons, do_quote=quote
        )


async def ask(update: Update, text: str, placeholder: str) -> int | None:
    """A question whose answer is typed: Telegram's apps open a reply to it at once (ForceReply,
    https://core.telegram.org/bots/api#forcereply). Returns the question's message id, which
    the answer will quote; None when there was no chat to ask in."""
    message = update.effective_message
    if message is None:
        return None
    asked = await message.reply_text(
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=ForceReply(input_field_placeholder=placeholder[:64]),
        do_quote=False,
    )
    return asked.message_id


async def edit(
    query: CallbackQuery, text: str, buttons: InlineKeyboardMarkup | None = None
) -> None:
    """Redraw the message the pressed button is under. A press that changes nothing (a double
    tap, a value already set) is no error, though Telegram refuses such an edit as "message is
    not modified": the message already shows what it should."""
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=buttons)
    except BadRequest as error:
        if "not modified" not in error.message:
            raise


def chat_id(update: Update) -> int:
    assert update.effective_chat is not None  # command handlers only run for chat messages
    return update.effective_chat.id
