"""Assign on the Devices screen starts that role's driver again at once, without starting the program
again (issue 11): the old driver is closed, the new one started (a scanner, a board, the receipt
printer, over ptys); Remove stops it; a scanner's Test lets go of the running reader's port meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from counter_app.services.devices import DeviceState
from counter_app.ui.devices_page import DevicesPage
from counter_app.ui.main_window import CounterContext
from counter_app.ui.scanner import scan_filter
from tests.fake_printer import FakeSerialPrinter
from tests.fake_serial_scanner import FakeScanner
from tests.integration.test_boards import pty_board  # noqa: F401 - pty_board is a fixture
from tests.integration.test_queue_service import NV01, Q8, K, _seed
from tests.ui.dossier_stand import WAIT_MS


@pytest.fixture
def scanners(tmp_path: Path) -> Iterator[tuple[FakeScanner, FakeScanner]]:
    first, second = FakeScanner(tmp_path / "ttyOld"), FakeScanner(tmp_path / "ttyNew")
    yield first, second
    first.close()
    second.close()


def _page(qtbot: QtBot, services: Any) -> DevicesPage:
    session, counter = services.demo_session()
    page = DevicesPage(CounterContext(services, replace(session, role="admin"), counter))
    assert page.admin is not None  # the real DeviceAdmin of the services (settings file, drivers' tools)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    with qtbot.waitSignals([page.sig_refreshed] * 2, timeout=WAIT_MS):
        page.page_shown()
    return page


def _assign(qtbot: QtBot, page: DevicesPage, role: str, uri: str, *, board: int | None = None,
            protocol: str = "", address: int = -1, profile: str = "") -> None:
    page.role_combo.setCurrentIndex(page.role_combo.findData("board" if board is not None else role))
    if board is not None:
        page.board_number.setValue(board)
        page.protocol_edit.setText(protocol)
        page.address_spin.setValue(address)
    page.uri_edit.setText(uri)
    page.profile_edit.setText(profile)
    page.status_line.show_message("", "info")
    page.assign_button.click()
    qtbot.waitUntil(lambda: page.status_line.text() != "", timeout=WAIT_MS)


def test_a_scanner_assigned_on_the_screen_reads_at_once_and_its_test_does_not_race_the_reader(
    qtbot: QtBot, services: Any, scanners: tuple[FakeScanner, FakeScanner], vi: None
) -> None:
    old, new = scanners
    services.settings = replace(services.settings, devices={"scanner": {"uri": f"serial://{old.link}"}})
    stop = services.start_scanner(scan_filter().inject)  # as the counter role does when the store opens
    assert stop is not None
    seen: list[str] = []
    scan_filter().sig_scanned.connect(seen.append)
    board = services.device_board
    try:
        qtbot.waitUntil(lambda: board.statuses().get("scanner") is not None and board.statuses()["scanner"].ok,
                        timeout=WAIT_MS)
        old.scan("OLD0001")
        qtbot.waitUntil(lambda: seen == ["OLD0001"], timeout=WAIT_MS)

        page = _page(qtbot, services)
        _assign(qtbot, page, "scanner", f"serial://{new.link}?baud=115200")
        assert page.status_line.text() == f"Máy quét nay là serial://{new.link}?baud=115200, đang được dùng."
        qtbot.waitUntil(lambda: board.statuses()["scanner"].ok, timeout=WAIT_MS)
        new.scan("NEW0001", aim="]C0")
        qtbot.waitUntil(lambda: seen[-1:] == ["NEW0001"], timeout=WAIT_MS)
        old.scan("OLD0002")  # the old port is no longer read
        qtbot.wait(300)
        assert "OLD0002" not in seen

        page.test_button("scanner").click()
        qtbot.wait(400)  # the test has the port now (the running reader let go of it)
        with qtbot.waitSignal(page.sig_tested, timeout=WAIT_MS) as tested:
            new.scan("TEST0001")
        assert tested.args[0].ok and tested.args[0].shown == "TEST0001"
        assert "TEST0001" not in seen  # read by the test alone, never searched by a page
        qtbot.waitUntil(lambda: board.statuses()["scanner"].ok, timeout=WAIT_MS)
        qtbot.wait(200)
        new.scan("NEW0002")  # after the test the app reads the scanner again
        qtbot.waitUntil(lambda: seen[-1:] == ["NEW0002"], timeout=WAIT_MS)

        page.role_combo.setCurrentIndex(page.role_combo.findData("scanner"))
        page.remove_button.click()
        qtbot.waitUntil(lambda: board.statuses()["scanner"].state is DeviceState.NOT_SET, timeout=WAIT_MS)
        new.scan("NEW0003")  # removed: nothing reads it any more
        qtbot.wait(300)
        assert "NEW0003" not in seen
    finally:
        scan_filter().sig_scanned.disconnect(seen.append)
        services.stop_scanner()


def test_a_board_assigned_on_the_screen_shows_the_next_call_without_a_restart(
    qtbot: QtBot, services: Any, pty_board: Any, vi: None  # noqa: F811
) -> None:
    _seed(services.uow)
    first_port, first = pty_board("sum-frame", addresses=(8,))
    services.settings = replace(services.settings, devices={
        "board-8": {"uri": f"serial://{first_port}", "protocol": "sum-frame", "address": 8}})
    stop = services.start_boards()
    assert stop is not None
    try:
        page = _page(qtbot, services)
        second_port, second = pty_board("ascii-line")
        _assign(qtbot, page, "", f"serial://{second_port}", board=8, protocol="ascii-line")
        assert page.status_line.text().endswith("đang được dùng.")
        ticket = services.queue.issue_ticket(K, request_key="after-assign")
        services.queue.call_next(Q8, NV01)
        shown = second.expect(lambda r: "number" in r)
        assert shown == {"address": None, "number": ticket.number, "blink": True}  # ascii-line sends the label
        assert not [r for r in first.drain() if "number" in r]  # the board set before is closed, sent nothing
    finally:
        services.stop_boards()


def test_a_receipt_printer_assigned_on_the_screen_takes_the_next_receipt(
    qtbot: QtBot, services: Any, vi: None
) -> None:
    from tests.integration.test_print_jobs import desk_of
    from tests.integration.test_print_queue import paid_intake

    printer = FakeSerialPrinter()
    try:
        assert services.printing.receipt_queue is None  # none set when the program started
        page = _page(qtbot, services)
        _assign(qtbot, page, "receipt-printer", f"serial://{printer.port}?baud=115200", profile="TM-T20II")
        assert page.status_line.text().endswith("đang được dùng.")
        queue = services.printing.receipt_queue
        assert queue is not None and queue.printer.profile == "TM-T20II"
        _result, job_id = paid_intake(services)
        outcome = services.printing.work_off(job_id, desk_of(services))
        assert outcome.ok and outcome.job.path is None  # on the paper, not a file
        assert printer.model.job().startswith(b"\x1b@")
        page.role_combo.setCurrentIndex(page.role_combo.findData("receipt-printer"))
        page.status_line.show_message("", "info")
        page.remove_button.click()
        qtbot.waitUntil(lambda: page.status_line.text() != "", timeout=WAIT_MS)
        assert page.status_line.text() == "Máy in hóa đơn nay không có thiết bị."
        assert services.printing.receipt_queue is None
    finally:
        queue = services.printing.receipt_queue
        if queue is not None:
            queue.close()
            queue.printer.close()
        printer.close()


def test_an_office_printer_assigned_on_the_screen_prints_the_next_form_and_remove_gives_the_page_printer_back(
    qtbot: QtBot, services: Any, tmp_path: Path, vi: None
) -> None:
    from counter_app.services.documents import DocumentKind
    from counter_app.ui.counter_role import CounterRole
    from counter_app.ui.office_printer import OfficePrinter
    from tests.ui.test_office_printer import _desk, _pages, _receive

    role = CounterRole(lambda: services)  # installs the office printer of this PC, none set yet
    role.start()
    qtbot.addWidget(role.login_window)
    qtbot.waitUntil(lambda: role.services is not None, timeout=WAIT_MS)
    virtual = services.printing.printer
    assert not isinstance(virtual, OfficePrinter)
    out = tmp_path / "office.pdf"
    page = _page(qtbot, services)
    _assign(qtbot, page, "office-printer", f"file://{out}")
    assert page.status_line.text().endswith("đang được dùng.")
    assert isinstance(services.printing.printer, OfficePrinter)
    code = _receive(services)
    assert services.printing.print(DocumentKind.CONTROL, code, _desk(services)).ok
    assert out.exists() and _pages(out)  # the form went to the printer assigned a moment ago
    _assign(qtbot, page, "office-printer", f"file://{tmp_path / 'again.pdf'}")  # assigned again: replaced
    assert services.printing.printer._images is virtual  # never stacked on the one before
    page.role_combo.setCurrentIndex(page.role_combo.findData("office-printer"))
    page.status_line.show_message("", "info")
    page.remove_button.click()
    qtbot.waitUntil(lambda: page.status_line.text() != "", timeout=WAIT_MS)
    assert services.printing.printer is virtual
