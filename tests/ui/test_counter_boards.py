"""The counter window drives the queue-number boards set for its PC (issue 11)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from counter_app.ui.counter_role import CounterRole
from tests.integration.test_boards import _wait_for, pty_board  # noqa: F401 - pty_board is a fixture
from tests.integration.test_queue_service import NV01, Q8, K, _seed


def test_once_the_store_is_open_a_call_at_the_counter_shows_on_its_board(
    qtbot: QtBot, demo_data_dir: Path, clock: Any, pty_board: Any  # noqa: F811
) -> None:
    from counter_app.bootstrap import open_services, settings_path
    from counter_app.services.settings import Settings, save_settings

    port, fake = pty_board("sum-frame", addresses=(8,))
    save_settings(settings_path(), Settings(devices={"board-8": {"uri": f"serial://{port}", "protocol": "sum-frame",
                                                                 "address": 8}}))
    services = open_services(demo_data_dir, clock=clock)
    _seed(services.uow)
    role = CounterRole(lambda: services)
    role.start()
    qtbot.addWidget(role.login_window)
    qtbot.waitUntil(lambda: role.services is not None, timeout=20_000)
    qtbot.waitUntil(lambda: "board-8" in services.device_board.statuses(), timeout=5_000)

    ticket = services.queue.issue_ticket(K, request_key="t1")
    services.queue.call_next(Q8, NV01)
    assert fake.expect(lambda r: "number" in r) == {"address": 8, "number": str(int(ticket.number[1:])), "blink": True}
    assert _wait_for(services.device_board, "board-8", lambda s: s.ok).ok


def test_boards_that_cannot_start_leave_the_login_working(qtbot: QtBot, fake_services: Any, caplog: Any) -> None:
    def broken() -> None:
        raise OSError("no such module")

    fake_services.start_boards = broken
    role = CounterRole(lambda: fake_services)
    role.start()
    qtbot.addWidget(role.login_window)
    qtbot.waitUntil(role.login_window.login_button.isEnabled)
    assert "the counter boards could not start" in caplog.text
