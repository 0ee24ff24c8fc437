"""The counter role: sign in (while the store opens), pick the counter, work in the counter window."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from counter_app.domain.errors import DomainError
from counter_app.services.i18n import _, describe_error, with_log_note
from counter_app.services.read_models import CounterView, StaffSession
from counter_app.ui.counter_select import CounterSelectWindow
from counter_app.ui.errors import show_error
from counter_app.ui.login import LoginWindow
from counter_app.ui.tasks import run_in_background

if TYPE_CHECKING:
    from counter_app.services.ports import CounterAppServices
    from counter_app.ui.main_window import CounterWindow

_log = logging.getLogger(__name__)

EXIT_STORE_FAILED = 1  # as `counter`: 1 for store problems, 2 for bad arguments (README)


class StoreOpenFailed(Exception):
    """Opening the local store failed; carries the data folder for the message."""

    def __init__(self, data_dir: Path | None, cause: BaseException) -> None:
        super().__init__(f"could not open the store in {data_dir}: {cause}")
        self.data_dir = data_dir
        self.cause = cause


def store_error_text(error: BaseException) -> str:
    """Words for a failed store opening (DomainError codes store.*; anything else is unexpected)."""
    cause = error.cause if isinstance(error, StoreOpenFailed) else error
    if isinstance(cause, DomainError):
        return describe_error(cause)
    return with_log_note(_("The data could not be opened because of an unexpected error."))


class CounterRole(QObject):
    """Owns the windows of the counter role and walks the staff member through them."""

    def __init__(
        self,
        open_store: Callable[[], CounterAppServices],
        parent: QObject | None = None,
        *,
        idle_lock_minutes: float | None = None,  # None: the counter window's default; 0: never
    ) -> None:
        super().__init__(parent)
        self._open_store = open_store
        self._idle_lock_minutes = idle_lock_minutes
        self.services: CounterAppServices | None = None
        self.login_window = LoginWindow()
        self.select_window: CounterSelectWindow | None = None
        self.counter_window: CounterWindow | None = None
        self._session: StaffSession | None = None
        self._duty_id: str | None = None
        self._duty_window: CounterWindow | None = None  # the window whose duty period is open
        self._loading_counters = False
        self.stop_scanner: Callable[[], None] | None = None  # the PC's serial scanner, once the store is open
        self.login_window.sig_logged_in.connect(self._on_login_window_logged_in)

    def start(self) -> None:
        self.login_window.show()
        # Open the store once the login window is on screen: SQLAlchemy alone takes 0.3 s to import.
        QTimer.singleShot(0, self._start_opening_store)

    def _start_opening_store(self) -> None:
        run_in_background(
            self._open_store, self._on_store_opened, self._on_store_failed, name="open_store"
        )

    def _on_store_opened(self, services: object) -> None:
        self.services = services  # type: ignore[assignment]
        self.login_window.set_services(services)  # type: ignore[arg-type]
        self._warm_up(services)
        self._start_serial_scanner()
        self._start_boards()
        self._start_office_printer()

    def _start_office_printer(self) -> None:
        """An office printer set for this PC: Mẫu 01–07, the book and guidance sheets go on paper."""
        from counter_app.ui.office_printer import install_office_printer

        try:
            install_office_printer(self.services)
        except Exception:
            _log.exception("the office printer could not be set up; documents go to the virtual printer")
        services = self.services
        on_change = getattr(services, "on_device_change", None)
        if callable(on_change):  # assigned again on the Devices screen: installed again at once
            on_change("office-printer", lambda: install_office_printer(services))

    def _start_serial_scanner(self) -> None:
        """A serial/USB-CDC scanner set for this PC: its codes take the keyboard-wedge scans' route."""
        from counter_app.ui.scanner import install_scanner

        if self.services is None:
            return
        try:
            stop = self.services.start_scanner(install_scanner().inject)
        except Exception:
            _log.exception("the serial scanner could not start; scans come through the keyboard only")
            return
        self.stop_scanner = stop
        stop = stop or getattr(self.services, "stop_scanner", None)  # one assigned later is closed too
        if stop is not None:
            app = QApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(stop)

    def _start_boards(self) -> None:
        """The queue-number boards set for this PC: each call at counter N shows on board N."""
        if self.services is None:
            return
        try:
            stop = self.services.start_boards()
        except Exception:
            _log.exception("the counter boards could not start; calls show on the hall display only")
            return
        stop = stop or getattr(self.services, "stop_boards", None)  # boards assigned later are closed too
        if stop is not None:
            app = QApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(stop)

    @staticmethod
    def _warm_up(services: object) -> None:
        """While the clerk signs in: build today's address lists (34 provinces, their communes) so the
        first intake dialog opens without a pause of a few hundred milliseconds."""
        dossiers, clock = getattr(services, "dossiers", None), getattr(services, "clock", None)
        warm = getattr(dossiers, "address_book", None)
        if callable(warm) and clock is not None:
            today = clock.now().date()
            run_in_background(lambda: warm(today), name="address lists")

    def _on_store_failed(self, error: BaseException) -> None:
        text = store_error_text(error)
        self.login_window.set_store_failed(text)
        data_dir = error.data_dir if isinstance(error, StoreOpenFailed) else None
        details = _("Data folder: {path}").format(path=data_dir) if data_dir is not None else ""
        show_error(self.login_window, _("Could not open the data"), text, details)
        QApplication.exit(EXIT_STORE_FAILED)

    def _on_login_window_logged_in(self, session: object) -> None:
        assert isinstance(session, StaffSession)
        self._load_counters(session)

    def _load_counters(self, session: StaffSession) -> None:
        """Then the counter choice, in place of the login window or of the counter window."""
        services = self.services
        assert services is not None
        if self._loading_counters:
            return  # already on its way (the key pressed twice)
        self._loading_counters = True
        self._session = session
        run_in_background(
            lambda: services.counters(session.centre_id),
            self._on_counters_loaded,
            self._on_counters_failed,
            owner=self,
            name="counters",
        )

    def _on_counters_loaded(self, counters: object) -> None:
        self._loading_counters = False
        session = self._session
        assert session is not None and isinstance(counters, list)
        if not counters:
            self._back_to_login()
            self.login_window.reset()
            self.login_window.set_message(
                _("{centre} has no counters yet. Ask an administrator to add them.").format(
                    centre=session.centre_name
                ),
                "error",
            )
            return
        window = CounterSelectWindow(session, counters)
        window.sig_chosen.connect(self._on_select_window_chosen)
        window.sig_back.connect(self._on_select_window_back)
        self._replace(self.counter_window or self.login_window, window)
        self._dispose_counter_window()
        self.select_window = window

    def _on_counters_failed(self, error: BaseException) -> None:
        self._loading_counters = False
        self._back_to_login()
        self.login_window.reset()
        self.login_window.set_message(
            describe_error(error)
            if isinstance(error, DomainError)
            else with_log_note(_("The counters could not be loaded.")),
            "error",
        )

    def _on_select_window_chosen(self, counter: object) -> None:
        from counter_app.ui.main_window import CounterContext, CounterWindow

        assert isinstance(counter, CounterView) and self._session is not None
        assert self.services is not None
        services, session = self.services, self._session
        if self._idle_lock_minutes is None:
            window = CounterWindow(CounterContext(self.services, self._session, counter))
        else:
            window = CounterWindow(
                CounterContext(self.services, self._session, counter), idle_lock_minutes=self._idle_lock_minutes
            )
        run_in_background(  # record the duty period; a failure is logged, work goes on
            lambda: services.open_counter(session, counter.id),
            lambda duty_id: self._on_duty_opened(window, duty_id),
            owner=self,
            name="open-counter",
        )
        window.sig_closing.connect(self._on_counter_window_closing)
        window.sig_sign_out_requested.connect(self._on_counter_window_sign_out_requested)
        window.sig_change_counter_requested.connect(self._on_counter_window_change_counter_requested)
        window.sig_staff_switched.connect(self._on_counter_window_staff_switched)
        window.showMaximized()
        if self.select_window is not None:
            self.select_window.close()
            self.select_window.deleteLater()
            self.select_window = None
        self.counter_window = window
        self._duty_window = window

    def _on_duty_opened(self, window: CounterWindow, duty_id: object) -> None:
        if not isinstance(duty_id, str):
            return
        self._duty_id = duty_id
        if window is not self._duty_window:
            self._end_duty()  # the window was left before its duty period was recorded: end it now

    def _end_duty(self) -> None:
        """Record the end of the open duty period, once (sign out, change counter, window closed)."""
        duty_id, services = self._duty_id, self.services
        self._duty_id = None
        self._duty_window = None
        if duty_id is None or services is None:
            return
        run_in_background(
            lambda: services.close_counter(duty_id), None, self._on_duty_close_failed, name="close-counter"
        )

    def _on_duty_close_failed(self, error: BaseException) -> None:
        _log.error("the end of the duty period was not recorded: %s", error)

    def _on_counter_window_closing(self) -> None:
        self._end_duty()

    def _on_counter_window_sign_out_requested(self) -> None:
        _log.info("%s signs out", self._session.username if self._session else "?")
        self._end_duty()
        self._back_to_login()
        self.login_window.reset()

    def _on_counter_window_change_counter_requested(self) -> None:
        session = self._session
        if session is None:
            return
        self._end_duty()
        self._load_counters(session)  # the counter choice replaces the counter window

    def _on_counter_window_staff_switched(self, session: object) -> None:
        assert isinstance(session, StaffSession)
        self._end_duty()  # the first clerk is signed out
        self._load_counters(session)

    def _back_to_login(self) -> None:
        """The login window in place of the counter window, if one is open."""
        if self.counter_window is None:
            return
        self._session = None
        self._replace(self.counter_window, self.login_window)
        self._dispose_counter_window()

    def _dispose_counter_window(self) -> None:
        window = self.counter_window
        if window is None:
            return
        self.counter_window = None
        self._end_duty()
        window.close()
        window.deleteLater()

    def _on_select_window_back(self) -> None:
        self._session = None
        if self.select_window is not None:
            self._replace(self.select_window, self.login_window)
            self.select_window.deleteLater()
            self.select_window = None
        self.login_window.reset()

    @staticmethod
    def _replace(old: QWidget, new: QWidget) -> None:
        # Show the next window before hiding the old one, or Qt sees no window and quits.
        new.show()
        new.raise_()
        new.activateWindow()
        old.hide()


def counter_screenshot_window(services: CounterAppServices) -> QWidget:
    """The counter window of the demo session, guide searched for "khai sinh", first result open."""
    from counter_app.ui.main_window import CounterContext, CounterWindow

    session, counter = services.demo_session()
    window = CounterWindow(CounterContext(services, session, counter))
    window.show_page("guide", search="khai sinh", row=0)
    return window
