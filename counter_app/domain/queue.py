"""Queue rules: lines and ticket numbers, ticket life cycle, calling policy (priority cap, weighted fairness), KPIs."""

from __future__ import annotations

import heapq
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import IntEnum, StrEnum

from counter_app.domain.errors import DomainError

log = logging.getLogger(__name__)

MAX_NUMBER = 9999
MAX_REASON = 500
_PREFIX = re.compile(r"[A-Z]{1,3}")
_TICKET = re.compile(r"([A-Z]{1,3})\s*-?\s*([0-9]{1,4})")


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"  # called to a counter, citizen walking there
    SERVING = "serving"  # service started
    DONE = "done"  # ended with an outcome


class TicketOutcome(StrEnum):
    SERVED = "served"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"  # moved to another line/counter (a new ticket row continues it)
    REMOVED = "removed"
    REMOVED_AT_RESET = "removed_at_reset"
    WALK_IN = "walk_in"  # served without a ticket


class Priority(StrEnum):
    NONE = "none"
    ELDERLY = "elderly"
    DISABILITY = "disability"
    PREGNANT = "pregnant"
    SMALL_CHILD = "small_child"
    VETERAN = "veteran"


# Decree 118/2025 Art. 13 names the elderly, pregnant women and people with disabilities;
# small children and war veterans are local practice: the list a centre offers is a setting.
DEFAULT_PRIORITIES: tuple[Priority, ...] = (
    Priority.ELDERLY,
    Priority.DISABILITY,
    Priority.PREGNANT,
    Priority.SMALL_CHILD,
    Priority.VETERAN,
)


class EventType(StrEnum):
    """What the append-only queue history records: ticket steps and counter pause/resume."""

    ISSUED = "issued"
    CALLED = "called"
    RECALLED = "recalled"
    NO_SHOW = "no_show"
    REACTIVATED = "reactivated"
    STARTED = "started"
    FINISHED = "finished"
    TRANSFERRED = "transferred"
    WALK_IN = "walk_in"
    REMOVED_AT_RESET = "removed_at_reset"
    CARRIED = "carried"
    PAUSED = "paused"
    RESUMED = "resumed"


class RatingLevel(IntEnum):
    """The five levels of the ministry survey (Rất hài lòng … Rất không hài lòng)."""

    VERY_DISSATISFIED = 1
    DISSATISFIED = 2
    NEUTRAL = 3
    SATISFIED = 4
    VERY_SATISFIED = 5


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """How a centre runs its queue; every value is a local choice, not law."""

    priority_cap: int | None = 2  # priority calls in a row while a normal ticket waits; None = no cap
    no_show_tolerance_minutes: int = 15  # a no-show may be put back within this time
    rating_window_minutes: int = 10  # a finished service may be rated on the pad within this time
    reactivation_keeps_place: bool = True  # a reactivated no-show keeps its original place
    transfer_keeps_order: bool = True  # a transferred ticket keeps its original issue order
    # refuse transfers to a counter nobody has opened a duty period at; off by default because duty
    # periods are not closed at logout yet, so "staffed" would only mean "opened once"
    transfer_needs_staffed_counter: bool = False
    target_wait_minutes: int = 15  # service level: share of citizens called within this wait
    default_service_minutes: float = 6.0  # for wait estimates before the day has data
    estimate_sample: int = 20  # recent services a line's estimate averages
    bucket_minutes: int = 3
    bucket_count: int = 20  # 0-3 … 57-60, then "60+"
    priorities: tuple[Priority, ...] = DEFAULT_PRIORITIES

    def __post_init__(self) -> None:
        if self.priority_cap is not None and self.priority_cap < 0:
            raise ValueError("priority_cap must be ≥ 0 or None")
        if min(self.no_show_tolerance_minutes, self.target_wait_minutes, self.rating_window_minutes) < 0:
            raise ValueError("minutes must be ≥ 0")
        if self.bucket_minutes < 1 or self.bucket_count < 1 or self.estimate_sample < 1:
            raise ValueError("bucket_minutes, bucket_count and estimate_sample must be ≥ 1")
        if self.default_service_minutes <= 0:
            raise ValueError("default_service_minutes must be > 0")
        if Priority.NONE in self.priorities:
            raise ValueError("Priority.NONE is not a priority category")


