"""In-memory fakes of the queue ports (QueueService, announcer, ticket printer) for the ui tests."""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from counter_app.domain.errors import DomainError
from counter_app.domain.queue import (
    MOMENT_OF_EVENT,
    CounterMoment,
    CounterState,
    Head,
    Line,
    Ticket,
)
from counter_app.domain.queue import EventType as QueueEventType
from counter_app.domain.units import Counter
from counter_app.services.permissions import Permission, require
from counter_app.services.ports import PrintJob
from counter_app.services.queue_port import (
    CallView,
    LineView,
    Priority,
    QueueKpis,
    TicketOutcome,
    TicketStatus,
    TicketView,
)
from counter_app.services.read_models import CounterView, StaffSession

VN_TZ = timezone(timedelta(hours=7), "ICT")
MINUTES_PER_TICKET = 3
TARGET_WAIT_MINUTES = 15
NO_SHOW_TOLERANCE = timedelta(minutes=30)
CENTRE_ID = "c-ht"  # CENTRE_PROVINCE of tests/fakes.py


@dataclass(frozen=True)
class FakeLine:
    id: str
    code: str
    name: str
    group: str
    service: str


DEMO_LINES: tuple[FakeLine, ...] = (
    FakeLine("l-a", "A", "Nộp hồ sơ — Tư pháp, hộ tịch", "Tư pháp – Hộ tịch", "submit"),
    FakeLine("l-b", "B", "Nhận kết quả — Tư pháp, hộ tịch", "Tư pháp – Hộ tịch", "collect"),
    FakeLine("l-c", "C", "Nộp hồ sơ — Đất đai", "Tài nguyên – Đất đai", "submit"),
    FakeLine("l-d", "D", "Nhận kết quả — Đất đai", "Tài nguyên – Đất đai", "collect"),
    FakeLine("l-e", "E", "Cấp điện, hợp đồng mua bán điện", "Điện lực Hà Tĩnh", "submit"),
)


@dataclass
class _Ticket:
    id: str
    number: str
    line: FakeLine
    priority: Priority
    issued_at: datetime
    waiting_ahead: int
    estimated_wait_minutes: int
    status: TicketStatus = TicketStatus.WAITING
    called_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    counter_id: str | None = None
    staff_id: str | None = None
    reserved_counter_id: str | None = None  # transferred to a counter: only it may call the ticket
    outcome: TicketOutcome | None = None
    dossier_code: str = ""


