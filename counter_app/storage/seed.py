"""Filling a new store: this device's identity, and the province's units, catalog, staff and calendar."""

from __future__ import annotations

import socket
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from counter_app.domain.calendar import YearCalendar
from counter_app.domain.codes import SequenceLease
from counter_app.domain.units import Unit
from counter_app.services.catalog_data import ProvinceData
from counter_app.services.ports import PasswordHasher
from counter_app.storage.holidays_vn import calendar_days
from counter_app.storage.ids import new_id
from counter_app.storage.models import (
    CalendarDayRow,
    CalendarSettingsRow,
    CentreAgencyRow,
    CentreRow,
    ComponentRow,
    CounterRow,
    DeviceRow,
    FeeRow,
    FieldRow,
    ProcedureRow,
    SequenceLeaseRow,
    StaffRow,
    UnitRow,
)
from counter_app.storage.repositories import device_row, format_office_hours

LEASE_SIZE = 999  # numbers per device per agency and day: slot 1 → 0001–0999, slot 2 → 1000–1998 …


def ensure_device(session: Session, now: datetime, *, slot: int = 1) -> DeviceRow:
    device = device_row(session)
    if device is None:
        device = DeviceRow(id=new_id(), name=socket.gethostname(), slot=slot, created_at=now, next_seq=1)
        session.add(device)
        session.flush()
    return device


def is_empty(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(UnitRow)) == 0


def _units_parents_first(units: Iterable[Unit]) -> list[Unit]:
    by_id = {u.id: u for u in units}
    ordered: list[Unit] = []
    placed: set[str] = set()

    def place(u: Unit) -> None:
        if u.id in placed:
            return
        if u.parent_id is not None and u.parent_id in by_id:
            place(by_id[u.parent_id])
        ordered.append(u)
        placed.add(u.id)

    for unit in by_id.values():
        place(unit)
    return ordered


def calendar_day_rows(
    years: Iterable[int], yearly: dict[int, YearCalendar]
) -> dict[date, tuple[str, str, str]]:
    """{day: (kind, name with its document, issuer)}: the yearly calendars, else the holidays package."""
    return {
        d: ("working" if e.working else "off", f"{e.name} — {e.source}" if e.source else e.name, e.issuer.value)
        for d, e in calendar_days(years, yearly).items()
    }


def seed_province(
    session: Session,
    data: ProvinceData,
    *,
    hasher: PasswordHasher,
    device: DeviceRow,
    years: Iterable[int],
) -> None:
    """Load units, centres, counters, catalog, staff, calendar and this device's code leases."""
    for u in _units_parents_first(data.units):
        session.add(
            UnitRow(
                id=u.id, code=u.code, name=u.name, short_name=u.short_name, kind=u.kind.value,
                parent_id=u.parent_id, valid_from=u.valid_from, valid_to=u.valid_to,
            )
        )
    session.flush()
    for c in data.centres:
        session.add(CentreRow(id=c.id, code=c.code, name=c.name, unit_id=c.unit_id, address=c.address, phone=c.phone))
    session.flush()
    for centre_id, agencies in data.centre_agencies.items():
        session.add_all(CentreAgencyRow(centre_id=centre_id, unit_id=a) for a in agencies)
    session.add_all(
        CounterRow(id=k.id, centre_id=k.centre_id, number=k.number, name=k.name, active=k.active)
        for k in data.counters
    )
    session.add_all(FieldRow(id=f.id, code=f.code, name=f.name) for f in data.fields)
    session.flush()
    for p in data.procedures:
        row = ProcedureRow(
            id=p.id, code=p.code, name=p.name, field_id=p.field_id, agency_unit_id=p.agency_unit_id,
            level=p.level.value, duration_unit=p.duration.unit.value, duration_amount=p.duration.amount,
            duration_cutoff=f"{p.duration.cutoff:%H:%M}" if p.duration.cutoff else None,
            channels=",".join(sorted(c.value for c in p.channels)), post_dossier=p.post_dossier,
            post_result=p.post_result, requires_in_person=p.requires_in_person,
            result_description=p.result_description, legal_basis=p.legal_basis,
            catalog_version=p.catalog_version, valid_from=p.valid_from, valid_to=p.valid_to,
            sample=p.sample,
        )
        row.components = [
            ComponentRow(
                position=i, name=c.name, originals=c.originals, certified_copies=c.certified_copies,
                photocopies=c.photocopies, required=c.required, note=c.note,
            )
            for i, c in enumerate(p.components, start=1)
        ]
        row.fees = [
            FeeRow(position=i, name=f.name, amount=f.amount, kind=f.kind.value, note=f.note, due=f.due.value)
            for i, f in enumerate(p.fees, start=1)
        ]
        session.add(row)
    for s in data.staff:
        session.add(
            StaffRow(
                id=s.id, username=s.username.lower(), full_name=s.full_name, phone=s.phone,
                password_hash=hasher.hash(s.password), centre_id=s.centre_id, role=s.role, active=True,
                failed_logins=0,
            )
        )
    session.add(
        CalendarSettingsRow(
            centre_id="", office_hours=format_office_hours(data.office_hours),
            weekend=",".join(str(d) for d in sorted(data.weekend)),
        )
    )
    years = list(years)
    for d, (kind, name, source) in sorted(calendar_day_rows(years, data.yearly).items()):
        session.add(CalendarDayRow(day=d, kind=kind, name=name[:200], source=source))
    first = (device.slot - 1) * LEASE_SIZE + 1
    agency_codes = sorted({u.code for u in data.units if any(p.agency_unit_id == u.id for p in data.procedures)})
    for code in agency_codes:
        lease = SequenceLease(code, first, first + LEASE_SIZE - 1, date(min(years), 1, 1), date(max(years), 12, 31), device.id)
        session.add(
            SequenceLeaseRow(
                device_id=lease.device_id, agency_code=lease.agency_code, first=lease.first,
                last=lease.last, valid_from=lease.valid_from, valid_to=lease.valid_to,
            )
        )
    session.flush()
