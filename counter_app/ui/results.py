"""Results page: dossiers at agencies; scan results back; supplement request, extension and stop with their forms."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QModelIndex, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.errors import DomainError
from counter_app.domain.text import normalize, search_key
from counter_app.domain.units import short_agency_name
from counter_app.services.dossier_actions import (
    Action,
    ActionableDossier,
    DossierActions,
    at_agencies,
)
from counter_app.services.dossier_words import delivery_text, describe_dossier_error, status_text
from counter_app.services.formatting import format_datetime
from counter_app.services.i18n import N_, _, describe_error, ngettext
from counter_app.ui.navigation import CounterContext, CounterPage
from counter_app.ui.preview import print_owed_and_preview
from counter_app.ui.scanner import scan_filter
from counter_app.ui.tasks import run_in_background
from counter_app.ui.widgets import (
    Column,
    FieldNote,
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
)

_log = logging.getLogger(__name__)

FILTER_DEBOUNCE_MS = 120


def load_at_agencies(services: Any, desk: Any) -> list[ActionableDossier]:
    """The dossiers at their agencies, each with what the service offers now."""
    return at_agencies(services, desk)


def summary_columns() -> list[Column[Any]]:
    return [
        Column(N_("Dossier code"), lambda s: s.code),
        Column(N_("Applicant"), lambda s: s.applicant_name),
        Column(N_("Procedure"), lambda s: s.procedure_name),
        Column(N_("Agency"), lambda s: short_agency_name(s.agency_name), tooltip=lambda s: s.agency_name),
        Column(N_("Appointment"), lambda s: format_datetime(s.appointment) if s.appointment else "—"),
        Column(N_("Status"), lambda s: status_text(s.status)),
    ]


def _to_qdatetime(moment: datetime) -> QDateTime:
    return QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute))


class StepDialog(QDialog):
    """Reason for a step of the agency or the applicant, with a date or the documents when the step needs them."""

    sig_confirmed = Signal(object)  # dict: reason, missing, when

    def __init__(
        self,
        title: str,
        confirm_text: str,
        parent: QWidget | None = None,
        *,
        missing: bool = False,
        when_label: str = "",
        when: datetime | date | None = None,
        earliest: datetime | date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("stepDialog")
        apply_dossier_style(self)
        self.setWindowTitle(title)
        self.setModal(True)
        heading = QLabel(title)
        heading.setObjectName("dialogHeading")
        heading.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        self.when_edit: QDateTimeEdit | None = None
        if when_label:
            if isinstance(when, datetime):
                edit: QDateTimeEdit = QDateTimeEdit(_to_qdatetime(when))
                edit.setDisplayFormat("HH:mm dd/MM/yyyy")
                if isinstance(earliest, datetime):
                    edit.setMinimumDateTime(_to_qdatetime(earliest))
            else:
                day = when or date.today()
                edit = QDateEdit(QDate(day.year, day.month, day.day))
                edit.setDisplayFormat("dd/MM/yyyy")
            edit.setObjectName("whenEdit")
            edit.setCalendarPopup(True)
            self.when_edit = edit
            layout.addWidget(QLabel(when_label))
            layout.addWidget(edit)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setObjectName("reasonEdit")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_note = FieldNote()
        layout.addWidget(QLabel(_("Reason (printed on the form):")))
        layout.addWidget(self.reason_edit, 1)
        layout.addWidget(self.reason_note)
        self.missing_edit: QPlainTextEdit | None = None
        if missing:
            self.missing_edit = QPlainTextEdit()
            self.missing_edit.setObjectName("missingEdit")
            self.missing_edit.setTabChangesFocus(True)
            layout.addWidget(QLabel(_("Documents to supplement, one per line:")))
            layout.addWidget(self.missing_edit, 1)
        self.status = StatusLine()
        layout.addWidget(self.status)
        self.confirm_button = QPushButton(confirm_text)
        self.confirm_button.setObjectName("primary")
        self.confirm_button.setAutoDefault(False)
        self.cancel_button = QPushButton(_("Back (Esc)"))
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        add_shortcut(self, "Ctrl+Return", self._on_confirm_button_clicked)
        add_shortcut(self, "Ctrl+Enter", self._on_confirm_button_clicked)
        self.resize(620, 420)
        self.reason_edit.setFocus()

    def values(self) -> dict[str, Any]:
        when: datetime | date | None = None
        if self.when_edit is not None:
            if isinstance(self.when_edit, QDateEdit):
                q = self.when_edit.date()
                when = date(q.year(), q.month(), q.day())
            else:
                q = self.when_edit.dateTime()
                d, t = q.date(), q.time()
                when = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())
        missing = (
            [line.strip() for line in self.missing_edit.toPlainText().splitlines() if line.strip()]
            if self.missing_edit is not None
            else []
        )
        return {"reason": self.reason_edit.toPlainText(), "missing": missing, "when": when}

    def take_scan(self, code: str) -> None:
        self.status.show_message(
            _("Scanned {code} — finish or close the open dialog first.").format(code=code), "info"
        )

    def show_error(self, text: str) -> None:
        self.status.show_message(text, "error")
        self.confirm_button.setEnabled(True)

    def _on_confirm_button_clicked(self) -> None:
        if not self.confirm_button.isEnabled():
            return
        if not normalize(self.reason_edit.toPlainText()):
            self.reason_note.show_note(describe_error(DomainError("intake.reason_required")))
            self.reason_edit.setFocus()
            return
        self.reason_note.clear_note()
        self.confirm_button.setEnabled(False)
        self.status.show_message(_("Saving…"), "info")
        self.sig_confirmed.emit(self.values())


class ResultsPage(CounterPage):
    """"Nhận kết quả": scan what comes back; record what the agency or the applicant asks."""

    page_name = "results"

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("resultsPage")
        apply_dossier_style(self)
        self.all_rows: list[Any] = []
        self.actions: dict[str, DossierActions] = {}  # per dossier code, as the service answered
        self.step_dialog: StepDialog | None = None

        self.filter_edit = SearchEdit(
            "resultsFilter",
            _("Filter by code, applicant or procedure — or scan a result coming back (F2)"),
            delay_ms=FILTER_DEBOUNCE_MS,
            down_leaves=False,
        )
        self.model: RowsTableModel[Any] = RowsTableModel(summary_columns(), key=lambda s: s.code)
        self.table = make_table(self.model, "agencyDossierTable", stretch=2)
        self.count_label = QLabel()
        self.count_label.setObjectName("sectionHeading")
        self.recent_model: RowsTableModel[Any] = RowsTableModel(
            [
                Column(N_("Dossier code"), lambda s: s.code),
                Column(N_("Applicant"), lambda s: s.applicant_name),
                Column(N_("Result delivery"), lambda s: delivery_text(s.result_delivery)),
                Column(N_("Status"), lambda s: status_text(s.status)),
            ],
            key=lambda s: s.code,
        )
        self.recent_table = make_table(self.recent_model, "recentResultsTable", stretch=1)
        recent_label = QLabel(_("Results received in this session"))
        recent_label.setObjectName("sectionHeading")

        self.ready_button = QPushButton(_("Result is back (Ctrl+Enter)"))
        self.ready_button.setObjectName("primary")
        self.ready_button.setMinimumHeight(40)
        self.supplement_button = QPushButton(_("Agency asks for a supplement… (Ctrl+B)"))
        self.provided_button = QPushButton(_("Supplement provided (Ctrl+Shift+B)"))
        self.extend_button = QPushButton(_("Apology and extension… (Ctrl+G)"))
        self.stop_button = QPushButton(_("Applicant asks to stop… (Ctrl+D)"))
        self.view_button = QPushButton(_("Open the dossier (Enter)"))
        self.status = StatusLine()

        actions = QVBoxLayout()
        for button in (self.ready_button, self.supplement_button, self.provided_button, self.extend_button, self.stop_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.view_button)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.filter_edit)
        top_layout.addWidget(self.count_label)
        table_row = QHBoxLayout()
        table_row.addWidget(self.table, 1)
        table_row.addLayout(actions)
        top_layout.addLayout(table_row, 1)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(recent_label)
        bottom_layout.addWidget(self.recent_table, 1)
        splitter = make_splitter(Qt.Orientation.Vertical, top, bottom, stretch=(3, 1))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

        self.filter_edit.sig_search.connect(self.apply_filter)
        self.filter_edit.returnPressed.connect(self._on_filter_edit_return_pressed)
        self.table.activated.connect(self._on_table_activated)
        self.recent_table.activated.connect(self._on_recent_table_activated)
        self.ready_button.clicked.connect(self._on_ready_button_clicked)
        self.supplement_button.clicked.connect(self._on_supplement_button_clicked)
        self.provided_button.clicked.connect(self._on_provided_button_clicked)
        self.extend_button.clicked.connect(self._on_extend_button_clicked)
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.view_button.clicked.connect(self._on_view_button_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        add_shortcut(self, "Ctrl+Return", self._on_ready_button_clicked)
        add_shortcut(self, "Ctrl+Enter", self._on_ready_button_clicked)
        add_shortcut(self, "Ctrl+B", self._on_supplement_button_clicked)
        add_shortcut(self, "Ctrl+Shift+B", self._on_provided_button_clicked)
        add_shortcut(self, "Ctrl+G", self._on_extend_button_clicked)
        add_shortcut(self, "Ctrl+D", self._on_stop_button_clicked)
        add_shortcut(self, "Ctrl+R", self.refresh)
        scan_filter().add_target(self, self.handle_scan)
        self._update_actions()

    # -- CounterPage -----------------------------------------------------------------------

    def page_title(self) -> str:
        return _("Results back")

    def page_shown(self) -> None:
        self.refresh()
        self.filter_edit.setFocus()

    def focus_search(self) -> bool:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()
        return True

    def clear_search(self) -> bool:
        self.filter_edit.clear()
        self.apply_filter()
        return True

    # -- list --------------------------------------------------------------------------------

    def refresh(self) -> None:
        if dossiers_of(self.context) is None:
            return
        services, desk = self.context.services, desk_of(self.context)
        run_in_background(
            lambda: load_at_agencies(services, desk),
            self._on_list_loaded,
            lambda error: self.status.show_message(describe_dossier_error(error), "error"),
            owner=self,
            name="dossiers at agencies",
        )

    def _on_list_loaded(self, rows: object) -> None:
        assert isinstance(rows, list)
        self.all_rows = [row.summary for row in rows]
        self.actions = {row.summary.code: row.actions for row in rows}
        self.apply_filter()

    def apply_filter(self) -> None:
        self.filter_edit.cancel_pending()
        selected = self.selected_code()
        key = search_key(self.filter_edit.text())
        rows = [
            s for s in self.all_rows
            if not key or key in search_key(f"{s.code} {s.applicant_name} {s.procedure_name}")
        ]
        self.model.set_rows(rows)
        n = len(rows)
        self.count_label.setText(
            ngettext("At the agencies: {n} dossier", "At the agencies: {n} dossiers", n).format(n=n)
        )
        row = self.model.row_of(selected) if selected else None
        if row is None and rows:
            row = 0
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))
        self._update_actions()

    def selected(self) -> Any | None:
        row = current_row(self.table)
        return self.model.row_at(row) if row is not None and row < self.model.rowCount() else None

    def selected_code(self) -> str | None:
        summary = self.selected()
        return summary.code if summary is not None else None

    def select(self, code: str) -> bool:
        row = self.model.row_of(code)
        if row is None:
            return False
        self.table.setCurrentIndex(self.model.index(row, 0))
        return True

    def selected_actions(self) -> DossierActions | None:
        """The service's answer for the selected dossier (None when nothing is selected)."""
        code = self.selected_code()
        return self.actions.get(code) if code is not None else None

    def offers(self, action: Action) -> bool:
        """Whether the service offers ``action`` for the selected dossier now (its state has the step)."""
        actions = self.selected_actions()
        return actions is not None and actions.offers(action)

    def _update_actions(self) -> None:
        self.ready_button.setEnabled(self.offers(Action.RESULT_READY))
        self.supplement_button.setEnabled(self.offers(Action.REQUEST_SUPPLEMENT))
        self.provided_button.setEnabled(self.offers(Action.SUPPLEMENT_PROVIDED))
        self.extend_button.setEnabled(self.offers(Action.EXTEND))
        self.stop_button.setEnabled(self.offers(Action.STOP))
        self.view_button.setEnabled(self.selected() is not None)

    # -- steps -------------------------------------------------------------------------------

    def handle_scan(self, code: str) -> None:
        """A dossier scanned here has come back from its agency: its result is ready."""
        self.mark_result_ready(code.strip().upper())

    def mark_result_ready(self, code: str) -> None:
        self._run_step(
            code,
            lambda services, desk: services.dossiers.result_ready(code, desk),
            lambda summary: _("Result of {code} is back — ready to return ({delivery}).").format(
                code=code, delivery=delivery_text(summary.result_delivery)
            ),
            remember=True,
        )

    def _run_step(
        self,
        code: str,
        step: Callable[[Any, Any], Any],
        words: Callable[[Any], str],
        *,
        remember: bool = False,
        dialog: StepDialog | None = None,
    ) -> None:
        services, desk = self.context.services, desk_of(self.context)

        def done(summary: Any) -> None:  # a DossierSummary
            if dialog is not None:
                dialog.accept()
            self.status.show_message(words(summary), "ok")
            if remember:
                rows = [r for r in self.recent_model.rows() if r.code != code]
                self.recent_model.set_rows([summary, *rows])
            # the forms the step owes (Mẫu 02/04/05), committed with it: the page works them off
            print_owed_and_preview(
                self, self.context, summary.print_jobs,
                on_failed=lambda text: self.status.show_message(text, "error"),
            )
            self.refresh()

        def failed(error: BaseException) -> None:
            text = describe_dossier_error(error)
            if dialog is not None:
                dialog.show_error(text)
            self.status.show_message(_("Not recorded for {code}: {reason}").format(code=code, reason=text), "error")

        run_in_background(lambda: step(services, desk), done, failed, owner=self, name="dossier step")

    def _open_step_dialog(self, dialog: StepDialog, confirmed: Callable[[dict[str, Any]], None]) -> None:
        dialog.sig_confirmed.connect(confirmed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.step_dialog = dialog
        dialog.open()

    def request_supplement(self) -> StepDialog | None:
        summary = self.selected()
        if summary is None or not self.offers(Action.REQUEST_SUPPLEMENT):
            return None
        code = summary.code
        dialog = StepDialog(
            _("The agency asks for a supplement — {code} (Form 02)").format(code=code),
            _("Save and print Form 02 (Ctrl+Enter)"),
            self,
            missing=True,
        )

        def confirmed(values: dict[str, Any]) -> None:
            self._run_step(
                code,
                lambda services, desk: services.dossiers.request_supplement(
                    code, desk, reason=values["reason"], missing=values["missing"]
                ),
                lambda _s: _("Supplement requested for {code}; the clock is paused.").format(code=code),
                dialog=dialog,
            )

        self._open_step_dialog(dialog, confirmed)
        return dialog

    def extend(self) -> StepDialog | None:
        summary = self.selected()
        if summary is None or not self.offers(Action.EXTEND) or summary.appointment is None:
            return None
        code, appointment = summary.code, summary.appointment
        proposed = datetime.combine(appointment.date() + timedelta(days=5), time(appointment.hour, appointment.minute))
        dialog = StepDialog(
            _("Apology and extension — {code} (Form 04)").format(code=code),
            _("Save and print Form 04 (Ctrl+Enter)"),
            self,
            when_label=_("New appointment (now {current}):").format(current=format_datetime(appointment)),
            when=proposed,
            earliest=appointment.replace(tzinfo=None) + timedelta(minutes=1),
        )

        def confirmed(values: dict[str, Any]) -> None:
            new = values["when"].replace(tzinfo=appointment.tzinfo)
            self._run_step(
                code,
                lambda services, desk: services.dossiers.extend(
                    code, desk, new_appointment=new, reason=values["reason"]
                ),
                lambda _s: _("Appointment of {code} moved to {when}.").format(code=code, when=format_datetime(new)),
                dialog=dialog,
            )

        self._open_step_dialog(dialog, confirmed)
        return dialog

    def stop(self) -> StepDialog | None:
        summary = self.selected()
        if summary is None or not self.offers(Action.STOP):
            return None
        code = summary.code
        clock = getattr(self.context.services, "clock", None)
        today = clock.now().date() if clock is not None else date.today()
        dialog = StepDialog(
            _("The applicant asks to stop — {code} (Form 05)").format(code=code),
            _("Save and print Form 05 (Ctrl+Enter)"),
            self,
            when_label=_("Date of the applicant's request:"),
            when=today,
        )

        def confirmed(values: dict[str, Any]) -> None:
            self._run_step(
                code,
                lambda services, desk: services.dossiers.stop(
                    code, desk, requested_on=values["when"], reason=values["reason"]
                ),
                lambda _s: _("Processing of {code} stopped.").format(code=code),
                dialog=dialog,
            )

        self._open_step_dialog(dialog, confirmed)
        return dialog

    # -- slots -----------------------------------------------------------------------------

    def _on_filter_edit_return_pressed(self) -> None:
        self.apply_filter()
        if self.model.rowCount() > 0:
            self.table.setFocus()

    def _on_table_row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_actions()

    def _on_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.navigator.open_dossier(self.model.row_at(index.row()).code, self)

    def _on_recent_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.navigator.open_dossier(self.recent_model.row_at(index.row()).code, self)

    def _on_ready_button_clicked(self) -> None:
        summary = self.selected()
        if summary is not None and self.offers(Action.RESULT_READY):
            self.mark_result_ready(summary.code)

    def _on_supplement_button_clicked(self) -> None:
        self.request_supplement()

    def _on_provided_button_clicked(self) -> None:
        summary = self.selected()
        if summary is None or not self.offers(Action.SUPPLEMENT_PROVIDED):
            return
        code = summary.code
        self._run_step(
            code,
            lambda services, desk: services.dossiers.supplement_provided(code, desk),
            lambda s: _("Supplement of {code} recorded; new appointment {when}.").format(
                code=code, when=format_datetime(s.appointment) if s.appointment else "—"
            ),
        )

    def _on_extend_button_clicked(self) -> None:
        self.extend()

    def _on_stop_button_clicked(self) -> None:
        self.stop()

    def _on_view_button_clicked(self) -> None:
        code = self.selected_code()
        if code:
            self.navigator.open_dossier(code, self)
