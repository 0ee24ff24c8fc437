"""Ports: the Protocols that services need from the world, implemented by adapters in bootstrap."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self, runtime_checkable

from counter_app.domain.calendar import WorkingCalendar
from counter_app.domain.catalog import Field, Procedure
from counter_app.domain.codes import SequenceLease
from counter_app.domain.dossier import DossierEvent, DossierRecord, DossierStatus
from counter_app.domain.dossier import EventType as DossierEventType
from counter_app.domain.queue import CounterMoment, CounterState, Head, Line, Ticket, TicketStatus
from counter_app.domain.queue import EventType as QueueEventType
from counter_app.domain.units import Centre, Counter, Unit
from counter_app.services.queue_port import QueueService, TicketView
from counter_app.services.read_models import (
    CounterView,
    ProcedureGuide,
    ProcedureSummary,
    ReportUnit,
    StaffSession,
)

if TYPE_CHECKING:  # the services import this module: only the type checker follows these back
    from counter_app.services.documents import DocumentKind
    from counter_app.services.dossiers import DossierService
    from counter_app.services.print_jobs import PrintJobRecord, PrintService
    from counter_app.services.settings import Settings


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
    phone: str  # printed on Mẫu 02
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

    def counter(self, counter_id: str) -> Counter | None: ...

    def centre_agencies(self, centre_id: str) -> list[str]:
        """Unit ids of the agencies whose dossiers the centre takes."""
        ...


class CatalogRepository(Protocol):
    def fields(self) -> Sequence[Field]: ...

    def procedures(self) -> Sequence[Procedure]: ...

    def procedure_by_code(self, code: str) -> Procedure | None: ...


class StaffRepository(Protocol):
    def by_username(self, username: str) -> StaffRecord | None: ...

    def by_id(self, staff_id: str) -> StaffRecord | None: ...

    def record_login_failure(self, staff_id: str, failed_logins: int, locked_until: datetime | None) -> None: ...

    def record_login_success(self, staff_id: str, at: datetime, new_hash: str | None) -> None: ...

    def first_active(self) -> StaffRecord | None:
        """The first active staff member by user name (screenshots, support)."""
        ...

    def open_counter_session(self, staff_id: str, counter_id: str, device_id: str, at: datetime) -> str: ...

    def close_counter_session(self, session_id: str, at: datetime) -> bool:
        """True when an open duty period was closed now."""
        ...


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

    def clock_mark(self) -> datetime | None:
        """The newest time this store wrote (see services.clock_guard); None before the first write."""
        ...

    def set_clock_mark(self, at: datetime) -> None:
        """Put the mark at ``at``, also back: only for an administrator's confirmed date change."""
        ...


