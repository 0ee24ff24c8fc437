"""Out of office hours on the demo store: intake, hand-over and kiosk tickets are refused or confirmed and recorded."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from counter_app.bootstrap import VIETNAM_TIME
from counter_app.domain.dossier import DossierStatus, EventType
from counter_app.domain.errors import DomainError
from counter_app.services.dossiers import Desk
from counter_app.services.i18n import describe_error
from counter_app.storage.store import store_path
from tests.conftest import FakeClock
from tests.integration.test_dossier_flow import intake

# The demo centre works 07:00–11:30 and 13:30–17:00, Monday to Friday. 2026-11-30 is a Monday.
MONDAY_EVENING = datetime(2026, 11, 30, 17, 45, tzinfo=VIETNAM_TIME)
TUESDAY_OPENING = datetime(2026, 12, 1, 7, 0, tzinfo=VIETNAM_TIME)


@pytest.fixture
def desk(services: Any) -> Desk:
    session = services.login("nv01", "demo123")
    counter = services.counters(session.centre_id)[0]
    return Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)


def dossier_count(data_dir: Path) -> int:
    with sqlite3.connect(store_path(data_dir)) as db:
        return int(db.execute("SELECT count(*) FROM dossiers").fetchone()[0])


def test_an_intake_after_closing_is_refused_then_confirmed_and_recorded(
    services: Any, desk: Desk, clock: FakeClock, demo_data_dir: Path
) -> None:
    clock.set(MONDAY_EVENING)
    with pytest.raises(DomainError) as refused:
        services.dossiers.receive(intake(services), desk)
    assert refused.value.code == "office_hours.closed"
    assert describe_error(refused.value).startswith(
        "Ngoài giờ làm việc: đã hết giờ làm việc trong ngày. Phiên làm việc tiếp theo bắt đầu lúc 07:00, thứ Ba, 01/12/2026."
    )
    assert dossier_count(demo_data_dir) == 0

    result = services.dossiers.receive(intake(services), desk, out_of_hours_confirmed=True)

    assert result.created and result.status is DossierStatus.RECEIVED
    # 5 working days counted from the next session (Tuesday 07:00), not from 17:45 on Monday
    assert result.appointment == datetime(2026, 12, 7, 17, 0, tzinfo=VIETNAM_TIME)
    detail = services.dossiers.detail(result.code)
    received = detail.history[0]
    assert received.type is EventType.RECEIVED and received.staff_name == desk.staff_name
    assert received.data["out_of_hours"] == {
        "confirmed": True, "state": "after_closing", "at": MONDAY_EVENING.isoformat(),
        "next_opening": TUESDAY_OPENING.isoformat(), "staff_id": desk.staff_id, "staff_name": desk.staff_name,
    }


def test_an_intake_in_office_hours_records_no_confirmation(services: Any, desk: Desk, clock: FakeClock) -> None:
    clock.set(TUESDAY_OPENING)  # the opening minute is in office hours
    result = services.dossiers.receive(intake(services), desk)
    assert "out_of_hours" not in services.dossiers.detail(result.code).history[0].data


@pytest.mark.parametrize(
    ("moment", "reason"),
    [
        (datetime(2026, 12, 1, 6, 55, tzinfo=VIETNAM_TIME), "chưa đến giờ làm việc"),
        (datetime(2026, 12, 1, 12, 0, tzinfo=VIETNAM_TIME), "đang giờ nghỉ trưa"),
        (datetime(2026, 12, 6, 9, 0, tzinfo=VIETNAM_TIME), "hôm nay là ngày nghỉ"),  # a Sunday
    ],
)
def test_a_hand_over_out_of_hours_needs_the_clerks_confirmation(
    services: Any, desk: Desk, clock: FakeClock, demo_data_dir: Path, moment: datetime, reason: str
) -> None:
    code = services.dossiers.receive(intake(services), desk).code  # Monday 09:00, in office hours
    clock.set(moment)

    with pytest.raises(DomainError) as refused:
        services.dossiers.hand_over([code], desk, receiver_name="Văn thư Điện lực")
    assert refused.value.code == "office_hours.closed"
    assert describe_error(refused.value).startswith(f"Ngoài giờ làm việc: {reason}.")
    assert services.dossiers.find(code).status is DossierStatus.RECEIVED
    assert services.dossiers.detail(code).batches == ()

    batch = services.dossiers.hand_over([code], desk, receiver_name="Văn thư Điện lực", out_of_hours_confirmed=True)

    assert services.dossiers.find(code).status is DossierStatus.PROCESSING
    handed = services.dossiers.detail(code).history[-1]
    assert handed.type is EventType.HANDED_OVER
    recorded = handed.data["out_of_hours"]
    assert recorded["confirmed"] is True and recorded["staff_id"] == desk.staff_id
    assert recorded["staff_name"] == desk.staff_name and recorded["at"] == moment.isoformat()
    with sqlite3.connect(store_path(demo_data_dir)) as db:
        payload = db.execute(
            "SELECT payload FROM outbox WHERE entity = 'handover_batch' AND entity_id = ?", (batch.batch_id,)
        ).fetchone()[0]
    assert json.loads(payload)["out_of_hours"] == recorded  # the batch carries it to the server too


def test_no_kiosk_ticket_out_of_hours(services: Any, clock: FakeClock) -> None:
    session, _counter = services.demo_session()
    line = services.queue.lines(session.centre_id)[0]
    clock.set(datetime(2026, 11, 30, 18, 0, tzinfo=VIETNAM_TIME))

    with pytest.raises(DomainError) as refused:
        services.queue.issue_ticket(line.id, request_key="tap-1")

    assert refused.value.code == "office_hours.kiosk_closed"
    assert describe_error(refused.value) == (
        "Trung tâm hiện không làm việc: đã hết giờ làm việc trong ngày. "
        "Xin mời quay lại lúc 07:00, thứ Ba, 01/12/2026."
    )
    assert sum(x.waiting for x in services.queue.lines(session.centre_id)) == 0
    clock.set(TUESDAY_OPENING)
    assert services.queue.issue_ticket(line.id, request_key="tap-1").line_id == line.id  # open: the same tap works


def test_the_demo_store_can_be_made_before_opening(tmp_path: Path) -> None:
    """`counter init --demo` at 06:10: the sample dossiers are received in office hours, never refused."""
    from counter_app.bootstrap import init_store

    init_store(tmp_path, demo=True, clock=FakeClock(datetime(2026, 11, 30, 6, 10, tzinfo=VIETNAM_TIME)),
               demo_dossiers=40)
    with sqlite3.connect(store_path(tmp_path)) as db:
        assert db.execute("SELECT count(*) FROM dossiers").fetchone()[0] > 30  # nothing refused out of hours
