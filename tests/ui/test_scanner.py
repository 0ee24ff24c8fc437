"""Keyboard-wedge scanner filter: a fast burst ending in Enter is a scan; people typing are left alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from counter_app.ui.scanner import KeyboardWedgeFilter
from tests.ui.wedge import CR, LF, TAB, KeyClock, Wedge

CODE = "000.00.06.H27-261130-0001"
HUMAN_DELAY_MS = 120  # a quick typist: still far slower than a scanner


class _Window(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.edit = QLineEdit()
        self.other = QLineEdit()
        self.entered: list[str] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.other)
        self.edit.returnPressed.connect(lambda: self.entered.append(self.edit.text()))


class _BusyDialog(QDialog):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.note = QLabel()
        self.taken: list[str] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.note)

    def take_scan(self, code: str) -> None:
        self.taken.append(code)
        self.note.setText(f"scanned {code}")


@pytest.fixture
def scanner(qapp: QApplication) -> Iterator[KeyboardWedgeFilter]:
    wedge = KeyboardWedgeFilter(max_gap_ms=40)
    qapp.installEventFilter(wedge)
    yield wedge
    qapp.removeEventFilter(wedge)
    wedge.deleteLater()


@pytest.fixture
def window(qtbot: QtBot, scanner: KeyboardWedgeFilter) -> _Window:
    window = _Window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.edit.setFocus()
    return window


def _scan(qtbot: QtBot, widget: QWidget, text: str, terminator: Qt.Key = Qt.Key.Key_Return) -> None:
    qtbot.keyClicks(widget, text)  # no delay: as fast as a scanner
    qtbot.keyClick(widget, terminator)


def test_a_fast_burst_ending_in_enter_is_a_scan_and_never_reaches_the_field(
    qtbot: QtBot, scanner: KeyboardWedgeFilter, window: _Window
) -> None:
    scans: list[str] = []
    scanner.add_target(window, scans.append)
    emitted: list[str] = []
    scanner.sig_scanned.connect(emitted.append)

    _scan(qtbot, window.edit, CODE)

    assert emitted == [CODE] and scans == [CODE]
    qtbot.wait(80)  # nothing is replayed later either
    assert window.edit.text() == ""
    assert window.entered == []  # the Enter was the scanner's, not the clerk's


def test_tab_also_ends_a_scan(qtbot: QtBot, scanner: KeyboardWedgeFilter, window: _Window) -> None:
    scans: list[str] = []
    scanner.add_target(window, scans.append)

    _scan(qtbot, window.edit, "EB123456785VN", Qt.Key.Key_Tab)

    assert scans == ["EB123456785VN"]
    assert window.edit.hasFocus()  # the Tab did not move the focus


def test_a_person_typing_gets_every_key_and_their_enter(
    qtbot: QtBot, scanner: KeyboardWedgeFilter, window: _Window
) -> None:
    scans: list[str] = []
    scanner.add_target(window, scans.append)

    qtbot.keyClicks(window.edit, "nguyen van a", delay=HUMAN_DELAY_MS)
    qtbot.wait(HUMAN_DELAY_MS)
    qtbot.keyClick(window.edit, Qt.Key.Key_Return)

    assert scans == []
    assert window.edit.text() == "nguyen van a"
    assert window.entered == ["nguyen van a"]


def test_fast_keys_without_a_terminator_are_typing_and_arrive_in_order(
    qtbot: QtBot, scanner: KeyboardWedgeFilter, window: _Window
) -> None:
    scanner.add_target(window, lambda _code: None)

    qtbot.keyClicks(window.edit, "0912345678")  # pasted-speed digits, then a pause
    qtbot.waitUntil(lambda: window.edit.text() == "0912345678", timeout=1_000)
    qtbot.keyClick(window.edit, Qt.Key.Key_Backspace, delay=HUMAN_DELAY_MS)

    assert window.edit.text() == "091234567"


def test_a_short_fast_pair_then_enter_is_not_a_scan(
    qtbot: QtBot, scanner: KeyboardWedgeFilter, window: _Window
) -> None:
    scans: list[str] = []
    scanner.add_target(window, scans.append)

    _scan(qtbot, window.edit, "ab")

    assert scans == []
    assert window.edit.text() == "ab" and window.entered == ["ab"]


def test_keys_of_windows_without_a_scan_target_pass_straight_through(
    qtbot: QtBot, scanner: KeyboardWedgeFilter, window: _Window
) -> None:
    scans: list[str] = []
    emitted: list[str] = []
    scanner.sig_scanned.connect(emitted.append)
    login = _Window()  # like the login window: nobody there takes scans
    qtbot.addWidget(login)
    login.show()
    qtbot.waitExposed(login)
    scanner.add_target(window, scans.append)

    _scan(qtbot, login.edit, "admin01demo123")

    assert login.edit.text() == "admin01demo123"  # at once, nothing held back
    assert login.entered == ["admin01demo123"]
    assert emitted == [] and scans == []


def test_a_scan_while_a_dialog_is_open_goes_to_the_dialog_and_keeps_its_text(
    qtbot: QtBot, scanner: KeyboardWedgeFilter, window: _Window
) -> None:
    page_scans: list[str] = []
    scanner.add_target(window, page_scans.append)
    dialog = _BusyDialog(window)
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.edit.setFocus()
    qtbot.keyClicks(dialog.edit, "Tran", delay=HUMAN_DELAY_MS)
    qtbot.waitUntil(lambda: dialog.edit.text() == "Tran", timeout=1_000)

    _scan(qtbot, dialog.edit, CODE)

    assert dialog.taken == [CODE] and page_scans == []
    assert dialog.edit.text() == "Tran"
    assert dialog.note.text() == f"scanned {CODE}"


def test_the_page_that_is_visible_gets_the_scan_and_a_fallback_takes_the_rest(
    qtbot: QtBot, scanner: KeyboardWedgeFilter, window: _Window
) -> None:
    visible: list[str] = []
    hidden: list[str] = []
    fallback: list[str] = []
    hidden_page = QWidget(window)
    hidden_page.hide()
    scanner.add_target(hidden_page, hidden.append)
    scanner.add_target(hidden_page, fallback.append, fallback=True)
    scanner.add_target(window.other, visible.append)

    _scan(qtbot, window.edit, CODE)
    window.other.hide()
    _scan(qtbot, window.edit, "000.00.06.H27-261130-0002")

    assert visible == [CODE]
    assert hidden == [] and fallback == ["000.00.06.H27-261130-0002"]


def test_a_destroyed_target_stops_the_filter_watching_its_window(
    qtbot: QtBot, scanner: KeyboardWedgeFilter, window: _Window
) -> None:
    page = QWidget(window)
    scanner.add_target(page, lambda _code: None)
    page.deleteLater()
    qtbot.wait(10)

    qtbot.keyClicks(window.edit, "abcd")

    assert window.edit.text() == "abcd"  # not held back: nothing here takes scans any more


# -- what real wedge scanners send: Shift around capitals, AIM prefix, CR/LF/Tab, 2–20 ms ------

S10 = "EB123456785VN"


@pytest.fixture
def wedge_clock() -> KeyClock:
    return KeyClock()


@pytest.fixture
def timed_scanner(qapp: QApplication, wedge_clock: KeyClock) -> Iterator[KeyboardWedgeFilter]:
    wedge = KeyboardWedgeFilter(clock_ms=wedge_clock)  # the shipped 30 ms gap
    qapp.installEventFilter(wedge)
    yield wedge
    qapp.removeEventFilter(wedge)
    wedge.deleteLater()


@pytest.fixture
def timed_window(qtbot: QtBot, timed_scanner: KeyboardWedgeFilter) -> _Window:
    window = _Window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.edit, timeout=2_000)
    return window


@pytest.mark.parametrize("ms_per_key", [2, 10, 20])
@pytest.mark.parametrize("prefix", ["", "]C0"])
@pytest.mark.parametrize("suffix", [CR, LF, CR + LF, TAB])
@pytest.mark.parametrize("code", [CODE, S10])
def test_a_wedge_that_presses_shift_for_capitals_gives_the_whole_code(
    qtbot: QtBot,
    timed_scanner: KeyboardWedgeFilter,
    timed_window: _Window,
    wedge_clock: KeyClock,
    ms_per_key: int,
    prefix: str,
    suffix: str,
    code: str,
) -> None:
    scans: list[str] = []
    timed_scanner.add_target(timed_window, scans.append)
    # A key is a press and a release; Shift adds two more events around a capital letter.
    wedge = Wedge(wedge_clock, ms_per_event=ms_per_key / 2)

    wedge.scan(code, prefix=prefix, suffix=suffix)
    qtbot.wait(60)  # the flush timer would have replayed anything left behind

    assert scans == [code], wedge.sent
    assert timed_window.edit.text() == ""  # no piece of the code landed in the field
    assert timed_window.entered == []  # neither CR nor the LF after it reached the field
    assert timed_window.edit.hasFocus()  # a Tab suffix did not move the focus


def test_two_scans_in_a_row_with_cr_lf_are_two_codes(
    qtbot: QtBot, timed_scanner: KeyboardWedgeFilter, timed_window: _Window, wedge_clock: KeyClock
) -> None:
    scans: list[str] = []
    timed_scanner.add_target(timed_window, scans.append)
    wedge = Wedge(wedge_clock, ms_per_event=5)

    wedge.scan(CODE, suffix=CR + LF)
    wedge_clock.advance(400)  # the clerk picks up the next paper
    wedge.scan(S10, prefix="]C0", suffix=CR + LF)

    assert scans == [CODE, S10]
    assert timed_window.edit.text() == "" and timed_window.entered == []


def test_a_name_typed_at_20_ms_a_key_then_tab_goes_to_the_field_in_order(
    qtbot: QtBot, timed_scanner: KeyboardWedgeFilter, timed_window: _Window, wedge_clock: KeyClock
) -> None:
    scans: list[str] = []
    timed_scanner.add_target(timed_window, scans.append)
    typist = Wedge(wedge_clock, ms_per_event=10)  # 20 ms a key, Shift for the capitals

    typist.type("Nguyen Van An")
    typist.terminator(TAB)

    assert scans == []
    assert timed_window.edit.text() == "Nguyen Van An"
    assert timed_window.other.hasFocus()  # the Tab was the typist's: it moved to the next field


def test_fast_typing_without_a_terminator_reaches_the_field_whole(
    qtbot: QtBot, timed_scanner: KeyboardWedgeFilter, timed_window: _Window, wedge_clock: KeyClock
) -> None:
    timed_scanner.add_target(timed_window, lambda _code: None)
    typist = Wedge(wedge_clock, ms_per_event=10)

    typist.type("Tran Thi B, To 3")
    qtbot.waitUntil(lambda: timed_window.edit.text() == "Tran Thi B, To 3", timeout=1_000)
    typist.type("X")
    qtbot.waitUntil(lambda: timed_window.edit.text() == "Tran Thi B, To 3X", timeout=1_000)


def test_a_typed_word_then_enter_is_typing_and_the_enter_is_the_clerks(
    qtbot: QtBot, timed_scanner: KeyboardWedgeFilter, timed_window: _Window, wedge_clock: KeyClock
) -> None:
    scans: list[str] = []
    timed_scanner.add_target(timed_window, scans.append)

    Wedge(wedge_clock, ms_per_event=8).scan("Khai sinh", suffix=CR)

    assert scans == []
    assert timed_window.edit.text() == "Khai sinh"
    assert timed_window.entered == ["Khai sinh"]


def test_a_slow_pause_inside_a_code_is_not_a_scan(
    qtbot: QtBot, timed_scanner: KeyboardWedgeFilter, timed_window: _Window, wedge_clock: KeyClock
) -> None:
    scans: list[str] = []
    timed_scanner.add_target(timed_window, scans.append)
    wedge = Wedge(wedge_clock, ms_per_event=5)

    wedge.type("H27-2611")
    wedge_clock.advance(200)  # a person, not a scanner
    wedge.scan("30", suffix=CR)

    assert scans == []
    assert timed_window.edit.text() == "H27-261130"
    assert timed_window.entered == ["H27-261130"]


def test_a_password_typed_fast_with_enter_is_never_a_scan(
    qtbot: QtBot, timed_scanner: KeyboardWedgeFilter, timed_window: _Window, wedge_clock: KeyClock
) -> None:
    scans: list[str] = []
    emitted: list[str] = []
    timed_scanner.add_target(timed_window, scans.append)
    timed_scanner.sig_scanned.connect(emitted.append)
    timed_window.edit.setEchoMode(QLineEdit.EchoMode.Password)

    Wedge(wedge_clock, ms_per_event=5).scan("Demo1234", suffix=CR)  # code-shaped, scanner-fast

    assert scans == [] and emitted == []  # a password never travels as a scan (nor into the log)
    assert timed_window.edit.text() == "Demo1234"
    assert timed_window.entered == ["Demo1234"]
