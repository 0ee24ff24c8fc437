"""LocalQueueService use cases on the in-memory unit of work (tests/fakes.py): no SQLite, milliseconds each."""

from __future__ import annotations

import pytest

from counter_app.domain.errors import DomainError
from counter_app.services.queue_port import Priority, TicketOutcome, TicketStatus
from tests.fakes import QueueWorld, queue_world


@pytest.fixture
def world() -> QueueWorld:
    return queue_world()


def tickets(world: QueueWorld) -> dict[str, tuple[TicketStatus, TicketOutcome | None]]:
    return {t.label: (t.status, t.outcome) for t in world.store.state.queue.tickets.values()}


def test_issuing_numbers_each_line_and_a_double_tap_gives_one_ticket(world: QueueWorld) -> None:
    a1 = world.queue.issue_ticket("l-a", request_key="t1")
    a2 = world.queue.issue_ticket("l-a", request_key="t2")
    again = world.queue.issue_ticket("l-a", request_key="t2")
    b1 = world.queue.issue_ticket("l-b", request_key="t3")
    assert [(t.number, t.waiting_ahead) for t in (a1, a2, again, b1)] == [("A001", 0), ("A002", 1), ("A002", 1), ("B001", 0)]
    assert world.store.commits == 3 and len(world.store.state.queue.tickets) == 3
    assert [(e, op) for e, _, op, _ in world.store.state.outbox] == [("queue_ticket", "issued")] * 3
    assert {v.code: v.waiting for v in world.queue.lines("c-ht")} == {"A": 2, "B": 1}


def test_priority_is_called_first_then_oldest_first(world: QueueWorld) -> None:
    for key in ("t1", "t2"):
        world.queue.issue_ticket("l-a", request_key=key)
    world.queue.issue_ticket("l-a", priority=Priority.ELDERLY, request_key="old")
    called = world.queue.call_next("k1", "s1")
    assert called is not None and called.number == "A003" and called.status is TicketStatus.CALLED
    with pytest.raises(DomainError, match="queue.counter_busy"):
        world.queue.call_next("k1", "s1")
    world.queue.finish_service("k1", "s1")
    following = world.queue.call_next("k1", "s1")
    assert following is not None and following.number == "A001"


def test_a_refused_call_changes_nothing(world: QueueWorld) -> None:
    world.queue.issue_ticket("l-a", request_key="t1")
    commits = world.store.commits
    with pytest.raises(DomainError, match="queue.unknown_staff"):
        world.queue.call_next("k1", "someone-else")
    with pytest.raises(DomainError, match="counter.unknown"):
        world.queue.call_next("k9", "s1")
    assert world.store.commits == commits and tickets(world) == {"A001": (TicketStatus.WAITING, None)}


def test_serve_and_link_the_dossier(world: QueueWorld) -> None:
    world.queue.issue_ticket("l-a", request_key="t1")
    world.queue.call_next("k1", "s1")
    world.clock.advance(minutes=1)
    assert world.queue.start_service("k1", "s1").status is TicketStatus.SERVING
    world.clock.advance(minutes=7)
    done = world.queue.finish_service("k1", "s1", dossier_code="000.00.20.H28-261130-0001")
    assert done.outcome is TicketOutcome.SERVED and done.dossier_code.endswith("-0001")
    assert world.queue.current_ticket("k1") is None


def test_no_show_then_reactivated_and_called_again(world: QueueWorld) -> None:
    world.queue.issue_ticket("l-a", request_key="t1")
    world.queue.call_next("k1", "s1")
    assert world.queue.recall("k1", "s1").recall
    gone = world.queue.no_show("k1", "s1")
    assert (gone.status, gone.outcome) == (TicketStatus.DONE, TicketOutcome.NO_SHOW)
    back = world.queue.reactivate("A001", "k1", "s1")
    assert back.status is TicketStatus.WAITING and world.queue.current_ticket("k1") is None
    again = world.queue.call_next("k1", "s1")
    assert again is not None and again.number == "A001"
    calls = world.queue.recent_calls("c-ht")
    assert [(c.ticket_number, c.counter_number, c.recall) for c in calls] == [
        ("A001", 1, False), ("A001", 1, True), ("A001", 1, False)]  # newest first


def test_transfer_to_another_line_is_called_by_its_counter(world: QueueWorld) -> None:
    world.queue.issue_ticket("l-a", request_key="t1")
    world.queue.call_next("k1", "s1")
    world.queue.transfer("k1", "s1", to_line_id="l-b")
    called = world.queue.call_next("k2", "s2")
    assert called is not None and called.number == "A001" and called.counter_number == 2
    assert world.queue.call_next("k1", "s1") is None


def test_day_reset_by_a_supervisor_closes_yesterdays_tickets(world: QueueWorld) -> None:
    world.queue.issue_ticket("l-a", request_key="t1")
    world.queue.issue_ticket("l-a", request_key="t2")
    world.clock.advance(days=1)
    with pytest.raises(DomainError):
        world.queue.reset_day("c-ht", "s1")  # a clerk may not
    assert world.queue.reset_day("c-ht", "g1") == 2
    closed = (TicketStatus.DONE, TicketOutcome.REMOVED_AT_RESET)
    assert tickets(world) == {"A001": closed, "A002": closed}
    assert world.queue.issue_ticket("l-a", request_key="t3").number == "A001"  # numbers restart


def test_kpis_count_the_morning(world: QueueWorld) -> None:
    for key in ("t1", "t2", "t3"):
        world.queue.issue_ticket("l-a", request_key=key)
    world.clock.advance(minutes=5)
    world.queue.call_next("k1", "s1")
    world.queue.start_service("k1", "s1")
    world.clock.advance(minutes=10)
    world.queue.finish_service("k1", "s1")
    world.queue.call_next("k1", "s1")
    world.queue.no_show("k1", "s1")
    kpis = world.queue.kpis("c-ht", "g1")
    assert (kpis.issued, kpis.served, kpis.no_show, kpis.waiting_now) == (3, 1, 1, 1)
    assert kpis.average_service_minutes == pytest.approx(10.0)
