"""Hand-over page: dossiers waiting per agency, scanned or ticked into one batch, recorded and printed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.dossier import DossierStatus
from counter_app.domain.errors import DomainError
from counter_app.services.documents import DocumentKind
from counter_app.services.dossier_words import describe_dossier_error, status_text
from counter_app.services.formatting import format_datetime
from counter_app.services.i18n import N_, _, ngettext
from counter_app.ui.navigation import CounterContext, CounterPage
from counter_app.ui.office_hours_question import ask_out_of_hours, is_out_of_hours
from counter_app.ui.preview import PreviewDialog, PrintedDocument, print_job
from counter_app.ui.scanner import scan_filter
from counter_app.ui.tasks import run_in_background, run_render
from counter_app.ui.widgets import (
    Column,
    RowsTableModel,
    StatusLine,
    add_shortcut,
    apply_dossier_style,
    current_row,
    desk_of,
    dossiers_of,
    make_splitter,
    make_table,
    today_of,
)

_log = logging.getLogger(__name__)

LOOKAHEAD_DAYS = 30  # "everything waiting": the proposals of a day far enough ahead


@dataclass(frozen=True, slots=True)
class WaitingDossier:
    """A dossier waiting for hand-over, and whether it belongs to today's batch."""

    summary: Any  # DossierSummary
    today: bool  # False: received after 15:00 (or on a day off) — proposed for the next working day


@dataclass(frozen=True, slots=True)
class AgencyGroup:
    agency_unit_id: str
    agency_name: str
    dossiers: tuple[WaitingDossier, ...]
    agency_short_name: str = ""  # Unit.display_short_name ("Sở LĐ-TB&XH", "UBND phường …"), shown whole

    @property
    def list_name(self) -> str:
        return self.agency_short_name or self.agency_name

    @property
    def today_count(self) -> int:
        return sum(1 for d in self.dossiers if d.today)

    @property
    def later_count(self) -> int:
        return sum(1 for d in self.dossiers if not d.today)


def load_groups(services: Any, desk: Any, day: date) -> list[AgencyGroup]:
    """Today's proposals and everything else waiting, per agency (the service's 15:00 rule decides)."""
    today = {d.code for p in services.dossiers.handover_proposals(desk, day) for d in p.dossiers}
    groups = services.dossiers.handover_proposals(desk, day + timedelta(days=LOOKAHEAD_DAYS))
    return [
        AgencyGroup(
            g.agency_unit_id,
            g.agency_name,
            tuple(
                WaitingDossier(d, d.code in today)
                for d in sorted(g.dossiers, key=lambda d: (d.code not in today, d.received_at))
            ),
            g.agency_short_name,
        )
        for g in groups
    ]


@dataclass(frozen=True, slots=True)
class HandoverDone:
    """What a recorded batch printed: the hand-over record (with preview) and the control sheets."""

    result: Any  # HandoverResult
    record: PrintedDocument | None
    controls_failed: tuple[str, ...]  # dossier codes whose Mẫu 06 did not print
    print_error: str


def print_handover(services: Any, desk: Any, result: Any) -> HandoverDone:
    """Runs on a render worker, after the batch is committed: work off the documents the hand-over
    owes (``HandoverResult.print_jobs``: the record, with its preview, then each Mẫu 06), in order.

    A refused paper stays owed (offered again at the next start, or reprinted from the dossier view);
    a document that cannot be made is said in words and the next one still prints."""
    record: PrintedDocument | None = None
    failed: list[str] = []
    errors: list[str] = []
    for job_id in result.print_jobs:
        try:
            printed = print_job(services, job_id, desk, preview=record is None)
        except DomainError as exc:  # the batch stands; only this paper is missing
            _log.info("hand-over %s: print job %s not made: %s", result.batch_code, job_id, exc)
            errors.append(describe_dossier_error(exc))
            continue
        if printed.kind is DocumentKind.HANDOVER:
            record = printed
        elif not printed.ok:
            failed.append(printed.key)
    return HandoverDone(result, record, tuple(failed), " ".join(dict.fromkeys(errors)))


