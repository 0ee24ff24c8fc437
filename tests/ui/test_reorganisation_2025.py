"""The demo's screens today follow the 2025 reorganisation (issue 8 §6): counter choice, kiosk, guide.

From 1 March 2025 Sở Thông tin và Truyền thông and Sở Lao động - Thương binh và Xã hội are gone; a
clerk choosing a counter, a citizen at the kiosk and a clerk searching the guide see the successor
departments only. The real demo store is used throughout (FakeClock: Monday 30/11/2026).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from counter_app.ui.counter_select import CounterSelectWindow
from counter_app.ui.guide import GuidePage, ProcedureTableModel
from counter_app.ui.kiosk import KioskWindow
from counter_app.ui.main_window import CounterContext, CounterWindow
from counter_app.ui.queue_common import QueueEvents, Station
from tests.fakes_queue import FakeTicketPrinter

GONE = ("Thông tin và Truyền thông", "TT&TT", "Lao động - Thương binh", "LĐ-TB&XH")


def _shows_no_merged_department(texts: list[str]) -> None:
    for text in texts:
        assert not any(old in text for old in GONE), text


def test_counter_choice_of_the_provincial_centre_names_the_successor_departments(
    qtbot: QtBot, services: Any
) -> None:
    session, _counter = services.demo_session()
    assert session.centre_id == "c-tinh"
    window = CounterSelectWindow(session, services.counters(session.centre_id))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    model = window.counter_list.model()
    rows = [model.data(model.index(r, 0)) for r in range(model.rowCount())]

    assert rows[1] == "Quầy 2 — Sở Y tế"
    assert rows[2] == "Quầy 3 — Sở Khoa học và Công nghệ"
    assert rows[5] == "Quầy 6 — Sở Nội vụ: lao động, việc làm, người có công"
    _shows_no_merged_department(rows)


def test_kiosk_groups_of_the_provincial_centre_are_the_successor_departments(
    qtbot: QtBot, services: Any
) -> None:
    session, _counter = services.demo_session()
    kiosk = KioskWindow(
        services.queue, Station(session.centre_id, session.centre_name), printer=FakeTicketPrinter(),
        now=services.clock.now, events=QueueEvents(),
    )
    qtbot.addWidget(kiosk)
    kiosk.resize(1280, 800)
    kiosk.show()
    qtbot.waitUntil(lambda: kiosk.current_step() == KioskWindow.GROUPS)
    groups = [t.title_label.text() for t in kiosk.group_board.all_tiles()]

    assert "Sở Y tế" in groups
    assert "Sở Nội vụ: lao động, việc làm, người có công" in groups
    _shows_no_merged_department(groups)

    qtbot.mouseClick(kiosk.tile("Sở Y tế"), Qt.MouseButton.LeftButton)  # one service: straight on
    qtbot.waitUntil(lambda: kiosk.current_step() == KioskWindow.PRIORITY)


def test_guide_lists_a_moved_procedure_once_under_its_successor(qtbot: QtBot, services: Any) -> None:
    session, counter = services.demo_session()
    window = CounterWindow(CounterContext(services, session, counter))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    page = window.page_of(GuidePage)
    assert isinstance(page, GuidePage)
    event = QInputMethodEvent()
    event.setCommitString("Cấp giấy phép lao động cho người lao động nước ngoài")
    QApplication.sendEvent(page.search_edit, event)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=2_000)

    model = page.model
    rows = [
        (model.data(model.index(r, ProcedureTableModel.CODE)), model.data(model.index(r, ProcedureTableModel.AGENCY)))
        for r in range(model.rowCount())
    ]
    permits = [agency for code, agency in rows if code.startswith("1.000105")]
    assert permits == ["Sở Nội vụ tỉnh Hà Tĩnh"]
    _shows_no_merged_department([agency for _code, agency in rows])
