"""Rating pad: follows the ticket at its own counter, records level and reason, thanks, goes back to its welcome."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.services.queue_port import CallView, TicketView
from counter_app.storage.store import store_path
from counter_app.ui.rating import RatingPadWindow
from tests.fakes_queue import QueueStand, queue_stand


@pytest.fixture(params=["fake", "real"])
def stand(request: pytest.FixtureRequest, tmp_path: Path) -> QueueStand:
    return queue_stand(request, tmp_path)


@pytest.fixture(params=["real"])
def real(request: pytest.FixtureRequest, tmp_path: Path) -> QueueStand:
    """The demo store's own queue (LocalQueueService), where the pad follows the counter."""
    return queue_stand(request, tmp_path)


def served_ticket(stand: QueueStand, counter_id: str | None = None) -> TicketView:
    counter_id = counter_id or stand.counter.id
    stand.issue()
    staff = stand.session.staff_id
    called = stand.queue.call_next(counter_id, staff)
    assert called is not None
    stand.queue.start_service(counter_id, staff)
    return stand.queue.finish_service(counter_id, staff)


def make_pad(qtbot: QtBot, stand: QueueStand, **kwargs: int) -> RatingPadWindow:
    pad = RatingPadWindow(stand.queue, stand.counter.id, stand.counter.number, events=stand.events,
                          poll=False, **kwargs)
    qtbot.addWidget(pad)
    pad.show()
    return pad


def tap(qtbot: QtBot, widget: object) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def heard_finish(qtbot: QtBot, stand: QueueStand, pad: RatingPadWindow, ticket: TicketView) -> None:
    """The counter's panel announces the finish; the pad asks about the ticket (at once, or after asking the queue)."""
    stand.events.sig_finished.emit(ticket)
    qtbot.waitUntil(lambda: pad.current_step() == RatingPadWindow.RATE and asked(pad) == ticket.number)


def asked(pad: RatingPadWindow) -> str | None:
    """The number the pad asks about, as the citizen reads it on the screen (None: not asking)."""
    if pad.current_step() != RatingPadWindow.RATE:
        return None
    prefix = "Bạn đánh giá thế nào về việc phục vụ số "
    text = pad.rate_prompt_label.text()
    assert text.startswith(prefix) and text.endswith("?"), text
    return text[len(prefix):-1]


def ratings(stand: QueueStand, data_dir: Path) -> list[tuple[str, int]]:
    """(number, level) of every rating in the store, as a report would read them."""
    db = sqlite3.connect(store_path(data_dir))
    try:
        return db.execute(
            "SELECT t.label, r.level FROM queue_ratings r JOIN queue_tickets t ON t.id = r.ticket_id ORDER BY r.at"
        ).fetchall()
    finally:
        db.close()


def test_idle_until_a_finish_at_this_counter(qtbot: QtBot, stand: QueueStand) -> None:
    pad = make_pad(qtbot, stand)
    assert pad.current_step() == RatingPadWindow.IDLE
    assert pad.counter_label.text() == f"Quầy {stand.counter.number}"

    stand.events.sig_finished.emit(served_ticket(stand, stand.other_counter().id))
    assert pad.current_step() == RatingPadWindow.IDLE  # another counter's citizen

    ticket = served_ticket(stand)
    heard_finish(qtbot, stand, pad, ticket)
    assert [b.text() for b in pad.level_buttons.values()] == [
        "Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng", "Rất không hài lòng",
    ]


def test_a_low_rating_offers_the_complaints_and_free_text(qtbot: QtBot, stand: QueueStand) -> None:
    pad = make_pad(qtbot, stand)
    ticket = served_ticket(stand)
    heard_finish(qtbot, stand, pad, ticket)

    tap(qtbot, pad.level_buttons[2])

    assert pad.current_step() == RatingPadWindow.REASON
    assert pad.bad_reasons_box.isVisibleTo(pad) and not pad.good_reasons_box.isVisibleTo(pad)
    tap(qtbot, pad.reason_buttons[3])  # the first complaint
    pad.reason_edit.setText("Phải quay lại hai lần")  # typed on the tablet's own keyboard
    with qtbot.waitSignal(pad.sig_rated) as rated:
        tap(qtbot, pad.send_button)
    assert rated.args[1:] == [2, "Chờ quá lâu; Phải quay lại hai lần"]
    if stand.fake is not None:
        assert stand.fake.ratings == [(ticket.id, 2, "Chờ quá lâu; Phải quay lại hai lần")]
    assert pad.thanks_label.text() == "Cảm ơn bạn đã đánh giá!"


