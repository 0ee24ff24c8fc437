"""Queue rules without a store: numbers, ticket steps, the calling policy (priority cap, fairness), KPIs."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counter_app.domain.calendar import VIETNAM_TIME
from counter_app.domain.errors import DomainError
from counter_app.domain.queue import (
    CallingState,
    CounterMoment,
    Head,
    Line,
    Priority,
    QueueSettings,
    Ticket,
    TicketOutcome,
    TicketStatus,
    WaitingQueue,
    bucket_label,
    call,
    carry_day,
    choose_next,
    compute_kpis,
    elapsed_minutes,
    estimate_wait_minutes,
    finish,
    format_ticket,
    idle_minutes,
    mark_no_show,
    parse_ticket_number,
    reactivate,
    recall,
    start,
    transfer,
)

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=VIETNAM_TIME)
DAY = T0.date()


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ticket(seq: int = 1, *, line: str = "a", priority: Priority = Priority.NONE, issued: float = 0,
           status: TicketStatus = TicketStatus.WAITING, **changes: object) -> Ticket:
    base = Ticket(
        id=f"t{seq}", centre_id="c", line_id=line, issued_line_id=line, prefix="A", number=seq,
        label=format_ticket("A", seq), day=DAY, service_day=DAY, hop=0, previous_id=None, seq=seq,
        order_key=seq, priority=priority, status=status, outcome=None, target_counter_id=None,
        counter_id=None, staff_id=None, request_key=f"k{seq}", issued_at=at(issued), queued_at=at(issued),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def head(order_key: int, line: str = "a", priority: bool = False) -> Head:
    return Head(order_key, f"t{order_key}", line, priority)


# -- numbers ---------------------------------------------------------------------------------------


def test_ticket_numbers_are_prefix_and_three_digits() -> None:
    assert format_ticket("A", 12) == "A012"
    assert format_ticket("K", 7) == "K007"
    assert Line("l", "c", "A", "Nộp hồ sơ", "g", last_number=1999).label(12) == "A0012"


@pytest.mark.parametrize("typed, expected", [("A012", ("A", 12)), (" a12 ", ("A", 12)), ("A-012", ("A", 12)),
                                             ("kk5", ("KK", 5))])
def test_staff_may_type_a_number_loosely(typed: str, expected: tuple[str, int]) -> None:
    assert parse_ticket_number(typed) == expected


@pytest.mark.parametrize("typed", ["", "12", "A", "A12B", "ABCD1"])
def test_what_is_not_a_number_is_refused(typed: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_ticket_number(typed)
    assert caught.value.code == "queue.bad_number"


def test_numbers_run_through_the_range_and_then_refuse() -> None:
    line = Line("l", "c", "A", "Nộp hồ sơ", "g", first_number=1, last_number=499)
    assert line.next_number(None) == 1  # a new day starts again at the first number
    assert line.next_number(12) == 13
    assert line.next_number(498) == 499
    with pytest.raises(DomainError) as caught:
        line.next_number(499)
    assert caught.value.code == "queue.numbers_exhausted"
    assert caught.value.params["last"] == "A499"


@pytest.mark.parametrize("code, first, last", [("a", 1, 9), ("A1", 1, 9), ("ABCD", 1, 9), ("A", 9, 1), ("A", 1, 10_000)])
def test_badly_configured_lines_are_refused(code: str, first: int, last: int) -> None:
    with pytest.raises(DomainError) as caught:
        Line("l", "c", code, "n", "g", first_number=first, last_number=last)
    assert caught.value.code == "queue.bad_line"


# -- ticket steps ----------------------------------------------------------------------------------


def test_a_ticket_is_called_once() -> None:
    called = call(ticket(), "q1", "s1", at(5))
    assert called.status is TicketStatus.CALLED and called.called_at == at(5) and called.counter_id == "q1"
    with pytest.raises(DomainError, match="queue.not_waiting"):
        call(called, "q2", "s2", at(6))


def test_recall_and_no_show_need_a_call() -> None:
    with pytest.raises(DomainError, match="queue.no_current_call"):
        recall(ticket())
    called = call(ticket(), "q1", "s1", at(5))
    assert recall(recall(called)).recalls == 2
    serving = start(called, at(6))
    with pytest.raises(DomainError, match="queue.already_started"):
        mark_no_show(serving, at(7))
    gone = mark_no_show(called, at(7))
    assert (gone.status, gone.outcome) == (TicketStatus.DONE, TicketOutcome.NO_SHOW)


def test_a_no_show_comes_back_in_its_place_within_the_tolerance() -> None:
    rules = QueueSettings(no_show_tolerance_minutes=15)
    gone = mark_no_show(call(ticket(3), "q1", "s1", at(5)), at(6))
    back = reactivate(gone, at(20), rules, new_order_key=99)
    assert back.status is TicketStatus.WAITING and back.outcome is None and back.order_key == 3
    assert back.called_at is None and back.counter_id is None
    at_the_end = reactivate(gone, at(20), replace(rules, reactivation_keeps_place=False), new_order_key=99)
    assert at_the_end.order_key == 99
    with pytest.raises(DomainError) as caught:
        reactivate(gone, at(21.5), rules, new_order_key=99)
    assert caught.value.code == "queue.tolerance_passed"
    with pytest.raises(DomainError, match="queue.not_a_no_show"):
        reactivate(ticket(), at(7), rules, new_order_key=99)


def test_a_clock_set_back_keeps_a_no_show_within_the_tolerance(caplog: pytest.LogCaptureFixture) -> None:
    gone = mark_no_show(call(ticket(), "q1", "s1", at(60)), at(61))
    with caplog.at_level(logging.WARNING):
        back = reactivate(gone, at(1), QueueSettings(no_show_tolerance_minutes=5), new_order_key=9)
    assert back.status is TicketStatus.WAITING
    assert "clock went back" in caplog.text


def test_start_twice_is_harmless_and_finish_without_start_counts_from_the_call() -> None:
    called = call(ticket(), "q1", "s1", at(5))
    serving = start(called, at(6))
    assert start(serving, at(9)) is serving
    done = finish(called, at(12), "DOSSIER-1")
    assert done.started_at == at(5) and done.outcome is TicketOutcome.SERVED and done.dossier_code == "DOSSIER-1"
    with pytest.raises(DomainError, match="queue.no_current_ticket"):
        finish(ticket(), at(12))
    walk_in = replace(ticket(), walk_in=True, status=TicketStatus.SERVING, started_at=at(1))
    assert finish(walk_in, at(4)).outcome is TicketOutcome.WALK_IN


def test_a_transfer_ends_the_visit_and_continues_it_with_the_same_number() -> None:
    line_k = Line("k", "c", "K", "Nhận kết quả", "Nhận kết quả", "collect")
    serving = start(call(ticket(4, issued=0), "q1", "s1", at(5)), at(6))
    ended, moved = transfer(serving, at(9), new_id="n1", new_seq=50, settings=QueueSettings(), to_line=line_k,
                            to_counter_id=None)
    assert (ended.status, ended.outcome, ended.ended_at) == (TicketStatus.DONE, TicketOutcome.TRANSFERRED, at(9))
    assert moved.status is TicketStatus.WAITING and moved.line_id == "k" and moved.label == "A004"
    assert (moved.hop, moved.previous_id, moved.seq, moved.order_key) == (1, "t4", 50, 4)
    assert moved.issued_at == at(0) and moved.queued_at == at(9) and moved.request_key is None
    _, at_the_end = transfer(serving, at(9), new_id="n1", new_seq=50,
                             settings=QueueSettings(transfer_keeps_order=False), to_line=None, to_counter_id="q7")
    assert at_the_end.order_key == 50 and at_the_end.target_counter_id == "q7" and at_the_end.line_id == "a"
    with pytest.raises(DomainError, match="queue.transfer_target_required"):
        transfer(serving, at(9), new_id="n", new_seq=5, settings=QueueSettings(), to_line=None, to_counter_id=None)


def test_a_carried_ticket_goes_to_the_next_working_day_or_to_today() -> None:
    friday, monday = date(2026, 12, 4), date(2026, 12, 7)
    assert carry_day(friday, friday, monday) == monday  # reset on Friday evening
    assert carry_day(friday, monday, date(2026, 12, 8)) == monday  # reset on Monday morning


# -- calling policy: hand-written cases ------------------------------------------------------------


def test_priority_first_but_a_normal_ticket_after_the_cap() -> None:
    q = WaitingQueue()
    for h in (head(1), head(2), head(3, priority=True), head(4, priority=True), head(5, priority=True),
              head(6, priority=True)):
        q.add(h)
    state, order = CallingState(), []
    while (choice := choose_next(q.heads(), {"a": 1}, state, priority_cap=2)) is not None:
        q.remove(choice.head.ticket_id)
        state = choice.state
        order.append(choice.head.order_key)
    assert order == [3, 4, 1, 5, 6, 2]


def test_without_a_normal_ticket_priority_goes_on_and_cap_zero_means_no_jumping() -> None:
    state = CallingState(priority_streak=5)
    choice = choose_next([head(3, priority=True)], {"a": 1}, state, priority_cap=2)
    assert choice is not None and choice.reason == "priority"
    choice = choose_next([head(1), head(3, priority=True)], {"a": 1}, CallingState(), priority_cap=0)
    assert choice is not None and choice.head.order_key == 1
    choice = choose_next([head(1), head(3, priority=True)], {"a": 1}, state, priority_cap=None)
    assert choice is not None and choice.head.order_key == 3


def test_priority_tickets_are_oldest_first_across_the_counters_lines() -> None:
    heads = [head(9, "a", True), head(4, "b", True), head(1, "a"), head(7, "c", True)]
    choice = choose_next(heads, {"a": 5, "b": 1}, CallingState(), priority_cap=2)
    assert choice is not None and choice.head.order_key == 4  # line c is not this counter's


def test_nothing_waiting_for_this_counter_gives_none() -> None:
    assert choose_next([], {"a": 1}, CallingState(), priority_cap=2) is None
    assert choose_next([head(1, "z")], {"a": 1}, CallingState(), priority_cap=2) is None


def test_weights_share_the_calls_smoothly() -> None:
    state, picks = CallingState(), []
    for _ in range(6):
        choice = choose_next([head(10, "a"), head(20, "b")], {"a": 2, "b": 1}, state, priority_cap=2)
        assert choice is not None
        state = choice.state
        picks.append(choice.head.line_id)
    assert picks == ["a", "b", "a", "a", "b", "a"]


def test_weight_zero_is_a_fallback_line() -> None:
    weights = {"a": 1, "k": 0}
    choice = choose_next([head(5, "a"), head(1, "k")], weights, CallingState(), priority_cap=2)
    assert choice is not None and choice.head.line_id == "a"
    choice = choose_next([head(1, "k")], weights, CallingState(), priority_cap=2)
    assert choice is not None and (choice.head.line_id, choice.reason) == ("k", "fallback")
    # a priority citizen of a fallback line waits for that line's own counters while ours has people
    choice = choose_next([head(5, "a"), head(1, "k", True)], weights, CallingState(), priority_cap=2)
    assert choice is not None and choice.head.line_id == "a"
    choice = choose_next([head(1, "k"), head(3, "k", True)], weights, CallingState(), priority_cap=2)
    assert choice is not None and (choice.head.order_key, choice.reason) == (3, "priority")


def test_tickets_transferred_to_the_counter_come_first() -> None:
    state = CallingState(priority_streak=1)
    choice = choose_next([head(1, priority=True)], {"a": 1}, state, priority_cap=2, direct=[head(9, "b")])
    assert choice is not None and choice.reason == "direct" and choice.head.order_key == 9
    assert choice.state == state


def test_a_restart_keeps_fairness() -> None:
    """The counter's state survives as (streak, credits): a restarted counter picks exactly as before."""
    weights = {"a": 3, "b": 2, "c": 1}
    heads = [head(1, "a"), head(2, "b"), head(3, "c")]
    state, uninterrupted = CallingState(), []
    for _ in range(12):
        choice = choose_next(heads, weights, state, priority_cap=2)
        assert choice is not None
        state, _ = choice.state, uninterrupted.append(choice.head.line_id)
    state, restarted = CallingState(), []
    for _ in range(12):
        stored = (state.priority_streak, dict(state.credits))  # what the store keeps
        choice = choose_next(heads, weights, CallingState.of(*stored), priority_cap=2)
        assert choice is not None
        state, _ = choice.state, restarted.append(choice.head.line_id)
    assert restarted == uninterrupted


