"""broadcasts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 02:18:30.239729
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("queued", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("broadcast_id", sa.Integer(), nullable=True))
        batch_op.alter_column("article_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_unique_constraint(
            "uq_deliveries_chat_broadcast", ["chat_id", "broadcast_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_deliveries_broadcast_id_broadcasts"),
            "broadcasts",
            ["broadcast_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:

    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_deliveries_broadcast_id_broadcasts"), type_="foreignkey"
        )
        batch_op.drop_constraint("uq_deliveries_chat_broadcast", type_="unique")
        batch_op.alter_column("article_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("broadcast_id")

    op.drop_table("broadcasts")
