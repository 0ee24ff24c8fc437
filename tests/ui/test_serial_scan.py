"""Serial scans through the real counter window: a code read on a pty opens the dossier on the return
screen (whichever screen is open gets it), and a keyboard-wedge scan rewritten by Unikey gets a hint."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt, QThread
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from counter_app.ui.handover import HandoverPage
from counter_app.ui.returns import ReturnPage
from counter_app.ui.scanner import KeyboardWedgeFilter, scan_filter
from tests.fake_serial_scanner import FakeScanner
from tests.ui.dossier_stand import WAIT_MS, demo_desk, open_window, show_page
from tests.ui.test_return_ui import ready, receive
from tests.ui.wedge import CR, KeyClock, Wedge


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeScanner]:
    scanner = FakeScanner(tmp_path / "ttyScanner")
    yield scanner
    scanner.close()


@pytest.fixture
def serial_scanner(services: Any, fake: FakeScanner) -> Iterator[Any]:
    """The PC's settings name the pty as its scanner; the app starts it as counter_role does."""
    services.settings = replace(services.settings, devices={"scanner": {"uri": f"serial://{fake.link}?baud=115200"}})
    stop = services.start_scanner(scan_filter().inject)
    assert stop is not None
    yield services.device_board
    stop()


def test_a_serial_scan_opens_the_dossier_on_the_return_screen_and_goes_to_the_screen_that_is_open(
    qtbot: QtBot, services: Any, fake: FakeScanner, serial_scanner: Any
) -> None:
    desk = demo_desk(services)
    code = receive(services, desk)
    ready(services, desk, code)
    waiting = receive(services, desk, name="Trần Văn Bình")
    qtbot.waitUntil(lambda: serial_scanner.statuses().get("scanner") is not None
                    and serial_scanner.statuses()["scanner"].ok, timeout=WAIT_MS)
    window = open_window(qtbot, services)

    page = show_page(qtbot, window, ReturnPage)
    fake.scan(code, aim="]C0", end=b"\r\n")
    qtbot.waitUntil(lambda: page.opened is not None and page.opened.summary.code == code, timeout=WAIT_MS)
    assert page.code_label.text().endswith(code) or code in page.code_label.text()
    assert page.search_edit.text() == ""  # the code never went through the keyboard

    handover = show_page(qtbot, window, HandoverPage)
    qtbot.wait(50)  # the next scan comes after a pause, as a person scans
    fake.scan(waiting)
    qtbot.waitUntil(lambda: handover.batch_codes() == [waiting], timeout=WAIT_MS)
    assert page.opened is not None and page.opened.summary.code == code  # the return screen kept its dossier


def test_inject_from_another_thread_reaches_the_gui_thread(qtbot: QtBot, qapp: QApplication) -> None:
    wedge = KeyboardWedgeFilter()
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    got: list[tuple[str, bool]] = []
    wedge.add_target(widget, lambda c: got.append((c, QThread.currentThread() is qapp.thread())))

    worker = threading.Thread(target=wedge.inject, args=("EB123456785VN",))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(got), timeout=2_000)
    assert got == [("EB123456785VN", True)]


def _unikey_scan(wedge: Wedge, typed: list[str]) -> None:
    """Keys as Unikey passes them on: a "\b" is its Backspace before the letter it rewrote."""
    for char in typed:
        if char == "\b":
            wedge._send(QEvent.Type.KeyPress, Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier, "\b")
            wedge._send(QEvent.Type.KeyRelease, Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier, "\b")
        else:
            wedge.key(char)
    wedge.key(CR)


@pytest.fixture
def test_clock() -> Iterator[KeyClock]:
    wedge = scan_filter()
    clock = KeyClock()
    before_clock, before_gap = wedge._clock_ms, wedge.max_gap_ms
    wedge._clock_ms = clock
    wedge.set_max_gap(30)
    yield clock
    wedge._clock_ms = before_clock
    wedge.set_max_gap(before_gap)


def test_a_wedge_scan_rewritten_by_telex_gets_the_input_method_hint_not_not_found(
    qtbot: QtBot, services: Any, test_clock: KeyClock
) -> None:
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ReturnPage)
    page.search_edit.setFocus()
    refused: list[str] = []
    scan_filter().sig_scan_refused.connect(refused.append)
    try:
        # Telex: the scanner types D D H Q G …; Unikey passes the first D, then Backspace and Đ
        _unikey_scan(Wedge(test_clock), ["D", "\b", "Đ", *"HQG.H27-261130-0001"])
    finally:
        scan_filter().sig_scan_refused.disconnect(refused.append)

    assert len(refused) == 1 and "bộ gõ tiếng Việt" in refused[0] and "ĐHQG.H27-261130-0001" in refused[0]
    assert page.status.text() == refused[0]
    assert page.search_edit.text() == ""  # nothing typed into the search, no search made
    assert page.opened is None
    qtbot.wait(100)
    assert page.status.text() == refused[0]  # no "not found" came after it


def test_fast_typing_with_a_backspace_and_no_terminator_reaches_the_field_unchanged(
    qtbot: QtBot, services: Any, test_clock: KeyClock
) -> None:
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ReturnPage)
    page.search_edit.setFocus()
    wedge = Wedge(test_clock)
    for char in ["N", "g", "\b", "g", "u"]:
        if char == "\b":
            wedge._send(QEvent.Type.KeyPress, Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier, "\b")
        else:
            wedge.key(char)
    test_clock.advance(100)
    qtbot.waitUntil(lambda: page.search_edit.text() == "Ngu", timeout=2_000)
    assert page.opened is None


def test_the_counter_role_starts_the_serial_scanner_of_this_pc_when_the_store_opens(
    qtbot: QtBot, services: Any, fake: FakeScanner
) -> None:
    from counter_app.ui.counter_role import CounterRole

    services.settings = replace(services.settings, devices={"scanner": {"uri": f"serial://{fake.link}"}})
    role = CounterRole(lambda: services)
    role.start()
    qtbot.addWidget(role.login_window)
    qtbot.waitUntil(role.login_window.login_button.isEnabled, timeout=WAIT_MS)
    assert role.stop_scanner is not None
    seen: list[str] = []
    scan_filter().sig_scanned.connect(seen.append)
    try:
        qtbot.waitUntil(lambda: services.device_board.statuses().get("scanner") is not None
                        and services.device_board.statuses()["scanner"].ok, timeout=WAIT_MS)
        fake.scan("EB123456785VN", aim="]C0")
        qtbot.waitUntil(lambda: seen == ["EB123456785VN"], timeout=WAIT_MS)
    finally:
        scan_filter().sig_scanned.disconnect(seen.append)
        role.stop_scanner()
