"""The queue on one PC over the local store: kiosk tickets, calls at counters, transfers, day reset, KPIs, ratings."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from counter_app.domain import queue as rules
from counter_app.domain.calendar import VIETNAM_TIME, WorkingCalendar
from counter_app.domain.errors import DomainError
from counter_app.domain.queue import (
    MAX_REASON,
    CounterState,
    EventType,
    Line,
    QueueSettings,
    RatingLevel,
    Ticket,
    TicketOutcome,
    TicketStatus,
    choose_next,
    compute_kpis,
    elapsed_minutes,
    estimate_wait_minutes,
    parse_ticket_number,
)
from counter_app.domain.text import normalize
from counter_app.domain.units import Counter
from counter_app.services.clock_guard import policy_of, require_trusted_clock
from counter_app.services.documents import DocumentKind
from counter_app.services.office_hours import require_open
from counter_app.services.permissions import Permission, require
from counter_app.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from counter_app.services.queue_port import (
    CallView,
    LineView,
    Priority,
    QueueKpis,
    QueueService,
    QueueUpdate,
    TicketView,
)

log = logging.getLogger(__name__)

MAX_REQUEST_KEY = 64
MAX_DOSSIER_CODE = 64
_BACKWARDS_TOLERANCE_S = 1.0
_CLAIM_ATTEMPTS = 3
# In-process caches of slowly changing facts, so the hot paths (issue, call) stay a few statements:
NAMES_TTL_S = 30.0  # line names and counter numbers shown on tickets
STAFF_TTL_S = 60.0  # "this staff member is active at this centre"
ESTIMATE_TTL_S = 30.0  # a line's average service time and serving counters, for wait estimates
RESET_BATCH = 50  # leftover tickets closed per transaction at the day reset (~40 ms of write lock each)


def _snapshot(t: Ticket) -> dict[str, object]:
    """What the outbox carries for a ticket: its whole state (the server keeps the newest by seq)."""
    return {
        "id": t.id, "centre_id": t.centre_id, "line_id": t.line_id, "issued_line_id": t.issued_line_id,
        "number": t.label, "day": t.day.isoformat(), "service_day": t.service_day.isoformat(), "hop": t.hop,
        "previous_id": t.previous_id, "seq": t.seq, "order_key": t.order_key, "priority": t.priority.value,
        "status": t.status.value, "outcome": t.outcome.value if t.outcome else None,
        "target_counter_id": t.target_counter_id, "counter_id": t.counter_id, "staff_id": t.staff_id,
        "issued_at": t.issued_at.isoformat(), "queued_at": t.queued_at.isoformat(),
        "called_at": t.called_at.isoformat() if t.called_at else None,
        "started_at": t.started_at.isoformat() if t.started_at else None,
        "ended_at": t.ended_at.isoformat() if t.ended_at else None,
        "recalls": t.recalls, "walk_in": t.walk_in, "dossier_code": t.dossier_code,
    }


class _TtlCache:
    """A small thread-safe map whose entries expire (monotonic time, so clock jumps don't matter)."""

    def __init__(self, ttl: float) -> None:
        self._ttl = ttl
        self._items: dict[object, tuple[object, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: object) -> Any:
        with self._lock:
            item = self._items.get(key)
        if item is None or item[1] < time.monotonic():
            return None
        return item[0]

    def put(self, key: object, value: object) -> None:
        with self._lock:
            self._items[key] = (value, time.monotonic() + self._ttl)


class _Names:
    """Line names and counter numbers for views, from the service's cache or the unit of work."""

    def __init__(self, uow: UnitOfWork, cache: _TtlCache) -> None:
        self._uow = uow
        self._cache = cache

    def line(self, line_id: str) -> str:
        name = self._cache.get(("line", line_id))
        if name is None:
            line = self._uow.queue.line(line_id)
            name = line.name if line is not None else ""
            self._cache.put(("line", line_id), name)
        return str(name)

    def counter(self, counter_id: str | None) -> int | None:
        if not counter_id:
            return None
        number = self._cache.get(("counter", counter_id))
        if number is None:
            counter = self._uow.units.counter(counter_id)
            number = counter.number if counter is not None else 0
            self._cache.put(("counter", counter_id), number)
        return int(number)



class LocalQueueService:
    """Implements ``QueueService`` over the local store; every write is one BEGIN IMMEDIATE transaction.

    ``uow_factory`` is ``storage.uow.UnitOfWorkFactory`` (its units of work carry ``queue``).
    Subscribers hear about every change after its commit, in the thread that committed.
    """

    def __init__(
        self, uow_factory: UnitOfWorkFactory, clock: Clock, device_id: str, settings: QueueSettings | None = None
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self.device_id = device_id
        self.settings = settings or QueueSettings()
        self._subscribers: list[Callable[[QueueUpdate], None]] = []
        self._lock = threading.Lock()
        self._last_now: datetime | None = None
        self._names = _TtlCache(NAMES_TTL_S)
        self._staff = _TtlCache(STAFF_TTL_S)
        self._estimates = _TtlCache(ESTIMATE_TTL_S)
        self._calendars = _TtlCache(NAMES_TTL_S)  # centre → working calendar (office hours)
        self._no_stale_on: dict[str, date] = {}  # centre → day already found without stale tickets
        self._clock_policy = policy_of(clock)  # the store's clock mark guards numbering (issue 9 §1)
        self._counter_centres: dict[str, str] = {}  # counter → its centre (for the day reset before a call)

    # -- notifications --------------------------------------------------------------------------
    def subscribe(self, callback: Callable[[QueueUpdate], None]) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def _publish(self, updates: list[QueueUpdate]) -> None:
        if not updates:
            return
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            for update in updates:
                try:
                    callback(update)
                except Exception:  # a broken screen must not break the queue
                    log.exception("queue subscriber %r failed on %r", callback, update)

    # -- helpers --------------------------------------------------------------------------------
    def _now(self) -> datetime:
        now = self._clock.now().astimezone(VIETNAM_TIME)
        with self._lock:
            last = self._last_now
            if last is not None and (last - now).total_seconds() > _BACKWARDS_TOLERANCE_S:
                log.warning("system clock went back from %s to %s; the queue keeps its order by sequence",
                            last.isoformat(), now.isoformat())
            self._last_now = now
        return now

    def _calendar(self, uow: UnitOfWork, centre_id: str) -> WorkingCalendar:
        """The centre's working calendar, read from the store at most every NAMES_TTL_S seconds."""
        calendar: WorkingCalendar | None = self._calendars.get(centre_id)
        if calendar is None:
            calendar = uow.calendars.calendar(centre_id)
            self._calendars.put(centre_id, calendar)
        return calendar

    def _names_for(self, uow: UnitOfWork) -> _Names:
        return _Names(uow, self._names)

    def _check_staff(self, uow: UnitOfWork, staff_id: str, centre_id: str) -> None:
        centre = self._staff.get(staff_id)
        if centre is None:
            centre = uow.queue.staff_centre(staff_id)
            if centre is not None:
                self._staff.put(staff_id, centre)
        if centre != centre_id:
            raise DomainError("queue.unknown_staff")

    def _desk(self, uow: UnitOfWork, counter_id: str, staff_id: str) -> tuple[Counter, CounterState]:
        """The acting counter (open) and its queue state, after checking who acts there."""
        found = uow.queue.desk(counter_id)
        if found is None:
            raise DomainError("counter.unknown")
        counter, state = found
        if not counter.active:
            raise DomainError("counter.inactive", number=counter.number)
        self._check_staff(uow, staff_id, counter.centre_id)
        self._names.put(("counter", counter.id), counter.number)
        return counter, state

    @staticmethod
    def _require_free(uow: UnitOfWork, counter: Counter, state: CounterState, *, allow_paused: bool = False) -> None:
        if state.current_ticket_id is not None:
            current = uow.queue.ticket(state.current_ticket_id)
            raise DomainError("queue.counter_busy", counter=counter.number, number=current.label if current else "")
        if state.paused and not allow_paused:
            raise DomainError("queue.counter_paused", number=counter.number)

    @staticmethod
    def _current(uow: UnitOfWork, state: CounterState) -> Ticket:
        ticket = uow.queue.ticket(state.current_ticket_id) if state.current_ticket_id else None
        if ticket is None:
            raise DomainError("queue.no_current_ticket")
        return ticket

    @staticmethod
    def _line(uow: UnitOfWork, line_id: str, centre_id: str | None = None) -> Line:
        line = uow.queue.line(line_id)
        if line is None or (centre_id is not None and line.centre_id != centre_id):
            raise DomainError("queue.unknown_line", line_id=line_id)
        if not line.active:
            raise DomainError("queue.line_closed", line=line.name)
        return line

    def _record(
        self, uow: UnitOfWork, ticket: Ticket | None, type_: EventType, at: datetime, *, centre_id: str,
        counter_id: str | None, staff_id: str | None, seq: int | None = None, **data: Any,
    ) -> int:
        """Append the event and its outbox op in the caller's transaction; returns the event's seq.

        A new ticket's first event reuses the ticket's seq (both were made at the same moment).
        """
        seq = seq if seq is not None else uow.queue.next_seq(centre_id)
        event_id = uow.queue.add_event(
            centre_id=centre_id, seq=seq, ticket_id=ticket.id if ticket else None, type_=type_, at=at,
            day=at.date(), counter_id=counter_id, staff_id=staff_id, device_id=self.device_id, data=data,
        )
        # the event's UUIDv7 is its identity off this PC (the seq is this PC's); the outbox adds the rows
        if ticket is not None:
            payload: dict[str, object] = {"event_seq": seq, "event_id": event_id, "event": type_.value,
                                          "at": at.isoformat(), **data, "ticket": _snapshot(ticket)}
            uow.outbox.add("queue_ticket", ticket.id, type_.value, payload)
        else:
            uow.outbox.add("queue_counter", counter_id or "", type_.value,
                           {"event_seq": seq, "event_id": event_id, "centre_id": centre_id, "at": at.isoformat(),
                            "staff_id": staff_id, **data})
        return seq

    def _view(self, t: Ticket, names: _Names, *, line_name: str | None = None) -> TicketView:
        return TicketView(
            id=t.id, number=t.label, line_id=t.line_id,
            line_name=line_name if line_name is not None else names.line(t.line_id),
            priority=t.priority, status=t.status, issued_at=t.issued_at, called_at=t.called_at,
            counter_number=names.counter(t.counter_id), waiting_ahead=t.waiting_ahead,
            estimated_wait_minutes=t.estimated_wait_minutes, outcome=t.outcome, dossier_code=t.dossier_code,
            centre_id=t.centre_id, counter_id=t.counter_id or "", started_at=t.started_at, ended_at=t.ended_at,
            target_counter_number=names.counter(t.target_counter_id),
        )

    @staticmethod
    def _call_view(t: Ticket, counter: Counter, at: datetime, *, recall: bool = False) -> CallView:
        return CallView(
            ticket_number=t.label, counter_number=counter.number, at=at, recall=recall,
            centre_id=t.centre_id, counter_id=counter.id, line_id=t.line_id,
        )

    def start_day(self, centre_id: str) -> int:
        """The day reset: tickets still waiting from an earlier day close as removed at reset.

        Run by the stations at start and on a timer, and before a counter's call — never inside a
        citizen's kiosk tap. Only on a real new working day: not on a day off (the leftovers wait,
        harmlessly, as calls and the kiosk look at today only) and not while the clock is behind or
        far ahead of the store's mark (``clock.behind`` / ``clock.far_ahead`` are raised). Closes in
        batches of ``RESET_BATCH``, each its own short transaction, so a kiosk tap never waits
        behind thousands of leftovers. Returns how many tickets it closed.

        Once a day per centre finds none, it is not asked again that day: no ticket can become stale
        before the next day (new tickets are for today, carried ones for today or later).
        """
        now = self._now()
        today = now.date()
        if self._no_stale_on.get(centre_id) == today:
            return 0
        closed = 0
        while True:
            with self._uow() as uow:
                calendar = self._calendar(uow, centre_id)
                if not calendar.is_working_day(today):
                    return closed
                require_trusted_clock(uow, now, calendar, self._clock_policy)
                names = self._names_for(uow)
                updates = self._close_stale(uow, centre_id, now, names, limit=RESET_BATCH)
                if not updates:
                    self._no_stale_on[centre_id] = today
                    break
                uow.commit()
            closed += len(updates)
            self._publish(updates)
        if closed:
            log.info("closed %d tickets left waiting from an earlier day at centre %s", closed, centre_id)
        return closed

    def _start_day_before_call(self, counter_id: str) -> None:
        """The day reset ahead of a counter's call, in its own transactions; a lying clock only skips it."""
        centre_id = self._counter_centres.get(counter_id)
        if centre_id is None:
            with self._uow(readonly=True) as uow:
                counter = uow.units.counter(counter_id)
            if counter is None:
                return  # the call itself says the counter is unknown
            centre_id = self._counter_centres[counter_id] = counter.centre_id
        if self._no_stale_on.get(centre_id) == self._now().date():
            return
        try:
            self.start_day(centre_id)
        except DomainError as exc:
            log.warning("day reset at centre %s skipped before a call: %s", centre_id, exc)

    def _close_stale(self, uow: UnitOfWork, centre_id: str, now: datetime, names: _Names, *,
                     limit: int | None = None) -> list[QueueUpdate]:
        """Close up to ``limit`` tickets still waiting from an earlier day, in the caller's transaction."""
        stale = uow.queue.waiting_before(centre_id, now.date(), limit)
        closed: list[QueueUpdate] = []
        for t in stale:
            done = rules.remove_at_reset(t, now)
            if uow.queue.save_ticket(done, before=t, expect=TicketStatus.WAITING):
                self._record(uow, done, EventType.REMOVED_AT_RESET, now, centre_id=centre_id, counter_id=None,
                             staff_id=None, automatic=True)
                closed.append(self._view(done, names))
        return closed

    def _estimate(self, uow: UnitOfWork, line: Line, ahead: int, today: date) -> int:
        """People ahead × the line's recent average service time today ÷ counters serving it."""
        if ahead <= 0:
            return 0
        known = self._estimates.get((line.id, today))
        if known is None:
            samples = [
                elapsed_minutes(s, e, what="service time")
                for s, e in uow.queue.services_of_day(line.centre_id, today, line.id, self.settings.estimate_sample)
            ]
            average = sum(samples) / len(samples) if samples else 0.0
            known = (average or self.settings.default_service_minutes, uow.queue.serving_counters(line.id))
            self._estimates.put((line.id, today), known)
        minutes, counters = known
        return estimate_wait_minutes(ahead, minutes, counters)

    def _new_ticket(
        self, uow: UnitOfWork, line: Line, now: datetime, *, priority: Priority, request_key: str | None,
        walk_in: bool = False, counter_id: str | None = None, staff_id: str | None = None,
    ) -> Ticket:
        today = now.date()
        number = line.next_number(uow.queue.last_number(line.id, today))
        seq = uow.queue.next_seq(line.centre_id)
        ahead = 0 if walk_in else uow.queue.waiting_ahead(line.id, today, priority_only=priority is not Priority.NONE)
        ticket = Ticket(
            id=uow.new_id(), centre_id=line.centre_id, line_id=line.id, issued_line_id=line.id, prefix=line.code,
            number=number, label=line.label(number), day=today, service_day=today, hop=0, previous_id=None,
            seq=seq, order_key=seq, priority=priority,
            status=TicketStatus.SERVING if walk_in else TicketStatus.WAITING, outcome=None,
            target_counter_id=None, counter_id=counter_id, staff_id=staff_id, request_key=request_key,
            issued_at=now, queued_at=now, called_at=now if walk_in else None,
            started_at=now if walk_in else None, walk_in=walk_in, waiting_ahead=ahead,
            estimated_wait_minutes=self._estimate(uow, line, ahead, today), device_id=self.device_id,
        )
        uow.queue.add_ticket(ticket)
        return ticket

    # -- kiosk ----------------------------------------------------------------------------------
    def lines(self, centre_id: str) -> list[LineView]:
        """The centre's open lines for the kiosk and the hall: waiting now, average wait today."""
        today = self._now().date()
        with self._uow(readonly=True) as uow:
            lines = uow.queue.lines(centre_id)
            waiting = uow.queue.waiting_counts(centre_id, today)
            waits = uow.queue.average_waits(centre_id, today)
        return [
            LineView(
                id=line.id, code=line.code, name=line.name, group=line.group, service=line.service,
                waiting=waiting.get(line.id, 0), average_wait_minutes=round(waits.get(line.id, 0.0), 1),
            )
            for line in lines
        ]

    def issue_ticket(
        self, line_id: str, *, priority: Priority = Priority.NONE, request_key: str, owe_print: bool = False
    ) -> TicketView:
        """One kiosk tap → one committed ticket; the same ``request_key`` again returns that ticket.

        Outside the centre's office hours no ticket is issued (``office_hours.kiosk_closed``, with
        the next opening): a citizen cannot confirm an out-of-hours visit. ``owe_print`` (the kiosk):
        the paper ticket is owed to this PC's printer as a print job in the same transaction, and
        the view names it (``print_job``; a repeated tap names the job still owed, if any).
        """
        key = (request_key or "").strip()
        if not key or len(key) > MAX_REQUEST_KEY:
            raise DomainError("queue.request_key_required")
        priority = Priority(priority)
        if priority is not Priority.NONE and priority not in self.settings.priorities:
            raise DomainError("queue.priority_not_offered")
        now = self._now()
        with self._uow() as uow:
            names = self._names_for(uow)
            existing = uow.queue.by_request_key(key)
            if existing is not None:  # a double tap, or a retry after a lost answer
                view = self._view(existing, names)
                if owe_print:  # the answer was lost before the print: the job still owed prints it
                    owed = uow.print_jobs.owed_for(self.device_id, DocumentKind.QUEUE_TICKET, existing.id)
                    view = replace(view, print_job=owed[0].id if owed else "")
                return view
            line = self._line(uow, line_id)
            calendar = self._calendar(uow, line.centre_id)
            require_open(calendar, now)
            require_trusted_clock(uow, now, calendar, self._clock_policy)  # no A001 again on a clock set back
            ticket = self._new_ticket(uow, line, now, priority=priority, request_key=key)
            self._record(uow, ticket, EventType.ISSUED, now, centre_id=line.centre_id, counter_id=None,
                         staff_id=None, seq=ticket.seq)
            view = self._view(ticket, names, line_name=line.name)
            if owe_print:  # the paper ticket, owed with the ticket (services/print_jobs.TicketPrinter)
                job = uow.print_jobs.add(device=self.device_id, kind=DocumentKind.QUEUE_TICKET, key=ticket.id,
                                         created_at=now)
                view = replace(view, print_job=job.id)
            uow.commit()
        self._publish([view])
        return view

    # -- calling --------------------------------------------------------------------------------
    def call_next(self, counter_id: str, staff_id: str) -> TicketView | None:
        """The policy's next ticket for this counter, or None when nobody waits for it."""
        self._start_day_before_call(counter_id)
        now = self._now()
        today = now.date()
        with self._uow() as uow:
            names = self._names_for(uow)
            counter, state = self._desk(uow, counter_id, staff_id)
            self._require_free(uow, counter, state)
            updates: list[QueueUpdate] = []
            weights = uow.queue.counter_lines(counter_id)
            for _attempt in range(_CLAIM_ATTEMPTS):
                choice = choose_next(
                    uow.queue.heads(list(weights), today), weights, state.calling,
                    priority_cap=self.settings.priority_cap, direct=uow.queue.direct_heads(counter_id, today),
                )
                if choice is None:
                    if updates:
                        uow.commit()
                        self._publish(updates)
                    return None
                waiting = uow.queue.ticket(choice.head.ticket_id)
                assert waiting is not None, choice.head.ticket_id  # a head read in this same transaction
                ticket = rules.call(waiting, counter_id, staff_id, now)
                # the conditional update is the claim: under BEGIN IMMEDIATE it cannot lose, but if it
                # ever did (another writer, a future hub) the loop simply picks the next head
                if uow.queue.save_ticket(ticket, before=waiting, expect=TicketStatus.WAITING):
                    break
                log.warning("ticket %s was taken by another counter; choosing again", ticket.label)
            else:
                raise DomainError("store.locked", path="")
            uow.queue.save_counter_state(
                replace(state, current_ticket_id=ticket.id, calling=choice.state, staff_id=staff_id, last_ticket_id=None),
                now
            )
            self._record(uow, ticket, EventType.CALLED, now, centre_id=counter.centre_id, counter_id=counter_id,
                         staff_id=staff_id, reason=choice.reason, counter_number=counter.number)
            view = self._view(ticket, names)
            uow.commit()
        self._publish([*updates, view, self._call_view(ticket, counter, now)])
        return view

    def call_number(self, counter_id: str, staff_id: str, number: str) -> TicketView:
        """Call one waiting number out of turn (the calling policy's memory is left as it was)."""
        prefix, value = parse_ticket_number(number)
        self._start_day_before_call(counter_id)
        now = self._now()
        with self._uow() as uow:
            names = self._names_for(uow)
            counter, state = self._desk(uow, counter_id, staff_id)
            self._require_free(uow, counter, state)
            updates: list[QueueUpdate] = []
            ticket = uow.queue.with_number(counter.centre_id, prefix, value, TicketStatus.WAITING)
            if ticket is None or ticket.service_day > now.date():
                known = uow.queue.with_number(counter.centre_id, prefix, value)
                if known is None:
                    raise DomainError("queue.unknown_number", number=number.strip().upper())
                raise DomainError("queue.not_waiting", number=known.label)
            if ticket.target_counter_id not in (None, counter_id):
                raise DomainError("queue.for_other_counter", number=ticket.label,
                                  counter=names.counter(ticket.target_counter_id))
            called = rules.call(ticket, counter_id, staff_id, now)
            if not uow.queue.save_ticket(called, before=ticket, expect=TicketStatus.WAITING):
                raise DomainError("queue.not_waiting", number=ticket.label)
            uow.queue.save_counter_state(
                replace(state, current_ticket_id=called.id, staff_id=staff_id, last_ticket_id=None), now
            )
            self._record(uow, called, EventType.CALLED, now, centre_id=counter.centre_id, counter_id=counter_id,
                         staff_id=staff_id, reason="manual", counter_number=counter.number)
            view = self._view(called, names)
            uow.commit()
        self._publish([*updates, view, self._call_view(called, counter, now)])
        return view

    def recall(self, counter_id: str, staff_id: str) -> CallView:
        """Call the counter's current number again (display and voice repeat it)."""
        now = self._now()
        with self._uow() as uow:
            names = self._names_for(uow)
            counter, state = self._desk(uow, counter_id, staff_id)
            if state.current_ticket_id is None:
                raise DomainError("queue.no_current_call")
            current = self._current(uow, state)
            ticket = rules.recall(current)
            uow.queue.save_ticket(ticket, before=current)
            self._record(uow, ticket, EventType.RECALLED, now, centre_id=counter.centre_id, counter_id=counter_id,
                         staff_id=staff_id, counter_number=counter.number, recalls=ticket.recalls)
            view = self._view(ticket, names)
            uow.commit()
        call_view = self._call_view(ticket, counter, now, recall=True)
        self._publish([view, call_view])
        return call_view

    def no_show(self, counter_id: str, staff_id: str) -> TicketView:
        now = self._now()
        with self._uow() as uow:
            names = self._names_for(uow)
            counter, state = self._desk(uow, counter_id, staff_id)
            if state.current_ticket_id is None:
                raise DomainError("queue.no_current_call")
            current = self._current(uow, state)
            ticket = rules.mark_no_show(current, now)
            uow.queue.save_ticket(ticket, before=current)
            uow.queue.save_counter_state(replace(state, current_ticket_id=None), now)
            self._record(uow, ticket, EventType.NO_SHOW, now, centre_id=counter.centre_id, counter_id=counter_id,
                         staff_id=staff_id)
            view = self._view(ticket, names)
            uow.commit()
        self._publish([view])
        return view

    def reactivate(self, number: str, counter_id: str, staff_id: str) -> TicketView:
        """A late citizen within the tolerance: the no-show waits again (in its old place if configured)."""
        prefix, value = parse_ticket_number(number)
        now = self._now()
        with self._uow() as uow:
            names = self._names_for(uow)
            counter, _state = self._desk(uow, counter_id, staff_id)
            ticket = uow.queue.with_number(counter.centre_id, prefix, value)
            if ticket is None:
                raise DomainError("queue.unknown_number", number=number.strip().upper())
            back = rules.reactivate(ticket, now, self.settings, new_order_key=uow.queue.next_seq(counter.centre_id))
            back = replace(back, service_day=max(back.service_day, now.date()))
            if not uow.queue.save_ticket(back, before=ticket, expect=TicketStatus.DONE):
                raise DomainError("queue.not_a_no_show", number=ticket.label)
            self._record(uow, back, EventType.REACTIVATED, now, centre_id=counter.centre_id, counter_id=counter_id,
                         staff_id=staff_id)
            view = self._view(back, names)
            uow.commit()
        self._publish([view])
        return view

    def transfer(
        self, counter_id: str, staff_id: str, *, to_line_id: str | None = None, to_counter_id: str | None = None
    ) -> TicketView:
        """Send the counter's current citizen to another line and/or counter; returns the new waiting visit.

        A closed (inactive, or nobody logged in when so configured) or paused target counter is refused:
        the citizen would wait for a desk that does not call.
        """
        now = self._now()
        with self._uow() as uow:
            names = self._names_for(uow)
            counter, state = self._desk(uow, counter_id, staff_id)
            ticket = self._current(uow, state)
            to_line = self._line(uow, to_line_id, counter.centre_id) if to_line_id else None
            if to_counter_id:
                if to_counter_id == counter_id:
                    raise DomainError("queue.transfer_to_self")
                target = uow.units.counter(to_counter_id)
                if target is None or target.centre_id != counter.centre_id:
                    raise DomainError("counter.unknown")
                if not target.active or (
                    self.settings.transfer_needs_staffed_counter and not uow.queue.staffed(target.id)
                ):
                    raise DomainError("queue.counter_closed", number=target.number)
                if uow.queue.counter_state(target.id, target.centre_id).paused:
                    raise DomainError("queue.counter_paused", number=target.number)
            elif to_line is not None and to_line.id == ticket.line_id:
                raise DomainError("queue.transfer_to_self")
            ended, continuation = rules.transfer(
                ticket, now, new_id=uow.new_id(), new_seq=uow.queue.next_seq(counter.centre_id),
                settings=self.settings, to_line=to_line, to_counter_id=to_counter_id,
            )
            continuation = replace(continuation, service_day=max(continuation.service_day, now.date()))
            uow.queue.save_ticket(ended, before=ticket)
            uow.queue.add_ticket(continuation)
            uow.queue.save_counter_state(replace(state, current_ticket_id=None), now)
            self._record(uow, ended, EventType.TRANSFERRED, now, centre_id=counter.centre_id, counter_id=counter_id,
                         staff_id=staff_id, to_line_id=to_line_id, to_counter_id=to_counter_id,
                         continuation_id=continuation.id)
            self._record(uow, continuation, EventType.ISSUED, now, centre_id=counter.centre_id, counter_id=None,
                         staff_id=staff_id, seq=continuation.seq, transferred_from=ended.id)
            view = self._view(continuation, names)
            ended_view = self._view(ended, names)
            uow.commit()
        self._publish([ended_view, view])
        return view

    def start_service(self, counter_id: str, staff_id: str) -> TicketView:
        now = self._now()
        with self._uow() as uow:
            names = self._names_for(uow)
            counter, state = self._desk(uow, counter_id, staff_id)
            current = self._current(uow, state)
            ticket = rules.start(current, now)
            if ticket is current:  # already started: a second click changes nothing
                return self._view(ticket, names)
            uow.queue.save_ticket(ticket, before=current)
            self._record(uow, ticket, EventType.STARTED, now, centre_id=counter.centre_id, counter_id=counter_id,
                         staff_id=staff_id)
            view = self._view(ticket, names)
            uow.commit()
        self._publish([view])
        return view

    def finish_service(self, counter_id: str, staff_id: str, *, dossier_code: str = "") -> TicketView:
        """End the service (served, or walk-in), optionally linked to the dossier received or returned.

        A ticket only called (Start was skipped: the service did happen) is started and finished in
        this one transaction: its STARTED and FINISHED events are both recorded, at this moment, so a
        failure leaves it called, never serving.

        The code is not looked up: behind the centre hub the dossier lives on the counter PC, not
        where the queue is, and a Finish must never be blocked; the screens pass codes they made.
        """
        code = normalize(dossier_code or "").upper()
        if len(code) > MAX_DOSSIER_CODE:
            raise DomainError("dossier.unknown_code", code=code[:MAX_DOSSIER_CODE])
        now = self._now()
        with self._uow() as uow:
            names = self._names_for(uow)
            counter, state = self._desk(uow, counter_id, staff_id)
            current = self._current(uow, state)
            implicit_start = current.status is TicketStatus.CALLED
            serving = current
            if implicit_start:
                serving = rules.start(current, now)
                self._record(uow, serving, EventType.STARTED, now, centre_id=counter.centre_id,
                             counter_id=counter_id, staff_id=staff_id)
            ticket = rules.finish(serving, now, code)
            uow.queue.save_ticket(ticket, before=current)  # one write: called (or serving) to done
            uow.queue.save_counter_state(replace(state, current_ticket_id=None, last_ticket_id=ticket.id), now)
            self._record(uow, ticket, EventType.FINISHED, now, centre_id=counter.centre_id, counter_id=counter_id,
                         staff_id=staff_id, dossier_code=code, implicit_start=implicit_start)
            view = self._view(ticket, names)
            uow.commit()
        self._publish([view])
        return view

    def walk_in(self, counter_id: str, staff_id: str, line_id: str) -> TicketView:
        """Serve someone at the desk without a ticket: a number of the line is used, service starts now."""
        now = self._now()
        with self._uow() as uow:
            names = self._names_for(uow)
            counter, state = self._desk(uow, counter_id, staff_id)
            self._require_free(uow, counter, state, allow_paused=True)
            line = self._line(uow, line_id, counter.centre_id)
            require_trusted_clock(uow, now, self._calendar(uow, counter.centre_id), self._clock_policy)
            ticket = self._new_ticket(uow, line, now, priority=Priority.NONE, request_key=None, walk_in=True,
                                      counter_id=counter_id, staff_id=staff_id)
            uow.queue.save_counter_state(
                replace(state, current_ticket_id=ticket.id, staff_id=staff_id, last_ticket_id=None), now
            )
            self._record(uow, ticket, EventType.WALK_IN, now, centre_id=counter.centre_id, counter_id=counter_id,
                         staff_id=staff_id, seq=ticket.seq)
            view = self._view(ticket, names, line_name=line.name)
            uow.commit()
        self._publish([view])
        return view

    def pause_counter(self, counter_id: str, staff_id: str, paused: bool) -> None:
        """Pause (no calls, no transfers to it) or resume. Resuming at the start of duty starts idle time."""
        now = self._now()
        with self._uow() as uow:
            counter = uow.units.counter(counter_id)
            if counter is None:
                raise DomainError("counter.unknown")
            self._check_staff(uow, staff_id, counter.centre_id)
            state = uow.queue.counter_state(counter_id, counter.centre_id)
            if paused and state.paused:
                return  # already paused; a resume is always recorded (it marks the counter ready, idle from now)
            uow.queue.save_counter_state(replace(state, paused=paused, staff_id=staff_id), now)
            self._record(uow, None, EventType.PAUSED if paused else EventType.RESUMED, now,
                         centre_id=counter.centre_id, counter_id=counter_id, staff_id=staff_id)
            uow.commit()

    # -- reading --------------------------------------------------------------------------------
    def current_ticket(self, counter_id: str) -> TicketView | None:
        with self._uow(readonly=True) as uow:
            counter = uow.units.counter(counter_id)
            if counter is None:
                raise DomainError("counter.unknown")
            state = uow.queue.counter_state(counter_id, counter.centre_id)
            if state.current_ticket_id is None:
                return None
            ticket = uow.queue.ticket(state.current_ticket_id)
            return None if ticket is None else self._view(ticket, self._names_for(uow))

    def ticket(self, ticket_id: str) -> TicketView:
        """One ticket as it stands (the rating pad, a reprint)."""
        with self._uow(readonly=True) as uow:
            ticket = uow.queue.ticket(ticket_id)
            if ticket is None:
                raise DomainError("queue.unknown_ticket")
            return self._view(ticket, self._names_for(uow))

    def last_finished(self, counter_id: str) -> TicketView | None:
        """The service this counter finished last, while it may still be rated and is not yet rated.

        For a rating pad in another process (another PC, or no in-process subscription): it polls this.
        """
        now = self._now()
        with self._uow(readonly=True) as uow:
            counter = uow.units.counter(counter_id)
            if counter is None:
                raise DomainError("counter.unknown")
            state = uow.queue.counter_state(counter_id, counter.centre_id)
            ticket = uow.queue.ticket(state.last_ticket_id) if state.last_ticket_id else None
            if (
                ticket is None
                or ticket.ended_at is None
                or elapsed_minutes(ticket.ended_at, now, what="rating window") > self.settings.rating_window_minutes
                or uow.queue.rating_of(ticket.id) is not None
            ):
                return None
            return self._view(ticket, self._names_for(uow))

    def rating_subject(self, counter_id: str) -> TicketView | None:
        """The ticket the counter's rating pad asks about now, or None (the pad shows its welcome).

        The one called or served at the counter now; else the one it finished last, while nothing was
        called there since and within the rating window. Never one that is rated already.
        """
        now = self._now()
        with self._uow(readonly=True) as uow:
            counter = uow.units.counter(counter_id)
            if counter is None:
                raise DomainError("counter.unknown")
            state = uow.queue.counter_state(counter_id, counter.centre_id)
            ticket_id = state.current_ticket_id or state.last_ticket_id
            ticket = uow.queue.ticket(ticket_id) if ticket_id else None
            if ticket is None or not self._rating_open(uow, ticket, now) or uow.queue.rating_of(ticket.id):
                return None
            return self._view(ticket, self._names_for(uow))

    def _rating_open(self, uow: UnitOfWork, ticket: Ticket, now: datetime) -> bool:
        """Whether the citizen of ``ticket`` is still at its counter: served there now, or just finished
        there (nothing called since, within the rating window). A rating for anyone else is refused."""
        if not ticket.counter_id:
            return False
        state = uow.queue.counter_state(ticket.counter_id, ticket.centre_id)
        if state.current_ticket_id is not None:
            return state.current_ticket_id == ticket.id
        return (
            state.last_ticket_id == ticket.id
            and ticket.outcome in (TicketOutcome.SERVED, TicketOutcome.WALK_IN)
            and ticket.ended_at is not None
            and elapsed_minutes(ticket.ended_at, now, what="rating window") <= self.settings.rating_window_minutes
        )

    def recent_calls(self, centre_id: str, limit: int = 10) -> list[CallView]:
        with self._uow(readonly=True) as uow:
            rows = uow.queue.recent_calls(centre_id, max(0, limit))
        return [
            CallView(ticket_number=label, counter_number=n, at=at, recall=recall, centre_id=centre_id,
                     counter_id=counter_id, line_id=line_id)
            for label, n, at, recall, counter_id, line_id in rows
        ]

    def kpis(self, centre_id: str, staff_id: str) -> QueueKpis:
        """Today's figures of the centre (see domain.queue.compute_kpis for the definitions).

        Only for staff whose role may see them (``Permission.SEE_QUEUE_KPIS``); who looked is logged.
        """
        now = self._now()
        day = now.date()
        with self._uow(readonly=True) as uow:
            actor = require(uow, staff_id, Permission.SEE_QUEUE_KPIS, centre_id=centre_id)
            log.info("queue figures of centre %s shown to %s (%s)", centre_id, actor.staff_id, actor.role)
            tickets = uow.queue.tickets_of_day(centre_id, day)
            moments = uow.queue.counter_moments(centre_id, day)
            counters = [c.number for c in uow.units.counters(centre_id) if c.active]
        figures = compute_kpis(tickets, moments, now=now, settings=self.settings)
        idle = {number: 0.0 for number in counters} | figures.idle_minutes_by_counter
        return QueueKpis(
            day=day.isoformat(), issued=figures.issued, served=figures.served, no_show=figures.no_show,
            waiting_now=figures.waiting_now, average_wait_minutes=figures.average_wait_minutes,
            average_service_minutes=figures.average_service_minutes, service_level=figures.service_level,
            no_show_share=figures.no_show_share, idle_minutes_by_counter=dict(sorted(idle.items())),
            wait_buckets=figures.wait_buckets, walk_ins=figures.walk_ins, transferred=figures.transferred,
            removed=figures.removed, average_walk_minutes=figures.average_walk_minutes,
            average_time_in_centre_minutes=figures.average_time_in_centre_minutes,
            target_wait_minutes=self.settings.target_wait_minutes, service_buckets=figures.service_buckets,
        )

    # -- satisfaction ---------------------------------------------------------------------------
    def rate(self, ticket_id: str, level: int, reason: str = "") -> None:
        """Store the citizen's rating of the service at a counter; a second tap on the pad replaces the first.

        Only while the citizen is at the counter (see ``_rating_open``): a pad that is late to learn
        the counter called someone else must not put the next citizen's tap on the previous ticket.
        """
        try:
            rating = RatingLevel(int(level))
        except (TypeError, ValueError):
            raise DomainError("queue.bad_rating", level=level) from None
        text = normalize(reason or "")
        if len(text) > MAX_REASON:
            raise DomainError("queue.reason_too_long", limit=MAX_REASON, length=len(text))
        now = self._now()
        with self._uow() as uow:
            ticket = uow.queue.ticket(ticket_id)
            if ticket is None:
                raise DomainError("queue.unknown_ticket")
            if not self._rating_open(uow, ticket, now):
                if ticket.status is TicketStatus.WAITING or (
                    ticket.status is TicketStatus.DONE
                    and ticket.outcome not in (TicketOutcome.SERVED, TicketOutcome.WALK_IN)
                ):
                    raise DomainError("queue.not_rateable", number=ticket.label)
                raise DomainError("queue.rating_closed", number=ticket.label,
                                  counter=self._names_for(uow).counter(ticket.counter_id))
            values = {"level": int(rating), "reason": text, "at": now, "device_id": self.device_id}
            existing = uow.queue.rating_of(ticket.id)
            if existing is None:
                rating_id = uow.new_id()
                uow.queue.add_rating(
                    id=rating_id, ticket_id=ticket.id, centre_id=ticket.centre_id, counter_id=ticket.counter_id,
                    staff_id=ticket.staff_id, dossier_code=ticket.dossier_code, **values,
                )
                op = "created"
            else:
                rating_id = existing["id"]
                uow.queue.update_rating(rating_id, **values)
                op = "updated"
            uow.outbox.add("queue_rating", rating_id, op, {
                "ticket_id": ticket.id, "number": ticket.label, "centre_id": ticket.centre_id,
                "counter_id": ticket.counter_id, "staff_id": ticket.staff_id, "dossier_code": ticket.dossier_code,
                "level": int(rating), "reason": text, "at": now.isoformat(),
            })
            uow.commit()

    # -- day handling ---------------------------------------------------------------------------
    def reset_day(self, centre_id: str, staff_id: str, *, carry_over: bool = False) -> int:
        """Close the centre's waiting tickets as removed at day reset, or carry them to the next day.

        Only by staff whose role may (``Permission.RESET_QUEUE_DAY``); the acting staff id is
        recorded on every event of the reset and in its outbox payload (``staff_id``, ``reset_by``).

        Returns how many waiting tickets were closed (or carried). Tickets being called or served are
        left alone on purpose: their counter finishes them as usual (Finish / No-show / Transfer), so a
        reset never breaks a service in progress; numbers restart by themselves on the next day.
        """
        now = self._now()
        today = now.date()
        with self._uow() as uow:
            if uow.units.centre(centre_id) is None:
                raise DomainError("queue.unknown_centre", centre_id=centre_id)
            actor = require(uow, staff_id, Permission.RESET_QUEUE_DAY, centre_id=centre_id)
            names = self._names_for(uow)
            waiting = uow.queue.waiting_up_to(centre_id, today)
            next_day: date | None = None
            if carry_over and waiting:
                next_day = uow.calendars.calendar(centre_id).next_working_day(today)
            updates: list[QueueUpdate] = []
            data: dict[str, Any]  # the event's data (never a seq)
            for t in waiting:
                if next_day is not None:
                    moved = rules.carry_over(t, rules.carry_day(t.service_day, today, next_day))
                    event, data = EventType.CARRIED, {"to_day": moved.service_day.isoformat()}
                else:
                    moved = rules.remove_at_reset(t, now)
                    event, data = EventType.REMOVED_AT_RESET, {}
                if uow.queue.save_ticket(moved, before=t, expect=TicketStatus.WAITING):
                    self._record(uow, moved, event, now, centre_id=centre_id, counter_id=None,
                                 staff_id=actor.staff_id, reset_by=actor.staff_id, **data)
                    updates.append(self._view(moved, names))
            uow.commit()
        log.info("day reset at centre %s by %s: %d waiting tickets %s", centre_id, actor.staff_id, len(updates),
                 "carried over" if carry_over else "closed")
        self._publish(updates)
        return len(updates)


_IMPLEMENTS: type[QueueService] = LocalQueueService  # mypy checks the local service against the port
