"""Where a delivery row stands. Each row moves forward only:

pending -> sending -> sent | failed | skipped (the chat paused) | held (quiet hours)
held (for a digest) -> bundled (into one) -> sent with the digest
"""

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
# An article held for the chat's digest, then bundled into one (sent when the digest is), or
# skipped because the chat paused its alerts.
HELD, BUNDLED, SKIPPED = "held", "bundled", "skipped"
OPEN = (PENDING, SENDING)

__all__ = ["BUNDLED", "FAILED", "HELD", "OPEN", "PENDING", "SENDING", "SENT", "SKIPPED"]
