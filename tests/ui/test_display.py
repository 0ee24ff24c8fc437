"""Hall display: every call repaints at once and is said once; calls from other PCs arrive by polling."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from counter_app.services.queue_port import CallView
from counter_app.ui import app
from counter_app.ui.display import HallDisplayWindow
from counter_app.ui.queue_panel import QueuePanel
from tests.fakes import FakeCounterAppServices
from tests.fakes_queue import QueueStand, queue_stand, with_queue


@pytest.fixture(params=["fake", "real"])
def stand(request: pytest.FixtureRequest, tmp_path: Path) -> QueueStand:
    return queue_stand(request, tmp_path)


def make_display(qtbot: QtBot, stand: QueueStand, *, poll: bool = False) -> HallDisplayWindow:
    display = HallDisplayWindow(
        stand.queue, stand.station, stand.counters, announcer=stand.announcer, now=stand.now,
        events=stand.events, poll=poll,
    )
    qtbot.addWidget(display)
    display.resize(1920, 1080)
    display.show()
    return display


def test_a_call_at_a_counter_shows_and_is_said(qtbot: QtBot, stand: QueueStand) -> None:
    display = make_display(qtbot, stand)
    assert display.hero_text() == ("—", "Xin vui lòng chờ đến lượt")
    assert display.no_calls_label.isVisibleTo(display)
    [ticket] = stand.issue()
    panel = QueuePanel(stand.queue, stand.session, stand.counter, events=stand.events)
    qtbot.addWidget(panel)

    with qtbot.waitSignal(display.sig_call_shown):
        panel.call_next()

    n = stand.counter.number
    assert display.hero_text() == (ticket.number, f"đến quầy số {n}")
    assert display.led_panel.number_at(n) == ticket.number
    assert display.last_calls_text() == [f"{ticket.number}  →  quầy {n}"]
    assert not display.no_calls_label.isVisibleTo(display)
    assert stand.announcer.calls == [(ticket.number, n, False)]


def test_a_recall_is_said_again_and_the_newest_is_highlighted(qtbot: QtBot, stand: QueueStand) -> None:
    display = make_display(qtbot, stand)
    first, second = stand.issue(2)
    staff = stand.session.staff_id
    other = stand.other_counter()
    for counter in (stand.counter, other):
        called = stand.queue.call_next(counter.id, staff)
        assert called is not None
        stand.events.sig_called.emit(CallView(called.number, counter.number, called.called_at))
        stand.advance(timedelta(seconds=30))
    recall = stand.queue.recall(stand.counter.id, staff)
    stand.events.sig_called.emit(recall)

    assert display.hero_text() == (first.number, f"đến quầy số {stand.counter.number}")
    assert display.led_panel.number_at(other.number) == second.number
    assert stand.announcer.calls == [
        (first.number, stand.counter.number, False),
        (second.number, other.number, False),
        (first.number, stand.counter.number, True),
    ]
    assert display.call_labels[0].property("tone") == "ok"
    assert display.call_labels[1].property("tone") == ""


def test_the_same_call_heard_twice_is_shown_and_said_once(qtbot: QtBot, stand: QueueStand) -> None:
    display = make_display(qtbot, stand)
    stand.issue()
    called = stand.queue.call_next(stand.counter.id, stand.session.staff_id)
    assert called is not None and called.called_at is not None
    call = CallView(called.number, stand.counter.number, called.called_at)

    assert display.show_call(call)
    assert not display.show_call(CallView(call.ticket_number, call.counter_number, call.at + timedelta(seconds=1)))
    assert len(stand.announcer.calls) == 1


def test_calls_from_another_pc_arrive_by_polling_and_old_ones_are_not_said(
    qtbot: QtBot, stand: QueueStand
) -> None:
    staff = stand.session.staff_id
    old, new = stand.issue(2)
    assert stand.queue.call_next(stand.counter.id, staff) is not None  # before the display started
    display = make_display(qtbot, stand, poll=True)
    qtbot.waitUntil(lambda: display.hero_text()[0] == old.number)
    assert stand.announcer.calls == []

    stand.advance(timedelta(minutes=1))
    other = stand.other_counter()
    assert stand.queue.call_next(other.id, staff) is not None  # no signal: another process did it

    qtbot.waitUntil(lambda: display.hero_text()[0] == new.number, timeout=5000)
    assert stand.announcer.calls == [(new.number, other.number, False)]


def test_waiting_counts_per_line(qtbot: QtBot, stand: QueueStand) -> None:
    display = make_display(qtbot, stand, poll=True)
    before = {line.name: line.waiting for line in stand.lines()}
    stand.issue(3, line_index=0)
    line = stand.lines()[0]

    stand.events.sig_changed.emit()

    qtbot.waitUntil(lambda: display.waiting_text().get(f"{line.code} · {line.name}") == str(before[line.name] + 3))


def test_a_voice_that_fails_does_not_stop_the_screen(qtbot: QtBot, stand: QueueStand) -> None:
    class BrokenVoice:
        def announce(self, ticket_number: str, counter_number: int) -> None:
            raise ValueError("cannot read")

        def recall(self, ticket_number: str, counter_number: int) -> None:
            raise ValueError("cannot read")

    display = HallDisplayWindow(
        stand.queue, stand.station, stand.counters, announcer=BrokenVoice(), now=stand.now,
        events=stand.events, poll=False,
    )
    qtbot.addWidget(display)
    at = stand.now()
    assert display.show_call(CallView("Ư001", stand.counter.number, at))
    assert display.hero_text()[0] == "Ư001"


def test_the_notice_scrolls(qtbot: QtBot, stand: QueueStand) -> None:
    display = make_display(qtbot, stand)
    assert display.notice.text().startswith("Xin giữ vé")
    start = display.notice.position()
    assert 0 < start < 100  # readable from the first frame, not waiting off screen
    qtbot.waitUntil(lambda: display.notice.position() < start)


# -- counter-app --role … --screenshot ------------------------------------------------------------


def _distinct_colours(path: Path) -> int:
    with Image.open(path) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24)
    assert colours is not None
    return len(colours)


@pytest.fixture
def queue_services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeCounterAppServices:
    services = with_queue(FakeCounterAppServices(tmp_path / "data"))
    queue = services.queue
    for i, line in enumerate(queue.lines("c-ht")):
        queue.issue_ticket(line.id, request_key=f"screenshot-{i}")
    queue.call_next("k1", "s1")
    monkeypatch.setattr(app, "open_store", lambda _options: services)
    monkeypatch.setattr(app, "install_error_hooks", lambda **_kwargs: None)
    return services


@pytest.mark.usefixtures("qapp")
@pytest.mark.parametrize("role", ["kiosk", "display", "rating"])
@pytest.mark.parametrize("size", ["1920x1080", "1024x600"])
def test_screenshot_of_each_station_role(
    tmp_path: Path, queue_services: FakeCounterAppServices, role: str, size: str
) -> None:
    out = tmp_path / f"{role}.png"

    code = app.main(["--role", role, "--screenshot", str(out), "--size", size])

    assert code == 0
    with Image.open(out) as image:
        assert image.size == tuple(int(n) for n in size.split("x"))
    assert _distinct_colours(out) > 30
    assert queue_services.queue.waiting_total() == 4  # looking did not issue or call anything


@pytest.mark.usefixtures("qapp")
@pytest.mark.parametrize("role", ["kiosk", "display", "rating"])
def test_screenshot_without_a_queue_still_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    services = FakeCounterAppServices(tmp_path / "data")
    monkeypatch.setattr(app, "open_store", lambda _options: services)
    monkeypatch.setattr(app, "install_error_hooks", lambda **_kwargs: None)
    out = tmp_path / f"{role}.png"

    assert app.main(["--role", role, "--screenshot", str(out), "--size", "800x600"]) == 0
    assert _distinct_colours(out) > 10


def test_station_roles_take_a_screen_and_a_counter() -> None:
    args = app.build_parser().parse_args(["--role", "rating", "--counter", "3", "--screen", "2"])
    assert (args.role, args.counter, args.screen) == ("rating", 3, 2)
    assert {"kiosk", "display", "rating"} <= set(app.ROLES)


def test_the_bus_follows_the_queue_s_own_reports(qtbot: QtBot, stand: QueueStand) -> None:
    """A call made by anyone in this process (or pushed by the hub) reaches the display without polling."""
    assert stand.events.follow(stand.queue)
    display = make_display(qtbot, stand)
    [ticket] = stand.issue()

    with qtbot.waitSignal(display.sig_call_shown):
        stand.queue.call_next(stand.counter.id, stand.session.staff_id)  # no panel, no signal of ours

    assert display.hero_text()[0] == ticket.number
    assert stand.announcer.calls == [(ticket.number, stand.counter.number, False)]
    stand.events.unfollow_all()
