"""several processes on one database: who claimed an outbox row, a feed's lease

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 21:30:00.000000
"""

import sqlite3
from collections.abc import Sequence
from typing import Literal

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in 0012: SQLite drops a column in place since 3.35.
_DROP: Literal["never", "auto"] = "never" if sqlite3.sqlite_version_info >= (3, 35) else "auto"


def upgrade() -> None:
    # Nullable columns: SQLite adds both with ALTER TABLE.
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leased_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feeds", schema=None, recreate=_DROP) as batch_op:
        batch_op.drop_column("leased_until")
    with op.batch_alter_table("deliveries", schema=None, recreate=_DROP) as batch_op:
        batch_op.drop_column("claimed_by")