# -- calling policy: properties --------------------------------------------------------------------

LINES = ("a", "b", "c")
COUNTERS = {"q1": {"a": 2, "b": 1}, "q2": {"b": 1, "c": 3}, "q3": {"a": 1, "b": 1, "c": 0}}

operations = st.lists(
    st.one_of(
        st.tuples(st.just("issue"), st.sampled_from(LINES), st.booleans()),
        st.tuples(st.just("call"), st.sampled_from(sorted(COUNTERS)), st.just(False)),
        st.tuples(st.just("remove"), st.integers(min_value=0, max_value=10_000), st.just(False)),
    ),
    max_size=120,
)


@settings(max_examples=150, deadline=None)
@given(ops=operations, cap=st.one_of(st.none(), st.integers(min_value=0, max_value=3)))
def test_policy_properties(ops: list[tuple[str, object, bool]], cap: int | None) -> None:
    q = WaitingQueue()
    states = {c: CallingState() for c in COUNTERS}
    issued: list[str] = []
    called: list[str] = []
    removed: list[str] = []
    seq = 0

    def do_call(counter: str) -> bool:
        weights = COUNTERS[counter]
        heads = q.heads()
        state = states[counter]
        choice = choose_next(heads, weights, state, priority_cap=cap)
        everything = [h for h in q.waiting() if h.line_id in weights]
        if choice is None:
            assert everything == []
            return False
        # the counter's own lines (weight > 0) first; weight-0 lines only when those are empty
        mine = [h for h in everything if weights[h.line_id] > 0] or everything
        assert choice.head in mine
        chosen = choice.head
        normal_waits = any(not h.priority for h in mine)
        priority_waits = any(h.priority for h in mine)
        # priority first, but never more than the cap in a row while a normal ticket waits
        if chosen.priority and normal_waits:
            assert cap is None or state.priority_streak < cap
        if priority_waits and not chosen.priority:
            assert normal_waits and cap is not None and state.priority_streak >= cap
        # within a class, oldest first: in its line, and for priority across the counter's lines
        same_class = [h for h in mine if h.priority == chosen.priority]
        assert chosen.order_key == min(h.order_key for h in same_class if h.line_id == chosen.line_id)
        if chosen.priority:
            assert chosen.order_key == min(h.order_key for h in same_class)
        q.remove(chosen.ticket_id)
        states[counter] = choice.state
        called.append(chosen.ticket_id)
        return True

    for kind, arg, priority in ops:
        if kind == "issue":
            seq += 1
            q.add(Head(seq, f"t{seq}", str(arg), priority))
            issued.append(f"t{seq}")
        elif kind == "call":
            do_call(str(arg))
        elif len(q):
            waiting = q.waiting()
            gone = waiting[int(str(arg)) % len(waiting)]
            q.remove(gone.ticket_id)
            removed.append(gone.ticket_id)
    while any(do_call(c) for c in sorted(COUNTERS)):
        pass
    # every issued ticket is called exactly once unless it was removed
    assert len(q) == 0
    assert len(called) == len(set(called))
    assert set(called).isdisjoint(removed)
    assert sorted(called + removed) == sorted(issued)