# -- lines and numbers ------------------------------------------------------------------------


def format_ticket(prefix: str, number: int, width: int = 3) -> str:
    """The printed and displayed number: ("A", 12) → "A012"."""
    return f"{prefix}{number:0{width}d}"


def parse_ticket_number(text: str) -> tuple[str, int]:
    """What staff type to call a number: " a12 ", "A-012" → ("A", 12)."""
    match = _TICKET.fullmatch((text or "").strip().upper())
    if match is None:
        raise DomainError("queue.bad_number", value=(text or "").strip())
    return match.group(1), int(match.group(2))


@dataclass(frozen=True, slots=True)
class Line:
    """A queue line (dòng số) of a centre with its own prefix and daily number range."""

    id: str
    centre_id: str
    code: str  # prefix letter(s), "A"
    name: str
    group: str  # agency group shown first on the kiosk
    service: str = "submit"  # "submit" | "collect" | another configured key
    first_number: int = 1
    last_number: int = 499
    position: int = 0
    active: bool = True

    def __post_init__(self) -> None:
        if not _PREFIX.fullmatch(self.code):
            raise DomainError("queue.bad_line", line=self.code, reason="prefix")
        if not 0 <= self.first_number <= self.last_number <= MAX_NUMBER:
            raise DomainError("queue.bad_line", line=self.code, reason="range")

    @property
    def width(self) -> int:
        return max(3, len(str(self.last_number)))

    def label(self, number: int) -> str:
        return format_ticket(self.code, number, self.width)

    def next_number(self, last_used: int | None) -> int:
        """Numbers restart every day at ``first_number``; a full range refuses rather than repeats."""
        if last_used is None or last_used < self.first_number:
            return self.first_number
        if last_used >= self.last_number:
            raise DomainError("queue.numbers_exhausted", line=self.code, last=self.label(self.last_number))
        return last_used + 1


# -- tickets ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ticket:
    """One queue visit. A transfer ends it and starts a continuation (``hop`` + 1) with the same number."""

    id: str
    centre_id: str
    line_id: str  # the line it waits in now
    issued_line_id: str  # the line whose range gave the number
    prefix: str
    number: int
    label: str  # "A012"
    day: date  # issue day: numbers are unique per issued line, day and hop
    service_day: date  # the day it may be called (a carry-over moves it)
    hop: int
    previous_id: str | None
    seq: int  # centre-wide monotonic: when this row was made
    order_key: int  # what "oldest first" compares: the issue seq, kept across transfers if configured
    priority: Priority
    status: TicketStatus
    outcome: TicketOutcome | None
    target_counter_id: str | None  # transferred to one counter
    counter_id: str | None  # the counter that called / serves it
    staff_id: str | None
    request_key: str | None
    issued_at: datetime  # when the citizen took the number (kept across transfers)
    queued_at: datetime  # when this visit started waiting
    called_at: datetime | None = None  # the last call
    started_at: datetime | None = None
    ended_at: datetime | None = None
    no_show_at: datetime | None = None
    recalls: int = 0
    walk_in: bool = False
    waiting_ahead: int = 0
    estimated_wait_minutes: int = 0
    dossier_code: str = ""
    device_id: str = ""

    @property
    def is_priority(self) -> bool:
        return self.priority is not Priority.NONE

    @property
    def is_open(self) -> bool:
        return self.status is not TicketStatus.DONE


def call(ticket: Ticket, counter_id: str, staff_id: str, at: datetime) -> Ticket:
    """A waiting ticket goes to a counter; its last call time is now."""
    if ticket.status is not TicketStatus.WAITING:
        raise DomainError("queue.not_waiting", number=ticket.label)
    return replace(
        ticket, status=TicketStatus.CALLED, counter_id=counter_id, staff_id=staff_id, called_at=at
    )


def recall(ticket: Ticket) -> Ticket:
    if ticket.status is not TicketStatus.CALLED:
        raise DomainError("queue.no_current_call")
    return replace(ticket, recalls=ticket.recalls + 1)


