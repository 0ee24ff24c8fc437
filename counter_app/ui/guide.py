"""Procedure guide page: instant search of the catalog and what to tell the citizen about one procedure."""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.errors import DomainError
from counter_app.services.formatting import (
    format_channels,
    format_datetime,
    format_duration,
    format_fee_due,
    format_fee_kind,
    format_level,
    format_money,
)
from counter_app.services.i18n import _, describe_error, ngettext, with_log_note
from counter_app.services.read_models import ProcedureGuide, ProcedureSummary
from counter_app.ui.navigation import CounterContext, CounterPage
from counter_app.ui.tasks import run_render
from counter_app.ui.theme import set_tone
from counter_app.ui.widgets import (
    ProcedureTableModel,
    SearchEdit,
    add_shortcut,
    make_splitter,
    make_table,
    post_service_text,
    sample_code_text,
    yes_no_text,
)

__all__ = ["GuidePage", "ProcedureTableModel", "guide_html", "post_service_text", "sample_code_text"]

_log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 150
SEARCH_LIMIT = 50
SLOW_SEARCH_S = 0.05  # search runs on the GUI thread; above this it should move to a worker
APPOINTMENT_REFRESH_MS = 60_000  # the appointment moves with the clock (closing time, next day)


class GuidePage(CounterPage):
    """Search box, results table and the guide of the selected procedure."""

    page_name = "guide"
    sig_guide_opened = Signal(object)  # ProcedureGuide
    sig_sheet_saved = Signal(object)  # Path of the guidance sheet PDF

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("guidePage")
        self._guide: ProcedureGuide | None = None
        self.intake_dialog: QWidget | None = None
        self._printing = False
        self._sheet_path: Path | None = None
        self._searched_text: str | None = None

        self._build_search()
        self._build_results()
        self._build_detail()
        self.splitter = self._build_splitter()
        self._lay_out()
        self._appointment_timer = QTimer(self)
        self._appointment_timer.setInterval(APPOINTMENT_REFRESH_MS)
        self._connect_signals()
        self.run_search()

    # -- builders --------------------------------------------------------------------------

    def _build_search(self) -> None:
        self.search_edit = SearchEdit(
            "guideSearch",
            _("Search procedures by name, code or field — accents optional (F2)"),
            delay_ms=SEARCH_DEBOUNCE_MS,
        )
        self.result_label = QLabel()
        self.result_label.setObjectName("resultCount")

    def _build_results(self) -> None:
        self.model = ProcedureTableModel()
        self.table = make_table(self.model, "procedureTable", table=QTableView())
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ProcedureTableModel.NAME, QHeaderView.ResizeMode.Stretch)
        # Codes of local variants are long (1.001193.000.00.31.H27) and, with the agency, tell
        # apart the same procedure of many communes: both stay readable, the name gives way.
        for column in (ProcedureTableModel.CODE, ProcedureTableModel.TIME, ProcedureTableModel.POST):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ProcedureTableModel.AGENCY, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(
            ProcedureTableModel.AGENCY, self.fontMetrics().horizontalAdvance("UBND phường Bắc Hồng Lĩnh") + 24
        )
        self.empty_label = _hint_label("")
        self.results_stack = QStackedWidget()
        self.results_stack.addWidget(self.table)
        self.results_stack.addWidget(self.empty_label)

    def _build_detail(self) -> None:
        self.title_label = _selectable_label("procedureTitle")
        self.meta_label = QLabel()
        self.meta_label.setObjectName("procedureMeta")
        self.print_button = _primary_button(_("Print guidance sheet (Ctrl+P)"))
        self.receive_button = _primary_button(_("Receive this procedure (Ctrl+N)"))
        self.appointment_label = _selectable_label("appointment")
        self.sheet_bar = self._build_sheet_bar()
        self.body = QTextBrowser()
        self.body.setObjectName("procedureBody")
        self.body.setOpenLinks(False)

        title_row = QHBoxLayout()
        title_box = QVBoxLayout()
        title_box.setSpacing(2)
        title_box.addWidget(self.title_label)
        title_box.addWidget(self.meta_label)
        title_row.addLayout(title_box, 1)
        title_row.addWidget(self.receive_button, 0, Qt.AlignmentFlag.AlignTop)
        title_row.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignTop)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 6, 0, 0)
        detail_layout.setSpacing(8)
        detail_layout.addLayout(title_row)
        detail_layout.addWidget(self.appointment_label)
        detail_layout.addWidget(self.sheet_bar)
        detail_layout.addWidget(self.body, 1)

        self.detail_hint = _hint_label(_("Choose a procedure in the list to see what the citizen needs."))
        self.detail_stack = QStackedWidget()
        self.detail_stack.addWidget(self.detail_hint)
        self.detail_stack.addWidget(detail)

    def _build_sheet_bar(self) -> QFrame:
        """Where the guidance sheet went (or why not), with a button to open the file."""
        self.sheet_label = _selectable_label("sheetStatus")
        self.open_sheet_button = QPushButton(_("Open the sheet"))
        self.open_sheet_button.hide()
        bar = QFrame()
        bar.setObjectName("sheetBar")
        sheet_layout = QHBoxLayout(bar)
        sheet_layout.setContentsMargins(10, 6, 10, 6)
        sheet_layout.addWidget(self.sheet_label, 1)
        sheet_layout.addWidget(self.open_sheet_button)
        bar.hide()
        return bar

    def _build_splitter(self) -> QSplitter:
        splitter = make_splitter(
            Qt.Orientation.Vertical, self.results_stack, self.detail_stack, stretch=(2, 5)
        )
        row_height = self.table.verticalHeader().defaultSectionSize()
        splitter.setSizes([row_height * 6 + 8, row_height * 14])  # five result rows stay in view
        return splitter

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.setSpacing(6)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.result_label)
        layout.addWidget(self.splitter, 1)

    def _connect_signals(self) -> None:
        self.search_edit.sig_search.connect(self.run_search)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.search_edit.sig_down.connect(self._on_search_edit_down)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.table.clicked.connect(self._on_table_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.receive_button.clicked.connect(self._on_receive_button_clicked)
        add_shortcut(self, "Ctrl+N", self._on_receive_button_clicked)
        self.open_sheet_button.clicked.connect(self._on_open_sheet_button_clicked)
        self._appointment_timer.timeout.connect(self._on_appointment_timer_timeout)

    # -- CounterPage -----------------------------------------------------------------------

    def page_title(self) -> str:
        return _("Procedure guide")

    def page_shown(self) -> None:
        self.search_edit.setFocus()

    def page_asked(self, **args: Any) -> None:
        """Asked for by name: ``search`` is searched at once, then the result ``row`` is opened."""
        if "search" in args:
            self.search(str(args["search"]))
        if "row" in args:
            self.open_row(int(args["row"]))

    def focus_search(self) -> bool:
        self.search_edit.setFocus()
        self.search_edit.selectAll()
        return True

    def clear_search(self) -> bool:
        self.search_edit.clear()
        self.run_search()
        self.search_edit.setFocus()
        return True

    def print_current(self) -> bool:
        if self._guide is None:
            return False
        self._on_print_button_clicked()
        return True

    # -- actions (also used by the screenshot and tests) -----------------------------------

    def search(self, text: str) -> None:
        """Type ``text`` into the search box and search at once (no debounce)."""
        self.search_edit.setText(text)
        self.run_search()

    def run_search(self) -> None:
        self.search_edit.cancel_pending()
        text = self.search_edit.text().strip()
        if text == self._searched_text:
            return
        self._searched_text = text
        started = time.perf_counter()
        centre_id = self.context.session.centre_id  # the clerk's own centre's procedures first
        results = self.context.services.search_procedures(text, SEARCH_LIMIT, centre_id=centre_id)
        elapsed = time.perf_counter() - started
        if elapsed > SLOW_SEARCH_S:
            _log.warning("search for %r took %.0f ms on the GUI thread", text, elapsed * 1000)
        self._show_results(text, results)

    def open_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(row, ProcedureTableModel.NAME))

    def open_procedure(self, code: str) -> None:
        """Show the guide of ``code``; the appointment is computed afresh from the clock."""
        try:
            guide = self.context.services.procedure_guide(
                code, centre_id=self.context.session.centre_id
            )
        except DomainError as error:
            _log.info("guide for %s refused: %s", code, error)
            self._guide = None
            self._appointment_timer.stop()
            self.print_button.setEnabled(False)
            self.receive_button.setEnabled(False)
            self.detail_hint.setText(describe_error(error))
            set_tone(self.detail_hint, "error")
            self.detail_stack.setCurrentIndex(0)
            return
        self._show_guide(guide)

    def current_guide(self) -> ProcedureGuide | None:
        return self._guide

    def searched_text(self) -> str | None:
        """The text the results on screen were searched for (None before the first search)."""
        return self._searched_text

    def refresh_appointment(self) -> None:
        """Recompute the appointment of the open procedure from the clock."""
        guide = self._guide
        if guide is None:
            return
        try:
            fresh = self.context.services.procedure_guide(
                guide.code, centre_id=self.context.session.centre_id
            )
        except DomainError as error:
            _log.info("refreshing the guide of %s refused: %s", guide.code, error)
            return
        if fresh.code == guide.code:
            self._guide = fresh
            self._show_appointment(fresh)

    # -- slots -----------------------------------------------------------------------------

    def _on_search_edit_return_pressed(self) -> None:
        self.run_search()
        if self.model.rowCount() > 0:
            if not self.table.currentIndex().isValid():
                self.open_row(0)
            self.table.setFocus()

    def _on_search_edit_down(self) -> None:
        self.run_search()
        if self.model.rowCount() > 0:
            if not self.table.currentIndex().isValid():
                self.open_row(0)
            self.table.setFocus()

    def _on_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.open_procedure(self.model.procedure_at(current.row()).code)

    def _on_table_clicked(self, index: QModelIndex) -> None:
        # A click on the row already open is opening it again: the appointment moves with the clock.
        if self._guide is not None and self.model.procedure_at(index.row()).code == self._guide.code:
            self.refresh_appointment()

    def _on_appointment_timer_timeout(self) -> None:
        self.refresh_appointment()

    def _on_receive_button_clicked(self) -> None:
        """Open the intake of the procedure on screen (the appointment is computed afresh)."""
        if self._guide is None or not self.receive_button.isEnabled():
            return
        self.refresh_appointment()
        self.intake_dialog = self.navigator.open_intake(self._guide, self)

    def _on_print_button_clicked(self) -> None:
        guide = self._guide
        if guide is None or self._printing:
            return
        self._printing = True
        self.print_button.setEnabled(False)
        self._show_sheet_status(_("Preparing the guidance sheet…"), "info", None)
        services = self.context.services
        code, centre_id = guide.code, self.context.session.centre_id
        staff_name, counter_name = self.context.session.full_name, self.context.counter_name
        run_render(  # rendering the sheet never waits behind store work (nor delays it)
            lambda: services.print_guidance_sheet(
                code, centre_id=centre_id, staff_name=staff_name, counter_name=counter_name
            ),
            self._on_print_done,
            self._on_print_failed,
            owner=self,
            name="print_guidance_sheet",
        )

    def _on_print_done(self, path: object) -> None:
        self._printing = False
        self.print_button.setEnabled(self._guide is not None)
        if path is None:  # a printer that keeps no file took it
            self._show_sheet_status(_("Guidance sheet printed."), "ok", None)
            return
        sheet = Path(str(path))
        self._show_sheet_status(
            _("Guidance sheet saved: {path}").format(path=str(sheet)), "ok", sheet
        )
        self.sig_sheet_saved.emit(sheet)

    def _on_print_failed(self, error: BaseException) -> None:
        self._printing = False
        self.print_button.setEnabled(self._guide is not None)
        if isinstance(error, DomainError):
            text = _("The guidance sheet was not made: {reason}").format(reason=describe_error(error))
        else:
            text = with_log_note(_("The guidance sheet was not made because of an unexpected error."))
        self._show_sheet_status(text, "error", None)

    def _on_open_sheet_button_clicked(self) -> None:
        if self._sheet_path is None:
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._sheet_path))):
            self._show_sheet_status(
                _("Could not open {path}. Open it from its folder.").format(path=str(self._sheet_path)),
                "error",
                self._sheet_path,
            )

    # -- display ---------------------------------------------------------------------------

    def _show_results(self, text: str, results: Sequence[ProcedureSummary]) -> None:
        open_code = self._guide.code if self._guide is not None else None
        self.model.set_procedures(results)
        n = len(results)
        if n == 0:
            self.result_label.setText("")
            if text:
                self.empty_label.setText(
                    _(
                        "No procedure matches “{text}”.\n"
                        "Try fewer words, another word from the name, or the procedure code."
                    ).format(text=text)
                )
            else:
                self.empty_label.setText(
                    _("Type part of a procedure's name or its code to find it. Accents are optional.")
                )
            self.results_stack.setCurrentWidget(self.empty_label)
        else:
            if n >= SEARCH_LIMIT:
                self.result_label.setText(
                    _("Showing the first {n} procedures — type more to narrow the list.").format(n=n)
                )
            else:
                self.result_label.setText(
                    ngettext("{n} procedure found", "{n} procedures found", n).format(n=n)
                )
            self.results_stack.setCurrentWidget(self.table)
        row = self.model.row_of(open_code) if open_code is not None else None
        if row is not None:
            self.table.selectionModel().blockSignals(True)
            self.table.setCurrentIndex(self.model.index(row, ProcedureTableModel.NAME))
            self.table.selectionModel().blockSignals(False)
            self.table.scrollTo(self.model.index(row, 0))
        else:  # the open procedure is not among the results: the pane never keeps it
            self._show_no_guide(found_nothing=n == 0 and bool(text))

    def _show_no_guide(self, *, found_nothing: bool) -> None:
        """Nothing selected: no procedure in the detail pane, nothing to print or receive."""
        self._guide = None
        self._appointment_timer.stop()
        self.print_button.setEnabled(False)
        self.receive_button.setEnabled(False)
        self.sheet_bar.hide()
        self._sheet_path = None
        self.detail_hint.setText(
            _("No procedure found, so none is open. Search again with other words or the procedure code.")
            if found_nothing
            else _("Choose a procedure in the list to see what the citizen needs.")
        )
        set_tone(self.detail_hint, "")
        self.detail_stack.setCurrentIndex(0)

    def _show_guide(self, guide: ProcedureGuide) -> None:
        first_time = self._guide is None or self._guide.code != guide.code
        self._guide = guide
        self.title_label.setText(guide.name)
        self.meta_label.setText(
            " · ".join(
                part
                for part in (
                    _("Code {code}").format(code=sample_code_text(guide.code, guide.sample)),
                    guide.field_name,
                    format_level(guide.level),
                )
                if part
            )
        )
        self._show_appointment(guide)
        if first_time:
            self.sheet_bar.hide()
            self._sheet_path = None
        self.body.setHtml(guide_html(guide))
        self.print_button.setEnabled(not self._printing)
        self.receive_button.setEnabled(getattr(self.context.services, "dossiers", None) is not None)
        set_tone(self.detail_hint, "")
        self.detail_stack.setCurrentIndex(1)
        self._appointment_timer.start()
        self.sig_guide_opened.emit(guide)

    def _show_appointment(self, guide: ProcedureGuide) -> None:
        self.appointment_label.setText(
            _("If received now, the appointment is: {appointment}").format(
                appointment=format_datetime(guide.appointment)
            )
        )

    def _show_sheet_status(self, text: str, tone: str, path: Path | None) -> None:
        self._sheet_path = path
        self.sheet_label.setText(text)
        set_tone(self.sheet_bar, tone)
        self.open_sheet_button.setVisible(path is not None)
        self.sheet_bar.show()


