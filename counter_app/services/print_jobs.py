"""Printing owned by the service: the documents a use case owes, worked off by the printer port.

A use case adds its documents as owed print jobs in its own transaction (``uow.print_jobs.add``):
intake (Mẫu 01/02/03, the payment receipt), payment (its receipt), hand-over (the record, each
Mẫu 06), supplement request, extension and stop (Mẫu 02/04/05), sending by post (the delivery
label), and the kiosk's ticket (``TicketPrinter``: settled at once, never printed after a restart).
Returning a result owes no paper. ``PrintService.work_off`` renders one, sends it to the
printer and, in one short transaction, marks it printed and adds the dossier's ``PRINTED`` event
(once: a job already settled is not recorded again). A printer failure marks it failed with the
reason, still owed; the dossier stays committed. A crash between the commit and the print leaves
the job owed: ``owed_jobs()`` lists it when the counter window starts again, and the clerk prints
it again or skips it (``cancel``). The devices issue builds the real printer queue on these rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from counter_app.domain.calendar import VIETNAM_TIME
from counter_app.domain.errors import DomainError
from counter_app.services.documents import DocumentKind
from counter_app.services.dossier_documents import DOSSIER_FORMS, DossierDocuments
from counter_app.services.dossiers import Desk, DossierService
from counter_app.services.i18n import language_scope
from counter_app.services.ports import Clock, Printer, PrintJob

_log = logging.getLogger(__name__)
FORMS_LANGUAGE = "vi"  # forms, receipts and tickets are official Vietnamese documents


class PrintJobStatus(StrEnum):
    OWED = "owed"  # committed with its use case, not printed yet
    PRINTED = "printed"
    FAILED = "failed"  # the printer refused it; still owed, ``last_error`` says why
    CANCELLED = "cancelled"  # the clerk chose "skip" (the paper was printed some other way, or is not wanted)


OWED_STATUSES = (PrintJobStatus.OWED, PrintJobStatus.FAILED)


@dataclass(frozen=True, slots=True)
class PrintJobRecord:
    """One row of ``print_jobs``: a document this PC's printer owes."""

    id: str
    device: str
    kind: DocumentKind
    key: str  # dossier code, receipt number or hand-over batch code
    created_at: datetime
    status: PrintJobStatus
    attempts: int = 0
    last_error: str = ""  # for the log and support (English); the screens say ``reason()``
    printed_at: datetime | None = None
    error_code: str = ""  # why it failed or was cancelled: a device.* / print.* message code
    error_params: tuple[tuple[str, str], ...] = ()

    @property
    def owed(self) -> bool:
        return self.status in OWED_STATUSES

    def reason(self) -> DomainError | None:
        """Why it failed or was cancelled, to be said with describe_error; None when nothing went wrong."""
        if self.error_code:
            return DomainError(self.error_code, **dict(self.error_params))
        if self.last_error:  # a job failed before reasons were kept as codes: its English text is for the log
            return DomainError("print.reason_not_kept")
        return None


def reason_params(params: Mapping[str, Any] | Sequence[tuple[str, Any]]) -> tuple[tuple[str, str], ...]:
    """A reason's params as kept with a job: text (a date as the screens write it, dd/mm/yyyy)."""
    items = params.items() if isinstance(params, Mapping) else params
    kept = []
    for key, value in items:
        if isinstance(value, date) and not isinstance(value, datetime):
            value = f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
        kept.append((str(key), str(value)))
    return tuple(sorted(kept))


def job_reason_text(job: PrintJobRecord) -> str:
    """The Reason column of the print-jobs list, in the screens' language ("" when nothing went wrong)."""
    from counter_app.services.i18n import describe_error

    reason = job.reason()
    return describe_error(reason) if reason is not None else ""


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    """A print never undoes a record: ``ok`` False means "reprint from the dossier view"."""

    kind: DocumentKind
    key: str  # dossier code, receipt number, item code, batch code or period
    job: PrintJob
    pdf: bytes  # what was (or would have been) printed, for the on-screen preview

    @property
    def ok(self) -> bool:
        return self.job.ok