@settings(max_examples=100, deadline=None)
@given(weights=st.lists(st.integers(min_value=1, max_value=6), min_size=2, max_size=5),
       rounds=st.integers(min_value=1, max_value=8))
def test_weighted_fairness_follows_the_weights(weights: list[int], rounds: int) -> None:
    """With every line always busy, each run of sum(weights) calls gives each line exactly its weight."""
    lines = {f"l{i}": w for i, w in enumerate(weights)}
    heads = [Head(i, f"t{i}", line, False) for i, line in enumerate(lines)]
    state, counts = CallingState(), Counter[str]()
    for _ in range(rounds * sum(weights)):
        choice = choose_next(heads, lines, state, priority_cap=2)
        assert choice is not None
        state = choice.state
        counts[choice.head.line_id] += 1
    assert dict(counts) == {line: w * rounds for line, w in lines.items()}


@settings(max_examples=100, deadline=None)
@given(pattern=st.lists(st.sampled_from("abP"), min_size=30, max_size=200))
def test_fairness_holds_roughly_while_lines_come_and_go(pattern: list[str]) -> None:
    """Tickets arrive in any order; while both lines have someone waiting, calls follow the weights 3:1."""
    q, state, seq = WaitingQueue(), CallingState(), 0
    weights = {"a": 3, "b": 1}
    both_busy = Counter[str]()
    for kind in pattern:
        seq += 1
        q.add(Head(seq, f"t{seq}", "a" if kind == "P" else kind, kind == "P"))
        seq += 1
        q.add(Head(seq, f"t{seq}", "a", False))
        seq += 1
        q.add(Head(seq, f"t{seq}", "b", False))
        for _ in range(3):
            busy = {h.line_id for h in q.heads() if not h.priority} == {"a", "b"}
            choice = choose_next(q.heads(), weights, state, priority_cap=2)
            assert choice is not None
            q.remove(choice.head.ticket_id)
            state = choice.state
            if busy and choice.reason == "weighted":
                both_busy[choice.head.line_id] += 1
    total = both_busy["a"] + both_busy["b"]
    assert total > 0
    assert abs(both_busy["a"] - 0.75 * total) <= 3


