"""The counter window's session menu: lock (Ctrl+L), sign out, change counter; the PC's state in the status bar."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QWidget,
)
from pytestqt.qtbot import QtBot

from counter_app.domain.dossier import Outcome
from counter_app.services.dossiers import IntakeComponent, IntakeRequest
from counter_app.ui.counter_role import CounterRole
from counter_app.ui.handover import HandoverPage
from counter_app.ui.main_window import CounterWindow
from tests.fakes import DEMO_PASSWORD, DEMO_USERNAME, FakeCounterAppServices
from tests.ui.dossier_stand import WAIT_MS, demo_desk, open_window, show_page
from tests.ui.stands import demo_password

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
FOOD_SAFETY = "2.000595"  # Sở Y tế


def _receive(services: Any, name: str) -> str:
    guide = services.procedure_guide(FOOD_SAFETY)
    request = IntakeRequest(
        request_key=uuid.uuid4().hex, procedure_code=FOOD_SAFETY, outcome=Outcome.COMPLETE,
        applicant_type="citizen", applicant_name=name, id_number="042090000111", phone="0987654321",
        components=tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components),
    )
    return str(services.dossiers.receive(request, demo_desk(services)).code)


def _visible_text(window: QWidget) -> str:
    """Every piece of text a person can read in the window now."""
    parts: list[str] = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel) or isinstance(widget, QLineEdit) and widget.echoMode() == QLineEdit.EchoMode.Normal:
            parts.append(widget.text())
        elif isinstance(widget, QTextBrowser):
            parts.append(widget.toPlainText())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
            for row in range(model.rowCount(QModelIndex())):
                for column in range(columns):
                    parts.append(str(model.data(model.index(row, column)) or ""))
    return "\n".join(parts)


@pytest.fixture
def roles() -> Iterator[list[CounterRole]]:
    """Roles made by a test; their windows (some already deleted by the role) are closed after it."""
    made: list[CounterRole] = []
    yield made
    for role in made:
        for window in (role.counter_window, role.select_window, role.login_window):
            if window is not None and shiboken6.isValid(window):
                window.close()
                window.deleteLater()


def _sign_in(qtbot: QtBot, role: CounterRole, username: str, password: str) -> None:
    role.start()
    login = role.login_window
    qtbot.waitUntil(login.login_button.isEnabled, timeout=WAIT_MS)
    qtbot.keyClicks(login.username_edit, username)
    qtbot.keyClicks(login.password_edit, password)
    qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: role.select_window is not None and role.select_window.isVisible(), timeout=WAIT_MS)


def _pick_counter(qtbot: QtBot, role: CounterRole, downs: int = 0) -> CounterWindow:
    select = role.select_window
    assert select is not None
    for _ in range(downs):
        qtbot.keyClick(select.counter_list, Qt.Key.Key_Down)
    qtbot.keyClick(select.counter_list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: role.counter_window is not None and role.counter_window.isVisible(), timeout=WAIT_MS)
    window = role.counter_window
    assert window is not None
    qtbot.waitUntil(lambda: role._duty_id is not None, timeout=WAIT_MS)  # the duty period is recorded
    return window


def _duty_rows(store: Path) -> tuple[int, int, int]:
    """(duty periods, of which ended, "closed" outbox ops)."""
    with sqlite3.connect(store) as db:
        periods = db.execute("SELECT count(*), count(ended_at) FROM counter_sessions").fetchone()
        closed = db.execute(
            "SELECT count(*) FROM outbox WHERE entity='counter_session' AND op='closed'"
        ).fetchone()[0]
    return periods[0], periods[1], closed


# -- lock ------------------------------------------------------------------------------------


def _locked_image(qtbot: QtBot, window: CounterWindow) -> QImage:
    """What the locked window looks like, once the PC's state is in the status bar."""
    window.lock()
    # Pages shown before (a wide dossier table) may have widened the window; locked, it is the lock alone.
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.width() == 1366, timeout=2_000)
    qtbot.waitUntil(lambda: window.pc_status_bar.label_of("voice") is not None, timeout=WAIT_MS)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2_000)
    qtbot.waitUntil(window.lock_screen.password_edit.hasFocus, timeout=2_000)
    flash = QApplication.cursorFlashTime()
    QApplication.setCursorFlashTime(0)  # a steady text cursor: two grabs comparable
    try:
        QApplication.processEvents()
        return window.grab().toImage()
    finally:
        QApplication.setCursorFlashTime(flash)