def mark_no_show(ticket: Ticket, at: datetime) -> Ticket:
    if ticket.status is TicketStatus.SERVING:
        raise DomainError("queue.already_started", number=ticket.label)
    if ticket.status is not TicketStatus.CALLED:
        raise DomainError("queue.no_current_call")
    return replace(ticket, status=TicketStatus.DONE, outcome=TicketOutcome.NO_SHOW, no_show_at=at, ended_at=at)


def reactivate(ticket: Ticket, at: datetime, settings: QueueSettings, *, new_order_key: int) -> Ticket:
    """A late citizen comes back within the tolerance: the no-show waits again.

    The tolerance counts from the no-show mark; a clock set back makes the elapsed time 0, not negative.
    """
    if ticket.status is not TicketStatus.DONE or ticket.outcome is not TicketOutcome.NO_SHOW:
        raise DomainError("queue.not_a_no_show", number=ticket.label)
    assert ticket.no_show_at is not None
    waited = elapsed_minutes(ticket.no_show_at, at, what=f"no-show tolerance of {ticket.label}")
    if waited > settings.no_show_tolerance_minutes:
        raise DomainError(
            "queue.tolerance_passed", number=ticket.label, minutes=settings.no_show_tolerance_minutes
        )
    return replace(
        ticket, status=TicketStatus.WAITING, outcome=None, ended_at=None, no_show_at=None, called_at=None,
        counter_id=None, staff_id=None,
        order_key=ticket.order_key if settings.reactivation_keeps_place else new_order_key,
    )


def start(ticket: Ticket, at: datetime) -> Ticket:
    if ticket.status is TicketStatus.SERVING:
        return ticket  # a second click on Start changes nothing
    if ticket.status is not TicketStatus.CALLED:
        raise DomainError("queue.no_current_ticket")
    return replace(ticket, status=TicketStatus.SERVING, started_at=at)


def finish(ticket: Ticket, at: datetime, dossier_code: str = "") -> Ticket:
    """End the service. Finishing a ticket that was called but never started means the citizen
    was at the desk when called: the service is taken to start at the call (walking time 0)."""
    if ticket.status is TicketStatus.CALLED:
        ticket = replace(ticket, status=TicketStatus.SERVING, started_at=ticket.called_at or at)
    if ticket.status is not TicketStatus.SERVING:
        raise DomainError("queue.no_current_ticket")
    outcome = TicketOutcome.WALK_IN if ticket.walk_in else TicketOutcome.SERVED
    return replace(
        ticket, status=TicketStatus.DONE, outcome=outcome, ended_at=at,
        dossier_code=dossier_code or ticket.dossier_code,
    )


def transfer(
    ticket: Ticket, at: datetime, *, new_id: str, new_seq: int, settings: QueueSettings,
    to_line: Line | None, to_counter_id: str | None,
) -> tuple[Ticket, Ticket]:
    """End this visit as transferred and start its continuation (same number, next hop)."""
    if ticket.status not in (TicketStatus.CALLED, TicketStatus.SERVING):
        raise DomainError("queue.no_current_ticket")
    if to_line is None and not to_counter_id:
        raise DomainError("queue.transfer_target_required")
    ended = replace(ticket, status=TicketStatus.DONE, outcome=TicketOutcome.TRANSFERRED, ended_at=at)
    continuation = replace(
        ticket, id=new_id, line_id=to_line.id if to_line is not None else ticket.line_id, hop=ticket.hop + 1,
        previous_id=ticket.id, seq=new_seq,
        order_key=ticket.order_key if settings.transfer_keeps_order else new_seq,
        status=TicketStatus.WAITING, outcome=None, target_counter_id=to_counter_id or None, counter_id=None,
        staff_id=None, request_key=None, queued_at=at, called_at=None, started_at=None, ended_at=None,
        no_show_at=None, recalls=0, walk_in=False,
    )
    return ended, continuation


def remove_at_reset(ticket: Ticket, at: datetime) -> Ticket:
    if ticket.status is not TicketStatus.WAITING:
        raise DomainError("queue.not_waiting", number=ticket.label)
    return replace(ticket, status=TicketStatus.DONE, outcome=TicketOutcome.REMOVED_AT_RESET, ended_at=at)


def carry_over(ticket: Ticket, to_day: date) -> Ticket:
    if ticket.status is not TicketStatus.WAITING:
        raise DomainError("queue.not_waiting", number=ticket.label)
    return replace(ticket, service_day=to_day)


