"""Dossier life cycle: statuses, the events that move them, and the rules each step must keep."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from counter_app.domain.calendar import WorkingCalendar
from counter_app.domain.errors import DomainError

HANDOVER_CUTOFF = time(15, 0)  # Decree 118 Art. 18: after 15:00 the dossier goes next working morning


class DossierStatus(StrEnum):
    RECEIVED = "received"  # registered at the counter, waiting for hand-over
    INCOMPLETE = "incomplete"  # intake found it incomplete: Mẫu 02, not registered for processing
    REFUSED = "refused"  # not this agency's competence: Mẫu 03
    PROCESSING = "processing"  # handed over to the agency
    SUPPLEMENT_REQUESTED = "supplement_requested"  # the agency asked for more (clock paused)
    RESULT_READY = "result_ready"  # result back at the counter
    RETURNED = "returned"  # result handed to the applicant (or to the post)
    STOPPED = "stopped"  # processing stopped on the applicant's request: Mẫu 05
    WITHDRAWN = "withdrawn"  # withdrawn by the applicant before processing


# Status numbers of the provincial systems (DOMAIN.md), for export.
PROVINCIAL_STATUS: dict[DossierStatus, int] = {
    DossierStatus.RECEIVED: 2,
    DossierStatus.INCOMPLETE: 3,
    DossierStatus.REFUSED: 3,
    DossierStatus.PROCESSING: 4,
    DossierStatus.SUPPLEMENT_REQUESTED: 5,
    DossierStatus.WITHDRAWN: 7,
    DossierStatus.STOPPED: 8,
    DossierStatus.RESULT_READY: 9,
    DossierStatus.RETURNED: 10,
}

OPEN_STATUSES = frozenset(
    {
        DossierStatus.RECEIVED,
        DossierStatus.PROCESSING,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.RESULT_READY,
    }
)


class EventType(StrEnum):
    RECEIVED = "received"
    INTAKE_INCOMPLETE = "intake_incomplete"
    INTAKE_REFUSED = "intake_refused"
    HANDED_OVER = "handed_over"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    SUPPLEMENT_PROVIDED = "supplement_provided"
    EXTENDED = "extended"
    STOP_REQUESTED = "stop_requested"
    WITHDRAWN = "withdrawn"
    RESULT_READY = "result_ready"
    RETURNED = "returned"
    POSTAL_SENT = "postal_sent"
    POSTAL_DELIVERED = "postal_delivered"
    POSTAL_RETURNED = "postal_returned"  # returned to sender: the result waits at the counter again
    PAYMENT = "payment"
    PRINTED = "printed"
    NOTE = "note"


S, E = DossierStatus, EventType
TRANSITIONS: dict[tuple[DossierStatus | None, EventType], DossierStatus] = {
    (None, E.RECEIVED): S.RECEIVED,
    (None, E.INTAKE_INCOMPLETE): S.INCOMPLETE,
    (None, E.INTAKE_REFUSED): S.REFUSED,
    (S.RECEIVED, E.HANDED_OVER): S.PROCESSING,
    (S.RECEIVED, E.WITHDRAWN): S.WITHDRAWN,
    (S.PROCESSING, E.SUPPLEMENT_REQUESTED): S.SUPPLEMENT_REQUESTED,
    (S.SUPPLEMENT_REQUESTED, E.SUPPLEMENT_PROVIDED): S.PROCESSING,
    (S.PROCESSING, E.EXTENDED): S.PROCESSING,
    (S.PROCESSING, E.STOP_REQUESTED): S.STOPPED,
    (S.SUPPLEMENT_REQUESTED, E.STOP_REQUESTED): S.STOPPED,
    (S.PROCESSING, E.RESULT_READY): S.RESULT_READY,
    (S.RESULT_READY, E.RETURNED): S.RETURNED,
    (S.RESULT_READY, E.POSTAL_SENT): S.RETURNED,
    (S.RETURNED, E.POSTAL_DELIVERED): S.RETURNED,
    (S.RETURNED, E.POSTAL_RETURNED): S.RESULT_READY,
}
# Events that never change the status and may happen in any state of a registered dossier.
SIDE_EVENTS = frozenset({E.PAYMENT, E.PRINTED, E.NOTE})
del S, E


class Timeliness(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


def timeliness(finished: datetime, appointment: datetime) -> Timeliness:
    """Early when finished before the appointment's day, on time on that day up to the hour, else late."""
    if finished > appointment:
        return Timeliness.LATE
    if finished.date() < appointment.date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME


def result_timeliness(result_ready_at: datetime | None, appointment: datetime | None) -> Timeliness | None:
    """How the dossier did: judged when processing finished (result ready at the counter) against the
    appointment. Returning it later at the counter or delivering it by post never makes it late;
    None while there is no result (or no appointment)."""
    if result_ready_at is None or appointment is None:
        return None
    return timeliness(result_ready_at, appointment)


def next_status(current: DossierStatus | None, event: EventType) -> DossierStatus | None:
    """The status after ``event``, or a DomainError naming the illegal step."""
    if event in SIDE_EVENTS:
        if current is None:
            raise DomainError("dossier.illegal_transition", status="none", event=event.value)
        return current
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        if current is not None and event in (EventType.RECEIVED, EventType.INTAKE_INCOMPLETE, EventType.INTAKE_REFUSED):
            raise DomainError("dossier.already_received", status=current.value) from None
        raise DomainError(
            "dossier.illegal_transition", status=current.value if current else "none", event=event.value
        ) from None


@dataclass(frozen=True, slots=True)
class DossierEvent:
    """One line of a dossier's append-only history: who did what, when, where."""

    type: EventType
    at: datetime
    staff_id: str
    counter_id: str = ""
    device_id: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DossierState:
    """What the rules need to know of a dossier; each rule returns the next state plus its event."""

    status: DossierStatus | None
    received_at: datetime | None = None
    appointment: datetime | None = None
    original_appointment: datetime | None = None
    paused_at: datetime | None = None
    supplement_requests: int = 0
    extensions: int = 0
    result_by_post: bool = False


def hand_over(state: DossierState, at: datetime) -> DossierState:
    return replace(state, status=next_status(state.status, EventType.HANDED_OVER))


def request_supplement(state: DossierState, at: datetime) -> DossierState:
    """The agency asks for more documents: only once (Decree 118 Art. 17); the clock pauses."""
    status = next_status(state.status, EventType.SUPPLEMENT_REQUESTED)
    if state.supplement_requests >= 1:
        raise DomainError("dossier.supplement_only_once")
    return replace(state, status=status, paused_at=at, supplement_requests=state.supplement_requests + 1)


def provide_supplement(state: DossierState, at: datetime, calendar: WorkingCalendar) -> DossierState:
    """The applicant brought what was missing: the appointment moves by the working time paused."""
    status = next_status(state.status, EventType.SUPPLEMENT_PROVIDED)
    assert state.paused_at is not None and state.appointment is not None
    if at < state.paused_at:
        raise DomainError("dossier.time_before_pause", at=at, paused_at=state.paused_at)
    paused = calendar.working_time_between(state.paused_at, at)
    return replace(
        state, status=status, paused_at=None, appointment=calendar.add_working_time(state.appointment, paused)
    )


def extend(state: DossierState, at: datetime, new_appointment: datetime) -> DossierState:
    """Mẫu 04: at most once, sent at least one day before the deadline, to a later date."""
    status = next_status(state.status, EventType.EXTENDED)
    assert state.appointment is not None
    if state.extensions >= 1:
        raise DomainError("dossier.extension_only_once")
    if at > state.appointment - timedelta(days=1):
        raise DomainError("dossier.extension_too_late", deadline=state.appointment)
    if new_appointment <= state.appointment:
        raise DomainError("dossier.extension_not_later", deadline=state.appointment)
    return replace(state, status=status, appointment=new_appointment, extensions=state.extensions + 1)


