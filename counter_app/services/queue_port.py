"""The queue as the screens see it: one Protocol for one PC or a whole centre behind the hub."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

# The enums are domain vocabulary (counter_app.domain.queue); the screens import them from here.
from counter_app.domain.queue import Priority as Priority
from counter_app.domain.queue import TicketOutcome as TicketOutcome
from counter_app.domain.queue import TicketStatus as TicketStatus


@dataclass(frozen=True, slots=True)
class LineView:
    """A queue line (dòng số): its own prefix and number range, e.g. A001–A499."""

    id: str
    code: str  # prefix letter(s), e.g. "A"
    name: str  # e.g. "Nộp hồ sơ — Sở Nội vụ"
    group: str  # agency group shown first on the kiosk
    service: str  # "submit" | "collect" | other configured service keys
    waiting: int
    average_wait_minutes: float


@dataclass(frozen=True, slots=True)
class TicketView:
    id: str
    number: str  # "A012"
    line_id: str
    line_name: str
    priority: Priority
    status: TicketStatus
    issued_at: datetime
    called_at: datetime | None
    counter_number: int | None
    waiting_ahead: int  # at issue time, for the printed ticket
    estimated_wait_minutes: int
    outcome: TicketOutcome | None = None
    dossier_code: str = ""
    centre_id: str = ""
    counter_id: str = ""  # the counter that called / serves it ("" while waiting)
    started_at: datetime | None = None
    ended_at: datetime | None = None
    target_counter_number: int | None = None  # transferred to this counter
    print_job: str = ""  # the kiosk's ticket print job committed with the ticket ("" when none is owed)


@dataclass(frozen=True, slots=True)
class CallView:
    """One call-out for the hall display and the voice: number → counter."""

    ticket_number: str
    counter_number: int
    at: datetime
    recall: bool = False
    centre_id: str = ""
    counter_id: str = ""
    line_id: str = ""


@dataclass(frozen=True, slots=True)
class QueueKpis:
    day: str
    issued: int
    served: int
    no_show: int
    waiting_now: int
    average_wait_minutes: float
    average_service_minutes: float
    service_level: float  # share of tickets called within the target wait
    no_show_share: float
    idle_minutes_by_counter: dict[int, float]
    wait_buckets: dict[str, int]  # 3-minute buckets: "0-3", "3-6", …
    walk_ins: int = 0
    transferred: int = 0
    removed: int = 0  # removed, and removed at day reset
    average_walk_minutes: float = 0.0
    average_time_in_centre_minutes: float = 0.0
    target_wait_minutes: int = 0
    service_buckets: dict[str, int] = field(default_factory=dict)


QueueUpdate = CallView | TicketView
"""What subscribers get after each commit: every changed ticket, and a CallView for each call/recall."""


class QueueService(Protocol):
    """Implemented on one PC over the local store, or by a client of the centre hub (same screens)."""

    def lines(self, centre_id: str) -> list[LineView]: ...

    def issue_ticket(
        self, line_id: str, *, priority: Priority = Priority.NONE, request_key: str, owe_print: bool = False
    ) -> TicketView: ...

    def call_next(self, counter_id: str, staff_id: str) -> TicketView | None: ...

    def call_number(self, counter_id: str, staff_id: str, number: str) -> TicketView: ...

    def recall(self, counter_id: str, staff_id: str) -> CallView: ...

    def no_show(self, counter_id: str, staff_id: str) -> TicketView: ...

    def reactivate(self, number: str, counter_id: str, staff_id: str) -> TicketView: ...

    def transfer(self, counter_id: str, staff_id: str, *, to_line_id: str | None = None,
                 to_counter_id: str | None = None) -> TicketView: ...

    def start_service(self, counter_id: str, staff_id: str) -> TicketView: ...

    def finish_service(self, counter_id: str, staff_id: str, *, dossier_code: str = "") -> TicketView:
        """End the service; a ticket only called is started and finished in the one transaction."""
        ...

    def walk_in(self, counter_id: str, staff_id: str, line_id: str) -> TicketView: ...

    def pause_counter(self, counter_id: str, staff_id: str, paused: bool) -> None: ...

    def current_ticket(self, counter_id: str) -> TicketView | None: ...

    def recent_calls(self, centre_id: str, limit: int = 10) -> list[CallView]: ...

    def kpis(self, centre_id: str, staff_id: str) -> QueueKpis:
        """Today's figures; raises PermissionDenied unless the staff member may see them."""
        ...

    def rate(self, ticket_id: str, level: int, reason: str = "") -> None: ...

    def reset_day(self, centre_id: str, staff_id: str, *, carry_over: bool = False) -> int:
        """Close or carry the waiting tickets; checked and recorded with the acting staff member."""
        ...

    def subscribe(self, callback: Callable[[QueueUpdate], None]) -> Callable[[], None]:
        """Call ``callback`` after each commit (in the committing thread); returns the unsubscribe."""
        ...
