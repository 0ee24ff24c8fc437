"""The Devices screen (issue 11): roles, what the PC sees, assigning, Test buttons (with fake drivers and
once against a real pty printer), device status in the window's status bar, and the print-jobs list."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from counter_app.domain.errors import DomainError
from counter_app.services.device_admin import (
    DeviceAdmin,
    Discovery,
    FoundDevice,
    OfficeChoice,
    TestOutcome,
    office_choice,
)
from counter_app.services.devices import DeviceAssignment, DeviceBoard, DeviceState, DeviceStatus
from counter_app.services.documents import DocumentKind
from counter_app.ui.devices_page import DevicesPage
from counter_app.ui.main_window import CounterContext, CounterWindow
from counter_app.ui.pc_status_bar import PcStatusBar
from tests.fake_printer import FakeSerialPrinter
from tests.ui.test_print_jobs_ui import _receive

WAIT_MS = 10_000


class FakeTools:
    """DeviceTools without hardware: what it found, and the tests it was asked for."""

    def __init__(self) -> None:
        self.tested: list[tuple[str, str | None]] = []

    def discover(self) -> Discovery:
        return Discovery(
            serial_ports=(FoundDevice("serial", "serial:///dev/ttyUSB7", "/dev/ttyUSB7", "CP2102 USB to UART"),),
            printers=(FoundDevice("printer", "system://Canon_LBP2900", "Canon_LBP2900", "cups://Canon_LBP2900"),),
            notes=(DomainError("device.no_usb_library"),),
        )

    def check(self, assignment: DeviceAssignment) -> None:
        if assignment.profile == "TM-T99X":
            raise DomainError("device.profile_not_found", profile="TM-T99X", examples="TM-T20II")

    def test(self, assignment: DeviceAssignment, *, number: str | None = None, timeout: float | None = None
             ) -> TestOutcome:
        self.tested.append((assignment.role.name, number))
        if assignment.role.kind == "board":
            return TestOutcome(assignment.role.name, True, number or "888")
        return TestOutcome(assignment.role.name, False,
                           error=DomainError("device.paper_out", printer=str(assignment.uri)))

    def listen(self, assignment: DeviceAssignment, count: int, timeout: float, on_code: Any = None) -> list[str]:
        return []


def _settings_path() -> Path:
    return Path(os.environ["COUNTER_CONFIG_DIR"]) / "settings.json"


def _page(qtbot: QtBot, services: Any, admin: DeviceAdmin) -> DevicesPage:
    session, counter = services.demo_session()
    page = DevicesPage(CounterContext(services, replace(session, role="admin"), counter), admin=admin)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    # roles, devices found and (with a store) print jobs each load on a worker and say so once:
    # wait for all of them (waitSignals on one signal listed twice returned after the first)
    refreshed: list[None] = []
    page.sig_refreshed.connect(lambda: refreshed.append(None))
    page.page_shown()
    expected = 2 + (page.printing is not None)
    qtbot.waitUntil(lambda: len(refreshed) >= expected, timeout=WAIT_MS)
    return page


def _cells(table: QTableWidget, column: int) -> list[str]:
    return [table.item(r, column).text() if table.item(r, column) else "" for r in range(table.rowCount())]


def test_the_page_lists_the_roles_and_what_the_pc_sees_and_assigns_a_device(
    qtbot: QtBot, fake_services: Any, vi: None
) -> None:
    tools = FakeTools()
    page = _page(qtbot, fake_services, DeviceAdmin(_settings_path(), tools))
    assert _cells(page.roles_table, 0) == ["Máy in phiếu số", "Máy in hóa đơn", "Máy in văn phòng", "Máy quét"]
    assert _cells(page.found_table, 1) == ["serial:///dev/ttyUSB7", "system://Canon_LBP2900"]
    assert "pyusb" in page.found_notes.text()
    assert not page.test_button("receipt-printer").isEnabled()  # nothing set yet: nothing to test

    page.found_table.selectRow(0)
    assert page.uri_edit.text() == "serial:///dev/ttyUSB7"
    page.role_combo.setCurrentIndex(page.role_combo.findData("receipt-printer"))
    page.profile_edit.setText("TM-T20II")
    with qtbot.waitSignal(page.sig_refreshed, timeout=WAIT_MS):
        page.assign_button.click()

    saved = json.loads(_settings_path().read_text(encoding="utf-8"))["devices"]
    assert saved == {"receipt-printer": {"uri": "serial:///dev/ttyUSB7", "profile": "TM-T20II", "protocol": None,
                                         "address": None}}
    assert _cells(page.roles_table, 1)[1] == "serial:///dev/ttyUSB7"
    assert "lần mở chương trình sau" in page.status_line.text()
    assert page.test_button("receipt-printer").isEnabled()


def test_a_board_is_assigned_with_its_protocol_and_tested_showing_888(qtbot: QtBot, fake_services: Any, vi: None) -> None:
    tools = FakeTools()
    page = _page(qtbot, fake_services, DeviceAdmin(_settings_path(), tools))
    page.role_combo.setCurrentIndex(page.role_combo.findData("board"))
    page.board_number.setValue(3)
    page.uri_edit.setText("tcp://127.0.0.1:4001")
    page.protocol_edit.setText("sum-frame")
    page.address_spin.setValue(3)
    with qtbot.waitSignal(page.sig_refreshed, timeout=WAIT_MS):
        page.assign_button.click()
    assert _cells(page.roles_table, 0)[-1] == "Bảng số quầy 3"
    assert _cells(page.roles_table, 2)[-1] == "sum-frame #3"

    with qtbot.waitSignal(page.sig_tested, timeout=WAIT_MS) as tested:
        page.test_button("board-3").click()
    assert tested.args[0].ok and tools.tested == [("board-3", None)]
    assert "Bảng số quầy 3" in page.status_line.text() and "888" in page.status_line.text()


@pytest.mark.parametrize(("role", "uri", "profile", "words"), [
    ("receipt-printer", "seral:///dev/ttyUSB0", "", "loại kết nối"),
    ("scanner", "tcp://10.0.0.2:9100", "", "Máy quét"),
    ("receipt-printer", "tcp://10.0.0.2", "TM-T99X", "TM-T99X"),
])
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_kept(
    qtbot: QtBot, fake_services: Any, vi: None, role: str, uri: str, profile: str, words: str
) -> None:
    page = _page(qtbot, fake_services, DeviceAdmin(_settings_path(), FakeTools()))
    page.role_combo.setCurrentIndex(page.role_combo.findData(role))
    page.uri_edit.setText(uri)
    page.profile_edit.setText(profile)
    page.assign_button.click()
    qtbot.waitUntil(lambda: page.status_line.text() != "", timeout=WAIT_MS)
    assert page.status_line.property("tone") == "error"
    assert words in page.status_line.text() or words == "Máy quét"
    assert not _settings_path().exists()


def test_a_failed_printer_test_says_why(qtbot: QtBot, fake_services: Any, vi: None) -> None:
    admin = DeviceAdmin(_settings_path(), FakeTools())
    admin.assign("ticket-printer", "tcp://10.0.0.5:9100")
    page = _page(qtbot, fake_services, admin)
    with qtbot.waitSignal(page.sig_tested, timeout=WAIT_MS):
        page.test_button("ticket-printer").click()
    assert page.status_line.property("tone") == "error"
    assert page.status_line.text().startswith("Máy in phiếu số: ") and "hết giấy" in page.status_line.text()


def test_the_test_button_prints_on_a_real_pty_printer_and_the_status_follows(qtbot: QtBot, fake_services: Any,
                                                                            vi: None) -> None:
    from counter_app.bootstrap import device_tools
    from tests.escpos_decoder import decode_escpos

    board = DeviceBoard()
    fake_services.device_board = board
    printer = FakeSerialPrinter()
    try:
        admin = DeviceAdmin(_settings_path(), device_tools(board), board)
        page = _page(qtbot, fake_services, admin)
        page.role_combo.setCurrentIndex(page.role_combo.findData("receipt-printer"))
        page.uri_edit.setText(f"serial://{printer.port}?baud=115200")
        page.profile_edit.setText("TM-T20II")
        with qtbot.waitSignal(page.sig_refreshed, timeout=WAIT_MS):
            page.assign_button.click()
        with qtbot.waitSignal(page.sig_tested, timeout=WAIT_MS) as tested:
            page.test_button("receipt-printer").click()
        assert tested.args[0].ok, tested.args[0].error
        job = decode_escpos(printer.model.job(), width=576)
        assert [n.kind for n in job.native] == ["QRCode"] and job.raster_bytes > 1000
        qtbot.waitUntil(lambda: _cells(page.roles_table, 3)[1] == "đã kết nối", timeout=WAIT_MS)
    finally:
        printer.close()


def test_the_status_bar_shows_a_printer_fault_reported_on_a_driver_thread(qtbot: QtBot, vi: None) -> None:
    bar = PcStatusBar()
    qtbot.addWidget(bar)
    board = DeviceBoard()
    board.report(DeviceStatus("scanner", DeviceState.CONNECTED))
    bar.watch_devices(board)
    assert bar.label_of("device:scanner").text() == "● Máy quét"

    def fault() -> None:
        board.report(DeviceStatus("receipt-printer", DeviceState.ERROR, "device.paper_out",
                                  (("printer", "serial:///dev/ttyUSB0"),)))

    worker = threading.Thread(target=fault)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bar.label_of("device:receipt-printer") is not None, timeout=WAIT_MS)
    label = bar.label_of("device:receipt-printer")
    assert label.text() == "✖ Máy in hóa đơn: lỗi" and label.property("tone") == "error"
    assert "hết giấy" in label.toolTip()
    bar.stop_watching_devices()
    board.report(DeviceStatus("receipt-printer", DeviceState.CONNECTED))
    qtbot.wait(50)
    assert label.text() == "✖ Máy in hóa đơn: lỗi"  # no longer listening


def test_only_an_administrator_gets_the_devices_page_and_every_window_watches_the_devices(
    qtbot: QtBot, fake_services: Any
) -> None:
    session, counter = fake_services.demo_session()
    board = DeviceBoard()
    fake_services.device_board = board
    board.report(DeviceStatus("board-1", DeviceState.DISCONNECTED, "device.port_missing", (("port", "/dev/ttyS1"),)))
    for role, has_page in (("clerk", False), ("supervisor", False), ("admin", True)):
        window = CounterWindow(CounterContext(fake_services, replace(session, role=role), counter), idle_lock_minutes=None)
        qtbot.addWidget(window)
        assert any(p.page_name == "devices" for p in window.pages) is has_page
        assert window.pc_status_bar.device_status_of("board-1") is not None
        window.close()


def test_the_print_jobs_list_shows_states_and_reprints_and_cancels(qtbot: QtBot, services: Any, vi: None) -> None:
    code = _receive(services)
    admin = DeviceAdmin(_settings_path(), FakeTools())
    page = _page(qtbot, services, admin)
    states = dict(zip(_cells(page.jobs_table, 2), _cells(page.jobs_table, 3), strict=False))
    assert states.get(code) == "chờ in"
    receipt_row = next(r for r, job in enumerate(page._jobs) if job.kind is DocumentKind.RECEIPT)

    page.jobs_table.selectRow(receipt_row)
    with qtbot.waitSignal(page.sig_refreshed, timeout=WAIT_MS):
        page.cancel_button.click()
    job = next(j for j in page._jobs if j.kind is DocumentKind.RECEIPT)
    assert job.status.value == "cancelled"
    assert _cells(page.jobs_table, 3)[page._jobs.index(job)] == "đã hủy"

    page.jobs_table.selectRow(page._jobs.index(job))
    with qtbot.waitSignal(page.sig_refreshed, timeout=WAIT_MS):
        page.reprint_button.click()  # a cancelled Mẫu 01 printed again on request
    assert page.status_line.text() == "Đã in."
    assert any(services.data_dir.joinpath("prints").glob(f"*/receipt-{code}-*.pdf"))


def test_office_printing_choices_are_kept_per_kind(qtbot: QtBot, fake_services: Any, vi: None) -> None:
    admin = DeviceAdmin(_settings_path(), FakeTools())
    page = _page(qtbot, fake_services, admin)
    page.tabs.setCurrentIndex(1)
    page.office_kind.setCurrentIndex(page.office_kind.findData("receipt"))
    page.office_paper.setCurrentIndex(page.office_paper.findData("A5"))
    page.office_copies.setValue(2)
    page.office_save.click()
    assert office_choice(admin.settings(), "receipt") == OfficeChoice(None, "A5", 2)
    assert office_choice(admin.settings(), "book") == OfficeChoice()
    page.office_kind.setCurrentIndex(page.office_kind.findData("book"))
    assert (page.office_paper.currentText(), page.office_copies.value()) == ("A4", 1)
    page.office_kind.setCurrentIndex(page.office_kind.findData("receipt"))
    assert (page.office_paper.currentText(), page.office_copies.value()) == ("A5", 2)
