"""Slows a user who sends commands too fast: one polite notice, then silence until the window
passes (news/flood.py counts). Runs in handler group -1, ahead of every command."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import texts
from bot.respond import reply
from news.flood import Flood, Verdict
from news.locale import Locale


@dataclass(slots=True)
class FloodGuard:
    locale_of: Callable[[Update], Awaitable[Locale]]
    flood: Flood = field(default_factory=Flood)
    clock: Callable[[], float] = time.monotonic

    async def check(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if user is None:  # a channel post: only the channel's admins can write there
            return
        verdict = self.flood.check(user.id, self.clock())
        if verdict is Verdict.OK:
            return
        if verdict is Verdict.WARN and update.effective_message is not None:
            locale = await self.locale_of(update)
            await reply(update, texts.slow_down(locale, self.flood.window))
        raise ApplicationHandlerStop
