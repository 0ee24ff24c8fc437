"""The PC clock against the store's mark (issue 9 §1): a clock set back or far ahead numbers nothing,
the administrator confirms a real date change, and the day reset is never inside a citizen's tap."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from counter_app.bootstrap import VIETNAM_TIME
from counter_app.cli import main
from counter_app.domain.dossier import Outcome
from counter_app.domain.errors import DomainError
from counter_app.services.clock_guard import clock_state, confirm_clock
from counter_app.services.dossiers import Desk, IntakeComponent, IntakePayment, IntakeRequest
from counter_app.services.i18n import describe_error
from counter_app.storage.store import store_path

WARD, WA, W1, NV03 = "c-p-thanh-sen", "c-p-thanh-sen-line-a", "c-p-thanh-sen-q1", "s-nv03"
ADMIN, CLERK = "s-admin01", "s-nv01"
SIGNATURE = "2.000884.000.00.31.H27"  # Chứng thực chữ ký at phường Thành Sen: 10.000 đ due on filing
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=VIETNAM_TIME)

pytestmark = pytest.mark.usefixtures("vi")  # the words from the .po under test


def _tickets(data_dir: Path, *, day: str | None = None) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(store_path(data_dir)) as db:
        q = "SELECT label, status, outcome FROM queue_tickets"
        rows = db.execute(q + " WHERE day = ? ORDER BY seq", (day,)) if day else db.execute(q + " ORDER BY seq")
        return [tuple(r) for r in rows]


def _issue(services: Any, n: int, key: str) -> list[str]:
    return [services.queue.issue_ticket(WA, request_key=f"{key}{i}").number for i in range(n)]


def _refused(call: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def _desk(services: Any) -> Desk:
    session, counter = services.demo_session()
    return Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)


def _intake(services: Any, *, pay: bool = False) -> IntakeRequest:
    guide = services.procedure_guide(SIGNATURE)
    return IntakeRequest(
        request_key=uuid.uuid4().hex, procedure_code=guide.code, outcome=Outcome.COMPLETE,
        applicant_type="citizen", applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123",
        phone="0912345678", components=tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components),
        payment=IntakePayment(10_000, "cash") if pay else None,
    )


def _count(data_dir: Path, table: str) -> int:
    with sqlite3.connect(store_path(data_dir)) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608 (fixed names)


def test_a_clock_set_back_a_day_issues_no_second_a001(services: Any, clock: Any, demo_data_dir: Path) -> None:
    clock.set(MONDAY.replace(day=1, month=12))  # Tuesday 1/12, 09:00
    assert _issue(services, 3, "tue") == ["A001", "A002", "A003"]

    clock.set(MONDAY)  # someone set the PC back to Monday
    error = _refused(lambda: services.queue.issue_ticket(WA, request_key="back"))

    assert error.code == "clock.behind"
    words = describe_error(error)
    assert "sớm hơn thời điểm cuối cùng đã lưu" in words and "quản trị viên" in words
    assert "counter clock confirm" in words
    assert [label for label, _s, _o in _tickets(demo_data_dir)] == ["A001", "A002", "A003"]  # no duplicate A001
    # a walk-in number, a dossier code and a receipt are refused the same way; nothing is written
    assert _refused(lambda: services.queue.walk_in(W1, NV03, WA)).code == "clock.behind"
    dossiers = _count(demo_data_dir, "dossiers")
    assert _refused(lambda: services.dossiers.receive(_intake(services, pay=True), _desk(services))).code == "clock.behind"
    assert _count(demo_data_dir, "dossiers") == dossiers and _count(demo_data_dir, "payments") == 0

    clock.set(MONDAY.replace(day=1, month=12, hour=9, minute=3))  # put right (within the 5-minute tolerance)
    assert services.queue.issue_ticket(WA, request_key="right").number == "A004"


def test_a_few_minutes_back_is_tolerated(services: Any, clock: Any) -> None:
    assert _issue(services, 1, "a") == ["A001"]
    clock.advance(minutes=-4)  # an NTP step, two PCs of one store a little apart
    assert _issue(services, 1, "b") == ["A002"]


def test_forward_to_a_day_off_closes_nothing(services: Any, clock: Any, demo_data_dir: Path) -> None:
    clock.set(datetime(2026, 12, 4, 10, 0, tzinfo=VIETNAM_TIME))  # Friday
    _issue(services, 3, "fri")
    clock.set(datetime(2026, 12, 5, 10, 0, tzinfo=VIETNAM_TIME))  # Saturday: a clock a day ahead, or a real Saturday

    assert _refused(lambda: services.queue.issue_ticket(WA, request_key="sat")).code == "office_hours.kiosk_closed"
    assert services.queue.start_day(WARD) == 0
    assert services.queue.call_next(W1, NV03) is None
    assert [s for _l, s, _o in _tickets(demo_data_dir)] == ["waiting"] * 3  # Friday's citizens still wait

    clock.set(datetime(2026, 12, 4, 10, 5, tzinfo=VIETNAM_TIME))  # put back to Friday: nothing was written Saturday
    assert services.queue.call_next(W1, NV03).number == "A001"


def test_the_real_next_working_day_resets_the_queue_at_the_stations_step(services: Any, clock: Any, demo_data_dir: Path) -> None:
    clock.set(datetime(2026, 12, 4, 16, 30, tzinfo=VIETNAM_TIME))  # Friday afternoon: two left waiting
    _issue(services, 2, "fri")
    clock.set(datetime(2026, 12, 7, 7, 25, tzinfo=VIETNAM_TIME))  # Monday morning (3 calendar days later)

    assert services.queue.start_day(WARD) == 2
    assert [(s, o) for _l, s, o in _tickets(demo_data_dir, day="2026-12-04")] == [("done", "removed_at_reset")] * 2
    clock.set(datetime(2026, 12, 7, 7, 31, tzinfo=VIETNAM_TIME))
    assert services.queue.issue_ticket(WA, request_key="mon").number == "A001"
    assert services.queue.call_next(W1, NV03).number == "A001"


def test_the_kiosk_tap_does_not_close_yesterdays_leftovers(services: Any, clock: Any, demo_data_dir: Path) -> None:
    """Before: the first tap of the day closed every leftover inside its own transaction (2,000 held
    the write lock 1.1 s). Now the tap writes its ticket only; the reset runs apart, in batches."""
    for i in range(250):
        services.queue.issue_ticket(WA, request_key=f"mon{i}")
    clock.set(MONDAY + timedelta(days=1))  # Tuesday 09:00, a working day

    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = services.uow.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        ticket = services.queue.issue_ticket(WA, request_key="tue")
    finally:
        event.remove(engine, "before_cursor_execute", seen)

    assert ticket.number == "A001"
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE QUEUE_TICKETS")]
    assert {s for _l, s, _o in _tickets(demo_data_dir, day="2026-11-30")} == {"waiting"}

    commits: list[object] = []

    def committed(conn: Any) -> None:
        commits.append(conn)

    event.listen(engine, "commit", committed)
    try:
        assert services.queue.start_day(WARD) == 250
    finally:
        event.remove(engine, "commit", committed)
    assert len(commits) >= 5  # 250 leftovers in batches of 50: no single long write lock
    assert {o for _l, _s, o in _tickets(demo_data_dir, day="2026-11-30")} == {"removed_at_reset"}
    assert services.queue.start_day(WARD) == 0  # once a day


def test_a_year_ahead_refuses_intake_and_tickets(services: Any, clock: Any, demo_data_dir: Path) -> None:
    first = services.dossiers.receive(_intake(services), _desk(services))
    assert "-261130-" in first.code

    clock.set(MONDAY.replace(year=2027))  # a year ahead
    error = _refused(lambda: services.dossiers.receive(_intake(services), _desk(services)))
    assert error.code == "clock.far_ahead"
    assert "vượt xa thời điểm cuối cùng đã lưu" in describe_error(error)
    assert _refused(lambda: services.queue.issue_ticket(WA, request_key="y")).code == "clock.far_ahead"
    assert _refused(lambda: services.dossiers.pay(first.code, _desk(services), amount=10_000, method="cash",
                                                  request_key="p")).code == "clock.far_ahead"
    assert _count(demo_data_dir, "dossiers") == 1 and _count(demo_data_dir, "payments") == 0


def test_a_pc_switched_off_over_tet_works_on_the_first_working_day_after(services: Any, clock: Any) -> None:
    with services.uow(readonly=True) as uow:
        calendar = uow.calendars.calendar(WARD)
    # the last working day before Tết 2027 (Lunar New Year: 6/2/2027) and the first after it
    last = datetime(2027, 2, 1).date()
    while calendar.next_working_day(last) - last <= timedelta(days=3):
        last = calendar.next_working_day(last)
    after = calendar.next_working_day(last)
    assert (after - last).days > 3, "Tết is a long break"
    clock.set(datetime.combine(last, time(16, 0), VIETNAM_TIME))
    assert _issue(services, 1, "before") == ["A001"]

    clock.set(datetime.combine(after, time(7, 40), VIETNAM_TIME))
    assert _issue(services, 1, "after") == ["A001"]
    assert services.dossiers.receive(_intake(services), _desk(services)).created

    clock.set(datetime.combine(after + timedelta(days=7), time(8, 0), VIETNAM_TIME))  # a week of working days on
    assert calendar.is_working_day(after + timedelta(days=7))
    assert _refused(lambda: services.queue.issue_ticket(WA, request_key="week")).code == "clock.far_ahead"


def test_the_administrator_confirms_a_real_date_change(services: Any, clock: Any, demo_data_dir: Path) -> None:
    _issue(services, 2, "mon")
    # Monday 07:30: the PC ran 90 minutes fast this morning and was put right; the admin confirms it
    clock.set(MONDAY - timedelta(hours=1, minutes=30))
    assert _refused(lambda: services.queue.issue_ticket(WA, request_key="early")).code == "clock.behind"
    assert clock_state(services.uow, clock, None).problem == "clock.behind"

    assert _refused(lambda: confirm_clock(CLERK, uow_factory=services.uow, clock=clock)).code == "clock.not_admin"
    confirm_clock(ADMIN, uow_factory=services.uow, clock=clock)

    assert clock_state(services.uow, clock, None).problem is None
    assert services.queue.issue_ticket(WA, request_key="early").number == "A003"  # numbering goes on, no repeat
    with sqlite3.connect(store_path(demo_data_dir)) as db:
        op, payload = db.execute(
            "SELECT op, payload FROM outbox WHERE entity = 'store_clock' ORDER BY device_seq"
        ).fetchone()
    assert op == "confirmed" and ADMIN in payload


def test_counter_clock_confirm_on_the_command_line(services: Any, clock: Any, demo_data_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The words name the command; the command asks the administrator's password and records who confirmed."""
    ahead = (datetime.now(UTC) + timedelta(days=1)).isoformat(timespec="microseconds")
    with sqlite3.connect(store_path(demo_data_dir)) as db:  # the store last wrote tomorrow (a clock ahead, put right)
        db.execute("UPDATE device SET clock_mark = ?", (ahead,))
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("demo123\n"))
    assert main(["clock", "show", "--data-dir", str(demo_data_dir)]) == 1
    shown = capsys.readouterr()
    assert "sớm hơn thời điểm cuối cùng đã lưu" in shown.out + shown.err

    assert main(["clock", "confirm", "--user", "nv01", "--password-stdin", "--data-dir", str(demo_data_dir)]) == 1
    assert "Chỉ quản trị viên" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("demo123\n"))
    assert main(["clock", "confirm", "--user", "admin01", "--password-stdin", "--data-dir", str(demo_data_dir)]) == 0
    assert "Phan Quốc Việt" in capsys.readouterr().out
    assert main(["clock", "show", "--data-dir", str(demo_data_dir)]) == 0
