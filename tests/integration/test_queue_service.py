"""The queue on a real store: kiosk tickets, calls, transfers, day reset, clock jumps, two counters at once, KPIs."""

from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from counter_app.bootstrap import DEMO_FILE, VIETNAM_TIME
from counter_app.domain.dossier import Outcome
from counter_app.domain.errors import DomainError
from counter_app.domain.queue import QueueSettings, call
from counter_app.services.catalog_data import load_province_data
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from counter_app.services.i18n import describe_error
from counter_app.services.queue import LocalQueueService
from counter_app.services.queue_port import (
    CallView,
    Priority,
    QueueService,
    TicketOutcome,
    TicketStatus,
    TicketView,
)
from counter_app.services.resources import resource_path
from counter_app.storage.db import make_engine
from counter_app.storage.models import StaffRow
from counter_app.storage.queue_repo import SqlQueueRepository
from counter_app.storage.queue_seed import seed_queue
from counter_app.storage.store import head_revision, store_path
from counter_app.storage.uow import UnitOfWorkFactory

# The provincial centre: counter 1 serves line A (Sở Nội vụ, Ngoại vụ) with weight 1, counter 8
# ("Điện lực, trả kết quả") serves L with weight 1 and K with weight 2; every other line of a counter
# has weight 0 (called only when its own lines are empty).
A, K, L = "c-tinh-line-a", "c-tinh-line-k", "c-tinh-line-l"
Q1, Q5, Q8 = "c-tinh-q1", "c-tinh-q5", "c-tinh-q8"
NV01, NV02 = "s-nv01", "s-nv02"
# A ward: counter 1 → A (Hộ tịch), counter 2 → B, counter 3 → K ("Trả kết quả"); weight 0 elsewhere.
WARD, WA, WK = "c-p-thanh-sen", "c-p-thanh-sen-line-a", "c-p-thanh-sen-line-k"
W1, W3, NV03 = "c-p-thanh-sen-q1", "c-p-thanh-sen-q3", "s-nv03"
GS01, GS_WARD = "s-gsat01", "s-gs-thanh-sen"  # supervisors (the figures, the day reset); the ward's is added


def _seed(uow_factory: Any) -> None:
    with uow_factory() as uow:
        seed_queue(uow.session, load_province_data(resource_path(*DEMO_FILE)))
        uow.session.add(StaffRow(id=GS_WARD, username="gs.thanhsen", full_name="Phạm Văn Giám", password_hash="x",
                                 centre_id=WARD, role="supervisor", active=True, failed_logins=0))
        uow.commit()


def _on_duty(uow_factory: Any, clock: Any, *pairs: tuple[str, str]) -> None:
    with uow_factory() as uow:
        for staff_id, counter_id in pairs:
            uow.staff.open_counter_session(staff_id, counter_id, "test", clock.now())
        uow.commit()


@pytest.fixture
def queue(services, clock) -> LocalQueueService:  # type: ignore[no-untyped-def]
    _seed(services.uow)
    return LocalQueueService(services.uow, clock, services.device_id)


