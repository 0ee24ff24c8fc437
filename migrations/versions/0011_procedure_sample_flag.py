"""procedures.sample: a demo procedure whose code is illustrative (not in the national database)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

The demo province marks procedures whose code could not be found in the national public-service
database with "sample": true; the guide shows "(mẫu)" beside their code (issue 8 §6). Existing
stores get the column as false: their catalog is what it was (a demo store made before this keeps
its 2024 catalog until it is made again).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if "sample" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("procedures")}:
        with op.batch_alter_table("procedures", schema=None) as batch_op:
            batch_op.add_column(sa.Column("sample", sa.Boolean(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.drop_column("sample")
