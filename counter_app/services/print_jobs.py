"""Printing after commit: build a document's data, render it, send it to the printer, report the outcome."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from counter_app.domain.errors import DomainError
from counter_app.services.documents import DocumentKind
from counter_app.services.dossier_documents import DOSSIER_FORMS, DossierDocuments
from counter_app.services.dossiers import Desk
from counter_app.services.i18n import language_scope
from counter_app.services.ports import Clock, Printer, PrintJob

_log = logging.getLogger(__name__)
FORMS_LANGUAGE = "vi"  # forms, receipts and tickets are official Vietnamese documents


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
    def __init__(
        self, *, documents: DossierDocuments, render_pdf: Callable[[Any], bytes], printer: Printer, clock: Clock,
        preview: Callable[[bytes, int], list[bytes]] | None = None,
        render_receipt: Callable[[Any, str], bytes] | None = None,
    ) -> None:
        self._documents = documents
        self._render = render_pdf
        self._render_receipt = render_receipt  # (document, "png" | "escpos") -> bytes, 80 mm
        self.printer = printer
        self._clock = clock
        self._preview = preview

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
            return self._documents.tracking_book(desk.centre_id, period[0], period[1], printed_at=now)
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
        """Render and print. Data problems raise DomainError; printer problems come back as ok=False."""
        pdf = self.render(kind, key, desk, period=period)
        title = f"{kind.value}-{key}"
        try:
            job = self.printer.print_pdf(pdf, title=title, at=self._clock.now())
        except Exception as exc:  # a driver may fail in ways we cannot list; the record stays
            _log.exception("printer %s failed on %s", getattr(self.printer, "name", "?"), title)
            job = PrintJob(getattr(self.printer, "name", "?"), ok=False, error=str(exc))
        if not job.ok:
            _log.error("print of %s failed on %s: %s", title, job.printer, job.error)
        return PrintOutcome(kind, key, job, pdf)


class TicketPrinter:
    """Prints the kiosk's queue tickets after they are committed; a failure never un-issues one."""

    def __init__(self, *, render_png: Callable[[Any], bytes], printer: Printer, clock: Clock) -> None:
        self._render = render_png
        self.printer = printer
        self._clock = clock

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
                png = self._render(document)
            job = self.printer.print_image(png, title=f"ticket-{ticket.number}", at=self._clock.now())
        except Exception as exc:  # the ticket is committed; the kiosk shows the number instead
            _log.exception("ticket printer %s failed on %s", getattr(self.printer, "name", "?"), ticket.number)
            job = PrintJob(getattr(self.printer, "name", "?"), ok=False, error=str(exc))
        if not job.ok:
            _log.error("ticket %s was not printed: %s", ticket.number, job.error)
        return job