class _BatchTable(QTableView):
    """The waiting dossiers; Space ticks or unticks the current one."""

    sig_toggle = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.modifiers():
            self.sig_toggle.emit()
            return
        super().keyPressEvent(event)


class HandoverPage(CounterPage):
    """"Bàn giao": pick an agency, scan or tick its dossiers, name the receiver, hand over."""

    page_name = "handover"

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("handoverPage")
        apply_dossier_style(self)
        self.groups: list[AgencyGroup] = []
        self.loaded = False
        self.busy = False
        self.out_of_hours_box: QMessageBox | None = None  # the out-of-hours question, while it is open
        self._pending_scans: list[str] = []
        self.batch_agency_id: str | None = None

        self._build_tables()
        self._build_controls()
        self._lay_out()
        self._connect_signals()
        self._update_batch()

    # -- builders --------------------------------------------------------------------------

    def _build_tables(self) -> None:
        """The agencies with dossiers waiting, and the dossiers of the chosen agency (ticked: the batch)."""
        self.agency_model: RowsTableModel[AgencyGroup] = RowsTableModel(
            [
                Column(N_("Agency"), lambda g: g.list_name, tooltip=lambda g: g.agency_name),
                Column(N_("Today's batch"), lambda g: str(g.today_count), align_right=True),
                Column(N_("Next working day"), lambda g: str(g.later_count), align_right=True),
            ],
            key=lambda g: g.agency_unit_id,
        )
        # Every column as wide as its contents (short names are never cut), the last one fills.
        self.agency_table = make_table(self.agency_model, "agencyTable")
        self.agency_table.horizontalHeader().setStretchLastSection(True)
        self.dossier_model: RowsTableModel[WaitingDossier] = RowsTableModel(
            [
                Column(N_("Dossier code"), lambda w: w.summary.code),
                Column(N_("Applicant"), lambda w: w.summary.applicant_name),
                Column(N_("Procedure"), lambda w: w.summary.procedure_name),
                Column(N_("Received at"), lambda w: format_datetime(w.summary.received_at)),
                Column(N_("Batch"), lambda w: _("Today") if w.today else _("Next working day")),
            ],
            key=lambda w: w.summary.code,
            checkable=True,
            check_header=N_("In batch"),
        )
        self._batch_table = _BatchTable()
        self.dossier_table = make_table(self.dossier_model, "handoverTable", stretch=3, table=self._batch_table)

    def _build_controls(self) -> None:
        self.heading = QLabel(_("Choose an agency, then scan or tick its dossiers."))
        self.heading.setObjectName("sectionHeading")
        self.heading.setWordWrap(True)
        self.batch_label = QLabel()
        self.batch_label.setObjectName("batchCount")
        self.tick_today_button = QPushButton(_("Tick today's batch (F4)"))
        self.clear_button = QPushButton(_("Empty the batch"))
        self.receiver_edit = QLineEdit()
        self.receiver_edit.setObjectName("receiverName")
        self.receiver_edit.setPlaceholderText(_("Name of the agency's officer who receives the dossiers"))
        self.handover_button = QPushButton(_("Hand over (Ctrl+Enter)"))
        self.handover_button.setObjectName("primary")
        self.handover_button.setMinimumHeight(40)
        self.handover_button.setEnabled(False)
        self.refresh_button = QPushButton(_("Refresh (Ctrl+R)"))
        self.status = StatusLine()

    def _lay_out(self) -> None:
        """Agencies on the left, the batch on the right, the status line below."""
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(_("Waiting for hand-over"))
        title.setObjectName("sectionHeading")
        left_layout.addWidget(title)
        left_layout.addWidget(self.agency_table, 1)
        left_layout.addWidget(self.refresh_button)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.dossier_table, 1)
        tick_row = QHBoxLayout()
        tick_row.addWidget(self.batch_label, 1)
        tick_row.addWidget(self.tick_today_button)
        tick_row.addWidget(self.clear_button)
        right_layout.addLayout(tick_row)
        receiver_row = QHBoxLayout()
        receiver_row.addWidget(QLabel(_("Received by")))
        receiver_row.addWidget(self.receiver_edit, 1)
        receiver_row.addWidget(self.handover_button)
        right_layout.addLayout(receiver_row)

        splitter = make_splitter(Qt.Orientation.Horizontal, left, right, stretch=(2, 5))
        splitter.setSizes([420, 940])  # agency names and both counts stay readable

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

    def _connect_signals(self) -> None:
        self.agency_table.selectionModel().currentRowChanged.connect(self._on_agency_table_row_changed)
        self.dossier_model.sig_checked_changed.connect(self._on_dossier_model_checked_changed)
        self._batch_table.sig_toggle.connect(self._on_dossier_table_toggle)
        self.dossier_table.activated.connect(self._on_dossier_table_activated)
        self.tick_today_button.clicked.connect(self._on_tick_today_button_clicked)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.handover_button.clicked.connect(self._on_handover_button_clicked)
        self.refresh_button.clicked.connect(self.refresh)
        add_shortcut(self, "Ctrl+Return", self._on_handover_button_clicked)
        add_shortcut(self, "Ctrl+Enter", self._on_handover_button_clicked)
        add_shortcut(self, "F4", self._on_tick_today_button_clicked)
        add_shortcut(self, "Ctrl+R", self.refresh)
        scan_filter().add_target(self, self.handle_scan)

    # -- CounterPage -----------------------------------------------------------------------

    def page_title(self) -> str:
        return _("Hand-over")

    def page_shown(self) -> None:
        self.refresh()
        self.agency_table.setFocus()

    def focus_search(self) -> bool:
        self.agency_table.setFocus()
        return True

    # -- loading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        if dossiers_of(self.context) is None:
            return
        services, desk, day = self.context.services, desk_of(self.context), today_of(self.context)
        run_in_background(
            lambda: load_groups(services, desk, day),
            self._on_groups_loaded,
            self._on_groups_failed,
            owner=self,
            name="hand-over proposals",
        )

    def _on_groups_loaded(self, groups: object) -> None:
        assert isinstance(groups, list)
        ticked = self.batch_codes()
        current = self.selected_agency_id()
        self.groups = groups
        self.loaded = True
        self.agency_model.set_rows(groups)
        self._fit_agency_table()
        agency = self.batch_agency_id or current
        row = self.agency_model.row_of(agency) if agency else None
        if row is None and groups:
            row = 0
        if row is not None:
            self.agency_table.setCurrentIndex(self.agency_model.index(row, 0))
            self._show_agency(self.groups[row], keep=ticked)
        else:
            self.dossier_model.set_rows([])
            self.heading.setText(_("No dossier is waiting for hand-over."))
        pending, self._pending_scans = self._pending_scans, []
        for code in pending:
            self.handle_scan(code)

    def _fit_agency_table(self) -> None:
        """The list never gets narrower than its columns: the splitter cannot cut an agency's name."""
        table = self.agency_table
        header = table.horizontalHeader()
        width = sum(
            max(table.sizeHintForColumn(c), header.sectionSizeHint(c))
            for c in range(self.agency_model.columnCount())
        )
        table.setMinimumWidth(width + 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width())

    def _on_groups_failed(self, error: BaseException) -> None:
        self.status.show_message(describe_dossier_error(error), "error")

    def selected_agency_id(self) -> str | None:
        row = current_row(self.agency_table)
        return self.agency_model.row_at(row).agency_unit_id if row is not None else None

    def group_of(self, agency_unit_id: str) -> AgencyGroup | None:
        return next((g for g in self.groups if g.agency_unit_id == agency_unit_id), None)

    def _show_agency(self, group: AgencyGroup, keep: list[str] | None = None) -> None:
        self.dossier_model.set_rows(group.dossiers)
        for code in keep or []:
            self.dossier_model.set_checked(code)
        self.heading.setText(
            _("{agency}: {today} for today's batch, {later} for the next working day").format(
                agency=group.agency_name, today=group.today_count, later=group.later_count
            )
        )
        self._update_batch()

    # -- the batch ---------------------------------------------------------------------------

    def batch_codes(self) -> list[str]:
        return self.dossier_model.checked_keys()

    def _update_batch(self) -> None:
        codes = self.batch_codes()
        self.batch_agency_id = self.selected_agency_id() if codes else None
        self.batch_label.setText(
            ngettext("In this batch: {n} dossier", "In this batch: {n} dossiers", len(codes)).format(n=len(codes))
        )
        self.handover_button.setEnabled(bool(codes) and not self.busy)

    def handle_scan(self, code: str) -> None:
        """A scanned receipt goes into the batch of its agency (one agency per batch)."""
        code = code.strip().upper()
        if self.busy:
            self.status.show_message(
                _("Scanned {code} — wait until the hand-over is recorded, then scan again.").format(code=code),
                "info",
            )
            return
        if not self.loaded:
            self._pending_scans.append(code)
            self.refresh()
            return
        for group in self.groups:
            if any(w.summary.code == code for w in group.dossiers):
                self._add_scanned(group, code)
                return
        self._explain_not_waiting(code)

    def _add_scanned(self, group: AgencyGroup, code: str) -> None:
        batch = self.batch_codes()
        if batch and self.batch_agency_id not in (None, group.agency_unit_id):
            current = self.group_of(self.batch_agency_id or "")
            self.status.show_message(
                _(
                    "{code} goes to {agency}, but this batch is for {current}. "
                    "Hand this batch over first, or empty it."
                ).format(code=code, agency=group.agency_name, current=current.agency_name if current else ""),
                "error",
            )
            return
        if self.selected_agency_id() != group.agency_unit_id:
            row = self.agency_model.row_of(group.agency_unit_id)
            if row is not None:
                self.agency_table.setCurrentIndex(self.agency_model.index(row, 0))
        already = code in self.batch_codes()
        self.dossier_model.set_checked(code)
        row = self.dossier_model.row_of(code)
        if row is not None:
            self.dossier_table.scrollTo(self.dossier_model.index(row, 0))
        n = len(self.batch_codes())
        if already:
            text = _("{code} is already in the batch ({n} dossiers).").format(code=code, n=n)
        else:
            text = _("Added {code} to the batch for {agency} ({n} dossiers).").format(
                code=code, agency=group.agency_name, n=n
            )
        self.status.show_message(text, "ok")

    def _explain_not_waiting(self, code: str) -> None:
        services, desk = self.context.services, desk_of(self.context)

        def done(summary: object) -> None:
            status = getattr(summary, "status", None)
            if status is DossierStatus.RECEIVED:  # received since the list was loaded
                self._pending_scans.append(code)
                self.refresh()
                return
            self.status.show_message(
                _("Dossier {code} is not waiting for hand-over: {status}.").format(
                    code=code, status=status_text(status) if status else "—"
                ),
                "error",
            )

        run_in_background(
            lambda: services.dossiers.find(code, desk),
            done,
            lambda error: self.status.show_message(describe_dossier_error(error), "error"),
            owner=self,
            name="find scanned dossier",
        )

    # -- hand over -------------------------------------------------------------------------

    def hand_over(self, *, out_of_hours_confirmed: bool = False) -> bool:
        codes = self.batch_codes()
        if not codes or self.busy:
            return False
        self.busy = True
        self._update_batch()
        self.status.show_message(_("Recording the hand-over…"), "info")
        services, desk, receiver = self.context.services, desk_of(self.context), self.receiver_edit.text()
        confirmed = out_of_hours_confirmed
        extra = {"out_of_hours_confirmed": True} if confirmed else {}
        run_in_background(  # the store work only; the papers go to the render workers after the commit
            lambda: services.dossiers.hand_over(codes, desk, receiver_name=receiver, **extra),
            self._on_handed_over,
            self._on_handover_failed,
            owner=self,
            name="hand over",
        )
        return True

    @staticmethod
    def _handed_over_text(result: Any) -> str:
        return ngettext(
            "Handed over {n} dossier to {agency} — batch {batch}.",
            "Handed over {n} dossiers to {agency} — batch {batch}.",
            len(result.dossier_codes),
        ).format(n=len(result.dossier_codes), agency=result.agency_name, batch=result.batch_code)

    def _on_handed_over(self, result: Any) -> None:
        """Committed: the batch is cleared and the lists reloaded while the owed papers print."""
        self.busy = False
        self.dossier_model.clear_checked()
        self.batch_agency_id = None
        self.status.show_message(self._handed_over_text(result) + " " + _("Printing…"), "ok")
        self.refresh()
        services, desk = self.context.services, desk_of(self.context)
        run_render(
            lambda: print_handover(services, desk, result),
            self._on_handover_done,
            lambda error: self._on_handover_print_failed(result, error),
            owner=self,
            name="print hand-over",
        )

    def _on_handover_done(self, done: object) -> None:
        assert isinstance(done, HandoverDone)
        text = self._handed_over_text(done.result)
        tone = "ok"
        if done.print_error:
            text += " " + done.print_error
            tone = "error"
        elif done.record is not None and not done.record.ok or done.controls_failed:
            text += " " + _("Some papers were NOT printed: print them again from the dossier view.")
            tone = "error"
        self.status.show_message(text, tone)
        if done.record is not None:
            PreviewDialog(self.context, done.record, self).open()

    def _on_handover_print_failed(self, result: Any, error: BaseException) -> None:
        self.status.show_message(
            self._handed_over_text(result) + " " + describe_dossier_error(error) + " "
            + _("Some papers were NOT printed: print them again from the dossier view."),
            "error",
        )

    def _on_handover_failed(self, error: BaseException) -> None:
        self.busy = False
        self._update_batch()
        if is_out_of_hours(error):
            assert isinstance(error, DomainError)
            self.status.show_message(_("Outside office hours: confirm or cancel."), "info")
            self.out_of_hours_box = ask_out_of_hours(
                self, error, _("Record this hand-over outside office hours?"), self._on_out_of_hours_answered
            )
            return
        self.status.show_message(
            _("Not handed over: {reason}").format(reason=describe_dossier_error(error)), "error"
        )

    def _on_out_of_hours_answered(self, go_on: bool) -> None:
        """Yes: the same batch again, with the clerk's confirmation recorded; No: nothing is recorded."""
        self.out_of_hours_box = None
        if not go_on or not self.hand_over(out_of_hours_confirmed=True):
            self.status.show_message(_("Not handed over: outside office hours."), "error")

    # -- slots -----------------------------------------------------------------------------

    def _on_agency_table_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        group = self.agency_model.row_at(current.row())
        keep = self.batch_codes() if self.batch_agency_id == group.agency_unit_id else []
        if self.batch_codes() and self.batch_agency_id not in (None, group.agency_unit_id):
            self.status.show_message(
                _("The batch was emptied: one hand-over goes to one agency."), "info"
            )
        self._show_agency(group, keep)

    def _on_dossier_model_checked_changed(self) -> None:
        self._update_batch()

    def _on_dossier_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.navigator.open_dossier(self.dossier_model.row_at(index.row()).summary.code, self)

    def _on_dossier_table_toggle(self) -> None:
        row = current_row(self.dossier_table)
        if row is None:
            return
        code = self.dossier_model.row_at(row).summary.code
        self.dossier_model.set_checked(code, code not in self.batch_codes())

    def _on_tick_today_button_clicked(self) -> None:
        for waiting in self.dossier_model.rows():
            if waiting.today:
                self.dossier_model.set_checked(waiting.summary.code)

    def _on_clear_button_clicked(self) -> None:
        self.dossier_model.clear_checked()

    def _on_handover_button_clicked(self) -> None:
        self.hand_over()

