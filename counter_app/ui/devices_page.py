"""The Devices screen (administrators): this PC's printers, scanner and boards, and its print jobs.

Three tabs: the roles of this PC (ticket, receipt and office printer, scanner, board of counter N)
with the device of each, its status as its driver reports it, and a Test button; what the PC can
see (serial ports, USB devices, the system's printers) and the form that assigns a device to a
role; office printing (printer, paper and copies per kind of document); and the print jobs of
this PC (pending, printing, done, failed with the reason) with Reprint and Cancel.

Everything that touches a device or the store runs off the GUI thread (``run_in_background``);
statuses reported on the drivers' threads arrive through a queued signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.device_admin import (
    MAX_COPIES,
    OFFICE_KINDS,
    PAPER_SIZES,
    OfficeChoice,
    TestOutcome,
    office_choice,
    role_text,
    status_text,
)
from counter_app.services.devices import FIXED_ROLES, MAX_BOARDS, DeviceStatus
from counter_app.services.formatting import format_datetime
from counter_app.services.i18n import N_, _, describe_error
from counter_app.services.print_jobs import PrintJobRecord, PrintJobStatus, job_reason_text
from counter_app.ui.navigation import CounterContext, CounterPage
from counter_app.ui.office_printer import system_printer_names
from counter_app.ui.tasks import run_in_background
from counter_app.ui.widgets import StatusLine, desk_of

_log = logging.getLogger(__name__)

SCANNER_TEST_SECONDS = 15.0
JOB_STATE_WORDS = {
    PrintJobStatus.OWED: N_("pending"),
    PrintJobStatus.FAILED: N_("failed"),
    PrintJobStatus.PRINTED: N_("done"),
    PrintJobStatus.CANCELLED: N_("cancelled"),
}
BOARD = "board"


def job_state_text(job: PrintJobRecord, printing: frozenset[str]) -> str:
    if job.id in printing and job.owed:
        return _("printing")
    return _(JOB_STATE_WORDS.get(job.status, N_("pending")))


class _StatusBridge(QObject):
    sig_status = Signal(object)


def _item(text: str, tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    item.setToolTip(tooltip or text)
    return item


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


class DevicesPage(CounterPage):
    """The administrator's Devices screen over ``services.device_admin()`` and ``services.printing``."""

    page_name = "devices"
    sig_tested = Signal(object)  # TestOutcome, once a Test button's test is over (tests wait on it)
    sig_refreshed = Signal()  # the roles, found devices or jobs were read again

    def __init__(self, context: CounterContext, parent: QWidget | None = None, *, admin: Any = None) -> None:
        super().__init__(context, parent)
        services = context.services
        make_admin = getattr(services, "device_admin", None)
        self.admin = admin if admin is not None else (make_admin() if callable(make_admin) else None)
        self.printing = getattr(services, "printing", None)
        self._board = getattr(services, "device_board", None)
        self._statuses: dict[str, DeviceStatus] = dict(self._board.statuses()) if self._board is not None else {}
        self._jobs: list[PrintJobRecord] = []
        self._stop_listening: Callable[[], None] | None = None
        self.status_line = StatusLine()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_roles_tab(), _("Devices of this PC"))
        self.tabs.addTab(self._build_office_tab(), _("Office printing"))
        self.tabs.addTab(self._build_jobs_tab(), _("Print jobs"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status_line)
        self._listen()
        if self.admin is None:
            self.status_line.show_message(_("Devices cannot be set on this PC (no settings file)."), "error")

    def page_title(self) -> str:
        return _("Devices")

    def page_shown(self) -> None:
        self.refresh()

    # -- builders --------------------------------------------------------------------------------

    def _build_roles_tab(self) -> QWidget:
        tab = QWidget()
        self.roles_table = _table("deviceRoles", [_("Role"), _("Device"), _("Model or protocol"), _("Status"), ""])
        self.found_table = _table("foundDevices", [_("Kind"), _("Address"), _("Description")])
        self.found_table.itemSelectionChanged.connect(self._on_found_selected)
        self.found_notes = QLabel()
        self.found_notes.setWordWrap(True)
        self.discover_button = QPushButton(_("Look for devices again"))
        self.discover_button.clicked.connect(self.discover)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.roles_table, 2)
        layout.addWidget(self._build_assign_form())
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Seen by this PC:")))
        row.addStretch(1)
        row.addWidget(self.discover_button)
        layout.addLayout(row)
        layout.addWidget(self.found_table, 2)
        layout.addWidget(self.found_notes)
        return tab

    def _build_assign_form(self) -> QWidget:
        box = QWidget()
        form = QFormLayout(box)
        self.role_combo = QComboBox()
        for role in FIXED_ROLES:
            self.role_combo.addItem(role_text(role), role)
        self.role_combo.addItem(_("Board of a counter"), BOARD)
        self.board_number = QSpinBox()
        self.board_number.setRange(1, MAX_BOARDS)
        self.role_combo.currentIndexChanged.connect(self._on_role_changed)
        self.uri_edit = QLineEdit()
        self.uri_edit.setPlaceholderText("serial:///dev/ttyUSB0?baud=115200, tcp://192.168.1.50:9100, system://…")
        self.profile_edit = QLineEdit()
        self.profile_edit.setPlaceholderText("TM-T20II")
        self.protocol_edit = QLineEdit()
        self.protocol_edit.setPlaceholderText("ascii-line, sum-frame, cd5220")
        self.address_spin = QSpinBox()
        self.address_spin.setRange(-1, 255)
        self.address_spin.setSpecialValueText("—")
        self.address_spin.setValue(-1)
        self.assign_button = QPushButton(_("Assign"))
        self.assign_button.clicked.connect(self.assign)
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.clicked.connect(self.remove)
        role_row = QHBoxLayout()
        role_row.addWidget(self.role_combo, 1)
        role_row.addWidget(self.board_number)
        buttons = QHBoxLayout()
        buttons.addWidget(self.assign_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        form.addRow(_("Role"), role_row)
        form.addRow(_("Device address"), self.uri_edit)
        form.addRow(_("Printer model"), self.profile_edit)
        form.addRow(_("Board protocol"), self.protocol_edit)
        form.addRow(_("Board address"), self.address_spin)
        form.addRow("", buttons)
        self._on_role_changed()
        return box

    def _build_office_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.office_kind = QComboBox()
        for kind, words in OFFICE_KINDS.items():
            self.office_kind.addItem(_(words), kind)
        self.office_kind.currentIndexChanged.connect(self._load_office_choice)
        self.office_printer = QComboBox()
        self.office_printer.addItem(_("The office printer of this PC"), None)
        for name in system_printer_names():
            self.office_printer.addItem(name, name)
        self.office_paper = QComboBox()
        for paper in PAPER_SIZES:
            self.office_paper.addItem(paper, paper)
        self.office_copies = QSpinBox()
        self.office_copies.setRange(1, MAX_COPIES)
        self.office_save = QPushButton(_("Keep for this kind of document"))
        self.office_save.clicked.connect(self.save_office_choice)
        form.addRow(_("Document"), self.office_kind)
        form.addRow(_("Printer"), self.office_printer)
        form.addRow(_("Paper"), self.office_paper)
        form.addRow(_("Copies"), self.office_copies)
        form.addRow("", self.office_save)
        self._load_office_choice()
        return tab

    def _build_jobs_tab(self) -> QWidget:
        tab = QWidget()
        self.jobs_table = _table("printJobs", [_("Made at"), _("Document"), _("Number"), _("State"), _("Tries"),
                                               _("Reason")])
        self.reprint_button = QPushButton(_("Reprint"))
        self.reprint_button.clicked.connect(self.reprint_selected)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.jobs_refresh = QPushButton(_("Refresh"))
        self.jobs_refresh.clicked.connect(self.refresh_jobs)
        buttons = QHBoxLayout()
        for button in (self.reprint_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.jobs_refresh)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.jobs_table, 1)
        layout.addLayout(buttons)
        return tab

    # -- statuses ----------------------------------------------------------------------------------

    def _listen(self) -> None:
        if self._board is None:
            return
        bridge = _StatusBridge(self)
        bridge.sig_status.connect(self._on_status, Qt.ConnectionType.QueuedConnection)
        stop: Callable[[], None] | None = None

        def heard(status: DeviceStatus) -> None:  # a driver's thread
            try:
                bridge.sig_status.emit(status)
            except RuntimeError:  # the page is gone
                if stop is not None:
                    stop()

        stop = self._board.listen(heard)
        self._stop_listening = stop
        self.destroyed.connect(lambda *_: stop())

    def _on_status(self, status: object) -> None:
        if isinstance(status, DeviceStatus):
            self._statuses[status.role] = status
            self._show_status(status.role)

    def _show_status(self, role: str) -> None:
        for row in range(self.roles_table.rowCount()):
            item = self.roles_table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == role:
                self.roles_table.setItem(row, 3, _item(status_text(self._statuses.get(role))))

    # -- the roles ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the roles from the settings and the print jobs again."""
        if self.admin is not None:
            run_in_background(self.admin.configured, self._on_configured, self._on_failed, owner=self, name="devices")
            if self.found_table.rowCount() == 0:
                self.discover()
        self.refresh_jobs()

    def _on_configured(self, configured: object) -> None:
        rows = {c.role: c for c in configured}  # type: ignore[attr-defined]
        roles = [*FIXED_ROLES, *(r for r in rows if r not in FIXED_ROLES)]
        self.roles_table.setRowCount(len(roles))
        self._test_buttons: dict[str, QPushButton] = {}
        for row, role in enumerate(roles):
            c = rows.get(role)
            first = _item(role_text(role), role)
            first.setData(Qt.ItemDataRole.UserRole, role)
            self.roles_table.setItem(row, 0, first)
            device = c.uri if c is not None and c.assignment is not None else ""
            problem = describe_error(c.problem) if c is not None and c.problem is not None else ""
            self.roles_table.setItem(row, 1, _item(device or problem or "—"))
            a = c.assignment if c is not None else None
            extra = " ".join(filter(None, (a.profile, a.protocol, None if a.address is None else f"#{a.address}"))) if a else ""
            self.roles_table.setItem(row, 2, _item(extra))
            self.roles_table.setItem(row, 3, _item(status_text(self._statuses.get(role)) if a else _("not set")))
            button = QPushButton(_("Test"))
            button.setObjectName(f"test_{role}")
            button.setEnabled(a is not None)
            button.clicked.connect(lambda _checked=False, r=role: self.test_role(r))
            self.roles_table.setCellWidget(row, 4, button)
            self._test_buttons[role] = button
        self.roles_table.resizeColumnsToContents()
        self.sig_refreshed.emit()

    def test_button(self, role: str) -> QPushButton | None:
        return getattr(self, "_test_buttons", {}).get(role)

    def test_role(self, role: str) -> None:
        if self.admin is None:
            return
        self.status_line.show_message(_("Testing {role}…").format(role=role_text(role)), "info")
        button = self.test_button(role)
        if button is not None:
            button.setEnabled(False)
        timeout = SCANNER_TEST_SECONDS if role == "scanner" else None
        admin = self.admin
        run_in_background(lambda: admin.test(role, timeout=timeout), self._on_tested, self._on_failed,
                          owner=self, name=f"test {role}")

    def _on_tested(self, outcome: object) -> None:
        if not isinstance(outcome, TestOutcome):
            return
        button = self.test_button(outcome.role)
        if button is not None:
            button.setEnabled(True)
        role = role_text(outcome.role)
        if outcome.ok:
            if outcome.role == "scanner":
                words = _("{role}: read {code}").format(role=role, code=outcome.shown)
            elif outcome.role.startswith("board-"):
                words = _("{role} shows {number}").format(role=role, number=outcome.shown)
            else:
                words = _("{role}: the test went through").format(role=role)
            self.status_line.show_message(words, "ok")
        else:
            reason = describe_error(outcome.error) if outcome.error is not None else status_text(outcome.status)
            self.status_line.show_message(_("{role}: {reason}").format(role=role, reason=reason), "error")
        if outcome.status is not None:
            self._on_status(outcome.status)
        self.sig_tested.emit(outcome)

    def _chosen_role(self) -> str:
        role = self.role_combo.currentData()
        return f"board-{self.board_number.value()}" if role == BOARD else str(role)

    def _on_role_changed(self, *_args: object) -> None:
        board = self.role_combo.currentData() == BOARD
        self.board_number.setVisible(board)
        self.protocol_edit.setEnabled(board)
        self.address_spin.setEnabled(board)
        self.profile_edit.setEnabled(self.role_combo.currentData() in ("ticket-printer", "receipt-printer"))

    def _on_found_selected(self) -> None:
        rows = self.found_table.selectionModel().selectedRows()
        if rows:
            item = self.found_table.item(rows[0].row(), 1)
            if item is not None:
                self.uri_edit.setText(item.text())

    def assign(self) -> None:
        if self.admin is None:
            return
        role, uri = self._chosen_role(), self.uri_edit.text()
        profile = self.profile_edit.text() if self.profile_edit.isEnabled() else None
        protocol = self.protocol_edit.text() if self.protocol_edit.isEnabled() else None
        address = self.address_spin.value() if self.address_spin.isEnabled() and self.address_spin.value() >= 0 else None
        admin = self.admin

        def assign_and_start() -> tuple[Any, bool]:  # the role's driver starts again with the new device
            assignment = admin.assign(role, uri, profile=profile, protocol=protocol, address=address)
            return assignment, admin.apply(assignment.role.name)

        run_in_background(assign_and_start, self._on_assigned, self._on_failed, owner=self, name="assign device")

    def _on_assigned(self, result: object) -> None:
        assignment, applied = result  # type: ignore[misc]
        role = getattr(assignment, "role", None)
        words = (_("{role} is now {uri}, in use now.") if applied
                 else _("{role} is now {uri}; it is used from the next start of the program."))
        self.status_line.show_message(words.format(role=role_text(str(role)), uri=getattr(assignment, "uri", "")),
                                      "ok")
        self.refresh()

    def remove(self) -> None:
        if self.admin is None:
            return
        role, admin = self._chosen_role(), self.admin

        def remove_and_stop() -> bool:
            removed = admin.remove(role)
            if removed:
                admin.apply(role)  # its driver stops (nothing is set for the role now)
            return removed

        run_in_background(remove_and_stop, lambda removed: self._on_removed(role, removed), self._on_failed,
                          owner=self, name="remove device")

    def _on_removed(self, role: str, removed: object) -> None:
        words = _("{role} has no device now.") if removed else _("{role} had no device.")
        self.status_line.show_message(words.format(role=role_text(role)), "ok" if removed else "info")
        self.refresh()

    def discover(self) -> None:
        if self.admin is None:
            return
        self.discover_button.setEnabled(False)
        run_in_background(self.admin.discover, self._on_discovered, self._on_failed, owner=self, name="discover")

    def _on_discovered(self, discovery: object) -> None:
        self.discover_button.setEnabled(True)
        found = discovery.all()  # type: ignore[attr-defined]
        kinds = {"serial": _("Serial port"), "usb": _("USB device"), "printer": _("Printer of this computer")}
        self.found_table.setRowCount(len(found))
        for row, device in enumerate(found):
            self.found_table.setItem(row, 0, _item(kinds.get(device.kind, device.kind)))
            self.found_table.setItem(row, 1, _item(device.uri))
            self.found_table.setItem(row, 2, _item(device.detail))
        self.found_table.resizeColumnsToContents()
        notes = [describe_error(n) for n in discovery.notes]  # type: ignore[attr-defined]
        self.found_notes.setText("\n".join(notes))
        self.sig_refreshed.emit()

    def _on_failed(self, error: BaseException) -> None:
        self.discover_button.setEnabled(True)
        self.status_line.show_message(describe_error(error), "error")

    # -- office printing -----------------------------------------------------------------------------

    def _load_office_choice(self, *_args: object) -> None:
        if self.admin is None:
            return
        choice = office_choice(self.admin.settings(), str(self.office_kind.currentData()))
        index = self.office_printer.findData(choice.printer) if choice.printer else 0
        if index < 0:  # a printer kept earlier that this computer no longer has: shown, still chosen
            self.office_printer.addItem(str(choice.printer), choice.printer)
            index = self.office_printer.count() - 1
        self.office_printer.setCurrentIndex(index)
        self.office_paper.setCurrentIndex(max(0, self.office_paper.findData(choice.paper)))
        self.office_copies.setValue(choice.copies)

    def save_office_choice(self) -> None:
        if self.admin is None:
            return
        kind = str(self.office_kind.currentData())
        choice = OfficeChoice(self.office_printer.currentData(), str(self.office_paper.currentData()),
                              self.office_copies.value())
        try:
            self.admin.save_office_choice(kind, choice)
        except Exception as exc:  # a settings file that cannot be written: said, logged
            _log.exception("office printing of %s could not be kept", kind)
            self.status_line.show_message(describe_error(exc), "error")
            return
        self.status_line.show_message(_("{document}: kept for this PC.").format(
            document=self.office_kind.currentText()), "ok")

    # -- print jobs ------------------------------------------------------------------------------------

    def refresh_jobs(self) -> None:
        printing = self.printing
        if printing is None:
            return
        run_in_background(lambda: (printing.recent_jobs(), printing.printing_now()), self._on_jobs, self._on_failed,
                          owner=self, name="print jobs")

    def _on_jobs(self, result: object) -> None:
        jobs, busy = result  # type: ignore[misc]
        self._jobs = list(jobs)
        self.jobs_table.setRowCount(len(self._jobs))
        for row, job in enumerate(self._jobs):
            kind_words = OFFICE_KINDS.get(job.kind.value)
            cells = (format_datetime(job.created_at), _(kind_words) if kind_words else job.kind.value, job.key,
                     job_state_text(job, busy), str(job.attempts), job_reason_text(job))
            for column, text in enumerate(cells):
                self.jobs_table.setItem(row, column, _item(text))
        self.jobs_table.resizeColumnsToContents()
        self.sig_refreshed.emit()

    def selected_job(self) -> PrintJobRecord | None:
        rows = self.jobs_table.selectionModel().selectedRows()
        return self._jobs[rows[0].row()] if rows and rows[0].row() < len(self._jobs) else None

    def reprint_selected(self) -> None:
        job, printing = self.selected_job(), self.printing
        if job is None or printing is None:
            return
        desk = desk_of(self.context)

        def reprint() -> Any:
            return printing.work_off(job, desk) if job.owed else printing.print(job.kind, job.key, desk)

        run_in_background(reprint, self._on_reprinted, self._on_failed, owner=self, name="reprint")

    def _on_reprinted(self, outcome: object) -> None:
        ok = bool(getattr(outcome, "ok", False))
        self.status_line.show_message(_("Printed.") if ok else _("Not printed: the job stays in the list with the "
                                                                 "reason."), "ok" if ok else "error")
        self.refresh_jobs()

    def cancel_selected(self) -> None:
        job, printing = self.selected_job(), self.printing
        if job is None or printing is None:
            return
        run_in_background(lambda: printing.cancel(job, reason="cancelled on the Devices screen",
                                                  code="print.cancelled_on_devices_screen"),
                          lambda done: self._on_cancelled(bool(done)), self._on_failed, owner=self, name="cancel job")

    def _on_cancelled(self, done: bool) -> None:
        self.status_line.show_message(_("Cancelled: it will not be printed.") if done
                                      else _("That job was already settled."), "ok" if done else "info")
        self.refresh_jobs()
