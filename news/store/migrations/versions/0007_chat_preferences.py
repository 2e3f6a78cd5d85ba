"""chat preferences, digests, keyword alerts, saved articles

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("zone", sa.String(length=64), server_default="UTC", nullable=False)
        )
        batch_op.add_column(
            sa.Column("mode", sa.String(length=10), server_default="instant", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "digest_times", sa.JSON(), server_default='["08:00", "19:00"]', nullable=False
            )
        )
        batch_op.add_column(sa.Column("quiet", sa.String(length=11), nullable=True))
        batch_op.add_column(
            sa.Column("quiet_mode", sa.String(length=10), server_default="hold", nullable=False)
        )
        batch_op.add_column(
            sa.Column("link_previews", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("thread_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("parts_sent", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_digests_chat_id_chats"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digests")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_alerts_chat_id_chats"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("chat_id", "query", name="uq_alerts_chat_query"),
    )
    op.create_index(op.f("ix_alerts_chat_id"), "alerts", ["chat_id"], unique=False)
    op.create_table(
        "saved",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_saved_chat_id_chats"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("chat_id", "article_id", name=op.f("pk_saved")),
    )
    op.create_index(op.f("ix_saved_saved_at"), "saved", ["saved_at"], unique=False)

    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("matched", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_deliveries_digest_id"), ["digest_id"], unique=False)
        batch_op.create_index(
            "ix_deliveries_held_chat",
            ["chat_id"],
            unique=False,
            sqlite_where=sa.text("state = 'held'"),
            postgresql_where=sa.text("state = 'held'"),
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_deliveries_digest_id_digests"),
            "digests",
            ["digest_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_deliveries_digest_id_digests"), type_="foreignkey")
        batch_op.drop_index(
            "ix_deliveries_held_chat",
            sqlite_where=sa.text("state = 'held'"),
            postgresql_where=sa.text("state = 'held'"),
        )
        batch_op.drop_index(batch_op.f("ix_deliveries_digest_id"))
        batch_op.drop_column("matched")
        batch_op.drop_column("digest_id")

    op.drop_index(op.f("ix_saved_saved_at"), table_name="saved")
    op.drop_table("saved")
    op.drop_index(op.f("ix_alerts_chat_id"), table_name="alerts")
    op.drop_table("alerts")
    op.drop_table("digests")

    with op.batch_alter_table("chats", schema=None) as batch_op:
        for column in (
            "last_digest_at",
            "thread_id",
            "paused_until",
            "link_previews",
            "quiet_mode",
            "quiet",
            "digest_times",
            "mode",
            "zone",
        ):
            batch_op.drop_column(column)
