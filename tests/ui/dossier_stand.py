"""Shared helpers of the dossier-screen tests: open the counter window, wait for background work."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from counter_app.services.dossiers import Desk
from counter_app.ui.main_window import CounterContext, CounterWindow
from counter_app.ui.preview import PreviewDialog
from counter_app.ui.tasks import render_manager, task_manager

WAIT_MS = 20_000


def open_window(qtbot: QtBot, services: Any) -> CounterWindow:
    session, counter = services.demo_session()
    window = CounterWindow(CounterContext(services, session, counter))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2_000)
    return window


def demo_desk(services: Any) -> Desk:
    session, counter = services.demo_session()
    return Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)


def wait_idle(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: task_manager().pending_count() == 0 and render_manager().pending_count() == 0,
                    timeout=WAIT_MS)


def previews(widget: QWidget) -> list[PreviewDialog]:
    return [d for d in widget.findChildren(PreviewDialog) if d.isVisible()]


def show_page(qtbot: QtBot, window: CounterWindow, page_type: type) -> Any:
    page = window.page_of(page_type)
    assert page is not None
    window.tabs.setCurrentWidget(page)
    wait_idle(qtbot)
    return page