def _db(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(store_path(data_dir))


def _issue(queue: LocalQueueService, line: str, n: int, *, key: str = "k", priority: Priority = Priority.NONE) -> list[TicketView]:
    return [queue.issue_ticket(line, priority=priority, request_key=f"{key}{i}") for i in range(n)]


GENERIC = "Đã xảy ra lỗi. Chi tiết đã được ghi vào nhật ký."


def _code(error: pytest.ExceptionInfo[DomainError]) -> str:
    """The error's code, after checking that people get real Vietnamese words for it."""
    assert describe_error(error.value) != GENERIC
    return error.value.code


# -- kiosk -----------------------------------------------------------------------------------------


def test_the_local_service_is_a_queue_service(queue: LocalQueueService) -> None:
    service: QueueService = queue
    assert [line.code for line in service.lines("c-tinh")] == list("ABCDEGHLK")


def test_issuing_commits_ticket_event_and_outbox_together(queue, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    ticket = queue.issue_ticket(K, request_key="tap-1")
    assert (ticket.number, ticket.status, ticket.line_name, ticket.waiting_ahead) == ("K001", TicketStatus.WAITING, "Nhận kết quả", 0)
    second = queue.issue_ticket(K, request_key="tap-2")
    assert second.number == "K002" and second.waiting_ahead == 1 and second.estimated_wait_minutes > 0
    db = _db(demo_data_dir)
    assert db.execute("SELECT count(*) FROM queue_tickets").fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM queue_events WHERE type = 'issued'").fetchone()[0] == 2
    ops = db.execute("SELECT entity, entity_id, op FROM outbox WHERE entity = 'queue_ticket' ORDER BY device_seq").fetchall()
    assert ops == [("queue_ticket", ticket.id, "issued"), ("queue_ticket", second.id, "issued")]
    assert {v.code: v.waiting for v in queue.lines("c-tinh")}["K"] == 2


def test_a_double_tap_on_the_kiosk_gives_one_ticket(queue, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    first = queue.issue_ticket(K, request_key="same-tap")
    again = queue.issue_ticket(K, request_key="same-tap")
    assert again.id == first.id and again.number == "K001"
    assert _db(demo_data_dir).execute("SELECT count(*) FROM queue_tickets").fetchone()[0] == 1
    with pytest.raises(DomainError, match="queue.request_key_required"):
        queue.issue_ticket(K, request_key=" ")


def test_a_failed_issue_leaves_no_number_behind(queue, monkeypatch, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    def broken(*args: object, **kwargs: object) -> int:
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(queue, "_record", broken)
        with pytest.raises(OSError):
            queue.issue_ticket(K, request_key="tap-1")
    assert _db(demo_data_dir).execute("SELECT count(*) FROM queue_tickets").fetchone()[0] == 0
    assert queue.issue_ticket(K, request_key="tap-1").number == "K001"


def test_kiosk_refusals(queue, services, clock) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        queue.issue_ticket("no-such-line", request_key="x")
    assert _code(caught) == "queue.unknown_line"
    strict = LocalQueueService(services.uow, clock, services.device_id,
                               QueueSettings(priorities=(Priority.ELDERLY, Priority.DISABILITY, Priority.PREGNANT)))
    with pytest.raises(DomainError) as caught:
        strict.issue_ticket(K, priority=Priority.VETERAN, request_key="x")
    assert _code(caught) == "queue.priority_not_offered"
    assert strict.issue_ticket(K, priority=Priority.ELDERLY, request_key="x").priority is Priority.ELDERLY
    with services.uow() as uow:
        uow.session.execute(text("UPDATE queue_lines SET last_number = 2 WHERE id = :l"), {"l": L})
        uow.commit()
    _issue(queue, L, 2, key="l")
    with pytest.raises(DomainError) as caught:
        queue.issue_ticket(L, request_key="l-third")
    assert _code(caught) == "queue.numbers_exhausted" and caught.value.params["last"] == "L002"


def test_numbers_restart_every_day_and_yesterdays_waiting_tickets_close(queue, clock, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    left = _issue(queue, K, 2, key="mon")
    clock.advance(days=1)
    tuesday = queue.issue_ticket(K, request_key="tue")
    assert tuesday.number == "K001"
    assert queue.start_day("c-tinh") == 2  # the stations' day reset, never the citizen's tap (issue 9 §1)
    rows = _db(demo_data_dir).execute(
        "SELECT id, status, outcome FROM queue_tickets WHERE id IN (?, ?)", (left[0].id, left[1].id)
    ).fetchall()
    assert {(s, o) for _, s, o in rows} == {("done", "removed_at_reset")}
    assert {v.code: v.waiting for v in queue.lines("c-tinh")}["K"] == 1


# -- calling ---------------------------------------------------------------------------------------


def test_a_call_when_nothing_waits_returns_none(queue) -> None:  # type: ignore[no-untyped-def]
    assert queue.call_next(Q8, NV01) is None
    assert queue.current_ticket(Q8) is None


def test_priority_first_with_a_cap_then_oldest_first(queue, clock) -> None:  # type: ignore[no-untyped-def]
    normal = _issue(queue, WK, 2, key="n")
    priority = _issue(queue, WK, 3, key="p", priority=Priority.ELDERLY)
    order = []
    while (t := queue.call_next(W3, NV03)) is not None:
        order.append(t.number)
        clock.advance(minutes=1)
        queue.finish_service(W3, NV03)
    p, n = [t.number for t in priority], [t.number for t in normal]
    assert order == [p[0], p[1], n[0], p[2], n[1]]


def test_the_policy_state_survives_a_restart(services, queue, clock) -> None:  # type: ignore[no-untyped-def]
    _issue(queue, L, 4, key="l")
    _issue(queue, K, 8, key="k")
    first = [queue.call_next(Q8, NV01), queue.finish_service(Q8, NV01)][0]
    restarted = LocalQueueService(services.uow, clock, services.device_id)
    lines = [first.line_id]
    while (t := restarted.call_next(Q8, NV01)) is not None and len(lines) < 9:
        lines.append(t.line_id)
        restarted.finish_service(Q8, NV01)
    assert lines == [K, L, K, K, L, K, K, L, K]  # weights K:2, L:1, smooth


def test_busy_and_paused_counters_do_not_call(queue) -> None:  # type: ignore[no-untyped-def]
    _issue(queue, K, 3)
    first = queue.call_next(Q8, NV01)
    with pytest.raises(DomainError) as caught:
        queue.call_next(Q8, NV01)
    assert _code(caught) == "queue.counter_busy" and caught.value.params["number"] == first.number
    queue.finish_service(Q8, NV01)
    queue.pause_counter(Q8, NV01, True)
    queue.pause_counter(Q8, NV01, True)  # twice is harmless
    with pytest.raises(DomainError) as caught:
        queue.call_next(Q8, NV01)
    assert _code(caught) == "queue.counter_paused"
    queue.pause_counter(Q8, NV01, False)
    assert queue.call_next(Q8, NV01).number == "K002"
    with pytest.raises(DomainError) as caught:
        queue.call_next(Q8, "s-nv03")  # staff of another centre
    assert _code(caught) == "queue.unknown_staff"


def test_call_a_number_out_of_turn(queue) -> None:  # type: ignore[no-untyped-def]
    _issue(queue, K, 3)
    assert queue.call_number(Q8, NV01, " k3 ").number == "K003"
    queue.finish_service(Q8, NV01)
    for typed, code in (("K003", "queue.not_waiting"), ("K077", "queue.unknown_number"), ("3K", "queue.bad_number")):
        with pytest.raises(DomainError) as caught:
            queue.call_number(Q8, NV01, typed)
        assert _code(caught) == code
    assert queue.call_next(Q8, NV01).number == "K001"


def test_recall_no_show_and_reactivation(queue, clock) -> None:  # type: ignore[no-untyped-def]
    _issue(queue, K, 2)
    called = queue.call_next(Q8, NV01)
    clock.advance(minutes=1)
    again = queue.recall(Q8, NV01)
    assert again == CallView("K001", 8, clock.now(), recall=True, centre_id="c-tinh", counter_id=Q8, line_id=K)
    gone = queue.no_show(Q8, NV01)
    assert (gone.status, gone.outcome) == (TicketStatus.DONE, TicketOutcome.NO_SHOW)
    with pytest.raises(DomainError) as caught:
        queue.recall(Q8, NV01)
    assert _code(caught) == "queue.no_current_call"
    clock.advance(minutes=10)
    back = queue.reactivate("K001", Q8, NV01)
    assert back.status is TicketStatus.WAITING and back.id == called.id
    assert queue.call_next(Q8, NV01).number == "K001"  # back in its old place, before K002
    gone = queue.no_show(Q8, NV01)
    clock.advance(minutes=16)
    with pytest.raises(DomainError) as caught:
        queue.reactivate("K001", Q8, NV01)
    assert _code(caught) == "queue.tolerance_passed"
    recent = queue.recent_calls("c-tinh")
    assert [(c.ticket_number, c.recall) for c in recent] == [("K001", False), ("K001", True), ("K001", False)]


def test_start_finish_and_link_the_dossier(queue, services, clock) -> None:  # type: ignore[no-untyped-def]
    procedure = services.guide_service.procedure("2.002180")
    desk = Desk(NV01, "Nguyễn Thị Hương", "c-tinh", Q8, "Quầy 8")
    code = services.dossiers.receive(IntakeRequest(
        request_key="d1", procedure_code=procedure.code, outcome=Outcome.COMPLETE,
        applicant_type="citizen", applicant_name="Nguyễn Văn An", phone="0912345678",
        components=tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in procedure.components),
    ), desk).code
    _issue(queue, L, 1)
    queue.call_next(Q8, NV01)
    clock.advance(minutes=2)
    started = queue.start_service(Q8, NV01)
    assert started.status is TicketStatus.SERVING and started.started_at == clock.now()
    assert queue.start_service(Q8, NV01) == started  # a second click changes nothing
    with pytest.raises(DomainError) as caught:
        queue.no_show(Q8, NV01)
    assert _code(caught) == "queue.already_started"
    with pytest.raises(DomainError) as caught:
        queue.finish_service(Q8, NV01, dossier_code="X" * 65)
    assert _code(caught) == "dossier.unknown_code"
    clock.advance(minutes=7)
    done = queue.finish_service(Q8, NV01, dossier_code=code.lower())
    assert (done.outcome, done.dossier_code, done.ended_at) == (TicketOutcome.SERVED, code, clock.now())
    with pytest.raises(DomainError) as caught:
        queue.finish_service(Q8, NV01)
    assert _code(caught) == "queue.no_current_ticket"


def test_finishing_a_ticket_only_called_starts_and_finishes_it_in_one_transaction(  # type: ignore[no-untyped-def]
    queue, clock, demo_data_dir, monkeypatch
) -> None:
    [ticket] = _issue(queue, L, 1)
    queue.call_next(Q8, NV01)
    clock.advance(minutes=3)

    def broken(self, state, at):  # type: ignore[no-untyped-def]  # fails after the start step
        raise OSError("disk I/O error")

    monkeypatch.setattr(SqlQueueRepository, "save_counter_state", broken)
    with pytest.raises(OSError):
        queue.finish_service(Q8, NV01)
    monkeypatch.undo()
    db = _db(demo_data_dir)
    assert db.execute("SELECT status, started_at FROM queue_tickets WHERE id = ?", (ticket.id,)).fetchone() == (
        "called", None)
    assert queue.current_ticket(Q8).status is TicketStatus.CALLED  # type: ignore[union-attr]

    clock.advance(minutes=2)
    done = queue.finish_service(Q8, NV01)

    assert (done.status, done.outcome) == (TicketStatus.DONE, TicketOutcome.SERVED)
    assert done.started_at == done.ended_at == clock.now()  # as a Start clicked just before the Finish
    events = db.execute("SELECT type, at, staff_id FROM queue_events WHERE ticket_id = ? ORDER BY seq",
                        (ticket.id,)).fetchall()
    assert [(t, staff) for t, _at, staff in events] == [
        ("issued", None), ("called", NV01), ("started", NV01), ("finished", NV01)]
    assert events[2][1] == events[3][1]  # both at the moment of the Finish
    ops = [op for (op,) in db.execute(
        "SELECT op FROM outbox WHERE entity = 'queue_ticket' AND entity_id = ? ORDER BY device_seq", (ticket.id,))]
    assert ops == ["issued", "called", "started", "finished"]
    assert queue.current_ticket(Q8) is None


def test_walk_in(queue, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    walk = queue.walk_in(Q8, NV01, L)
    assert walk.status is TicketStatus.SERVING and walk.number == "L001" and walk.counter_number == 8
    with pytest.raises(DomainError, match="queue.counter_busy"):
        queue.call_next(Q8, NV01)
    done = queue.finish_service(Q8, NV01)
    assert done.outcome is TicketOutcome.WALK_IN
    assert queue.kpis("c-tinh", GS01).walk_ins == 1 and queue.kpis("c-tinh", GS01).issued == 0


# -- transfers -------------------------------------------------------------------------------------


def test_transfer_to_a_line_keeps_the_original_order(queue, clock, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    a1 = queue.issue_ticket(A, request_key="a1")
    clock.advance(minutes=5)
    queue.issue_ticket(K, request_key="k1")
    queue.call_next(Q1, NV02)
    queue.start_service(Q1, NV02)
    moved = queue.transfer(Q1, NV02, to_line_id=K)
    assert (moved.number, moved.line_id, moved.status, moved.issued_at) == ("A001", K, TicketStatus.WAITING, a1.issued_at)
    assert queue.current_ticket(Q1) is None
    assert queue.call_next(Q8, NV01).number == "A001"  # issued before K001, so it goes first
    rows = _db(demo_data_dir).execute(
        "SELECT hop, status, outcome, line_id FROM queue_tickets WHERE label = 'A001' ORDER BY hop"
    ).fetchall()
    assert rows == [(0, "done", "transferred", A), (1, "called", None, K)]
    assert queue.kpis("c-tinh", GS01).transferred == 1


def test_transfer_to_a_counter_goes_before_its_queue(queue, services, clock) -> None:  # type: ignore[no-untyped-def]
    _on_duty(services.uow, clock, (NV01, Q8))
    _issue(queue, K, 2, key="k")
    clock.advance(minutes=1)
    queue.issue_ticket(A, request_key="a1")
    queue.call_next(Q1, NV02)
    moved = queue.transfer(Q1, NV02, to_counter_id=Q8)
    assert moved.target_counter_number == 8 and moved.line_id == A
    assert queue.call_next(Q8, NV01).number == "A001"


def test_transfers_to_closed_or_paused_counters_are_refused(queue, services, clock, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    _on_duty(services.uow, clock, (NV01, Q8))
    with pytest.raises(DomainError) as caught:
        queue.transfer(Q1, NV02, to_line_id=K)
    assert _code(caught) == "queue.no_current_ticket"
    queue.issue_ticket(A, request_key="a1")
    queue.call_next(Q1, NV02)
    for kwargs, code in (
        ({}, "queue.transfer_target_required"),
        ({"to_counter_id": Q1}, "queue.transfer_to_self"),
        ({"to_line_id": A}, "queue.transfer_to_self"),
        ({"to_counter_id": "c-p-thanh-sen-q1"}, "counter.unknown"),
    ):
        with pytest.raises(DomainError) as caught:
            queue.transfer(Q1, NV02, **kwargs)
        assert _code(caught) == code, kwargs
    staffed_only = LocalQueueService(services.uow, clock, services.device_id,
                                     QueueSettings(transfer_needs_staffed_counter=True))
    with pytest.raises(DomainError) as caught:
        staffed_only.transfer(Q1, NV02, to_counter_id=Q5)  # nobody on duty there
    assert _code(caught) == "queue.counter_closed"
    queue.pause_counter(Q8, NV01, True)
    with pytest.raises(DomainError) as caught:
        queue.transfer(Q1, NV02, to_counter_id=Q8)
    assert _code(caught) == "queue.counter_paused" and "8" in describe_error(caught.value)
    queue.pause_counter(Q8, NV01, False)
    db = _db(demo_data_dir)
    db.execute("UPDATE counters SET active = 0 WHERE id = ?", (Q8,))
    db.commit()
    with pytest.raises(DomainError) as caught:
        queue.transfer(Q1, NV02, to_counter_id=Q8)
    assert _code(caught) == "queue.counter_closed"
    assert queue.current_ticket(Q1).number == "A001"  # nothing changed


# -- bad input: clock, day reset, two counters at once ---------------------------------------------


def test_a_clock_set_back_a_little_keeps_the_order_and_no_negative_times(queue, clock, caplog) -> None:  # type: ignore[no-untyped-def]
    # (further back than the clock mark's tolerance the kiosk refuses: tests/integration/test_clock_guard.py)
    clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=VIETNAM_TIME))
    first = queue.issue_ticket(WA, request_key="a1")
    clock.set(datetime(2026, 11, 30, 9, 57, tzinfo=VIETNAM_TIME))  # the PC's clock stepped back 3 minutes
    with caplog.at_level(logging.WARNING):
        second = queue.issue_ticket(WA, request_key="a2")
        assert second.issued_at < first.issued_at
        clock.advance(minutes=2)
        assert queue.call_next(W1, NV03).number == first.number  # issued first, called first
        clock.advance(minutes=3)
        queue.start_service(W1, NV03)
        clock.advance(minutes=5)
        queue.finish_service(W1, NV03)
        kpis = queue.kpis(WARD, GS_WARD)
    assert "clock went back" in caplog.text
    assert kpis.average_wait_minutes == 0.0 and kpis.average_walk_minutes == 3.0
    assert kpis.average_service_minutes == 5.0 and kpis.average_time_in_centre_minutes == 7.0
    assert min(kpis.idle_minutes_by_counter.values()) >= 0
    assert queue.call_next(W1, NV03).number == second.number


def test_a_day_reset_never_breaks_a_service_in_progress(queue, clock, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    serving, waiting1, waiting2 = _issue(queue, WA, 3, key="a")
    called_k = queue.issue_ticket(WK, request_key="k1")
    queue.call_next(W1, NV03)
    queue.start_service(W1, NV03)
    queue.call_next(W3, NV03)
    assert queue.reset_day(WARD, GS_WARD) == 2
    states = dict(_db(demo_data_dir).execute("SELECT label, status || '/' || coalesce(outcome, '') FROM queue_tickets").fetchall())
    assert states == {serving.number: "serving/", waiting1.number: "done/removed_at_reset",
                      waiting2.number: "done/removed_at_reset", called_k.number: "called/"}
    assert queue.finish_service(W1, NV03).outcome is TicketOutcome.SERVED
    assert queue.start_service(W3, NV03).status is TicketStatus.SERVING
    assert queue.kpis(WARD, GS_WARD).removed == 2
    with pytest.raises(DomainError, match="queue.unknown_centre"):
        queue.reset_day("nowhere", GS_WARD)


def test_carry_over_moves_waiting_tickets_to_the_next_working_day(queue, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 12, 4, 16, 50, tzinfo=VIETNAM_TIME))  # a Friday
    carried = _issue(queue, WA, 2, key="fri")
    assert queue.reset_day(WARD, GS_WARD, carry_over=True) == 2
    assert queue.call_next(W1, NV03) is None  # not today any more
    assert {v.code: v.waiting for v in queue.lines(WARD)}["A"] == 0
    clock.set(datetime(2026, 12, 7, 7, 30, tzinfo=VIETNAM_TIME))  # Monday
    monday = queue.issue_ticket(WA, request_key="mon")
    assert monday.number == "A001"  # numbers restart; the carried A001 keeps its place ahead
    assert {v.code: v.waiting for v in queue.lines(WARD)}["A"] == 3
    calls = []
    while (t := queue.call_next(W1, NV03)) is not None:
        calls.append(t.id)
        queue.finish_service(W1, NV03)
    assert calls == [carried[0].id, carried[1].id, monday.id]


def test_two_counters_calling_at_once_never_get_the_same_ticket(queue, services, clock, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    issued = {t.id for t in _issue(queue, K, 24)}
    engines = [make_engine(store_path(demo_data_dir)) for _ in range(2)]
    try:
        desks = [
            (LocalQueueService(UnitOfWorkFactory(e, device_id=services.device_id, schema_version=head_revision(),
                                                 now=clock.now), clock, services.device_id), counter, staff)
            for e, counter, staff in zip(engines, (Q1, Q8), (NV02, NV01), strict=True)
        ]
        got: list[list[str]] = [[], []]
        errors: list[BaseException] = []
        barrier = threading.Barrier(2)

        def work(i: int) -> None:
            service, counter, staff = desks[i]
            try:
                for _round in range(14):  # 24 tickets, two counters: both call at the same moment each round
                    barrier.wait(timeout=30)
                    t = service.call_next(counter, staff)
                    if t is not None:
                        got[i].append(t.id)
                        service.finish_service(counter, staff)
            except BaseException as exc:  # reported below
                errors.append(exc)
                barrier.abort()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
    finally:
        for e in engines:
            e.dispose()
    assert errors == []
    assert got[0] and got[1], "both counters should have called"
    assert set(got[0]).isdisjoint(got[1])
    assert sorted(got[0] + got[1]) == sorted(issued)
    calls = _db(demo_data_dir).execute(
        "SELECT ticket_id, count(*) FROM queue_events WHERE type = 'called' GROUP BY ticket_id"
    ).fetchall()
    assert len(calls) == 24 and {n for _, n in calls} == {1}


def test_the_store_itself_refuses_a_second_claim_or_a_shared_ticket(queue, services, clock) -> None:  # type: ignore[no-untyped-def]
    ticket = queue.issue_ticket(K, request_key="k1")
    with services.uow() as uow:
        waiting = uow.queue.ticket(ticket.id)
        assert uow.queue.save_ticket(call(waiting, Q1, NV02, clock.now()), before=waiting, expect=TicketStatus.WAITING)
        # a second counter working from the same stale read loses the claim
        assert not uow.queue.save_ticket(call(waiting, Q8, NV01, clock.now()), before=waiting, expect=TicketStatus.WAITING)
        state1 = uow.queue.counter_state(Q1, "c-tinh")
        uow.queue.save_counter_state(replace(state1, current_ticket_id=ticket.id), clock.now())
        with pytest.raises(IntegrityError):  # and no two counters can hold one ticket
            uow.queue.save_counter_state(replace(uow.queue.counter_state(Q8, "c-tinh"), current_ticket_id=ticket.id),
                                         clock.now())


# -- KPIs, ratings, notifications, seeding ---------------------------------------------------------


def test_kpis_of_a_scripted_morning(queue, clock) -> None:  # type: ignore[no-untyped-def]
    def at(hh: int, mm: int) -> None:
        clock.set(datetime(2026, 11, 30, hh, mm, tzinfo=VIETNAM_TIME))

    at(8, 0)
    queue.pause_counter(W1, NV03, False)  # counters open
    queue.pause_counter(W3, NV03, False)
    a1 = queue.issue_ticket(WA, request_key="a1")
    at(8, 1)
    queue.issue_ticket(WK, request_key="k1")
    at(8, 2)
    a2 = queue.issue_ticket(WA, priority=Priority.ELDERLY, request_key="a2")
    at(8, 3)
    assert queue.call_next(W1, NV03).id == a2.id  # waited 1
    at(8, 4)
    queue.start_service(W1, NV03)  # walked 1
    at(8, 5)
    queue.call_next(W3, NV03)  # K001 waited 4
    at(8, 6)
    queue.no_show(W3, NV03)
    at(8, 10)
    queue.finish_service(W1, NV03)  # served 6
    at(8, 12)
    assert queue.call_next(W1, NV03).id == a1.id  # waited 12
    at(8, 13)
    queue.start_service(W1, NV03)
    at(8, 20)
    queue.finish_service(W1, NV03)  # served 7
    at(8, 25)
    kpis = queue.kpis(WARD, GS_WARD)
    assert (kpis.day, kpis.issued, kpis.served, kpis.no_show, kpis.waiting_now) == ("2026-11-30", 3, 2, 1, 0)
    assert kpis.average_wait_minutes == round(17 / 3, 2)
    assert kpis.average_walk_minutes == 1.0 and kpis.average_service_minutes == 6.5
    assert kpis.service_level == 1.0 and kpis.no_show_share == round(1 / 3, 4)
    assert kpis.idle_minutes_by_counter == {1: 3 + 2 + 5, 2: 0.0, 3: 5 + 19}
    assert {k: v for k, v in kpis.wait_buckets.items() if v} == {"0-3": 1, "3-6": 1, "12-15": 1}
    tight = LocalQueueService(queue._uow, clock, queue.device_id, QueueSettings(target_wait_minutes=10))
    assert tight.kpis(WARD, GS_WARD).service_level == round(2 / 3, 4)
    lines = {v.code: v for v in queue.lines(WARD)}
    assert lines["A"].average_wait_minutes == 6.5 and lines["K"].average_wait_minutes == 4.0


def test_ratings_are_tied_to_ticket_counter_staff_and_dossier(queue, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    ticket = queue.issue_ticket(K, request_key="k1")
    with pytest.raises(DomainError) as caught:
        queue.rate(ticket.id, 5)
    assert _code(caught) == "queue.not_rateable"
    queue.call_next(Q8, NV01)
    done = queue.finish_service(Q8, NV01)
    queue.rate(done.id, 2, "  Chờ   lâu ")
    queue.rate(done.id, 4, "Nhanh")  # a second tap replaces the first
    db = _db(demo_data_dir)
    rows = db.execute("SELECT ticket_id, counter_id, staff_id, dossier_code, level, reason FROM queue_ratings").fetchall()
    assert rows == [(done.id, Q8, NV01, "", 4, "Nhanh")]
    assert [op for (op,) in db.execute("SELECT op FROM outbox WHERE entity = 'queue_rating' ORDER BY device_seq")] == [
        "created", "updated"]
    for args, code in (((done.id, 6), "queue.bad_rating"), (("nope", 3), "queue.unknown_ticket"),
                       ((done.id, 3, "x" * 501), "queue.reason_too_long")):
        with pytest.raises(DomainError) as caught:
            queue.rate(*args)
        assert _code(caught) == code


def test_a_rating_pad_elsewhere_finds_the_service_to_rate(queue, clock) -> None:  # type: ignore[no-untyped-def]
    assert queue.last_finished(Q8) is None
    queue.issue_ticket(K, request_key="k1")
    queue.call_next(Q8, NV01)
    assert queue.last_finished(Q8) is None  # not finished yet
    done = queue.finish_service(Q8, NV01)
    assert queue.last_finished(Q8) == done
    queue.rate(done.id, 5)
    assert queue.last_finished(Q8) is None  # rated: nothing more to ask
    queue.issue_ticket(K, request_key="k2")
    queue.call_next(Q8, NV01)
    done = queue.finish_service(Q8, NV01)
    clock.advance(minutes=11)
    assert queue.last_finished(Q8) is None  # too late to ask


def test_subscribers_hear_every_change_after_commit(queue, caplog) -> None:  # type: ignore[no-untyped-def]
    heard: list[object] = []
    stop = queue.subscribe(heard.append)

    def broken(update: object) -> None:
        raise RuntimeError("screen gone")

    queue.subscribe(broken)
    ticket = queue.issue_ticket(K, request_key="k1")
    assert heard == [ticket]
    heard.clear()
    called = queue.call_next(Q8, NV01)
    assert heard[0] == called and isinstance(heard[1], CallView) and heard[1].ticket_number == "K001"
    assert "screen gone" in caplog.text
    stop()
    stop()
    queue.recall(Q8, NV01)
    assert len(heard) == 2


def test_subscribers_may_come_and_go_from_other_threads(queue) -> None:  # type: ignore[no-untyped-def]
    counts = [0]
    lock = threading.Lock()

    def count(_update: object) -> None:
        with lock:
            counts[0] += 1

    def churn() -> None:
        for _ in range(200):
            queue.subscribe(lambda _u: None)()

    threads = [threading.Thread(target=churn) for _ in range(3)]
    queue.subscribe(count)
    for th in threads:
        th.start()
    _issue(queue, K, 5)
    for th in threads:
        th.join()
    assert counts[0] == 5


def test_seeded_lines_follow_the_counters_names(services) -> None:  # type: ignore[no-untyped-def]
    _seed(services.uow)
    with services.uow(readonly=True) as uow:
        q8, q1 = uow.queue.counter_lines(Q8), uow.queue.counter_lines(Q1)
        assert {line: w for line, w in q8.items() if w} == {L: 1, K: 2}
        assert {line: w for line, w in q1.items() if w} == {A: 1}
        assert set(q1) == set(q8) == {line.id for line in uow.queue.lines("c-tinh")}  # weight 0: fallback
        assert [line.name for line in uow.queue.lines(WARD)] == [
            "Nộp hồ sơ — Hộ tịch, chứng thực", "Nộp hồ sơ — Tiếp nhận chung, kinh tế, xã hội", "Nhận kết quả"]
        assert {line.code for line in uow.queue.lines("c-x-cam-xuyen")} == {"A", "B", "C", "K"}
    with services.uow() as uow:
        assert seed_queue(uow.session, load_province_data(resource_path(*DEMO_FILE))) == 0  # idempotent


def test_day_passing_is_handled_without_a_reset(queue, clock) -> None:  # type: ignore[no-untyped-def]
    queue.issue_ticket(K, request_key="late")
    clock.advance(days=1)
    assert queue.call_next(Q8, NV01) is None
    assert queue.kpis("c-tinh", GS01).waiting_now == 0
