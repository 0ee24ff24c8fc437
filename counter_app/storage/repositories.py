"""Repositories over the SQLAlchemy session: rows in, domain objects and plain records out."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session, selectinload

from counter_app.domain.calendar import VIETNAM_TIME, OfficeHours, WorkingCalendar
from counter_app.domain.catalog import (
    Channel,
    Component,
    Duration,
    DurationUnit,
    Fee,
    FeeDue,
    FeeKind,
    Field,
    Procedure,
    ProcedureLevel,
)
from counter_app.domain.codes import SequenceLease
from counter_app.domain.units import Centre, Counter, Unit, UnitKind
from counter_app.storage.ids import new_id
from counter_app.storage.models import (
    CalendarDayRow,
    CalendarSettingsRow,
    CentreAgencyRow,
    CentreRow,
    CounterRow,
    CounterSessionRow,
    DeviceRow,
    FieldRow,
    OutboxRow,
    ProcedureRow,
    SequenceCounterRow,
    SequenceLeaseRow,
    StaffRow,
    UnitRow,
)
from counter_app.storage.outbox_rows import carries_rows, rows_for


def unit_from_row(row: UnitRow) -> Unit:
    return Unit(
        id=row.id,
        code=row.code,
        name=row.name,
        kind=UnitKind(row.kind),
        parent_id=row.parent_id,
        short_name=row.short_name,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
    )


def procedure_from_row(row: ProcedureRow) -> Procedure:
    return Procedure(
        id=row.id,
        code=row.code,
        name=row.name,
        field_id=row.field_id,
        agency_unit_id=row.agency_unit_id,
        level=ProcedureLevel(row.level),
        duration=Duration(
            DurationUnit(row.duration_unit), row.duration_amount,
            time.fromisoformat(row.duration_cutoff) if row.duration_cutoff else None,
        ),
        components=tuple(
            Component(c.name, c.originals, c.certified_copies, c.photocopies, c.required, c.note)
            for c in row.components
        ),
        fees=tuple(Fee(f.name, f.amount, FeeKind(f.kind), f.note, FeeDue(f.due)) for f in row.fees),
        channels=frozenset(Channel(c) for c in row.channels.split(",") if c),
        post_dossier=row.post_dossier,
        post_result=row.post_result,
        requires_in_person=row.requires_in_person,
        result_description=row.result_description,
        legal_basis=row.legal_basis,
        catalog_version=row.catalog_version,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        sample=row.sample,
    )


class SqlUnitRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def all(self) -> list[Unit]:
        return [unit_from_row(r) for r in self._s.scalars(select(UnitRow))]

    def centres(self) -> list[Centre]:
        rows = self._s.scalars(select(CentreRow).order_by(CentreRow.code))
        return [Centre(r.id, r.code, r.name, r.unit_id, r.address, r.phone) for r in rows]

    def centre(self, centre_id: str) -> Centre | None:
        r = self._s.get(CentreRow, centre_id)
        return None if r is None else Centre(r.id, r.code, r.name, r.unit_id, r.address, r.phone)

    def centre_agencies(self, centre_id: str) -> list[str]:
        return list(
            self._s.scalars(select(CentreAgencyRow.unit_id).where(CentreAgencyRow.centre_id == centre_id))
        )

    def counters(self, centre_id: str) -> list[Counter]:
        rows = self._s.scalars(
            select(CounterRow).where(CounterRow.centre_id == centre_id).order_by(CounterRow.number)
        )
        return [Counter(r.id, r.centre_id, r.number, r.name, r.active) for r in rows]

    def counter(self, counter_id: str) -> Counter | None:
        r = self._s.get(CounterRow, counter_id)
        return None if r is None else Counter(r.id, r.centre_id, r.number, r.name, r.active)


class SqlCatalogRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def fields(self) -> list[Field]:
        return [Field(r.id, r.code, r.name) for r in self._s.scalars(select(FieldRow))]

    def procedures(self) -> list[Procedure]:
        rows = self._s.scalars(
            select(ProcedureRow).options(
                selectinload(ProcedureRow.components), selectinload(ProcedureRow.fees)
            )
        )
        return [procedure_from_row(r) for r in rows]

    def procedure_by_code(self, code: str) -> Procedure | None:
        row = self._s.scalars(
            select(ProcedureRow)
            .where(ProcedureRow.code == code)
            .options(selectinload(ProcedureRow.components), selectinload(ProcedureRow.fees))
        ).one_or_none()
        return None if row is None else procedure_from_row(row)


class SqlStaffRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def by_username(self, username: str) -> StaffRow | None:
        return self._s.scalars(select(StaffRow).where(StaffRow.username == username)).one_or_none()

    def by_id(self, staff_id: str) -> StaffRow | None:
        return self._s.get(StaffRow, staff_id)

    def first_active(self) -> StaffRow | None:
        return self._s.scalars(
            select(StaffRow).where(StaffRow.active.is_(True)).order_by(StaffRow.username).limit(1)
        ).first()

    def first_clerk(self, centre_id: str) -> StaffRow | None:
        return self._s.scalars(
            select(StaffRow)
            .where(StaffRow.centre_id == centre_id, StaffRow.active.is_(True), StaffRow.role == "clerk")
            .order_by(StaffRow.username)
            .limit(1)
        ).first()

    def record_login_failure(self, staff_id: str, failed_logins: int, locked_until: datetime | None) -> None:
        self._s.execute(
            update(StaffRow)
            .where(StaffRow.id == staff_id)
            .values(failed_logins=failed_logins, locked_until=locked_until)
        )

    def record_login_success(self, staff_id: str, at: datetime, new_hash: str | None) -> None:
        values: dict[str, Any] = {"failed_logins": 0, "locked_until": None, "last_login_at": at}
        if new_hash is not None:
            values["password_hash"] = new_hash
        self._s.execute(update(StaffRow).where(StaffRow.id == staff_id).values(**values))

    def open_counter_session(self, staff_id: str, counter_id: str, device_id: str, at: datetime) -> str:
        session_id = new_id()
        self._s.add(
            CounterSessionRow(
                id=session_id, staff_id=staff_id, counter_id=counter_id, device_id=device_id, started_at=at
            )
        )
        return session_id

    def close_counter_session(self, session_id: str, at: datetime) -> bool:
        """True when an open duty period was closed now."""
        result = self._s.execute(
            update(CounterSessionRow)
            .where(CounterSessionRow.id == session_id, CounterSessionRow.ended_at.is_(None))
            .values(ended_at=at)
        )
        return bool(result.rowcount)


def parse_office_hours(spec: str) -> OfficeHours:
    sessions = []
    for part in spec.split(","):
        start, end = part.strip().split("-")
        sessions.append((time.fromisoformat(start), time.fromisoformat(end)))
    return OfficeHours(tuple(sessions))


def format_office_hours(hours: OfficeHours) -> str:
    return ",".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in hours.sessions)


class SqlCalendarRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def calendar(self, centre_id: str | None = None) -> WorkingCalendar:
        settings = None
        if centre_id:
            settings = self._s.get(CalendarSettingsRow, centre_id)
        if settings is None:
            settings = self._s.get(CalendarSettingsRow, "")
        hours = parse_office_hours(settings.office_hours) if settings else OfficeHours()
        weekend = (
            frozenset(int(d) for d in settings.weekend.split(",") if d.strip())
            if settings
            else frozenset({5, 6})
        )
        days_off: set[date] = set()
        working: set[date] = set()
        for row in self._s.scalars(select(CalendarDayRow)):
            (days_off if row.kind == "off" else working).add(row.day)
        return WorkingCalendar(
            office_hours=hours,
            weekend=weekend,
            days_off=frozenset(days_off),
            extra_working_days=frozenset(working),
        )

    def replace_days(self, days: dict[date, tuple[str, str, str]]) -> None:
        """Replace the calendar's special days: {day: (kind, name, source)}."""
        self._s.execute(delete(CalendarDayRow))
        self._s.add_all(
            CalendarDayRow(day=d, kind=k, name=n, source=s) for d, (k, n, s) in sorted(days.items())
        )


class SqlSequenceRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def leases(self, device_id: str) -> list[SequenceLease]:
        rows = self._s.scalars(
            select(SequenceLeaseRow)
            .where(SequenceLeaseRow.device_id == device_id)
            .order_by(SequenceLeaseRow.id)
        )
        return [
            SequenceLease(r.agency_code, r.first, r.last, r.valid_from, r.valid_to, r.device_id) for r in rows
        ]

    def add_lease(self, lease: SequenceLease) -> None:
        self._s.add(
            SequenceLeaseRow(
                device_id=lease.device_id,
                agency_code=lease.agency_code,
                first=lease.first,
                last=lease.last,
                valid_from=lease.valid_from,
                valid_to=lease.valid_to,
            )
        )

    def last_used(self, agency_code: str, day: date) -> int | None:
        row = self._s.get(SequenceCounterRow, (agency_code, day))
        return None if row is None else row.last_used

    def set_last_used(self, agency_code: str, day: date, seq: int) -> None:
        row = self._s.get(SequenceCounterRow, (agency_code, day))
        if row is None:
            self._s.add(SequenceCounterRow(agency_code=agency_code, day=day, last_used=seq))
        else:
            row.last_used = seq


def next_hlc(previous: str | None, now: datetime) -> str:
    """The clock stamp after ``previous`` (``"<ms>.<counter>"``, kept in the device row): physical
    milliseconds, or the previous stamp's milliseconds with the counter raised when the PC clock is
    not ahead of it. Kept in the store, so it never goes back across restarts or between the
    windows that share the store (their writes are serialised by the store's write lock)."""
    ms = int(now.timestamp() * 1000)
    last_ms, counter = 0, 0
    if previous:
        head, _, tail = previous.partition(".")
        last_ms, counter = int(head), int(tail or 0)
    if ms > last_ms:
        return f"{ms:013d}.{0:05d}"
    return f"{last_ms:013d}.{counter + 1:05d}"


