"""channels: who let the bot into a chat, why a chat went inactive, messages to delete

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 04:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no default: SQLite adds them with ALTER TABLE, without rebuilding "chats"
    # (whose DROP would cascade into every subscription if foreign keys were on).
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("added_by", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("inactive_reason", sa.Text(), nullable=True))

    op.create_table(
        "expiring_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expiring_messages")),
        sa.UniqueConstraint("chat_id", "message_id", name="uq_expiring_messages_chat_message"),
    )
    op.create_index(
        op.f("ix_expiring_messages_due_at"), "expiring_messages", ["due_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_expiring_messages_due_at"), table_name="expiring_messages")
    op.drop_table("expiring_messages")
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.drop_column("inactive_reason")
        batch_op.drop_column("added_by")
