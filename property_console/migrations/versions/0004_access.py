"""access: visitor passes and the face blacklist (issue 4)

Revision ID: 0004_access
Revises: 0001
Create Date: 2026-11-21 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_access"
down_revision = "0001"
branch_labels = ("access",)
depends_on = None


def _record_columns() -> list[sa.Column]:
    """id, created/updated timestamps and the row version every Record has."""
    now = sa.text("(CURRENT_TIMESTAMP)")
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "access_visitor_passes",
        sa.Column("host_person_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("visitor_name", sa.String(length=64), nullable=False),
        sa.Column("visitor_phone", sa.String(length=20), nullable=False),
        sa.Column("doors", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=False),
        sa.Column("photo_type", sa.String(length=32), nullable=True),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["host_person_id"], ["persons.id"], name=op.f("fk_access_visitor_passes_host_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_visitor_passes")),
    )
    with op.batch_alter_table("access_visitor_passes", schema=None) as batch_op:
        for column in ("host_person_id", "valid_from", "valid_to"):
            batch_op.create_index(batch_op.f(f"ix_access_visitor_passes_{column}"), [column], unique=False)
    op.create_table(
        "access_blacklist",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_access_blacklist_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_blacklist")),
    )
    with op.batch_alter_table("access_blacklist", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_blacklist_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("access_blacklist", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_blacklist_person_id"))
    op.drop_table("access_blacklist")
    with op.batch_alter_table("access_visitor_passes", schema=None) as batch_op:
        for column in ("host_person_id", "valid_from", "valid_to"):
            batch_op.drop_index(batch_op.f(f"ix_access_visitor_passes_{column}"))
    op.drop_table("access_visitor_passes")
