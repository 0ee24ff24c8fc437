"""print_jobs.error_code and error_params: why a job failed or was cancelled, as a message code (issue 11)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05

The print-jobs list said the stored English error text. A failed or cancelled job now keeps its
reason as a device.* / print.* message code with its params (JSON), said in the screens language
through describe_error; ``last_error`` keeps the English text for the log and support. Older rows
keep an empty code (the list says the reason was not kept in words).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("print_jobs")}
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        if "error_code" not in columns:
            batch_op.add_column(sa.Column("error_code", sa.String(length=64), server_default="", nullable=False))
        if "error_params" not in columns:
            batch_op.add_column(sa.Column("error_params", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.drop_column("error_params")
        batch_op.drop_column("error_code")
