"""The chat a menu acts on: the chat it is shown in, or a channel or group that one of its
administrators manages from a private chat (/channels).

A menu for another chat says so in its header, and every button it draws carries that chat's
id (news.buttons.Targeted), so a press acts there whatever happened in between; bot.managed
checks the presser's rights at each press.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, Update

from bot import manage_texts
from news import buttons
from news.buttons import HOME, Manage, Plain
from news.locale import Locale
from news.records import ChatProfile


@dataclass(frozen=True, slots=True)
class Target:
    id: int
    kind: str = "private"
    title: str | None = None
    remote: bool = False  # shown in another chat: an administrator's private chat

    @classmethod
    def here(cls, update: Update) -> Target:
        chat = update.effective_chat
        assert chat is not None  # commands and presses come from a chat
        return cls(chat.id, chat.type, chat.title or chat.full_name)

    @classmethod
    def there(cls, chat: ChatProfile) -> Target:
        return cls(chat.id, chat.kind, chat.title, remote=True)

    @property
    def aim(self) -> int | None:
        """The chat id a button must carry: None when it acts where it is pressed."""
        return self.id if self.remote else None

    def data(self, button: Plain) -> str:
        return buttons.encode(buttons.aimed(self.aim, button))

    def profile(self) -> ChatProfile:
        return ChatProfile(self.id, kind=self.kind, title=self.title)

    def header(self, locale: Locale) -> str:
        """The first lines of a menu for another chat: which chat it changes."""
        return manage_texts.header(self.kind, self.title, locale) if self.remote else ""

    def back(self, locale: Locale) -> list[list[InlineKeyboardButton]]:
        """The row under a menu for another chat that leads back to that chat's menus."""
        if not self.remote:
            return []
        label = manage_texts.back_label(locale)
        return [[InlineKeyboardButton(label, callback_data=self.data(Manage(HOME)))]]
