"""Turning stored dossiers, payments, batches and postal items into the plain data of printed documents."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from counter_app.domain.catalog import Duration
from counter_app.domain.dossier import (
    DossierEvent,
    DossierRecord,
    DossierStatus,
    EventType,
    result_timeliness,
)
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
from counter_app.services.i18n import _
from counter_app.services.permissions import Permission, require
from counter_app.services.ports import UnitOfWork

DOSSIER_FORMS = frozenset(
    {DocumentKind.RECEIPT, DocumentKind.SUPPLEMENT, DocumentKind.REFUSAL, DocumentKind.APOLOGY,
     DocumentKind.STOP, DocumentKind.CONTROL}
)


# The event whose history line issues each dossier form (Decree 118/2025, Circular 03/2025 Annex I).
FORM_EVENTS: dict[DocumentKind, tuple[EventType, ...]] = {
    DocumentKind.RECEIPT: (EventType.RECEIVED,),  # Mẫu 01: the dossier is registered
    DocumentKind.SUPPLEMENT: (EventType.INTAKE_INCOMPLETE, EventType.SUPPLEMENT_REQUESTED),  # Mẫu 02
    DocumentKind.REFUSAL: (EventType.INTAKE_REFUSED,),  # Mẫu 03
    DocumentKind.APOLOGY: (EventType.EXTENDED,),  # Mẫu 04
    DocumentKind.STOP: (EventType.STOP_REQUESTED,),  # Mẫu 05
    DocumentKind.CONTROL: (EventType.RECEIVED,),  # Mẫu 06 is opened with the registered dossier and follows it
}
_REFUSALS: dict[DocumentKind, str] = {
    DocumentKind.RECEIPT: "document.not_registered",
    DocumentKind.SUPPLEMENT: "document.no_supplement_request",
    DocumentKind.REFUSAL: "document.not_refused",
    DocumentKind.APOLOGY: "document.no_extension",
    DocumentKind.STOP: "document.no_stop_request",
    DocumentKind.CONTROL: "document.not_registered",
}


def _issuing_event(kind: DocumentKind, events: list[DossierEvent] | tuple[Any, ...]) -> Any:
    """The first event of the history that issues ``kind``, or None when the dossier has none."""
    return next((e for e in events if e.type in FORM_EVENTS[kind]), None)


def available_forms(detail: Any) -> list[DocumentKind]:
    """The dossier forms this dossier's history has issued (and so can be printed again), in form order."""
    return [kind for kind in FORM_EVENTS if _issuing_event(kind, detail.history) is not None]


def _submitted(component: Any) -> bool:
    """A document counts as submitted when it was ticked and at least one paper of it came in."""
    return bool(component.provided) and component.originals + component.certified_copies + component.photocopies > 0


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _book_numbers(records: list[DossierRecord], before: dict[int, int] | None = None) -> dict[str, int]:
    """Row numbers of one year's tracking book: in order of receipt (then code), from 1 each year.

    ``before``: per year, how many rows of that year's book come before these records.
    """
    numbers: dict[str, int] = {}
    per_year: dict[int, int] = dict(before or {})
    for record in sorted(records, key=lambda x: (x.received_at, x.code)):
        year = record.received_at.year
        per_year[year] = per_year.get(year, 0) + 1
        numbers[record.id] = per_year[year]
    return numbers


