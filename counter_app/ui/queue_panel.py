"""The counter's queue panel (a dock of the counter window): call, recall, serve, transfer, with F-keys."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.i18n import N_, _
from counter_app.services.permissions import Permission, allows
from counter_app.services.queue_port import (
    CallView,
    LineView,
    Priority,
    QueueService,
    TicketStatus,
    TicketView,
)
from counter_app.services.read_models import CounterView, StaffSession
from counter_app.ui.queue_common import (
    QueueEvents,
    clock_text,
    error_text,
    minutes_text,
    priority_text,
    queue_events,
    queue_of,
    status_text,
)
from counter_app.ui.tasks import run_in_background
from counter_app.ui.theme import set_tone

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from counter_app.ui.navigation import CounterContext

_log = logging.getLogger(__name__)
_AnyIndex = QModelIndex | QPersistentModelIndex

LINES_REFRESH_MS = 5_000

_STYLE = """
QFrame#currentTicket { background: #ffffff; border: 1px solid #cfd8e3; border-radius: 8px; }
QFrame#currentTicket[tone="ok"] { background: #fff7d6; border: 2px solid #e0a100; }
QFrame#currentTicket[tone="info"] { background: #e6f4ea; border: 2px solid #1b6e2d; }
QLabel#currentNumber { font-size: 40pt; font-weight: bold; color: #0b3d91; }
QLabel#currentStatus { font-size: 13pt; font-weight: bold; color: #12263f; }
QLabel#currentLine { color: #3d4b5c; }
QLabel#queueMessage { font-size: 12pt; }
QLabel#waitingTotal { font-size: 13pt; font-weight: bold; color: #12263f; }
QLabel#waitingTotal[tone="ok"] { color: #1b6e2d; }
QPushButton#queueAction { padding: 4px 4px; font-weight: bold; }
QPushButton#queueCall { padding: 10px 6px; font-size: 13pt; font-weight: bold; background: #0b5cad;
    color: #ffffff; border: 1px solid #084a8c; border-radius: 4px; }
