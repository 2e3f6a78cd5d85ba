"""The delivery states the store's queries name together (news.records.DeliveryState)."""

from news.records import DeliveryState

# The unfinished rows: the partial index ix_deliveries_open_chat names exactly these two.
OPEN = (DeliveryState.PENDING, DeliveryState.SENDING)

__all__ = ["OPEN"]
