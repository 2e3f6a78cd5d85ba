"""feed key points: per-feed labels and the article-page fetch

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Server defaults fill the rows already there: existing feeds get no extra labels and no
    # page fetch until the next start syncs the feeds file. Both are plain strings, not SQL
    # expressions (sa.false()): then SQLite adds the columns with ALTER TABLE instead of
    # rebuilding "feeds", a rebuild whose DROP would cascade into every article if foreign
    # keys were on. '0' is false to PostgreSQL's boolean and to SQLite's numeric affinity.
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key_point_labels", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(
            sa.Column("fetch_article", sa.Boolean(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("fetch_article")
        batch_op.drop_column("key_point_labels")
