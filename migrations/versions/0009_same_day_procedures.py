"""procedures: the same-day civil-status and certification procedures get their statutory time limit

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

Stores seeded before this version modelled "trong ngày; nếu tiếp nhận sau 15 giờ thì trả kết quả
trong ngày làm việc tiếp theo" as 4 or 8 working hours (or 1 working day), which promised
01/12 08:30 for a birth registration received at 14:30 on 30/11. The procedures are recognised
by their national code (a commune's copy is "<national code>.<unit code>") and by the old
time limit, so a province's own different setting is left alone:
- 1.001193 đăng ký khai sinh, 1.000894 đăng ký kết hôn, 1.000656 đăng ký khai tử (Luật Hộ tịch
  2014 Art. 16, 18, 34), 2.000635 cấp bản sao trích lục hộ tịch (Decree 123/2015 Art. 64);
- 2.000815 chứng thực bản sao từ bản chính, 2.000884 chứng thực chữ ký, 1.005092 cấp bản sao
  văn bằng từ sổ gốc (Decree 23/2015 Art. 7).
Dossiers keep the appointment they were given; only new intakes use the corrected time limit.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SAME_DAY = ("1.001193", "1.000894", "1.000656", "2.000635", "2.000815", "2.000884", "1.005092")
_OLD = (("working_hours", 4), ("working_hours", 8), ("working_days", 1))

procedures = sa.table(
    "procedures",
    sa.column("code", sa.String),
    sa.column("duration_unit", sa.String),
    sa.column("duration_amount", sa.Integer),
    sa.column("duration_cutoff", sa.String),
)


def upgrade() -> None:
    bind = op.get_bind()
    for national in _SAME_DAY:
        for unit, amount in _OLD:
            bind.execute(
                procedures.update()
                .where(
                    sa.or_(procedures.c.code == national, procedures.c.code.like(f"{national}.%")),
                    procedures.c.duration_unit == unit,
                    procedures.c.duration_amount == amount,
                )
                .values(duration_unit="same_working_day", duration_amount=0, duration_cutoff="15:00")
            )


def downgrade() -> None:
    pass  # the statutory time limit stays: the old one promised wrong dates
