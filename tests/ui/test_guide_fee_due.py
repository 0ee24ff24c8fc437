"""The guide says when each fee is paid and shows amounts with the Vietnamese separator (issue 7 §4)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.ui.guide import GuidePage, ProcedureTableModel
from counter_app.ui.main_window import CounterContext, CounterWindow


def open_procedure(qtbot: QtBot, services: Any, code: str) -> GuidePage:
    session, counter = services.demo_session()
    window = CounterWindow(CounterContext(services, session, counter))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    page = window.page_of(GuidePage)
    assert isinstance(page, GuidePage)
    window.tabs.setCurrentWidget(page)
    page.search_edit.setFocus()
    qtbot.keyClicks(page.search_edit, code)
    qtbot.waitUntil(lambda: page.searched_text() == code, timeout=2_000)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=2_000)
    row = next(r for r in range(page.model.rowCount()) if page.model.procedure_at(r).code.startswith(code))
    index = page.model.index(row, ProcedureTableModel.NAME)
    page.table.scrollTo(index)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=page.table.visualRect(index).center())
    qtbot.waitUntil(lambda: "Phí, lệ phí" in page.body.toPlainText(), timeout=5_000)
    return page


def test_a_fee_due_on_filing_is_marked_in_the_guide(qtbot: QtBot, services: Any) -> None:
    page = open_procedure(qtbot, services, "1.004595")
    body = page.body.toPlainText()
    assert "Phí thẩm định công nhận hạng cơ sở lưu trú du lịch" in body
    assert "Nộp khi nộp hồ sơ" in body
    assert "1.500.000 đ" in body


def test_a_fee_paid_before_the_result_says_so(qtbot: QtBot, services: Any) -> None:
    page = open_procedure(qtbot, services, "2.000595")
    body = page.body.toPlainText()
    assert "Nộp trước khi nhận kết quả" in body
    assert "Nộp khi nộp hồ sơ" not in body
    assert "30.000 đ" in body
