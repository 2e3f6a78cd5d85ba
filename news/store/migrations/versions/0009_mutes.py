"""mutes: the words and outlets a chat never wants alerts about

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 04:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A new table only: no existing table is altered, so SQLite rebuilds nothing.
    op.create_table(
        "mutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_mutes_chat_id_chats"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mutes")),
        sa.UniqueConstraint("chat_id", "kind", "value", name="uq_mutes_chat_kind_value"),
    )
    op.create_index(op.f("ix_mutes_chat_id"), "mutes", ["chat_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_mutes_chat_id"), table_name="mutes")
    op.drop_table("mutes")
