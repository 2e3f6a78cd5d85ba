"""Talking to the running bot as a user: send a message or press a button, get what it answered;
and what reached a chat, or was refused on its way there."""

from __future__ import annotations

from typing import Any

from tests.fakes.telegram import JSON, FakeTelegram, SentMessage


def chat_type(chat: int) -> str:
    return "private" if chat > 0 else "supergroup" if str(chat).startswith("-100") else "group"


async def say(
    telegram: FakeTelegram, chat: int, text: str, expect: str = "", **sender: Any
) -> SentMessage:
    """Send `text` (as `sender`: user_id, language_code, message_thread_id ...) and return the
    bot's next message to the chat that contains `expect`."""
    before = len(telegram.messages_to(chat))
    sender.setdefault("chat_type", chat_type(chat))
    telegram.user_sends(chat, text, **sender)
    return await telegram.wait_for_message(chat, containing=expect, after=before)


async def press(
    telegram: FakeTelegram,
    chat: int,
    message_id: int,
    data: str,
    *,
    user_id: int | None = None,
    check_button: bool = True,
) -> JSON:
    """Press a button of the bot's message and return the bot's callback answer."""
    query_id = telegram.press_button(
        chat, message_id, data, user_id=user_id, check_button=check_button
    )
    return await answer(telegram, query_id, what=f"an answer to {data!r}")


async def answer(telegram: FakeTelegram, query_id: str, *, what: str = "") -> JSON:
    """The bot's answer to a button press, once it answered."""

    def found() -> JSON | None:
        return next(
            (a for a in telegram.callback_answers if a["callback_query_id"] == query_id), None
        )

    await telegram.wait_until(
        lambda: found() is not None, what=what or f"an answer to press {query_id}"
    )
    reply = found()
    assert reply is not None
    return reply


async def answered(telegram: FakeTelegram, query_id: str) -> str | None:
    """The text the bot answered a button press with (None: a silent answer)."""
    text = (await answer(telegram, query_id)).get("text")
    return None if text is None else str(text)


def buttons(telegram: FakeTelegram, chat: int, message_id: int) -> dict[str, str]:
    """The message's buttons as Telegram now shows them: callback data -> label."""
    markup = telegram.message_state(chat, message_id).get("reply_markup") or {}
    rows = markup.get("inline_keyboard", [])
    return {b["callback_data"]: b["text"] for row in rows for b in row if "callback_data" in b}


def text_of(telegram: FakeTelegram, chat: int, message_id: int) -> str:
    return str(telegram.message_state(chat, message_id)["text"])


def alerts(telegram: FakeTelegram, chat: int, title: str) -> int:
    """How many messages to the chat carry this headline."""
    return sum(title in message.text for message in telegram.messages_to(chat))


def refusals(telegram: FakeTelegram, chat: int) -> list[int]:
    """The status of every message to the chat that Telegram refused, in order."""
    return [r[2] for r in telegram.rejected if r[0] == "sendMessage" and r[1]["chat_id"] == chat]
