"""Intake page: find the procedure, receive a dossier, and see today's intakes at this centre."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.errors import DomainError
from counter_app.domain.units import short_agency_name
from counter_app.services.dossier_words import describe_dossier_error
from counter_app.services.formatting import format_amount, format_datetime, format_time
from counter_app.services.i18n import N_, _, ngettext
from counter_app.ui.navigation import CounterContext, CounterPage
from counter_app.ui.scanner import scan_filter
from counter_app.ui.tasks import run_in_background
from counter_app.ui.widgets import (
    Column,
    ProcedureTableModel,
    RowsTableModel,
    SearchEdit,
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

SEARCH_DEBOUNCE_MS = 150
SEARCH_LIMIT = 30

_INTAKE_RESULT = {
    "incomplete": N_("Incomplete (Form 02)"),
    "refused": N_("Refused (Form 03)"),
}


def intake_result_text(status: str) -> str:
    """What the intake gave, by the dossier's status: Mẫu 02, Mẫu 03, or Mẫu 01 for any other."""
    return _(_INTAKE_RESULT[status]) if status in _INTAKE_RESULT else _("Received (Form 01)")


def load_todays_intakes(services: Any, desk: Any, day: Any) -> list[Any]:
    """Today's intakes at this centre (DossierSummary), newest first: the dossier service's own query."""
    return list(services.dossiers.received_on(desk, day))