def test_ctrl_l_covers_the_dossiers_and_only_the_clerks_password_uncovers_them(
    qtbot: QtBot, services: Any
) -> None:
    code = _receive(services, "Phạm Thị Lan")
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, HandoverPage)
    page.agency_table.setCurrentIndex(page.agency_model.index(0, 0))
    assert page.dossier_table.isVisible()
    assert code in _visible_text(window) and "Phạm Thị Lan" in _visible_text(window)

    qtbot.keyClick(page.agency_table, Qt.Key.Key_L, CTRL)

    assert window.is_locked()
    assert not page.dossier_table.isVisible() and not page.agency_table.isVisible()
    assert not any(d.isVisible() for d in window.findChildren(QDockWidget))  # the queue too
    text = _visible_text(window)
    assert code not in text and "Phạm Thị Lan" not in text
    assert "Màn hình đã khóa" in text
    qtbot.waitUntil(window.lock_screen.password_edit.hasFocus)
    assert window.lock_screen.username_edit.text() == window.context.session.username
    assert not window.menuBar().isEnabled()
    qtbot.keyClick(window.lock_screen.password_edit, Qt.Key.Key_3, CTRL)  # no way round the lock
    assert window.is_locked() and not page.dossier_table.isVisible()
    other = open_window(qtbot, services)  # the same counter with nothing open: the lock looks the same
    assert _locked_image(qtbot, window) == _locked_image(qtbot, other)
    other.close()
    window.activateWindow()

    qtbot.keyClicks(window.lock_screen.password_edit, "sai-mat-khau")
    qtbot.keyClick(window.lock_screen.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.lock_screen.status_label.property("tone") == "error", timeout=WAIT_MS)
    assert window.lock_screen.status_label.text().startswith("Sai tên đăng nhập hoặc mật khẩu")
    assert window.is_locked() and not page.dossier_table.isVisible()
    assert code not in _visible_text(window)

    qtbot.keyClicks(window.lock_screen.password_edit, demo_password(window.context.session.username))
    qtbot.keyClick(window.lock_screen.password_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: not window.is_locked(), timeout=WAIT_MS)
    assert page.dossier_table.isVisible()
    assert code in _visible_text(window)
    assert window.menuBar().isEnabled()
    assert any(d.isVisible() for d in window.findChildren(QDockWidget))


