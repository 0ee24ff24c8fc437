"""sync_link: this PC enrolment on the provincial server and its sync state (issue 12)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05

One row once the PC is enrolled (counter sync enrol): the server URL, the device token (secret:
never logged), the pull cursor and what the last push and pull did. No outbox op: it stays on
this PC.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("sync_link"):
        return
    op.create_table(
        "sync_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_url", sa.String(length=500), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("centre_id", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=200), nullable=False),
        sa.Column("enrolled_at", sa.String(length=32), nullable=False),
        sa.Column("cursor", sa.String(length=64), nullable=True),
        sa.Column("last_push_at", sa.String(length=32), nullable=True),
        sa.Column("last_pull_at", sa.String(length=32), nullable=True),
        sa.Column("last_contact_at", sa.String(length=32), nullable=True),
        sa.Column("offline_since", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("last_error_detail", sa.Text(), nullable=False, server_default=""),
        sa.Column("last_error_at", sa.String(length=32), nullable=True),
        sa.Column("rejected", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_reject", sa.Text(), nullable=False, server_default=""),
        sa.CheckConstraint("id = 1", name=op.f("ck_sync_link_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_link")),
    )


def downgrade() -> None:
    op.drop_table("sync_link")
