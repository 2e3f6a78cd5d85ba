"""how an alert looks: the chat's layout and picture (replacing link_previews), the entry's image

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 04:40:00.000000
"""

import sqlite3
from collections.abc import Sequence
from typing import Literal

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Batch mode's choice for a drop: SQLite drops a column in place since 3.35
# (https://www.sqlite.org/lang_altertable.html); an older one has the table rebuilt
# (news.store.database.migrate turns foreign keys off first, so that cascades into nothing).
_DROP: Literal["never", "auto"] = "never" if sqlite3.sqlite_version_info >= (3, 35) else "auto"


def upgrade() -> None:
    # Plain-string server defaults and a nullable column: SQLite adds all three with ALTER
    # TABLE, and the defaults fill the rows already there.
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("layout", sa.String(length=10), server_default="full", nullable=False)
        )
        batch_op.add_column(
            sa.Column("picture", sa.String(length=10), server_default="off", nullable=False)
        )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image", sa.Text(), nullable=True))
    # Link previews on showed the article's page beside the alert: a small picture now.
    op.execute("UPDATE chats SET picture = 'small' WHERE link_previews")
    with op.batch_alter_table("chats", schema=None, recreate=_DROP) as batch_op:
        batch_op.drop_column("link_previews")


def downgrade() -> None:
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("link_previews", sa.Boolean(), server_default="0", nullable=False)
        )
    op.execute("UPDATE chats SET link_previews = (picture <> 'off')")
    with op.batch_alter_table("articles", schema=None, recreate=_DROP) as batch_op:
        batch_op.drop_column("image")
    with op.batch_alter_table("chats", schema=None, recreate=_DROP) as batch_op:
        batch_op.drop_column("picture")
        batch_op.drop_column("layout")