def test_no_reason_in_time_sends_the_rating_alone_then_thanks_then_idle(
    qtbot: QtBot, stand: QueueStand
) -> None:
    pad = make_pad(qtbot, stand, reason_timeout_ms=100, thanks_ms=100)
    ticket = served_ticket(stand)
    heard_finish(qtbot, stand, pad, ticket)
    tap(qtbot, pad.level_buttons[4])

    with qtbot.waitSignal(pad.sig_rated, timeout=3000) as rated:
        pass
    assert rated.args[1:] == [4, ""]
    qtbot.waitUntil(lambda: pad.current_step() == RatingPadWindow.IDLE, timeout=3000)
    stand.events.sig_finished.emit(ticket)  # the same ticket is not rated twice
    qtbot.wait(100)
    assert pad.current_step() == RatingPadWindow.IDLE


def test_nobody_rates_back_to_idle_and_nothing_recorded(qtbot: QtBot, stand: QueueStand) -> None:
    pad = make_pad(qtbot, stand, rate_timeout_ms=100)
    heard_finish(qtbot, stand, pad, served_ticket(stand))
    qtbot.waitUntil(lambda: pad.current_step() == RatingPadWindow.IDLE, timeout=3000)
    if stand.fake is not None:
        assert stand.fake.ratings == []


def test_a_rating_that_cannot_be_recorded_says_so_and_can_be_sent_again(
    qtbot: QtBot, stand: QueueStand
) -> None:
    if stand.fake is None:
        pytest.skip("the fake can fail on demand")
    pad = make_pad(qtbot, stand)
    ticket = served_ticket(stand)
    heard_finish(qtbot, stand, pad, ticket)
    tap(qtbot, pad.level_buttons[5])
    stand.fake.fail_next = OSError("database is locked")

    tap(qtbot, pad.send_button)
    qtbot.waitUntil(pad.send_button.isEnabled)
    assert pad.status_label.text().startswith("Chưa ghi nhận được đánh giá của bạn:")

    with qtbot.waitSignal(pad.sig_rated):
        tap(qtbot, pad.send_button)
    assert stand.fake.ratings == [(ticket.id, 5, "")]


def test_a_finish_heard_twice_asks_once(qtbot: QtBot, stand: QueueStand) -> None:
    """The counter's panel and the queue's own report both announce a finish: one question, kept."""
    assert stand.events.follow(stand.queue)
    pad = make_pad(qtbot, stand)

    ticket = served_ticket(stand)  # the queue reports it (queued to the GUI thread)
    qtbot.waitUntil(lambda: pad.current_step() == RatingPadWindow.RATE)
    tap(qtbot, pad.level_buttons[1])
    stand.events.sig_finished.emit(ticket)  # the panel's own signal, late

    assert pad.current_step() == RatingPadWindow.REASON
    stand.events.unfollow_all()


# -- the pad follows its counter (issue 7, item 2) -------------------------------------------------


def test_the_pad_shows_the_ticket_at_its_counter_and_switches_the_moment_the_next_is_called(
    qtbot: QtBot, real: QueueStand
) -> None:
    """C001 called and finished without a rating, C002 called: the pad asks about C002 at once."""
    assert real.events.follow(real.queue)  # in the counter's process: the queue's own reports
    pad = make_pad(qtbot, real, rate_timeout_ms=60_000)
    first, second = real.issue(2)
    staff, counter = real.session.staff_id, real.counter.id

    assert real.queue.call_next(counter, staff).number == first.number
    qtbot.waitUntil(lambda: asked(pad) == first.number, timeout=3000)  # shown while being served
    real.queue.finish_service(counter, staff)
    qtbot.wait(50)
    assert asked(pad) == first.number  # just finished: still at the desk, still asked

    called = time.monotonic()
    assert real.queue.call_next(counter, staff).number == second.number
    qtbot.waitUntil(lambda: asked(pad) == second.number, timeout=3000)
    assert time.monotonic() - called < 2.0  # not a minute later (in one process: as soon as the bus says so)
    qtbot.wait(100)
    assert asked(pad) == second.number  # and it does not go back to the one who left
    real.events.unfollow_all()


