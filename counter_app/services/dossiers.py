"""Dossier use cases at the counter: intake, hand-over, results, return, postal delivery, fees, book."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from counter_app.domain import dossier as rules
from counter_app.domain.calendar import WorkingCalendar
from counter_app.domain.catalog import Channel, FeeDue, FeeKind, Procedure
from counter_app.domain.dossier import (
    INTAKE_EVENT,
    DossierComponentRecord,
    DossierEvent,
    DossierRecord,
    DossierStatus,
    EventType,
    Outcome,
    next_status,
)
from counter_app.domain.errors import DomainError
from counter_app.domain.identity import validate_phone, validate_s10
from counter_app.domain.text import normalize, search_key
from counter_app.domain.units import UnitTree
from counter_app.services.addresses import (
    AddressBook,
    read_full_address,
    require_full_address,
)
from counter_app.services.clock_guard import policy_of, require_trusted_clock
from counter_app.services.codes import allocate_dossier_code
from counter_app.services.documents import DocumentKind, FormSet
from counter_app.services.formatting import format_number
from counter_app.services.intake_rules import MAX_LINE, MAX_NAME, MAX_SUMMARY, validate_intake
from counter_app.services.intake_rules import check_phone as _phone
from counter_app.services.intake_rules import clean_text as _text
from counter_app.services.office_hours import confirmation_record, require_open_or_confirmed
from counter_app.services.permissions import Permission, require
from counter_app.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

FORM_SET_2025_FROM = date(2025, 7, 1)
# The form an intake owes the applicant, by outcome (Mẫu 01, 02 or 03).
FORM_OF_OUTCOME = {
    Outcome.COMPLETE: DocumentKind.RECEIPT,
    Outcome.INCOMPLETE: DocumentKind.SUPPLEMENT,
    Outcome.REFUSED: DocumentKind.REFUSAL,
}


@dataclass(frozen=True, slots=True)
class Desk:
    """Who is acting and where: the staff member on duty at a counter."""

    staff_id: str
    staff_name: str
    centre_id: str
    counter_id: str | None = None
    counter_name: str = ""


@dataclass(frozen=True, slots=True)
class IntakeComponent:
    name: str
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0
    provided: bool = True


@dataclass(frozen=True, slots=True)
class IntakePayment:
    """The fee taken with the dossier when the procedure's fee is due on filing."""

    amount: int  # đồng
    method: str  # cash | transfer


@dataclass(frozen=True, slots=True)
class IntakeRequest:
    """Everything the intake dialog collected; ``request_key`` is made when the dialog opens."""

    request_key: str
    procedure_code: str
    outcome: Outcome
    applicant_type: str
    applicant_name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    province_unit_id: str | None = None
    commune_unit_id: str | None = None
    address_line: str = ""
    owner_name: str = ""
    channel: str = Channel.IN_PERSON.value
    components: tuple[IntakeComponent, ...] = ()
    sets: int = 1
    request_summary: str = ""
    result_delivery: str = "counter"
    delivery_receiver: str = ""
    delivery_address: str = ""
    delivery_phone: str = ""
    reason: str = ""
    missing_components: tuple[str, ...] = ()
    birth_date: date | None = None
    payment: IntakePayment | None = None  # fee due on filing, paid in the same transaction
    gender: str = ""  # "male" / "female" as read from the CCCD card or chosen; checked against the number
    # The address's 2025 units of any province (services/addresses.py); codes win over unit ids.
    province_code: str = ""
    commune_code: str = ""


@dataclass(frozen=True, slots=True)
class DossierSummary:
    """One dossier as a list or a scan shows it; personal data reduced to what the step needs."""

    code: str
    status: DossierStatus
    applicant_name: str
    id_hint: str  # last 4 digits of the ID number
    phone_hint: str  # last 3 digits of the phone
    procedure_code: str
    procedure_name: str
    agency_name: str
    received_at: datetime
    appointment: datetime | None
    result_delivery: str
    fee_due: int
    paid: int
    centre_id: str
    # the documents the step that answered owes the printer (print job ids committed with it, in
    # order: Mẫu 02/04/05, the delivery label); empty when the summary comes from a read
    print_jobs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HistoryLine:
    seq: int
    at: datetime
    type: EventType
    status_after: DossierStatus
    staff_name: str
    counter_id: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class PaymentView:
    receipt_number: str
    total: int
    method: str
    paid_at: datetime
    lines: tuple[tuple[str, int], ...]
    staff_id: str


@dataclass(frozen=True, slots=True)
class PostalView:
    item_code: str
    receiver_name: str
    address: str
    phone: str
    charge: int
    status: str
    sent_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class FeeView:
    """One fee or charge of the dossier's procedure as the catalog lists it (0 đồng: free)."""

    name: str
    amount: int
    kind: FeeKind
    due: FeeDue


@dataclass(frozen=True, slots=True)
class DossierDetail:
    summary: DossierSummary
    record: DossierRecord
    history: tuple[HistoryLine, ...]
    payments: tuple[PaymentView, ...]
    postal_items: tuple[PostalView, ...]
    batches: tuple[str, ...]
    fees: tuple[FeeView, ...] = ()


