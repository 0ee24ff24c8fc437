"""staff: a phone number, printed on Mẫu 02 for the officer who guides the supplement

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

Circular 03/2025 Mẫu 02 names the officer who guides the applicant and their phone.
Existing staff get an empty phone (the form then names the officer only).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=20), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("phone")
