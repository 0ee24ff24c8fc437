"""What the queue windows share: the in-process event bus, the station's centre, and the queue's words."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Qt, Signal

from counter_app.domain.errors import DomainError
from counter_app.services.formatting import format_priority
from counter_app.services.i18n import N_, _, describe_error, with_log_note
from counter_app.services.queue_port import (
    CallView,
    Priority,
    TicketOutcome,
    TicketStatus,
    TicketView,
)

if TYPE_CHECKING:
    from counter_app.services.ports import PrintJob
    from counter_app.services.queue_port import QueueService

_log = logging.getLogger(__name__)


class Announcer(Protocol):
    """Says a call out loud (services.voice.VoiceQueue); returns at once, queues, never cuts off."""

    def announce(self, ticket_number: str, counter_number: int) -> object: ...

    def recall(self, ticket_number: str, counter_number: int) -> object: ...


class TicketPrinter(Protocol):
    """Prints a queue ticket (number, service, time, people ahead, QR); may fail with ``ok`` False."""

    def print_ticket(self, ticket: TicketView, centre_name: str) -> PrintJob: ...


class QueueEvents(QObject):
    """Bus of queue events for the windows of one process, so they repaint at once.

    Fed by the windows themselves (the counter panel after each action) and, through ``follow``,
    by the queue's own ``subscribe`` (every commit of this process, or pushes from the centre
    hub). Listeners get an event more than once at times and must not mind: the display and
    the rating pad recognise what they already have. Windows in other processes are reached
    by polling the queue.
    """

    sig_called = Signal(object)  # CallView: a number was called (or recalled) to a counter
    sig_finished = Signal(object)  # TicketView: service ended at a counter (the rating pad listens)
    sig_changed = Signal()  # waiting counts changed (ticket issued, transferred, no-show …)
    _sig_update = Signal(object)  # QueueUpdate from any thread; delivered on the bus's (GUI) thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._followed: dict[int, Callable[[], None]] = {}
        self._sig_update.connect(self._on_queue_update, Qt.ConnectionType.QueuedConnection)

    def follow(self, queue: object) -> bool:
        """Re-emit what ``queue.subscribe`` reports; False when the queue cannot report (then: polling)."""
        subscribe = getattr(queue, "subscribe", None)
        if not callable(subscribe):
            return False
        if id(queue) not in self._followed:
            self._followed[id(queue)] = subscribe(self._sig_update.emit)
        return True

    def unfollow_all(self) -> None:
        for unsubscribe in self._followed.values():
            unsubscribe()
        self._followed.clear()

    def _on_queue_update(self, update: object) -> None:
        if isinstance(update, CallView):
            self.sig_called.emit(update)
            return
        if isinstance(update, TicketView):
            self.sig_changed.emit()
            if update.status is TicketStatus.DONE and update.outcome in (TicketOutcome.SERVED, TicketOutcome.WALK_IN):
                self.sig_finished.emit(update)


_events: QueueEvents | None = None


def queue_events() -> QueueEvents:
    """The process's bus; created on first use, which must be on the GUI thread."""
    global _events
    if _events is None:
        _events = QueueEvents()
    return _events


@dataclass(frozen=True, slots=True)
class Station:
    """The centre a kiosk, hall display or rating pad serves."""

    centre_id: str
    centre_name: str


def station_of(services: Any) -> Station:
    """The centre of this PC. Until stations have a setting of their own: the demo session's centre."""
    station = getattr(services, "station", None)
    if callable(station):
        found = station()
        return Station(found.centre_id, found.centre_name)
    session, _counter = services.demo_session()
    return Station(session.centre_id, session.centre_name)


def queue_of(services: Any) -> QueueService | None:
    """``services.queue``, or None while the queue is not wired (the windows then say so)."""
    return getattr(services, "queue", None)


def announcer_of(services: Any) -> Announcer | None:
    return getattr(services, "announcer", None)


def ticket_printer_of(services: Any) -> TicketPrinter | None:
    return getattr(services, "ticket_printer", None)



_STATUSES: dict[TicketStatus, str] = {
    TicketStatus.WAITING: N_("Waiting for a call"),
    TicketStatus.CALLED: N_("Called — walking to the counter"),
    TicketStatus.SERVING: N_("Being served"),
    TicketStatus.DONE: N_("Service finished"),
}

_SERVICES: dict[str, str] = {
    "submit": N_("Submit a dossier"),
    "collect": N_("Collect a result"),
}

# The priority categories the kiosk offers unless a centre configures its own (Decree 118 Art. 13
# names the first three; small children and veterans are local practice).
DEFAULT_PRIORITIES: tuple[Priority, ...] = tuple(p for p in Priority if p is not Priority.NONE)


def priority_text(priority: Priority) -> str:
    return format_priority(priority)


def status_text(status: TicketStatus) -> str:
    return _(_STATUSES.get(status, str(status)))


def service_text(service: str) -> str:
    """Words for a line's service key; unknown keys are shown as configured."""
    label = _SERVICES.get(service)
    return _(label) if label is not None else service


def error_text(error: BaseException) -> str:
    """Words for a failed queue action: the rule that refused it, or a polite "see the log"."""
    if isinstance(error, DomainError):
        return describe_error(error)
    return with_log_note(_("The queue could not be reached."))


def minutes_text(minutes: float) -> str:
    """A duration in whole minutes for people: "under 1 minute", "12 minutes"."""
    whole = round(minutes)
    if whole < 1:
        return _("under 1 minute")
    return _("{n} min").format(n=whole)


def clock_text(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


_PX = re.compile(r"(\d+)px")


def scaled_stylesheet(template: str, scale: float) -> str:
    """A stylesheet written for 1920x1080 with every ``Npx`` scaled (the windows fill any screen)."""
    return _PX.sub(lambda m: f"{max(1, round(int(m.group(1)) * scale))}px", template)


def screen_scale(width: int, height: int) -> float:
    """How much smaller (or larger) than 1920x1080 (or a 1080x1920 portrait kiosk) a window is."""
    long_side, short_side = (height, width) if height > width else (width, height)
    return max(0.3, min(long_side / 1920, short_side / 1080))