@dataclass(frozen=True, slots=True)
class IntakeResult:
    code: str
    status: DossierStatus
    appointment: datetime | None
    fee_due: int
    created: bool  # False when the same request was saved before (double click, retry)
    receipt_number: str = ""  # the payment taken at intake, if any
    paid: int = 0
    print_jobs: tuple[str, ...] = ()  # ids of the documents owed, committed with the dossier (services/print_jobs.py)


@dataclass(frozen=True, slots=True)
class HandoverProposal:
    agency_unit_id: str
    agency_name: str
    dossiers: tuple[DossierSummary, ...]
    agency_short_name: str = ""  # Unit.display_short_name: the unit's own short name or "UBND …"


@dataclass(frozen=True, slots=True)
class HandoverResult:
    batch_id: str
    batch_code: str
    agency_name: str
    dossier_codes: tuple[str, ...]
    handed_at: datetime
    print_jobs: tuple[str, ...] = ()  # the hand-over record, then each dossier's Mẫu 06, owed


@dataclass(frozen=True, slots=True)
class PaymentResult:
    receipt_number: str
    total: int
    created: bool
    print_jobs: tuple[str, ...] = ()  # the payment receipt, owed


@dataclass(frozen=True, slots=True)
class CashSummary:
    staff_id: str
    day: date
    count: int
    cash: int
    transfer: int

    @property
    def total(self) -> int:
        return self.cash + self.transfer


def form_set_for(received_at: datetime) -> FormSet:
    return FormSet.CIRCULAR_03_2025 if received_at.date() >= FORM_SET_2025_FROM else FormSet.CIRCULAR_01_2018


def _hint(value: str, n: int) -> str:
    digits = re.sub(r"\s", "", value)
    return ("•" * max(0, min(4, len(digits) - n)) + digits[-n:]) if digits else ""


def _searched_phone(text: str) -> str:
    """A phone number typed into a search box in national form, or "" when it is not one."""
    try:
        return validate_phone(text)
    except DomainError:
        return ""