def carry_day(service_day: date, today: date, next_working_day: date) -> date:
    """Where a carried ticket goes: today when the reset runs the morning after, else the next working day."""
    return today if service_day < today else next_working_day


# -- calling policy -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class Head:
    """The oldest waiting ticket of one line and class (what the policy chooses among)."""

    order_key: int
    ticket_id: str = field(compare=False)
    line_id: str = field(compare=False)
    priority: bool = field(compare=False)


@dataclass(frozen=True, slots=True)
class CallingState:
    """What a counter remembers between calls (persisted, so a restart keeps fairness)."""

    priority_streak: int = 0
    credits: tuple[tuple[str, int], ...] = ()  # smooth weighted round robin "current weight" per line

    def credit(self, line_id: str) -> int:
        return dict(self.credits).get(line_id, 0)

    @staticmethod
    def of(priority_streak: int, credits: Mapping[str, int]) -> CallingState:
        return CallingState(priority_streak, tuple(sorted(credits.items())))


@dataclass(frozen=True, slots=True)
class CounterState:
    """A counter in the queue: the ticket it holds, whether it is paused, its calling memory."""

    counter_id: str
    centre_id: str
    current_ticket_id: str | None = None
    paused: bool = False
    calling: CallingState = CallingState()
    staff_id: str | None = None
    last_ticket_id: str | None = None  # the ticket it finished last (the rating pad asks about it)


@dataclass(frozen=True, slots=True)
class Choice:
    head: Head
    state: CallingState
    reason: str  # "direct" | "priority" | "weighted" | "fallback"


def choose_next(
    heads: Iterable[Head],
    weights: Mapping[str, int],
    state: CallingState,
    *,
    priority_cap: int | None,
    direct: Iterable[Head] = (),
) -> Choice | None:
    """Which ticket a counter calls next, and the counter's state after the call.

    1. Tickets transferred to this very counter (``direct``) come first, oldest first: they waited once.
    2. The counter's own lines are those with weight > 0. Lines of weight 0 are a fallback: they are
       looked at only when none of its own lines has anyone waiting (priority citizens included).
    3. Among the lines looked at, priority tickets come before normal ones, oldest first across the
       lines, but after ``priority_cap`` priority calls in a row a waiting normal ticket is called.
    4. Normal tickets of its own lines: the lines share the calls in proportion to their weights
       (smooth weighted round robin over the lines that have someone waiting; the "current weights"
       are the counter's persisted credits). In fallback, the oldest normal ticket.
    Within a line and class the oldest ticket (smallest order key) always goes first.
    Manual calls (a specific number, a reactivated no-show) don't go through here.
    """
    direct_heads = sorted(direct)
    if direct_heads:
        return Choice(direct_heads[0], state, "direct")
    mine = [h for h in heads if h.line_id in weights]
    own = [h for h in mine if weights[h.line_id] > 0]
    pool = own or mine
    priority = [h for h in pool if h.priority]
    normal = [h for h in pool if not h.priority]
    if not priority and not normal:
        return None
    cap_reached = priority_cap is not None and state.priority_streak >= priority_cap
    if priority and (not normal or not cap_reached):
        head = min(priority)
        return Choice(head, replace(state, priority_streak=state.priority_streak + 1), "priority")
    if not own:
        return Choice(min(normal), replace(state, priority_streak=0), "fallback")
    credits = {line: c for line, c in state.credits if line in weights}
    # one head per line (the oldest, should a caller pass several)
    by_line: dict[str, Head] = {}
    for h in normal:
        if h.line_id not in by_line or h < by_line[h.line_id]:
            by_line[h.line_id] = h
    total = sum(weights[line] for line in by_line)
    for line in by_line:
        credits[line] = credits.get(line, 0) + weights[line]
    chosen = max(by_line.values(), key=lambda h: (credits[h.line_id], -h.order_key))
    credits[chosen.line_id] -= total
    bound = sum(w for w in weights.values() if w > 0)
    credits = {line: max(-bound, min(bound, c)) for line, c in credits.items() if c}
    return Choice(chosen, CallingState.of(0, credits), "weighted")


