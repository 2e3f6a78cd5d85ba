"""A chat's keyword alerts as a menu: listed with a ✖ each, and ➕ that asks for the words with a
ForceReply prompt. It acts on a channel or group from its administrator's private chat
(bot.managed); in a chat of its own, /alert does the same by command (bot/alerts.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import alert_texts, manage_texts
from bot.respond import edit, reply
from bot.target import Target
from news.buttons import AlertDrop, Ask, Plain
from news.keywords import QueryError, parse_query
from news.locale import Locale
from news.store import Store
from news.store.alerts import TooManyAlerts


@dataclass(frozen=True, slots=True)
class AlertsMenu:
    store: Store
    clock: Callable[[], datetime]
    name: ClassVar[str] = "alerts"
    label: ClassVar[str] = manage_texts.ALERTS_LABEL
    presses: ClassVar[tuple[type[Plain], ...]] = (AlertDrop,)

    async def open(self, update: Update, target: Target, locale: Locale) -> None:
        assert update.callback_query is not None
        await edit(update.callback_query, *await self._menu(target, locale))

    async def act(self, update: Update, target: Target, button: Plain, locale: Locale) -> None:
        query = update.callback_query
        assert query is not None and isinstance(button, AlertDrop)
        removed = await self.store.alerts.drop(target.id, button.alert)
        await edit(query, *await self._menu(target, locale))
        await query.answer(manage_texts.alert_dropped(removed, locale))

    def question(self, target: Target, locale: Locale) -> tuple[str, str]:
        return manage_texts.alert_question(locale), manage_texts.alert_placeholder(locale)

    async def answer(self, update: Update, target: Target, text: str, locale: Locale) -> None:
        """The words typed for a new alert: stored for the target, or why not; then the list."""
        try:
            query = parse_query(text).text()
        except QueryError as error:
            notice = alert_texts.refused(locale, error.reason)
        else:
            notice = await self._add(target, query, locale)
        await reply(update, *await self._menu(target, locale, notice))

    async def _add(self, target: Target, query: str, locale: Locale) -> str:
        try:
            added = await self.store.alerts.add(target.id, query, self.clock())
        except TooManyAlerts:
            return manage_texts.alerts_full(locale)
        if added:
            return manage_texts.alert_added(query, locale)
        return manage_texts.alert_duplicate(query, locale)

    async def _menu(
        self, target: Target, locale: Locale, notice: str = ""
    ) -> tuple[str, InlineKeyboardMarkup]:
        entries = await self.store.alerts.entries(target.id)
        text = manage_texts.alerts([query for _, query in entries], locale)
        if notice:
            text = f"{notice}\n\n{text}"
        rows = [
            [
                InlineKeyboardButton(
                    f"✖ {number}. {manage_texts.shorten(query)}",
                    callback_data=target.data(AlertDrop(alert)),
                )
            ]
            for number, (alert, query) in enumerate(entries, start=1)
        ]
        add = manage_texts.add_alert_label(locale)
        rows.append([InlineKeyboardButton(add, callback_data=target.data(Ask(self.name)))])
        return target.header(locale) + text, InlineKeyboardMarkup([*rows, *target.back(locale)])