class DossierService:
    """The counter's dossier work over a unit of work factory, a clock and the working calendar."""

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, calendar_for: Callable[[str], WorkingCalendar],
                 units: UnitTree, procedures: Callable[[str], Procedure], device_id: str):
        self._uow = uow
        self._clock = clock
        self._calendar_for = calendar_for  # centre_id -> WorkingCalendar (cached by the guide)
        self._units = units
        self._procedure = procedures  # code -> Procedure (raises catalog.unknown_procedure)
        self.device_id = device_id
        # read-only views for the document builder of the same layer
        self.uow = uow
        self.units = units
        self.procedure = procedures
        self._address_book: tuple[date, AddressBook] | None = None  # built once a day

    # -- helpers ----------------------------------------------------------------------------
    def _calendar(self, centre_id: str) -> WorkingCalendar:
        return self._calendar_for(centre_id)

    def _agency_name(self, unit_id: str) -> str:
        return self._units.get(unit_id).name if unit_id in self._units else ""

    def summary(self, record: DossierRecord, paid: int = 0) -> DossierSummary:
        return DossierSummary(
            code=record.code,
            status=record.status,
            applicant_name=record.applicant_name,
            id_hint=_hint(record.id_number, 4),
            phone_hint=_hint(record.phone, 3),
            procedure_code=record.procedure_code,
            procedure_name=record.procedure_name,
            agency_name=self._agency_name(record.agency_unit_id),
            received_at=record.received_at,
            appointment=record.appointment,
            result_delivery=record.result_delivery,
            fee_due=record.fee_due,
            paid=paid,
            centre_id=record.centre_id,
        )

    def _event(self, uow: UnitOfWork, record: DossierRecord, type_: EventType, desk: Desk, at: datetime, **data: Any) -> DossierRecord:
        status_after = next_status(record.status, type_)
        assert status_after is not None
        event = DossierEvent(type_, at, desk.staff_id, desk.counter_id or "", self.device_id, data)
        seq = uow.dossiers.append_event(record, event, status_after)
        record = replace(record, status=status_after, event_count=seq, updated_at=at)
        uow.outbox.add(
            "dossier_event",
            record.id,
            type_.value,
            {"dossier_code": record.code, "seq": seq, "at": at.isoformat(), "staff_id": desk.staff_id,
             "counter_id": desk.counter_id, "status_after": status_after.value, **data},
        )
        return record

    def _owe(self, uow: UnitOfWork, kind: DocumentKind, key: str, at: datetime) -> str:
        """A document this use case owes the printer, in the use case's own transaction (print_jobs.py)."""
        return str(uow.print_jobs.add(device=self.device_id, kind=kind, key=key, created_at=at).id)

    def record_printed(self, uow: UnitOfWork, dossier_id: str, desk: Desk, at: datetime, **data: Any) -> None:
        """The PRINTED side event (no change of state), in the caller's unit of work (PrintService.mark_printed)."""
        record = uow.dossiers.by_id(dossier_id)
        uow.dossiers.save(self._event(uow, record, EventType.PRINTED, desk, at, **data))

    def _load(self, uow: UnitOfWork, code: str, desk: Desk | None = None, *, components: bool = True) -> DossierRecord:
        cleaned = normalize(code or "").upper()
        if not cleaned:
            raise DomainError("dossier.code_required")
        record = uow.dossiers.by_code(cleaned, with_components=components)
        if record is None:
            raise DomainError("dossier.unknown_code", code=cleaned)
        if desk is not None and record.centre_id != desk.centre_id:
            raise DomainError("dossier.other_centre", code=cleaned)
        return record

    # -- intake -----------------------------------------------------------------------------
    def preview_appointment(self, procedure_code: str, centre_id: str) -> datetime:
        procedure: Procedure = self._procedure(procedure_code)
        return self._calendar(centre_id).appointment(self._clock.now(), procedure.duration)

    def fees_on_filing(self, procedure_code: str) -> tuple[tuple[str, int], ...]:
        """The fees and charges (name, đồng) paid with the dossier at intake; empty when none is."""
        procedure: Procedure = self._procedure(procedure_code)
        return tuple((f.name, f.amount) for f in procedure.fees_on_filing)

    def receive(self, req: IntakeRequest, desk: Desk, *, out_of_hours_confirmed: bool = False) -> IntakeResult:
        """Register a dossier (complete), or record an incomplete / refused intake; one per request key.

        Outside the centre's office hours it is refused (``office_hours.closed``) unless the clerk
        confirmed it (``out_of_hours_confirmed``); the confirmation is kept on the intake event.
        """
        now = self._clock.now()
        procedure: Procedure = self._procedure(req.procedure_code)
        if not procedure.is_valid_on(now.date()):  # e.g. a copy kept for a department merged in 2025
            raise DomainError("intake.procedure_not_in_force", code=procedure.code, day=now.date())
        valid = validate_intake(req, procedure, now.date(), self.address_book(now.date()))  # services/intake_rules.py
        province, commune, by_post = valid.province, valid.commune, valid.by_post
        calendar = self._calendar(desk.centre_id)
        appointment = calendar.appointment(now, procedure.duration) if req.outcome is Outcome.COMPLETE else None
        agency = self._units.get(procedure.agency_unit_id)
        components = tuple(
            DossierComponentRecord(name, c.originals, c.certified_copies, c.photocopies, c.provided)
            for name, c in zip(valid.component_names, req.components, strict=True)
        )
        fee_due = procedure.total_fee if req.outcome is Outcome.COMPLETE else 0
        if req.payment is not None:
            _check_intake_payment(req.payment, procedure, req.outcome, fee_due)
        with self._uow() as uow:
            existing = uow.dossiers.by_request_key(req.request_key)
            if existing is not None:  # the same Save arrived twice: answer with what was stored
                done = uow.dossiers.payment_by_request_key(req.request_key)
                return IntakeResult(existing.code, existing.status, existing.appointment, existing.fee_due, created=False,
                                    receipt_number=done.receipt_number if done else "", paid=done.total if done else 0)
            hours = require_open_or_confirmed(calendar, now, confirmed=out_of_hours_confirmed)
            require_trusted_clock(uow, now, calendar, policy_of(self._clock))  # no code of another day or year
            out_of_hours = confirmation_record(hours, staff_id=desk.staff_id, staff_name=desk.staff_name)
            code = allocate_dossier_code(agency.code, now.date(), uow=uow, device_id=self.device_id)
            record = DossierRecord(
                id=uow.new_id(), code=code, request_key=req.request_key, centre_id=desk.centre_id,
                procedure_id=procedure.id, procedure_code=procedure.code, procedure_name=procedure.name,
                catalog_version=procedure.catalog_version, agency_unit_id=agency.id, agency_code=agency.code,
                form_set=form_set_for(now).value, status=DossierStatus.RECEIVED,  # replaced by the event below
                applicant_type=req.applicant_type, applicant_name=valid.applicant_name,
                applicant_key=search_key(valid.applicant_name),
                id_number=valid.id_number, phone=valid.phone, email=valid.email,
                province_unit_id=province.unit_id if province else None,
                commune_unit_id=commune.unit_id if commune else None,
                address_line=valid.address_line,
                province_code=province.code if province else "", province_name=province.name if province else "",
                commune_code=commune.code if commune else "", commune_name=commune.name if commune else "",
                owner_name=valid.owner_name, channel=valid.channel.value,
                request_summary=valid.request_summary,
                sets=req.sets, result_delivery="post" if by_post else "counter",
                delivery_receiver=valid.delivery_receiver,
                delivery_address=valid.delivery_address,
                delivery_phone=valid.delivery_phone,
                reason=valid.reason,
                missing_components=valid.missing_components,
                received_at=now, appointment=appointment, original_appointment=appointment, paused_at=None,
                supplement_requests=0, extensions=0,
                handover_due=rules.handover_day(now, calendar) if req.outcome is Outcome.COMPLETE else None,
                result_ready_at=None, returned_at=None, timeliness="", recipient_name="",
                staff_id=desk.staff_id, counter_id=desk.counter_id, device_id=self.device_id,
                fee_due=fee_due, event_count=0, updated_at=now, components=components,
            )
            status = next_status(None, INTAKE_EVENT[req.outcome])
            assert status is not None
            record = replace(record, status=status)
            uow.dossiers.add(record)
            event = DossierEvent(INTAKE_EVENT[req.outcome], now, desk.staff_id, desk.counter_id or "", self.device_id,
                                 {"appointment": appointment.isoformat() if appointment else None,
                                  **({"out_of_hours": out_of_hours} if out_of_hours else {})})
            seq = uow.dossiers.append_event(record, event, status)
            record = replace(record, event_count=seq)
            uow.dossiers.save(record)
            # after the intake event: the op carries the dossier, its components and that event
            uow.outbox.add("dossier", record.id, "created", _snapshot(record))
            receipt = ""
            if req.payment is not None:  # the fee due on filing: same transaction as the dossier
                lines = _fee_lines(procedure, record.fee_due, 0, req.payment.amount)
                receipt, record = self._record_payment(uow, record, desk, now, amount=req.payment.amount,
                                                       method=req.payment.method, request_key=req.request_key,
                                                       lines=lines)
            owed = [self._owe(uow, FORM_OF_OUTCOME[req.outcome], record.code, now)]
            if receipt:
                owed.append(self._owe(uow, DocumentKind.PAYMENT_RECEIPT, receipt, now))
            uow.commit()
        return IntakeResult(record.code, record.status, appointment, fee_due, created=True, receipt_number=receipt,
                            paid=req.payment.amount if req.payment is not None else 0, print_jobs=tuple(owed))

    def address_book(self, today: date) -> AddressBook:
        """Provinces and communes for addresses (the store's units and the national list), built once a day."""
        cached = self._address_book
        if cached is None or cached[0] != today:
            cached = (today, AddressBook(self._units, today))
            self._address_book = cached
        return cached[1]

    # -- finding dossiers -------------------------------------------------------------------
    def find(self, code: str, desk: Desk | None = None) -> DossierSummary:
        """A scanned or typed dossier code; other centres' dossiers are refused when a desk is given."""
        with self._uow(readonly=True) as uow:
            record = self._load(uow, code, desk, components=False)
            return self.summary(record, uow.dossiers.paid_total(record.id))

    def search(self, text: str, desk: Desk | None = None, limit: int = 50) -> list[DossierSummary]:
        """By dossier code (or its start), CCCD/CMND, phone, or the applicant's name without accents."""
        query = normalize(text or "")
        if not query:
            return []
        compact = re.sub(r"[\s.\-()]", "", query)
        centre = desk.centre_id if desk else None
        with self._uow(readonly=True) as uow:
            if compact.isdigit() and len(compact) in (9, 12):
                found = uow.dossiers.search(id_number=compact, centre_id=centre, limit=limit)
            elif _searched_phone(compact):
                found = uow.dossiers.search(phone=_searched_phone(compact), centre_id=centre, limit=limit)
            elif "-" in query or (any(ch.isdigit() for ch in query) and "." in query):
                found = uow.dossiers.search(code_prefix=query.upper(), centre_id=centre, limit=limit)
            else:
                found = uow.dossiers.search(name_prefix=search_key(query), centre_id=centre, limit=limit)
            paid = uow.dossiers.paid_totals([r.id for r in found])
            return [self.summary(r, paid.get(r.id, 0)) for r in found]

    def list_by_status(self, status: DossierStatus, desk: Desk | None = None, limit: int = 500) -> list[DossierSummary]:
        with self._uow(readonly=True) as uow:
            rows = uow.dossiers.by_status(status, centre_id=desk.centre_id if desk else None, limit=limit)
            paid = uow.dossiers.paid_totals([r.id for r in rows])
            return [self.summary(r, paid.get(r.id, 0)) for r in rows]

    def received_on(self, desk: Desk, day: date | None = None) -> list[DossierSummary]:
        """The intakes of the day at the desk's centre (complete, incomplete and refused), newest first."""
        day = day or self._clock.now().date()
        tz = self._clock.now().tzinfo
        with self._uow(readonly=True) as uow:
            rows = uow.dossiers.received_between(
                desk.centre_id, datetime.combine(day, time(0), tz), datetime.combine(day + timedelta(days=1), time(0), tz)
            )
            paid = uow.dossiers.paid_totals([r.id for r in rows])
        rows.sort(key=lambda r: (r.received_at, r.code), reverse=True)
        return [self.summary(r, paid.get(r.id, 0)) for r in rows]

    def detail(self, code: str) -> DossierDetail:
        with self._uow(readonly=True) as uow:
            record = self._load(uow, code)
            paid = uow.dossiers.paid_total(record.id)
            history = tuple(
                HistoryLine(seq, e.at, e.type, status, staff_name, e.counter_id, e.data)
                for seq, e, status, staff_name in uow.dossiers.events(record.id)
            )
            payments = tuple(
                PaymentView(p.receipt_number, p.total, p.method, p.paid_at,
                            tuple((line["name"], line["amount"]) for line in json.loads(p.lines)), p.staff_id)
                for p in uow.dossiers.payments(record.id)
            )
            postal = tuple(
                PostalView(p.item_code, p.receiver_name, p.address, p.phone, p.charge, p.status, p.sent_at, p.updated_at)
                for p in uow.dossiers.postal_items_of(record.id)
            )
            batches = tuple(b.code for b in uow.dossiers.batches_of(record.id))
        procedure = self._procedure_or_none(record.procedure_code)
        fees = tuple(FeeView(f.name, f.amount, f.kind, f.due) for f in procedure.fees) if procedure else ()
        return DossierDetail(self.summary(record, paid), record, history, payments, postal, batches, fees)

    # -- hand-over to agencies ---------------------------------------------------------------
    def handover_proposals(self, desk: Desk, day: date | None = None) -> list[HandoverProposal]:
        """Received dossiers due to go by ``day`` (default today), grouped by agency."""
        day = day or self._clock.now().date()
        with self._uow(readonly=True) as uow:
            due = [r for r in uow.dossiers.by_status(DossierStatus.RECEIVED, centre_id=desk.centre_id, limit=5000)
                   if r.handover_due is None or r.handover_due <= day]
        groups: dict[str, list[DossierRecord]] = {}
        for r in due:
            groups.setdefault(r.agency_unit_id, []).append(r)
        return [
            HandoverProposal(agency, self._agency_name(agency), tuple(self.summary(r) for r in records),
                             self._units.get(agency).display_short_name if agency in self._units else "")
            for agency, records in sorted(groups.items(), key=lambda kv: self._agency_name(kv[0]))
        ]

    def hand_over(self, codes: list[str], desk: Desk, *, receiver_name: str = "",
                  out_of_hours_confirmed: bool = False) -> HandoverResult:
        """Record one batch to one agency; every dossier must be received here and for that agency.

        Outside office hours it is refused unless the clerk confirmed it; the confirmation is kept
        on every dossier's hand-over event and in the batch's outbox record.
        """
        now = self._clock.now()
        cleaned = list(dict.fromkeys(normalize(c).upper() for c in codes if normalize(c)))
        if not cleaned:
            raise DomainError("handover.empty")
        with self._uow() as uow:
            records = [self._load(uow, code, desk) for code in cleaned]
            agencies = {r.agency_unit_id for r in records}
            if len(agencies) > 1:
                raise DomainError("handover.mixed_agencies")
            agency_id = agencies.pop()
            agency = self._units.get(agency_id)
            for r in records:
                if r.status is not DossierStatus.RECEIVED:
                    raise DomainError("handover.not_waiting", code=r.code, status=r.status.value)
            hours = require_open_or_confirmed(self._calendar(desk.centre_id), now, confirmed=out_of_hours_confirmed)
            out_of_hours = confirmation_record(hours, staff_id=desk.staff_id, staff_name=desk.staff_name)
            recorded = {"out_of_hours": out_of_hours} if out_of_hours else {}
            n = uow.dossiers.count_batches_on(agency_id, now.date()) + 1  # per agency and day on this PC
            batch_code = f"BG-{agency.code}-{now:%y%m%d}-{pc_number(uow.dossiers.device_slot(self.device_id))}-{n:02d}"
            batch_id = uow.new_id()
            uow.dossiers.add_batch(
                [r.id for r in records], id=batch_id, code=batch_code, centre_id=desk.centre_id,
                agency_unit_id=agency_id, day=now.date(), created_at=now, handed_at=now,
                staff_id=desk.staff_id, receiver_name=_text(receiver_name, "receiver_name", MAX_NAME),
            )
            for r in records:
                state = rules.hand_over(r.state, now)
                moved = self._event(uow, r, EventType.HANDED_OVER, desk, now, batch=batch_code,
                                    agency=agency.name, timeliness=_handover_timeliness(r, now).value, **recorded)
                uow.dossiers.save(moved.with_state(replace(state, status=moved.status)))
            uow.outbox.add("handover_batch", batch_id, "created",
                           {"code": batch_code, "agency_code": agency.code, "dossiers": [r.code for r in records],
                            "handed_at": now.isoformat(), **recorded})
            owed = [self._owe(uow, DocumentKind.HANDOVER, batch_code, now)]
            owed += [self._owe(uow, DocumentKind.CONTROL, r.code, now) for r in records]
            uow.commit()
        return HandoverResult(batch_id, batch_code, agency.name, tuple(r.code for r in records), now,
                              print_jobs=tuple(owed))

    # -- results back from the agency --------------------------------------------------------
    def _step(self, code: str, desk: Desk, type_: EventType, apply: Any, *, owes: DocumentKind | None = None,
              **data: Any) -> DossierSummary:
        """One step of a dossier's life; ``owes``: the form it issues, owed to the printer in the same commit."""
        now = self._clock.now()
        with self._uow() as uow:
            record = self._load(uow, code, desk)
            state, changes = apply(record, now)
            moved = self._event(uow, record, type_, desk, now, **data)
            record = moved.with_state(replace(state, status=moved.status), **changes)
            uow.dossiers.save(record)
            owed = (self._owe(uow, owes, record.code, now),) if owes is not None else ()
            uow.commit()
            return replace(self.summary(record), print_jobs=owed)

    def result_ready(self, code: str, desk: Desk) -> DossierSummary:
        return self._step(code, desk, EventType.RESULT_READY,
                          lambda r, now: (r.state, {"result_ready_at": now}))

    def request_supplement(self, code: str, desk: Desk, *, reason: str, missing: list[str]) -> DossierSummary:
        reason = _text(reason, "reason", MAX_SUMMARY, required=True)
        missing = [_text(m, "missing", MAX_LINE) for m in missing if normalize(m)]
        return self._step(
            code, desk, EventType.SUPPLEMENT_REQUESTED,
            lambda r, now: (rules.request_supplement(r.state, now),
                            {"reason": reason, "missing_components": tuple(missing)}),
            reason=reason, missing=missing, owes=DocumentKind.SUPPLEMENT,  # Mẫu 02
        )

    def supplement_provided(self, code: str, desk: Desk) -> DossierSummary:
        calendar = self._calendar(desk.centre_id)
        return self._step(code, desk, EventType.SUPPLEMENT_PROVIDED,
                          lambda r, now: (rules.provide_supplement(r.state, now, calendar), {}))

    def extend(self, code: str, desk: Desk, *, new_appointment: datetime, reason: str) -> DossierSummary:
        reason = _text(reason, "reason", MAX_SUMMARY, required=True)
        with self._uow(readonly=True) as uow:  # the deadline being moved, for Mẫu 04 (kept in the event)
            deadline = self._load(uow, code, desk, components=False).appointment
        return self._step(
            code, desk, EventType.EXTENDED,
            lambda r, now: (rules.extend(r.state, now, new_appointment), {"reason": reason}),
            reason=reason, new_appointment=new_appointment.isoformat(),
            deadline=deadline.isoformat() if deadline else None, owes=DocumentKind.APOLOGY,  # Mẫu 04
        )

    def stop(self, code: str, desk: Desk, *, requested_on: date, reason: str) -> DossierSummary:
        reason = _text(reason, "reason", MAX_SUMMARY, required=True)
        return self._step(
            code, desk, EventType.STOP_REQUESTED,
            lambda r, now: (r.state, {"reason": reason}),
            reason=reason, requested_on=requested_on.isoformat(), owes=DocumentKind.STOP,  # Mẫu 05
        )

    # -- fees -------------------------------------------------------------------------------
    def pay(self, code: str, desk: Desk, *, amount: int, method: str, request_key: str,
            lines: list[tuple[str, int]] | None = None) -> PaymentResult:
        """Collect money for a dossier; one request key gives one payment, never more than is due."""
        if method not in ("cash", "transfer"):
            raise DomainError("payment.bad_method", method=method)
        if amount <= 0:
            raise DomainError("payment.bad_amount", amount=amount)
        now = self._clock.now()
        with self._uow() as uow:
            done = uow.dossiers.payment_by_request_key(request_key)
            if done is not None:
                return PaymentResult(done.receipt_number, done.total, created=False)
            record = self._load(uow, code, desk)
            require_trusted_clock(uow, now, self._calendar(desk.centre_id), policy_of(self._clock))  # receipts
            outstanding = record.fee_due - uow.dossiers.paid_total(record.id)
            rules.require_payable(record.status, record.code, outstanding)  # as the allowed actions answer
            if amount > outstanding:
                raise DomainError("payment.too_much", amount=format_number(amount), outstanding=format_number(outstanding))
            if lines is None:  # name what is paid: the procedure's fees, then the postal charge
                lines = _fee_lines(self._procedure_or_none(record.procedure_code), record.fee_due,
                                   record.fee_due - outstanding, amount)
            receipt, _moved = self._record_payment(uow, record, desk, now, amount=amount, method=method,
                                                   request_key=request_key, lines=lines)
            owed = self._owe(uow, DocumentKind.PAYMENT_RECEIPT, receipt, now)
            uow.commit()
        return PaymentResult(receipt, amount, created=True, print_jobs=(owed,))

    def _procedure_or_none(self, code: str) -> Procedure | None:
        try:
            return self._procedure(code)
        except DomainError:
            return None  # a procedure gone from the catalog: the receipt says "fees and charges"

    def _record_payment(self, uow: UnitOfWork, record: DossierRecord, desk: Desk, now: datetime, *, amount: int,
                        method: str, request_key: str, lines: list[tuple[str, int]]) -> tuple[str, DossierRecord]:
        """Add the payment, its event and its outbox op to the open unit of work; the receipt number.

        Only staff who may take payments at the desk's centre (``Permission.TAKE_PAYMENT``); the
        payment row, its event and its outbox op carry the staff id.
        """
        require(uow, desk.staff_id, Permission.TAKE_PAYMENT, centre_id=desk.centre_id)
        seq = uow.dossiers.next_receipt_seq(self.device_id)
        receipt = f"BL-{pc_number(uow.dossiers.device_slot(self.device_id))}-{now:%y}-{seq:06d}"
        payment_id = uow.new_id()
        items = [{"name": n, "amount": a} for n, a in lines]
        if sum(a for _, a in lines) != amount:
            raise DomainError("payment.lines_mismatch")
        uow.dossiers.add_payment(
            id=payment_id, receipt_number=receipt, dossier_id=record.id, payer_name=record.applicant_name,
            method=method, total=amount, lines=items, paid_at=now, staff_id=desk.staff_id,
            counter_id=desk.counter_id, device_id=self.device_id, request_key=request_key,
        )
        moved = self._event(uow, record, EventType.PAYMENT, desk, now, receipt=receipt, amount=amount, method=method)
        uow.dossiers.save(moved)
        uow.outbox.add("payment", payment_id, "created",
                       {"receipt": receipt, "dossier_code": record.code, "amount": amount, "method": method,
                        "paid_at": now.isoformat(), "staff_id": desk.staff_id, "lines": items})
        return receipt, moved

    def cash_summary(self, desk: Desk, day: date | None = None) -> CashSummary:
        day = day or self._clock.now().date()
        tz = self._clock.now().tzinfo
        start = datetime.combine(day, time(0), tz)
        with self._uow(readonly=True) as uow:
            rows = [(p.method, p.total) for p in uow.dossiers.payments_between(desk.staff_id, start, start + timedelta(days=1))]
        return CashSummary(
            desk.staff_id, day, len(rows),
            sum(t for m, t in rows if m == "cash"), sum(t for m, t in rows if m == "transfer"),
        )

    # -- return ------------------------------------------------------------------------------
    def return_result(self, code: str, desk: Desk, *, recipient_name: str, recipient_id: str = "",
                      authorised: bool = False, authorisation_note: str = "") -> DossierSummary:
        """Hand the result over: to the applicant, or to an authorised person with a note; fees paid first.

        It owes no paper: the result itself is the agency's, and no form of Circular 03/2025 records
        the return (the receipt of a payment taken here is owed by ``pay``)."""
        recipient = _text(recipient_name, "recipient_name", MAX_NAME, required=True)
        recipient_id = re.sub(r"\s", "", recipient_id or "")
        now = self._clock.now()
        with self._uow() as uow:
            record = self._load(uow, code, desk)
            next_status(record.status, EventType.RETURNED)  # the state first: "not ready" before "not paid"
            is_applicant = (recipient_id and recipient_id == record.id_number) or (
                search_key(recipient) == record.applicant_key and (not record.id_number or recipient_id == record.id_number)
            )
            if not is_applicant and not (authorised and normalize(authorisation_note)):
                raise DomainError("return.not_the_applicant", name=record.applicant_name)
            if record.fee_due > uow.dossiers.paid_total(record.id):
                raise DomainError("return.fees_outstanding", code=record.code)
            assert record.appointment is not None
            # Judged by when processing finished (result ready), never by the day it is handed or posted.
            on_time = rules.result_timeliness(record.result_ready_at, record.appointment) or rules.timeliness(
                now, record.appointment)
            moved = self._event(uow, record, EventType.RETURNED, desk, now, recipient=recipient,
                                authorised=not is_applicant, note=normalize(authorisation_note),
                                timeliness=on_time.value)
            record = replace(moved, returned_at=now, timeliness=on_time.value, recipient_name=recipient)
            uow.dossiers.save(record)
            uow.commit()
            return self.summary(record)

    # -- postal delivery (BCCI) ----------------------------------------------------------------
    def send_by_post(self, code: str, desk: Desk, *, item_code: str, receiver_name: str, address: str,
                     phone: str, charge: int) -> DossierSummary:
        item = validate_s10(item_code)
        receiver = _text(receiver_name, "receiver_name", MAX_NAME, required=True)
        address = _text(address, "address", 500, required=True)
        address = read_full_address(require_full_address(address, self.address_book(self._clock.now().date()), "address"))
        phone = _phone(phone)
        if not phone:
            raise DomainError("intake.required", field="phone")
        if charge < 0:
            raise DomainError("payment.bad_amount", amount=charge)
        now = self._clock.now()
        with self._uow() as uow:
            record = self._load(uow, code, desk)
            next_status(record.status, EventType.POSTAL_SENT)
            if uow.dossiers.postal_item(item) is not None:
                raise DomainError("postal.item_used", item_code=item)
            if record.fee_due > uow.dossiers.paid_total(record.id):
                raise DomainError("return.fees_outstanding", code=record.code)
            assert record.appointment is not None
            # Judged by when processing finished (result ready), never by the day it is handed or posted.
            on_time = rules.result_timeliness(record.result_ready_at, record.appointment) or rules.timeliness(
                now, record.appointment)
            moved = self._event(uow, record, EventType.POSTAL_SENT, desk, now, item_code=item, charge=charge,
                                timeliness=on_time.value)
            uow.dossiers.add_postal_item(
                id=uow.new_id(), item_code=item, dossier_id=record.id, receiver_name=receiver, address=address,
                phone=phone, charge=charge, status="sent", sent_at=now, updated_at=now,
            )
            record = replace(moved, returned_at=now, timeliness=on_time.value, recipient_name=receiver,
                             fee_due=record.fee_due + charge)
            uow.dossiers.save(record)
            owed = self._owe(uow, DocumentKind.DELIVERY_LABEL, item, now)  # the label for the parcel
            uow.commit()
            return replace(self.summary(record), print_jobs=(owed,))

    def postal_status(self, item_code: str, desk: Desk, *, status: str) -> DossierSummary:
        """Delivered, or returned to sender (the result then waits at the counter again)."""
        item = validate_s10(item_code)
        type_ = {"delivered": EventType.POSTAL_DELIVERED, "returned": EventType.POSTAL_RETURNED}.get(status)
        if type_ is None:
            raise DomainError("postal.bad_status", status=status)
        now = self._clock.now()
        with self._uow() as uow:
            row = uow.dossiers.postal_item(item)
            if row is None:
                raise DomainError("postal.unknown_item", item_code=item)
            if row.status != "sent":
                raise DomainError("postal.already_final", item_code=item, status=row.status)
            record = uow.dossiers.by_id(row.dossier_id)
            moved = self._event(uow, record, type_, desk, now, item_code=item)
            if type_ is EventType.POSTAL_RETURNED:
                moved = replace(moved, returned_at=None, timeliness="", recipient_name="")
            uow.dossiers.save(moved)
            uow.dossiers.set_postal_status(item, status, now)
            uow.commit()
            return self.summary(moved)


