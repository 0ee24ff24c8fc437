"""Turning stored dossiers, payments, batches and postal items into the plain data of printed documents."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from counter_app.domain.catalog import Duration
from counter_app.domain.dossier import DossierRecord, EventType
from counter_app.domain.errors import DomainError
from counter_app.domain.text import normalize
from counter_app.domain.units import UnitKind
from counter_app.services.addresses import place_name
from counter_app.services.documents import (
    Applicant,
    ApplicantType,
    BookRow,
    ComponentReceived,
    ControlRow,
    DeliveryLabel,
    DocumentKind,
    DossierDocument,
    FormSet,
    HandoverRecord,
    Issuer,
    PaymentLine,
    PaymentReceipt,
    PostalDelivery,
    ResultDelivery,
    Timeliness,
    TrackingBook,
)
from counter_app.services.dossiers import Desk, DossierService

DOSSIER_FORMS = frozenset(
    {DocumentKind.RECEIPT, DocumentKind.SUPPLEMENT, DocumentKind.REFUSAL, DocumentKind.APOLOGY,
     DocumentKind.STOP, DocumentKind.CONTROL}
)


def _place_name(unit_name: str) -> str:
    """"Ủy ban nhân dân tỉnh Hà Tĩnh" → "Hà Tĩnh" (the place on the date line of forms)."""
    for prefix in ("Ủy ban nhân dân tỉnh ", "UBND tỉnh ", "Ủy ban nhân dân thành phố ", "UBND thành phố ", "tỉnh ", "thành phố "):
        if unit_name.lower().startswith(prefix.lower()):
            return unit_name[len(prefix):].strip()
    return unit_name


class DossierDocuments:
    """Builds document data; the printing layer renders it, the printer port prints it."""

    def __init__(self, service: DossierService) -> None:
        self._svc = service
        self._units = service.units

    def issuer(self, centre_id: str) -> Issuer:
        with self._svc.uow(readonly=True) as uow:
            centre = uow.units.centre(centre_id)
        if centre is None:
            raise DomainError("dossier.unknown_centre", centre_id=centre_id)
        path = self._units.path(centre.unit_id) if centre.unit_id in self._units else []
        authority = path[-1].name if path else ""
        province = next((u for u in path if u.kind is UnitKind.PROVINCE), None)
        place = _place_name(province.name) if province else ""
        return Issuer(authority.upper(), centre.name, centre.address, centre.phone, place)

    def _duration(self, record: DossierRecord) -> Duration | None:
        try:
            return self._svc.procedure(record.procedure_code).duration
        except DomainError:
            return None

    def dossier_document(self, code: str, kind: DocumentKind, desk: Desk, *, printed_at: datetime) -> DossierDocument:
        if kind not in DOSSIER_FORMS:
            raise DomainError("document.not_a_dossier_form", kind=kind.value)
        detail = self._svc.detail(code)
        r = detail.record
        data: dict[str, Any] = {}
        for line in detail.history:
            data.setdefault(line.type, line)
        stop = data.get(EventType.STOP_REQUESTED)
        extension = data.get(EventType.EXTENDED)
        staff_name = detail.history[0].staff_name if detail.history else desk.staff_name
        postal = None
        if r.result_delivery == ResultDelivery.BY_POST.value:
            item = detail.postal_items[-1] if detail.postal_items else None
            postal = PostalDelivery(
                r.delivery_receiver, r.delivery_address, r.delivery_phone,
                item.item_code if item else "", item.charge if item else 0,
            )
        return DossierDocument(
            kind=kind,
            form_set=FormSet(r.form_set),
            issuer=self.issuer(r.centre_id),
            dossier_code=r.code,
            procedure_code=r.procedure_code,
            procedure_name=r.procedure_name,
            agency_name=self._units.get(r.agency_unit_id).name if r.agency_unit_id in self._units else "",
            applicant=Applicant(ApplicantType(r.applicant_type), r.applicant_name, r.id_number, r.phone, r.email,
                                self._address(r)),
            request_summary=r.request_summary or r.procedure_name,
            received_at=r.received_at,
            printed_at=printed_at,
            staff_name=staff_name if kind is DocumentKind.RECEIPT else desk.staff_name,
            counter_name=desk.counter_name,
            owner_name=r.owner_name,
            channel=r.channel,
            components=tuple(ComponentReceived(c.name, c.originals, c.certified_copies, c.photocopies)
                             for c in r.components if c.provided),
            sets=r.sets,
            duration=self._duration(r),
            appointment=r.appointment,
            result_delivery=ResultDelivery(r.result_delivery),
            postal=postal,
            book_volume=f"{r.received_at:%Y}",
            book_number=r.code.rsplit("-", 1)[-1],
            missing_components=r.missing_components
            or tuple(c.name for c in r.components if not c.provided),
            reason=r.reason,
            statutory_deadline=r.original_appointment if extension else r.appointment,
            new_appointment=r.appointment if extension else None,
            stop_requested_on=date.fromisoformat(stop.data["requested_on"]) if stop and "requested_on" in stop.data else None,
            control_rows=self._control_rows(r, detail.history),
        )

    def _address(self, r: DossierRecord) -> str:
        """Street/house, commune, province as written in an address ("phường Thành Sen", not its committee)."""
        parts = [r.address_line]
        for name, unit_id in ((r.commune_name, r.commune_unit_id), (r.province_name, r.province_unit_id)):
            if name:
                parts.append(name)
            elif unit_id and unit_id in self._units:  # dossiers received before migration 0005
                parts.append(place_name(self._units.get(unit_id)))
        return ", ".join(p for p in parts if p)

    def _control_rows(self, r: DossierRecord, history: tuple[Any, ...]) -> tuple[ControlRow, ...]:
        agency = self._units.get(r.agency_unit_id).name if r.agency_unit_id in self._units else ""
        rows = []
        for h in history:
            timeliness = Timeliness(h.data["timeliness"]) if h.data.get("timeliness") else None
            if h.type is EventType.RECEIVED:
                rows.append(ControlRow(r.applicant_name, h.staff_name, h.at, None, "Tiếp nhận hồ sơ"))
            elif h.type is EventType.HANDED_OVER:
                rows.append(ControlRow(h.staff_name, agency, h.at, timeliness, h.data.get("batch", "")))
            elif h.type is EventType.SUPPLEMENT_REQUESTED:
                rows.append(ControlRow(agency, h.staff_name, h.at, None, "Yêu cầu bổ sung"))
            elif h.type is EventType.RESULT_READY:
                rows.append(ControlRow(agency, h.staff_name, h.at, None, "Trả kết quả về bộ phận một cửa"))
            elif h.type in (EventType.RETURNED, EventType.POSTAL_SENT):
                to = h.data.get("recipient") or (r.delivery_receiver + " (BCCI)")
                rows.append(ControlRow(h.staff_name, to, h.at, timeliness, h.data.get("item_code", "")))
        return tuple(rows)

    def tracking_book(self, centre_id: str, start: date, end: date, *, printed_at: datetime) -> TrackingBook:
        tz = printed_at.tzinfo
        with self._svc.uow(readonly=True) as uow:
            records = uow.dossiers.received_between(
                centre_id, datetime.combine(start, time(0), tz), datetime.combine(end + timedelta(days=1), time(0), tz)
            )
            events = {r.id: uow.dossiers.events(r.id) for r in records}
        rows = []
        for n, r in enumerate(records, start=1):
            first: dict[EventType, datetime] = {}
            for _seq, e, _status, _name in events[r.id]:
                first.setdefault(e.type, e.at)
            rows.append(
                BookRow(
                    number=n, dossier_code=r.code, procedure_name=r.procedure_name, sets=r.sets,
                    applicant_name=r.applicant_name,
                    applicant_contact=", ".join(p for p in (self._address(r), r.phone) if p),
                    agency_name=self._units.get(r.agency_unit_id).name if r.agency_unit_id in self._units else "",
                    received_at=r.received_at, appointment=r.appointment,
                    transferred_at=first.get(EventType.HANDED_OVER),
                    result_back_at=first.get(EventType.RESULT_READY),
                    returned_at=first.get(EventType.RETURNED) or first.get(EventType.POSTAL_SENT),
                    note=r.status.value if r.status.value in ("incomplete", "refused", "stopped", "withdrawn") else "",
                )
            )
        return TrackingBook(self.issuer(centre_id), start, end, printed_at, tuple(rows))

    def payment_receipt(self, receipt_number: str, desk: Desk) -> PaymentReceipt:
        number = normalize(receipt_number).upper()
        with self._svc.uow(readonly=True) as uow:
            payment = uow.dossiers.payment_by_number(number)
            if payment is None:
                raise DomainError("payment.unknown_receipt", receipt=number)
            record = uow.dossiers.by_id(payment["dossier_id"])
            staff = uow.staff.by_id(payment["staff_id"])
            staff_name = staff.full_name if staff else ""
        return PaymentReceipt(
            receipt_number=number, issuer=self.issuer(record.centre_id), payer_name=payment["payer_name"],
            dossier_code=record.code,
            lines=tuple(PaymentLine(line["name"], line["amount"]) for line in payment["lines"]),
            method=payment["method"], paid_at=payment["paid_at"], staff_name=staff_name,
            counter_name=desk.counter_name, procedure_name=record.procedure_name,
            agency_name=self._units.get(record.agency_unit_id).name if record.agency_unit_id in self._units else "",
        )

    def delivery_label(self, item_code: str, *, printed_at: datetime) -> DeliveryLabel:
        code = normalize(item_code).upper()
        with self._svc.uow(readonly=True) as uow:
            item = uow.dossiers.postal_item(code)
            if item is None:
                raise DomainError("postal.unknown_item", item_code=code)
            values = (item.receiver_name, item.address, item.phone, item.charge)
            record = uow.dossiers.by_id(item.dossier_id)
        return DeliveryLabel(code, self.issuer(record.centre_id), values[0], values[1], values[2], record.code,
                             values[3], printed_at)

    def handover_record(self, batch_code: str, *, printed_at: datetime) -> HandoverRecord:
        code = normalize(batch_code).upper()
        with self._svc.uow(readonly=True) as uow:
            batch = uow.dossiers.batch_by_code(code)
            if batch is None:
                raise DomainError("handover.unknown_batch", code=code)
            info = (batch.agency_unit_id, batch.handed_at or batch.created_at, batch.staff_id, batch.receiver_name, batch.centre_id)
            records = uow.dossiers.batch_dossiers(batch.id)
            staff = uow.staff.by_id(info[2])
            staff_name = staff.full_name if staff else ""
        rows = tuple(
            BookRow(n, r.code, r.procedure_name, r.sets, r.applicant_name, r.phone,
                    self._units.get(r.agency_unit_id).name if r.agency_unit_id in self._units else "",
                    r.received_at, r.appointment)
            for n, r in enumerate(records, start=1)
        )
        return HandoverRecord(code, self.issuer(info[4]), self._units.get(info[0]).name, info[1], staff_name, info[3], rows)
