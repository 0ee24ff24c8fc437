"""Repository of the queue: lines, assignments, tickets, events, counter state and ratings.

Core SQL only (no ORM identities that could go stale between a read and a conditional update), and
the statements of the hot paths (issue, call) are built once with bind parameters: building a
SQLAlchemy expression costs more than SQLite running it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Row,
    TextClause,
    Update,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import String

from counter_app.domain.queue import (
    MOMENT_OF_EVENT,
    CallingState,
    CounterMoment,
    CounterState,
    EventType,
    Head,
    Line,
    Priority,
    Ticket,
    TicketOutcome,
    TicketStatus,
)
from counter_app.domain.units import Counter
from counter_app.storage.ids import new_id
from counter_app.storage.models import CounterRow, CounterSessionRow, StaffRow
from counter_app.storage.queue_models import (
    QueueCentreRow,
    QueueCounterLineRow,
    QueueCounterStateRow,
    QueueEventRow,
    QueueLineRow,
    QueueRatingRow,
    QueueTicketRow,
)
from counter_app.storage.types import AwareDateTime

_T = QueueTicketRow.__table__
_E = QueueEventRow.__table__
_S = QueueCounterStateRow.__table__
_L = QueueLineRow.__table__
_A = QueueCounterLineRow.__table__
_R = QueueRatingRow.__table__
_C = CounterRow.__table__
# spelled as a literal, not a bound parameter, so SQLite can use the partial "waiting" indexes
_WAITING = literal_column("'waiting'")

_TICKET_COLUMNS = tuple(c.name for c in _T.columns)
_TICKET_FIELDS = tuple(f.name for f in fields(Ticket))  # every field is a column of the same name
_TICKET_ROW = select(*(_T.c[name] for name in _TICKET_FIELDS))  # rows in field order: fast to unpack
_ENUM_AT = {_TICKET_FIELDS.index("priority"): Priority, _TICKET_FIELDS.index("status"): TicketStatus}
_OUTCOME_AT = _TICKET_FIELDS.index("outcome")
_TIMES_AT = tuple(i for i, name in enumerate(_TICKET_FIELDS) if isinstance(_T.c[name].type, AwareDateTime))
# For figures over a whole day: times come back in UTC (durations are the same; no time-zone shift
# per value, which costs more than reading the row)
_TICKET_ROW_UTC = select(*(
    type_coerce(_T.c[name], String()).label(name) if i in _TIMES_AT else _T.c[name]
    for i, name in enumerate(_TICKET_FIELDS)
))
_STATE_COLUMNS = (
    "centre_id", "current_ticket_id", "paused", "priority_streak", "credits", "staff_id", "last_ticket_id",
    "updated_at",
)

# -- statements built once ---------------------------------------------------------------------------
_LINE = select(_L).where(_L.c.id == bindparam("id"))
_COUNTER_LINES = (
    select(_A.c.line_id, _A.c.weight)
    .join(_L, _L.c.id == _A.c.line_id)
    .where(_A.c.counter_id == bindparam("counter_id"), _L.c.active.is_(True))
)
_DESK = (
    select(_C.c.id, _C.c.centre_id, _C.c.number, _C.c.name, _C.c.active,
           *(_S.c[name] for name in _STATE_COLUMNS if name != "centre_id"))
    .select_from(_C)
    .outerjoin(_S, _S.c.counter_id == _C.c.id)
    .where(_C.c.id == bindparam("id"))
)
_STAFF = select(StaffRow.__table__.c.centre_id, StaffRow.__table__.c.active).where(
    StaffRow.__table__.c.id == bindparam("id")
)
_NEXT_SEQ = text("UPDATE queue_centres SET next_seq = next_seq + 1 WHERE centre_id = :c RETURNING next_seq - 1")
_LAST_NUMBER = select(func.max(_T.c.number)).where(
    _T.c.issued_line_id == bindparam("line_id"), _T.c.day == bindparam("day")
)
_INSERT_TICKET = insert(_T)
_TICKET = _TICKET_ROW.where(_T.c.id == bindparam("id"))
_BY_REQUEST_KEY = _TICKET_ROW.where(_T.c.request_key == bindparam("key"))
# (service_day is checked in Python: a range on it here makes SQLite pick the line index and sort)
_DIRECT_HEADS = (
    select(_T.c.order_key, _T.c.id, _T.c.line_id, _T.c.is_priority, _T.c.service_day)
    .where(_T.c.target_counter_id == bindparam("counter_id"), _T.c.status == _WAITING)
    .order_by(_T.c.order_key)
)
_WAITING_AHEAD = select(func.count()).select_from(_T).where(
    _T.c.status == _WAITING, _T.c.service_day == bindparam("day"), _T.c.line_id == bindparam("line_id")
)
_WAITING_AHEAD_PRIORITY = _WAITING_AHEAD.where(_T.c.is_priority.is_(True))
_STALE = (
    _TICKET_ROW
    .where(_T.c.status == _WAITING, _T.c.service_day < bindparam("day"), _T.c.centre_id == bindparam("centre_id"))
    .order_by(_T.c.order_key)
)
_INSERT_EVENT = insert(_E)
_OLDER_EVENTS_MARGIN = 200
_UPDATE_STATE = update(_S).where(_S.c.counter_id == bindparam("_counter_id")).values(
    {name: bindparam(name) for name in _STATE_COLUMNS}
)
_INSERT_STATE = insert(_S)


@lru_cache(maxsize=128)
def _update_statement(columns: tuple[str, ...], conditional: bool) -> Update:
    """UPDATE of just these columns (SQLite rewrites only the indexes whose columns are set)."""
    q = update(_T).where(_T.c.id == bindparam("_id"))
    if conditional:
        q = q.where(_T.c.status == bindparam("_expect"))
    return q.values({name: bindparam(name) for name in columns})


@lru_cache(maxsize=256)
def _heads_statement(lines: int) -> TextClause:
    """The oldest waiting untargeted ticket of each of ``lines`` lines and both classes, one statement."""
    branches = [
        "SELECT * FROM (SELECT order_key, id, line_id, is_priority FROM queue_tickets"
        f" WHERE status = 'waiting' AND service_day = :day AND line_id = :l{i} AND is_priority = {p}"
        " AND target_counter_id IS NULL ORDER BY order_key LIMIT 1)"
        for i in range(lines)
        for p in (1, 0)
    ]
    return text(" UNION ALL ".join(branches))


def _line(row: Row[Any]) -> Line:
    return Line(
        id=row.id, centre_id=row.centre_id, code=row.code, name=row.name, group=row.group_name,
        service=row.service, first_number=row.first_number, last_number=row.last_number,
        position=row.position, active=row.active,
    )


def _ticket(row: Row[Any], *, utc_times: bool = False) -> Ticket:
    """A row of ``_TICKET_ROW`` (columns in Ticket's field order) as a Ticket."""
    values = list(row)
    if utc_times:
        for index in _TIMES_AT:
            if values[index] is not None:
                values[index] = datetime.fromisoformat(values[index])
    for index, enum in _ENUM_AT.items():
        values[index] = enum(values[index])
    if values[_OUTCOME_AT] is not None:
        values[_OUTCOME_AT] = TicketOutcome(values[_OUTCOME_AT])
    return Ticket(*values)


def _ticket_values(t: Ticket) -> dict[str, Any]:
    values = {name: getattr(t, name) for name in _TICKET_COLUMNS if name != "is_priority"}
    values["priority"] = t.priority.value
    values["status"] = t.status.value
    values["outcome"] = t.outcome.value if t.outcome is not None else None
    values["is_priority"] = t.is_priority
    return values


def _state(counter_id: str, centre_id: str, row: Any) -> CounterState:
    if row is None or row.updated_at is None:
        return CounterState(counter_id, centre_id)
    credits = {k: int(v) for k, v in json.loads(row.credits or "{}").items()}
    return CounterState(
        counter_id=counter_id, centre_id=centre_id, current_ticket_id=row.current_ticket_id,
        paused=bool(row.paused), calling=CallingState.of(row.priority_streak, credits), staff_id=row.staff_id,
        last_ticket_id=row.last_ticket_id,
    )


class SqlQueueRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    # -- lines and assignments ------------------------------------------------------------------
    def add_line(self, line: Line) -> None:
        self._s.execute(
            insert(_L).values(
                id=line.id, centre_id=line.centre_id, code=line.code, name=line.name, group_name=line.group,
                service=line.service, first_number=line.first_number, last_number=line.last_number,
                position=line.position, active=line.active,
            )
        )

    def assign(self, counter_id: str, line_id: str, weight: int) -> None:
        self._s.execute(insert(_A).values(counter_id=counter_id, line_id=line_id, weight=weight))

    def line(self, line_id: str) -> Line | None:
        row = self._s.execute(_LINE, {"id": line_id}).first()
        return None if row is None else _line(row)

    def lines(self, centre_id: str, *, active_only: bool = True) -> list[Line]:
        q = select(_L).where(_L.c.centre_id == centre_id)
        if active_only:
            q = q.where(_L.c.active.is_(True))
        return [_line(r) for r in self._s.execute(q.order_by(_L.c.position, _L.c.code))]

    def counter_lines(self, counter_id: str) -> dict[str, int]:
        return {line_id: weight for line_id, weight in self._s.execute(_COUNTER_LINES, {"counter_id": counter_id})}

    def assignments(self, centre_id: str) -> list[tuple[str, str, int]]:
        """(counter id, line id, weight) of a centre."""
        rows = self._s.execute(
            select(_A.c.counter_id, _A.c.line_id, _A.c.weight)
            .join(_L, _L.c.id == _A.c.line_id)
            .where(_L.c.centre_id == centre_id)
            .order_by(_A.c.counter_id, _A.c.line_id)
        )
        return [(c, line_id, w) for c, line_id, w in rows]

    def serving_counters(self, line_id: str) -> int:
        """Active counters that serve the line with a weight and are not paused."""
        return self._s.scalar(
            select(func.count())
            .select_from(_A)
            .join(_C, _C.c.id == _A.c.counter_id)
            .outerjoin(_S, _S.c.counter_id == _A.c.counter_id)
            .where(
                _A.c.line_id == line_id, _A.c.weight > 0, _C.c.active.is_(True),
                func.coalesce(_S.c.paused, False).is_(False),
            )
        ) or 0

    def desk(self, counter_id: str) -> tuple[Counter, CounterState] | None:
        """A counter and its queue state in one read."""
        row = self._s.execute(_DESK, {"id": counter_id}).first()
        if row is None:
            return None
        counter = Counter(row.id, row.centre_id, row.number, row.name, row.active)
        return counter, _state(row.id, row.centre_id, row)

    def staff_centre(self, staff_id: str) -> str | None:
        """The centre of an active staff member (None if unknown or disabled)."""
        row = self._s.execute(_STAFF, {"id": staff_id}).first()
        return row.centre_id if row is not None and row.active else None

    def staffed(self, counter_id: str) -> bool:
        """Someone opened a duty period at the counter and has not closed it."""
        return self._s.scalar(
            select(CounterSessionRow.id)
            .where(CounterSessionRow.counter_id == counter_id, CounterSessionRow.ended_at.is_(None))
            .limit(1)
        ) is not None

    # -- sequence and numbers -------------------------------------------------------------------
    def next_seq(self, centre_id: str) -> int:
        """The centre's next sequence number; monotonic whatever the wall clock does."""
        seq = self._s.execute(_NEXT_SEQ, {"c": centre_id}).scalar()
        if seq is None:
            self._s.execute(insert(QueueCentreRow.__table__).values(centre_id=centre_id, next_seq=2))
            seq = 1
        return int(seq)

    def last_number(self, issued_line_id: str, day: date) -> int | None:
        return self._s.execute(_LAST_NUMBER, {"line_id": issued_line_id, "day": day}).scalar()

    # -- tickets --------------------------------------------------------------------------------
    def add_ticket(self, ticket: Ticket) -> None:
        self._s.execute(_INSERT_TICKET, _ticket_values(ticket))

    def save_ticket(self, ticket: Ticket, *, before: Ticket | None = None, expect: TicketStatus | None = None) -> bool:
        """Write the ticket's state (only what changed since ``before``, when given).

        With ``expect`` the write happens only if the stored status still is that: the claim that
        keeps two counters from taking one ticket. Returns whether the row was written.
        """
        values = _ticket_values(ticket)
        if before is not None:
            old = _ticket_values(before)
            values = {k: v for k, v in values.items() if k != "id" and v != old[k]}
        else:
            values.pop("id")
        if not values:
            values = {"status": ticket.status.value}
        params: dict[str, Any] = {"_id": ticket.id, **values}
        if expect is not None:
            params["_expect"] = expect.value
        statement = _update_statement(tuple(sorted(values)), expect is not None)
        return self._s.execute(statement, params).rowcount == 1  # type: ignore[attr-defined]

    def ticket(self, ticket_id: str) -> Ticket | None:
        row = self._s.execute(_TICKET, {"id": ticket_id}).first()
        return None if row is None else _ticket(row)

    def by_request_key(self, request_key: str) -> Ticket | None:
        row = self._s.execute(_BY_REQUEST_KEY, {"key": request_key}).first()
        return None if row is None else _ticket(row)

    def with_number(self, centre_id: str, prefix: str, number: int, status: TicketStatus | None = None) -> Ticket | None:
        """The ticket showing this number: the oldest waiting one, or else the newest row."""
        q = _TICKET_ROW.where(_T.c.centre_id == centre_id, _T.c.prefix == prefix, _T.c.number == number)
        if status is not None:
            row = self._s.execute(q.where(_T.c.status == status.value).order_by(_T.c.order_key).limit(1)).first()
        else:
            row = self._s.execute(q.order_by(_T.c.seq.desc()).limit(1)).first()
        return None if row is None else _ticket(row)

    def heads(self, line_ids: Sequence[str], day: date) -> list[Head]:
        """The oldest waiting ticket of each line and class (untargeted, callable on ``day``): one statement."""
        if not line_ids:
            return []
        params: dict[str, Any] = {f"l{i}": line_id for i, line_id in enumerate(line_ids)}
        params["day"] = day.isoformat()
        rows = self._s.execute(_heads_statement(len(line_ids)), params)
        return [Head(order_key, ticket_id, line_id, bool(prio)) for order_key, ticket_id, line_id, prio in rows]

    def direct_heads(self, counter_id: str, day: date) -> list[Head]:
        """The oldest waiting ticket transferred to this counter."""
        for order_key, ticket_id, line_id, priority, service_day in self._s.execute(
            _DIRECT_HEADS, {"counter_id": counter_id}
        ):
            if service_day <= day:
                return [Head(order_key, ticket_id, line_id, bool(priority))]
        return []

    def waiting_ahead(self, line_id: str, day: date, *, priority_only: bool) -> int:
        q = _WAITING_AHEAD_PRIORITY if priority_only else _WAITING_AHEAD
        return self._s.execute(q, {"line_id": line_id, "day": day}).scalar() or 0

    def average_waits(self, centre_id: str, day: date) -> dict[str, float]:
        """Average minutes from waiting to the last call of the day's called tickets, per line.

        Computed in SQLite (a display asks after every change); negative spans, from a clock set
        back, count as 0 as in domain.queue.elapsed_minutes.
        """
        minutes = func.max(0.0, (func.julianday(_T.c.called_at) - func.julianday(_T.c.queued_at)) * 1440.0)
        rows = self._s.execute(
            select(_T.c.line_id, func.avg(minutes))
            .where(_T.c.centre_id == centre_id, _T.c.day == day, _T.c.called_at.is_not(None),
                   _T.c.walk_in.is_(False))
            .group_by(_T.c.line_id)
        )
        return {line_id: float(avg or 0.0) for line_id, avg in rows}

    def waiting_counts(self, centre_id: str, day: date) -> dict[str, int]:
        rows = self._s.execute(
            select(_T.c.line_id, func.count())
            .where(_T.c.status == _WAITING, _T.c.service_day == day, _T.c.centre_id == centre_id)
            .group_by(_T.c.line_id)
        )
        return {line_id: n for line_id, n in rows}

    def services_of_day(self, centre_id: str, day: date, line_id: str, limit: int) -> list[tuple[datetime, datetime]]:
        """(start, end) of the line's latest services of the day, newest first (for wait estimates)."""
        rows = self._s.execute(
            select(_T.c.started_at, _T.c.ended_at)
            .where(_T.c.centre_id == centre_id, _T.c.day == day, _T.c.line_id == line_id,
                   _T.c.outcome == TicketOutcome.SERVED.value)
            .order_by(_T.c.seq.desc())
            .limit(limit)
        )
        return [(s, e) for s, e in rows if s is not None and e is not None]

    def waiting_before(self, centre_id: str, day: date, limit: int | None = None) -> list[Ticket]:
        """Waiting tickets whose service day is over (closed or carried at a day reset), oldest first."""
        q = _STALE if limit is None else _STALE.limit(limit)
        return [_ticket(r) for r in self._s.execute(q, {"day": day, "centre_id": centre_id})]

    def waiting_up_to(self, centre_id: str, day: date) -> list[Ticket]:
        rows = self._s.execute(
            _TICKET_ROW
            .where(_T.c.status == _WAITING, _T.c.service_day <= day, _T.c.centre_id == centre_id)
            .order_by(_T.c.order_key)
        )
        return [_ticket(r) for r in rows]

    def tickets_of_day(self, centre_id: str, day: date) -> list[Ticket]:
        """Every visit issued on the day, plus carried tickets waiting for it; times in UTC (for figures)."""
        issued = _TICKET_ROW_UTC.where(_T.c.centre_id == centre_id, _T.c.day == day)
        carried = _TICKET_ROW_UTC.where(
            _T.c.status == _WAITING, _T.c.service_day == day, _T.c.day < day, _T.c.centre_id == centre_id,
        )
        rows = list(self._s.execute(issued)) + list(self._s.execute(carried))
        return sorted((_ticket(r, utc_times=True) for r in rows), key=lambda t: t.seq)

    # -- events ---------------------------------------------------------------------------------
    def add_event(
        self, *, centre_id: str, seq: int, ticket_id: str | None, type_: EventType, at: datetime, day: date,
        counter_id: str | None, staff_id: str | None, device_id: str, data: dict[str, Any] | None = None,
    ) -> str:
        event_id = new_id()
        self._s.execute(_INSERT_EVENT, {
            "id": event_id, "centre_id": centre_id, "seq": seq, "ticket_id": ticket_id, "type": type_.value,
            "at": at, "day": day, "counter_id": counter_id, "staff_id": staff_id, "device_id": device_id,
            "data": json.dumps(data or {}, ensure_ascii=False, sort_keys=True, default=str),
        })
        return event_id

    def recent_calls(self, centre_id: str, limit: int) -> list[tuple[str, int, datetime, bool, str, str]]:
        """(number, counter number, at, recall, counter id, line id), newest first by seq."""
        rows = self._s.execute(
            select(_T.c.label, _C.c.number, _E.c.at, _E.c.type, _E.c.counter_id, _T.c.line_id)
            .select_from(_E)
            .join(_T, _T.c.id == _E.c.ticket_id)
            .join(_C, _C.c.id == _E.c.counter_id)
            .where(_E.c.centre_id == centre_id,
                   _E.c.type.in_((EventType.CALLED.value, EventType.RECALLED.value)))
            .order_by(_E.c.seq.desc())
            .limit(limit)
        )
        return [(label, n, at, t == EventType.RECALLED.value, c, line) for label, n, at, t, c, line in rows]

    def counter_moments(self, centre_id: str, day: date) -> list[CounterMoment]:
        """The day's busy/free/paused moments of the centre's counters, in seq order.

        Events carry no day index (one b-tree per event keeps calls fast): the day's events are the
        newest ones, so the scan walks back by seq and stops well after the day's first event
        (a margin of older events, in case the clock went back over midnight).
        """
        rows = self._s.execute(
            select(_E.c.seq, _E.c.at, _E.c.day, _C.c.number, _E.c.type)
            .select_from(_E)
            .join(_C, _C.c.id == _E.c.counter_id)
            .where(_E.c.centre_id == centre_id)
            .order_by(_E.c.seq.desc())
            .execution_options(yield_per=200)
        )
        found: list[CounterMoment] = []
        older = 0
        for seq, at, event_day, number, type_ in rows:
            if event_day != day:
                older += 1
                if older > _OLDER_EVENTS_MARGIN:
                    break
                continue
            older = 0
            kind = MOMENT_OF_EVENT.get(EventType(type_))
            if kind is not None:
                found.append(CounterMoment(seq, at, number, kind))
        rows.close()
        return found[::-1]

    def events_of(self, ticket_id: str) -> list[tuple[int, EventType, datetime, str | None, dict[str, Any]]]:
        rows = self._s.execute(
            select(_E.c.seq, _E.c.type, _E.c.at, _E.c.counter_id, _E.c.data)
            .where(_E.c.ticket_id == ticket_id)
            .order_by(_E.c.seq)
        )
        return [(seq, EventType(t), at, c, json.loads(d)) for seq, t, at, c, d in rows]

    # -- counter state --------------------------------------------------------------------------
    def counter_state(self, counter_id: str, centre_id: str) -> CounterState:
        row = self._s.execute(select(_S).where(_S.c.counter_id == counter_id)).first()
        return _state(counter_id, centre_id, row)

    def save_counter_state(self, state: CounterState, at: datetime) -> None:
        values = {
            "centre_id": state.centre_id, "current_ticket_id": state.current_ticket_id, "paused": state.paused,
            "priority_streak": state.calling.priority_streak,
            "credits": json.dumps(dict(state.calling.credits), sort_keys=True),
            "staff_id": state.staff_id, "last_ticket_id": state.last_ticket_id, "updated_at": at,
        }
        done = self._s.execute(_UPDATE_STATE, {"_counter_id": state.counter_id, **values})
        if done.rowcount == 0:  # type: ignore[attr-defined]
            self._s.execute(_INSERT_STATE, {"counter_id": state.counter_id, **values})

    # -- ratings --------------------------------------------------------------------------------
    def rating_of(self, ticket_id: str) -> dict[str, Any] | None:
        row = self._s.execute(select(_R).where(_R.c.ticket_id == ticket_id)).first()
        return None if row is None else dict(row._mapping)

    def add_rating(self, **values: Any) -> None:
        self._s.execute(insert(_R).values(**values))

    def update_rating(self, rating_id: str, **values: Any) -> None:
        self._s.execute(update(_R).where(_R.c.id == rating_id).values(**values))

    def ratings_between(self, centre_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        rows = self._s.execute(
            select(_R).where(_R.c.centre_id == centre_id, _R.c.at >= start, _R.c.at < end).order_by(_R.c.at)
        )
        return [dict(r._mapping) for r in rows]
