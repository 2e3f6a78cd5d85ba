"""listed url

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 02:37:42.353589
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("listed_url", sa.String(length=2048), nullable=True))
        batch_op.create_index(batch_op.f("ix_feeds_listed_url"), ["listed_url"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feeds_listed_url"))
        batch_op.drop_column("listed_url")
