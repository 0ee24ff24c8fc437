"""Rating pad: asks after Finish at its own counter, records level and reason, thanks, goes idle."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.services.queue_port import TicketView
from counter_app.ui.rating import RatingPadWindow
from tests.fakes_queue import QueueStand, queue_stand


@pytest.fixture(params=["fake", "real"])
def stand(request: pytest.FixtureRequest, tmp_path: Path) -> QueueStand:
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


def test_idle_until_a_finish_at_this_counter(qtbot: QtBot, stand: QueueStand) -> None:
    pad = make_pad(qtbot, stand)
    assert pad.current_step() == RatingPadWindow.IDLE
    assert pad.counter_label.text() == f"Quầy {stand.counter.number}"

    stand.events.sig_finished.emit(served_ticket(stand, stand.other_counter().id))
    assert pad.current_step() == RatingPadWindow.IDLE  # another counter's citizen

    ticket = served_ticket(stand)
    stand.events.sig_finished.emit(ticket)
    assert pad.current_step() == RatingPadWindow.RATE
    assert [b.text() for b in pad.level_buttons.values()] == [
        "Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng", "Rất không hài lòng",
    ]


def test_a_low_rating_offers_the_complaints_and_free_text(qtbot: QtBot, stand: QueueStand) -> None:
    pad = make_pad(qtbot, stand)
    ticket = served_ticket(stand)
    stand.events.sig_finished.emit(ticket)

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
    stand.events.sig_finished.emit(ticket)
    tap(qtbot, pad.level_buttons[4])

    with qtbot.waitSignal(pad.sig_rated, timeout=3000) as rated:
        pass
    assert rated.args[1:] == [4, ""]
    qtbot.waitUntil(lambda: pad.current_step() == RatingPadWindow.IDLE, timeout=3000)
    stand.events.sig_finished.emit(ticket)  # the same ticket is not rated twice
    assert pad.current_step() == RatingPadWindow.IDLE


def test_nobody_rates_back_to_idle_and_nothing_recorded(qtbot: QtBot, stand: QueueStand) -> None:
    pad = make_pad(qtbot, stand, rate_timeout_ms=100)
    stand.events.sig_finished.emit(served_ticket(stand))
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
    stand.events.sig_finished.emit(ticket)
    tap(qtbot, pad.level_buttons[5])
    stand.fake.fail_next = OSError("database is locked")

    tap(qtbot, pad.send_button)
    qtbot.waitUntil(pad.send_button.isEnabled)
    assert pad.status_label.text().startswith("Chưa ghi nhận được đánh giá của bạn:")

    with qtbot.waitSignal(pad.sig_rated):
        tap(qtbot, pad.send_button)
    assert stand.fake.ratings == [(ticket.id, 5, "")]


def test_the_pad_polls_when_the_queue_can_say_the_last_finished_ticket(
    qtbot: QtBot, stand: QueueStand, monkeypatch: pytest.MonkeyPatch
) -> None:
    if stand.fake is None:
        pytest.skip("last_finished is an optional extension the fake can grow")
    ticket = served_ticket(stand)
    monkeypatch.setattr(stand.fake, "last_finished", lambda counter_id: ticket, raising=False)
    monkeypatch.setattr("counter_app.ui.rating.FINISHED_POLL_MS", 20)
    pad = RatingPadWindow(stand.queue, stand.counter.id, stand.counter.number, events=stand.events)
    qtbot.addWidget(pad)

    qtbot.waitUntil(lambda: pad.current_step() == RatingPadWindow.RATE, timeout=3000)
    assert pad.ticket() == ticket


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
