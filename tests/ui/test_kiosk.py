"""Kiosk: tap a group, a service and a priority; the number shows large, prints, and only once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from counter_app.domain.errors import DomainError
from counter_app.services.queue_port import Priority, TicketView
from counter_app.ui.kiosk import KioskWindow
from counter_app.ui.queue_common import Station
from tests.fakes_queue import (
    CENTRE_ID,
    VN_TZ,
    FakeLine,
    FakeQueueService,
    FakeTicketPrinter,
    QueueStand,
    queue_stand,
)

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
        tap(qtbot, kiosk.tiles()[0])  # a group with one service goes straight to the priority step
    if kiosk.current_step() == KioskWindow.LINES:
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


# -- the kiosk fits its screen (issue 7 §5) ---------------------------------------------------

SCREENS = [(1366, 768), (1920, 1080), (1080, 1920)]


def fits_on_screen(kiosk: KioskWindow) -> list[str]:
    """What a citizen could not see or tap whole: every visible button and text against the window.

    Each visible button and label must lie inside the window, a label must be tall enough for its
    (wrapped) text, a button wide enough for its words, and no two buttons may overlap.
    """
    window = kiosk.rect()
    problems: list[str] = []
    buttons: list[tuple[QPushButton, QRect]] = []
    for widget in kiosk.findChildren(QWidget):
        if not isinstance(widget, (QPushButton, QLabel)) or not widget.isVisibleTo(kiosk):
            continue
        rect = QRect(widget.mapTo(kiosk, QPoint(0, 0)), widget.size())
        name = widget.title_label.text() if hasattr(widget, "title_label") else widget.text()
        if not window.contains(rect):
            problems.append(f"{type(widget).__name__} “{name}” at {rect.getRect()} is outside {window.getRect()}")
        if isinstance(widget, QLabel) and widget.text():
            needed = widget.heightForWidth(widget.width()) if widget.wordWrap() else widget.sizeHint().height()
            if widget.height() < needed:
                problems.append(f"label “{name}” is {widget.height()} px high, its text needs {needed}")
        if isinstance(widget, QPushButton):
            buttons.append((widget, rect))
            if widget.text() and widget.fontMetrics().horizontalAdvance(widget.text()) > widget.contentsRect().width():
                problems.append(f"the words of button “{widget.text()}” are wider than the button")
    for i, (a, ra) in enumerate(buttons):
        for b, rb in buttons[i + 1:]:
            if ra.intersects(rb):
                problems.append(f"buttons “{a.text()}” and “{b.text()}” overlap")
    return problems


def screen_kiosk(qtbot: QtBot, queue: object, station: Station, size: tuple[int, int]) -> KioskWindow:
    kiosk = KioskWindow(queue, station, printer=FakeTicketPrinter(), now=lambda: datetime.now(VN_TZ))  # type: ignore[arg-type]
    qtbot.addWidget(kiosk)
    kiosk.show()
    kiosk.resize(*size)
    qtbot.waitUntil(lambda: kiosk.current_step() in (KioskWindow.GROUPS, KioskWindow.LINES))
    qtbot.waitUntil(lambda: kiosk.size().toTuple() == size)
    return kiosk


def settled(qtbot: QtBot, kiosk: KioskWindow, what: str) -> None:
    """Let the layout settle, then every button and text of the step must be on screen, whole."""
    qtbot.wait(30)
    problems = fits_on_screen(kiosk)
    assert problems == [], f"{what} at {kiosk.size().toTuple()}: " + "; ".join(problems)


def page_through(qtbot: QtBot, kiosk: KioskWindow, what: str) -> list[str]:
    """Every tile title, tapping Next until it is greyed out; each page must fit."""
    board = kiosk.board()
    seen: list[str] = []
    while True:
        settled(qtbot, kiosk, f"{what}, page {board.page() + 1}")
        seen += [tile.text() for tile in kiosk.tiles()]
        if not board.next_button.isVisible() or not board.next_button.isEnabled():
            return seen
        tap(qtbot, board.next_button)


@pytest.mark.parametrize("size", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_on_the_demo_store_every_step_fits_the_screen(qtbot: QtBot, services: object, size: tuple[int, int]) -> None:
    session, _counter = services.demo_session()  # type: ignore[attr-defined]
    station = Station(session.centre_id, session.centre_name)
    lines = services.queue.lines(session.centre_id)  # type: ignore[attr-defined]
    groups = list(dict.fromkeys(line.group for line in lines))
    kiosk = screen_kiosk(qtbot, services.queue, station, size)  # type: ignore[attr-defined]
    assert kiosk.minimumSizeHint().width() <= size[0] and kiosk.minimumSizeHint().height() <= size[1]

    assert kiosk.current_step() == KioskWindow.GROUPS
    assert page_through(qtbot, kiosk, "groups") == groups
    kiosk.board().show_page(0)
    group = kiosk.tiles()[0]
    tap(qtbot, group)  # the demo's groups have one service each: straight to the priority question
    assert kiosk.current_step() == KioskWindow.PRIORITY
    assert kiosk.priority_line_label.text() == next(line.name for line in lines if line.group == groups[0])
    settled(qtbot, kiosk, "the priority question")

    tap(qtbot, kiosk.no_priority_button)
    ticket = wait_for_ticket(qtbot, kiosk)
    qtbot.waitUntil(lambda: kiosk.print_label.text() == "Mời bạn nhận vé ở khe bên dưới")
    assert kiosk.ticket_number_label.text() == ticket.number
    settled(qtbot, kiosk, "the ticket")

    tap(qtbot, kiosk.done_button)
    qtbot.waitUntil(lambda: kiosk.current_step() == KioskWindow.GROUPS)


def many_lines(groups: int, services_in_first: int) -> tuple[FakeLine, ...]:
    lines = [FakeLine(f"l-{g}-{s}", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[g % 26], f"Dịch vụ số {s + 1} của lĩnh vực {g + 1}",
                      f"Lĩnh vực số {g + 1} — thủ tục hành chính", "submit")
             for g in range(groups) for s in range(services_in_first if g == 0 else 1)]
    return tuple(lines)


@pytest.mark.parametrize("size", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_more_groups_and_services_than_fit_are_reached_by_paging(qtbot: QtBot, size: tuple[int, int]) -> None:
    lines = many_lines(groups=40, services_in_first=25)
    queue = FakeQueueService(lines=lines)
    kiosk = screen_kiosk(qtbot, queue, Station(CENTRE_ID, "Trung tâm Phục vụ hành chính công tỉnh"), size)
    assert kiosk.minimumSizeHint().width() <= size[0] and kiosk.minimumSizeHint().height() <= size[1]
    board = kiosk.board()
    assert board.page_count() > 1  # 40 big tiles never fit one screen
    assert not board.previous_button.isEnabled()

    seen = page_through(qtbot, kiosk, "groups")
    assert seen == [f"Lĩnh vực số {g + 1} — thủ tục hành chính" for g in range(40)]
    assert board.page_label.text() == f"Trang {board.page_count()}/{board.page_count()}"
    tap(qtbot, board.previous_button)
    assert board.page() == board.page_count() - 2
    while board.page() > 0:
        tap(qtbot, board.previous_button)

    tap(qtbot, kiosk.tile("Lĩnh vực số 1 — thủ tục hành chính"))
    assert kiosk.current_step() == KioskWindow.LINES
    services = page_through(qtbot, kiosk, "services")
    assert services == [f"Dịch vụ số {s + 1} của lĩnh vực 1" for s in range(25)]
    tap(qtbot, kiosk.tiles()[-1])  # the last service, reached on the last page
    assert kiosk.priority_line_label.text() == "Dịch vụ số 25 của lĩnh vực 1"
    settled(qtbot, kiosk, "the priority question")
    tap(qtbot, kiosk.no_priority_button)
    ticket = wait_for_ticket(qtbot, kiosk)
    assert ticket.line_name == "Dịch vụ số 25 của lĩnh vực 1"
    settled(qtbot, kiosk, "the ticket")


def test_a_group_with_one_service_takes_one_tap_less(qtbot: QtBot) -> None:
    queue = FakeQueueService()  # "Điện lực Hà Tĩnh" has one service, the others two
    kiosk = screen_kiosk(qtbot, queue, Station(CENTRE_ID, "Trung tâm"), (1366, 768))

    tap(qtbot, kiosk.tile("Điện lực Hà Tĩnh"))

    assert kiosk.current_step() == KioskWindow.PRIORITY
    assert kiosk.priority_line_label.text() == "Cấp điện, hợp đồng mua bán điện"
    tap(qtbot, kiosk.no_priority_button)
    assert wait_for_ticket(qtbot, kiosk).line_name == "Cấp điện, hợp đồng mua bán điện"
    tap(qtbot, kiosk.done_button)
    qtbot.waitUntil(lambda: kiosk.current_step() == KioskWindow.GROUPS)
    tap(qtbot, kiosk.tile("Điện lực Hà Tĩnh"))
    back = next(b for b in kiosk.findChildren(QPushButton) if b.text() == "‹ Quay lại" and b.isVisible())
    tap(qtbot, back)  # no service list to go back to: back to the groups
    assert kiosk.current_step() == KioskWindow.GROUPS
    tap(qtbot, kiosk.tile("Tư pháp – Hộ tịch"))  # two services: the list as before
    assert kiosk.current_step() == KioskWindow.LINES
    assert [t.text() for t in kiosk.tiles()] == ["Nộp hồ sơ — Tư pháp, hộ tịch", "Nhận kết quả — Tư pháp, hộ tịch"]


# -- out of office hours (issue 7 §4) ---------------------------------------------------------


def test_a_tap_after_closing_shows_when_the_centre_opens_and_issues_no_ticket(
    qtbot: QtBot, services: object, clock: object
) -> None:
    session, _counter = services.demo_session()  # type: ignore[attr-defined]
    queue = services.queue  # type: ignore[attr-defined]
    printer = FakeTicketPrinter()
    clock.set(datetime(2026, 11, 30, 18, 0, tzinfo=VN_TZ))  # type: ignore[attr-defined]  # a Monday evening
    kiosk = KioskWindow(queue, Station(session.centre_id, session.centre_name), printer=printer,
                        now=clock.now, ticket_ms=300)  # type: ignore[attr-defined]
    qtbot.addWidget(kiosk)
    kiosk.show()
    kiosk.resize(1366, 768)
    qtbot.waitUntil(lambda: kiosk.current_step() == KioskWindow.GROUPS)
    to_priority_step(qtbot, kiosk)

    tap(qtbot, kiosk.no_priority_button)

    qtbot.waitUntil(lambda: kiosk.current_step() == KioskWindow.UNAVAILABLE)
    assert kiosk.unavailable_label.text() == (
        "Trung tâm hiện không làm việc: đã hết giờ làm việc trong ngày. "
        "Xin mời quay lại lúc 07:00, thứ Ba, 01/12/2026."
    )
    settled(qtbot, kiosk, "the refusal")
    assert kiosk.current_ticket() is None and printer.printed == []
    assert sum(line.waiting for line in queue.lines(session.centre_id)) == 0
    qtbot.waitUntil(lambda: kiosk.current_step() == KioskWindow.GROUPS, timeout=3000)  # back for the next one


def test_back_from_the_only_service_of_the_only_group_is_its_start_screen(qtbot: QtBot) -> None:
    queue = FakeQueueService(lines=(FakeLine("l-e", "E", "Cấp điện, hợp đồng mua bán điện", "Điện lực Hà Tĩnh", "submit"),))
    kiosk = screen_kiosk(qtbot, queue, Station(CENTRE_ID, "Trung tâm"), (1366, 768))
    assert kiosk.current_step() == KioskWindow.LINES  # one group: its services are the start screen
    tap(qtbot, kiosk.tiles()[0])
    assert kiosk.current_step() == KioskWindow.PRIORITY
    back = next(b for b in kiosk.findChildren(QPushButton) if b.text() == "‹ Quay lại" and b.isVisible())
    tap(qtbot, back)
    assert kiosk.current_step() == KioskWindow.LINES