def _hint_label(text: str) -> QLabel:
    """The centred words shown where a list or a guide would be (nothing found, nothing chosen)."""
    label = QLabel(text)
    label.setObjectName("emptyHint")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def _selectable_label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _primary_button(text: str) -> QPushButton:
    """A big button of the guide, off until a procedure is open."""
    button = QPushButton(text)
    button.setObjectName("primary")
    button.setMinimumHeight(40)
    button.setEnabled(False)
    return button


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def guide_html(guide: ProcedureGuide) -> str:
    """The body of a procedure's guide (agency, documents, fees, channels, post, result, legal basis).

    Two columns so it fits a 1366×768 screen: agency, time, fees and channels on the left, the
    documents to bring on the right. Name and appointment are widgets above it.
    """
    agency = " › ".join(guide.agency_path) if guide.agency_path else guide.agency_name
    left: list[str] = [
        _section(_("Deciding agency"), f"<p>{_e(agency)}</p>"),
        _section(
            _("Statutory time limit"), f"<p><b>{_e(format_duration(guide.duration))}</b></p>"
        ),
        _section(_("Fees and charges"), _fees_html(guide)),
        _section(_("How to apply and collect"), _channels_html(guide)),
    ]
    if guide.result_description:
        left.append(_section(_("Result"), f"<p>{_e(guide.result_description)}</p>"))
    if guide.legal_basis:
        left.append(
            _section(_("Legal basis"), f"<p class='small'>{_e(guide.legal_basis)}</p>")
        )
    left.append(
        "<p class='small muted'>"
        + _e(
            _("Catalog version {version} · {centre}").format(
                version=guide.catalog_version, centre=guide.centre_name
            )
        )
        + "</p>"
    )
    right = [_section(_("Documents to bring"), _components_html(guide))]
    return (
        "<html><head><style>"
        "h3 { font-size: 12pt; color: #0b4f8a; margin-top: 10px; margin-bottom: 4px; }"
        "p { margin-top: 0px; margin-bottom: 4px; }"
        ".small { font-size: 10pt; } .muted { color: #666666; }"
        ".warn { color: #9a3412; font-weight: bold; }"
        "th { background-color: #e8eef5; text-align: left; font-weight: bold; }"
        "td.n, th.n { text-align: center; }"
        ".total { font-weight: bold; }"
        "</style></head><body>"
        "<table width='100%' cellspacing='0' cellpadding='0'><tr>"
        f"<td width='42%' valign='top' style='padding-right: 18px;'>{''.join(left)}</td>"
        f"<td width='58%' valign='top'>{''.join(right)}</td>"
        "</tr></table></body></html>"
    )


