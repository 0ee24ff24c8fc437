"""Background tasks: work runs off the GUI thread; its result or error comes back on the GUI thread."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from counter_app.domain.errors import DomainError
from counter_app.ui.tasks import run_in_background, task_manager


def test_the_result_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker"] = threading.current_thread() is threading.main_thread()
        return 42

    def done(result: object) -> None:
        seen["result"] = result
        seen["gui"] = QThread.currentThread() is QApplication.instance().thread()  # type: ignore[union-attr]

    run_in_background(work, done, lambda e: seen.setdefault("error", e))
    qtbot.waitUntil(lambda: "result" in seen)

    assert seen == {"worker": False, "result": 42, "gui": True}


def test_errors_reach_on_error_and_the_log(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    errors: list[BaseException] = []

    def boom() -> None:
        raise ValueError("hỏng")

    with caplog.at_level(logging.INFO, logger="counter_app.ui.tasks"):
        run_in_background(boom, lambda _r: None, errors.append, name="boom")
        run_in_background(lambda: (_ for _ in ()).throw(DomainError("auth.locked")), None, errors.append)
        qtbot.waitUntil(lambda: len(errors) == 2)

    assert isinstance(errors[0], ValueError) and isinstance(errors[1], DomainError)
    failed = [r for r in caplog.records if "boom" in r.getMessage()]
    assert failed and failed[0].levelno == logging.ERROR and failed[0].exc_info is not None


def test_a_closed_window_is_not_called_back(qtbot: QtBot) -> None:
    owner = QWidget()
    called: list[object] = []
    gate = threading.Event()

    run_in_background(lambda: gate.wait(5) and 1, called.append, called.append, owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(owner))
    gate.set()
    qtbot.waitUntil(lambda: task_manager().pending_count() == 0)

    assert called == []


def _alive(obj: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)