class PrintService:
    """Renders documents and sends them to the ``Printer`` port; works off the jobs use cases owe."""

    def __init__(
        self, *, documents: DossierDocuments, render_pdf: Callable[[Any], bytes], printer: Printer, clock: Clock,
        preview: Callable[[bytes, int], list[bytes]] | None = None,
        render_receipt: Callable[[Any, str], bytes] | None = None,
        uow: Any = None, device_id: str = "", dossiers: DossierService | None = None,
    ) -> None:
        self._documents = documents
        self._render = render_pdf
        self._render_receipt = render_receipt  # (document, "png" | "escpos") -> bytes, 80 mm
        self.printer = printer
        self._clock = clock
        self._preview = preview
        self._uow = uow  # UnitOfWorkFactory: the print_jobs rows and the PRINTED events
        self.device_id = device_id
        self.started_at = clock.now()  # jobs owed from before this are offered at the window's start
        self._dossiers = dossiers  # adds the PRINTED event to the dossier a printed document belongs to
        # the receipt printer's queue (devices/print_queue.PrintQueue), set by bootstrap when this PC has
        # one: work_off hands it the jobs of the kinds it takes (its worker sends and retries them)
        self.receipt_queue: Any = None

    # -- owed print jobs -----------------------------------------------------------------------
    def owed_jobs(self) -> list[PrintJobRecord]:
        """What this PC's printer still owes (owed or failed), oldest first: offered at start."""
        with self._uow(readonly=True) as uow:
            # the kiosk's tickets are never offered again (TicketPrinter.drop_left_over)
            return [j for j in uow.print_jobs.owed(self.device_id) if j.kind is not DocumentKind.QUEUE_TICKET]

    def recent_jobs(self, limit: int = 200) -> list[PrintJobRecord]:
        """This PC's print jobs, newest first, whatever their state (the Devices screen's list:
        owed, failed with the reason, printed, cancelled); kiosk tickets included."""
        with self._uow(readonly=True) as uow:
            return list(reversed(uow.print_jobs.all_of(self.device_id)))[:limit]

    def printing_now(self) -> frozenset[str]:
        """Ids of the jobs the receipt printer's queue holds right now (being sent or waiting for a retry)."""
        queue = self.receipt_queue
        return frozenset(queue.pending()) if queue is not None else frozenset()

    def owed_at_start(self) -> list[PrintJobRecord]:
        """The jobs owed from before this program opened the store (it closed or crashed between a
        commit and its print): what the counter window offers to print again or skip when it starts.
        Jobs of this run are the screens' own prints (a failure there says so and offers a reprint).

        Only today's (Vietnam time): the citizen of a document owed since an earlier day has left
        long ago, so it is not pushed at the clerk each morning; it stays in the print-jobs list."""
        today = self.started_at.astimezone(VIETNAM_TIME).date()
        return [
            j for j in self.owed_jobs()
            if j.created_at < self.started_at and j.created_at.astimezone(VIETNAM_TIME).date() == today
        ]

    def job(self, job_id: str) -> PrintJobRecord:
        with self._uow(readonly=True) as uow:
            found = uow.print_jobs.get(job_id)
        if found is None:
            raise DomainError("print.unknown_job", job=job_id)
        return found

    def work_off(self, job: PrintJobRecord | str, desk: Desk) -> PrintOutcome:
        """Print one owed job: printed → marked printed with the PRINTED event; refused → failed, still owed.

        Data problems (a dossier gone, a bad key) mark the job failed with the reason and raise.
        """
        record = self.job(job) if isinstance(job, str) else job
        if self.receipt_queue is not None and self.receipt_queue.takes(record.kind):
            return self.receipt_queue.work_off(record, desk)
        try:
            pdf = self.render(record.kind, record.key, desk)
        except DomainError as exc:
            self._mark_failed(record, exc.code, exc.code, reason_params(exc.params))
            raise
        outcome = self._send(record.kind, record.key, pdf)
        if outcome.ok:
            self.mark_printed(record, desk)
        else:
            sent = outcome.job
            code, params = (sent.code, sent.params) if sent.code else (
                "print.printer_failed", (("printer", sent.printer), ("reason", sent.error or "?")))
            self._mark_failed(record, sent.error or "printer refused the job", code, params)
        return outcome

    def mark_printed(self, job: PrintJobRecord | str, desk: Desk) -> bool:
        """Mark a job printed and add the PRINTED event to its dossier, in one transaction.

        False (and nothing recorded) when the job was settled already: PRINTED is recorded once.
        """
        record = self.job(job) if isinstance(job, str) else job
        now = self._clock.now()
        with self._uow() as uow:
            if not uow.print_jobs.mark_printed(record.id, now):
                return False
            dossier_id = self._dossier_of(uow, record)
            if dossier_id and self._dossiers is not None:
                self._dossiers.record_printed(
                    uow, dossier_id, desk, now, document=record.kind.value, key=record.key, job=record.id
                )
            uow.commit()
        _log.info("print job %s (%s %s) printed", record.id, record.kind.value, record.key)
        return True

    def cancel(self, job: PrintJobRecord | str, *, reason: str = "skipped by the clerk",
               code: str = "print.skipped") -> bool:
        """"Skip": the job is no longer owed (kept with the reason); False if it was settled already."""
        record = self.job(job) if isinstance(job, str) else job
        with self._uow() as uow:
            done = uow.print_jobs.cancel(record.id, reason, code)
            uow.commit()
        _log.info("print job %s (%s %s) cancelled: %s", record.id, record.kind.value, record.key, reason)
        return done

    def mark_failed(self, record: PrintJobRecord, error: str, code: str = "",
                    params: Sequence[tuple[str, str]] = ()) -> None:
        """Not printed this time, with the reason: still owed (the receipt printer's queue tries again).
        ``error`` goes to the log; ``code``/``params`` (device.*, print.*) are what the screens say."""
        self._mark_failed(record, error, code, params)

    def _mark_failed(self, record: PrintJobRecord, error: str, code: str = "",
                     params: Sequence[tuple[str, str]] = ()) -> None:
        try:
            with self._uow() as uow:
                uow.print_jobs.mark_failed(record.id, error, code, reason_params(params))
                uow.commit()
        except Exception:  # the job stays owed either way; the log keeps why it could not say so
            _log.exception("print job %s could not be marked failed (%s)", record.id, error)
        _log.error("print job %s (%s %s) not printed: %s", record.id, record.kind.value, record.key, error)

    @staticmethod
    def _dossier_of(uow: Any, record: PrintJobRecord) -> str:
        """The dossier a printed document belongs to ('' for a hand-over record of many dossiers)."""
        if record.kind is DocumentKind.PAYMENT_RECEIPT:
            payment = uow.dossiers.payment_by_number(record.key)
            return str(payment["dossier_id"]) if payment else ""
        if record.kind is DocumentKind.DELIVERY_LABEL:  # keyed by the postal item's code
            item = uow.dossiers.postal_item(record.key)
            return str(item.dossier_id) if item is not None else ""
        if record.kind in DOSSIER_FORMS:
            found = uow.dossiers.by_code(record.key, with_components=False)
            return found.id if found is not None else ""
        return ""

    def _owed_for(self, kind: DocumentKind, key: str) -> list[PrintJobRecord]:
        if self._uow is None:
            return []
        with self._uow(readonly=True) as uow:
            return list(uow.print_jobs.owed_for(self.device_id, kind, key))

    def preview_pages(self, pdf: bytes, dpi: int = 96) -> list[bytes]:
        """PNG images of the pages, for the on-screen paper preview."""
        if self._preview is None:
            return []
        return self._preview(pdf, dpi)

    def document_data(self, kind: DocumentKind, key: str, desk: Desk, *, period: tuple[date, date] | None = None) -> Any:
        """The plain data of a document (also what `counter render` renders)."""
        now = self._clock.now()
        if kind in DOSSIER_FORMS:
            return self._documents.dossier_document(key, kind, desk, printed_at=now)
        if kind is DocumentKind.PAYMENT_RECEIPT:
            return self._documents.payment_receipt(key, desk)
        if kind is DocumentKind.DELIVERY_LABEL:
            return self._documents.delivery_label(key, printed_at=now)
        if kind is DocumentKind.HANDOVER:
            return self._documents.handover_record(key, printed_at=now)
        if kind is DocumentKind.BOOK:
            if period is None:
                raise DomainError("document.period_required")
            return self._documents.tracking_book(desk.centre_id, period[0], period[1], printed_at=now,
                                                 staff_id=desk.staff_id)
        raise DomainError("document.not_a_dossier_form", kind=kind.value)

    def render(self, kind: DocumentKind, key: str, desk: Desk, *, period: tuple[date, date] | None = None) -> bytes:
        """The PDF; official forms are always in Vietnamese, whatever language the screens use."""
        with language_scope(FORMS_LANGUAGE):
            return self._render(self.document_data(kind, key, desk, period=period))

    def render_receipt_printer(self, kind: DocumentKind, key: str, desk: Desk, *, fmt: str = "png") -> bytes:
        """The short receipt-printer version (Mẫu 01 short, payment receipt): PNG of the paper or ESC/POS bytes."""
        if kind not in (DocumentKind.RECEIPT, DocumentKind.PAYMENT_RECEIPT) or self._render_receipt is None:
            raise DomainError("document.no_receipt_version", kind=kind.value)
        with language_scope(FORMS_LANGUAGE):
            return self._render_receipt(self.document_data(kind, key, desk), fmt)

    def print(self, kind: DocumentKind, key: str, desk: Desk, *, period: tuple[date, date] | None = None) -> PrintOutcome:
        """Render and print (a reprint, or a document no use case owes). Data problems raise DomainError;
        printer problems come back as ok=False. A job owed for the same document is worked off by it."""
        owed = self._owed_for(kind, key) if period is None else []
        if owed:
            return self.work_off(owed[0], desk)
        pdf = self.render(kind, key, desk, period=period)
        return self._send(kind, key, pdf)

    def print_pdf(self, pdf: bytes, *, title: str) -> PrintJob:
        """Send a rendered PDF (e.g. the guidance sheet) to the printer port; failures come back as ok=False."""
        try:
            job = self.printer.print_pdf(pdf, title=title, at=self._clock.now())
        except Exception as exc:  # a driver may fail in ways we cannot list; the record stays
            _log.exception("printer %s failed on %s", self.printer.name, title)
            job = PrintJob(self.printer.name, ok=False, error=str(exc))
        if not job.ok:
            _log.error("print of %s failed on %s: %s", title, job.printer, job.error)
        return job

    def _send(self, kind: DocumentKind, key: str, pdf: bytes) -> PrintOutcome:
        return PrintOutcome(kind, key, self.print_pdf(pdf, title=f"{kind.value}-{key}"), pdf)


