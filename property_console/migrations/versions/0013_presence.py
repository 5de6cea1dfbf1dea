"""presence intervals: each device's online/offline stretches, for the truth on screen and in reports

Revision ID: 0013_presence
Revises: 0001
Create Date: 2026-12-04 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_presence"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "presence_intervals",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("device_serial", sa.String(length=64), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presence_intervals")),
    )
    op.create_index(
        "ix_presence_intervals_device_started", "presence_intervals", ["device_serial", "started_at"]
    )
    op.create_index(
        "uq_presence_intervals_open",
        "presence_intervals",
        ["device_serial"],
        unique=True,
        sqlite_where=sa.text("ended_at IS NULL"),
        postgresql_where=sa.text("ended_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_presence_intervals_open", table_name="presence_intervals")
    op.drop_index("ix_presence_intervals_device_started", table_name="presence_intervals")
    op.drop_table("presence_intervals")
