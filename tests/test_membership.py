"""What the bot's own membership in a chat means: gone with a reason, or able to send."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import (
    Chat,
    ChatMember,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    User,
)

from bot.membership import lost

BOT = User(1, "newsbot", is_bot=True)
PRIVATE, GROUP = Chat(7, Chat.PRIVATE), Chat(-7, Chat.GROUP)
CHANNEL = Chat(-1007, Chat.CHANNEL)


def admin(*, post: bool) -> ChatMemberAdministrator:
    """The bot as a channel's administrator, with or without the right to post."""
    return ChatMemberAdministrator(
        BOT,
        can_be_edited=False,
        is_anonymous=False,
        can_manage_chat=True,
        can_delete_messages=True,
        can_manage_video_chats=True,
        can_restrict_members=True,
        can_promote_members=True,
        can_change_info=True,
        can_invite_users=True,
        can_post_stories=True,
        can_edit_stories=True,
        can_delete_stories=True,
        can_post_messages=post,
    )


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
        (GROUP, admin(post=False), None),  # groups have no right to post: members write
        (CHANNEL, admin(post=True), None),
        (CHANNEL, admin(post=False), "bot may not post in the channel"),
        (CHANNEL, ChatMemberLeft(BOT), "bot was removed"),
    ],
)
def test_the_bot_is_gone_from_a_chat_only_when_it_cannot_be_there(
    chat: Chat, member: ChatMember, reason: str | None
) -> None:
    assert lost(chat, member) == reason