QPushButton#queueCall:disabled { background: #a9bccf; border-color: #a9bccf; color: #f3f5f8; }
"""


@dataclass(frozen=True, slots=True)
class QueueCommand:
    """One action of the panel: its words, its key, and when it makes sense."""

    key: str
    words: str  # msgid
    shortcut: str


COMMANDS: tuple[QueueCommand, ...] = (
    QueueCommand("call_next", N_("Call next"), "F5"),
    QueueCommand("call_number", N_("Call a number…"), "Shift+F5"),
    QueueCommand("recall", N_("Call again"), "F6"),
    QueueCommand("start", N_("Start service"), "F7"),
    QueueCommand("finish", N_("Finish service"), "F8"),
    QueueCommand("no_show", N_("No-show"), "F9"),
    QueueCommand("reactivate", N_("Bring back a no-show…"), "Shift+F9"),
    QueueCommand("transfer", N_("Transfer…"), "F11"),
    QueueCommand("walk_in", N_("Walk-in…"), "F12"),
    QueueCommand("pause", N_("Pause the counter"), "Ctrl+F12"),
    QueueCommand("kpis", N_("Queue figures"), "Ctrl+Shift+K"),
)


def button_text(words: str, shortcut: str) -> str:
    """A panel button: what it does, and under it the key that does it too."""
    return f"{words}\n{shortcut}"


class LineTableModel(QAbstractTableModel):
    """Waiting counts per line, in the order the queue lists the lines."""

    LINE, WAITING, AVERAGE = range(3)
    _HEADERS = (N_("Service line"), N_("Waiting count"), N_("Average wait"))

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[LineView] = []

    def set_lines(self, lines: Sequence[LineView]) -> None:
        if [(r.id, r.waiting, r.average_wait_minutes) for r in self._rows] == [
            (r.id, r.waiting, r.average_wait_minutes) for r in lines
        ]:
            return
        self.beginResetModel()
        self._rows = list(lines)
        self.endResetModel()

    def lines(self) -> list[LineView]:
        return list(self._rows)

    def total_waiting(self) -> int:
        return sum(r.waiting for r in self._rows)

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self._HEADERS[section])
        return None

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        line = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.LINE:
                return f"{line.code} · {line.name}"
            if column == self.WAITING:
                return str(line.waiting)
            if column == self.AVERAGE:
                return minutes_text(line.average_wait_minutes) if line.waiting else "—"
        elif role == Qt.ItemDataRole.TextAlignmentRole and column != self.LINE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == Qt.ItemDataRole.ToolTipRole:
            average = minutes_text(line.average_wait_minutes) if line.waiting else "—"
            return f"{line.group}\n{line.name}\n{_('Average wait')}: {average}"
        return None


class NumberDialog(QDialog):
    """Ask for a ticket number ("A012")."""

    def __init__(
        self, title: str, prompt: str, accept: str, number: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.number_edit = QLineEdit(number)
        self.number_edit.setObjectName("ticketNumberEdit")
        self.number_edit.setMaxLength(10)
        self.number_edit.selectAll()
        label = QLabel(prompt)
        label.setWordWrap(True)
        buttons = QDialogButtonBox()
        buttons.addButton(accept, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.number_edit)
        layout.addWidget(buttons)

    def number(self) -> str:
        return self.number_edit.text().strip().upper()


class TransferDialog(QDialog):
    """Where the ticket goes: another line, or another counter (the ticket waits for that counter)."""

    def __init__(
        self,
        lines: Sequence[LineView],
        counters: Sequence[CounterView],
        *,
        lines_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Walk-in") if lines_only else _("Transfer the ticket"))
        self.line_radio = QRadioButton(_("To the line"))
        self.counter_radio = QRadioButton(_("To the counter"))
        self.line_combo = QComboBox()
        for line in lines:
            self.line_combo.addItem(f"{line.code} · {line.name}", line.id)
        self.counter_combo = QComboBox()
        for counter in counters:
            self.counter_combo.addItem(_("Counter {number}").format(number=counter.number), counter.id)
        self.line_radio.setChecked(True)
        form = QFormLayout()
        if lines_only:
            form.addRow(_("Line:"), self.line_combo)
        else:
            form.addRow(self.line_radio, self.line_combo)
            form.addRow(self.counter_radio, self.counter_combo)
            self.counter_radio.setEnabled(self.counter_combo.count() > 0)
        buttons = QDialogButtonBox()
        buttons.addButton(_("Serve now") if lines_only else _("Transfer the ticket"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def target(self) -> tuple[str | None, str | None]:
        """(line id, counter id): one of them."""
        if self.counter_radio.isChecked():
            return None, self.counter_combo.currentData()
        return self.line_combo.currentData(), None


class QueuePanel(QWidget):
    """The queue at one counter. Every action runs off the GUI thread; one at a time."""

    sig_ticket_changed = Signal(object)  # TicketView | None: the ticket at this counter now
    sig_finished = Signal(object)  # TicketView that was served (linked dossier code inside)
    sig_message = Signal(str)  # what the panel just told the staff member

    def __init__(
        self,
        queue: QueueService,
        session: StaffSession,
        counter: CounterView,
        *,
        counters: Callable[[], list[CounterView]] | None = None,
        events: QueueEvents | None = None,
        refresh_ms: int = LINES_REFRESH_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("queuePanel")
        self._queue = queue
        self._session = session
        self._counter = counter
        self._load_counters = counters
        self._events = events if events is not None else queue_events()
        self._current: TicketView | None = None
        self._busy = False
        self._paused = False
        self._refreshing = False
        self._last_no_show = ""
        self._kpi_dialog: QDialog | None = None
        self._other_counters: list[CounterView] = []

        self._build_current_ticket()
        self._build_actions(session)
        grid = self._build_action_grid()
        self._build_waiting()
        self._lay_out(grid)
        self._start_refreshing(refresh_ms)

        self._show_ticket(None)
        self._update_waiting()
        self._restore()

    # -- builders (called once, in this order, by __init__) ------------------------------------------

    def _build_current_ticket(self) -> None:
        self.ticket_frame = QFrame()
        self.ticket_frame.setObjectName("currentTicket")
        self.number_label = QLabel("—")
        self.number_label.setObjectName("currentNumber")
        self.number_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label = QLabel(_("No number called yet"))
        self.status_label.setObjectName("currentStatus")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label.setWordWrap(True)
        self.line_label = QLabel()
        self.line_label.setObjectName("currentLine")
        self.line_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.line_label.setWordWrap(True)
        ticket_layout = QVBoxLayout(self.ticket_frame)
        ticket_layout.setContentsMargins(10, 6, 10, 8)
        ticket_layout.setSpacing(2)
        ticket_layout.addWidget(self.number_label)
        ticket_layout.addWidget(self.status_label)
        ticket_layout.addWidget(self.line_label)

        self.message_label = QLabel()
        self.message_label.setObjectName("queueMessage")
        self.message_label.setWordWrap(True)
        self.message_label.hide()


    def _build_actions(self, session: StaffSession) -> None:
        self.actions_by_key: dict[str, QAction] = {}
        self.buttons: dict[str, QPushButton] = {}
        handlers: dict[str, Callable[[], None]] = {
            "call_next": self.call_next,
            "call_number": self._on_call_number_triggered,
            "recall": self.recall,
            "start": self.start_service,
            "finish": self.finish_service,
            "no_show": self.no_show,
            "reactivate": self._on_reactivate_triggered,
            "transfer": self._on_transfer_triggered,
            "walk_in": self._on_walk_in_triggered,
            "pause": self._on_pause_triggered,
            "kpis": self.open_kpis,
        }
        for command in COMMANDS:
            action = QAction(_(command.words), self)
            action.setShortcut(QKeySequence(command.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, h=handlers[command.key]: h())
            self.addAction(action)
            self.actions_by_key[command.key] = action
            button = QPushButton(button_text(_(command.words), command.shortcut))
            button.setObjectName("queueCall" if command.key == "call_next" else "queueAction")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _checked=False, h=handlers[command.key]: h())
            self.buttons[command.key] = button
        sees_kpis = allows(session.role, Permission.SEE_QUEUE_KPIS)  # hidden; the service checks it
        self.actions_by_key["kpis"].setEnabled(sees_kpis)
        self.buttons["kpis"].setVisible(sees_kpis)


    def _build_action_grid(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setSpacing(6)
        grid.addWidget(self.buttons["call_next"], 0, 0, 1, 2)
        layout_order = ("recall", "call_number", "start", "finish", "no_show", "reactivate",
                        "transfer", "walk_in", "pause", "kpis")
        for i, key in enumerate(layout_order):
            grid.addWidget(self.buttons[key], 1 + i // 2, i % 2)
        return grid

    def _build_waiting(self) -> None:
        self.waiting_label = QLabel()
        self.waiting_label.setObjectName("waitingTotal")
        self.model = LineTableModel()
        self.table = QTableView()
        self.table.setObjectName("lineTable")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(LineTableModel.LINE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(LineTableModel.WAITING, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnHidden(LineTableModel.AVERAGE, True)  # narrow dock: the average is in the tooltip


    def _lay_out(self, grid: QGridLayout) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(self.ticket_frame)
        layout.addWidget(self.message_label)
        layout.addLayout(grid)
        layout.addWidget(self.waiting_label)
        layout.addWidget(self.table, 1)
        self.setStyleSheet(_STYLE)

    def _start_refreshing(self, refresh_ms: int) -> None:
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(refresh_ms)
        self._refresh_timer.timeout.connect(self._on_refresh_timer_timeout)
        self._refresh_timer.start()
        self._events.sig_changed.connect(self._on_events_changed)

    # -- what the dossier pages, tests and the window use ----------------------------------------

    def current_ticket(self) -> TicketView | None:
        """The ticket called to or served at this counter (None when the counter is free)."""
        return self._current

    def is_busy(self) -> bool:
        return self._busy

    def is_paused(self) -> bool:
        return self._paused

    def refresh(self) -> None:
        """Fetch the waiting counts per line (off the GUI thread)."""
        if self._refreshing:
            return
        self._refreshing = True
        queue, centre_id = self._queue, self._session.centre_id
        run_in_background(
            lambda: queue.lines(centre_id), self._on_lines_loaded, self._on_lines_failed,
            owner=self, name="queue-lines",
        )

    def call_next(self) -> None:
        if self._refuse("call_next"):
            return
        queue, counter_id, staff_id = self._queue, self._counter.id, self._session.staff_id
        self._run("call-next", lambda: queue.call_next(counter_id, staff_id), self._on_called)

    def call_number(self, number: str) -> None:
        number = number.strip().upper()
        if not number or self._refuse("call_number"):
            return
        queue, counter_id, staff_id = self._queue, self._counter.id, self._session.staff_id
        self._run("call-number", lambda: queue.call_number(counter_id, staff_id, number), self._on_called)

    def recall(self) -> None:
        if self._refuse("recall"):
            return
        queue, counter_id, staff_id = self._queue, self._counter.id, self._session.staff_id
        self._run("recall", lambda: queue.recall(counter_id, staff_id), self._on_recalled)

    def start_service(self) -> None:
        if self._refuse("start"):
            return
        queue, counter_id, staff_id = self._queue, self._counter.id, self._session.staff_id
        self._run("start-service", lambda: queue.start_service(counter_id, staff_id), self._on_started)

    def finish_service(self, dossier_code: str = "") -> None:
        """End the service; ``dossier_code`` links the ticket to the dossier received or returned."""
        current = self._current
        if self._refuse("finish") or current is None:
            return
        queue, counter_id, staff_id = self._queue, self._counter.id, self._session.staff_id
        # One operation also when Start was skipped: the service starts and finishes in one transaction.
        self._run("finish-service", lambda: queue.finish_service(counter_id, staff_id, dossier_code=dossier_code),
                  self._on_finished)

    def no_show(self) -> None:
        if self._refuse("no_show"):
            return
        queue, counter_id, staff_id = self._queue, self._counter.id, self._session.staff_id
        self._run("no-show", lambda: queue.no_show(counter_id, staff_id), self._on_no_show)

    def reactivate(self, number: str) -> None:
        number = number.strip().upper()
        if not number or self._refuse("reactivate"):
            return
        queue, counter_id, staff_id = self._queue, self._counter.id, self._session.staff_id
        self._run("reactivate", lambda: queue.reactivate(number, counter_id, staff_id), self._on_called)

    def transfer(self, *, to_line_id: str | None = None, to_counter_id: str | None = None) -> None:
        if (to_line_id is None) == (to_counter_id is None) or self._refuse("transfer"):
            return
        queue, counter_id, staff_id = self._queue, self._counter.id, self._session.staff_id
        self._run(
            "transfer",
            lambda: queue.transfer(counter_id, staff_id, to_line_id=to_line_id, to_counter_id=to_counter_id),
            self._on_transferred,
        )

    def walk_in(self, line_id: str) -> None:
        if self._refuse("walk_in"):
            return
        queue, counter_id, staff_id = self._queue, self._counter.id, self._session.staff_id
        self._run("walk-in", lambda: queue.walk_in(counter_id, staff_id, line_id), self._on_walked_in)

    def set_paused(self, paused: bool) -> None:
        if self._busy or paused == self._paused:
            return
        queue, counter_id, staff_id = self._queue, self._counter.id, self._session.staff_id
        self._run(
            "pause", lambda: queue.pause_counter(counter_id, staff_id, paused),
            lambda _result: self._on_paused(paused),
        )

    def open_kpis(self) -> None:
        """The supervisor's live figures of the centre's queue (roles with Permission.SEE_QUEUE_KPIS)."""
        if not allows(self._session.role, Permission.SEE_QUEUE_KPIS):
            return
        from counter_app.ui.kpi_panel import KpiDialog

        if self._kpi_dialog is None:
            self._kpi_dialog = KpiDialog(self._queue, self._session.centre_id, self._session.staff_id,
                                         parent=self.window())
        self._kpi_dialog.show()
        self._kpi_dialog.raise_()
        self._kpi_dialog.activateWindow()

    def enabled_commands(self) -> set[str]:
        return {key for key, button in self.buttons.items() if button.isEnabled() and button.isVisibleTo(self)}

    # -- slots of the actions ----------------------------------------------------------------------

    def _on_call_number_triggered(self) -> None:
        if self._refuse("call_number"):
            return
        dialog = NumberDialog(
            _("Call a number"), _("Number to call to this counter:"), _("Call this number"), parent=self
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.call_number(dialog.number())

    def _on_reactivate_triggered(self) -> None:
        if self._refuse("reactivate"):
            return
        dialog = NumberDialog(
            _("Bring back a no-show"), _("Number that was marked as a no-show:"), _("Call this number"),
            self._last_no_show, self,
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reactivate(dialog.number())

    def _on_transfer_triggered(self) -> None:
        if self._refuse("transfer"):
            return
        dialog = TransferDialog(self.model.lines(), self._other_counters, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            line_id, counter_id = dialog.target()
            self.transfer(to_line_id=line_id, to_counter_id=counter_id)

    def _on_walk_in_triggered(self) -> None:
        if self._refuse("walk_in"):
            return
        dialog = TransferDialog(self.model.lines(), [], lines_only=True, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            line_id, _counter_id = dialog.target()
            if line_id is not None:
                self.walk_in(line_id)

    def _on_pause_triggered(self) -> None:
        self.set_paused(not self._paused)

    # -- results -------------------------------------------------------------------------------

    def _on_called(self, ticket: object) -> None:
        if ticket is None:
            self._show_ticket(None)
            self.status_label.setText(_("No one is waiting"))
            set_tone(self.ticket_frame, "")
            self._say(_("No one is waiting. Numbers taken at the kiosk will show here."), "info")
            return
        assert isinstance(ticket, TicketView)
        self._show_ticket(ticket)
        self._say(_("Number {number} was called to this counter.").format(number=ticket.number), "ok")
        at = ticket.called_at or datetime.now(ticket.issued_at.tzinfo)
        self._events.sig_called.emit(CallView(ticket.number, self._counter.number, at))
        self._changed()

    def _on_recalled(self, call: object) -> None:
        assert isinstance(call, CallView)
        self._say(_("Number {number} was called again.").format(number=call.ticket_number), "ok")
        self._events.sig_called.emit(call)

    def _on_started(self, ticket: object) -> None:
        assert isinstance(ticket, TicketView)
        self._show_ticket(ticket)
        self._say("", "")

    def _on_finished(self, ticket: object) -> None:
        assert isinstance(ticket, TicketView)
        self._show_ticket(None)
        self._say(_("Service of number {number} finished.").format(number=ticket.number), "ok")
        self.sig_finished.emit(ticket)
        self._events.sig_finished.emit(ticket)
        self._changed()

    def _on_no_show(self, ticket: object) -> None:
        assert isinstance(ticket, TicketView)
        self._last_no_show = ticket.number
        self._show_ticket(None)
        self._say(
            _("Number {number} marked as a no-show. If the citizen comes back, use Bring back (Shift+F9).")
            .format(number=ticket.number), "info",
        )
        self._changed()

    def _on_transferred(self, ticket: object) -> None:
        assert isinstance(ticket, TicketView)
        self._show_ticket(None)
        self._say(
            _("Number {number} was transferred to {line}.").format(number=ticket.number, line=ticket.line_name),
            "ok",
        )
        self._changed()

    def _on_walked_in(self, ticket: object) -> None:
        assert isinstance(ticket, TicketView)
        self._show_ticket(ticket)
        self._say(_("Walk-in citizen recorded as number {number}.").format(number=ticket.number), "ok")
        self._changed()

    def _on_paused(self, paused: bool) -> None:
        self._paused = paused
        words = _("Resume the counter") if paused else _("Pause the counter")
        self.buttons["pause"].setText(button_text(words, "Ctrl+F12"))
        self._say(_("The counter is paused. No number will be called here.") if paused else "", "info")

    def _on_action_failed(self, error: BaseException) -> None:
        self._busy = False
        self._update_enabled()
        self._say(error_text(error), "error")

    def _on_lines_loaded(self, lines: object) -> None:
        self._refreshing = False
        assert isinstance(lines, list)
        self.model.set_lines(lines)
        self._update_waiting()

    def _on_lines_failed(self, _error: BaseException) -> None:
        self._refreshing = False

    def _on_current_loaded(self, ticket: object) -> None:
        if isinstance(ticket, TicketView) and not self._busy and self._current is None:
            self._show_ticket(ticket)

    def _on_counters_loaded(self, counters: object) -> None:
        assert isinstance(counters, list)
        self._other_counters = [c for c in counters if c.id != self._counter.id]

    def _on_refresh_timer_timeout(self) -> None:
        self.refresh()

    def _on_events_changed(self) -> None:
        self.refresh()

    # -- helpers -------------------------------------------------------------------------------

    def _restore(self) -> None:
        """After a restart: the ticket still at this counter, the lines, the other counters."""
        queue, counter_id = self._queue, self._counter.id
        run_in_background(lambda: queue.current_ticket(counter_id), self._on_current_loaded,
                          owner=self, name="queue-current")
        if self._load_counters is not None:
            run_in_background(self._load_counters, self._on_counters_loaded, owner=self, name="queue-counters")
        self.refresh()

    def _run(self, name: str, fn: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        self._busy = True
        self._update_enabled()

        def done(result: object) -> None:
            self._busy = False
            on_done(result)
            self._update_enabled()

        run_in_background(fn, done, self._on_action_failed, owner=self, name=name)

    def _allowed(self, key: str) -> str:
        """"" when ``key`` may run now, else why not (in words)."""
        current = self._current
        if key in ("pause", "kpis"):
            return ""
        if self._paused:
            return _("The counter is paused. Resume it first (Ctrl+F12).")
        if key in ("call_next", "call_number", "reactivate", "walk_in"):
            if current is not None:
                return _(
                    "Number {number} is still at this counter. Finish it, mark it as a no-show "
                    "or transfer it first."
                ).format(number=current.number)
            return ""
        if current is None:
            return _("No number is at this counter. Call one first (F5).")
        if key in ("recall", "no_show", "start") and current.status is TicketStatus.SERVING:
            return _("Number {number} is already being served.").format(number=current.number)
        return ""

    def _refuse(self, key: str) -> bool:
        """True (and says why) when ``key`` cannot run now; silent while another action runs."""
        if self._busy:
            return True
        reason = self._allowed(key)
        if reason:
            self._say(reason, "error")
            return True
        return False

    def _update_enabled(self) -> None:
        for key, button in self.buttons.items():
            button.setEnabled(not self._busy and not self._allowed(key))

    def _show_ticket(self, ticket: TicketView | None) -> None:
        self._current = ticket if ticket is not None and ticket.status is not TicketStatus.DONE else None
        current = self._current
        if current is None:
            self.number_label.setText("—")
            self.status_label.setText(_("The counter is free"))
            self.line_label.setText("")
            set_tone(self.ticket_frame, "")
        else:
            self.number_label.setText(current.number)
            self.status_label.setText(status_text(current.status))
            details = [current.line_name]
            if current.priority is not Priority.NONE:
                details.append(_("Priority: {who}").format(who=priority_text(current.priority)))
            if current.called_at is not None:
                details.append(_("called at {time}").format(time=clock_text(current.called_at)))
            self.line_label.setText(" · ".join(details))
            set_tone(self.ticket_frame, "ok" if current.status is TicketStatus.CALLED else "info")
        self._update_enabled()
        self.sig_ticket_changed.emit(current)

    def _update_waiting(self) -> None:
        total = self.model.total_waiting()
        if total == 0:
            self.waiting_label.setText(_("No one is waiting"))
            set_tone(self.waiting_label, "ok")
        else:
            self.waiting_label.setText(_("Waiting: {n}").format(n=total))
            set_tone(self.waiting_label, "")

    def _say(self, text: str, tone: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))
        set_tone(self.message_label, tone)
        if text:
            self.sig_message.emit(text)

    def _changed(self) -> None:
        self._events.sig_changed.emit()  # refreshes this panel too, through _on_events_changed


def add_queue_dock(window: QMainWindow, context: CounterContext) -> QueuePanel | None:
    """Put the queue panel on the right of the counter window; None when this PC has no queue."""
    queue = queue_of(context.services)
    if queue is None:
        return None
    services, centre_id = context.services, context.session.centre_id
    events = queue_events()
    events.follow(queue)
    panel = QueuePanel(
        queue, context.session, context.counter, counters=lambda: services.counters(centre_id), events=events
    )
    dock = QDockWidget(_("Queue at this counter"), window)
    dock.setObjectName("queueDock")
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)  # not closable: the F-keys live here
    dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
    dock.setWidget(panel)
    dock.setMinimumWidth(320)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    return panel
