"""Ticket kiosk: the citizen taps an agency group, a service and (maybe) a priority, and gets a number."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.errors import DomainError
from counter_app.services.i18n import _, describe_error
from counter_app.services.office_hours import CLOSED_FOR_CITIZEN
from counter_app.services.ports import PrintJob
from counter_app.services.queue_port import LineView, Priority, QueueService, TicketView
from counter_app.ui.queue_common import (
    DEFAULT_PRIORITIES,
    QueueEvents,
    Station,
    TicketPrinter,
    clock_text,
    priority_text,
    queue_events,
    scaled_stylesheet,
    screen_scale,
    service_text,
)
from counter_app.ui.tasks import run_in_background, run_render
from counter_app.ui.theme import set_tone

_log = logging.getLogger(__name__)
# store faults a second tap cannot cure (storage/db.py store_fault): said in words, not "tap again"
_STORE_FAULTS = frozenset({"store.disk_full", "store.file_readonly", "store.readonly_medium", "store.io_error"})

IDLE_RESET_MS = 60_000  # a half-finished choice goes back to the start after a minute untouched
TICKET_SHOWN_MS = 20_000  # the number stays on screen this long (or until "Done")
RETRY_LOAD_MS = 10_000  # lines could not be loaded: try again
CLOCK_MS = 10_000
NO_GROUP = ""

_STYLE = """
QWidget#kioskWindow { background: #eef3f9; }
QFrame#kioskHeader, QWidget#kioskHeader { background: #0b3d91; }
QLabel#kioskCentre { color: #ffffff; font-size: 40px; font-weight: bold; }
QLabel#kioskClock { color: #ffffff; font-size: 48px; font-weight: bold; }
QLabel#kioskPrompt { color: #0f1e3d; font-size: 56px; font-weight: bold; }
QLabel#kioskHint { color: #26364d; font-size: 34px; }
QPushButton#kioskTile {
    background: #ffffff; border: 4px solid #0b3d91; border-radius: 18px; min-height: 150px;
}
QPushButton#kioskTile:pressed { background: #d6e4ff; }
QPushButton#kioskTile:disabled { background: #e4e8ee; border-color: #9aa6b6; }
QLabel#tileTitle { color: #0f1e3d; font-size: 44px; font-weight: bold; }
QLabel#tileNote { color: #34465f; font-size: 30px; }
QLabel#tileTitle:disabled, QLabel#tileNote:disabled { color: #6b7687; }
QPushButton#kioskPriority {
    background: #fff4d6; border: 4px solid #b77900; border-radius: 18px; min-height: 100px;
}
QPushButton#kioskPriority QLabel#tileTitle { color: #3f2a00; font-size: 40px; }
QPushButton#kioskPriority:pressed { background: #ffe49a; }
QPushButton#kioskGo {
    background: #1b6e2d; border: 4px solid #124d1f; border-radius: 18px; min-height: 140px;
    color: #ffffff; font-size: 50px; font-weight: bold;
}
QPushButton#kioskGo:pressed { background: #145322; }
QPushButton#kioskPriority:disabled, QPushButton#kioskGo:disabled {
    background: #e4e8ee; border-color: #9aa6b6; color: #6b7687;
}
QPushButton#kioskBack, QPushButton#kioskDone {
    background: #ffffff; border: 3px solid #53647c; border-radius: 14px; min-height: 100px;
    min-width: 360px; color: #0f1e3d; font-size: 38px; font-weight: bold;
}
QPushButton#kioskPager {
    background: #ffffff; border: 4px solid #0b3d91; border-radius: 14px; min-height: 100px;
    min-width: 300px; padding: 0 28px; color: #0b3d91; font-size: 40px; font-weight: bold;
}
QPushButton#kioskPager:pressed { background: #d6e4ff; }
QPushButton#kioskPager:disabled { border-color: #c4ccd8; color: #9aa6b6; }
QLabel#kioskPage { color: #26364d; font-size: 34px; }
QPushButton#kioskDone { background: #0b3d91; border-color: #072a66; color: #ffffff; min-width: 480px; }
QLabel#kioskStatus { font-size: 36px; font-weight: bold; color: #26364d; }
QLabel#kioskStatus[tone="error"] { color: #b00020; }
QLabel#kioskStatus[tone="ok"] { color: #1b6e2d; }
QLabel#ticketHeading { color: #26364d; font-size: 48px; font-weight: bold; }
QLabel#ticketNumber { color: #0b3d91; font-size: 240px; font-weight: bold; }
QLabel#ticketLine { color: #0f1e3d; font-size: 48px; font-weight: bold; }
QLabel#ticketFacts { color: #0f1e3d; font-size: 38px; }
QLabel#ticketCentre { color: #34465f; font-size: 32px; }
QLabel#ticketPrint { font-size: 44px; font-weight: bold; padding: 14px 24px; border-radius: 12px; }
QLabel#ticketPrint[tone="info"] { color: #26364d; background: #dfe7f2; }
QLabel#ticketPrint[tone="ok"] { color: #ffffff; background: #1b6e2d; }
QLabel#ticketPrint[tone="error"] { color: #ffffff; background: #b00020; }
"""


class _Tile(QPushButton):
    """A big touch button with a title and a smaller note under it (both wrap)."""

    def __init__(
        self, title: str, note: str = "", *, name: str = "kioskTile", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.title_label = QLabel(title)
        self.title_label.setObjectName("tileTitle")
        self.note_label = QLabel(note)
        self.note_label.setObjectName("tileNote")
        for label in (self.title_label, self.note_label):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.note_label.setVisible(bool(note))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.setSpacing(6)
        layout.addStretch(1)
        layout.addWidget(self.title_label)
        layout.addWidget(self.note_label)
        layout.addStretch(1)

    def text(self) -> str:  # what a person reads on the tile (tests find tiles by it)
        return self.title_label.text()


class _TileBoard(QWidget):
    """The tiles of one step, as many per page as fit the space the window gives; Next/Previous page the rest.

    Its size policy is Ignored: the board never asks the window to grow (a kiosk screen is as
    big as it is), it pages instead.
    """

    GRID_SPACING = 28  # at 1920x1080

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self._tiles: list[_Tile] = []
        self._page = 0
        self._page_count = 1
        self._per_page = 1
        self._rows = 0
        self._scale = 1.0
        self._grid_host = QWidget()
        self.grid = QGridLayout(self._grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.previous_button = QPushButton(_("‹ Previous"))
        self.next_button = QPushButton(_("Next ›"))
        for button in (self.previous_button, self.next_button):
            button.setObjectName("kioskPager")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.page_label = QLabel()
        self.page_label.setObjectName("kioskPage")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.previous_button.clicked.connect(self._on_previous_button_clicked)
        self.next_button.clicked.connect(self._on_next_button_clicked)
        self._pager = QWidget()
        pager_layout = QHBoxLayout(self._pager)
        pager_layout.setContentsMargins(0, 0, 0, 0)
        pager_layout.addWidget(self.previous_button)
        pager_layout.addWidget(self.page_label, 1)
        pager_layout.addWidget(self.next_button)
        self._pager.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._layout = layout
        layout.addWidget(self._grid_host, 1)
        layout.addWidget(self._pager)
        self.set_scale(1.0)

    def set_scale(self, scale: float) -> None:
        self._scale = scale
        spacing = max(4, round(self.GRID_SPACING * scale))
        self.grid.setSpacing(spacing)
        self._layout.setSpacing(spacing)
        self.relayout()

    def set_tiles(self, tiles: Sequence[_Tile]) -> None:
        for tile in self._tiles:
            self.grid.removeWidget(tile)
            tile.deleteLater()
        self._tiles = list(tiles)
        for tile in self._tiles:
            tile.setParent(self._grid_host)
            tile.hide()
        self._page = 0
        self.relayout()

    def all_tiles(self) -> list[_Tile]:
        return list(self._tiles)

    def visible_tiles(self) -> list[_Tile]:
        """The tiles of the page on screen, in order."""
        first = self._page * self._per_page
        return self._tiles[first:first + self._per_page]

    def page(self) -> int:
        return self._page

    def page_count(self) -> int:
        return self._page_count

    def show_page(self, page: int) -> None:
        self._page = max(0, min(page, self._page_count - 1))
        self._place()

    def relayout(self) -> None:
        """Work out columns and tiles per page for the board's size, keep the page (or the last one)."""
        tiles = self._tiles
        width, height = self.width(), self.height()
        spacing = self.grid.spacing()
        if not tiles or width <= 0 or height <= 0:
            self._per_page, self._page_count, self._page = max(1, len(tiles)), 1, 0
            self._place()
            return
        min_column = max(1, round(340 * self._scale))
        columns = max(1, min(_columns(len(tiles)), (width + spacing) // (min_column + spacing)))
        column_width = max(1, (width - (columns - 1) * spacing) // columns)
        need = max(_tile_height(tile, column_width) for tile in tiles)
        rows_all = -(-len(tiles) // columns)
        if rows_all * need + (rows_all - 1) * spacing <= height:
            per_page = len(tiles)
        else:
            self._pager.ensurePolished()
            pager_height = max(self._pager.sizeHint().height(), self.next_button.minimumSizeHint().height())
            rows = max(1, (height - pager_height - spacing + spacing) // (need + spacing))
            per_page = rows * columns
        self._columns = columns
        self._need = need
        self._per_page = per_page
        self._page_count = max(1, -(-len(tiles) // per_page))
        self._page = min(self._page, self._page_count - 1)
        self._place()

    def _place(self) -> None:
        for tile in self._tiles:
            self.grid.removeWidget(tile)
            tile.hide()
        for row in range(self._rows):
            self.grid.setRowStretch(row, 0)
            self.grid.setRowMinimumHeight(row, 0)
        columns = getattr(self, "_columns", 1)
        shown = self.visible_tiles()
        rows = -(-self._per_page // columns) if self._page_count > 1 else -(-len(shown) // columns)
        for i, tile in enumerate(shown):
            self.grid.addWidget(tile, i // columns, i % columns)
            tile.show()
        for row in range(rows):  # a short last page keeps the tiles' size
            self.grid.setRowStretch(row, 1)
            if self._page_count > 1:
                self.grid.setRowMinimumHeight(row, getattr(self, "_need", 0))
        self._rows = rows
        paged = self._page_count > 1
        self._pager.setVisible(paged)
        self.previous_button.setEnabled(self._page > 0)
        self.next_button.setEnabled(self._page < self._page_count - 1)
        self.page_label.setText(
            _("Page {page} of {pages}").format(page=self._page + 1, pages=self._page_count) if paged else ""
        )

    def _on_previous_button_clicked(self) -> None:
        self.show_page(self._page - 1)

    def _on_next_button_clicked(self) -> None:
        self.show_page(self._page + 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.relayout()


def _tile_height(tile: _Tile, width: int) -> int:
    """The height a tile needs at this column width to show its words whole."""
    tile.ensurePolished()
    for label in (tile.title_label, tile.note_label):
        label.ensurePolished()
    for_width = tile.heightForWidth(width)
    return max(tile.minimumSizeHint().height(), tile.minimumHeight(), for_width)


def _columns(count: int) -> int:
    return 1 if count <= 2 else 2 if count <= 6 else 3


class KioskWindow(QWidget):
    """Full-screen kiosk: groups → services → priority → the ticket, printed; back to the start on its own."""

    sig_ticket_issued = Signal(object)  # TicketView, committed by the queue
    sig_ticket_printed = Signal(object)  # PrintJob (ok or not)

    GROUPS, LINES, PRIORITY, TICKET, UNAVAILABLE = range(5)

    def __init__(
        self,
        queue: QueueService | None,
        station: Station,
        *,
        printer: TicketPrinter | None,
        now: Callable[[], datetime],
        events: QueueEvents | None = None,
        priorities: Sequence[Priority] = DEFAULT_PRIORITIES,
        idle_ms: int = IDLE_RESET_MS,
        ticket_ms: int = TICKET_SHOWN_MS,
        autoload: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("kioskWindow")
        self.setWindowTitle(_("Queue ticket kiosk") + " — " + station.centre_name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._queue = queue
        self._station = station
        self._printer = printer
        self._now = now
        self._events = events if events is not None else queue_events()
        self._priorities = tuple(p for p in priorities if p is not Priority.NONE)
        self._lines: list[LineView] = []
        self._group: str | None = None
        self._line: LineView | None = None
        self._request_key: str | None = None  # one per ticket: a second tap sends the same key
        self._issuing = False
        self._ticket: TicketView | None = None
        self._scale = 0.0
        # layouts whose margins and spacing (written for 1920x1080) follow the window's scale
        self._scaled_layouts: list[tuple[QBoxLayout | QGridLayout, tuple[int, int, int, int], int]] = []
        self._boards: list[_TileBoard] = []

        header = self._build_header()
        self._build_pages()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.pages, 1)

        self._make_timers(idle_ms, ticket_ms)
        self._clock_timer.start()
        self._on_clock_timer_timeout()
        self.installEventFilter(self)
        # Start at the scale of the screen the kiosk opens on, so the minimum size never holds the
        # window bigger than that screen before the first resize scales it down.
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else None
        self._apply_scale(screen_scale(area.width(), area.height()) if area is not None else 1.0)
        if autoload:
            self.reload()
        elif queue is None:
            self._show_unavailable(_("The queue is not available on this machine. Please ask at a counter."))

    # -- builders --------------------------------------------------------------------------------

    def _build_header(self) -> QWidget:
        """The centre's name and the clock."""
        header = QWidget()
        header.setObjectName("kioskHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.centre_label = QLabel(self._station.centre_name)
        self.centre_label.setObjectName("kioskCentre")
        self.centre_label.setWordWrap(True)
        self.clock_label = QLabel()
        self.clock_label.setObjectName("kioskClock")
        header_layout = QHBoxLayout(header)
        self._scaled(header_layout, (36, 18, 36, 18), 12)
        header_layout.addWidget(self.centre_label, 1)
        header_layout.addWidget(self.clock_label)
        return header

    def _build_pages(self) -> None:
        """Groups, services, priority, the ticket, and the "not available" words (shown first)."""
        self.pages = QStackedWidget()
        self.group_prompt, self.group_board, group_page = self._choice_page(
            _("Please choose the field of your business"), back=False
        )
        self.line_prompt, self.line_board, line_page = self._choice_page(_("Please choose a service"))
        self.pages.addWidget(group_page)
        self.pages.addWidget(line_page)
        self.pages.addWidget(self._priority_page())
        self.pages.addWidget(self._ticket_page())
        self.unavailable_label = QLabel(_("Loading the services…"))
        self.unavailable_label.setObjectName("kioskPrompt")
        self.unavailable_label.setWordWrap(True)
        self.unavailable_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.unavailable_label)
        self.pages.setCurrentIndex(self.UNAVAILABLE)

    def _make_timers(self, idle_ms: int, ticket_ms: int) -> None:
        """Back to the start when idle, the ticket's time on screen, the retry of a failed load, the clock."""
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.setInterval(idle_ms)
        self._ticket_timer = QTimer(self)
        self._ticket_timer.setSingleShot(True)
        self._ticket_timer.setInterval(ticket_ms)
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.setInterval(RETRY_LOAD_MS)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(CLOCK_MS)
        self._idle_timer.timeout.connect(self._on_idle_timer_timeout)
        self._ticket_timer.timeout.connect(self._on_ticket_timer_timeout)
        self._retry_timer.timeout.connect(self._on_retry_timer_timeout)
        self._clock_timer.timeout.connect(self._on_clock_timer_timeout)

    # -- what tests and the role use ---------------------------------------------------------

    def reload(self) -> None:
        """Back to the start screen with fresh lines (waiting counts) from the queue."""
        self._group, self._line, self._request_key = None, None, None
        self._idle_timer.stop()
        self._ticket_timer.stop()
        queue = self._queue
        if queue is None:
            self._show_unavailable(_("The queue is not available on this machine. Please ask at a counter."))
            return
        centre_id = self._station.centre_id
        run_in_background(
            lambda: queue.lines(centre_id), self._on_lines_loaded, self._on_lines_failed,
            owner=self, name="kiosk-lines",
        )

    def current_step(self) -> int:
        return self.pages.currentIndex()

    def current_ticket(self) -> TicketView | None:
        return self._ticket

    def tiles(self) -> list[_Tile]:
        """The tiles on screen now (groups or services): those of the page shown."""
        return self.board().visible_tiles()

    def board(self) -> _TileBoard:
        """The tile board of the step on screen (groups or services)."""
        return self.group_board if self.current_step() == self.GROUPS else self.line_board

    def tile(self, text: str) -> _Tile:
        return next(t for t in self.tiles() if t.text() == text)

    def choose_group(self, group: str) -> None:
        """The group's services; a group with one service goes straight on with it (one tap less)."""
        self._group = group
        lines = [line for line in self._lines if line.group == group]
        self._fill_lines(group, lines)
        if len(lines) == 1:
            self.choose_line(lines[0])
        else:
            self._show(self.LINES)

    def choose_line(self, line: LineView) -> None:
        self._line = line
        self._request_key = uuid.uuid4().hex  # a new ticket screen: a new key
        self.priority_line_label.setText(line.name)
        self._set_status("", "")
        self._set_choices_enabled(True)
        self._show(self.PRIORITY)

    def choose_priority(self, priority: Priority) -> None:
        """Take the ticket. Ignored while a ticket is being issued (double taps get one ticket)."""
        if self._issuing or self._line is None or self._queue is None or self._request_key is None:
            return
        self._issuing = True
        self._set_choices_enabled(False)
        self._set_status(_("Getting your number…"), "info")
        queue, line_id, key = self._queue, self._line.id, self._request_key
        owe_print = self._printer is not None  # the paper ticket, owed with the ticket (one transaction)
        run_in_background(
            lambda: queue.issue_ticket(line_id, priority=priority, request_key=key, owe_print=owe_print),
            self._on_issue_done, self._on_issue_failed, owner=self, name="issue-ticket",
        )

    # -- pages -------------------------------------------------------------------------------

    def _choice_page(self, prompt: str, *, back: bool = True) -> tuple[QLabel, _TileBoard, QWidget]:
        page = QWidget()
        prompt_label = QLabel(prompt)
        prompt_label.setObjectName("kioskPrompt")
        prompt_label.setWordWrap(True)
        prompt_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        board = _TileBoard()
        self._boards.append(board)
        layout = QVBoxLayout(page)
        self._scaled(layout, (60, 36, 60, 36), 30)
        layout.addWidget(prompt_label)
        layout.addWidget(board, 1)
        if back:
            layout.addLayout(self._back_row())
        return prompt_label, board, page

    def _back_row(self) -> QHBoxLayout:
        back = QPushButton(_("‹ Back"))
        back.setObjectName("kioskBack")
        back.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        back.clicked.connect(self._on_back_button_clicked)
        home = QPushButton(_("Start again"))
        home.setObjectName("kioskBack")
        home.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        home.clicked.connect(self._on_home_button_clicked)
        row = QHBoxLayout()
        self._scaled(row, (0, 0, 0, 0), 24)
        row.addWidget(back)
        row.addStretch(1)
        row.addWidget(home)
        return row

    def _priority_page(self) -> QWidget:
        page = QWidget()
        self.priority_line_label = QLabel()
        self.priority_line_label.setObjectName("kioskHint")
        self.priority_line_label.setWordWrap(True)
        self.priority_line_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        prompt = QLabel(_("Are you in a priority group?"))
        prompt.setObjectName("kioskPrompt")
        prompt.setWordWrap(True)
        prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_priority_button = QPushButton(_("No — give me a number"))
        self.no_priority_button.setObjectName("kioskGo")
        self.no_priority_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.no_priority_button.clicked.connect(self._on_no_priority_button_clicked)
        self.priority_buttons: dict[Priority, _Tile] = {}
        self._priority_grid = grid = QGridLayout()
        self._scaled(grid, (0, 0, 0, 0), 24)
        for priority in self._priorities:
            button = _Tile(priority_text(priority), name="kioskPriority")
            button.clicked.connect(lambda _checked=False, p=priority: self.choose_priority(p))
            self.priority_buttons[priority] = button
        self._priority_columns = 0
        self._place_priorities(landscape=True)
        self.status_label = QLabel()
        self.status_label.setObjectName("kioskStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(page)
        self._scaled(layout, (60, 30, 60, 36), 24)
        layout.addWidget(self.priority_line_label)
        layout.addWidget(prompt)
        layout.addWidget(self.no_priority_button)
        layout.addLayout(grid, 1)
        layout.addWidget(self.status_label)
        layout.addLayout(self._back_row())
        return page

    def _ticket_page(self) -> QWidget:
        page = QWidget()
        heading = QLabel(_("Your number"))
        heading.setObjectName("ticketHeading")
        self.ticket_number_label = QLabel()
        self.ticket_number_label.setObjectName("ticketNumber")
        self.ticket_line_label = QLabel()
        self.ticket_line_label.setObjectName("ticketLine")
        self.ticket_facts_label = QLabel()
        self.ticket_facts_label.setObjectName("ticketFacts")
        self.ticket_centre_label = QLabel()
        self.ticket_centre_label.setObjectName("ticketCentre")
        self.print_label = QLabel()
        self.print_label.setObjectName("ticketPrint")
        for label in (heading, self.ticket_number_label, self.ticket_line_label, self.ticket_facts_label,
                      self.ticket_centre_label, self.print_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(label is not self.ticket_number_label)
        self.done_button = QPushButton(_("Done, back to the start"))
        self.done_button.setObjectName("kioskDone")
        self.done_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.done_button.clicked.connect(self._on_done_button_clicked)
        layout = QVBoxLayout(page)
        self._scaled(layout, (60, 24, 60, 30), 10)
        layout.addWidget(heading)
        layout.addWidget(self.ticket_number_label, 1)
        layout.addWidget(self.ticket_line_label)
        layout.addWidget(self.ticket_facts_label)
        layout.addWidget(self.ticket_centre_label)
        layout.addWidget(self.print_label)
        layout.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignHCenter)
        return page

    def _place_priorities(self, *, landscape: bool) -> None:
        """Priority buttons in 3 columns on a landscape screen, 2 on a portrait one."""
        count = len(self._priorities)
        columns = (1 if count <= 2 else 3) if landscape else _columns(count)
        if columns == self._priority_columns:
            return
        self._priority_columns = columns
        for i, priority in enumerate(self._priorities):
            button = self.priority_buttons[priority]
            self._priority_grid.removeWidget(button)
            self._priority_grid.addWidget(button, i // columns, i % columns)

    def _scaled(self, layout: QBoxLayout | QGridLayout, margins: tuple[int, int, int, int], spacing: int) -> None:
        self._scaled_layouts.append((layout, margins, spacing))
        layout.setContentsMargins(*margins)
        layout.setSpacing(spacing)

    # -- filling -----------------------------------------------------------------------------

    def _groups(self) -> list[str]:
        seen: dict[str, None] = {}
        for line in self._lines:
            seen.setdefault(line.group, None)
        return list(seen)

    def _fill_groups(self) -> None:
        tiles = []
        for group in self._groups():
            waiting = sum(line.waiting for line in self._lines if line.group == group)
            tile = _Tile(group or _("Other services"), _waiting_note(waiting))
            tile.clicked.connect(lambda _checked=False, g=group: self.choose_group(g))
            tiles.append(tile)
        self.group_board.set_tiles(tiles)

    def _fill_lines(self, group: str, lines: Sequence[LineView]) -> None:
        self.line_prompt.setText(
            _("{group} — please choose a service").format(group=group or _("Other services"))
        )
        tiles = []
        for line in lines:
            title = line.name or service_text(line.service)
            tile = _Tile(title, _waiting_note(line.waiting))
            tile.clicked.connect(lambda _checked=False, chosen=line: self.choose_line(chosen))
            tiles.append(tile)
        self.line_board.set_tiles(tiles)

    def _show_ticket(self, ticket: TicketView) -> None:
        self.ticket_number_label.setText(ticket.number)
        line = ticket.line_name
        if ticket.priority is not Priority.NONE:
            line += " · " + _("Priority: {who}").format(who=priority_text(ticket.priority))
        self.ticket_line_label.setText(line)
        if ticket.waiting_ahead == 0:
            ahead = _("No one is waiting ahead of you")
        else:
            ahead = _("People waiting ahead of you: {n}").format(n=ticket.waiting_ahead)
        wait = (
            _("Estimated wait: about {n} min").format(n=ticket.estimated_wait_minutes)
            if ticket.estimated_wait_minutes > 0
            else _("You will be called soon")
        )
        self.ticket_facts_label.setText(
            _("Taken at {time}").format(time=clock_text(ticket.issued_at)) + "  ·  " + ahead + "\n" + wait
        )
        self.ticket_centre_label.setText(self._station.centre_name)
        self._show(self.TICKET)
        self._ticket_timer.start()

    # -- slots -------------------------------------------------------------------------------

    def _on_lines_loaded(self, lines: object) -> None:
        assert isinstance(lines, list)
        self.show_lines(lines)

    def show_lines(self, lines: Sequence[LineView]) -> None:
        """The start screen for these lines (one agency group: straight to its services)."""
        lines = list(lines)
        self._lines = lines
        if not lines:
            self._show_unavailable(_("No service takes numbers here yet. Please ask at a counter."))
            return
        self._fill_groups()
        groups = self._groups()
        if len(groups) == 1:
            self._group = groups[0]
            self._fill_lines(groups[0], lines)
            self._show(self.LINES)
            self._idle_timer.stop()  # the first screen never times out
        else:
            self._show(self.GROUPS)

    def _on_lines_failed(self, _error: BaseException) -> None:
        self._show_unavailable(_("The kiosk cannot give numbers right now. Please ask at a counter."))
        self._retry_timer.start()

    def _on_issue_done(self, ticket: object) -> None:
        assert isinstance(ticket, TicketView)
        self._issuing = False
        self._request_key = None  # committed: the next tap on a new screen is a new ticket
        self._ticket = ticket
        _log.info("ticket %s issued on line %s", ticket.number, ticket.line_id)
        self._set_status("", "")
        self._show_ticket(ticket)
        self.sig_ticket_issued.emit(ticket)
        self._events.sig_changed.emit()
        self._print(ticket)

    def _on_issue_failed(self, error: BaseException) -> None:
        self._issuing = False
        if isinstance(error, DomainError) and error.code == CLOSED_FOR_CITIZEN:
            # Refused, nothing issued: say when the centre opens, then back to the start.
            self._request_key = None
            self._set_choices_enabled(True)
            _log.info("no ticket out of office hours: %s", error)
            self._show_unavailable(describe_error(error))
            self._ticket_timer.start()
            return
        if isinstance(error, DomainError) and error.code.startswith("clock."):
            # The PC's clock disagrees with the store (issue 9 §1): nothing numbered; staff read what to do.
            self._request_key = None
            self._set_choices_enabled(True)
            _log.error("kiosk gives no numbers: %s", describe_error(error))
            self._show_unavailable(
                _("This kiosk cannot give numbers now: the computer's clock must be checked. Please ask at a counter.")
                + "\n\n" + describe_error(error)
            )
            self._ticket_timer.start()
            return
        if isinstance(error, DomainError) and error.code in _STORE_FAULTS:
            # Disk full, read-only or failing disk (issue 9 §4): tapping again cannot help. The citizen
            # reads the reason and whom to tell; staff read the words with the action to take.
            self._request_key = None  # rolled back: nothing was issued under this key
            self._set_choices_enabled(True)
            _log.error("kiosk gives no numbers: %s", describe_error(error))
            citizen = (
                _("The computer's disk is full, so no number can be given. Please tell a member of staff.")
                if error.code == "store.disk_full"
                else _("This kiosk cannot give numbers now: its data cannot be saved. Please tell a member of staff.")
            )
            self._show_unavailable(citizen + "\n\n" + describe_error(error))
            self._ticket_timer.start()  # back to the start screen: the next citizen tries once the cause is gone
            return
        # Nothing was issued, or it was and the answer was lost: the same key on the next tap
        # gets the same ticket, never a second one.
        self._set_choices_enabled(True)
        self._set_status(_("Your number could not be given. Please tap again or ask at a counter."), "error")

    def _print(self, ticket: TicketView) -> None:
        printer = self._printer
        if printer is None:
            _log.warning("ticket %s not printed: this kiosk has no ticket printer", ticket.number)
            self._show_print_failed()
            return
        self.print_label.setText(_("Printing your ticket…"))
        set_tone(self.print_label, "info")
        centre_name = self._station.centre_name
        run_render(  # printing settles the ticket's print job: printed, or cancelled (the number is on screen)
            lambda: printer.print_ticket(ticket, centre_name), self._on_print_done, self._on_print_failed,
            owner=self, name="print-ticket",
        )

    def _on_print_done(self, job: object) -> None:
        assert isinstance(job, PrintJob)
        self.sig_ticket_printed.emit(job)
        if job.ok:
            self.print_label.setText(_("Please take your ticket below"))
            set_tone(self.print_label, "ok")
        else:
            _log.warning("ticket not printed on %s: %s", job.printer, job.error)
            self._show_print_failed()

    def _on_print_failed(self, error: BaseException) -> None:
        self.sig_ticket_printed.emit(PrintJob("ticket", ok=False, error=str(error)))
        self._show_print_failed()

    def _show_print_failed(self) -> None:
        self.print_label.setText(_("The ticket printer is out of order — please remember your number"))
        set_tone(self.print_label, "error")

    def _on_no_priority_button_clicked(self) -> None:
        self.choose_priority(Priority.NONE)

    def _on_back_button_clicked(self) -> None:
        if self._issuing:
            return
        # A group with one service skipped its list on the way in, unless that list is the start screen.
        skipped = sum(1 for line in self._lines if line.group == self._group) <= 1 and len(self._groups()) > 1
        if self.current_step() == self.PRIORITY and self._group is not None and not skipped:
            self._show(self.LINES)
        elif len(self._groups()) > 1:
            self._show(self.GROUPS)

    def _on_home_button_clicked(self) -> None:
        if not self._issuing:
            self.reload()

    def _on_done_button_clicked(self) -> None:
        self.reload()

    def _on_idle_timer_timeout(self) -> None:
        if self._issuing:
            self._idle_timer.start()
        else:
            self.reload()

    def _on_ticket_timer_timeout(self) -> None:
        self.reload()

    def _on_retry_timer_timeout(self) -> None:
        self.reload()

    def _on_clock_timer_timeout(self) -> None:
        self.clock_label.setText(clock_text(self._now()))

    # -- helpers -----------------------------------------------------------------------------

    def _show(self, step: int) -> None:
        self.pages.setCurrentIndex(step)
        first = step == self.GROUPS or (step == self.LINES and len(self._groups()) <= 1)
        if step in (self.LINES, self.PRIORITY) and not first:
            self._idle_timer.start()
        else:
            self._idle_timer.stop()

    def _show_unavailable(self, text: str) -> None:
        self.unavailable_label.setText(text)
        self._show(self.UNAVAILABLE)

    def _set_choices_enabled(self, enabled: bool) -> None:
        self.no_priority_button.setEnabled(enabled)
        for button in self.priority_buttons.values():
            button.setEnabled(enabled)

    def _set_status(self, text: str, tone: str) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))
        set_tone(self.status_label, tone)

    def _apply_scale(self, scale: float) -> None:
        if abs(scale - self._scale) < 0.02:
            return
        self._scale = scale
        self.setStyleSheet(scaled_stylesheet(_STYLE, scale))
        for layout, margins, spacing in self._scaled_layouts:
            layout.setContentsMargins(*(round(m * scale) for m in margins))
            layout.setSpacing(max(2, round(spacing * scale)))
        for board in self._boards:
            board.set_scale(scale)

    # -- Qt overrides --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin) and self._idle_timer.isActive():
            self._idle_timer.start()  # someone is still choosing
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        size = event.size()
        self._place_priorities(landscape=size.width() >= size.height())
        self._apply_scale(screen_scale(size.width(), size.height()))
        super().resizeEvent(event)


def _waiting_note(waiting: int) -> str:
    if waiting == 0:
        return _("No one waiting")
    return _("Waiting: {n}").format(n=waiting)