class PaymentRecord(Protocol):
    """A fee taken (a receipt); ``lines`` is the JSON list of {name, amount}."""

    @property
    def id(self) -> str: ...
    @property
    def receipt_number(self) -> str: ...
    @property
    def dossier_id(self) -> str: ...
    @property
    def payer_name(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def total(self) -> int: ...
    @property
    def lines(self) -> str: ...
    @property
    def paid_at(self) -> datetime: ...
    @property
    def staff_id(self) -> str: ...
    @property
    def counter_id(self) -> str | None: ...
    @property
    def device_id(self) -> str: ...
    @property
    def request_key(self) -> str: ...


class HandoverBatchRecord(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def centre_id(self) -> str: ...
    @property
    def agency_unit_id(self) -> str: ...
    @property
    def day(self) -> date: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def handed_at(self) -> datetime | None: ...
    @property
    def staff_id(self) -> str: ...
    @property
    def receiver_name(self) -> str: ...


class PostalItemRecord(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def item_code(self) -> str: ...
    @property
    def dossier_id(self) -> str: ...
    @property
    def receiver_name(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def phone(self) -> str: ...
    @property
    def charge(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def sent_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...


class DossierRepository(Protocol):
    """Dossiers, their append-only events, payments, hand-over batches and postal items."""

    def add(self, record: DossierRecord) -> None: ...

    def save(self, record: DossierRecord) -> None: ...

    def by_code(self, code: str, *, with_components: bool = True) -> DossierRecord | None: ...

    def by_id(self, dossier_id: str) -> DossierRecord: ...

    def by_request_key(self, request_key: str) -> DossierRecord | None: ...

    def search(
        self, *, code_prefix: str = "", id_number: str = "", phone: str = "", name_prefix: str = "",
        centre_id: str | None = None, limit: int = 50,
    ) -> list[DossierRecord]: ...

    def by_status(
        self, status: DossierStatus, *, centre_id: str | None = None, limit: int = 500
    ) -> list[DossierRecord]: ...

    def received_between(self, centre_id: str | None, start: datetime, end: datetime) -> list[DossierRecord]: ...

    def count_received_before(self, centre_id: str | None, start: datetime, at: datetime, code: str = "") -> int:
        """Dossiers received from ``start`` up to ``(at, code)`` in book order (time, then code)."""
        ...

    def count(self) -> int: ...

    def append_event(self, record: DossierRecord, event: DossierEvent, status_after: DossierStatus) -> int:
        """Append to the history; returns the event's sequence number within the dossier."""
        ...

    def events(self, dossier_id: str) -> list[tuple[int, DossierEvent, DossierStatus, str]]:
        """(seq, event, status after, staff full name) in order."""
        ...

    def last_event_at(self, dossier_id: str, type_: DossierEventType) -> datetime | None: ...

    def next_receipt_seq(self, device_id: str) -> int: ...

    def device_slot(self, device_id: str) -> int: ...

    def add_payment(self, **values: Any) -> None:
        """The PaymentRecord's fields, ``lines`` as a list of {name, amount}."""
        ...

    def payment_by_request_key(self, key: str) -> PaymentRecord | None: ...

    def payment_by_number(self, receipt_number: str) -> dict[str, Any] | None: ...

    def payments(self, dossier_id: str) -> Sequence[PaymentRecord]: ...

    def paid_total(self, dossier_id: str) -> int: ...

    def paid_totals(self, dossier_ids: Sequence[str]) -> dict[str, int]: ...

    def payments_between(self, staff_id: str | None, start: datetime, end: datetime) -> Sequence[PaymentRecord]: ...

    def add_batch(self, dossier_ids: Sequence[str], **values: Any) -> None: ...

    def batch(self, batch_id: str) -> HandoverBatchRecord | None: ...

    def batch_by_code(self, code: str) -> HandoverBatchRecord | None: ...

    def batch_dossiers(self, batch_id: str) -> list[DossierRecord]: ...

    def batches_of(self, dossier_id: str) -> Sequence[HandoverBatchRecord]: ...

    def batches_between(self, centre_id: str, start: date, end: date) -> Sequence[HandoverBatchRecord]: ...

    def count_batches_on(self, agency_unit_id: str, day: date) -> int: ...

    def add_postal_item(self, **values: Any) -> None: ...

    def set_postal_status(self, item_code: str, status: str, at: datetime) -> None: ...

    def postal_item(self, item_code: str) -> PostalItemRecord | None: ...

    def postal_items_of(self, dossier_id: str) -> Sequence[PostalItemRecord]: ...


class PrintJobRepository(Protocol):
    """The documents this PC's printer owes (services/print_jobs.py; storage/print_job_repo.py)."""

    def add(self, *, device: str, kind: DocumentKind, key: str, created_at: datetime) -> PrintJobRecord: ...

    def get(self, job_id: str) -> PrintJobRecord | None: ...

    def owed(self, device: str) -> Sequence[PrintJobRecord]: ...

    def owed_for(self, device: str, kind: DocumentKind, key: str) -> Sequence[PrintJobRecord]: ...

    def mark_printed(self, job_id: str, at: datetime) -> bool:
        """False when the job was settled already (printed or cancelled): nothing changes."""
        ...

    def mark_failed(self, job_id: str, error: str, code: str = "", params: Sequence[tuple[str, str]] = ()) -> bool:
        """Failed, still owed: ``error`` for the log, ``code``/``params`` (device.*, print.*) for the screens."""
        ...

    def cancel(self, job_id: str, reason: str, code: str = "", params: Sequence[tuple[str, str]] = ()) -> bool: ...


class QueueRepository(Protocol):
    """Queue lines, assignments, tickets, events, counter state and ratings."""

    def add_line(self, line: Line) -> None: ...

    def assign(self, counter_id: str, line_id: str, weight: int) -> None: ...

    def line(self, line_id: str) -> Line | None: ...

    def lines(self, centre_id: str, *, active_only: bool = True) -> list[Line]: ...

    def counter_lines(self, counter_id: str) -> dict[str, int]:
        """Line id → weight of the active lines the counter serves."""
        ...

    def assignments(self, centre_id: str) -> list[tuple[str, str, int]]: ...

    def serving_counters(self, line_id: str) -> int:
        """Active counters that serve the line with a weight and are not paused."""
        ...

    def desk(self, counter_id: str) -> tuple[Counter, CounterState] | None: ...

    def staff_centre(self, staff_id: str) -> str | None:
        """The centre of an active staff member (None if unknown or disabled)."""
        ...

    def staffed(self, counter_id: str) -> bool: ...

    def next_seq(self, centre_id: str) -> int: ...

    def last_number(self, issued_line_id: str, day: date) -> int | None: ...

    def add_ticket(self, ticket: Ticket) -> None: ...

    def save_ticket(self, ticket: Ticket, *, before: Ticket | None = None, expect: TicketStatus | None = None) -> bool:
        """Write the ticket; with ``expect`` only if the stored status still is that. Whether it was written."""
        ...

    def ticket(self, ticket_id: str) -> Ticket | None: ...

    def by_request_key(self, request_key: str) -> Ticket | None: ...

    def with_number(
        self, centre_id: str, prefix: str, number: int, status: TicketStatus | None = None
    ) -> Ticket | None: ...

    def heads(self, line_ids: Sequence[str], day: date) -> list[Head]: ...

    def direct_heads(self, counter_id: str, day: date) -> list[Head]: ...

    def waiting_ahead(self, line_id: str, day: date, *, priority_only: bool) -> int: ...

    def average_waits(self, centre_id: str, day: date) -> dict[str, float]: ...

    def waiting_counts(self, centre_id: str, day: date) -> dict[str, int]: ...

    def services_of_day(self, centre_id: str, day: date, line_id: str, limit: int) -> list[tuple[datetime, datetime]]: ...

    def waiting_before(self, centre_id: str, day: date, limit: int | None = None) -> list[Ticket]: ...

    def waiting_up_to(self, centre_id: str, day: date) -> list[Ticket]: ...

    def tickets_of_day(self, centre_id: str, day: date) -> list[Ticket]: ...

    def add_event(
        self, *, centre_id: str, seq: int, ticket_id: str | None, type_: QueueEventType, at: datetime, day: date,
        counter_id: str | None, staff_id: str | None, device_id: str, data: dict[str, Any] | None = None,
    ) -> str: ...

    def recent_calls(self, centre_id: str, limit: int) -> list[tuple[str, int, datetime, bool, str, str]]:
        """(number, counter number, at, recall, counter id, line id), newest first."""
        ...

    def counter_moments(self, centre_id: str, day: date) -> list[CounterMoment]: ...

    def events_of(self, ticket_id: str) -> list[tuple[int, QueueEventType, datetime, str | None, dict[str, Any]]]: ...

    def counter_state(self, counter_id: str, centre_id: str) -> CounterState: ...

    def save_counter_state(self, state: CounterState, at: datetime) -> None: ...

    def rating_of(self, ticket_id: str) -> dict[str, Any] | None: ...

    def add_rating(self, **values: Any) -> None: ...

    def update_rating(self, rating_id: str, **values: Any) -> None: ...

    def ratings_between(self, centre_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]: ...


class UnitOfWork(Protocol):
    """One transaction: the repositories (read-only members, so an adapter may hold its own
    classes) and the outbox; ``with uow: ...; uow.commit()``, leaving without commit rolls back."""

    @property
    def units(self) -> UnitRepository: ...
    @property
    def catalog(self) -> CatalogRepository: ...
    @property
    def staff(self) -> StaffRepository: ...
    @property
    def calendars(self) -> CalendarRepository: ...
    @property
    def sequences(self) -> SequenceRepository: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def dossiers(self) -> DossierRepository: ...
    @property
    def queue(self) -> QueueRepository: ...
    @property
    def print_jobs(self) -> PrintJobRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def new_id(self) -> str:
        """A new id (UUIDv7) for a row made on this PC."""
        ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, readonly: bool = False) -> UnitOfWork:
        """A new unit of work; a read-only one refuses to commit."""
        ...


class GuidanceSheetRenderer(Protocol):
    def __call__(self, guide: ProcedureGuide, *, printed_at: datetime, staff_name: str, counter_name: str) -> bytes: ...


class CounterAppServices(Protocol):
    """What the counter window is handed by bootstrap: one method per user action.

    ``dossiers`` and ``printing`` carry the dossier work of the counter, ``queue`` and
    ``ticket_printer`` the queue; each is None on a PC (or a test) that has no such work.
    """

    data_dir: Path
    device_id: str
    clock: Clock
    store_path: Path
    settings: Settings  # this PC's settings (language, voice, …)
    dossiers: DossierService | None
    printing: PrintService | None
    queue: QueueService | None
    ticket_printer: TicketPrinterPort | None

    @property
    def announcer(self) -> object | None:
        """The voice of the hall display (services.voice.VoiceQueue), None when this PC has none."""
        ...

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
    ) -> Path | None:
        """Through the Printer port; the file the virtual printer wrote, None for a printer without files."""
        ...

    def start_scanner(self, on_scan: Callable[[str], None]) -> Callable[[], None] | None:
        """Read this PC's serial scanner on its own thread (codes to ``on_scan`` from that thread);
        returns what stops it, None when the PC has no serial scanner."""
        ...

    def start_boards(self) -> Callable[[], None] | None:
        """Drive this PC's queue-number boards (``board-N``): each call or recall at counter N shows
        on board N, sent by the board's own thread; returns what stops them, None when none is set."""
        ...

    def report_units(self, staff_id: str) -> list[ReportUnit]:
        """The centres (with their agencies) a report may be asked for by this staff member."""
        ...

    def run_report(self, name: str, period: Any, filters: Any, *, staff_id: str,
                   cancelled: Callable[[], bool] | None = None) -> Any:
        """The report ``name`` (services/reports.REPORT_NAMES) of a ``reports.Period`` with
        ``reports.ReportFilters``; ``cancelled`` is polled between steps and stops it (``report.cancelled``)."""
        ...

    def export_report(self, document: Any, fmt: str, path: Path) -> Path:
        """Write a ``report_documents.ReportDocument`` as ``pdf``, ``xlsx`` or ``csv`` to ``path``
        (``report.cannot_write`` when the file cannot be written)."""
        ...


@dataclass(frozen=True, slots=True)
class PrintJob:
    """What a printer did with a document: where it went, or why it failed."""

    printer: str
    ok: bool
    path: Path | None = None  # the virtual printer's file
    error: str = ""  # for the log; the ui words failures itself
    # why, as a message code (device.* / print.*, services/messages.py) and its params: kept with the job
    code: str = ""
    params: tuple[tuple[str, str], ...] = ()


class Printer(Protocol):
    """A printer port: the virtual printer (files + preview), later ESC/POS and office printers."""

    name: str

    def print_pdf(self, pdf: bytes, *, title: str, at: datetime) -> PrintJob: ...

    def print_image(self, png: bytes, *, title: str, at: datetime) -> PrintJob:
        """A receipt-printer job given as the image the paper shows."""
        ...


class TicketPrinterPort(Protocol):
    """Prints a kiosk ticket on the receipt printer (services.print_jobs.TicketPrinter)."""

    def print_ticket(self, ticket: TicketView, centre_name: str) -> PrintJob: ...

    def drop_left_over(self) -> Sequence[Any]:
        """At the kiosk's start: ticket print jobs owed from before it are cancelled, never printed."""
        ...


@runtime_checkable
class ClipPlayer(Protocol):
    """Plays voice clips in order and returns when done (see services/voice.py)."""

    def play(self, paths: list[Path]) -> None: ...