POSTAL_CHARGE_LINE = "Cước chuyển phát kết quả qua dịch vụ bưu chính công ích"
FEES_LINE = "Phí, lệ phí"


def _check_intake_payment(payment: IntakePayment, procedure: Procedure, outcome: Outcome, fee_due: int) -> None:
    if payment.method not in ("cash", "transfer"):
        raise DomainError("payment.bad_method", method=payment.method)
    if outcome is not Outcome.COMPLETE:
        raise DomainError("payment.not_registered", code=procedure.code)
    if not procedure.fees_on_filing:
        raise DomainError("payment.not_due_on_filing")
    if payment.amount <= 0:
        raise DomainError("payment.bad_amount", amount=payment.amount)
    if payment.amount > fee_due:
        raise DomainError("payment.too_much", amount=format_number(payment.amount), outstanding=format_number(fee_due))


def _fee_lines(procedure: Procedure | None, fee_due: int, paid_before: int, amount: int) -> list[tuple[str, int]]:
    """What ``amount`` pays, line by line, by name: the procedure's fees in catalog order (those due on
    filing first), then the postal charge; what was paid before is taken off the first lines."""
    owed: list[tuple[str, int]] = []
    if procedure is not None:
        fees = sorted((f for f in procedure.fees if f.amount > 0), key=lambda f: f not in procedure.fees_on_filing)
        owed = [(f.name, f.amount) for f in fees]
    rest = fee_due - sum(a for _n, a in owed)
    if rest > 0:
        owed.append((POSTAL_CHARGE_LINE if procedure is not None else FEES_LINE, rest))
    lines: list[tuple[str, int]] = []
    skip, left = paid_before, amount
    for name, owed_amount in owed:
        covered = min(skip, owed_amount)
        skip -= covered
        take = min(left, owed_amount - covered)
        if take > 0:
            lines.append((name, take))
            left -= take
    if left > 0:  # more than the lines cover (should not happen: payments never exceed what is due)
        lines.append((FEES_LINE, left))
    return lines


