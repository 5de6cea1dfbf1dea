"""perimeter PINs

Revision ID: 0007_perimeter
Revises: 0001
Create Date: 2026-11-22 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_perimeter"
down_revision = "0001"
branch_labels = ("perimeter",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "perimeter_pins",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("pin_hash", sa.String(length=255), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_perimeter_pins_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_perimeter_pins")),
    )


def downgrade() -> None:
    op.drop_table("perimeter_pins")