def _section(title: str, body: str) -> str:
    return f"<h3>{_e(title)}</h3>{body}"


def _channels_html(guide: ProcedureGuide) -> str:
    rows = [
        (_("Apply"), format_channels(guide.channels)),
        (_("Post carries the dossier"), yes_no_text(guide.post_dossier)),
        (_("Post delivers the result home"), yes_no_text(guide.post_result)),
    ]
    table = "".join(
        f"<tr><td style='padding-right: 10px;'>{_e(label)}:</td><td><b>{_e(value)}</b></td></tr>"
        for label, value in rows
    )
    out = f"<table cellspacing='0' cellpadding='2'>{table}</table>"
    if guide.requires_in_person:
        out += "<p class='warn'>" + _e(
            _("The applicant must come in person: this dossier cannot be sent by post.")
        ) + "</p>"
    return out


def _components_html(guide: ProcedureGuide) -> str:
    if not guide.components:
        return "<p>" + _e(_("No documents are listed for this procedure.")) + "</p>"
    required_label = _("Required")
    document, counts = _("Document"), (_("Original"), _("Certified copy"), _("Plain copy"))
    head = (
        f"<tr><th width='44%'>{_e(document)}</th>"
        + "".join(
            f"<th class='n' width='{width}%'>{_e(label)}</th>"
            for label, width in zip(counts, (12, 17, 12), strict=True)
        )
        + f"<th class='n' width='15%'>{_e(required_label)}</th></tr>"
    )
    rows: list[str] = []
    for c in guide.components:
        note = f"<br><span class='small muted'>{_e(c.note)}</span>" if c.note else ""
        required = _("Required") if c.required else _("Optional")
        style = "" if c.required else " class='muted'"
        rows.append(
            f"<tr><td{style}>{_e(c.name)}{note}</td>"
            f"<td class='n'>{_count(c.originals)}</td>"
            f"<td class='n'>{_count(c.certified_copies)}</td>"
            f"<td class='n'>{_count(c.photocopies)}</td>"
            f"<td class='n'>{_e(required)}</td></tr>"
        )
    return (
        "<table width='100%' border='1' cellspacing='0' cellpadding='4' "
        "style='border-color: #b8c4d0; border-style: solid;'>"
        f"{head}{''.join(rows)}</table>"
    )


def _count(n: int) -> str:
    return str(n) if n else "–"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fees_html(guide: ProcedureGuide) -> str:
    if not guide.fees:
        return "<p><b>" + _e(_("No fee or charge.")) + "</b></p>"
    rows = "".join(
        f"<tr><td>{_e(f.name)}"
        + (f"<br><span class='small muted'>{_e(f.note)}</span>" if f.note else "")
        + (f"<br><span class='small'>{_e(_sentence(format_fee_due(f.due)))}</span>" if f.amount else "")
        + f"</td><td>{_e(format_fee_kind(f.kind))}</td>"
        f"<td align='right'>{_e(format_money(f.amount))}</td></tr>"
        for f in guide.fees
    )
    total_label = _("Total")
    total = (
        f"<tr><td colspan='2' class='total'>{_e(total_label)}</td>"
        f"<td align='right' class='total'>{_e(format_money(guide.total_fee))}</td></tr>"
    )
    return (
        "<table width='100%' border='1' cellspacing='0' cellpadding='4' "
        "style='border-color: #b8c4d0; border-style: solid;'>"
        f"{rows}{total}</table>"
    )