# -- times and KPIs --------------------------------------------------------------------------------


def test_negative_durations_are_clamped_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert elapsed_minutes(at(60), at(0), what="test") == 0.0
    assert "clock went back 60.0 min (test)" in caplog.text
    assert elapsed_minutes(at(0), at(90)) == 90.0


def test_estimate_and_buckets() -> None:
    assert estimate_wait_minutes(0, 6, 2) == 0
    assert estimate_wait_minutes(5, 6, 2) == 15
    assert estimate_wait_minutes(5, 6, 0) == 30  # nobody serves the line yet: one counter assumed
    assert bucket_label(0, 3, 20) == "0-3"
    assert bucket_label(3, 3, 20) == "3-6"
    assert bucket_label(59.9, 3, 20) == "57-60"
    assert bucket_label(60, 3, 20) == "60+"


def test_idle_time_counts_free_time_not_pauses() -> None:
    moments = [
        CounterMoment(1, at(0), 1, "free"),  # resumed at the start of duty
        CounterMoment(2, at(4), 1, "busy"),
        CounterMoment(3, at(10), 1, "free"),
        CounterMoment(4, at(12), 1, "paused"),
        CounterMoment(5, at(30), 1, "free"),
        CounterMoment(6, at(31), 1, "free"),  # a second "free" does not restart the clock
        CounterMoment(7, at(35), 1, "busy"),
        CounterMoment(8, at(36), 2, "busy"),
    ]
    assert idle_minutes(moments, at(60)) == {1: 4 + 2 + 5, 2: 0.0}
    # ordered by seq even when the wall clock went back: no negative idle time
    jumped = [CounterMoment(1, at(60), 3, "free"), CounterMoment(2, at(0), 3, "busy")]
    assert idle_minutes(jumped, at(70)) == {3: 0.0}


