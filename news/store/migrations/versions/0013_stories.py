"""stories: the tellings the story index keeps, each article's story, one alert per story and
chat, the message of a sent alert and its edits, big stories only

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 21:14:46.568230
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "story_tellings",
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("outlet", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_story_tellings")),
    )
    op.create_index(op.f("ix_story_tellings_story_id"), "story_tellings", ["story_id"])
    # Nullable columns and a plain-string default: SQLite adds each with ALTER TABLE.
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f("ix_articles_story_id"), "articles", ["story_id"])
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_outlets", sa.Integer(), nullable=True))
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("message_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("edit_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("edit_attempts", sa.Integer(), server_default="0", nullable=False)
        )
    op.create_index("uq_deliveries_chat_story", "deliveries", ["chat_id", "story_id"], unique=True)
    op.create_index(
        "ix_deliveries_edit_due",
        "deliveries",
        ["edit_due_at"],
        sqlite_where=sa.text("edit_due_at IS NOT NULL"),
        postgresql_where=sa.text("edit_due_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_deliveries_edit_due", table_name="deliveries")
    op.drop_index("uq_deliveries_chat_story", table_name="deliveries")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        for column in ("edit_attempts", "edited_at", "edit_due_at", "message_id", "story_id"):
            batch_op.drop_column(column)
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.drop_column("min_outlets")
    op.drop_index(op.f("ix_articles_story_id"), table_name="articles")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("story_id")
    op.drop_index(op.f("ix_story_tellings_story_id"), table_name="story_tellings")
    op.drop_table("story_tellings")
