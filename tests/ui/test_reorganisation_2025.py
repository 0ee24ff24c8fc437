"""The demo's screens today follow the 2025 reorganisation (issue 8 §6): counter choice, kiosk, guide.

From 1 March 2025 Sở Thông tin và Truyền thông and Sở Lao động - Thương binh và Xã hội are gone; a
clerk choosing a counter, a citizen at the kiosk and a clerk searching the guide see the successor
departments only. The real demo store is used throughout (FakeClock: Monday 30/11/2026).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from pypdf import PdfReader
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


def _guide(qtbot: QtBot, services: Any) -> GuidePage:
    session, counter = services.demo_session()
    window = CounterWindow(CounterContext(services, session, counter))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    page = window.page_of(GuidePage)
    assert isinstance(page, GuidePage)
    return page


def _search(qtbot: QtBot, page: GuidePage, text: str) -> None:
    page.clear_search()
    event = QInputMethodEvent()  # Vietnamese letters come from the input method
    event.setCommitString(text)
    QApplication.sendEvent(page.search_edit, event)
    qtbot.waitUntil(lambda: page.searched_text() == text and page.model.rowCount() > 0, timeout=2_000)


def test_guide_lists_a_moved_procedure_once_under_its_successor(qtbot: QtBot, services: Any) -> None:
    page = _guide(qtbot, services)
    _search(qtbot, page, "Cấp giấy phép lao động cho người lao động nước ngoài")

    model = page.model
    rows = [
        (model.data(model.index(r, ProcedureTableModel.CODE)), model.data(model.index(r, ProcedureTableModel.AGENCY)))
        for r in range(model.rowCount())
    ]
    permits = [agency for code, agency in rows if code.startswith("1.000105")]  # "1.000105 (mẫu)"
    assert permits == ["Sở Nội vụ tỉnh Hà Tĩnh"]
    _shows_no_merged_department([agency for _code, agency in rows])


def test_guide_marks_codes_not_from_the_national_database_as_samples(
    qtbot: QtBot, services: Any, vi: None  # the Vietnamese catalog compiled from the .po under test
) -> None:
    page = _guide(qtbot, services)
    _search(qtbot, page, "Đăng ký mã số đơn vị có quan hệ với ngân sách")
    model = page.model
    assert model.data(model.index(0, ProcedureTableModel.CODE)) == "1.005430 (mẫu)"
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: page.current_guide() is not None)
    assert "Mã 1.005430 (mẫu)" in page.meta_label.text()

    sheet = services.print_guidance_sheet("1.005430", centre_id="c-tinh", staff_name="Nguyễn Thị Hương", counter_name="Quầy 7")
    text = " ".join(page_.extract_text() for page_ in PdfReader(str(sheet)).pages)
    assert "1.005430 (mẫu)" in unicodedata.normalize("NFC", text)  # and on the sheet the citizen takes home

    _search(qtbot, page, "Đăng ký khai sinh")
    codes = [model.data(model.index(r, ProcedureTableModel.CODE)) for r in range(model.rowCount())]
    births = [c for c in codes if c.startswith("1.001193.")]
    assert births and not [c for c in births if "mẫu" in c]  # a national code, shown as it is
