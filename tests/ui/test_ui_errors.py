"""Unexpected errors: logged with their traceback, and the person gets an apology, not a traceback."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer, qInstallMessageHandler, qWarning
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from counter_app.ui import errors


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Install the app's hooks for one test; pytest-qt's own are put back afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    shown: list[int] = []
    monkeypatch.setattr(errors, "show_unexpected_error", lambda parent=None: shown.append(1))
    errors.install_error_hooks(dialogs=True)
    yield shown
    qInstallMessageHandler(None)


def test_an_uncaught_exception_is_logged_and_apologised_for(
    hooks: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    try:
        raise ValueError("hỏng")
    except ValueError:
        sys.excepthook(*sys.exc_info())  # what Python and PySide do with an exception nobody caught

    record = next(r for r in caplog.records if r.name == "counter_app.ui")
    assert record.levelno == logging.CRITICAL and record.exc_info is not None
    assert hooks == [1]


def test_qt_warnings_go_to_the_log(hooks: list[int], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="counter_app.ui.qt"):
        qWarning("cảnh báo thử")

    assert any(r.name == "counter_app.ui.qt" and "cảnh báo thử" in r.getMessage() for r in caplog.records)


def test_the_apology_is_in_vietnamese_with_one_close_button(qtbot: QtBot) -> None:
    seen: dict[str, object] = {}

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen["text"] = box.text()
        seen["buttons"] = [b.text() for b in box.buttons()]
        box.accept()

    QTimer.singleShot(100, read_and_close)
    errors.show_unexpected_error()

    assert seen == {"text": "Xin lỗi, đã xảy ra sự cố.", "buttons": ["Đóng"]}
