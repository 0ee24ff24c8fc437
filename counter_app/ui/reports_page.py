"""The Reports screen (issue 13, supervisors and administrators: ``Permission.SEE_REPORTS``).

Filters (the report, the period with quick choices, centre, agency, procedure), then the report's
tables (Qt models over ``services.report_documents`` tables) and charts (``ui/charts.py``), the same
document the ``counter report`` exports render. The report is computed off the GUI thread
(``run_in_background``) with a busy bar and the seconds spent; Cancel sets the flag the report
service polls between its steps, which stops the computation with ``report.cancelled``. Export writes
PDF, Excel or CSV to a chosen file through ``services.export_report`` (the CLI's export code).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.errors import DomainError
from counter_app.services.i18n import N_, _, describe_error, with_log_note
from counter_app.services.read_models import ReportUnit
from counter_app.services.report_documents import DATE, PERCENT, ReportDocument, Table, document_of
from counter_app.services.reports import REPORT_NAMES, Period, ReportFilters
from counter_app.ui.charts import ChartView
from counter_app.ui.navigation import CounterContext, CounterPage
from counter_app.ui.tasks import run_in_background, run_render
from counter_app.ui.widgets import (
    SearchEdit,
    StatusLine,
    make_splitter,
    make_table,
    today_of,
    yes_no_text,
)

_log = logging.getLogger(__name__)

REPORT_TITLES = {
    "dossiers": N_("Dossier indicators"),
    "queue": N_("Queue indicators"),
    "norms": N_("Service norms"),
    "demand": N_("Demand per agency"),
    "staff": N_("Staff and duty"),
    "satisfaction": N_("Satisfaction"),
    "effectiveness": N_("Pilot effectiveness"),
}
QUICK_PERIODS = (
    ("month", N_("This month")),
    ("last_month", N_("Last month")),
    ("quarter", N_("This quarter")),
    ("year", N_("This year")),
    ("custom", N_("Chosen dates")),
)
EXPORT_FORMATS = (("pdf", N_("PDF"), "*.pdf"), ("xlsx", N_("Excel"), "*.xlsx"), ("csv", N_("CSV"), "*.csv"))
PROGRESS_TICK_MS = 250


def quick_period(choice: str, today: date) -> Period:
    """The period a quick choice names, ending today at the latest (a whole last month)."""
    month = today.replace(day=1)
    if choice == "last_month":
        end = month - timedelta(days=1)
        return Period(end.replace(day=1), end)
    if choice == "quarter":
        return Period(month.replace(month=(today.month - 1) // 3 * 3 + 1), today)
    if choice == "year":
        return Period(today.replace(month=1, day=1), today)
    return Period(month, today)


def cell_text(value: Any, kind: str) -> str:
    """A cell as people read it (1.234; 87,5 %; 2,25; dd/mm/yyyy), "—" for no data: the exports' wording."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == PERCENT and isinstance(value, (int, float)):
        return f"{value * 100:.1f} %".replace(".", ",")
    if isinstance(value, bool):
        return yes_no_text(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        return text.replace(",", " ").replace(".", ",").replace(" ", ".")
    if isinstance(value, date) or kind == DATE:
        return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)
    return str(value)


_AnyIndex = QModelIndex | QPersistentModelIndex


class ReportTableModel(QAbstractTableModel):
    """One table of a report document; the total line, when there is one, comes last (in bold)."""

    def __init__(self) -> None:
        super().__init__()
        self._table: Table | None = None
        self._rows: list[list[Any]] = []

    def set_table(self, table: Table | None) -> None:
        self.beginResetModel()
        self._table = table
        self._rows = [] if table is None else [*table.rows, *([table.total] if table.total is not None else [])]
        self.endResetModel()

    def table(self) -> Table | None:
        return self._table

    def value(self, row: int, column: int) -> Any:
        return self._rows[row][column]

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self._table is None else len(self._table.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if self._table is None or orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._table.columns[section].title

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if self._table is None or not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], self._table.columns[index.column()]
        value = row[index.column()] if index.column() < len(row) else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cell_text(value, column.kind)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind != "text":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self._table.total is not None and index.row() == len(self._rows) - 1:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None


W = TypeVar("W", bound=QWidget)


def _named(widget: W, name: str) -> W:
    widget.setObjectName(name)
    return widget


