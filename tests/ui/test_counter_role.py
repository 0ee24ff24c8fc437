"""The counter role end to end on the fake: login while the store opens, pick a counter, work."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.ui.counter_role import CounterRole
from counter_app.ui.guide import GuidePage
from tests.fakes import DEMO_PASSWORD, DEMO_USERNAME, FakeCounterAppServices


def test_sign_in_pick_a_counter_and_land_on_the_guide(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    store_may_open = threading.Event()

    def open_store() -> FakeCounterAppServices:
        store_may_open.wait(5)
        return fake_services

    role = CounterRole(open_store)
    role.start()
    login = role.login_window
    qtbot.addWidget(login)
    qtbot.waitExposed(login)
    assert login.status_label.text() == "Đang mở dữ liệu…"  # shown before the store is open
    assert not login.login_button.isEnabled()

    store_may_open.set()
    qtbot.waitUntil(login.login_button.isEnabled)
    qtbot.keyClicks(login.username_edit, DEMO_USERNAME)
    qtbot.keyClicks(login.password_edit, DEMO_PASSWORD)
    qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: role.select_window is not None and role.select_window.isVisible())
    select = role.select_window
    assert select is not None
    qtbot.addWidget(select)
    assert not login.isVisible()
    qtbot.keyClick(select.counter_list, Qt.Key.Key_Down)
    qtbot.keyClick(select.counter_list, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: role.counter_window is not None and role.counter_window.isVisible())
    window = role.counter_window
    assert window is not None
    qtbot.addWidget(window)
    assert window.windowTitle().endswith("— Quầy 2 — Tư pháp – Hộ tịch")
    assert isinstance(window.current_page(), GuidePage)


def test_signing_in_as_someone_else_goes_back_to_the_login(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    role = CounterRole(lambda: fake_services)
    role.start()
    login = role.login_window
    qtbot.addWidget(login)
    qtbot.waitUntil(login.login_button.isEnabled)
    qtbot.keyClicks(login.username_edit, DEMO_USERNAME)
    qtbot.keyClicks(login.password_edit, DEMO_PASSWORD)
    qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: role.select_window is not None and role.select_window.isVisible())
    select = role.select_window
    assert select is not None

    qtbot.mouseClick(select.back_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(login.isVisible)
    assert role.select_window is None
    assert login.username_edit.text() == DEMO_USERNAME
    assert login.password_edit.text() == ""
    assert login.status_label.text() == "Sẵn sàng. Hãy nhập tên đăng nhập và mật khẩu."
    assert login.login_button.isEnabled()


def test_closing_the_counter_window_ends_the_duty_period(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    role = CounterRole(lambda: fake_services)
    role.start()
    login = role.login_window
    qtbot.addWidget(login)
    qtbot.waitUntil(login.login_button.isEnabled)
    qtbot.keyClicks(login.username_edit, DEMO_USERNAME)
    qtbot.keyClicks(login.password_edit, DEMO_PASSWORD)
    qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: role.select_window is not None and role.select_window.isVisible())
    assert role.select_window is not None
    qtbot.keyClick(role.select_window.counter_list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: role.counter_window is not None and len(fake_services.duties) == 1)
    window = role.counter_window
    assert window is not None
    qtbot.waitUntil(lambda: getattr(role, "_duty_id", None) is not None)
    window.close()
    qtbot.waitUntil(lambda: fake_services.closed_duties == ["duty-1"])


def test_enter_pressed_while_the_data_opens_leads_to_the_counter_choice_once(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    store_may_open = threading.Event()

    def slow_open_store() -> FakeCounterAppServices:
        store_may_open.wait(5)
        return fake_services

    role = CounterRole(slow_open_store)
    role.start()
    login = role.login_window
    qtbot.addWidget(login)
    qtbot.waitExposed(login)
    assert login.status_label.text() == "Đang mở dữ liệu…"
    qtbot.keyClicks(login.username_edit, DEMO_USERNAME)
    qtbot.keyClicks(login.password_edit, DEMO_PASSWORD)
    qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)  # the store is still opening
    assert fake_services.login_calls == 0

    store_may_open.set()

    qtbot.waitUntil(lambda: role.select_window is not None and role.select_window.isVisible())
    select = role.select_window
    assert select is not None
    qtbot.addWidget(select)
    qtbot.wait(200)
    assert fake_services.login_calls == 1
    assert role.select_window is select  # one counter choice, not two
    assert not login.isVisible()


def test_the_address_lists_are_ready_before_the_first_intake(qtbot: QtBot, demo_data_dir: Path, clock: Any) -> None:
    from counter_app.bootstrap import open_services
    from counter_app.ui.tasks import task_manager

    services = open_services(demo_data_dir, clock=clock)
    built: list[object] = []
    real = services.dossiers.address_book
    services.dossiers.address_book = lambda today: built.append(today) or real(today)
    role = CounterRole(lambda: services)
    role.start()
    qtbot.addWidget(role.login_window)

    qtbot.waitUntil(lambda: role.services is not None and task_manager().pending_count() == 0, timeout=20_000)

    assert built == [clock.now().date()]  # built once, in the background, before anyone asked
