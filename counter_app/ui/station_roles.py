"""The unattended stations (kiosk, hall display, rating pad): open the store, then go full-screen."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from counter_app.domain.errors import DomainError
from counter_app.services.i18n import _
from counter_app.services.queue_port import Priority, TicketStatus, TicketView
from counter_app.services.read_models import CounterView
from counter_app.ui.counter_role import store_error_text
from counter_app.ui.display import HallDisplayWindow
from counter_app.ui.kiosk import KioskWindow
from counter_app.ui.queue_common import (
    QueueEvents,
    Station,
    announcer_of,
    queue_events,
    queue_of,
    station_of,
    ticket_printer_of,
)
from counter_app.ui.rating import RatingPadWindow
from counter_app.ui.station_devices import attach_device_indicator
from counter_app.ui.tasks import run_in_background

if TYPE_CHECKING:
    from counter_app.services.ports import CounterAppServices

_log = logging.getLogger(__name__)

RETRY_OPEN_MS = 30_000  # an unattended station keeps trying; nobody is there to restart it


def clock_of(services: Any) -> Callable[[], datetime]:
    """The services' clock (Vietnam time), or the PC's clock in its own zone."""
    clock = getattr(services, "clock", None)
    return clock.now if clock is not None else (lambda: datetime.now().astimezone())


def choose_screen(widget: QWidget, screen_number: int | None) -> None:
    """Put ``widget`` on screen ``screen_number`` (1 = the first screen Qt lists); default: primary."""
    screens = QGuiApplication.screens()
    screen = QGuiApplication.primaryScreen()
    if screen_number is not None:
        if 1 <= screen_number <= len(screens):
            screen = screens[screen_number - 1]
        else:
            _log.warning("screen %s not found (%d screens); using the primary screen", screen_number, len(screens))
    if screen is not None:
        widget.setScreen(screen)
        widget.setGeometry(screen.geometry())


class StationSetupError(Exception):
    """The station's options do not fit the store (e.g. ``--counter 9`` where there is no counter 9)."""

    def __init__(self, words: str) -> None:
        super().__init__(words)
        self.words = words


class _Splash(QWidget):
    """Full-screen "starting…" or "cannot start: why" while the station has no window of its own yet."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.setObjectName("stationSplash")
        self.setWindowTitle(title)
        self.setStyleSheet("QWidget#stationSplash { background: #0b3d91; } "
                           "QLabel { color: #ffffff; font-size: 32pt; font-weight: bold; }")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.label = QLabel(_("Starting…"))
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(80, 80, 80, 80)
        layout.addWidget(self.label)


@dataclass(frozen=True, slots=True)
class _Opened:
    services: Any
    station: Station
    counters: list[CounterView]


class StationRole(QObject):
    """Opens the store off the GUI thread behind a splash, then shows the station's window full-screen."""

    def __init__(
        self,
        title: str,
        open_store: Callable[[], CounterAppServices],
        build: Callable[[_Opened], QWidget],
        *,
        screen: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._open_store = open_store
        self._build = build
        self._screen = screen
        self.splash = _Splash(title)
        self.window: QWidget | None = None
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_OPEN_MS)
        self._retry.timeout.connect(self._on_retry_timeout)

    def start(self) -> None:
        choose_screen(self.splash, self._screen)
        self.splash.showFullScreen()
        QTimer.singleShot(0, self._open)

    def _open(self) -> None:
        open_store = self._open_store

        def work() -> _Opened:
            services = open_store()
            station = station_of(services)
            return _Opened(services, station, services.counters(station.centre_id))

        run_in_background(work, self._on_opened, self._on_open_failed, owner=self, name="station-open")

    def _on_opened(self, opened: object) -> None:
        assert isinstance(opened, _Opened)
        try:
            window = self._build(opened)
        except (DomainError, StationSetupError) as error:
            self._on_open_failed(error)
            return
        choose_screen(window, self._screen)
        window.showFullScreen()
        self.splash.hide()
        self.window = window

    def _on_open_failed(self, error: BaseException) -> None:
        reason = error.words if isinstance(error, StationSetupError) else store_error_text(error)
        self.splash.label.setText(
            _("This station cannot start: {reason}").format(reason=reason)
            + "\n\n" + _("It will try again in a moment.")
        )
        self._retry.start()

    def _on_retry_timeout(self) -> None:
        self.splash.label.setText(_("Starting…"))
        self._open()


