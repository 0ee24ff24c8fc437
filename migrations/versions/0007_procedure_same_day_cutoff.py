"""procedures: the cut-off of a same-working-day procedure ("sau 15 giờ thì trả trong ngày làm việc tiếp theo")

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

A procedure whose law says "trong ngày; nếu tiếp nhận sau 15 giờ thì trả kết quả trong ngày làm
việc tiếp theo" has duration_unit "same_working_day", amount 0 and its cut-off "HH:MM" here.
Existing procedures keep their unit and get no cut-off (NULL).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duration_cutoff", sa.String(length=5), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.drop_column("duration_cutoff")
