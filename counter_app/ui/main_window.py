"""The counter window: one tab per work page, the session menu (lock, change counter, sign out),
the PC's state in the status bar, shortcuts."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from counter_app.services.i18n import _
from counter_app.services.pc_status import pc_status
from counter_app.services.permissions import Permission, allows
from counter_app.services.read_models import ProcedureGuide, StaffSession
from counter_app.ui.book import BookPage
from counter_app.ui.devices_page import DevicesPage
from counter_app.ui.dossier_view import open_dossier_view
from counter_app.ui.guide import GuidePage
from counter_app.ui.handover import HandoverPage
from counter_app.ui.intake import open_intake
from counter_app.ui.intake_page import IntakePage
from counter_app.ui.lock_screen import LockScreen
from counter_app.ui.login import login_error_text
from counter_app.ui.navigation import CounterContext, CounterPage, Navigator
from counter_app.ui.pc_status_bar import PcStatusBar
from counter_app.ui.preview import offer_owed_prints
from counter_app.ui.queue_panel import QueuePanel, add_queue_dock
from counter_app.ui.reports_page import ReportsPage
from counter_app.ui.results import ResultsPage
from counter_app.ui.returns import ReturnPage
from counter_app.ui.tasks import run_in_background

__all__ = ["CounterContext", "CounterPage", "CounterWindow", "Navigator", "PageFactory", "default_pages"]

_log = logging.getLogger(__name__)

IDLE_LOCK_MINUTES = 10.0  # the screen locks itself after this long without a key press or a click
PC_STATUS_REFRESH_MS = 60_000
LOCK_SHORTCUT = "Ctrl+L"
CHANGE_COUNTER_SHORTCUT = "Ctrl+Shift+C"  # Ctrl+Shift+K is the queue figures
SIGN_OUT_SHORTCUT = "Ctrl+Shift+Q"
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


PageFactory = Callable[[CounterContext], CounterPage]


def default_pages(role: str | None = None) -> list[PageFactory]:
    """The pages of the counter window, in tab order; an administrator also gets the Devices page,
    a supervisor and an administrator the Reports page."""
    pages: list[PageFactory] = [GuidePage, IntakePage, HandoverPage, ResultsPage, ReturnPage, BookPage]
    if role is not None and allows(role, Permission.MANAGE_DEVICES):
        pages.append(DevicesPage)
    if role is not None and allows(role, Permission.SEE_REPORTS):
        pages.append(ReportsPage)
    return pages


class _IdleWatch(QObject):
    """Restarts the idle timer on every key press, click or move anywhere in the application."""

    def __init__(self, timer: QTimer, parent: QObject) -> None:
        super().__init__(parent)
        self._timer = timer

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _INPUT_EVENTS and self._timer.isActive():
            self._timer.start()
        return False


class CounterWindow(QMainWindow):
    """Main window of the counter role, and the navigator its pages ask for other screens
    (``ui/navigation.py``): the one module that knows every page and dialog."""

    sig_closing = Signal()  # the clerk leaves the counter: the duty period ends
    sig_sign_out_requested = Signal()  # back to the login window; the duty period ends
    sig_change_counter_requested = Signal()  # back to the counter choice, still signed in
    sig_staff_switched = Signal(object)  # StaffSession: another staff member signed in on the lock screen

    def __init__(
        self,
        context: CounterContext,
        pages: Sequence[PageFactory] | None = None,
        parent: QWidget | None = None,
        *,
        idle_lock_minutes: float | None = IDLE_LOCK_MINUTES,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self._locked = False
        self._hidden_by_lock: list[QWidget] = []
        self._work_actions: list[QAction] = []
        self.setObjectName("counterWindow")
        self.setWindowTitle(
            " — ".join((_("One-stop counter"), context.session.centre_name, context.counter_name))
        )

        self._build_pages(pages if pages is not None else default_pages(context.session.role))
        self._build_status_bar()
        self._build_commands()
        self.queue_panel: QueuePanel | None = self._build_queue_dock()
        self._start_idle_watch(idle_lock_minutes)
        if self.pages:
            self.pages[0].page_shown()
        # documents committed before a crash and never printed: offered again
        offer_owed_prints(self, context)

    # -- builders --------------------------------------------------------------------------

    def _build_pages(self, factories: Sequence[PageFactory]) -> None:
        """One tab per page (each page's navigator is this window), behind them the lock screen."""
        context = self.context
        self.tabs = QTabWidget()
        self.tabs.setObjectName("pages")
        self.tabs.setDocumentMode(True)
        self.pages: list[CounterPage] = []
        for factory in factories:
            page = factory(context)
            page.navigator = self
            self.pages.append(page)
            self.tabs.addTab(page, page.page_title())
        self.lock_screen = LockScreen(
            context.session.username,
            _("{name} — {counter}").format(name=context.session.full_name, counter=context.counter_name),
        )
        self.central_stack = QStackedWidget()
        self.central_stack.addWidget(self.tabs)
        self.central_stack.addWidget(self.lock_screen)
        self.setCentralWidget(self.central_stack)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.lock_screen.sig_unlock_requested.connect(self._on_lock_screen_unlock_requested)

    def _build_status_bar(self) -> None:
        """Who, at which counter, the PC's state (read now and every minute), the centre."""
        context = self.context
        self.staff_label = QLabel(_("Staff: {name}").format(name=context.session.full_name))
        self.staff_label.setObjectName("statusStaff")
        self.counter_label = QLabel(context.counter_name)
        self.counter_label.setObjectName("statusCounter")
        self.centre_label = QLabel(context.session.centre_name)
        self.centre_label.setToolTip(context.session.centre_name)
        self.centre_label.setMinimumWidth(80)  # the one that gives way when the status bar is full
        status = self.statusBar()
        self.pc_status_bar = PcStatusBar()
        status.addWidget(self.staff_label)
        status.addWidget(self.counter_label)
        status.addPermanentWidget(self.pc_status_bar)
        status.addPermanentWidget(self.centre_label)
        self._pc_status_timer = QTimer(self)
        self._pc_status_timer.setInterval(PC_STATUS_REFRESH_MS)
        self._pc_status_timer.timeout.connect(self.refresh_pc_status)
        self._pc_status_timer.start()
        QTimer.singleShot(0, self.refresh_pc_status)
        # this PC's printers, scanner and boards as their drivers report them (a fault: a red ✖ and why)
        self.pc_status_bar.watch_devices(getattr(context.services, "device_board", None))

    def _build_commands(self) -> None:
        """The session menu (lock, change counter, sign out) and the window-wide shortcuts."""
        self.lock_action = self._add_command(_("Lock the screen"), LOCK_SHORTCUT, self.lock)
        self.change_counter_action = self._add_command(
            _("Change counter…"), CHANGE_COUNTER_SHORTCUT, self._on_change_counter_action_triggered
        )
        self.sign_out_action = self._add_command(
            _("Sign out"), SIGN_OUT_SHORTCUT, self._on_sign_out_action_triggered
        )
        self.session_menu = self.menuBar().addMenu(_("&Session"))
        self.session_menu.setObjectName("sessionMenu")
        self.session_menu.addAction(self.lock_action)
        self.session_menu.addAction(self.change_counter_action)
        self.session_menu.addSeparator()
        self.session_menu.addAction(self.sign_out_action)

        self._add_command(_("Find"), "F2", self._on_find_action_triggered)
        self._add_command(_("Clear the search"), "Esc", self._on_clear_action_triggered)
        self._add_command(
            _("Print"), QKeySequence(QKeySequence.StandardKey.Print), self._on_print_action_triggered
        )
        for number in range(1, min(len(self.pages), 9) + 1):
            self._add_command(
                _("Go to page {number}").format(number=number),
                f"Ctrl+{number}",
                lambda n=number: self.tabs.setCurrentIndex(n - 1),
            )

    def _build_queue_dock(self) -> QueuePanel | None:
        """The queue panel, a dock on the right (none when this PC has no queue)."""
        panel = add_queue_dock(self, self.context)
        queue_dock = self.findChild(QDockWidget, "queueDock")
        if queue_dock is not None:  # which counter the queue serves, in the dock's own title
            queue_dock.setWindowTitle(_("Queue at {counter}").format(counter=self.context.counter_name))
        return panel

    def _start_idle_watch(self, idle_lock_minutes: float | None) -> None:
        """Lock the screen after ``idle_lock_minutes`` without input (never when None or 0)."""
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._on_idle_timer_timeout)
        self._idle_watch_on = idle_lock_minutes is not None and idle_lock_minutes > 0
        if self._idle_watch_on:
            assert idle_lock_minutes is not None
            self._idle_timer.setInterval(max(1, round(idle_lock_minutes * 60_000)))
            self._idle_timer.start()
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(_IdleWatch(self._idle_timer, self))  # removed with the window

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self._idle_timer.stop()
        self._pc_status_timer.stop()
        self.pc_status_bar.stop_watching_devices()
        self.sig_closing.emit()
        super().closeEvent(event)

    # -- lock ------------------------------------------------------------------------------

    def is_locked(self) -> bool:
        return self._locked

    def lock(self) -> None:
        """Cover the work: pages, queue dock and open dialogs are hidden, commands are off."""
        if self._locked:
            return
        self._locked = True
        self._idle_timer.stop()
        docks = [d for d in self.findChildren(QDockWidget) if d.isVisible()]
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible() and self._owns(w)]
        self._hidden_by_lock = [*docks, *dialogs]
        for widget in self._hidden_by_lock:
            widget.hide()
        self.central_stack.setCurrentWidget(self.lock_screen)
        self.menuBar().setEnabled(False)
        for action in self._work_actions:
            action.setEnabled(False)
        self.take_scan = self._take_scan_while_locked  # a scan while locked reaches no page (ui/scanner.py)
        self.lock_screen.reset()
        self.lock_screen.focus_password()
        _log.info("counter screen locked (%s, %s)", self.context.session.username, self.context.counter_name)

    def unlock(self) -> None:
        if not self._locked:
            return
        self._locked = False
        self.__dict__.pop("take_scan", None)
        self.central_stack.setCurrentWidget(self.tabs)
        self.menuBar().setEnabled(True)
        for action in self._work_actions:
            action.setEnabled(True)
        for widget in self._hidden_by_lock:
            widget.show()
        self._hidden_by_lock = []
        self.lock_screen.reset()
        if self._idle_watch_on:
            self._idle_timer.start()
        page = self.current_page()
        if page is not None:
            page.page_shown()
        _log.info("counter screen unlocked (%s)", self.context.session.username)

    def _owns(self, widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None:
            if parent is self:
                return True
            parent = parent.parentWidget()
        return False

    def _take_scan_while_locked(self, code: str) -> None:
        """Fast typing the scanner filter took for a scan (a password typed quickly, a badge) goes to
        the lock screen's field and, in the password field, submits as its Enter would; nothing
        reaches the pages."""
        if not self.lock_screen.take_typed(code):
            _log.info("a scan of %d characters arrived while the screen was locked; ignored", len(code))

    def _on_idle_timer_timeout(self) -> None:
        if not self._locked and self.isVisible():
            self.lock()

    def _on_lock_screen_unlock_requested(self, username: str, password: str) -> None:
        services = self.context.services
        run_in_background(
            lambda: services.login(username, password),
            self._on_unlock_login_done,
            self._on_unlock_login_failed,
            owner=self,
            name="unlock",
        )

    def _on_unlock_login_done(self, session: object) -> None:
        if not self._locked or not isinstance(session, StaffSession):
            return
        if session.staff_id == self.context.session.staff_id:
            self.unlock()
            return
        _log.info("%s signs in at the locked counter of %s", session.username, self.context.session.username)
        self.lock_screen.set_message(_("Signing in {name}…").format(name=session.full_name), "info")
        self.sig_staff_switched.emit(session)

    def _on_unlock_login_failed(self, error: BaseException) -> None:
        self.lock_screen.refuse(login_error_text(error))

    # -- session ---------------------------------------------------------------------------

    def _on_change_counter_action_triggered(self) -> None:
        if not self._locked:
            self.sig_change_counter_requested.emit()

    def _on_sign_out_action_triggered(self) -> None:
        if not self._locked:
            self.sig_sign_out_requested.emit()

    # -- the PC's state ---------------------------------------------------------------------

    def refresh_pc_status(self) -> None:
        """Read the state of store, printer and voice off the GUI thread and show it."""
        services = self.context.services
        run_in_background(
            lambda: pc_status(services), self._on_pc_status_read, self._on_pc_status_failed,
            owner=self, name="pc-status",
        )

    def _on_pc_status_read(self, items: object) -> None:
        if isinstance(items, tuple):
            self.pc_status_bar.set_items(items)

    def _on_pc_status_failed(self, error: BaseException) -> None:
        _log.error("the state of this PC could not be read: %s", error)

    def current_page(self) -> CounterPage | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, CounterPage) else None

    def page_of(self, page_type: type[CounterPage]) -> CounterPage | None:
        return next((p for p in self.pages if isinstance(p, page_type)), None)

    # -- Navigator: what pages ask for by name ------------------------------------------------

    def show_page(self, page_name: str, **args: Any) -> CounterPage | None:
        page = next((p for p in self.pages if p.page_name == page_name), None)
        if page is None:
            _log.warning("no page named %r in this counter window", page_name)
            return None
        if not self._locked:
            self.tabs.setCurrentWidget(page)
        page.page_asked(**args)
        return page

    def open_dossier(self, code: str, parent: QWidget | None = None) -> QDialog | None:
        return open_dossier_view(parent if parent is not None else self, self.context, code)

    def open_intake(self, guide: ProcedureGuide, parent: QWidget | None = None) -> QDialog | None:
        return open_intake(parent if parent is not None else self, self.context, guide)

    def _add_command(
        self, text: str, shortcut: str | QKeySequence, slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)  # window-wide, whichever child has the focus
        self._work_actions.append(action)
        return action

    def _on_tabs_current_changed(self, _index: int) -> None:
        page = self.current_page()
        if page is not None:
            page.page_shown()

    def _on_find_action_triggered(self) -> None:
        page = self.current_page()
        if page is not None:
            page.focus_search()

    def _on_clear_action_triggered(self) -> None:
        page = self.current_page()
        if page is not None:
            page.clear_search()

    def _on_print_action_triggered(self) -> None:
        page = self.current_page()
        if page is not None:
            page.print_current()
