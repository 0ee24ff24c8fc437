"""calendar_days: swapped days off get their make-up working day; days the law does not have yet are not days off

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

Stores seeded before this version took the ``holidays`` package's days off as they were:
- a swapped day off ("Ngày nghỉ (thay cho ngày 26/04/2025)") came without its make-up working
  day, so Saturday 26/04/2025 and Saturday 22/08/2026 counted as days off;
- 24/11 "Ngày Văn hóa Việt Nam", which the package adds from 2026 ahead of the Labour Code,
  counted as a day off although no yearly calendar confirms it;
- the demo province's sample list made Saturday 12/09/2026 a working day (the Prime Minister's
  9859/VPCP-KGVX of 13/10/2025 names Saturday 22/08/2026) and swapped 12/02/2027 for 20/02/2027
  without any decision; 02/01/2026 and 10/01/2026 were the Deputy Prime Minister's decision
  (12729/VPCP-KGVX of 25/12/2025), not the province's.
The data is frozen here (no app code is imported), so this migration always does the same.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SWAP = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")
_DEMO_SAMPLE = "Làm việc bù theo quyết định của tỉnh"
_NOT_YET_LAW = ("Ngày Văn hóa Việt Nam",)
_VPCP_12729 = "Văn bản 12729/VPCP-KGVX ngày 25/12/2025 (ý kiến Phó Thủ tướng Phạm Thị Thanh Trà)"
_VPCP_9859 = "Văn bản 9859/VPCP-KGVX ngày 13/10/2025 (ý kiến Thủ tướng Chính phủ)"
_FIXED = {  # day: (kind, name, source) as decided, for a store whose calendar covers that year
    date(2026, 1, 2): ("off", f"Nghỉ hoán đổi, làm bù thứ Bảy 10/01/2026 — {_VPCP_12729}", "government"),
    date(2026, 1, 10): ("working", f"Làm việc bù cho thứ Sáu 02/01/2026 — {_VPCP_12729}", "government"),
    date(2026, 8, 31): ("off", f"Nghỉ hoán đổi, làm bù thứ Bảy 22/08/2026 — {_VPCP_9859}", "prime_minister"),
    date(2026, 8, 22): ("working", f"Làm việc bù cho thứ Hai 31/08/2026 — {_VPCP_9859}", "prime_minister"),
}
_UNSOURCED = (date(2026, 9, 12), date(2027, 2, 12), date(2027, 2, 20))  # the demo's sample list

days = sa.table(
    "calendar_days",
    sa.column("day", sa.Date),
    sa.column("kind", sa.String),
    sa.column("name", sa.String),
    sa.column("source", sa.String),
)


def upgrade() -> None:
    bind = op.get_bind()
    rows = {r.day: r for r in bind.execute(sa.select(days.c.day, days.c.kind, days.c.name, days.c.source))}
    if not rows:
        return  # an empty store: its calendar is seeded later, already right
    # the demo's sample list is recognised by its own source and words, never by the date alone
    for day in _UNSOURCED:
        row = rows.get(day)
        sample = row is not None and row.source == "province" and (
            row.kind == "off" or row.name == _DEMO_SAMPLE
        )
        if sample:
            bind.execute(days.delete().where(days.c.day == day))
            rows.pop(day)
    for name in _NOT_YET_LAW:
        bind.execute(days.delete().where(days.c.source == "holidays", days.c.name == name))
    for row in list(rows.values()):
        match = _SWAP.search(row.name or "") if row.kind == "off" else None
        if match:
            make_up = date(int(match[3]), int(match[2]), int(match[1]))
            if make_up not in rows:
                bind.execute(days.insert().values(
                    day=make_up, kind="working", name=f"Làm việc bù cho ngày {row.day:%d/%m/%Y}",
                    source="holidays",
                ))
                rows[make_up] = row
    years = {d.year for d in rows}
    for day, (kind, name, source) in _FIXED.items():
        if day in rows:
            bind.execute(days.update().where(days.c.day == day).values(kind=kind, name=name, source=source))
        elif day.year in years:
            bind.execute(days.insert().values(day=day, kind=kind, name=name, source=source))


def downgrade() -> None:
    pass  # the corrected calendar stays: the old one promised wrong dates
