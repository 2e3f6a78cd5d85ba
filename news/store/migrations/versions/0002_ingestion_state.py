"""ingestion state

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 01:07:03.145718
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_key", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_articles_last_seen_at"), ["last_seen_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_articles_link_key"), ["link_key"], unique=False)

    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.String(length=10), server_default="file", nullable=False)
        )
        batch_op.add_column(sa.Column("disabled_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("admins_told_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("min_interval_seconds", sa.Integer(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("min_interval_seconds")
        batch_op.drop_column("admins_told_at")
        batch_op.drop_column("failing_since")
        batch_op.drop_column("disabled_reason")
        batch_op.drop_column("origin")

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_link_key"))
        batch_op.drop_index(batch_op.f("ix_articles_last_seen_at"))
        batch_op.drop_column("last_seen_at")
        batch_op.drop_column("content_hash")
        batch_op.drop_column("link_key")
