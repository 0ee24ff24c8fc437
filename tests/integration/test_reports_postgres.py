"""The reports' SQL on PostgreSQL gives the same reports as on SQLite (issue 13: one query layer for the
counter and the provincial server). The generated history of a counter store is copied row by row into
a real PostgreSQL (pgserver, or COUNTER_TEST_POSTGRES_URL) with the counter's own schema."""

from __future__ import annotations

import os
import shutil
import tempfile
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
def postgres_url() -> Iterator[str]:
    admin = os.environ.get("COUNTER_TEST_POSTGRES_URL")
    server = folder = None
    if not admin:
        try:
            import pgserver
        except ImportError:
            pytest.skip("pgserver is not installed (pip install -e '.[dev]'), and COUNTER_TEST_POSTGRES_URL is not set")
        folder = tempfile.mkdtemp(prefix="counter-pg-")
        os.chmod(folder, 0o755)
        try:
            server = pgserver.get_server(folder, cleanup_mode="stop")
        except Exception as exc:  # noqa: BLE001 — any failure to start is the skip reason, said whole
            shutil.rmtree(folder, ignore_errors=True)
            pytest.skip(f"the bundled PostgreSQL (pgserver) did not start here: {type(exc).__name__}: {exc}")
        admin = make_url(server.get_uri()).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    name = f"r_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    if server is not None:
        server.cleanup()
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


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
