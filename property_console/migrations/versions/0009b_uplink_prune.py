"""uplink: daily summary of acknowledged outbox rows (kept when the rows are pruned)

Revision ID: 0009_uplink_prune
Revises: 0009_uplink
Create Date: 2026-11-22 01:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_uplink_prune"
down_revision = "0009_uplink"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "uplink_sent_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("acked", sa.Integer(), nullable=False),
        sa.Column("first_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("day", "kind", name=op.f("pk_uplink_sent_daily")),
    )


def downgrade() -> None:
    op.drop_table("uplink_sent_daily")
