"""Printing after commit from the screens, and the on-screen paper preview with "Print again"."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.errors import DomainError
from counter_app.services.documents import DocumentKind
from counter_app.services.dossier_words import describe_dossier_error, document_text
from counter_app.services.i18n import _
from counter_app.ui.navigation import CounterContext
from counter_app.ui.tasks import run_in_background, run_render
from counter_app.ui.widgets import StatusLine, add_shortcut, apply_dossier_style, desk_of

_log = logging.getLogger(__name__)

PREVIEW_DPI = 96


@dataclass(frozen=True, slots=True)
class PrintedDocument:
    """What one print did, in plain data: the ui words it and shows the pages."""

    kind: DocumentKind
    key: str
    ok: bool
    printer: str
    path: Path | None
    pages: tuple[bytes, ...]  # PNG per page, for the preview
    period: tuple[date, date] | None = None


def print_document(
    services: Any,
    kind: DocumentKind,
    key: str,
    desk: Any,
    *,
    period: tuple[date, date] | None = None,
    preview: bool = True,
) -> PrintedDocument:
    """Runs on a render worker: render, print, and render the preview images (plain data in and out).

    A job a use case owes for the same document is worked off (marked printed) by it."""
    outcome = services.printing.print(kind, key, desk, period=period)
    return _printed(services, outcome, period, preview)


def print_job(services: Any, job_id: str, desk: Any, *, preview: bool = True) -> PrintedDocument:
    """Runs on a render worker: work off one print job a use case owes (services/print_jobs.py)."""
    outcome = services.printing.work_off(job_id, desk)
    return _printed(services, outcome, None, preview)


def _printed(services: Any, outcome: Any, period: tuple[date, date] | None, preview: bool) -> PrintedDocument:
    pages: list[bytes] = []
    if preview:
        try:
            pages = services.printing.preview_pages(outcome.pdf, PREVIEW_DPI)
        except Exception:  # the preview is a convenience; the print outcome is what counts
            _log.exception("preview of %s %s failed", outcome.kind.value, outcome.key)
    return PrintedDocument(
        outcome.kind, outcome.key, outcome.ok, outcome.job.printer, outcome.job.path, tuple(pages), period
    )


def printed_text(printed: PrintedDocument) -> str:
    """"Printed: …" or why not, in words, with what to do."""
    name = document_text(printed.kind)
    if printed.ok:
        if printed.path is not None:
            return _("{document} printed: {path}").format(document=name, path=str(printed.path))
        return _("{document} printed on {printer}.").format(document=name, printer=printed.printer)
    return _(
        "{document} was NOT printed on printer {printer}. The record is saved: check the printer, "
        "then press “Print again” (also possible later from the dossier view)."
    ).format(document=name, printer=printed.printer)


Done = Callable[[PrintedDocument], None]
Failed = Callable[[str], None]


def start_print(
    owner: QWidget,
    context: CounterContext,
    kind: DocumentKind,
    key: str,
    *,
    period: tuple[date, date] | None = None,
    preview: bool = True,
    on_done: Done | None = None,
    on_failed: Failed | None = None,
) -> None:
    """Print ``kind`` of ``key`` in the background; the outcome (or the words of a failure) comes back."""
    services, desk = context.services, desk_of(context)

    def failed(error: BaseException) -> None:
        text = _("{document} could not be made: {reason}").format(
            document=document_text(kind), reason=describe_dossier_error(error)
        )
        if on_failed is not None:
            on_failed(text)

    run_render(
        lambda: print_document(services, kind, key, desk, period=period, preview=preview),
        on_done,
        failed,
        owner=owner,
        name=f"print {kind.value}",
    )


def print_and_preview(
    owner: QWidget,
    context: CounterContext,
    kind: DocumentKind,
    key: str,
    *,
    period: tuple[date, date] | None = None,
    on_done: Done | None = None,
    on_failed: Failed | None = None,
) -> None:
    """Print, then open the paper preview (which also says whether the printer took it)."""

    def done(printed: PrintedDocument) -> None:
        if not shiboken6.isValid(owner):
            return
        dialog = PreviewDialog(context, printed, owner)
        dialog.open()
        if on_done is not None:
            on_done(printed)

    start_print(owner, context, kind, key, period=period, on_done=done, on_failed=on_failed)


def print_owed_and_preview(
    owner: QWidget, context: CounterContext, job_ids: Sequence[str], *, on_failed: Failed | None = None
) -> None:
    """Work off the print jobs a use case committed (its result's ``print_jobs``), each with its preview.

    The jobs go to the printer one after the other, in the order the use case owed them (Mẫu 01
    before the payment receipt), on one render task: two render threads would race them.
    """
    services, desk = context.services, desk_of(context)
    jobs = list(job_ids)

    def work() -> list[PrintedDocument | BaseException]:
        outcomes: list[PrintedDocument | BaseException] = []
        for job_id in jobs:
            try:
                outcomes.append(print_job(services, job_id, desk))
            except Exception as exc:  # noqa: BLE001 - one failed document does not stop the next
                _log.error("print job %s failed", job_id, exc_info=not isinstance(exc, DomainError))
                outcomes.append(exc)
        return outcomes

    def failed(error: BaseException) -> None:
        text = _("The document could not be made: {reason}").format(reason=describe_dossier_error(error))
        if on_failed is not None:
            on_failed(text)

    def done(outcomes: list[PrintedDocument | BaseException]) -> None:
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                failed(outcome)
            elif shiboken6.isValid(owner):
                PreviewDialog(context, outcome, owner).open()

    if jobs:
        run_render(work, done, failed, owner=owner, name="print owed jobs in order")


OWED_LISTED = 8  # documents named in the box at the start; a longer list would not fit a 768-pixel screen


class OwedPrintsBox(QMessageBox):
    """At the counter window's start: documents committed before this program started but never
    printed (it closed or crashed in between). "Print again" works them off, "Skip" cancels them."""

    sig_settled = Signal(object)  # tuple[PrintedDocument, ...] printed, or () when skipped

    def __init__(self, context: CounterContext, jobs: Sequence[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("owedPrintsBox")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(_("Documents not printed"))
        self.context = context
        self.jobs = tuple(jobs)
        self.setText(
            _("{count} document(s) were saved but not printed (the program closed before printing).").format(
                count=len(self.jobs)
            )
        )
        listed = [f"{document_text(j.kind)} · {j.key}" for j in self.jobs[:OWED_LISTED]]
        if len(self.jobs) > OWED_LISTED:  # the box must fit the screen: the rest are in the print-jobs list
            listed.append(_("… and {count} more").format(count=len(self.jobs) - OWED_LISTED))
        self.setInformativeText("\n".join(listed))
        self.print_button = self.addButton(_("Print again"), QMessageBox.ButtonRole.AcceptRole)
        self.skip_button = self.addButton(_("Skip"), QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.print_button)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.skip_button.clicked.connect(self._on_skip_button_clicked)

    def _on_print_button_clicked(self) -> None:
        services, desk, ids = self.context.services, desk_of(self.context), [j.id for j in self.jobs]
        owner = self.parentWidget()

        def work() -> tuple[PrintedDocument, ...]:
            return tuple(print_job(services, job_id, desk, preview=False) for job_id in ids)

        def done(printed: tuple[PrintedDocument, ...]) -> None:
            missed = [p for p in printed if not p.ok]
            if missed and owner is not None and shiboken6.isValid(owner):
                QMessageBox.warning(owner, _("Documents not printed"), "\n".join(printed_text(p) for p in missed))
            self.sig_settled.emit(printed)

        def failed(error: BaseException) -> None:
            text = _("The document could not be made: {reason}").format(reason=describe_dossier_error(error))
            if owner is not None and shiboken6.isValid(owner):
                QMessageBox.warning(owner, _("Documents not printed"), text)

        run_render(work, done, failed, owner=owner, name="print owed jobs")

    def _on_skip_button_clicked(self) -> None:
        printing, ids = self.context.services.printing, [j.id for j in self.jobs]

        def work() -> None:
            for job_id in ids:
                printing.cancel(job_id, reason="skipped at start")

        run_in_background(work, lambda _r: self.sig_settled.emit(()), owner=self.parentWidget(), name="skip owed jobs")


def offer_owed_prints(window: QWidget, context: CounterContext) -> None:
    """Ask the service what this PC still owes from before it started; offer it if anything."""
    printing = getattr(context.services, "printing", None)  # windows without dossier work have none
    if printing is None:
        return

    def offer(jobs: object) -> None:
        owed = list(jobs) if isinstance(jobs, list) else []
        if owed and shiboken6.isValid(window):
            box = OwedPrintsBox(context, owed, window)
            window.owed_prints_box = box  # type: ignore[attr-defined]  # for tests and support
            box.open()

    run_in_background(
        printing.owed_at_start, offer, lambda e: _log.error("owed print jobs could not be read: %s", e),
        owner=window, name="owed print jobs",
    )


class PreviewDialog(QDialog):
    """"Xem trước bản in": the pages as they came out, whether the printer took them, Print again."""

    sig_printed = Signal(object)  # PrintedDocument of a reprint

    def __init__(
        self, context: CounterContext, printed: PrintedDocument, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("previewDialog")
        apply_dossier_style(self)
        self.setWindowTitle(_("Print preview"))
        self.setModal(True)
        self.context = context
        self.printed = printed
        self._printing = False

        self.title_label = QLabel(f"{document_text(printed.kind)} · {printed.key}")
        self.title_label.setObjectName("dialogHeading")
        self.title_label.setWordWrap(True)
        self.status = StatusLine()

        self.pages_box = QWidget()
        self.pages_box.setObjectName("previewPages")
        self._pages_layout = QVBoxLayout(self.pages_box)
        self._pages_layout.setSpacing(16)
        self._pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.page_labels: list[QLabel] = []
        scroll = QScrollArea()
        scroll.setObjectName("previewScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.pages_box)
        self.scroll = scroll

        self.reprint_button = QPushButton(_("Print again (Ctrl+P)"))
        self.reprint_button.setObjectName("primary")
        self.close_button = QPushButton(_("Close (Esc)"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reprint_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

        self.reprint_button.clicked.connect(self._on_reprint_button_clicked)
        self.close_button.clicked.connect(self.reject)
        add_shortcut(self, QKeySequence(QKeySequence.StandardKey.Print), self._on_reprint_button_clicked)

        self._show(printed)
        self.resize(760, 720)
        self.close_button.setDefault(True)

    def take_scan(self, code: str) -> None:
        """A scan while the preview is open: the preview closes, the page underneath acts."""
        parent = self.parentWidget()
        self.reject()
        if parent is not None:
            from counter_app.ui.scanner import scan_filter

            scan_filter().dispatch(code, parent)

    def page_count(self) -> int:
        """Pages shown as images (0 when there was no preview)."""
        return len(self.printed.pages)

    def _show(self, printed: PrintedDocument) -> None:
        self.printed = printed
        self.status.show_message(printed_text(printed), "ok" if printed.ok else "error")
        for label in self.page_labels:
            label.deleteLater()
        self.page_labels = []
        for png in printed.pages:
            pixmap = QPixmap()
            pixmap.loadFromData(png, "PNG")
            label = QLabel()
            label.setObjectName("previewPage")
            label.setPixmap(pixmap)
            self._pages_layout.addWidget(label)
            self.page_labels.append(label)
        if not printed.pages:
            label = QLabel(_("No preview of this document."))
            label.setObjectName("emptyHint")
            self._pages_layout.addWidget(label)
            self.page_labels.append(label)

    def _on_reprint_button_clicked(self) -> None:
        if self._printing:
            return
        self._printing = True
        self.reprint_button.setEnabled(False)
        self.status.show_message(_("Printing…"), "info")
        printed = self.printed
        start_print(
            self,
            self.context,
            printed.kind,
            printed.key,
            period=printed.period,
            on_done=self._on_reprint_done,
            on_failed=self._on_reprint_failed,
        )

    def _on_reprint_done(self, printed: PrintedDocument) -> None:
        self._printing = False
        self.reprint_button.setEnabled(True)
        self._show(printed)
        self.sig_printed.emit(printed)

    def _on_reprint_failed(self, text: str) -> None:
        self._printing = False
        self.reprint_button.setEnabled(True)
        self.status.show_message(text, "error")