class TicketPrinter:
    """Prints the kiosk's queue tickets after they are committed; a failure never un-issues one."""

    def __init__(
        self, *, render_png: Callable[[Any], bytes], printer: Printer, clock: Clock,
        render_job: Callable[[Any], bytes] | None = None, send_job: Callable[..., PrintJob] | None = None,
        uow: Any = None, device_id: str = "",
    ) -> None:
        self._uow = uow  # UnitOfWorkFactory: the tickets' print jobs (TicketView.print_job) are settled here
        self.device_id = device_id
        self.started_at = clock.now()  # ticket jobs owed from before this are dropped (drop_left_over)
        self._render = render_png
        self.printer = printer
        self._clock = clock
        # a receipt printer (devices/escpos_printer.py): the ticket as its own bytes (native QR, ≤ 10 KB)
        # handed to its send(data, title=…), instead of the image (13 KB of raster: > 1 s at 115200 baud)
        self._render_job = render_job
        self._send_job = send_job

    def print_ticket(self, ticket: Any, centre_name: str) -> PrintJob:
        """``ticket`` is a queue TicketView; returns the printer's outcome (ok False on failure)."""
        from counter_app.services.documents import QueueTicketDocument
        from counter_app.services.formatting import format_priority
        from counter_app.services.i18n import _
        from counter_app.services.queue_port import Priority

        try:
            with language_scope(FORMS_LANGUAGE):
                document = QueueTicketDocument(
                    centre_name=centre_name, number=ticket.number, line_name=ticket.line_name,
                    issued_at=ticket.issued_at, waiting_ahead=ticket.waiting_ahead,
                    estimated_wait_minutes=ticket.estimated_wait_minutes,
                    priority_label="" if ticket.priority is Priority.NONE
                    else _("Priority: {who}").format(who=format_priority(ticket.priority)),
                    qr_payload=f"STT:{ticket.number}:{ticket.issued_at:%Y-%m-%d}",
                )
                if self._render_job is not None and self._send_job is not None:
                    data = self._render_job(document)
                else:
                    png = self._render(document)
            if self._render_job is not None and self._send_job is not None:
                job = self._send_job(data, title=f"ticket-{ticket.number}")
            else:
                job = self.printer.print_image(png, title=f"ticket-{ticket.number}", at=self._clock.now())
        except Exception as exc:  # the ticket is committed; the kiosk shows the number instead
            _log.exception("ticket printer %s failed on %s", self.printer.name, ticket.number)
            job = PrintJob(self.printer.name, ok=False, error=str(exc))
        if not job.ok:
            _log.error("ticket %s was not printed: %s", ticket.number, job.error)
        self._settle(ticket, job)
        return job

    # -- the ticket's print job (issued with ``owe_print``) -----------------------------------------
    # A paper ticket is worth something only to the citizen standing at the kiosk. So its job is
    # settled at once either way: printed, or cancelled with the reason when the printer refused it
    # (the kiosk shows the number on screen to remember) — a ticket is never printed again later.
    # A job left owed by a kiosk that closed or crashed between the ticket's commit and its print
    # is dropped at the kiosk's next start (drop_left_over), never printed: that citizen is gone or
    # took a new number, and an old number coming out would give the next citizen someone else's
    # place. The ticket itself stays in the queue (called as usual; nobody answers: a no-show).

    def _settle(self, ticket: Any, job: PrintJob) -> None:
        job_id = ticket.print_job
        if not job_id or self._uow is None:
            return
        try:
            with self._uow() as uow:
                if job.ok:
                    uow.print_jobs.mark_printed(job_id, self._clock.now())
                else:  # the printer's reason is kept (the list says it); the state says it was not printed
                    uow.print_jobs.cancel(job_id, f"not printed ({job.error}); the number was shown on screen",
                                          job.code or "print.ticket_not_printed", reason_params(job.params))
                uow.commit()
        except Exception:  # the ticket stands either way; a job left owed is dropped at the next start
            _log.exception("ticket %s: print job %s could not be settled", ticket.number, job_id)

    def drop_left_over(self) -> list[PrintJobRecord]:
        """At the kiosk's start: cancel the ticket jobs owed from before it started (never printed)."""
        if self._uow is None:
            return []
        with self._uow() as uow:
            left = [j for j in uow.print_jobs.owed(self.device_id)
                    if j.kind is DocumentKind.QUEUE_TICKET and j.created_at < self.started_at]
            numbers = {}
            for j in left:
                uow.print_jobs.cancel(j.id, "not printed before the kiosk closed; never printed later",
                                      "print.kiosk_closed_first")
                ticket = uow.queue.ticket(j.key)
                numbers[j.id] = ticket.label if ticket is not None else j.key
            uow.commit()
        for j in left:
            _log.warning("ticket %s issued at %s was never printed (the kiosk closed first); it stays in the "
                         "queue and is not printed later", numbers[j.id], j.created_at)
        return left
