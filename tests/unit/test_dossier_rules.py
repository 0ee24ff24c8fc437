"""The dossier state machine and its rules: legal steps only, supplement once, extension once and early."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from counter_app.domain.calendar import WorkingCalendar
from counter_app.domain.dossier import (
    PROVINCIAL_STATUS,
    DossierState,
    DossierStatus,
    EventType,
    Timeliness,
    extend,
    hand_over,
    handover_day,
    next_status,
    provide_supplement,
    request_supplement,
    timeliness,
)
from counter_app.domain.errors import DomainError

TZ = timezone(timedelta(hours=7))
CAL = WorkingCalendar()

# Every state × every event, written by hand from DOMAIN.md (Decree 118 life cycle), not from the code.
# A cell is the status after the event, "=" for "stays as it is" (payments, prints, notes),
# "x" for refused as an illegal step, "A" for refused because the dossier is already registered.
#
#               received  incomplete  refused  handed  supp_req  supp_prov  extended  stop   withdrawn  result  returned  post_sent  post_deliv  post_ret  payment  printed  note
EXPECTED = """
none            rcv       inc         ref      x       x         x          x         x      x          x       x         x          x           x         x        x        x
received        A         A           A        proc    x         x          x         x      wdr        x       x         x          x           x         =        =        =
incomplete      A         A           A        x       x         x          x         x      x          x       x         x          x           x         =        =        =
refused         A         A           A        x       x         x          x         x      x          x       x         x          x           x         =        =        =
processing      A         A           A        x       supp      x          proc      stop   x          ready   x         x          x           x         =        =        =
supplement      A         A           A        x       x         proc       x         stop   x          x       x         x          x           x         =        =        =
result_ready    A         A           A        x       x         x          x         x      x          x       ret       ret        x           x         =        =        =
returned        A         A           A        x       x         x          x         x      x          x       x         x          ret         ready     =        =        =
stopped         A         A           A        x       x         x          x         x      x          x       x         x          x           x         =        =        =
withdrawn       A         A           A        x       x         x          x         x      x          x       x         x          x           x         =        =        =
"""
COLUMNS = (
    EventType.RECEIVED, EventType.INTAKE_INCOMPLETE, EventType.INTAKE_REFUSED, EventType.HANDED_OVER,
    EventType.SUPPLEMENT_REQUESTED, EventType.SUPPLEMENT_PROVIDED, EventType.EXTENDED,
    EventType.STOP_REQUESTED, EventType.WITHDRAWN, EventType.RESULT_READY, EventType.RETURNED,
    EventType.POSTAL_SENT, EventType.POSTAL_DELIVERED, EventType.POSTAL_RETURNED,
    EventType.PAYMENT, EventType.PRINTED, EventType.NOTE,
)
ROWS: dict[str, DossierStatus | None] = {
    "none": None,
    "received": DossierStatus.RECEIVED,
    "incomplete": DossierStatus.INCOMPLETE,
    "refused": DossierStatus.REFUSED,
    "processing": DossierStatus.PROCESSING,
    "supplement": DossierStatus.SUPPLEMENT_REQUESTED,
    "result_ready": DossierStatus.RESULT_READY,
    "returned": DossierStatus.RETURNED,
    "stopped": DossierStatus.STOPPED,
    "withdrawn": DossierStatus.WITHDRAWN,
}
CELLS: dict[str, DossierStatus] = {
    "rcv": DossierStatus.RECEIVED,
    "inc": DossierStatus.INCOMPLETE,
    "ref": DossierStatus.REFUSED,
    "proc": DossierStatus.PROCESSING,
    "supp": DossierStatus.SUPPLEMENT_REQUESTED,
    "ready": DossierStatus.RESULT_READY,
    "ret": DossierStatus.RETURNED,
    "stop": DossierStatus.STOPPED,
    "wdr": DossierStatus.WITHDRAWN,
}
REFUSALS = {"x": "dossier.illegal_transition", "A": "dossier.already_received"}


def _table() -> list[tuple[DossierStatus | None, EventType, str]]:
    cases = []
    for line in EXPECTED.strip().splitlines():
        name, *cells = line.split()
        assert len(cells) == len(COLUMNS), line
        cases += [(ROWS[name], event, cell) for event, cell in zip(COLUMNS, cells, strict=True)]
    return cases


TABLE = _table()


def test_the_table_covers_every_state_and_every_event() -> None:
    assert set(COLUMNS) == set(EventType) and len(COLUMNS) == len(EventType)
    assert set(ROWS.values()) == {None, *DossierStatus}
    assert len(TABLE) == (len(DossierStatus) + 1) * len(EventType)


@pytest.mark.parametrize(
    ("status", "event", "cell"), TABLE, ids=[f"{s.value if s else 'none'}-{e.value}" for s, e, _ in TABLE]
)
def test_each_step_does_what_the_table_says(status: DossierStatus | None, event: EventType, cell: str) -> None:
    if cell in REFUSALS:
        with pytest.raises(DomainError) as caught:
            next_status(status, event)
        assert caught.value.code == REFUSALS[cell]
    else:
        assert next_status(status, event) is (status if cell == "=" else CELLS[cell])


def at(d: int, h: int, m: int = 0) -> datetime:
    return datetime(2026, 11, d, h, m, tzinfo=TZ)


def processing(appointment: datetime | None = None) -> DossierState:
    return DossierState(DossierStatus.PROCESSING, received_at=at(23, 9), appointment=appointment or at(30, 9))


def test_the_normal_path() -> None:
    s = next_status(None, EventType.RECEIVED)
    s = next_status(s, EventType.HANDED_OVER)
    s = next_status(s, EventType.RESULT_READY)
    assert next_status(s, EventType.RETURNED) is DossierStatus.RETURNED


def test_every_status_maps_to_a_provincial_number() -> None:
    assert set(PROVINCIAL_STATUS) == set(DossierStatus)


def test_supplement_pauses_the_clock_and_moves_the_appointment_by_the_pause() -> None:
    state = request_supplement(processing(at(30, 9)), at(24, 9))  # Tuesday 09:00
    assert state.status is DossierStatus.SUPPLEMENT_REQUESTED and state.paused_at == at(24, 9)
    resumed = provide_supplement(state, at(26, 9), CAL)  # Thursday 09:00: paused 2 working days
    assert resumed.status is DossierStatus.PROCESSING and resumed.paused_at is None
    assert resumed.appointment == datetime(2026, 12, 2, 9, 0, tzinfo=TZ)


def test_supplement_only_once() -> None:
    once = provide_supplement(request_supplement(processing(), at(24, 9)), at(24, 10), CAL)
    with pytest.raises(DomainError, match="dossier.supplement_only_once"):
        request_supplement(once, at(25, 9))


def test_extension_once_at_least_a_day_before_the_deadline_and_later() -> None:
    state = processing(at(30, 9))
    new = at(30, 9) + timedelta(days=3)
    extended = extend(state, at(27, 9), new)
    assert extended.appointment == new and extended.extensions == 1
    with pytest.raises(DomainError, match="dossier.extension_only_once"):
        extend(extended, at(27, 10), new + timedelta(days=1))
    with pytest.raises(DomainError, match="dossier.extension_too_late"):
        extend(state, at(29, 10), new)  # less than a day before 30/11 09:00
    with pytest.raises(DomainError, match="dossier.extension_not_later"):
        extend(state, at(27, 9), at(30, 8))


def test_hand_over_needs_a_received_dossier() -> None:
    assert hand_over(DossierState(DossierStatus.RECEIVED), at(23, 10)).status is DossierStatus.PROCESSING
    with pytest.raises(DomainError):
        hand_over(processing(), at(23, 10))


@pytest.mark.parametrize(
    ("received", "day"),
    [
        (at(30, 14, 59), date(2026, 11, 30)),  # Monday before 15:00: same day
        (at(30, 15, 0), date(2026, 12, 1)),  # 15:00 sharp: next working morning
        (at(27, 16, 0), date(2026, 11, 30)),  # Friday afternoon: Monday
        (at(28, 9, 0), date(2026, 11, 30)),  # received on Saturday: Monday
    ],
)
def test_handover_day_follows_the_15_00_rule(received: datetime, day: date) -> None:
    assert handover_day(received, CAL) == day


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (at(27, 16), Timeliness.EARLY),
        (at(30, 8), Timeliness.ON_TIME),
        (at(30, 9), Timeliness.ON_TIME),
        (at(30, 9, 1), Timeliness.LATE),
    ],
)
def test_timeliness(finished: datetime, expected: Timeliness) -> None:
    assert timeliness(finished, at(30, 9)) is expected
