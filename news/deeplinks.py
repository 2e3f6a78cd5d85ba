"""Links that open a private chat with the bot and start it with a payload: the way a reader of
a channel or group finishes there what a button under an alert began.

Telegram sends the payload with /start (https://core.telegram.org/bots/features#deep-linking):
at most 64 characters of A-Z, a-z, 0-9, _ and -. A press's answer may open such a link
(answerCallbackQuery's `url`: https://core.telegram.org/bots/api#answercallbackquery). The
payloads, like button data, carry everything they need and are read only here:
  save_<article>                        ⭐ Save, for a reader who never started the bot
"""

from __future__ import annotations

import re

from news.buttons import Save

MAX_PAYLOAD = 64
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SAVE = re.compile(r"save_([1-9][0-9]{0,18})")  # ASCII digits only, no leading zero
_MAX_ARTICLE = 2**63 - 1


def payload(action: Save) -> str:
    """What /start carries for this action."""
    text = f"save_{action.article}"
    if not _PAYLOAD.fullmatch(text):
        raise ValueError(f"not a start payload: {text!r}")
    return text


def start_link(bot_username: str, action: Save) -> str:
    """The t.me link that opens the bot and sends /start with the action's payload."""
    return f"https://t.me/{bot_username}?start={payload(action)}"


def read(text: str) -> Save | None:
    """The action a /start payload asks for; None for anything else (a plain /start, an
    unknown or forged payload). Never raises."""
    match = _SAVE.fullmatch(text)
    if match is None or int(match[1]) > _MAX_ARTICLE:
        return None
    return Save(int(match[1]))