def test_the_session_menu_names_its_commands_and_their_keys(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    window = open_window(qtbot, fake_services)

    menu = window.session_menu
    assert menu.title().replace("&", "") == "Phiên làm việc"
    entries = [(a.text(), a.shortcut().toString()) for a in menu.actions() if not a.isSeparator()]
    assert entries == [
        ("Khóa màn hình", "Ctrl+L"),
        ("Đổi quầy…", "Ctrl+Shift+C"),
        ("Đăng xuất", "Ctrl+Shift+Q"),
    ]


def test_the_screen_locks_itself_after_the_idle_time_set_at_start(
    qtbot: QtBot, fake_services: FakeCounterAppServices, roles: list[CounterRole]
) -> None:
    from counter_app.ui.app import build_parser

    args = build_parser().parse_args(["--lock-after", "0.02"])  # 1.2 s without a key or a click
    role = CounterRole(lambda: fake_services, idle_lock_minutes=args.lock_after)
    roles.append(role)
    _sign_in(qtbot, role, DEMO_USERNAME, DEMO_PASSWORD)
    window = _pick_counter(qtbot, role)
    assert not window.is_locked()

    qtbot.waitUntil(window.is_locked, timeout=5_000)
    assert window.lock_screen.isVisible() and not window.tabs.isVisible()

def test_another_staff_member_signing_in_on_the_lock_screen_signs_the_first_out(
    qtbot: QtBot, fake_services: FakeCounterAppServices, roles: list[CounterRole]
) -> None:
    fake_services.staff["nv.hoa"].centre_id = fake_services.demo_session()[0].centre_id
    role = CounterRole(lambda: fake_services)
    roles.append(role)
    _sign_in(qtbot, role, DEMO_USERNAME, DEMO_PASSWORD)
    window = _pick_counter(qtbot, role)
    qtbot.keyClick(window.tabs, Qt.Key.Key_L, CTRL)
    lock = window.lock_screen

    lock.username_edit.clear()
    qtbot.keyClicks(lock.username_edit, "nv.hoa")
    qtbot.keyClicks(lock.password_edit, DEMO_PASSWORD)
    qtbot.keyClick(lock.password_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: role.select_window is not None and role.select_window.isVisible(), timeout=WAIT_MS)
    assert fake_services.closed_duties == ["duty-1"]  # the first clerk's duty period ended
    assert role.counter_window is None and not (shiboken6.isValid(window) and window.isVisible())
    assert "Trần Văn Hòa" in _visible_text(role.select_window)


# -- sign out, change counter ------------------------------------------------------------------


def test_sign_out_returns_to_the_login_and_ends_the_duty_period_once(
    qtbot: QtBot, services: Any, roles: list[CounterRole]
) -> None:
    session, _counter = services.demo_session()
    role = CounterRole(lambda: services)
    roles.append(role)
    _sign_in(qtbot, role, session.username, demo_password(session.username))
    window = _pick_counter(qtbot, role)
    assert _duty_rows(services.store_path) == (1, 0, 0)

    qtbot.keyClick(window.tabs, Qt.Key.Key_Q, CTRL_SHIFT)

    qtbot.waitUntil(role.login_window.isVisible, timeout=WAIT_MS)
    assert role.counter_window is None and not (shiboken6.isValid(window) and window.isVisible())
    assert role.login_window.password_edit.text() == ""
    assert role.login_window.login_button.isEnabled()
    qtbot.waitUntil(lambda: _duty_rows(services.store_path) == (1, 1, 1), timeout=WAIT_MS)
    qtbot.wait(300)
    assert _duty_rows(services.store_path) == (1, 1, 1)  # recorded once, not again on close


def test_change_counter_goes_back_to_the_choice_and_the_queue_serves_the_new_counter(
    qtbot: QtBot, services: Any, roles: list[CounterRole]
) -> None:
    session, _counter = services.demo_session()
    counters = services.counters(session.centre_id)
    assert len(counters) >= 2
    role = CounterRole(lambda: services)
    roles.append(role)
    _sign_in(qtbot, role, session.username, demo_password(session.username))
    first = _pick_counter(qtbot, role)
    first_dock = first.findChild(QDockWidget, "queueDock")
    assert first_dock is not None and first_dock.windowTitle() == f"Hàng đợi tại {first.context.counter_name}"

    qtbot.keyClick(first.tabs, Qt.Key.Key_C, CTRL_SHIFT)

    qtbot.waitUntil(lambda: role.select_window is not None and role.select_window.isVisible(), timeout=WAIT_MS)
    assert not (shiboken6.isValid(first) and first.isVisible()) and not role.login_window.isVisible()
    second = _pick_counter(qtbot, role, downs=1)
    assert second is not first
    assert second.context.session.staff_id == session.staff_id  # still signed in
    assert second.context.counter.id != first.context.counter.id
    dock = second.findChild(QDockWidget, "queueDock")
    assert dock is not None and dock.isVisible()
    assert dock.windowTitle() == f"Hàng đợi tại {second.context.counter_name}"
    assert second.queue_panel is not None and second.queue_panel._counter.id == second.context.counter.id
    qtbot.waitUntil(lambda: _duty_rows(services.store_path) == (2, 1, 1), timeout=WAIT_MS)


# -- the PC's state ---------------------------------------------------------------------------


def test_the_status_bar_shows_store_printer_and_voice_in_vietnamese(
    qtbot: QtBot, services: Any
) -> None:
    window = open_window(qtbot, services)
    bar = window.pc_status_bar
    qtbot.waitUntil(lambda: bar.label_of("voice") is not None, timeout=WAIT_MS)

    store, printer, voice = (bar.label_of(k) for k in ("store", "printer", "voice"))
    assert store is not None and printer is not None and voice is not None
    assert store.isVisible() and printer.isVisible() and voice.isVisible()
    assert store.text() == "● Kho dữ liệu"
    assert store.toolTip() == f"Dữ liệu của máy này nằm tại {services.store_path}."
    assert printer.text() == "● Máy in"
    assert printer.toolTip() == f"Giấy tờ được lưu thành tệp trong thư mục {services.data_dir / 'prints'} (máy in ảo)."
    assert voice.text() in {  # what this machine has: a player and a sound card, or not
        "● Giọng đọc", "○ Giọng đọc: đang tắt",
        "✖ Giọng đọc: không có trình phát âm thanh", "✖ Giọng đọc: không phát được",
    }
    assert voice.toolTip()


def test_a_printer_folder_that_cannot_be_written_shows_in_red(
    qtbot: QtBot, services: Any
) -> None:
    prints = services.data_dir / "prints"
    if prints.is_dir():
        prints.rename(services.data_dir / "prints-old")
    prints.write_text("not a folder")  # what a broken share or a mistaken copy leaves behind
    window = open_window(qtbot, services)
    bar = window.pc_status_bar
    qtbot.waitUntil(lambda: bar.label_of("printer") is not None, timeout=WAIT_MS)

    printer = bar.label_of("printer")
    assert printer is not None
    assert printer.text() == "✖ Máy in: không ghi được"
    assert printer.property("tone") == "error"
    assert printer.toolTip() == f"Không ghi được vào thư mục máy in {prints}: không in được giấy tờ."


def test_voice_switched_off_says_so(qtbot: QtBot, services: Any) -> None:
    from dataclasses import replace

    services.settings = replace(services.settings, voice=False)
    window = open_window(qtbot, services)
    bar = window.pc_status_bar
    qtbot.waitUntil(lambda: bar.label_of("voice") is not None, timeout=WAIT_MS)

    voice = bar.label_of("voice")
    assert voice is not None and voice.text() == "○ Giọng đọc: đang tắt"
    assert voice.toolTip() == "Máy này không đọc số gọi (cài đặt giọng đọc đang tắt)."


def test_voice_that_cannot_be_heard_says_why(qtbot: QtBot, services: Any) -> None:
    from counter_app.services.voice import NO_PLAYER, VoiceProblem

    class SilentAnnouncer:  # what WavClipPlayer reports on a PC without aplay, paplay …
        def problem(self) -> VoiceProblem:
            return VoiceProblem(NO_PLAYER, "aplay, paplay, pw-play, ffplay")

    services.announcer_factory = SilentAnnouncer
    window = open_window(qtbot, services)
    bar = window.pc_status_bar
    qtbot.waitUntil(lambda: bar.label_of("voice") is not None, timeout=WAIT_MS)

    voice = bar.label_of("voice")
    assert voice is not None and voice.text() == "✖ Giọng đọc: không có trình phát âm thanh"
    assert voice.property("tone") == "error"
    assert voice.toolTip() == (
        "Không đọc được số gọi: máy chưa cài trình phát âm thanh (đã tìm: aplay, paplay, pw-play, ffplay)."
    )
