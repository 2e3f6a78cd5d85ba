"""What the bot's own membership in a chat means: gone with a reason, or able to send."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import (
    Chat,
    ChatMember,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    User,
)

from bot.membership import lost

BOT = User(1, "newsbot", is_bot=True)
PRIVATE, GROUP = Chat(7, Chat.PRIVATE), Chat(-7, Chat.GROUP)


@pytest.mark.parametrize(
    ("chat", "member", "reason"),
    [
        (
            PRIVATE,
            ChatMemberBanned(BOT, datetime(2030, 1, 1, tzinfo=UTC)),
            "bot was blocked by the user",
        ),
        (PRIVATE, ChatMemberMember(BOT), None),
        (GROUP, ChatMemberLeft(BOT), "bot was removed"),
        (GROUP, ChatMemberBanned(BOT, datetime(2030, 1, 1, tzinfo=UTC)), "bot was removed"),
        (GROUP, ChatMemberMember(BOT), None),
        (GROUP, ChatMemberOwner(BOT, is_anonymous=False), None),
    ],
)
def test_the_bot_is_gone_from_a_chat_only_when_it_cannot_be_there(
    chat: Chat, member: ChatMember, reason: str | None
) -> None:
    assert lost(chat, member) == reason