class FakeQueueService:
    """``QueueService`` in memory: FIFO per centre, priority first, thread-safe.

    ``counters`` maps counter id → number (every counter serves every line). Calls are recorded
    so tests can check what the screens asked for; ``fail_next`` makes the next call raise.
    """

    def __init__(
        self,
        *,
        centre_id: str = CENTRE_ID,
        counters: dict[str, int] | None = None,
        lines: tuple[FakeLine, ...] = DEMO_LINES,
        now: Callable[[], datetime] | None = None,
        staff: Callable[[str], Any] | None = None,
    ) -> None:
        self.centre_id = centre_id
        # staff id → a staff record (id, role, centre_id, active); the permissions are the services' own
        self._staff = staff or (lambda _staff_id: None)
        self.counters = counters if counters is not None else {"k1": 1, "k2": 2, "k3": 3}
        self._lines = {line.id: line for line in lines}
        self._now = now or (lambda: datetime(2026, 3, 2, 9, 30, tzinfo=VN_TZ))
        self._lock = threading.RLock()
        self._tickets: list[_Ticket] = []
        self._by_key: dict[str, str] = {}
        self._next_number: dict[str, int] = {line.id: 0 for line in lines}
        self._calls: list[CallView] = []
        self._paused: set[str] = set()
        self._ids = itertools.count(1)
        self.ratings: list[tuple[str, int, str]] = []
        self._subscribers: list[Callable[[Any], None]] = []
        self.issue_calls = 0
        self.fail_next: Exception | None = None

    # -- QueueService ------------------------------------------------------------------------

    def lines(self, centre_id: str) -> list[LineView]:
        with self._lock:
            self._maybe_fail()
            if centre_id != self.centre_id:
                return []
            return [self._line_view(line) for line in self._lines.values()]

    def issue_ticket(
        self, line_id: str, *, priority: Priority = Priority.NONE, request_key: str, owe_print: bool = False
    ) -> TicketView:
        with self._lock:
            self.issue_calls += 1
            self._maybe_fail()
            if request_key in self._by_key:  # the same tap sent twice: the same ticket
                return self._view(self._ticket(self._by_key[request_key]))
            line = self._lines.get(line_id)
            if line is None:
                raise DomainError("queue.unknown_line", line_id=line_id)
            self._next_number[line_id] += 1
            ahead = sum(1 for t in self._tickets if t.line.id == line_id and t.status is TicketStatus.WAITING)
            ticket = _Ticket(
                id=f"t{next(self._ids)}",
                number=f"{line.code}{self._next_number[line_id]:03d}",
                line=line,
                priority=priority,
                issued_at=self._now(),
                waiting_ahead=ahead,
                estimated_wait_minutes=ahead * MINUTES_PER_TICKET,
            )
            self._tickets.append(ticket)
            self._by_key[request_key] = ticket.id
            return self._published(self._view(ticket))

    def call_next(self, counter_id: str, staff_id: str) -> TicketView | None:
        with self._lock:
            self._maybe_fail()
            self._check_free(counter_id)
            waiting = [
                t for t in self._tickets
                if t.status is TicketStatus.WAITING and t.reserved_counter_id in (None, counter_id)
            ]
            if not waiting:
                return None
            waiting.sort(key=lambda t: (t.priority is Priority.NONE, t.issued_at, t.id))
            return self._call(waiting[0], counter_id, staff_id)

    def call_number(self, counter_id: str, staff_id: str, number: str) -> TicketView:
        with self._lock:
            self._maybe_fail()
            self._check_free(counter_id)
            ticket = self._by_number(number)
            if ticket.status is not TicketStatus.WAITING:
                raise DomainError("queue.not_waiting", number=ticket.number)
            return self._call(ticket, counter_id, staff_id)

    def recall(self, counter_id: str, staff_id: str) -> CallView:
        with self._lock:
            self._maybe_fail()
            ticket = self._current(counter_id)
            if ticket is None or ticket.status is not TicketStatus.CALLED:
                raise DomainError("queue.nothing_called")
            ticket.called_at = self._now()  # the last call counts for the waiting time
            call = CallView(ticket.number, self.counters[counter_id], ticket.called_at, recall=True)
            self._calls.append(call)
            return self._published(call)

    def no_show(self, counter_id: str, staff_id: str) -> TicketView:
        with self._lock:
            self._maybe_fail()
            ticket = self._current(counter_id)
            if ticket is None or ticket.status is not TicketStatus.CALLED:
                raise DomainError("queue.nothing_called")
            self._end(ticket, TicketOutcome.NO_SHOW)
            return self._published(self._view(ticket))

    def reactivate(self, number: str, counter_id: str, staff_id: str) -> TicketView:
        with self._lock:
            self._maybe_fail()
            self._check_free(counter_id)
            ticket = self._by_number(number)
            if ticket.outcome is not TicketOutcome.NO_SHOW:
                raise DomainError("queue.not_no_show", number=ticket.number)
            if ticket.ended_at is not None and self._now() - ticket.ended_at > NO_SHOW_TOLERANCE:
                raise DomainError("queue.reactivate_too_late", number=ticket.number)
            ticket.outcome, ticket.ended_at = None, None
            return self._call(ticket, counter_id, staff_id)

    def transfer(self, counter_id: str, staff_id: str, *, to_line_id: str | None = None,
                 to_counter_id: str | None = None) -> TicketView:
        with self._lock:
            self._maybe_fail()
            ticket = self._current(counter_id)
            if ticket is None:
                raise DomainError("queue.nothing_called")
            if to_counter_id is not None and to_counter_id not in self.counters:
                raise DomainError("queue.unknown_counter", counter_id=to_counter_id)
            if to_counter_id is not None and to_counter_id in self._paused:
                raise DomainError("queue.counter_closed", counter=self.counters[to_counter_id])
            line = self._lines[to_line_id] if to_line_id is not None else ticket.line
            self._end(ticket, TicketOutcome.TRANSFERRED)
            moved = _Ticket(
                id=f"t{next(self._ids)}", number=ticket.number, line=line, priority=ticket.priority,
                issued_at=ticket.issued_at, waiting_ahead=0, estimated_wait_minutes=0,
                reserved_counter_id=to_counter_id,
            )
            self._tickets.append(moved)
            self._published(self._view(ticket))
            return self._published(self._view(moved))

    def start_service(self, counter_id: str, staff_id: str) -> TicketView:
        with self._lock:
            self._maybe_fail()
            ticket = self._current(counter_id)
            if ticket is None or ticket.status is not TicketStatus.CALLED:
                raise DomainError("queue.nothing_called")
            ticket.status, ticket.started_at = TicketStatus.SERVING, self._now()
            return self._published(self._view(ticket))

    def finish_service(self, counter_id: str, staff_id: str, *, dossier_code: str = "") -> TicketView:
        with self._lock:
            self._maybe_fail()
            ticket = self._current(counter_id)
            if ticket is None:
                raise DomainError("queue.no_current_ticket")
            if ticket.status is TicketStatus.CALLED:  # Start was skipped: started and finished at once
                ticket.status, ticket.started_at = TicketStatus.SERVING, self._now()
            ticket.dossier_code = dossier_code
            walk_in = ticket.outcome is TicketOutcome.WALK_IN
            self._end(ticket, TicketOutcome.WALK_IN if walk_in else TicketOutcome.SERVED)
            return self._published(self._view(ticket))

    def walk_in(self, counter_id: str, staff_id: str, line_id: str) -> TicketView:
        with self._lock:
            self._maybe_fail()
            self._check_free(counter_id)
            line = self._lines[line_id]
            self._next_number[line_id] += 1
            now = self._now()
            ticket = _Ticket(
                id=f"t{next(self._ids)}", number=f"{line.code}{self._next_number[line_id]:03d}", line=line,
                priority=Priority.NONE, issued_at=now, waiting_ahead=0, estimated_wait_minutes=0,
                status=TicketStatus.SERVING, called_at=now, started_at=now, counter_id=counter_id,
                staff_id=staff_id, outcome=TicketOutcome.WALK_IN,
            )
            self._tickets.append(ticket)
            return self._published(self._view(ticket))

    def pause_counter(self, counter_id: str, staff_id: str, paused: bool) -> None:
        with self._lock:
            self._maybe_fail()
            (self._paused.add if paused else self._paused.discard)(counter_id)

    def current_ticket(self, counter_id: str) -> TicketView | None:
        with self._lock:
            ticket = self._current(counter_id)
            return self._view(ticket) if ticket is not None else None

    def recent_calls(self, centre_id: str, limit: int = 10) -> list[CallView]:
        with self._lock:
            self._maybe_fail()
            return list(reversed(self._calls[-limit:])) if centre_id == self.centre_id else []

    def kpis(self, centre_id: str, staff_id: str) -> QueueKpis:
        with self._lock:
            self._maybe_fail()
            self._require(staff_id, Permission.SEE_QUEUE_KPIS, centre_id)
            tickets = [t for t in self._tickets if t.outcome is not TicketOutcome.TRANSFERRED]
            called = [t for t in tickets if t.called_at is not None]
            served = [t for t in tickets if t.outcome in (TicketOutcome.SERVED, TicketOutcome.WALK_IN)]
            no_show = sum(1 for t in tickets if t.outcome is TicketOutcome.NO_SHOW)
            waits = [(t.called_at - t.issued_at).total_seconds() / 60 for t in called if t.called_at]
            services = [
                (t.ended_at - t.started_at).total_seconds() / 60
                for t in served if t.ended_at and t.started_at
            ]
            buckets: dict[str, int] = {}
            for w in waits:
                low = int(w // 3) * 3
                key = f"{low}-{low + 3}"
                buckets[key] = buckets.get(key, 0) + 1
            ended = len(served) + no_show
            return QueueKpis(
                day=self._now().date().isoformat(),
                issued=len(tickets),
                served=len(served),
                no_show=no_show,
                waiting_now=sum(1 for t in self._tickets if t.status is TicketStatus.WAITING),
                average_wait_minutes=sum(waits) / len(waits) if waits else 0.0,
                average_service_minutes=sum(services) / len(services) if services else 0.0,
                service_level=sum(1 for w in waits if w <= TARGET_WAIT_MINUTES) / len(waits) if waits else 1.0,
                no_show_share=no_show / ended if ended else 0.0,
                idle_minutes_by_counter={n: 0.0 for n in sorted(self.counters.values())},
                wait_buckets=dict(sorted(buckets.items(), key=lambda kv: int(kv[0].split("-")[0]))),
            )

    def rate(self, ticket_id: str, level: int, reason: str = "") -> None:
        with self._lock:
            self._maybe_fail()
            ticket = self._ticket(ticket_id)
            if not 1 <= level <= 5:
                raise DomainError("queue.bad_rating", level=level)
            if ticket.status is not TicketStatus.DONE:
                raise DomainError("queue.not_finished", number=ticket.number)
            self.ratings.append((ticket_id, level, reason))

    def reset_day(self, centre_id: str, staff_id: str, *, carry_over: bool = False) -> int:
        with self._lock:
            self._require(staff_id, Permission.RESET_QUEUE_DAY, centre_id)
            open_tickets = [t for t in self._tickets if t.status is not TicketStatus.DONE]
            for t in open_tickets:
                self._end(t, TicketOutcome.REMOVED_AT_RESET)
                self._published(self._view(t))
            self._next_number = dict.fromkeys(self._next_number, 0)
            return len(open_tickets)

    def subscribe(self, callback: Callable[[Any], None]) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    # -- helpers -----------------------------------------------------------------------------

    def _published(self, update: Any) -> Any:
        """Tell the subscribers (in this, the committing, thread) and hand the update back."""
        for callback in list(self._subscribers):
            callback(update)
        return update

    def waiting_total(self) -> int:
        with self._lock:
            return sum(1 for t in self._tickets if t.status is TicketStatus.WAITING)

    def _require(self, staff_id: str, permission: Permission, centre_id: str) -> None:
        roster = SimpleNamespace(by_id=self._staff)
        require(SimpleNamespace(staff=roster), staff_id, permission, centre_id=centre_id)

    def _maybe_fail(self) -> None:
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error

    def _line_view(self, line: FakeLine) -> LineView:
        waiting = [t for t in self._tickets if t.line.id == line.id and t.status is TicketStatus.WAITING]
        return LineView(line.id, line.code, line.name, line.group, line.service, len(waiting),
                        float(len(waiting) * MINUTES_PER_TICKET))

    def _view(self, t: _Ticket) -> TicketView:
        return TicketView(
            id=t.id, number=t.number, line_id=t.line.id, line_name=t.line.name, priority=t.priority,
            status=t.status, issued_at=t.issued_at, called_at=t.called_at,
            counter_number=self.counters.get(t.counter_id) if t.counter_id else None,
            waiting_ahead=t.waiting_ahead, estimated_wait_minutes=t.estimated_wait_minutes,
            outcome=t.outcome, dossier_code=t.dossier_code,
        )

    def _ticket(self, ticket_id: str) -> _Ticket:
        for t in self._tickets:
            if t.id == ticket_id:
                return t
        raise DomainError("queue.unknown_ticket", ticket_id=ticket_id)

    def _by_number(self, number: str) -> _Ticket:
        wanted = number.strip().upper()
        for t in reversed(self._tickets):
            if t.number == wanted:
                return t
        raise DomainError("queue.unknown_number", number=wanted)

    def _current(self, counter_id: str) -> _Ticket | None:
        for t in reversed(self._tickets):
            if t.counter_id == counter_id and t.status in (TicketStatus.CALLED, TicketStatus.SERVING):
                return t
        return None

    def _check_free(self, counter_id: str) -> None:
        if counter_id not in self.counters:
            raise DomainError("queue.unknown_counter", counter_id=counter_id)
        if counter_id in self._paused:
            raise DomainError("queue.counter_paused", counter=self.counters[counter_id])
        current = self._current(counter_id)
        if current is not None:
            raise DomainError("queue.counter_busy", number=current.number)

    def _call(self, ticket: _Ticket, counter_id: str, staff_id: str) -> TicketView:
        ticket.status, ticket.called_at = TicketStatus.CALLED, self._now()
        ticket.counter_id, ticket.staff_id = counter_id, staff_id
        call = CallView(ticket.number, self.counters[counter_id], ticket.called_at)
        self._calls.append(call)
        view = self._published(self._view(ticket))
        self._published(call)
        return view

    def _end(self, ticket: _Ticket, outcome: TicketOutcome) -> None:
        ticket.status, ticket.outcome, ticket.ended_at = TicketStatus.DONE, outcome, self._now()


@dataclass
class FakeAnnouncer:
    """Records the calls it was asked to say: (ticket number, counter number, recall)."""

    calls: list[tuple[str, int, bool]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def announce(self, ticket_number: str, counter_number: int) -> None:
        with self._lock:
            self.calls.append((ticket_number, counter_number, False))

    def recall(self, ticket_number: str, counter_number: int) -> None:
        with self._lock:
            self.calls.append((ticket_number, counter_number, True))


@dataclass
class FakeTicketPrinter:
    """A ticket printer that prints into a list, or fails (``fail``: ok False; ``crash``: raises)."""

    fail: bool = False
    crash: Exception | None = None
    printed: list[tuple[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def drop_left_over(self) -> list[Any]:
        return []  # a fake printer owes nothing from before

    def print_ticket(self, ticket: TicketView, centre_name: str) -> PrintJob:
        if self.crash is not None:
            raise self.crash
        if self.fail:
            return PrintJob("fake-ticket", ok=False, error="paper out")
        with self._lock:
            self.printed.append((ticket.number, centre_name))
        return PrintJob("fake-ticket", ok=True)


def with_queue(services: Any, *, printer: FakeTicketPrinter | None = None,
               announcer: FakeAnnouncer | None = None) -> Any:
    """Hang a fake queue, ticket printer and announcer on a FakeCounterAppServices (as bootstrap will)."""
    counters = {c.id: c.number for c in services.counter_views if c.centre_id == CENTRE_ID}
    services.queue = FakeQueueService(
        counters=counters, now=lambda: services.now,
        staff=lambda staff_id: next((s for s in services.staff.values() if s.id == staff_id), None),
    )
    services.ticket_printer = printer if printer is not None else FakeTicketPrinter()
    services.announcer = announcer if announcer is not None else FakeAnnouncer()
    return services


@dataclass
class QueueStand:
    """What a queue ui test works with, over the fake queue or the real one (same assertions)."""

    kind: str  # "fake" | "real"
    queue: Any  # QueueService
    announcer: FakeAnnouncer
    printer: FakeTicketPrinter
    events: Any  # counter_app.ui.queue_common.QueueEvents, fresh per test
    station: Any  # Station
    session: StaffSession
    counter: CounterView
    counters: list[CounterView]
    advance: Callable[[timedelta], None]
    supervisor: StaffSession  # a supervisor of the same centre, as the store knows them (figures, day reset)
    clerk: StaffSession  # a clerk of the same centre, as the store knows them
    fake: FakeQueueService | None = None

    def now(self) -> datetime:
        return datetime.now(VN_TZ)

    def other_counter(self) -> CounterView:
        return next(c for c in self.counters if c.id != self.counter.id)

    def lines(self) -> list[LineView]:
        """The centre's lines, those every counter serves first ("Nhận kết quả" in the demo store)."""
        lines = self.queue.lines(self.station.centre_id)
        if self.fake is not None:
            return lines
        return sorted(lines, key=lambda line: line.service != "collect")

    def issue(self, n: int = 1, *, line_index: int = 0, priority: Priority = Priority.NONE) -> list[TicketView]:
        line = self.lines()[line_index]
        return [
            self.queue.issue_ticket(line.id, priority=priority, request_key=uuid.uuid4().hex) for _ in range(n)
        ]

    def waiting(self) -> int:
        return sum(line.waiting for line in self.queue.lines(self.station.centre_id))


def queue_stand(request: pytest.FixtureRequest, tmp_path: Path) -> QueueStand:
    """Build the stand for ``request.param`` ("fake" or "real"); "real" is the demo store's LocalQueueService."""
    from counter_app.ui.queue_common import QueueEvents, Station
    from tests.fakes import FakeCounterAppServices, FakeStaff

    if request.param == "fake":
        services = with_queue(FakeCounterAppServices(tmp_path / "data"))

        def advance_fake(delta: timedelta) -> None:
            services.now += delta

        advance = advance_fake
    else:
        services = request.getfixturevalue("services")
        clock = request.getfixturevalue("clock")
        assert services.queue is not None, "bootstrap.open_services wires the local queue"

        def advance_real(delta: timedelta) -> None:
            clock.advance(seconds=delta.total_seconds())

        advance = advance_real
    admin, counter = services.demo_session()
    session = replace(admin, role="clerk")  # the screens as a clerk sees them; tests change it when needed
    if request.param == "fake":
        chief = FakeStaff("s-gs", "gs.lan", "demo123", "Phạm Thị Giám", session.centre_id, role="supervisor")
        services.staff[chief.username] = chief
        supervisor = StaffSession(chief.id, chief.username, chief.full_name, chief.role, chief.centre_id,
                                  session.centre_name)
        clerk = session  # the fake's first staff member is a clerk
    else:
        with services.uow(readonly=True) as uow:
            row = uow.staff.by_username("gsat01")  # the demo store's supervisor of the province centre
            supervisor = StaffSession(row.id, row.username, row.full_name, row.role, row.centre_id,
                                      session.centre_name)
            row = uow.staff.by_username("nv01")
            clerk = StaffSession(row.id, row.username, row.full_name, row.role, row.centre_id, session.centre_name)
    assert supervisor.role == "supervisor" and clerk.role == "clerk"
    assert supervisor.centre_id == clerk.centre_id == session.centre_id
    return QueueStand(
        kind=request.param,
        queue=services.queue,
        announcer=FakeAnnouncer(),
        printer=FakeTicketPrinter(),
        events=QueueEvents(),
        station=Station(session.centre_id, session.centre_name),
        session=session,
        counter=counter,
        counters=services.counters(session.centre_id),
        advance=advance,
        supervisor=supervisor,
        clerk=clerk,
        fake=services.queue if isinstance(services.queue, FakeQueueService) else None,
    )


# -- the queue repository in memory (services.ports.QueueRepository) -----------------------------------


@dataclass
class FakeQueueState:
    """The queue's rows; part of tests.fakes.FakeState (copied per unit of work)."""

    lines: dict[str, Line] = field(default_factory=dict)
    assignments: list[tuple[str, str, int]] = field(default_factory=list)  # (counter, line, weight)
    next_seq: dict[str, int] = field(default_factory=dict)
    tickets: dict[str, Ticket] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    states: dict[str, tuple[CounterState, datetime]] = field(default_factory=dict)
    ratings: dict[str, dict[str, Any]] = field(default_factory=dict)


class FakeQueueRepository:
    """What SqlQueueRepository answers, from lists: same orders, same filters."""

    def __init__(self, store: Any, state: Any) -> None:
        self._store = store  # tests.fakes.FakeStore: counters
        self._state = state  # tests.fakes.FakeState: staff, duties
        self._q: FakeQueueState = state.queue

    def _counter(self, counter_id: str) -> Counter | None:
        return next((c for c in self._store.counters if c.id == counter_id), None)

    # -- lines and assignments
    def add_line(self, line: Line) -> None:
        self._q.lines[line.id] = line

    def assign(self, counter_id: str, line_id: str, weight: int) -> None:
        self._q.assignments.append((counter_id, line_id, weight))

    def line(self, line_id: str) -> Line | None:
        return self._q.lines.get(line_id)

    def lines(self, centre_id: str, *, active_only: bool = True) -> list[Line]:
        found = [x for x in self._q.lines.values() if x.centre_id == centre_id and (x.active or not active_only)]
        return sorted(found, key=lambda x: (x.position, x.code))

    def counter_lines(self, counter_id: str) -> dict[str, int]:
        return {line: w for c, line, w in self._q.assignments if c == counter_id and self._q.lines[line].active}

    def assignments(self, centre_id: str) -> list[tuple[str, str, int]]:
        return sorted(a for a in self._q.assignments if self._q.lines[a[1]].centre_id == centre_id)

    def serving_counters(self, line_id: str) -> int:
        n = 0
        for c, line, w in self._q.assignments:
            counter = self._counter(c)
            state = self._q.states.get(c)
            if line == line_id and w > 0 and counter is not None and counter.active and not (state and state[0].paused):
                n += 1
        return n

    def desk(self, counter_id: str) -> tuple[Counter, CounterState] | None:
        counter = self._counter(counter_id)
        if counter is None:
            return None
        return counter, self.counter_state(counter_id, counter.centre_id)

    def staff_centre(self, staff_id: str) -> str | None:
        staff = self._state.staff.get(staff_id)
        return staff.centre_id if staff is not None and staff.active else None

    def staffed(self, counter_id: str) -> bool:
        return any(c == counter_id and ended is None for _, c, ended in self._state.duties.values())

    # -- sequence and numbers
    def next_seq(self, centre_id: str) -> int:
        seq = self._q.next_seq.get(centre_id, 1)
        self._q.next_seq[centre_id] = seq + 1
        return seq

    def last_number(self, issued_line_id: str, day: date) -> int | None:
        numbers = [t.number for t in self._q.tickets.values() if t.issued_line_id == issued_line_id and t.day == day]
        return max(numbers) if numbers else None

    # -- tickets
    def add_ticket(self, ticket: Ticket) -> None:
        if ticket.id in self._q.tickets or (
            ticket.request_key and self.by_request_key(ticket.request_key) is not None
        ):
            raise ValueError(f"ticket {ticket.label} exists")
        self._q.tickets[ticket.id] = ticket

    def save_ticket(self, ticket: Ticket, *, before: Ticket | None = None, expect: TicketStatus | None = None) -> bool:
        stored = self._q.tickets.get(ticket.id)
        if stored is None or (expect is not None and stored.status is not expect):
            return False
        self._q.tickets[ticket.id] = ticket
        return True

    def ticket(self, ticket_id: str) -> Ticket | None:
        return self._q.tickets.get(ticket_id)

    def by_request_key(self, request_key: str) -> Ticket | None:
        return next((t for t in self._q.tickets.values() if t.request_key == request_key), None)

    def with_number(self, centre_id: str, prefix: str, number: int, status: TicketStatus | None = None) -> Ticket | None:
        found = [t for t in self._q.tickets.values() if t.centre_id == centre_id and t.prefix == prefix and t.number == number]
        if status is not None:
            waiting = sorted((t for t in found if t.status is status), key=lambda t: t.order_key)
            return waiting[0] if waiting else None
        return max(found, key=lambda t: t.seq) if found else None

    def _waiting(self) -> list[Ticket]:
        return sorted((t for t in self._q.tickets.values() if t.status is TicketStatus.WAITING), key=lambda t: t.order_key)

    def heads(self, line_ids: Sequence[str], day: date) -> list[Head]:
        heads = []
        for line_id in line_ids:
            for priority in (True, False):
                head = next((t for t in self._waiting() if t.service_day == day and t.line_id == line_id
                             and t.is_priority is priority and t.target_counter_id is None), None)
                if head is not None:
                    heads.append(Head(head.order_key, head.id, head.line_id, priority))
        return heads

    def direct_heads(self, counter_id: str, day: date) -> list[Head]:
        for t in self._waiting():
            if t.target_counter_id == counter_id and t.service_day <= day:
                return [Head(t.order_key, t.id, t.line_id, t.is_priority)]
        return []

    def waiting_ahead(self, line_id: str, day: date, *, priority_only: bool) -> int:
        return sum(1 for t in self._waiting() if t.service_day == day and t.line_id == line_id
                   and (t.is_priority or not priority_only))

    def average_waits(self, centre_id: str, day: date) -> dict[str, float]:
        spans: dict[str, list[float]] = {}
        for t in self._q.tickets.values():
            if t.centre_id == centre_id and t.day == day and t.called_at is not None and not t.walk_in:
                minutes = max(0.0, (t.called_at - t.queued_at).total_seconds() / 60)
                spans.setdefault(t.line_id, []).append(minutes)
        return {line: sum(m) / len(m) for line, m in spans.items()}

    def waiting_counts(self, centre_id: str, day: date) -> dict[str, int]:
        counts: dict[str, int] = {}
        for t in self._waiting():
            if t.service_day == day and t.centre_id == centre_id:
                counts[t.line_id] = counts.get(t.line_id, 0) + 1
        return counts

    def services_of_day(self, centre_id: str, day: date, line_id: str, limit: int) -> list[tuple[datetime, datetime]]:
        served = sorted((t for t in self._q.tickets.values() if t.centre_id == centre_id and t.day == day
                         and t.line_id == line_id and t.outcome is TicketOutcome.SERVED), key=lambda t: -t.seq)
        return [(t.started_at, t.ended_at) for t in served[:limit] if t.started_at is not None and t.ended_at is not None]

    def waiting_before(self, centre_id: str, day: date, limit: int | None = None) -> list[Ticket]:
        stale = [t for t in self._waiting() if t.service_day < day and t.centre_id == centre_id]
        return stale if limit is None else stale[:limit]

    def waiting_up_to(self, centre_id: str, day: date) -> list[Ticket]:
        return [t for t in self._waiting() if t.service_day <= day and t.centre_id == centre_id]

    def tickets_of_day(self, centre_id: str, day: date) -> list[Ticket]:
        return sorted((t for t in self._q.tickets.values() if t.centre_id == centre_id and (
            t.day == day or (t.status is TicketStatus.WAITING and t.service_day == day and t.day < day))),
            key=lambda t: t.seq)

    # -- events
    def add_event(
        self, *, centre_id: str, seq: int, ticket_id: str | None, type_: QueueEventType, at: datetime, day: date,
        counter_id: str | None, staff_id: str | None, device_id: str, data: dict[str, Any] | None = None,
    ) -> str:
        event_id = str(uuid.uuid4())
        self._q.events.append({"id": event_id, "centre_id": centre_id, "seq": seq, "ticket_id": ticket_id,
                               "type": type_, "at": at, "day": day, "counter_id": counter_id,
                               "staff_id": staff_id, "device_id": device_id, "data": dict(data or {})})
        return event_id

    def recent_calls(self, centre_id: str, limit: int) -> list[tuple[str, int, datetime, bool, str, str]]:
        calls = []
        for e in sorted(self._q.events, key=lambda e: -e["seq"]):
            ticket = self._q.tickets.get(e["ticket_id"] or "")
            counter = self._counter(e["counter_id"] or "")
            if (e["centre_id"] == centre_id and ticket is not None and counter is not None
                    and e["type"] in (QueueEventType.CALLED, QueueEventType.RECALLED)):
                calls.append((ticket.label, counter.number, e["at"], e["type"] is QueueEventType.RECALLED,
                              counter.id, ticket.line_id))
        return calls[:limit]

    def counter_moments(self, centre_id: str, day: date) -> list[CounterMoment]:
        moments = []
        for e in sorted(self._q.events, key=lambda e: e["seq"]):
            counter = self._counter(e["counter_id"] or "")
            kind = MOMENT_OF_EVENT.get(e["type"])
            if e["centre_id"] == centre_id and e["day"] == day and counter is not None and kind is not None:
                moments.append(CounterMoment(e["seq"], e["at"], counter.number, kind))
        return moments

    def events_of(self, ticket_id: str) -> list[tuple[int, QueueEventType, datetime, str | None, dict[str, Any]]]:
        return [(e["seq"], e["type"], e["at"], e["counter_id"], e["data"])
                for e in sorted(self._q.events, key=lambda e: e["seq"]) if e["ticket_id"] == ticket_id]

    # -- counter state
    def counter_state(self, counter_id: str, centre_id: str) -> CounterState:
        stored = self._q.states.get(counter_id)
        return stored[0] if stored is not None else CounterState(counter_id, centre_id)

    def save_counter_state(self, state: CounterState, at: datetime) -> None:
        self._q.states[state.counter_id] = (state, at)

    # -- ratings
    def rating_of(self, ticket_id: str) -> dict[str, Any] | None:
        found = next((r for r in self._q.ratings.values() if r["ticket_id"] == ticket_id), None)
        return None if found is None else dict(found)

    def add_rating(self, **values: Any) -> None:
        self._q.ratings[values["id"]] = dict(values)

    def update_rating(self, rating_id: str, **values: Any) -> None:
        self._q.ratings[rating_id].update(values)

    def ratings_between(self, centre_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        return sorted((dict(r) for r in self._q.ratings.values()
                       if r["centre_id"] == centre_id and start <= r["at"] < end), key=lambda r: r["at"])
