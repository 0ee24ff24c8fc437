"""device: the store keeps the newest time it has written (clock mark), so a PC clock set back or far ahead is caught

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

Every write that adds an outbox op raises device.clock_mark to the time it wrote (never lowers it).
Numbering (tickets, dossier codes, receipts) and intake refuse a clock behind the mark or far ahead
of it until an administrator confirms the date (issue 9 §1). Existing stores start from the newest
outbox op they hold.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # (a store whose recorded version was set back by hand may have the column already)
    if "clock_mark" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("device")}:
        with op.batch_alter_table("device", schema=None) as batch_op:
            batch_op.add_column(sa.Column("clock_mark", sa.String(length=32), nullable=True))
    op.execute("UPDATE device SET clock_mark = (SELECT max(created_at) FROM outbox) WHERE clock_mark IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("clock_mark")
