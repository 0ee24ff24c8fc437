"""Reports on a big SQLite store (issue 13): every report for one month of one centre and for a year of
the province, beside a floor (a bare count over the same rows, same store, same run).

Sizes: BENCH_REPORT_DOSSIERS (default 200,000) over two years, BENCH_REPORT_TICKETS_PER_DAY per centre
(default 200, about 880,000 tickets); the issue's 1,000,000 dossiers and 3,000,000 tickets take long to
generate here: set the variables to run it. The store is cached under benchmarks/.data.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from counter_app.bootstrap import init_store, open_services  # noqa: E402
from counter_app.domain.calendar import VIETNAM_TIME  # noqa: E402
from counter_app.services.permissions import COMMAND_LINE  # noqa: E402
from counter_app.services.reports import (  # noqa: E402
    REPORT_NAMES,
    Period,
    ReportFilters,
    ReportService,
    run_report,
)
from counter_app.storage.report_repo import stamp  # noqa: E402
from counter_app.storage.store import store_path  # noqa: E402
from tests.report_history import generate  # noqa: E402

N = int(os.environ.get("BENCH_REPORT_DOSSIERS", "200000"))
TICKETS = int(os.environ.get("BENCH_REPORT_TICKETS_PER_DAY", "200"))
DATA = Path(os.environ.get("BENCH_DATA", ROOT / "benchmarks" / ".data")) / f"reports-{N}-{TICKETS}"
START = datetime(2025, 1, 1, tzinfo=VIETNAM_TIME)
NOW = datetime(2026, 12, 31, 17, 0, tzinfo=VIETNAM_TIME)
MONTH = Period(date(2026, 10, 1), date(2026, 10, 31))
YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
CENTRE = "c-tinh"


class FixedClock:
    def now(self) -> datetime:
        return NOW


def build() -> None:
    if (DATA / "counter.sqlite3").exists():
        return
    DATA.mkdir(parents=True, exist_ok=True)
    init_store(DATA, demo=True, clock=FixedClock(), demo_dossiers=0)
    started = time.perf_counter()
    generate(DATA, dossiers=N, days=730, start=START, tickets_per_day=TICKETS, now=NOW)
    db = sqlite3.connect(store_path(DATA))
    db.execute("ANALYZE")
    db.close()
    print(f"generated {N} dossiers, {TICKETS} tickets/centre/day in {time.perf_counter() - started:.0f} s")


def floor(period: Period, centre: str | None) -> float:
    """A bare count of the dossiers and tickets the report reads (sqlite3, no SQLAlchemy)."""
    start, end = period.bounds()
    db = sqlite3.connect(store_path(DATA))
    where = " AND centre_id = ?" if centre else ""
    args = (centre,) if centre else ()
    began = time.perf_counter()
    db.execute(f"SELECT count(*) FROM dossiers WHERE received_at < ?{where}", (stamp(end), *args)).fetchone()
    db.execute(f"SELECT count(*) FROM queue_tickets WHERE day >= ? AND day <= ?{where}",
               (period.start.isoformat(), period.end.isoformat(), *args)).fetchone()
    took = time.perf_counter() - began
    db.close()
    return took


def main() -> int:
    build()
    db_file = store_path(DATA)
    counts = sqlite3.connect(db_file).execute(
        "SELECT (SELECT count(*) FROM dossiers), (SELECT count(*) FROM queue_tickets)").fetchone()
    print(f"store: {db_file} ({db_file.stat().st_size / 1e6:.0f} MB, {counts[0]} dossiers, {counts[1]} tickets)")
    services = open_services(DATA, clock=FixedClock())
    reports = ReportService(services.uow, services.clock)
    for label, period, centre, target in (("month_of_one_centre", MONTH, CENTRE, 1.0),
                                          ("year_of_the_province", YEAR, None, 10.0)):
        run_report(reports, "dossiers", period, ReportFilters(centre_id=centre), staff_id=COMMAND_LINE)  # warm
        worst = 0.0
        for name in REPORT_NAMES:
            began = time.perf_counter()
            run_report(reports, name, period, ReportFilters(centre_id=centre), staff_id=COMMAND_LINE)
            took = time.perf_counter() - began
            worst = max(worst, took)
            print(f"{label}_{name}_s: {took:.3f}")
        print(f"{label}_worst_report_s: {worst:.3f} (target <= {target:g}) {'PASS' if worst <= target else 'FAIL'}")
        print(f"{label}_floor_bare_count_s: {floor(period, centre):.3f} [floor]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
