"""print_jobs: the documents a committed use case owes, worked off by the printer (issue 10)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05

A use case (intake, payment, hand-over, return) adds its documents as "owed" rows in its own
transaction; the printer adapter works them off and marks them printed (or failed, with the
reason). A crash between the commit and the print leaves the row owed, and the counter window
offers it again when it starts. Rows stay on this PC (no outbox op): they name this device.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("print_jobs"):  # a store stamped older than it is (re-run upgrade)
        return
    op.create_table(
        "print_jobs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("device", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("printed_at", sa.String(length=32), nullable=True),
        sa.CheckConstraint("status IN ('owed', 'printed', 'failed', 'cancelled')", name=op.f("ck_print_jobs_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_jobs")),
    )
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_print_jobs_device_status", ["device", "status", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_print_jobs_device_status")
    op.drop_table("print_jobs")
