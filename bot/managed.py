"""Menus that act on a chat other than the one they are shown in: a channel's or a group's, shown
in its administrator's private chat (/channels, bot/channels.py).

Every menu that can do so is a ChatMenu, registered once (`Manager.register`); its buttons reach
it through `Targeted` data that names the chat, and a menu that asks for typed input (Asking)
gets the answer to its ForceReply prompt, whose chat is kept in the database. Before any press
or answer acts, the chat must still be one the bot is in, and the user one of its
administrators, asked of Telegram (bot.groups.GroupAdmins, at most a minute old): a former
administrator is refused and nothing changes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot import manage_texts, texts
from bot.chats import seen
from bot.groups import GroupAdmins
from bot.respond import ask, edit, reply
from bot.target import Target
from news import buttons
from news.buttons import HOME, Ask, ChannelList, Manage, Plain, Targeted
from news.locale import Locale
from news.records import Prompt
from news.render import escape
from news.store import Store

Context = ContextTypes.DEFAULT_TYPE
LocaleOf = Callable[[Update], Awaitable[Locale]]
Handler = Callable[[Update, Context], Awaitable[None]]
PER_ROW = 2


class ChatMenu(Protocol):
    """A menu that can act on any chat it is given."""

    @property
    def name(self) -> str:
        """Its key in button data (news.buttons.Manage): a few lowercase letters."""

    @property
    def label(self) -> str:
        """The msgid of its button on a chat's menu of menus."""

    @property
    def presses(self) -> tuple[type[Plain], ...]:
        """The kinds of button it draws and handles."""

    async def open(self, update: Update, target: Target, locale: Locale) -> None:
        """Draw the menu in place of the message whose button was pressed."""

    async def act(self, update: Update, target: Target, button: Plain, locale: Locale) -> None:
        """One of its buttons was pressed: act on the target, answer the press."""


@runtime_checkable
class Asking(ChatMenu, Protocol):
    """A menu that asks for typed input (news.buttons.Ask draws the question)."""

    def question(self, target: Target, locale: Locale) -> tuple[str, str]:
        """The question (Telegram HTML) and the input field's placeholder."""

    async def answer(self, update: Update, target: Target, text: str, locale: Locale) -> None:
        """The user answered the question: act on the target, reply."""


@dataclass(slots=True)
class Manager:
    store: Store
    clock: Callable[[], datetime]
    locale_of: LocaleOf
    admins: GroupAdmins
    otherwise: Handler  # a reply in a private chat that answers no question: plain chatter
    menus: dict[str, ChatMenu] = field(default_factory=dict)
    by_kind: dict[type[Plain], ChatMenu] = field(default_factory=dict)  # whose buttons they are

    def register(self, menu: ChatMenu) -> None:
        """One line per menu: it shows on every chat's menu of menus, in this order."""
        self.menus[menu.name] = menu
        self.by_kind |= dict.fromkeys(menu.presses, menu)

    async def press(self, update: Update, context: Context) -> None:
        """Any button that names its chat (news.buttons.Targeted)."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        locale = await self.locale_of(update)
        pressed = buttons.decode_as(query.data, Targeted)
        if pressed is None or chat.type != ChatType.PRIVATE:  # these menus live in private
            await query.answer(texts.stale_button(locale))
            return
        target = await self._allowed(update, pressed.chat, locale)
        if target is not None:
            await self._dispatch(update, target, pressed.button, locale)

    async def answered(self, update: Update, context: Context) -> None:
        """A reply in a private chat: the answer to a question a menu asked, or chatter."""
        message, prompt = update.effective_message, await self._prompt(update)
        if prompt is None or message is None:
            await self.otherwise(update, context)
            return
        locale = await self.locale_of(update)
        target = await self._allowed(update, prompt.target_id, locale)
        menu = self.menus.get(prompt.menu)
        if target is None:
            return
        if not isinstance(menu, Asking):  # a menu this version no longer has
            await reply(update, texts.stale_button(locale))
            return
        await menu.answer(update, target, message.text or "", locale)

    async def _prompt(self, update: Update) -> Prompt | None:
        """The question the message answers, taken (answered once); None when it replies to
        anything else."""
        message, chat = update.effective_message, update.effective_chat
        question = message.reply_to_message if message is not None else None
        author = question.from_user if question is not None else None
        if chat is None or question is None or author is None or author.id != update.get_bot().id:
            return None
        return await self.store.prompts.take(chat.id, question.message_id)

    async def home(self, update: Update, target: Target, locale: Locale) -> None:
        """The chat's menu of menus, in place of the pressed message."""
        assert update.callback_query is not None
        entries = [
            InlineKeyboardButton(
                locale.gettext(menu.label), callback_data=target.data(Manage(menu.name))
            )
            for menu in self.menus.values()
        ]
        rows = [entries[i : i + PER_ROW] for i in range(0, len(entries), PER_ROW)]
        back = manage_texts.all_chats_label(locale)
        rows.append([InlineKeyboardButton(back, callback_data=buttons.encode(ChannelList()))])
        text = target.header(locale) + manage_texts.home(locale)
        await edit(update.callback_query, text, InlineKeyboardMarkup(rows))

    async def _dispatch(
        self, update: Update, target: Target, button: Plain, locale: Locale
    ) -> None:
        query = update.callback_query
        assert query is not None
        match button:
            case Manage(name) if name == HOME:
                await self.home(update, target, locale)
                await query.answer()
            case Manage(name) if name in self.menus:
                await self.menus[name].open(update, target, locale)
                await query.answer()
            case Ask(name) if isinstance(self.menus.get(name), Asking):
                await self._ask(update, target, self.menus[name], locale)
                await query.answer()
            case _ if type(button) in self.by_kind:
                await self.by_kind[type(button)].act(update, target, button, locale)
            case _:
                await query.answer(texts.stale_button(locale))

    async def _ask(self, update: Update, target: Target, menu: ChatMenu, locale: Locale) -> None:
        assert isinstance(menu, Asking) and update.effective_chat is not None
        question, placeholder = menu.question(target, locale)
        asked = await ask(update, target.header(locale) + question, placeholder)
        if asked is None:
            return
        now = self.clock()
        await seen(self.store, update, now)  # the prompt belongs to this chat's row
        prompt = Prompt(update.effective_chat.id, asked, target.id, menu.name)
        await self.store.prompts.ask(prompt, now)

    async def _allowed(self, update: Update, chat_id: int, locale: Locale) -> Target | None:
        """The chat to act on, when the bot is still there and the user administers it;
        otherwise None, and the user has been told."""
        chat, user = update.effective_chat, update.effective_user
        if chat is not None and chat.id == chat_id:
            return Target.here(update)  # a user's own private chat
        found = await self.store.chats.shared([chat_id])
        bot = update.get_bot()
        if found and user is not None and await self.admins.administers(bot, chat_id, user.id):
            return Target.there(found[0])
        if found:
            refusal = manage_texts.not_admin(found[0].title, locale)
        else:
            refusal = manage_texts.not_there(locale)  # the bot was removed, or never there
        if update.callback_query is not None:
            await update.callback_query.answer(refusal, show_alert=True)
        else:
            await reply(update, escape(refusal))  # a title may hold "<"
        return None
