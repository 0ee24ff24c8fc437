"""Ports: the Protocols that services need from the world, implemented by adapters in bootstrap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self, runtime_checkable

from counter_app.domain.calendar import WorkingCalendar
from counter_app.domain.catalog import Field, Procedure
from counter_app.domain.codes import SequenceLease
from counter_app.domain.units import Centre, Counter, Unit
from counter_app.services.read_models import (
    CounterView,
    ProcedureGuide,
    ProcedureSummary,
    StaffSession,
)


class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware current time."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...


class StaffRecord(Protocol):
    id: str
    username: str
    full_name: str
    password_hash: str
    centre_id: str
    role: str
    active: bool
    failed_logins: int
    locked_until: datetime | None


class UnitRepository(Protocol):
    def all(self) -> Sequence[Unit]: ...

    def centres(self) -> Sequence[Centre]: ...

    def centre(self, centre_id: str) -> Centre | None: ...

    def counters(self, centre_id: str) -> Sequence[Counter]: ...


class CatalogRepository(Protocol):
    def fields(self) -> Sequence[Field]: ...

    def procedures(self) -> Sequence[Procedure]: ...

    def procedure_by_code(self, code: str) -> Procedure | None: ...


class StaffRepository(Protocol):
    def by_username(self, username: str) -> StaffRecord | None: ...

    def record_login_failure(self, staff_id: str, failed_logins: int, locked_until: datetime | None) -> None: ...

    def record_login_success(self, staff_id: str, at: datetime, new_hash: str | None) -> None: ...


class CalendarRepository(Protocol):
    def calendar(self, centre_id: str | None = None) -> WorkingCalendar: ...


class SequenceRepository(Protocol):
    def leases(self, device_id: str) -> Sequence[SequenceLease]: ...

    def last_used(self, agency_code: str, day: date) -> int | None: ...

    def set_last_used(self, agency_code: str, day: date, seq: int) -> None: ...


class Outbox(Protocol):
    def add(self, entity: str, entity_id: str, op: str, payload: dict[str, object]) -> str:
        """Queue a change for sync in the current transaction; returns the op id."""
        ...


class UnitOfWork(Protocol):
    units: UnitRepository
    catalog: CatalogRepository
    staff: StaffRepository
    calendars: CalendarRepository
    sequences: SequenceRepository
    outbox: Outbox

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class GuidanceSheetRenderer(Protocol):
    def __call__(self, guide: ProcedureGuide, *, printed_at: datetime, staff_name: str, counter_name: str) -> bytes: ...


class CounterAppServices(Protocol):
    """What the counter window is handed by bootstrap: one method per user action.

    ``dossiers`` (services.dossiers.DossierService) and ``printing``
    (services.print_jobs.PrintService) carry the dossier work of the counter.
    """

    data_dir: Path
    device_id: str
    clock: Clock
    dossiers: Any
    printing: Any
    queue: Any  # QueueService (services/queue_port.py)
    ticket_printer: Any

    def login(self, username: str, password: str) -> StaffSession: ...

    def counters(self, centre_id: str) -> list[CounterView]: ...

    def open_counter(self, session: StaffSession, counter_id: str) -> str:
        """Record the start of a duty period at the counter; returns its id."""
        ...

    def close_counter(self, duty_id: str) -> None:
        """Record the end of a duty period (the counter window closed)."""
        ...

    def demo_session(self) -> tuple[StaffSession, CounterView]:
        """The first active staff member and counter (screenshots, support)."""
        ...

    def search_procedures(self, text: str, limit: int = 50, *, centre_id: str | None = None) -> list[ProcedureSummary]: ...

    def procedure_guide(self, code: str, *, centre_id: str | None = None) -> ProcedureGuide: ...

    def print_guidance_sheet(
        self, code: str, *, centre_id: str | None, staff_name: str, counter_name: str
    ) -> Path: ...


@dataclass(frozen=True, slots=True)
class PrintJob:
    """What a printer did with a document: where it went, or why it failed."""

    printer: str
    ok: bool
    path: Path | None = None  # the virtual printer's file
    error: str = ""  # for the log; the ui words failures itself


class Printer(Protocol):
    """A printer port: the virtual printer (files + preview), later ESC/POS and office printers."""

    name: str

    def print_pdf(self, pdf: bytes, *, title: str, at: datetime) -> PrintJob: ...

    def print_image(self, png: bytes, *, title: str, at: datetime) -> PrintJob:
        """A receipt-printer job given as the image the paper shows."""
        ...


@runtime_checkable
class ClipPlayer(Protocol):
    """Plays voice clips in order and returns when done (see services/voice.py)."""

    def play(self, paths: list[Path]) -> None: ...
