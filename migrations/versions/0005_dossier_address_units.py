"""dossiers: the applicant address as 2025 units of any province (official codes and names)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

The store unit tree holds the centre own province only; an applicant from any of the
34 provinces keeps the official province and commune codes and names of the national
list (vietnam-provinces) here. Existing dossiers get empty values.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("province_code", 10),
    ("province_name", 100),
    ("commune_code", 10),
    ("commune_name", 100),
)


def upgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        for name, length in _COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        for name, _length in reversed(_COLUMNS):
            batch_op.drop_column(name)
