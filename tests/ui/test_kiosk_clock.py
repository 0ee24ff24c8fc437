"""The kiosk on a PC whose clock was set back a day (issue 9 §1): the tap gives no second A001 and the
screen says what to do, not "tap again"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.ui.kiosk import KioskWindow
from counter_app.ui.queue_common import Station
from tests.fakes_queue import VN_TZ, FakeTicketPrinter

WARD_LINE_A = "c-p-thanh-sen-line-a"


@pytest.mark.usefixtures("vi")
def test_a_tap_on_a_clock_set_back_a_day_gives_no_number_and_says_ask_at_a_counter(
    qtbot: QtBot, services: Any, clock: Any, caplog: pytest.LogCaptureFixture
) -> None:
    session, _counter = services.demo_session()
    queue = services.queue
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=VN_TZ))  # Tuesday: the store holds today's tickets
    held = [queue.issue_ticket(WARD_LINE_A, request_key=f"tue{i}").number for i in range(2)]
    assert held == ["A001", "A002"]
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=VN_TZ))  # the PC's clock set back a day
    waiting_before = sum(line.waiting for line in queue.lines(session.centre_id))

    printer = FakeTicketPrinter()
    kiosk = KioskWindow(queue, Station(session.centre_id, session.centre_name), printer=printer,
                        now=clock.now, ticket_ms=300)
    qtbot.addWidget(kiosk)
    kiosk.show()
    kiosk.resize(1366, 768)
    qtbot.waitUntil(lambda: kiosk.current_step() in (KioskWindow.GROUPS, KioskWindow.LINES))
    while kiosk.current_step() != KioskWindow.PRIORITY:
        qtbot.mouseClick(kiosk.tiles()[0], Qt.MouseButton.LeftButton)

    qtbot.mouseClick(kiosk.no_priority_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: kiosk.current_step() == KioskWindow.UNAVAILABLE)
    words = kiosk.unavailable_label.text()
    assert words.startswith("Máy lấy số tạm thời không cấp số: cần kiểm tra lại đồng hồ của máy.")
    assert "gọi quản trị viên" in words and "counter clock confirm" in words
    assert "lấy số lại" not in words.lower()
    assert kiosk.current_ticket() is None and printer.printed == []
    assert sum(line.waiting for line in queue.lines(session.centre_id)) == waiting_before
    assert "kiosk gives no numbers" in caplog.text