def _json(payload: dict[str, object]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)


_NEXT_DEVICE_SEQ = text(
    "UPDATE device SET next_seq = next_seq + 1,"
    " clock_mark = CASE WHEN clock_mark IS NULL OR clock_mark < :mark THEN :mark ELSE clock_mark END"
    " WHERE id = :id RETURNING next_seq - 1, hlc"
)
_SET_HLC = text("UPDATE device SET hlc = :hlc WHERE id = :id")


class SqlOutbox:
    """Adds an op per committed change, in the caller's transaction.

    An op about a row that leaves the PC (``outbox_rows.ROWS_OF``) carries those rows as the step
    left them: they are read when the next op is added or at commit (``finish``), after the
    service has saved what the step changed.
    """

    def __init__(self, session: Session, *, device_id: str, schema_version: str, now: Any) -> None:
        self._s = session
        self._device_id = device_id
        self._schema_version = schema_version
        self._now = now
        self._waiting: list[tuple[OutboxRow, dict[str, object]]] = []

    def add(self, entity: str, entity_id: str, op: str, payload: dict[str, object]) -> str:
        self.finish()
        now = self._now()
        # the clock mark (newest time written) rises in the same statement as device_seq: never lowers
        seq, previous = self._s.execute(
            _NEXT_DEVICE_SEQ, {"id": self._device_id, "mark": now.astimezone(UTC).isoformat(timespec="microseconds")},
        ).one()
        stamp = next_hlc(previous, now)
        self._s.execute(_SET_HLC, {"hlc": stamp, "id": self._device_id})
        op_id = new_id()
        row = OutboxRow(
            op_id=op_id,
            device_id=self._device_id,
            device_seq=seq,
            entity=entity,
            entity_id=entity_id,
            op=op,
            payload=_json(payload),
            schema_version=self._schema_version,
            hlc=f"{stamp}.{self._device_id}",
            created_at=now,
        )
        self._s.add(row)
        if carries_rows(entity):
            self._waiting.append((row, payload))
        return op_id

    def finish(self) -> None:
        """Fill the rows of the ops still waiting for them (called before each op and at commit)."""
        waiting, self._waiting = self._waiting, []
        if not waiting:
            return
        self._s.flush()
        conn = self._s.connection()
        for row, payload in waiting:
            row.payload = _json({**payload, "rows": rows_for(conn, row.entity, row.entity_id, payload,
                                                             self._device_id)})

    def clock_mark(self) -> datetime | None:
        """The newest time this store wrote (see ``services.clock_guard``); None for a store that wrote nothing."""
        value = self._s.execute(text("SELECT clock_mark FROM device WHERE id = :id"), {"id": self._device_id}).scalar()
        return datetime.fromisoformat(value).astimezone(VIETNAM_TIME) if value else None

    def set_clock_mark(self, at: datetime) -> None:
        """Put the mark at ``at``, also back: only for an administrator's confirmed date change."""
        self._s.execute(text("UPDATE device SET clock_mark = :mark WHERE id = :id"),
                        {"id": self._device_id, "mark": at.astimezone(UTC).isoformat(timespec="microseconds")})

    def pending(self, limit: int = 500) -> Sequence[OutboxRow]:
        return list(
            self._s.scalars(
                select(OutboxRow).where(OutboxRow.pushed_at.is_(None)).order_by(OutboxRow.device_seq).limit(limit)
            )
        )


def device_row(session: Session) -> DeviceRow | None:
    return session.scalars(select(DeviceRow).limit(1)).first()


