"""The kiosk, hall display and rating pad show their PC's device status (issue 11): a small discreet
indicator in a corner, fed by the same DeviceBoard as the counter window's status bar through a
queued signal; the kiosk's ticket printer out of paper says so for the staff and numbers go on."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from counter_app.devices.escpos_printer import EscposPrinter
from counter_app.services.devices import (
    DeviceAssignment,
    DeviceBoard,
    DeviceRole,
    DeviceState,
    DeviceStatus,
    parse_device_uri,
)
from counter_app.services.print_jobs import TicketPrinter
from counter_app.ui.kiosk import KioskWindow
from counter_app.ui.station_devices import StationDeviceIndicator
from counter_app.ui.station_roles import display_window, kiosk_window, rating_window
from tests.fake_printer import FakeSerialPrinter, PrinterModel
from tests.ui.dossier_stand import WAIT_MS

PAPER_OUT = "⚠ Máy in phiếu số hết giấy — báo nhân viên"


def _indicator(window: QWidget) -> StationDeviceIndicator:
    found = window.findChild(StationDeviceIndicator, "stationDevices")
    assert found is not None
    return found


def _tap_to_ticket(qtbot: QtBot, kiosk: KioskWindow) -> None:
    qtbot.waitUntil(lambda: kiosk.current_step() in (KioskWindow.GROUPS, KioskWindow.LINES), timeout=WAIT_MS)
    if kiosk.current_step() == KioskWindow.GROUPS:
        qtbot.mouseClick(kiosk.tiles()[0], Qt.MouseButton.LeftButton)
    if kiosk.current_step() == KioskWindow.LINES:
        qtbot.mouseClick(kiosk.tiles()[0], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(kiosk.sig_ticket_printed, timeout=WAIT_MS):
        qtbot.mouseClick(kiosk.no_priority_button, Qt.MouseButton.LeftButton)


def test_a_kiosk_whose_ticket_printer_is_out_of_paper_says_so_for_the_staff_and_goes_on_issuing(
    qtbot: QtBot, services: Any, clock: Any, demo_data_dir: Path, vi: None
) -> None:
    board = DeviceBoard()
    fake = FakeSerialPrinter(PrinterModel(paper="out"))
    assignment = DeviceAssignment(DeviceRole("ticket-printer"), parse_device_uri(f"serial://{fake.port}?baud=115200"),
                                  "TM-T20II")
    driver = EscposPrinter(assignment, board, timeout=1.0)
    try:
        services.device_board = board
        services.ticket_printer = TicketPrinter(render_png=lambda d: b"", printer=driver, clock=clock,
                                                render_job=lambda d: b"\x1b@ticket\n", send_job=driver.send,
                                                uow=services.uow, device_id=services.device_id)
        kiosk = kiosk_window(services, services.station())
        qtbot.addWidget(kiosk)
        kiosk.resize(1280, 800)
        kiosk.show()
        indicator = _indicator(kiosk)
        assert indicator.text() == "●"  # connecting: nothing for anyone to do yet
        _tap_to_ticket(qtbot, kiosk)
        first = kiosk.current_ticket()
        assert first is not None and kiosk.ticket_number_label.text() == first.number  # on screen instead
        qtbot.waitUntil(lambda: indicator.text() == PAPER_OUT, timeout=WAIT_MS)
        assert indicator.isVisible() and "hết giấy" in indicator.toolTip()
        # discreet: a small line in the bottom right corner, not over the ticket
        assert indicator.height() < 60 and indicator.width() < kiosk.width() // 2
        assert indicator.geometry().bottom() >= kiosk.height() - 20
        assert indicator.geometry().right() >= kiosk.width() - 20
        kiosk.reload()
        _tap_to_ticket(qtbot, kiosk)  # the kiosk keeps issuing numbers
        second = kiosk.current_ticket()
        assert second is not None and second.number != first.number
        fake.model.paper = "ok"  # a new roll: the next ticket prints and the line goes
        kiosk.reload()
        _tap_to_ticket(qtbot, kiosk)
        qtbot.waitUntil(lambda: indicator.text() == "●", timeout=WAIT_MS)
    finally:
        driver.close()
        fake.close()


def test_the_hall_display_shows_a_corner_indicator_fed_from_a_driver_thread(
    qtbot: QtBot, services: Any, vi: None
) -> None:
    board = DeviceBoard()
    board.report(DeviceStatus("ticket-printer", DeviceState.CONNECTED))
    services.device_board = board
    station = services.station()
    display = display_window(services, station, services.counters(station.centre_id), poll=False)
    qtbot.addWidget(display)
    display.resize(1280, 720)
    display.show()
    indicator = _indicator(display)
    assert indicator.text() == "●" and "đã kết nối" in indicator.toolTip()

    def pulled() -> None:  # a driver's thread
        board.report(DeviceStatus("board-3", DeviceState.DISCONNECTED, "device.port_missing",
                                  (("port", "/dev/ttyUSB3"),)))

    worker = threading.Thread(target=pulled)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: indicator.text() == "⚠ Bảng số quầy 3 mất kết nối — báo nhân viên", timeout=WAIT_MS)
    assert "/dev/ttyUSB3" in indicator.toolTip()
    assert indicator.geometry().bottom() >= display.height() - 20 and indicator.width() < display.width() // 2
    display.resize(1920, 1080)  # the corner follows the window
    qtbot.waitUntil(lambda: indicator.geometry().right() >= 1900, timeout=WAIT_MS)


def test_the_rating_pad_shows_its_pc_devices_and_without_a_board_shows_nothing(
    qtbot: QtBot, services: Any, vi: None
) -> None:
    board = DeviceBoard()
    services.device_board = board
    station = services.station()
    counters = services.counters(station.centre_id)
    pad = rating_window(counters, services, None)
    qtbot.addWidget(pad)
    pad.show()
    indicator = _indicator(pad)
    assert not indicator.isVisible()  # no device reported on this PC: nothing shown
    board.report(DeviceStatus("receipt-printer", DeviceState.ERROR, "device.cover_open",
                              (("printer", "usb://04b8:0e15"),)))
    qtbot.waitUntil(lambda: indicator.text() == "⚠ Máy in hóa đơn: đang mở nắp — báo nhân viên", timeout=WAIT_MS)
    assert indicator.isVisible()
    services.device_board = None
    plain = rating_window(counters, services, None)
    qtbot.addWidget(plain)
    plain.show()
    assert not _indicator(plain).isVisible()
