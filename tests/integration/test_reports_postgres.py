"""The reports' SQL on PostgreSQL gives the same reports as on SQLite (issue 13: one query layer for the
counter and the provincial server). The generated history of a counter store is copied row by row into
a real PostgreSQL (pgserver, or COUNTER_TEST_POSTGRES_URL) with the counter's own schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.orm import Session

from counter_app.bootstrap import VIETNAM_TIME
from counter_app.services.permissions import COMMAND_LINE
from counter_app.services.reports import (
    REPORT_NAMES,
    Period,
    ReportFilters,
    ReportService,
    run_report,
)
from counter_app.storage.models import Base
from counter_app.storage.report_repo import SqlReportRepository
from counter_app.storage.repositories import SqlStaffRepository, SqlUnitRepository
from counter_app.storage.store import store_path
from tests.report_history import generate

pytestmark = pytest.mark.xdist_group("server")


@pytest.fixture(scope="module")
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    name = f"r_{uuid.uuid4().hex[:12]}"
    engine = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    yield make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)


class _ReadUow:
    """What ReportService reads through, over any SQLAlchemy session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.reports = SqlReportRepository(session)
        self.units = SqlUnitRepository(session)
        self.staff = SqlStaffRepository(session)

    def __enter__(self) -> _ReadUow:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.close()


def test_every_report_is_the_same_on_postgresql(demo_data_dir, postgres_url, clock) -> None:  # type: ignore[no-untyped-def]
    generate(demo_data_dir, dossiers=400, days=120, start=datetime(2026, 7, 1, tzinfo=VIETNAM_TIME),
             tickets_per_day=4, now=datetime(2026, 11, 28, tzinfo=VIETNAM_TIME))
    lite = create_engine(f"sqlite:///{store_path(demo_data_dir)}")
    pg = create_engine(postgres_url)
    Base.metadata.create_all(pg)
    with lite.connect() as source, pg.begin() as target:
        for table in Base.metadata.sorted_tables:
            rows = [dict(r._mapping) for r in source.execute(select(table))]
            if rows:
                target.execute(table.insert(), rows)
    period = Period(date(2026, 8, 1), date(2026, 10, 31))
    on_sqlite = ReportService(lambda readonly=True: _ReadUow(Session(lite)), clock)
    on_postgres = ReportService(lambda readonly=True: _ReadUow(Session(pg)), clock)
    for name in REPORT_NAMES:
        for centre in (None, "c-tinh"):
            expected = run_report(on_sqlite, name, period, ReportFilters(centre_id=centre), staff_id=COMMAND_LINE)
            found = run_report(on_postgres, name, period, ReportFilters(centre_id=centre), staff_id=COMMAND_LINE)
            assert found == expected, (name, centre)
    dossiers = run_report(on_postgres, "dossiers", period, ReportFilters(), staff_id=COMMAND_LINE)
    assert dossiers.total.received > 0 and dossiers.total.balanced
    lite.dispose()
    pg.dispose()
