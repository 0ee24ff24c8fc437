"""Kiosk: tap a group, a service and a priority; the number shows large, prints, and only once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.domain.errors import DomainError
from counter_app.services.queue_port import Priority, TicketView
from counter_app.ui.kiosk import KioskWindow
from tests.fakes_queue import QueueStand, queue_stand

PRINTER_DOWN = "Máy in vé đang lỗi — xin ghi nhớ số của bạn"


@pytest.fixture(params=["fake", "real"])
def stand(request: pytest.FixtureRequest, tmp_path: Path) -> QueueStand:
    return queue_stand(request, tmp_path)


def make_kiosk(qtbot: QtBot, stand: QueueStand, **kwargs: object) -> KioskWindow:
    kiosk = KioskWindow(
        stand.queue, stand.station, printer=stand.printer, now=stand.now, events=stand.events,
        **kwargs,  # type: ignore[arg-type]
    )
    qtbot.addWidget(kiosk)
    kiosk.resize(1280, 800)
    kiosk.show()
    qtbot.waitUntil(lambda: kiosk.current_step() in (KioskWindow.GROUPS, KioskWindow.LINES))
    return kiosk


def tap(qtbot: QtBot, widget: object) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def to_priority_step(qtbot: QtBot, kiosk: KioskWindow) -> None:
    if kiosk.current_step() == KioskWindow.GROUPS:
        tap(qtbot, kiosk.tiles()[0])
    assert kiosk.current_step() == KioskWindow.LINES
    tap(qtbot, kiosk.tiles()[0])
    assert kiosk.current_step() == KioskWindow.PRIORITY


def wait_for_ticket(qtbot: QtBot, kiosk: KioskWindow) -> TicketView:
    qtbot.waitUntil(lambda: kiosk.current_step() == KioskWindow.TICKET)
    ticket = kiosk.current_ticket()
    assert ticket is not None
    return ticket


def test_tap_through_to_a_printed_ticket(qtbot: QtBot, stand: QueueStand) -> None:
    kiosk = make_kiosk(qtbot, stand)
    waiting_before = stand.waiting()
    to_priority_step(qtbot, kiosk)
    assert kiosk.no_priority_button.text() == "Không — cho tôi lấy số"

    with qtbot.waitSignal(kiosk.sig_ticket_printed, timeout=5000):
        tap(qtbot, kiosk.no_priority_button)

    ticket = wait_for_ticket(qtbot, kiosk)
    assert kiosk.ticket_number_label.text() == ticket.number
    assert ticket.line_name in kiosk.ticket_line_label.text()
    facts = kiosk.ticket_facts_label.text()
    assert f"Lấy số lúc {ticket.issued_at:%H:%M}" in facts
    assert ("Không có ai chờ trước bạn" in facts) if ticket.waiting_ahead == 0 else (
        f"Số người chờ trước bạn: {ticket.waiting_ahead}" in facts
    )
    assert kiosk.ticket_centre_label.text() == stand.station.centre_name
    assert kiosk.print_label.text() == "Mời bạn nhận vé ở khe bên dưới"
    assert stand.printer.printed == [(ticket.number, stand.station.centre_name)]
    assert stand.waiting() == waiting_before + 1


def test_a_priority_citizen_gets_a_priority_ticket(qtbot: QtBot, stand: QueueStand) -> None:
    kiosk = make_kiosk(qtbot, stand)
    to_priority_step(qtbot, kiosk)
    assert [b.text() for b in kiosk.priority_buttons.values()] == [
        "Người cao tuổi", "Người khuyết tật", "Phụ nữ mang thai", "Người đi cùng con nhỏ",
        "Thương binh, người có công",
    ]

    tap(qtbot, kiosk.priority_buttons[Priority.ELDERLY])

    ticket = wait_for_ticket(qtbot, kiosk)
    assert ticket.priority is Priority.ELDERLY
    assert "Ưu tiên: Người cao tuổi" in kiosk.ticket_line_label.text()


def test_the_priority_list_is_configurable(qtbot: QtBot, stand: QueueStand) -> None:
    kiosk = make_kiosk(qtbot, stand, priorities=(Priority.ELDERLY, Priority.PREGNANT))
    to_priority_step(qtbot, kiosk)
    assert list(kiosk.priority_buttons) == [Priority.ELDERLY, Priority.PREGNANT]


def test_a_double_tap_issues_one_ticket(qtbot: QtBot, stand: QueueStand) -> None:
    kiosk = make_kiosk(qtbot, stand)
    waiting_before = stand.waiting()
    to_priority_step(qtbot, kiosk)

    tap(qtbot, kiosk.no_priority_button)
    tap(qtbot, kiosk.no_priority_button)  # the button is disabled from the first tap on
    kiosk.choose_priority(Priority.NONE)  # and even a tap that got through is ignored

    wait_for_ticket(qtbot, kiosk)
    qtbot.wait(50)
    assert stand.waiting() == waiting_before + 1
    if stand.fake is not None:
        assert stand.fake.issue_calls == 1


def test_a_failed_issue_says_so_and_the_next_tap_reuses_the_request_key(
    qtbot: QtBot, stand: QueueStand
) -> None:
    if stand.fake is None:
        pytest.skip("the fake can fail on demand")
    kiosk = make_kiosk(qtbot, stand)
    to_priority_step(qtbot, kiosk)
    stand.fake.fail_next = OSError("database is locked")

    tap(qtbot, kiosk.no_priority_button)

    qtbot.waitUntil(kiosk.no_priority_button.isEnabled)
    assert kiosk.current_step() == KioskWindow.PRIORITY
    assert kiosk.status_label.text() == "Chưa lấy được số. Xin bấm lại hoặc hỏi nhân viên tại quầy."
    tap(qtbot, kiosk.no_priority_button)
    wait_for_ticket(qtbot, kiosk)
    assert stand.fake.waiting_total() == 1
    assert len(stand.fake._by_key) == 1  # one request key for the one ticket screen


@pytest.mark.parametrize("failure", ["not ok", "raises"])
def test_a_printer_failure_says_so_and_keeps_the_number(
    qtbot: QtBot, stand: QueueStand, failure: str
) -> None:
    if failure == "not ok":
        stand.printer.fail = True
    else:
        stand.printer.crash = OSError("USB printer unplugged")
    kiosk = make_kiosk(qtbot, stand)
    to_priority_step(qtbot, kiosk)

    with qtbot.waitSignal(kiosk.sig_ticket_printed, timeout=5000) as printed:
        tap(qtbot, kiosk.no_priority_button)

    assert not printed.args[0].ok
    ticket = wait_for_ticket(qtbot, kiosk)
    assert kiosk.print_label.text() == PRINTER_DOWN
    assert kiosk.ticket_number_label.text() == ticket.number
    assert kiosk.current_step() == KioskWindow.TICKET


def test_no_printer_at_all_says_so_too(qtbot: QtBot, stand: QueueStand) -> None:
    kiosk = KioskWindow(stand.queue, stand.station, printer=None, now=stand.now, events=stand.events)
    qtbot.addWidget(kiosk)
    qtbot.waitUntil(lambda: kiosk.current_step() in (KioskWindow.GROUPS, KioskWindow.LINES))
    to_priority_step(qtbot, kiosk)
    tap(qtbot, kiosk.no_priority_button)
    ticket = wait_for_ticket(qtbot, kiosk)
    assert kiosk.print_label.text() == PRINTER_DOWN
    assert kiosk.ticket_number_label.text() == ticket.number


def test_back_to_the_start_after_the_ticket_and_after_idling(qtbot: QtBot, stand: QueueStand) -> None:
    kiosk = make_kiosk(qtbot, stand, ticket_ms=100, idle_ms=100)
    first = kiosk.current_step()
    to_priority_step(qtbot, kiosk)
    qtbot.waitUntil(lambda: kiosk.current_step() == first, timeout=3000)  # nobody tapped on

    to_priority_step(qtbot, kiosk)
    tap(qtbot, kiosk.no_priority_button)
    wait_for_ticket(qtbot, kiosk)
    qtbot.waitUntil(lambda: kiosk.current_step() == first, timeout=3000)


def test_the_done_button_starts_over_with_a_new_ticket(qtbot: QtBot, stand: QueueStand) -> None:
    kiosk = make_kiosk(qtbot, stand)
    to_priority_step(qtbot, kiosk)
    tap(qtbot, kiosk.no_priority_button)
    first = wait_for_ticket(qtbot, kiosk)

    tap(qtbot, kiosk.done_button)
    qtbot.waitUntil(lambda: kiosk.current_step() in (KioskWindow.GROUPS, KioskWindow.LINES))
    to_priority_step(qtbot, kiosk)
    tap(qtbot, kiosk.no_priority_button)
    qtbot.waitUntil(lambda: kiosk.current_ticket() is not None and kiosk.current_ticket() != first)
    second = kiosk.current_ticket()
    assert second is not None and second.number != first.number


def test_without_a_queue_the_kiosk_sends_people_to_a_counter(qtbot: QtBot, stand: QueueStand) -> None:
    kiosk = KioskWindow(None, stand.station, printer=stand.printer, now=stand.now, events=stand.events)
    qtbot.addWidget(kiosk)
    assert kiosk.current_step() == KioskWindow.UNAVAILABLE
    assert kiosk.unavailable_label.text() == "Máy lấy số chưa kết nối với hàng đợi. Xin mời hỏi nhân viên tại quầy."


def test_a_queue_that_fails_to_load_is_retried(qtbot: QtBot, stand: QueueStand) -> None:
    if stand.fake is None:
        pytest.skip("the fake can fail on demand")
    stand.fake.fail_next = DomainError("queue.unknown_line", line_id="x")
    kiosk = KioskWindow(stand.queue, stand.station, printer=stand.printer, now=stand.now, events=stand.events)
    qtbot.addWidget(kiosk)
    qtbot.waitUntil(lambda: kiosk.current_step() == KioskWindow.UNAVAILABLE and kiosk._retry_timer.isActive())
    assert kiosk.unavailable_label.text() == "Máy lấy số đang tạm dừng. Xin mời hỏi nhân viên tại quầy."
    kiosk._retry_timer.setInterval(10)
    kiosk._retry_timer.start()
    qtbot.waitUntil(lambda: kiosk.current_step() == KioskWindow.GROUPS)
