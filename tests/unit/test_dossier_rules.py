"""The dossier state machine and its rules: legal steps only, supplement once, extension once and early."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.calendar import WorkingCalendar
from counter_app.domain.dossier import (
    PROVINCIAL_STATUS,
    TRANSITIONS,
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


def at(d: int, h: int, m: int = 0) -> datetime:
    return datetime(2026, 11, d, h, m, tzinfo=TZ)


def processing(appointment: datetime | None = None) -> DossierState:
    return DossierState(DossierStatus.PROCESSING, received_at=at(23, 9), appointment=appointment or at(30, 9))


def test_the_normal_path() -> None:
    s = next_status(None, EventType.RECEIVED)
    s = next_status(s, EventType.HANDED_OVER)
    s = next_status(s, EventType.RESULT_READY)
    assert next_status(s, EventType.RETURNED) is DossierStatus.RETURNED


@pytest.mark.parametrize(
    ("status", "event", "code"),
    [
        (DossierStatus.RECEIVED, EventType.RETURNED, "dossier.illegal_transition"),  # return before result
        (DossierStatus.RECEIVED, EventType.RECEIVED, "dossier.already_received"),  # receive twice
        (DossierStatus.RETURNED, EventType.RETURNED, "dossier.illegal_transition"),  # return twice
        (DossierStatus.REFUSED, EventType.HANDED_OVER, "dossier.illegal_transition"),
        (DossierStatus.STOPPED, EventType.RESULT_READY, "dossier.illegal_transition"),
        (None, EventType.PAYMENT, "dossier.illegal_transition"),
    ],
)
def test_illegal_steps_are_refused_with_a_code(status, event, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        next_status(status, event)
    assert caught.value.code == code


@given(st.sampled_from(list(DossierStatus)), st.sampled_from(list(EventType)))
def test_every_step_is_either_in_the_table_or_refused(status: DossierStatus, event: EventType) -> None:
    try:
        after = next_status(status, event)
    except DomainError:
        assert (status, event) not in TRANSITIONS
    else:
        assert after == TRANSITIONS.get((status, event), status)


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