def _date_edit(name: str) -> QDateEdit:
    edit = _named(QDateEdit(), name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


def ask_save_path(parent: QWidget, title: str, suggested: str, pattern: str) -> Path | None:
    """The file the report goes to, asked of the user; None when they gave none."""
    chosen, _filter = QFileDialog.getSaveFileName(parent, title, suggested, pattern)
    return Path(chosen) if chosen else None


class ReportsPage(CounterPage):
    """Reports of the centre for a supervisor (every centre for an administrator)."""

    page_name = "reports"

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._units: list[ReportUnit] = []
        self._units_loaded = False
        self._run = 0
        self._cancel: threading.Event | None = None
        self._started = 0.0
        self._steps = [0]
        self.document: ReportDocument | None = None
        self.report: Any = None
        self._build_filters()
        self._build_results()
        self._build_layout()
        self._on_period_choice_changed()

    def page_title(self) -> str:
        return _("Reports")

    # -- building -------------------------------------------------------------------------------
    def _build_filters(self) -> None:
        self.report_combo = _named(QComboBox(), "reportChoice")
        for name in REPORT_NAMES:
            self.report_combo.addItem(_(REPORT_TITLES[name]), name)
        self.period_combo = _named(QComboBox(), "reportPeriod")
        for key, title in QUICK_PERIODS:
            self.period_combo.addItem(_(title), key)
        self.period_combo.currentIndexChanged.connect(self._on_period_choice_changed)
        self.from_edit = _date_edit("reportFrom")
        self.to_edit = _date_edit("reportTo")
        self.from_edit.dateChanged.connect(self._on_date_edited)
        self.to_edit.dateChanged.connect(self._on_date_edited)
        self.centre_combo = _named(QComboBox(), "reportCentre")
        self.centre_combo.currentIndexChanged.connect(self._on_centre_changed)
        self.agency_combo = _named(QComboBox(), "reportAgency")
        self.agency_combo.setMinimumContentsLength(18)
        self.agency_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.procedure_search = SearchEdit("reportProcedureSearch", _("Find a procedure…"), delay_ms=300,
                                           down_leaves=False)
        self.procedure_search.sig_search.connect(self._on_procedure_search)
        self.procedure_combo = _named(QComboBox(), "reportProcedure")
        self.procedure_combo.setMinimumContentsLength(18)
        self.procedure_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.procedure_combo.addItem(_("All procedures"), None)
        self.run_button = _named(QPushButton(_("Show report")), "reportRun")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.compute)
        self.cancel_button = _named(QPushButton(_("Cancel")), "reportCancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = _named(QProgressBar(), "reportProgress")
        self.progress.setRange(0, 0)  # busy: the service says nothing of how far it is
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.progress_label = _named(QLabel(), "reportProgressLabel")
        self._ticker = QTimer(self)
        self._ticker.setInterval(PROGRESS_TICK_MS)
        self._ticker.timeout.connect(self._on_ticker_timeout)
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt, title, _pattern in EXPORT_FORMATS:
            button = _named(QPushButton(_("Export {format}").format(format=_(title))), f"reportExport_{fmt}")
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, f=fmt: self.export(f))
            self.export_buttons[fmt] = button
        self.status = StatusLine()

    def _build_results(self) -> None:
        self.table_combo = _named(QComboBox(), "reportTableChoice")
        self.table_combo.currentIndexChanged.connect(self._on_table_choice_changed)
        self.model = ReportTableModel()
        self.table: QTableView = make_table(self.model, "reportTable")
        self.notes_label = _named(QLabel(), "reportNotes")
        self.notes_label.setWordWrap(True)
        self.charts: list[ChartView] = [ChartView(self), ChartView(self)]
        chart_box = QWidget()
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        for chart in self.charts:
            chart.hide()
            chart_layout.addWidget(chart, 1)
        self.chart_scroll = QScrollArea()
        self.chart_scroll.setWidgetResizable(True)
        self.chart_scroll.setWidget(chart_box)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.table_combo)
        table_layout.addWidget(self.table, 1)
        table_layout.addWidget(self.notes_label)
        self.splitter = make_splitter(Qt.Orientation.Horizontal, table_box, self.chart_scroll, stretch=(3, 2))

    def _build_layout(self) -> None:
        grid = QGridLayout()
        grid.addWidget(QLabel(_("Report")), 0, 0)
        grid.addWidget(self.report_combo, 0, 1)
        grid.addWidget(QLabel(_("Period")), 0, 2)
        grid.addWidget(self.period_combo, 0, 3)
        dates = QHBoxLayout()
        dates.addWidget(self.from_edit)
        dates.addWidget(QLabel("–"))
        dates.addWidget(self.to_edit)
        grid.addLayout(dates, 0, 4, 1, 2)
        grid.addWidget(QLabel(_("Centre")), 1, 0)
        grid.addWidget(self.centre_combo, 1, 1)
        grid.addWidget(QLabel(_("Agency")), 1, 2)
        grid.addWidget(self.agency_combo, 1, 3)
        grid.addWidget(QLabel(_("Procedure")), 1, 4)
        procedure = QHBoxLayout()
        procedure.addWidget(self.procedure_search, 1)
        procedure.addWidget(self.procedure_combo, 2)
        grid.addLayout(procedure, 1, 5)
        grid.setColumnStretch(5, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.run_button)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.progress)
        actions.addWidget(self.progress_label)
        actions.addStretch(1)
        for button in self.export_buttons.values():
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        layout.addWidget(self.splitter, 1)

    # -- filters ----------------------------------------------------------------------------------
    def page_shown(self) -> None:
        if not self._units_loaded:
            self._units_loaded = True
            self._load_units()

    def _load_units(self) -> None:
        staff_id = self.context.session.staff_id
        services = self.context.services
        run_in_background(lambda: services.report_units(staff_id), self._on_units_loaded, self._on_units_failed,
                          owner=self, name="report units")

    def _on_units_loaded(self, units: object) -> None:
        self._units = list(units)  # type: ignore[call-overload]
        self.centre_combo.blockSignals(True)
        self.centre_combo.clear()
        if len(self._units) > 1:
            self.centre_combo.addItem(_("All centres"), None)
        for unit in self._units:
            self.centre_combo.addItem(unit.centre_name, unit.centre_id)
        own = self.centre_combo.findData(self.context.session.centre_id)
        self.centre_combo.setCurrentIndex(max(own, 0))
        self.centre_combo.blockSignals(False)
        self._on_centre_changed()

    def _on_units_failed(self, error: BaseException) -> None:
        self.status.show_message(self._error_text(error, _("The centres could not be loaded.")), "error")

    def _on_centre_changed(self, _index: int = 0) -> None:
        centre = self.centre_combo.currentData()
        self.agency_combo.clear()
        self.agency_combo.addItem(_("All agencies"), None)
        agencies = {a for unit in self._units if centre is None or unit.centre_id == centre for a in unit.agencies}
        for agency_id, name in sorted(agencies, key=lambda pair: pair[1]):
            self.agency_combo.addItem(name, agency_id)

    def _on_procedure_search(self) -> None:
        text = self.procedure_search.text().strip()
        services, centre = self.context.services, self.centre_combo.currentData()

        def done(found: object) -> None:
            self.procedure_combo.clear()
            self.procedure_combo.addItem(_("All procedures"), None)
            for summary in found:  # type: ignore[attr-defined]
                self.procedure_combo.addItem(f"{summary.code} · {summary.name}", summary.code)
            if text and self.procedure_combo.count() > 1:
                self.procedure_combo.setCurrentIndex(1)

        if not text:
            done([])
            return
        run_in_background(lambda: services.search_procedures(text, 30, centre_id=centre), done,
                          lambda error: self.status.show_message(
                              self._error_text(error, _("The procedures could not be searched.")), "error"),
                          owner=self, name="report procedure search")

    def _on_period_choice_changed(self, _index: int = 0) -> None:
        choice = self.period_combo.currentData()
        if choice == "custom":
            return
        period = quick_period(choice, today_of(self.context))
        for edit, day in ((self.from_edit, period.start), (self.to_edit, period.end)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    def _on_date_edited(self, _date: QDate) -> None:
        custom = self.period_combo.findData("custom")
        if self.period_combo.currentIndex() != custom:
            self.period_combo.blockSignals(True)
            self.period_combo.setCurrentIndex(custom)
            self.period_combo.blockSignals(False)

    def current_period(self) -> Period:
        """The period the filters name (``report.bad_period`` when the dates are the wrong way round)."""
        return Period(self.from_edit.date().toPython(), self.to_edit.date().toPython())  # type: ignore[arg-type]

    def current_filters(self) -> ReportFilters:
        return ReportFilters(self.centre_combo.currentData(), self.agency_combo.currentData(),
                             self.procedure_combo.currentData())

    # -- computing -------------------------------------------------------------------------------
    def compute(self) -> None:
        """Compute the chosen report on the worker; an earlier computation still running is cancelled."""
        try:
            period = self.current_period()
        except DomainError as error:
            self.status.show_message(describe_error(error), "error")
            return
        if self._cancel is not None:
            self._cancel.set()
        name, filters = self.report_combo.currentData(), self.current_filters()
        staff_id, services = self.context.session.staff_id, self.context.services
        self._run += 1
        run, cancel, steps = self._run, threading.Event(), [0]
        self._cancel, self._steps = cancel, steps

        def cancelled() -> bool:
            steps[0] += 1
            return cancel.is_set()

        def work() -> tuple[Any, ReportDocument]:
            report = services.run_report(name, period, filters, staff_id=staff_id, cancelled=cancelled)
            return report, document_of(name, report)

        self._set_busy(True)
        self.status.show_message("")
        run_in_background(work, lambda result: self._on_report_done(run, result),
                          lambda error: self._on_report_failed(run, error), owner=self, name=f"report {name}")

    def cancel(self) -> None:
        """Stop the computation: the service stops at its next step with ``report.cancelled``."""
        if self._cancel is not None:
            self._cancel.set()
            self.progress_label.setText(_("Cancelling…"))
            self.cancel_button.setEnabled(False)

    def is_computing(self) -> bool:
        return self._cancel is not None

    def _set_busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        if busy:
            self._started = time.monotonic()
            self._on_ticker_timeout()
            self._ticker.start()
        else:
            self._cancel = None
            self._ticker.stop()
            self.progress_label.setText("")

    def _on_ticker_timeout(self) -> None:
        if self._cancel is not None and self._cancel.is_set():
            return
        self.progress_label.setText(_("Computing… {seconds} s, step {step}").format(
            seconds=int(time.monotonic() - self._started), step=self._steps[0]))

    def _on_report_done(self, run: int, result: object) -> None:
        if run != self._run:
            return
        self._set_busy(False)
        self.report, self.document = result  # type: ignore[misc]
        self._show_document()

    def _on_report_failed(self, run: int, error: BaseException) -> None:
        if run != self._run:
            return
        self._set_busy(False)
        cancelled = isinstance(error, DomainError) and error.code == "report.cancelled"
        self.status.show_message(self._error_text(error, _("The report could not be computed.")),
                                 "info" if cancelled else "error")

    @staticmethod
    def _error_text(error: BaseException, sentence: str) -> str:
        return describe_error(error) if isinstance(error, DomainError) else with_log_note(sentence)

    # -- showing ---------------------------------------------------------------------------------
    def _show_document(self) -> None:
        document = self.document
        assert document is not None
        self.table_combo.blockSignals(True)
        self.table_combo.clear()
        for table in document.tables:
            self.table_combo.addItem(table.title)
        self.table_combo.blockSignals(False)
        self.table_combo.setCurrentIndex(0)
        self._on_table_choice_changed(0)
        for view, chart in zip(self.charts, [*document.charts, None, None], strict=False):
            view.set_chart(chart)
            view.setVisible(chart is not None)
        self.notes_label.setText("\n".join(document.notes))
        for button in self.export_buttons.values():
            button.setEnabled(True)
        self.status.show_message(_("{title}: {unit}, {start} – {end}").format(
            title=document.title, unit=document.unit, start=document.period[0].strftime("%d/%m/%Y"),
            end=document.period[1].strftime("%d/%m/%Y")), "info")

    def _on_table_choice_changed(self, index: int) -> None:
        tables = self.document.tables if self.document is not None else []
        self.model.set_table(tables[index] if 0 <= index < len(tables) else None)

    def show_table(self, title: str) -> Table | None:
        """Bring the table called ``title`` into view (tests, and people who know what they want)."""
        index = self.table_combo.findText(title)
        if index >= 0:
            self.table_combo.setCurrentIndex(index)
        return self.model.table()

    # -- export ----------------------------------------------------------------------------------
    def export(self, fmt: str, ask: Callable[[QWidget, str, str, str], Path | None] | None = None) -> None:
        """Write the report shown as ``fmt`` to a file the user chooses (on the render worker)."""
        document = self.document
        if document is None:
            return
        pattern = next(p for f, _t, p in EXPORT_FORMATS if f == fmt)
        suggested = f"bao-cao-{document.name}-{document.period[0]:%Y%m%d}-{document.period[1]:%Y%m%d}.{fmt}"
        path = (ask or ask_save_path)(self, _("Export the report"), suggested, pattern)
        if path is None:
            return
        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(path.name + f".{fmt}")
        services = self.context.services
        self.status.show_message(_("Writing {path}…").format(path=path), "info")
        run_render(lambda: services.export_report(document, fmt, path),
                          lambda written: self.status.show_message(
                              _("The report was saved in {path}.").format(path=written), "ok"),
                          lambda error: self.status.show_message(
                              self._error_text(error, _("The report could not be saved.")), "error"),
                          owner=self, name=f"export report {fmt}")