# Dossiers found incomplete or refused at intake were never registered: nothing is due on them.
NOT_REGISTERED = frozenset({DossierStatus.INCOMPLETE, DossierStatus.REFUSED})


def require_payable(status: DossierStatus, code: str, outstanding: int) -> None:
    """The one rule of whether fees can be taken for a dossier now (``DossierService.pay`` and the
    allowed actions of ``services/dossier_actions.decide``): never on a dossier that was not
    registered, never once nothing is outstanding."""
    if status in NOT_REGISTERED:
        raise DomainError("payment.not_registered", code=code)
    if outstanding <= 0:
        raise DomainError("payment.already_paid", code=code)


def handover_day(received_at: datetime, calendar: WorkingCalendar) -> date:
    """The day a dossier should go to the agency: same working day before 15:00, else the next."""
    day = received_at.date()
    if calendar.is_working_day(day) and received_at.timetz().replace(tzinfo=None) < HANDOVER_CUTOFF:
        return day
    return calendar.next_working_day(day)


class Outcome(StrEnum):
    """What the counter decided at intake."""

    COMPLETE = "complete"  # register, code, Mẫu 01
    INCOMPLETE = "incomplete"  # Mẫu 02: what to supplement
    REFUSED = "refused"  # Mẫu 03: not this agency's competence


INTAKE_EVENT = {
    Outcome.COMPLETE: EventType.RECEIVED,
    Outcome.INCOMPLETE: EventType.INTAKE_INCOMPLETE,
    Outcome.REFUSED: EventType.INTAKE_REFUSED,
}


@dataclass(frozen=True, slots=True)
class DossierComponentRecord:
    name: str
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0
    provided: bool = True


@dataclass(frozen=True, slots=True)
class DossierRecord:
    """A dossier as stored: registered facts plus its current status (its history is in events)."""

    id: str
    code: str
    request_key: str
    centre_id: str
    procedure_id: str
    procedure_code: str
    procedure_name: str
    catalog_version: int
    agency_unit_id: str
    agency_code: str
    form_set: str
    status: DossierStatus
    applicant_type: str
    applicant_name: str
    applicant_key: str
    id_number: str
    phone: str
    email: str
    province_unit_id: str | None
    commune_unit_id: str | None
    address_line: str
    owner_name: str
    channel: str
    request_summary: str
    sets: int
    result_delivery: str
    delivery_receiver: str
    delivery_address: str
    delivery_phone: str
    reason: str
    missing_components: tuple[str, ...]
    received_at: datetime
    appointment: datetime | None
    original_appointment: datetime | None
    paused_at: datetime | None
    supplement_requests: int
    extensions: int
    handover_due: date | None
    result_ready_at: datetime | None
    returned_at: datetime | None
    timeliness: str
    recipient_name: str
    staff_id: str
    counter_id: str | None
    device_id: str
    fee_due: int
    event_count: int
    updated_at: datetime
    components: tuple[DossierComponentRecord, ...] = ()
    # The applicant's address as 2025 units of any province: official codes and the names
    # printed ("phường Thành Sen", "tỉnh Hà Tĩnh"); empty on dossiers received before.
    province_code: str = ""
    province_name: str = ""
    commune_code: str = ""
    commune_name: str = ""

    @property
    def state(self) -> DossierState:
        return DossierState(
            status=self.status,
            received_at=self.received_at,
            appointment=self.appointment,
            original_appointment=self.original_appointment,
            paused_at=self.paused_at,
            supplement_requests=self.supplement_requests,
            extensions=self.extensions,
            result_by_post=self.result_delivery == "post",
        )

    def with_state(self, state: DossierState, **changes: Any) -> DossierRecord:
        assert state.status is not None
        return replace(
            self,
            status=state.status,
            appointment=state.appointment,
            paused_at=state.paused_at,
            supplement_requests=state.supplement_requests,
            extensions=state.extensions,
            **changes,
        )