def test_kpis_of_a_small_day() -> None:
    def served(seq: int, issued: float, called: float, started: float, ended: float) -> Ticket:
        return ticket(seq, issued=issued, status=TicketStatus.DONE, outcome=TicketOutcome.SERVED,
                      called_at=at(called), started_at=at(started), ended_at=at(ended), counter_id="q1")

    tickets = [
        served(1, 0, 2, 3, 10),  # wait 2, walk 1, service 7
        served(2, 1, 21, 22, 30),  # wait 20 (beyond the 15-minute target)
        ticket(3, issued=5, status=TicketStatus.DONE, outcome=TicketOutcome.NO_SHOW, called_at=at(31),
               ended_at=at(33)),  # wait 26
        ticket(4, issued=40),  # still waiting at 60: 20 minutes, beyond the target
        ticket(5, issued=58),  # still waiting, within the target
        replace(served(6, 50, 50, 50, 54), walk_in=True, outcome=TicketOutcome.WALK_IN),
    ]
    figures = compute_kpis(tickets, [], now=at(60), settings=QueueSettings(target_wait_minutes=15))
    assert (figures.issued, figures.served, figures.no_show, figures.walk_ins, figures.waiting_now) == (5, 2, 1, 1, 2)
    assert figures.average_wait_minutes == round((2 + 20 + 26) / 3, 2)
    assert figures.average_walk_minutes == 1.0
    assert figures.average_service_minutes == round((7 + 8 + 4) / 3, 2)
    assert figures.average_time_in_centre_minutes == round((10 + 29 + 4) / 3, 2)
    assert figures.service_level == round(1 / 4, 4)  # 1 of 3 called in time, plus 1 overdue waiter
    assert figures.no_show_share == round(1 / 3, 4)
    assert figures.wait_buckets["0-3"] == 1 and figures.wait_buckets["18-21"] == 1
    assert figures.wait_buckets["24-27"] == 1 and sum(figures.wait_buckets.values()) == 3
    assert list(figures.wait_buckets)[:3] == ["0-3", "3-6", "6-9"] and list(figures.wait_buckets)[-1] == "60+"


def test_kpis_of_an_empty_day_are_calm() -> None:
    figures = compute_kpis([], [], now=at(0), settings=QueueSettings())
    assert figures.service_level == 1.0 and figures.no_show_share == 0.0 and figures.average_wait_minutes == 0.0


def test_settings_refuse_nonsense() -> None:
    with pytest.raises(ValueError):
        QueueSettings(priority_cap=-1)
    with pytest.raises(ValueError):
        QueueSettings(priorities=(Priority.NONE,))
