"""Type-checking only: the SQLite adapters implement the services' ports (mypy reads this module;
[tool.mypy] in pyproject.toml). An adapter that drifts from services/ports.py fails ``make lint``."""

from __future__ import annotations

from counter_app.services import ports, report_port
from counter_app.storage.dossier_repo import SqlDossierRepository
from counter_app.storage.print_job_repo import SqlPrintJobRepository
from counter_app.storage.queue_repo import SqlQueueRepository
from counter_app.storage.report_repo import SqlReportRepository
from counter_app.storage.repositories import (
    SqlCalendarRepository,
    SqlCatalogRepository,
    SqlOutbox,
    SqlSequenceRepository,
    SqlStaffRepository,
    SqlUnitRepository,
)
from counter_app.storage.uow import SqlAlchemyUnitOfWork, UnitOfWorkFactory

UNITS: type[ports.UnitRepository] = SqlUnitRepository
CATALOG: type[ports.CatalogRepository] = SqlCatalogRepository
STAFF: type[ports.StaffRepository] = SqlStaffRepository
CALENDARS: type[ports.CalendarRepository] = SqlCalendarRepository
SEQUENCES: type[ports.SequenceRepository] = SqlSequenceRepository
OUTBOX: type[ports.Outbox] = SqlOutbox
DOSSIERS: type[ports.DossierRepository] = SqlDossierRepository
QUEUE: type[ports.QueueRepository] = SqlQueueRepository
PRINT_JOBS: type[ports.PrintJobRepository] = SqlPrintJobRepository
REPORTS: type[report_port.ReportRepository] = SqlReportRepository
UNIT_OF_WORK: type[ports.UnitOfWork] = SqlAlchemyUnitOfWork
UNIT_OF_WORK_FACTORY: type[ports.UnitOfWorkFactory] = UnitOfWorkFactory
