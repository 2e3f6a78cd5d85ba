"""Many subscribed chats at once, written in bulk (a test or benchmark needs thousands)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import insert

from news.mutes import MuteKind
from news.store import Store
from news.store.schema import ChatRow, MuteRow, SubscriptionRow


async def subscribe_many(database_url: str, chats: Iterable[int], topic: str) -> int:
    """Migrate the database, then add these private chats, each following `topic`."""
    now = datetime.now(UTC)
    store = Store.connect(database_url)
    try:
        await store.migrate()
        ids = list(chats)
        async with store.engine.begin() as connection:
            for start in range(0, len(ids), 10_000):
                batch = ids[start : start + 10_000]
                await connection.execute(
                    insert(ChatRow),
                    [
                        {"id": chat, "kind": "private", "active": True, "created_at": now}
                        for chat in batch
                    ],
                )
                await connection.execute(
                    insert(SubscriptionRow),
                    [{"chat_id": chat, "topic": topic, "created_at": now} for chat in batch],
                )
        return len(ids)
    finally:
        await store.close()


async def follow_and_mute_many(
    store: Store, chats: Iterable[int], topic: str, kind: MuteKind, value: str
) -> None:
    """These private chats follow `topic` and each mute the same words or outlet."""
    now = datetime.now(UTC)
    ids = list(chats)
    async with store.engine.begin() as connection:
        await connection.execute(
            insert(ChatRow),
            [{"id": chat, "kind": "private", "active": True, "created_at": now} for chat in ids],
        )
        await connection.execute(
            insert(SubscriptionRow),
            [{"chat_id": chat, "topic": topic, "created_at": now} for chat in ids],
        )
        await connection.execute(
            insert(MuteRow),
            [
                {"chat_id": chat, "kind": kind.value, "value": value, "created_at": now}
                for chat in ids
            ],
        )
