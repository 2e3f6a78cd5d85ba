"""ForceReply questions waiting for their answer: which chat the answer acts on, and which menu
takes it. In the database, so an answer typed after a restart still lands where it should."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.records import Prompt
from news.store.schema import PromptRow

# Nobody answers a question a week later; older ones are cleared when a new one is asked.
KEEP = timedelta(days=7)


class Prompts:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def ask(self, prompt: Prompt, now: datetime) -> None:
        """Remember a question the bot just asked (both chats are already recorded)."""
        async with self._sessions.begin() as session:
            await session.execute(delete(PromptRow).where(PromptRow.created_at < now - KEEP))
            session.add(
                PromptRow(
                    chat_id=prompt.chat_id,
                    message_id=prompt.message_id,
                    target_id=prompt.target_id,
                    menu=prompt.menu,
                    created_at=now,
                )
            )

    async def take(self, chat_id: int, message_id: int) -> Prompt | None:
        """The question this message answers, forgotten now (each is answered once); None when
        the message answers no question the bot remembers."""
        async with self._sessions.begin() as session:
            row = await session.scalar(
                select(PromptRow).where(
                    PromptRow.chat_id == chat_id, PromptRow.message_id == message_id
                )
            )
            if row is None:
                return None
            await session.delete(row)
            return Prompt(row.chat_id, row.message_id, row.target_id, row.menu)