def test_a_counter_on_another_pc_is_followed_and_a_finished_ticket_is_not_asked_again(
    qtbot: QtBot, real: QueueStand, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No bus between the PCs: the pad polls; after the finish it asks briefly, then shows its welcome for good."""
    monkeypatch.setattr("counter_app.ui.rating.POLL_MS", 30)
    pad = RatingPadWindow(real.queue, real.counter.id, real.counter.number, events=real.events,
                          rate_timeout_ms=300)
    qtbot.addWidget(pad)
    pad.show()
    first, second = real.issue(2)
    staff, counter = real.session.staff_id, real.counter.id

    real.queue.call_next(counter, staff)
    qtbot.waitUntil(lambda: asked(pad) == first.number, timeout=2000)
    real.queue.finish_service(counter, staff)
    real.queue.call_next(counter, staff)
    qtbot.waitUntil(lambda: asked(pad) == second.number, timeout=2000)

    real.queue.finish_service(counter, staff)  # C002 leaves without rating
    qtbot.waitUntil(lambda: pad.current_step() == RatingPadWindow.IDLE, timeout=3000)
    assert pad.idle_label.text() == "Xin kính chào"
    qtbot.wait(400)  # many polls later: the welcome stays, C002 is not asked again
    assert pad.current_step() == RatingPadWindow.IDLE


def test_rated_while_served_then_finish_thanks_and_welcome(qtbot: QtBot, real: QueueStand, demo_data_dir: Path) -> None:
    assert real.events.follow(real.queue)
    pad = make_pad(qtbot, real, thanks_ms=200)
    [ticket] = real.issue()
    staff, counter = real.session.staff_id, real.counter.id
    real.queue.call_next(counter, staff)
    qtbot.waitUntil(lambda: asked(pad) == ticket.number, timeout=3000)

    tap(qtbot, pad.level_buttons[5])
    with qtbot.waitSignal(pad.sig_rated):
        tap(qtbot, pad.send_button)
    assert pad.current_step() == RatingPadWindow.THANKS
    real.queue.finish_service(counter, staff)

    qtbot.waitUntil(lambda: pad.current_step() == RatingPadWindow.IDLE, timeout=2000)
    qtbot.wait(100)
    assert pad.current_step() == RatingPadWindow.IDLE
    assert ratings(real, demo_data_dir) == [(ticket.number, 5)]
    real.events.unfollow_all()


@pytest.mark.usefixtures("vi")
def test_a_tap_after_the_ticket_left_is_not_recorded_against_it(
    qtbot: QtBot, real: QueueStand, demo_data_dir: Path
) -> None:
    """The pad still asks about C001 when the counter (another PC) has called C002; C002's citizen taps."""
    pad = make_pad(qtbot, real)  # no bus to the counter and no poll yet: it has not heard of C002
    first = served_ticket(real)
    heard_finish(qtbot, real, pad, first)
    [second] = real.issue()
    assert real.queue.call_next(real.counter.id, real.session.staff_id).number == second.number

    tap(qtbot, pad.level_buttons[1])
    tap(qtbot, pad.send_button)  # before the pad could learn that C001 left

    qtbot.waitUntil(lambda: asked(pad) == second.number, timeout=2000)
    assert pad.notice() == (
        f"Số {first.number} đã rời quầy {real.counter.number}; đánh giá này không được ghi nhận cho số đó."
    )
    assert ratings(real, demo_data_dir) == []


@pytest.mark.usefixtures("vi")
def test_a_finished_ticket_cannot_be_rated_after_the_rating_window(
    qtbot: QtBot, real: QueueStand, demo_data_dir: Path
) -> None:
    pad = make_pad(qtbot, real, rate_timeout_ms=60_000)
    first = served_ticket(real)
    heard_finish(qtbot, real, pad, first)
    real.advance(timedelta(minutes=11))  # the pad's own time-out did not fire (a frozen pad, a long lunch)

    tap(qtbot, pad.level_buttons[4])
    tap(qtbot, pad.send_button)

    qtbot.waitUntil(lambda: pad.current_step() == RatingPadWindow.IDLE, timeout=2000)
    assert pad.notice().startswith(f"Số {first.number} đã rời quầy")
    assert ratings(real, demo_data_dir) == []


def test_without_the_queue_s_help_a_call_of_the_next_number_lets_the_last_one_go(
    qtbot: QtBot, stand: QueueStand
) -> None:
    """A queue that cannot say what is at the counter (the fake, a hub client): the bus alone is followed."""
    if stand.fake is None:
        pytest.skip("the real queue is followed by asking it")
    pad = make_pad(qtbot, stand)
    first = served_ticket(stand)
    heard_finish(qtbot, stand, pad, first)
    [second] = stand.issue()
    called = stand.queue.call_next(stand.counter.id, stand.session.staff_id)
    stand.events.sig_called.emit(CallView(called.number, stand.counter.number, called.called_at))

    assert pad.current_step() == RatingPadWindow.IDLE
    tap(qtbot, pad.level_buttons[1])  # a tap on the hidden page changes nothing
    assert stand.fake.ratings == []
