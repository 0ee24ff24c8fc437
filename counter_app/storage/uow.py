"""Unit of work over one SQLite transaction: repositories plus the outbox, commit or roll back."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from counter_app.storage.db import store_fault
from counter_app.storage.dossier_repo import SqlDossierRepository
from counter_app.storage.ids import new_id
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
from counter_app.storage.store import CommitMarkFile


class SqlAlchemyUnitOfWork:
    """``with uow: ...; uow.commit()`` — leaving the block without commit rolls back."""

    units: SqlUnitRepository
    catalog: SqlCatalogRepository
    staff: SqlStaffRepository
    calendars: SqlCalendarRepository
    sequences: SqlSequenceRepository
    outbox: SqlOutbox
    dossiers: SqlDossierRepository
    print_jobs: SqlPrintJobRepository
    reports: SqlReportRepository
    session: Session

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        device_id: str,
        schema_version: str,
        now: Callable[[], datetime],
        readonly: bool = False,
        marks: CommitMarks | None = None,
    ) -> None:
        self._marks = marks
        self._path = str(marks.path) if marks is not None else ""
        self._factory = session_factory
        self._device_id = device_id
        self._schema_version = schema_version
        self._now = now
        self._readonly = readonly

    def __enter__(self) -> Self:
        self.session = self._factory()
        if self._readonly:
            self.session.connection(execution_options={"readonly": True})
        self.units = SqlUnitRepository(self.session)
        self.catalog = SqlCatalogRepository(self.session)
        self.staff = SqlStaffRepository(self.session)
        self.calendars = SqlCalendarRepository(self.session)
        self.sequences = SqlSequenceRepository(self.session)
        self.dossiers = SqlDossierRepository(self.session)
        self.queue = SqlQueueRepository(self.session)
        self.print_jobs = SqlPrintJobRepository(self.session)
        self.reports = SqlReportRepository(self.session)  # reads only (services/reports.py)
        self.outbox = SqlOutbox(
            self.session, device_id=self._device_id, schema_version=self._schema_version, now=self._now
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        except DBAPIError:  # SQLite may have ended the transaction itself (disk full, I/O error)
            pass
        finally:
            self.session.close()
        if exc is not None and (fault := store_fault(exc, self._path)) is not None:
            raise fault from exc  # a disk or lock fault in words; the transaction is rolled back

    def commit(self) -> None:
        if self._readonly:
            raise RuntimeError("read-only unit of work cannot commit")
        try:
            self.outbox.finish()  # the rows the ops carry, as the use case left them
            sequence = self._marks.sequence(self.session) if self._marks is not None else None
            self.session.commit()
        except DBAPIError as exc:
            fault = store_fault(exc, self._path)
            if fault is None:
                raise
            with contextlib.suppress(DBAPIError):  # SQLite may have ended it itself; nothing half-written
                self.session.rollback()
            raise fault from exc
        if sequence is not None and self._marks is not None:
            self._marks.committed(*sequence)

    def rollback(self) -> None:
        self.session.rollback()

    @staticmethod
    def new_id() -> str:
        """A UUIDv7 made on this PC for a new row that will leave it."""
        return new_id()


class CommitMarks:
    """Copies the store's last committed sequence beside it after each commit (see store.py)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._last: tuple[str, int] | None = None
        self._lock = threading.Lock()
        self._file = CommitMarkFile(path)

    @staticmethod
    def sequence(session: Session) -> tuple[str, int] | None:
        row = session.execute(text("SELECT id, next_seq FROM device LIMIT 1")).first()
        return (str(row[0]), int(row[1]) - 1) if row else None

    def committed(self, device_id: str, seq: int) -> None:
        with self._lock:
            if self._last is not None and self._last[0] == device_id and self._last[1] >= seq:
                return
            self._last = (device_id, seq)
            self._file.write(device_id, seq)


class UnitOfWorkFactory:
    """Makes units of work bound to one engine and this device."""

    def __init__(self, engine: Engine, *, device_id: str, schema_version: str, now: Callable[[], datetime]):
        self.engine = engine
        self.device_id = device_id
        self.schema_version = schema_version
        self._now = now
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        database = engine.url.database
        self._marks = CommitMarks(Path(database)) if database and database != ":memory:" else None

    def __call__(self, *, readonly: bool = False) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(
            self._sessions,
            device_id=self.device_id,
            schema_version=self.schema_version,
            now=self._now,
            readonly=readonly,
            marks=self._marks,
        )