class WaitingQueue:
    """Waiting tickets in memory, per line and class, oldest first (policy tests; a hub may keep one)."""

    def __init__(self) -> None:
        self._heaps: dict[tuple[str, bool], list[Head]] = {}
        self._live: dict[str, Head] = {}

    def __len__(self) -> int:
        return len(self._live)

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self._live

    def add(self, head: Head) -> None:
        if head.ticket_id in self._live:
            raise ValueError(f"ticket {head.ticket_id} already waits")
        self._live[head.ticket_id] = head
        heapq.heappush(self._heaps.setdefault((head.line_id, head.priority), []), head)

    def remove(self, ticket_id: str) -> Head:
        return self._live.pop(ticket_id)

    def heads(self, line_ids: Iterable[str] | None = None) -> list[Head]:
        wanted = None if line_ids is None else set(line_ids)
        found: list[Head] = []
        for (line_id, _priority), heap in self._heaps.items():
            if wanted is not None and line_id not in wanted:
                continue
            while heap and self._live.get(heap[0].ticket_id) is not heap[0]:
                heapq.heappop(heap)  # removed earlier
            if heap:
                found.append(heap[0])
        return found

    def waiting(self, line_id: str | None = None) -> list[Head]:
        return sorted(h for h in self._live.values() if line_id is None or h.line_id == line_id)


# -- times and KPIs -----------------------------------------------------------------------------


def elapsed_minutes(start: datetime, end: datetime, *, what: str = "") -> float:
    """Minutes from start to end; a clock set back would make it negative: clamp to 0 and log."""
    minutes = (end - start).total_seconds() / 60
    if minutes < 0:
        log.warning("clock went back %.1f min (%s): %s → %s; counted as 0", -minutes, what or "duration",
                    start.isoformat(), end.isoformat())
        return 0.0
    return minutes


def estimate_wait_minutes(ahead: int, service_minutes: float, counters: int) -> int:
    """People ahead × average service time, shared by the counters that serve the line (rounded up)."""
    if ahead <= 0:
        return 0
    return math.ceil(ahead * service_minutes / max(1, counters))


def bucket_labels(width: int, count: int) -> list[str]:
    return [f"{i * width}-{(i + 1) * width}" for i in range(count)] + [f"{count * width}+"]