BOOK_NOTE_STATUSES = frozenset(
    {DossierStatus.INCOMPLETE, DossierStatus.REFUSED, DossierStatus.STOPPED, DossierStatus.WITHDRAWN}
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
        """The data of one dossier form, taken from the event that issued it (its date, officer, reason).

        A form exists only when the dossier's history has its event: DomainError otherwise."""
        if kind not in DOSSIER_FORMS:
            raise DomainError("document.not_a_dossier_form", kind=kind.value)
        detail = self._svc.detail(code)
        r = detail.record
        with self._svc.uow(readonly=True) as uow:
            events = [e for _seq, e, _status, _name in uow.dossiers.events(r.id)]
            issuing = _issuing_event(kind, events)
            if issuing is None:
                raise DomainError(_REFUSALS[kind], code=r.code)
            officer = uow.staff.by_id(issuing.staff_id)
            officer_name, officer_phone = (officer.full_name, officer.phone) if officer else ("", "")
            book_volume, book_number = self._book_place(uow, r)
        first: dict[EventType, DossierEvent] = {}
        for e in events:
            first.setdefault(e.type, e)
        stop = first.get(EventType.STOP_REQUESTED)
        extension = first.get(EventType.EXTENDED)
        postal = None
        if r.result_delivery == ResultDelivery.BY_POST.value:
            item = detail.postal_items[-1] if detail.postal_items else None
            postal = PostalDelivery(
                r.delivery_receiver, r.delivery_address, r.delivery_phone,
                item.item_code if item else "", item.charge if item else 0,
            )
        reason, missing = self._reason_and_missing(kind, r, issuing)
        deadline, new_appointment = r.appointment, None
        if extension is not None:
            new_appointment = _moment(extension.data.get("new_appointment")) or r.appointment
            deadline = _moment(extension.data.get("deadline")) or r.original_appointment
        agency_name = self._units.get(r.agency_unit_id).name if r.agency_unit_id in self._units else ""
        return DossierDocument(
            kind=kind,
            form_set=FormSet(r.form_set),
            issuer=self.issuer(r.centre_id),
            dossier_code=r.code,
            procedure_code=r.procedure_code,
            procedure_name=r.procedure_name,
            agency_name=agency_name,
            applicant=Applicant(ApplicantType(r.applicant_type), r.applicant_name, r.id_number, r.phone, r.email,
                                self._address(r)),
            request_summary=r.request_summary or r.procedure_name,
            received_at=r.received_at,
            printed_at=printed_at,
            issued_at=issuing.at,
            staff_name=officer_name,
            staff_phone=officer_phone,
            counter_name=desk.counter_name,
            owner_name=r.owner_name,
            channel=r.channel,
            components=tuple(ComponentReceived(c.name, c.originals, c.certified_copies, c.photocopies)
                             for c in r.components if _submitted(c)),
            sets=r.sets,
            duration=self._duration(r),
            appointment=r.appointment,
            result_delivery=ResultDelivery(r.result_delivery),
            postal=postal,
            book_volume=book_volume,
            book_number=book_number,
            missing_components=missing,
            reason=reason,
            statutory_deadline=deadline,
            new_appointment=new_appointment,
            stop_requested_on=date.fromisoformat(stop.data["requested_on"]) if stop and stop.data.get("requested_on") else None,
            control_rows=self._control_rows(r, detail.history),
            agency_issuer=self._agency_issuer(r.agency_unit_id) if kind in (DocumentKind.APOLOGY, DocumentKind.STOP) else None,
        )

    def _reason_and_missing(self, kind: DocumentKind, r: DossierRecord, event: DossierEvent) -> tuple[str, tuple[str, ...]]:
        """The reason (and for Mẫu 02 the documents to supplement) of the event that issued the form."""
        if event.type in (EventType.INTAKE_INCOMPLETE, EventType.INTAKE_REFUSED):
            # An intake that was not registered never moves again: the record still holds its reason.
            missing = r.missing_components or self._missing_required(r)
            return r.reason, missing if kind is DocumentKind.SUPPLEMENT else ()
        reason = str(event.data.get("reason") or "")
        if kind is DocumentKind.SUPPLEMENT:
            return reason, tuple(str(m) for m in event.data.get("missing") or ())
        if kind in (DocumentKind.APOLOGY, DocumentKind.STOP):
            return reason, ()
        return "", ()

    def _missing_required(self, r: DossierRecord) -> tuple[str, ...]:
        """Required documents not submitted; optional ones are never asked for on Mẫu 02."""
        try:
            required = {c.name for c in self._svc.procedure(r.procedure_code).components if c.required}
        except DomainError:  # a procedure gone from the catalog: every unticked document
            required = {c.name for c in r.components}
        return tuple(c.name for c in r.components if not _submitted(c) and c.name in required)

    def _agency_issuer(self, unit_id: str) -> Issuer | None:
        """The deciding agency as the issuer of its own letter (Mẫu 04, Mẫu 05): the body above it, then it."""
        if unit_id not in self._units:
            return None
        agency = self._units.get(unit_id)
        parents = self._units.ancestors(unit_id)
        own_body = agency.name.lower().startswith(("ủy ban nhân dân", "ubnd"))
        authority = parents[0].name.upper() if parents and not own_body else ""
        province = next((u for u in [agency, *parents] if u.kind is UnitKind.PROVINCE), None)
        return Issuer(authority, agency.name, place_name=_place_name(province.name) if province else "")

    def _book_place(self, uow: UnitOfWork, r: DossierRecord) -> tuple[str, str]:
        """Volume (the year) and row of ``r`` in the centre's tracking book (Mẫu 07)."""
        tz = r.received_at.tzinfo
        start = datetime.combine(date(r.received_at.year, 1, 1), time(0), tz)
        row = uow.dossiers.count_received_before(r.centre_id, start, r.received_at, r.code) + 1
        return f"{r.received_at:%Y}", str(row)

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
            if h.type is EventType.RECEIVED:
                rows.append(ControlRow(r.applicant_name, h.staff_name, h.at, None, _("Dossier received")))
            elif h.type is EventType.HANDED_OVER:
                timeliness = Timeliness(h.data["timeliness"]) if h.data.get("timeliness") else None
                rows.append(ControlRow(h.staff_name, agency, h.at, timeliness, h.data.get("batch", "")))
            elif h.type is EventType.SUPPLEMENT_REQUESTED:
                rows.append(ControlRow(agency, h.staff_name, h.at, None, _("Supplement requested")))
            elif h.type is EventType.RESULT_READY:
                # The agency's return row: judged by when processing finished, against the appointment.
                judged = result_timeliness(h.at, r.appointment)
                rows.append(ControlRow(agency, h.staff_name, h.at, Timeliness(judged.value) if judged else None,
                                       _("Result returned to the one-stop section")))
            elif h.type in (EventType.RETURNED, EventType.POSTAL_SENT):
                to = h.data.get("recipient") or (r.delivery_receiver + " (BCCI)")
                rows.append(ControlRow(h.staff_name, to, h.at, None, h.data.get("item_code", "")))
        return tuple(rows)

    def tracking_book(self, centre_id: str, start: date, end: date, *, printed_at: datetime,
                      staff_id: str) -> TrackingBook:
        """Mẫu 07 of the centre for the period, for staff who may (``Permission.PRINT_TRACKING_BOOK``)."""
        tz = printed_at.tzinfo
        with self._svc.uow(readonly=True) as uow:
            require(uow, staff_id, Permission.PRINT_TRACKING_BOOK, centre_id=centre_id)
            records = uow.dossiers.received_between(
                centre_id, datetime.combine(start, time(0), tz), datetime.combine(end + timedelta(days=1), time(0), tz)
            )
            events = {r.id: uow.dossiers.events(r.id) for r in records}
            # Row numbers run through the year, as in the book the receipts point to (Mẫu 01 "Số").
            first_day = datetime.combine(start, time(0), tz)
            before = {  # rows of each year's book that come before this period
                year: uow.dossiers.count_received_before(centre_id, datetime.combine(date(year, 1, 1), time(0), tz),
                                                         first_day)
                for year in {r.received_at.year for r in records}
            }
        numbers = _book_numbers(records, before)
        rows = []
        for r in records:
            n = numbers[r.id]
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
                    # A status code (screens and the printed book word it): only the outcomes the book notes.
                    note=r.status.value if r.status in BOOK_NOTE_STATUSES else "",
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
