"""person by name: (name varchar_pattern_ops, id) instead of (name)

Revision ID: d0002
Revises: d0001
Create Date: 2026-11-22 01:40:00
"""

from __future__ import annotations

from alembic import op

revision = "d0002"
down_revision = "d0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_d_persons_name", table_name="d_persons")
    op.create_index(
        "ix_d_persons_name_id",
        "d_persons",
        ["name", "id"],
        unique=False,
        postgresql_ops={"name": "varchar_pattern_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_d_persons_name_id", table_name="d_persons")
    op.create_index("ix_d_persons_name", "d_persons", ["name"], unique=False)