def _handover_timeliness(record: DossierRecord, now: datetime) -> rules.Timeliness:
    due = record.handover_due or record.received_at.date()
    if now.date() < due:
        return rules.Timeliness.EARLY
    return rules.Timeliness.ON_TIME if now.date() == due else rules.Timeliness.LATE


def pc_number(slot: int) -> str:
    """The PC's part of receipt and hand-over batch numbers: ``M`` and its slot, the number of the PC
    in the province that also splits the dossier-code blocks (``counter init --device-slot``, the
    server's enrolment slot), so no two PCs of a province print the same number (docs/SYNC.md)."""
    return f"M{slot:02d}"


def _snapshot(record: DossierRecord) -> dict[str, Any]:
    return {
        "code": record.code, "centre_id": record.centre_id, "procedure_code": record.procedure_code,
        "catalog_version": record.catalog_version, "agency_code": record.agency_code, "status": record.status.value,
        "applicant_type": record.applicant_type, "applicant_name": record.applicant_name,
        "id_number": record.id_number, "phone": record.phone, "received_at": record.received_at.isoformat(),
        "appointment": record.appointment.isoformat() if record.appointment else None,
        "result_delivery": record.result_delivery, "form_set": record.form_set, "fee_due": record.fee_due,
        # the applicant's address in 2025 units and where the result goes (the server needs both)
        "address_line": record.address_line, "province_code": record.province_code,
        "province_name": record.province_name, "commune_code": record.commune_code,
        "commune_name": record.commune_name, "delivery_receiver": record.delivery_receiver,
        "delivery_address": record.delivery_address, "delivery_phone": record.delivery_phone,
    }