# -- windows ------------------------------------------------------------------------------------


def _events(services: Any) -> QueueEvents:
    """The process's bus, following the queue's own reports when it gives them."""
    events = queue_events()
    queue = queue_of(services)
    if queue is not None:
        events.follow(queue)
    return events


def kiosk_window(services: Any, station: Station, *, autoload: bool = True) -> KioskWindow:
    printer = ticket_printer_of(services)
    window = KioskWindow(
        queue_of(services), station, printer=printer, now=clock_of(services),
        events=_events(services), autoload=autoload,
    )
    if autoload and printer is not None:  # a kiosk starting work (screenshots write nothing)
        # tickets committed but never printed before this start are dropped, never printed now
        run_in_background(
            printer.drop_left_over, None,
            lambda error: _log.error("left-over ticket print jobs not dropped: %s", error),
            owner=window, name="drop left-over tickets",
        )
    # the ticket printer out of paper: a discreet line for the staff; numbers go on being issued on screen
    attach_device_indicator(window, getattr(services, "device_board", None))
    return window


def display_window(
    services: Any, station: Station, counters: list[CounterView], *, poll: bool = True
) -> HallDisplayWindow:
    window = HallDisplayWindow(
        queue_of(services), station, counters, announcer=announcer_of(services), now=clock_of(services),
        events=_events(services), poll=poll,
    )
    attach_device_indicator(window, getattr(services, "device_board", None))  # a small corner indicator
    return window


def rating_window(counters: list[CounterView], services: Any, counter_number: int | None) -> RatingPadWindow:
    if not counters:
        raise DomainError("store.no_counter", centre=station_of(services).centre_name)
    if counter_number is None:
        counter = counters[0]
    else:
        found = [c for c in counters if c.number == counter_number]
        if not found:
            raise StationSetupError(
                _("There is no counter {number} at {centre}.").format(
                    number=counter_number, centre=station_of(services).centre_name
                )
            )
        counter = found[0]
    window = RatingPadWindow(queue_of(services), counter.id, counter.number, events=_events(services))
    attach_device_indicator(window, getattr(services, "device_board", None))
    return window


# -- roles (counter-app --role …) ------------------------------------------------------------------


def start_kiosk(open_store: Callable[[], CounterAppServices], screen: int | None) -> StationRole:
    role = StationRole(_("Queue ticket kiosk"), open_store,
                       lambda o: kiosk_window(o.services, o.station), screen=screen)
    role.start()
    return role


def start_display(open_store: Callable[[], CounterAppServices], screen: int | None) -> StationRole:
    role = StationRole(_("Hall display"), open_store,
                       lambda o: display_window(o.services, o.station, o.counters), screen=screen)
    role.start()
    return role


def start_rating(open_store: Callable[[], CounterAppServices], screen: int | None, counter: int | None) -> StationRole:
    role = StationRole(_("Rating pad"), open_store,
                       lambda o: rating_window(o.counters, o.services, counter), screen=screen)
    role.start()
    return role


# -- screenshots on a store (the queue is read, never written) ----------------------------------------


def kiosk_screenshot_window(services: CounterAppServices) -> QWidget:
    """The kiosk's first screen with the lines of the store."""
    station = station_of(services)
    window = kiosk_window(services, station, autoload=False)
    queue = queue_of(services)
    if queue is not None:
        window.show_lines(queue.lines(station.centre_id))
    return window


def display_screenshot_window(services: CounterAppServices) -> QWidget:
    """The hall display with the store's last calls and waiting counts."""
    station = station_of(services)
    window = display_window(services, station, services.counters(station.centre_id), poll=False)
    queue = queue_of(services)
    if queue is not None:
        window.show_history(queue.recent_calls(station.centre_id, 10))
        window.show_lines(queue.lines(station.centre_id))
    return window


def rating_screenshot_window(services: CounterAppServices) -> QWidget:
    """The rating pad of the first counter, asking about a sample ticket (nothing is recorded)."""
    station = station_of(services)
    counters = services.counters(station.centre_id)
    window = rating_window(counters, services, None)
    clock = clock_of(services)
    sample = TicketView(
        id="screenshot", number="A001", line_id="", line_name="", priority=Priority.NONE,
        status=TicketStatus.DONE, issued_at=clock(), called_at=clock(),
        counter_number=counters[0].number, waiting_ahead=0, estimated_wait_minutes=0,
    )
    window.ask(sample)
    return window
