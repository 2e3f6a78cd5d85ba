"""Messages listed for deletion (a channel's command and the bot's answer), on real databases:
due in order of their time, listed once, gone once done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from news.store import Store

NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
CHANNEL, OTHER = -1009001, -1009002


async def test_messages_come_due_in_order_once_each(store: Store) -> None:
    await store.expiring.add(CHANNEL, 7, NOW + timedelta(seconds=60))
    await store.expiring.add(CHANNEL, 8, NOW + timedelta(seconds=61))
    await store.expiring.add(OTHER, 7, NOW + timedelta(seconds=30))
    await store.expiring.add(CHANNEL, 7, NOW + timedelta(hours=1))  # listed already: kept as is
    assert await store.expiring.due(NOW, 10) == []

    due = await store.expiring.due(NOW + timedelta(seconds=60), 10)
    assert [(m.chat_id, m.message_id) for m in due] == [(OTHER, 7), (CHANNEL, 7)]
    assert len(await store.expiring.due(NOW + timedelta(days=1), 1)) == 1  # a round's most

    await store.expiring.done([m.id for m in due])
    await store.expiring.done([])
    later = await store.expiring.due(NOW + timedelta(days=1), 10)
    assert [(m.chat_id, m.message_id) for m in later] == [(CHANNEL, 8)]