class IntakePage(CounterPage):
    """"Tiếp nhận": procedure search → intake dialog; today's intakes below."""

    page_name = "intake"
    sig_intake_opened = Signal(object)  # the intake dialog (ui/intake.py: IntakeDialog)

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("intakePage")
        apply_dossier_style(self)
        self.intake_dialog: QDialog | None = None

        self.search_edit = SearchEdit(
            "intakeSearch",
            _("Procedure code or name to receive a dossier — accents optional (F2)"),
            delay_ms=SEARCH_DEBOUNCE_MS,
        )
        self.procedures = ProcedureTableModel()
        self.procedure_table = make_table(self.procedures, "intakeProcedureTable", stretch=ProcedureTableModel.NAME)
        self.receive_button = QPushButton(_("Receive a dossier of this procedure (Ctrl+N)"))
        self.receive_button.setObjectName("primary")
        self.receive_button.setMinimumHeight(40)
        self.receive_button.setEnabled(False)

        self.today_label = QLabel()
        self.today_label.setObjectName("sectionHeading")
        self.today_model: RowsTableModel[Any] = RowsTableModel(
            [
                Column(N_("Time"), lambda r: format_time(r.received_at)),
                Column(N_("Dossier code"), lambda r: r.code),
                Column(N_("Applicant"), lambda r: r.applicant_name),
                Column(N_("Procedure"), lambda r: r.procedure_name),
                Column(N_("Agency"), lambda r: short_agency_name(r.agency_name)),
                Column(N_("Appointment"), lambda r: format_datetime(r.appointment) if r.appointment else "—"),
                Column(N_("Intake"), lambda r: intake_result_text(r.status)),
            ],
            key=lambda r: r.code,
        )
        self.today_table = make_table(self.today_model, "todayTable", stretch=3)
        self.view_button = QPushButton(_("Open the dossier (Enter)"))
        self.refresh_button = QPushButton(_("Refresh (Ctrl+R)"))
        self.status = StatusLine()

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.search_edit, 1)
        row.addWidget(self.receive_button)
        top_layout.addLayout(row)
        top_layout.addWidget(self.procedure_table, 1)

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        heading_row = QHBoxLayout()
        heading_row.addWidget(self.today_label, 1)
        heading_row.addWidget(self.view_button)
        heading_row.addWidget(self.refresh_button)
        bottom_layout.addLayout(heading_row)
        bottom_layout.addWidget(self.today_table, 1)

        splitter = make_splitter(Qt.Orientation.Vertical, top, bottom, stretch=(2, 3))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

        self.search_edit.sig_search.connect(self.run_search)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.search_edit.sig_down.connect(self._on_search_edit_return_pressed)
        self.procedure_table.selectionModel().currentRowChanged.connect(self._on_procedure_table_row_changed)
        self.procedure_table.activated.connect(self._on_procedure_table_activated)
        self.receive_button.clicked.connect(self._on_receive_button_clicked)
        self.today_table.activated.connect(self._on_today_table_activated)
        self.view_button.clicked.connect(self._on_view_button_clicked)
        self.refresh_button.clicked.connect(self.refresh)
        add_shortcut(self, "Ctrl+N", self._on_receive_button_clicked)
        add_shortcut(self, "Ctrl+R", self.refresh)
        self._update_today_label()
        scan_filter().add_target(self, self.handle_scan)
        # Also the fallback: on pages that do not take scans (the guide), a scan opens the dossier.
        scan_filter().add_target(self, self.handle_scan, fallback=True)

    # -- CounterPage -----------------------------------------------------------------------

    def page_title(self) -> str:
        return _("Intake")

    def page_shown(self) -> None:
        self.search_edit.setFocus()
        self.refresh()

    def focus_search(self) -> bool:
        self.search_edit.setFocus()
        self.search_edit.selectAll()
        return True

    def clear_search(self) -> bool:
        self.search_edit.clear()
        self.run_search()
        self.search_edit.setFocus()
        return True

    # -- procedures ------------------------------------------------------------------------

    def search(self, text: str) -> None:
        self.search_edit.setText(text)
        self.run_search()

    def run_search(self) -> None:
        self.search_edit.cancel_pending()
        text = self.search_edit.text().strip()
        results = (
            self.context.services.search_procedures(text, SEARCH_LIMIT, centre_id=self.context.session.centre_id)
            if text
            else []
        )
        self.procedures.set_procedures(results)
        self.receive_button.setEnabled(bool(results) and dossiers_of(self.context) is not None)
        if results:
            self.procedure_table.setCurrentIndex(self.procedures.index(0, ProcedureTableModel.NAME))

    def selected_procedure_code(self) -> str | None:
        row = current_row(self.procedure_table)
        if row is None or row >= self.procedures.rowCount():
            return None
        return self.procedures.procedure_at(row).code

    def open_intake(self, code: str | None = None) -> QDialog | None:
        """The intake dialog for ``code`` (default: the selected procedure)."""
        code = code or self.selected_procedure_code()
        if code is None or dossiers_of(self.context) is None:
            return None
        try:
            guide = self.context.services.procedure_guide(code, centre_id=self.context.session.centre_id)
        except DomainError as error:
            self.status.show_message(describe_dossier_error(error), "error")
            return None
        dialog = self.navigator.open_intake(guide, self)
        if dialog is None:
            return None
        dialog.sig_saved.connect(self._on_intake_saved)
        dialog.finished.connect(self._on_intake_finished)
        self.intake_dialog = dialog
        self.sig_intake_opened.emit(dialog)
        return dialog

    # -- today's list ----------------------------------------------------------------------

    def refresh(self) -> None:
        if dossiers_of(self.context) is None:
            return
        services, desk, day = self.context.services, desk_of(self.context), today_of(self.context)
        run_in_background(
            lambda: load_todays_intakes(services, desk, day),
            self._on_today_loaded,
            self._on_today_failed,
            owner=self,
            name="today's intakes",
        )

    def _on_today_loaded(self, rows: object) -> None:
        assert isinstance(rows, list)
        self.today_model.set_rows(rows)
        self._update_today_label()

    def _on_today_failed(self, error: BaseException) -> None:
        self.status.show_message(describe_dossier_error(error), "error")

    def _update_today_label(self) -> None:
        n = self.today_model.rowCount()
        self.today_label.setText(
            ngettext("Today's intakes: {n} dossier", "Today's intakes: {n} dossiers", n).format(n=n)
        )

    def selected_dossier_code(self) -> str | None:
        row = current_row(self.today_table)
        return self.today_model.row_at(row).code if row is not None else None

    # -- scans -----------------------------------------------------------------------------

    def handle_scan(self, code: str) -> None:
        """A scanned receipt here (or on a page that takes no scans) opens that dossier."""
        self.navigator.open_dossier(code, self)

    # -- slots -----------------------------------------------------------------------------

    def _on_search_edit_return_pressed(self) -> None:
        self.run_search()
        if self.procedures.rowCount() > 0:
            self.procedure_table.setFocus()

    def _on_procedure_table_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.receive_button.setEnabled(current.isValid() and dossiers_of(self.context) is not None)

    def _on_procedure_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_intake(self.procedures.procedure_at(index.row()).code)

    def _on_receive_button_clicked(self) -> None:
        self.open_intake()

    def _on_intake_saved(self, result: object) -> None:
        code = getattr(result, "code", "")
        receipt = getattr(result, "receipt_number", "")
        if receipt:  # the fee due on filing was taken with the dossier
            self.status.show_message(
                _("Saved: dossier {code}. Collected {amount}, slip {number}.").format(
                    code=code, amount=format_amount(getattr(result, "paid", 0)), number=receipt
                ),
                "ok",
            )
        else:
            self.status.show_message(_("Saved: dossier {code}.").format(code=code), "ok")
        self.refresh()

    def _on_intake_finished(self, _result: int) -> None:
        dialog = self.intake_dialog
        self.intake_dialog = None
        if dialog is not None and dialog.scanned_while_busy:
            self.status.show_message(
                _("Scanned during the intake: {codes}. Scan again to open.").format(
                    codes=", ".join(dialog.scanned_while_busy)
                ),
                "info",
            )

    def _on_today_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.navigator.open_dossier(self.today_model.row_at(index.row()).code, self)

    def _on_view_button_clicked(self) -> None:
        code = self.selected_dossier_code()
        if code:
            self.navigator.open_dossier(code, self)