def bucket_label(minutes: float, width: int, count: int) -> str:
    index = int(max(0.0, minutes) // width)
    return f"{count * width}+" if index >= count else f"{index * width}-{(index + 1) * width}"


@dataclass(frozen=True, slots=True)
class CounterMoment:
    """A counter becoming busy, free or paused, in centre order (seq), for its idle time."""

    seq: int
    at: datetime
    counter_number: int
    kind: str  # "busy" | "free" | "paused"


MOMENT_OF_EVENT: dict[EventType, str] = {
    EventType.CALLED: "busy",
    EventType.WALK_IN: "busy",
    EventType.FINISHED: "free",
    EventType.NO_SHOW: "free",
    EventType.TRANSFERRED: "free",
    EventType.RESUMED: "free",
    EventType.PAUSED: "paused",
}


def idle_minutes(moments: Iterable[CounterMoment], until: datetime) -> dict[int, float]:
    """Minutes each counter was open, not paused and without a ticket.

    A counter's idle time runs from the moment it becomes free (finish, no-show, transfer, resume)
    until its next call, walk-in or pause; time before its first action of the day is not known.
    Order is by seq, never by wall time; each interval is clamped at 0 when the clock went back.
    """
    idle: dict[int, float] = {}
    free_since: dict[int, datetime | None] = {}
    for m in sorted(moments, key=lambda m: m.seq):
        idle.setdefault(m.counter_number, 0.0)
        since = free_since.get(m.counter_number)
        if m.kind == "free":
            if since is None:
                free_since[m.counter_number] = m.at
            continue
        if since is not None:
            idle[m.counter_number] += elapsed_minutes(since, m.at, what=f"idle time of counter {m.counter_number}")
        free_since[m.counter_number] = None
    for number, since in free_since.items():
        if since is not None:
            idle[number] += elapsed_minutes(since, until, what=f"idle time of counter {number}")
    return idle


@dataclass(frozen=True, slots=True)
class KpiFigures:
    issued: int
    served: int
    no_show: int
    walk_ins: int
    transferred: int
    removed: int
    waiting_now: int
    average_wait_minutes: float
    average_walk_minutes: float
    average_service_minutes: float
    average_time_in_centre_minutes: float
    service_level: float
    no_show_share: float
    idle_minutes_by_counter: dict[int, float]
    wait_buckets: dict[str, int]
    service_buckets: dict[str, int]


def _mean(values: Sequence[float]) -> float:
    return round(sum(values) / len(values), 2) if values else 0.0


def wait_of(ticket: Ticket) -> float | None:
    """Waiting time of one visit: last call − start of waiting (None if never called or a walk-in)."""
    if ticket.walk_in or ticket.called_at is None:
        return None
    return elapsed_minutes(ticket.queued_at, ticket.called_at, what=f"waiting time of {ticket.label}")


def compute_kpis(
    tickets: Iterable[Ticket], moments: Iterable[CounterMoment], *, now: datetime, settings: QueueSettings
) -> KpiFigures:
    """The day's figures over its visits (one row per ticket and transfer hop).

    waiting = last call − start of waiting; walking = start − call; service = end − start;
    time in centre = end − issue (original issue, across transfers). Service level counts the
    called visits that waited at most the target plus, as misses, those still waiting beyond it;
    with nobody yet it is 1.0. No-show share = no-shows / visits called (walk-ins are not called).
    """
    tickets = list(tickets)
    outcomes = [t.outcome for t in tickets]
    waits = [w for t in tickets if (w := wait_of(t)) is not None]
    walks = [
        elapsed_minutes(t.called_at, t.started_at, what=f"walking time of {t.label}")
        for t in tickets
        if not t.walk_in and t.called_at is not None and t.started_at is not None
    ]
    finished = [t for t in tickets if t.outcome in (TicketOutcome.SERVED, TicketOutcome.WALK_IN)]
    services = [
        elapsed_minutes(t.started_at, t.ended_at, what=f"service time of {t.label}")
        for t in finished
        if t.started_at is not None and t.ended_at is not None
    ]
    in_centre = [
        elapsed_minutes(t.issued_at, t.ended_at, what=f"time in centre of {t.label}")
        for t in finished
        if t.ended_at is not None
    ]
    target = settings.target_wait_minutes
    overdue = sum(
        1
        for t in tickets
        if t.status is TicketStatus.WAITING
        and elapsed_minutes(t.queued_at, now, what=f"waiting time of {t.label}") > target
    )
    within = sum(1 for w in waits if w <= target)
    judged = len(waits) + overdue
    no_show = outcomes.count(TicketOutcome.NO_SHOW)
    wait_buckets = dict.fromkeys(bucket_labels(settings.bucket_minutes, settings.bucket_count), 0)
    for w in waits:
        wait_buckets[bucket_label(w, settings.bucket_minutes, settings.bucket_count)] += 1
    service_buckets = dict.fromkeys(bucket_labels(settings.bucket_minutes, settings.bucket_count), 0)
    for s in services:
        service_buckets[bucket_label(s, settings.bucket_minutes, settings.bucket_count)] += 1
    return KpiFigures(
        issued=sum(1 for t in tickets if t.hop == 0 and not t.walk_in),
        served=outcomes.count(TicketOutcome.SERVED),
        no_show=no_show,
        walk_ins=outcomes.count(TicketOutcome.WALK_IN),
        transferred=outcomes.count(TicketOutcome.TRANSFERRED),
        removed=outcomes.count(TicketOutcome.REMOVED) + outcomes.count(TicketOutcome.REMOVED_AT_RESET),
        waiting_now=sum(1 for t in tickets if t.status is TicketStatus.WAITING),
        average_wait_minutes=_mean(waits),
        average_walk_minutes=_mean(walks),
        average_service_minutes=_mean(services),
        average_time_in_centre_minutes=_mean(in_centre),
        service_level=round(within / judged, 4) if judged else 1.0,
        no_show_share=round(no_show / len(waits), 4) if waits else 0.0,
        idle_minutes_by_counter={k: round(v, 2) for k, v in idle_minutes(moments, now).items()},
        wait_buckets=wait_buckets,
        service_buckets=service_buckets,
    )

