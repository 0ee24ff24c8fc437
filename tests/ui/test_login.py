"""Login window: what the person at the counter sees while signing in, failing, and getting locked out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.ui.login import LoginWindow
from tests.fakes import DEMO_PASSWORD, DEMO_USERNAME, FakeCounterAppServices
from tests.ui.stands import Stand

LOGIN_TIMEOUT_MS = 15_000  # argon2 is slow on purpose


def _window(qtbot: QtBot, services: object | None) -> LoginWindow:
    window = LoginWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    if services is not None:
        window.set_services(services)  # type: ignore[arg-type]
    return window


def _type_and_submit(qtbot: QtBot, window: LoginWindow, username: str, password: str) -> None:
    window.username_edit.clear()
    window.password_edit.clear()
    qtbot.keyClicks(window.username_edit, username)
    qtbot.keyClicks(window.password_edit, password)
    qtbot.keyClick(window.password_edit, Qt.Key.Key_Return)


def _wait_idle(qtbot: QtBot, window: LoginWindow) -> None:
    qtbot.waitUntil(window.is_ready, timeout=LOGIN_TIMEOUT_MS)


def test_the_window_says_the_data_is_opening_and_waits_for_it(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    window = _window(qtbot, None)

    assert window.status_label.text() == "Đang mở dữ liệu…"
    assert not window.login_button.isEnabled()
    qtbot.keyClicks(window.username_edit, DEMO_USERNAME)
    qtbot.keyClicks(window.password_edit, DEMO_PASSWORD)  # typed, not yet submitted
    assert fake_services.login_calls == 0

    window.set_services(fake_services)

    assert window.login_button.isEnabled()
    assert "Đang mở dữ liệu" not in window.status_label.text()
    assert fake_services.login_calls == 0


def test_enter_pressed_while_the_data_opens_signs_in_once_it_is_open(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    window = _window(qtbot, None)
    qtbot.keyClicks(window.username_edit, DEMO_USERNAME)
    qtbot.keyClicks(window.password_edit, DEMO_PASSWORD)
    qtbot.keyClick(window.password_edit, Qt.Key.Key_Return)
    qtbot.keyClick(window.password_edit, Qt.Key.Key_Return)  # impatient: Enter again

    assert window.status_label.text() == "Đang mở dữ liệu… Bạn sẽ được đăng nhập ngay khi dữ liệu mở xong."
    assert fake_services.login_calls == 0

    with qtbot.waitSignal(window.sig_logged_in, timeout=LOGIN_TIMEOUT_MS):
        window.set_services(fake_services)

    qtbot.wait(100)
    assert fake_services.login_calls == 1
    assert window.status_label.text() == "Xin chào Nguyễn Thị Lan."


def test_the_right_password_signs_in(qtbot: QtBot, stand: Stand) -> None:
    window = _window(qtbot, stand.services)

    with qtbot.waitSignal(window.sig_logged_in, timeout=LOGIN_TIMEOUT_MS) as signal:
        _type_and_submit(qtbot, window, stand.username, stand.password)

    session = signal.args[0]
    assert session.username == stand.username
    assert session.full_name in window.status_label.text()
    assert window.password_edit.text() == ""
    assert not window.login_button.isEnabled()  # the counter choice is on its way

    window.reset()  # someone else signs in at this PC
    assert window.login_button.isEnabled()
    assert window.status_label.text() == "Sẵn sàng. Hãy nhập tên đăng nhập và mật khẩu."


def test_a_wrong_password_says_so_in_red_and_asks_again(qtbot: QtBot, stand: Stand) -> None:
    window = _window(qtbot, stand.services)

    _type_and_submit(qtbot, window, stand.username, "sai-mat-khau")
    _wait_idle(qtbot, window)

    assert window.status_label.text().startswith("Sai tên đăng nhập hoặc mật khẩu")
    assert window.status_label.property("tone") == "error"
    assert window.password_edit.text() == ""
    assert window.username_edit.text() == stand.username
    qtbot.waitUntil(window.password_edit.hasFocus)
    assert window.login_button.isEnabled()


def test_five_wrong_passwords_lock_the_account_until_a_stated_time(
    qtbot: QtBot, stand: Stand
) -> None:
    window = _window(qtbot, stand.services)

    for _attempt in range(5):
        _type_and_submit(qtbot, window, stand.username, "sai-mat-khau")
        _wait_idle(qtbot, window)
    if "bị khóa" not in window.status_label.text():
        # Whether the fifth failure or the next try reports the lock is the service's choice;
        # either way the right password no longer opens the account now.
        _type_and_submit(qtbot, window, stand.username, stand.password)
        _wait_idle(qtbot, window)

    text = window.status_label.text()
    assert text.startswith("Tài khoản đã bị khóa do nhập sai mật khẩu quá nhiều lần")
    assert "Hãy thử lại sau " in text
    assert "/20" in text  # the date the lock ends, e.g. "09:15, thứ Hai, 30/11/2026"
    assert window.status_label.property("tone") == "error"


def test_a_double_click_signs_in_once(qtbot: QtBot, fake_services: FakeCounterAppServices) -> None:
    fake_services.login_delay = 0.3
    window = _window(qtbot, fake_services)
    qtbot.keyClicks(window.username_edit, DEMO_USERNAME)
    qtbot.keyClicks(window.password_edit, DEMO_PASSWORD)

    with qtbot.waitSignal(window.sig_logged_in, timeout=LOGIN_TIMEOUT_MS):
        qtbot.mouseClick(window.login_button, Qt.MouseButton.LeftButton)
        assert not window.login_button.isEnabled()  # disabled while the check runs
        assert window.status_label.text() == "Đang kiểm tra…"
        qtbot.mouseClick(window.login_button, Qt.MouseButton.LeftButton)
        qtbot.keyClick(window.password_edit, Qt.Key.Key_Return)

    assert fake_services.login_calls == 1


def test_enter_in_the_username_moves_to_the_password(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    window = _window(qtbot, fake_services)
    qtbot.keyClicks(window.username_edit, DEMO_USERNAME)
    qtbot.keyClick(window.username_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(window.password_edit.hasFocus)
    assert fake_services.login_calls == 0


def test_empty_fields_are_asked_for_without_calling_the_service(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    window = _window(qtbot, fake_services)
    qtbot.mouseClick(window.login_button, Qt.MouseButton.LeftButton)

    assert window.status_label.text() == "Hãy nhập tên đăng nhập và mật khẩu."
    assert fake_services.login_calls == 0


def test_an_inactive_account_is_told_to_ask_a_supervisor(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    window = _window(qtbot, fake_services)
    _type_and_submit(qtbot, window, "nv.cu", DEMO_PASSWORD)
    _wait_idle(qtbot, window)

    assert window.status_label.text() == "Tài khoản này đã ngừng hoạt động. Hãy liên hệ người giám sát."


def test_a_store_that_cannot_open_keeps_signing_in_disabled(qtbot: QtBot) -> None:
    window = _window(qtbot, None)
    window.set_store_failed("Không tìm thấy kho dữ liệu tại /nowhere.")

    assert window.status_label.text() == "Không tìm thấy kho dữ liệu tại /nowhere."
    assert window.status_label.property("tone") == "error"
    assert not window.login_button.isEnabled()
