"""Repository of dossiers, their append-only events, payments, hand-over batches and postal items."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, text, update
from sqlalchemy.orm import Session

from counter_app.domain.dossier import (
    DossierComponentRecord,
    DossierEvent,
    DossierRecord,
    DossierStatus,
    EventType,
)
from counter_app.storage.ids import new_id
from counter_app.storage.models import (
    DossierComponentRow,
    DossierEventRow,
    DossierRow,
    HandoverBatchRow,
    HandoverItemRow,
    PaymentRow,
    PostalItemRow,
    StaffRow,
)

_RECORD_FIELDS = [f.name for f in fields(DossierRecord) if f.name != "components"]


def _record(row: DossierRow, components: Sequence[DossierComponentRow] = ()) -> DossierRecord:
    values: dict[str, Any] = {name: getattr(row, name) for name in _RECORD_FIELDS}
    values["status"] = DossierStatus(row.status)
    values["missing_components"] = tuple(json.loads(row.missing_components or "[]"))
    values["components"] = tuple(
        DossierComponentRecord(c.name, c.originals, c.certified_copies, c.photocopies, c.provided)
        for c in components
    )
    return DossierRecord(**values)


def _row_values(record: DossierRecord) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in _RECORD_FIELDS}
    values["status"] = record.status.value
    values["missing_components"] = json.dumps(list(record.missing_components), ensure_ascii=False)
    return values


class SqlDossierRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    # -- dossiers ---------------------------------------------------------------------------
    def add(self, record: DossierRecord) -> None:
        self._s.add(DossierRow(**_row_values(record)))
        self._s.flush()  # the dossier row before its components (no ORM relationship orders them)
        self._s.add_all(
            DossierComponentRow(
                dossier_id=record.id, position=i, name=c.name, originals=c.originals,
                certified_copies=c.certified_copies, photocopies=c.photocopies, provided=c.provided,
            )
            for i, c in enumerate(record.components, start=1)
        )
        self._s.flush()

    def save(self, record: DossierRecord) -> None:
        values = _row_values(record)
        values.pop("id")
        self._s.execute(update(DossierRow).where(DossierRow.id == record.id).values(**values))

    def _components(self, dossier_id: str) -> list[DossierComponentRow]:
        return list(
            self._s.scalars(
                select(DossierComponentRow)
                .where(DossierComponentRow.dossier_id == dossier_id)
                .order_by(DossierComponentRow.position)
            )
        )

    def by_code(self, code: str, *, with_components: bool = True) -> DossierRecord | None:
        row = self._s.scalars(select(DossierRow).where(DossierRow.code == code)).one_or_none()
        if row is None:
            return None
        return _record(row, self._components(row.id) if with_components else ())

    def by_id(self, dossier_id: str) -> DossierRecord:
        row = self._s.get(DossierRow, dossier_id)
        assert row is not None, dossier_id
        return _record(row, self._components(row.id))

    def by_request_key(self, request_key: str) -> DossierRecord | None:
        row = self._s.scalars(select(DossierRow).where(DossierRow.request_key == request_key)).one_or_none()
        return None if row is None else _record(row, self._components(row.id))

    def search(
        self, *, code_prefix: str = "", id_number: str = "", phone: str = "", name_prefix: str = "",
        centre_id: str | None = None, limit: int = 50,
    ) -> list[DossierRecord]:
        q = select(DossierRow)
        if code_prefix:
            q = q.where(DossierRow.code >= code_prefix, DossierRow.code < code_prefix + "\uffff")
        if id_number:
            q = q.where(DossierRow.id_number == id_number)
        if phone:
            q = q.where(DossierRow.phone == phone)
        if name_prefix:
            q = q.where(DossierRow.applicant_key >= name_prefix, DossierRow.applicant_key < name_prefix + "\uffff")
        if centre_id:
            q = q.where(DossierRow.centre_id == centre_id)
        q = q.limit(limit)
        return [_record(r) for r in self._s.scalars(q)]

    def by_status(self, status: DossierStatus, *, centre_id: str | None = None, limit: int = 500) -> list[DossierRecord]:
        q = select(DossierRow).where(DossierRow.status == status.value)
        if centre_id:
            q = q.where(DossierRow.centre_id == centre_id)
        return [_record(r) for r in self._s.scalars(q.order_by(DossierRow.received_at).limit(limit))]

    def received_between(self, centre_id: str | None, start: datetime, end: datetime) -> list[DossierRecord]:
        q = select(DossierRow).where(DossierRow.received_at >= start, DossierRow.received_at < end)
        if centre_id:
            q = q.where(DossierRow.centre_id == centre_id)
        return [_record(r) for r in self._s.scalars(q.order_by(DossierRow.received_at))]

    def count_received_before(self, centre_id: str | None, start: datetime, at: datetime, code: str = "") -> int:
        """Dossiers received from ``start`` up to ``(at, code)``, in book order (time, then code).

        The tracking book's row of a dossier is this count plus one: a count on the
        (centre_id, received_at) index, not a year of rows loaded for every receipt printed.
        """
        q = select(func.count()).select_from(DossierRow).where(
            DossierRow.received_at >= start,
            or_(DossierRow.received_at < at, and_(DossierRow.received_at == at, DossierRow.code < code)),
        )
        if centre_id:
            q = q.where(DossierRow.centre_id == centre_id)
        return self._s.scalar(q) or 0

    def count(self) -> int:
        return self._s.scalar(select(func.count()).select_from(DossierRow)) or 0

    # -- events -----------------------------------------------------------------------------
    def append_event(self, record: DossierRecord, event: DossierEvent, status_after: DossierStatus) -> int:
        """Append to the history; returns the event's sequence number within the dossier."""
        seq = record.event_count + 1
        self._s.add(
            DossierEventRow(
                id=new_id(), dossier_id=record.id, seq=seq, type=event.type.value,
                status_after=status_after.value, at=event.at, staff_id=event.staff_id,
                counter_id=event.counter_id, device_id=event.device_id,
                data=json.dumps(event.data, ensure_ascii=False, default=str, sort_keys=True),
            )
        )
        return seq

    def events(self, dossier_id: str) -> list[tuple[int, DossierEvent, DossierStatus, str]]:
        """(seq, event, status after, staff full name) in order."""
        rows = self._s.execute(
            select(DossierEventRow, StaffRow.full_name)
            .join(StaffRow, StaffRow.id == DossierEventRow.staff_id, isouter=True)
            .where(DossierEventRow.dossier_id == dossier_id)
            .order_by(DossierEventRow.seq)
        )
        return [
            (
                e.seq,
                DossierEvent(EventType(e.type), e.at, e.staff_id, e.counter_id, e.device_id, json.loads(e.data)),
                DossierStatus(e.status_after),
                name or "",
            )
            for e, name in rows
        ]

    def last_event_at(self, dossier_id: str, type_: EventType) -> datetime | None:
        return self._s.scalar(
            select(func.max(DossierEventRow.at)).where(
                DossierEventRow.dossier_id == dossier_id, DossierEventRow.type == type_.value
            )
        )

    # -- payments ---------------------------------------------------------------------------
    def next_receipt_seq(self, device_id: str) -> int:
        return self._s.execute(
            text("UPDATE device SET next_receipt = next_receipt + 1 WHERE id = :id RETURNING next_receipt - 1"),
            {"id": device_id},
        ).scalar_one()

    def device_slot(self, device_id: str) -> int:
        """The PC's number in the province (device.slot), printed in receipt and batch numbers."""
        return int(self._s.execute(text("SELECT slot FROM device WHERE id = :id"), {"id": device_id}).scalar_one())

    def add_payment(self, **values: Any) -> None:
        values["lines"] = json.dumps(values["lines"], ensure_ascii=False)
        self._s.add(PaymentRow(**values))
        self._s.flush()

    def payment_by_request_key(self, key: str) -> PaymentRow | None:
        return self._s.scalars(select(PaymentRow).where(PaymentRow.request_key == key)).one_or_none()

    def payment_by_number(self, receipt_number: str) -> dict[str, Any] | None:
        row = self._s.scalars(select(PaymentRow).where(PaymentRow.receipt_number == receipt_number)).one_or_none()
        if row is None:
            return None
        return {
            "dossier_id": row.dossier_id, "staff_id": row.staff_id, "payer_name": row.payer_name,
            "lines": json.loads(row.lines), "method": row.method, "paid_at": row.paid_at, "total": row.total,
        }

    def payments(self, dossier_id: str) -> list[PaymentRow]:
        return list(self._s.scalars(select(PaymentRow).where(PaymentRow.dossier_id == dossier_id).order_by(PaymentRow.paid_at)))

    def paid_total(self, dossier_id: str) -> int:
        return self._s.scalar(select(func.coalesce(func.sum(PaymentRow.total), 0)).where(PaymentRow.dossier_id == dossier_id)) or 0

    def paid_totals(self, dossier_ids: Sequence[str]) -> dict[str, int]:
        if not dossier_ids:
            return {}
        rows = self._s.execute(
            select(PaymentRow.dossier_id, func.sum(PaymentRow.total))
            .where(PaymentRow.dossier_id.in_(list(dossier_ids)))
            .group_by(PaymentRow.dossier_id)
        )
        return {dossier_id: total for dossier_id, total in rows}

    def payments_between(self, staff_id: str | None, start: datetime, end: datetime) -> list[PaymentRow]:
        q = select(PaymentRow).where(PaymentRow.paid_at >= start, PaymentRow.paid_at < end)
        if staff_id:
            q = q.where(PaymentRow.staff_id == staff_id)
        return list(self._s.scalars(q.order_by(PaymentRow.paid_at)))

    # -- hand-over --------------------------------------------------------------------------
    def add_batch(self, dossier_ids: Sequence[str], **values: Any) -> None:
        row = HandoverBatchRow(**values)
        at = values["created_at"]
        self._s.add(row)
        self._s.flush()
        self._s.add_all(HandoverItemRow(batch_id=row.id, dossier_id=d, added_at=at) for d in dossier_ids)
        self._s.flush()

    def batch(self, batch_id: str) -> HandoverBatchRow | None:
        return self._s.get(HandoverBatchRow, batch_id)

    def batch_by_code(self, code: str) -> HandoverBatchRow | None:
        return self._s.scalars(select(HandoverBatchRow).where(HandoverBatchRow.code == code)).one_or_none()

    def batch_dossiers(self, batch_id: str) -> list[DossierRecord]:
        rows = self._s.scalars(
            select(DossierRow)
            .join(HandoverItemRow, and_(HandoverItemRow.dossier_id == DossierRow.id, HandoverItemRow.batch_id == batch_id))
            .order_by(DossierRow.received_at)
        )
        return [_record(r) for r in rows]

    def batches_of(self, dossier_id: str) -> list[HandoverBatchRow]:
        return list(
            self._s.scalars(
                select(HandoverBatchRow)
                .join(HandoverItemRow, HandoverItemRow.batch_id == HandoverBatchRow.id)
                .where(HandoverItemRow.dossier_id == dossier_id)
                .order_by(HandoverBatchRow.created_at)
            )
        )

    def batches_between(self, centre_id: str, start: date, end: date) -> list[HandoverBatchRow]:
        return list(
            self._s.scalars(
                select(HandoverBatchRow)
                .where(HandoverBatchRow.centre_id == centre_id, HandoverBatchRow.day >= start, HandoverBatchRow.day <= end)
                .order_by(HandoverBatchRow.created_at)
            )
        )

    def count_batches_on(self, agency_unit_id: str, day: date) -> int:
        return self._s.scalar(
            select(func.count()).select_from(HandoverBatchRow).where(
                HandoverBatchRow.agency_unit_id == agency_unit_id, HandoverBatchRow.day == day
            )
        ) or 0

    # -- postal items -----------------------------------------------------------------------
    def add_postal_item(self, **values: Any) -> None:
        self._s.add(PostalItemRow(**values))
        self._s.flush()

    def set_postal_status(self, item_code: str, status: str, at: datetime) -> None:
        self._s.execute(
            update(PostalItemRow).where(PostalItemRow.item_code == item_code).values(status=status, updated_at=at)
        )

    def postal_item(self, item_code: str) -> PostalItemRow | None:
        return self._s.scalars(select(PostalItemRow).where(PostalItemRow.item_code == item_code)).one_or_none()

    def postal_items_of(self, dossier_id: str) -> list[PostalItemRow]:
        return list(self._s.scalars(select(PostalItemRow).where(PostalItemRow.dossier_id == dossier_id).order_by(PostalItemRow.sent_at)))
