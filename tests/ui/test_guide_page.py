"""Procedure guide: search as the clerk types, open a procedure, see the appointment, save the sheet."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QDesktopServices, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from counter_app.domain.errors import DomainError
from counter_app.services.formatting import format_datetime
from counter_app.ui.guide import GuidePage, ProcedureTableModel
from counter_app.ui.main_window import CounterContext, CounterWindow
from tests.fakes import FakeCounterAppServices
from tests.ui.stands import Stand

PRINT_TIMEOUT_MS = 15_000


def _window(qtbot: QtBot, services: object) -> tuple[CounterWindow, GuidePage]:
    session, counter = services.demo_session()  # type: ignore[attr-defined]
    window = CounterWindow(CounterContext(services, session, counter))  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    page = window.page_of(GuidePage)
    assert isinstance(page, GuidePage)
    return window, page


def _names(page: GuidePage) -> list[str]:
    model = page.model
    return [model.data(model.index(r, ProcedureTableModel.NAME)) for r in range(model.rowCount())]


def _type(qtbot: QtBot, page: GuidePage, text: str) -> None:
    if text.isascii():
        qtbot.keyClicks(page.search_edit, text)
    else:  # Vietnamese letters come from the input method (Unikey, EVKey …), not from key codes
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(page.search_edit, event)
    qtbot.waitUntil(lambda: page.searched_text() == text, timeout=2_000)


def _click_row(qtbot: QtBot, page: GuidePage, row: int) -> None:
    index = page.model.index(row, ProcedureTableModel.NAME)
    page.table.scrollTo(index)
    rect = page.table.visualRect(index)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _appointment_line(services: object, page: GuidePage, row: int) -> str:
    code = page.model.procedure_at(row).code
    guide = services.procedure_guide(code, centre_id=page.context.session.centre_id)  # type: ignore[attr-defined]
    return "Nếu tiếp nhận ngay bây giờ, ngày hẹn trả: " + format_datetime(guide.appointment)


def test_typing_without_accents_lists_the_matching_procedures(qtbot: QtBot, stand: Stand) -> None:
    _window_, page = _window(qtbot, stand.services)

    _type(qtbot, page, "cap lai giay khai sinh")

    names = _names(page)
    assert names, page.empty_label.text()
    # the fake catalog has "Cấp lại …"; the real demo calls it "Đăng ký lại khai sinh" (closest match)
    assert "lại" in names[0].lower() and "khai sinh" in names[0].lower()
    assert page.result_label.text() == f"Tìm thấy {len(names)} thủ tục"


def test_accented_and_plain_typing_find_the_same_procedures(qtbot: QtBot, stand: Stand) -> None:
    _window_, page = _window(qtbot, stand.services)

    _type(qtbot, page, "dang ky ket hon")
    plain = _names(page)
    page.clear_search()
    _type(qtbot, page, "Đăng ký kết hôn")

    assert plain and _names(page) == plain
    assert all("kết hôn" in n.lower() for n in plain)


def test_the_search_waits_for_a_pause_in_typing(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    _window_, page = _window(qtbot, fake_services)
    before = fake_services.search_calls

    _type(qtbot, page, "khai sinh")

    assert fake_services.search_calls == before + 1  # not one search per key


def test_opening_a_procedure_shows_what_to_bring_and_the_appointment(
    qtbot: QtBot, stand: Stand
) -> None:
    _window_, page = _window(qtbot, stand.services)
    _type(qtbot, page, "khai sinh")

    _click_row(qtbot, page, 0)

    assert page.title_label.text() == page.model.procedure_at(0).name
    assert page.appointment_label.isVisible()
    assert page.appointment_label.text() == _appointment_line(stand.services, page, 0)
    body = page.body.toPlainText()
    for heading in ("Cơ quan giải quyết", "Thời hạn giải quyết", "Thành phần hồ sơ", "Phí, lệ phí"):
        assert heading in body
    assert "Tổng cộng" in body or "Không thu phí, lệ phí." in body
    assert "Bản chính" in body and "Bản sao chứng thực" in body
    assert page.print_button.isEnabled()


def test_the_appointment_is_computed_afresh_each_time_a_procedure_is_opened(
    qtbot: QtBot, stand: Stand
) -> None:
    _window_, page = _window(qtbot, stand.services)
    _type(qtbot, page, "khai sinh")
    assert page.model.rowCount() >= 2
    _click_row(qtbot, page, 0)
    monday = page.appointment_label.text()

    stand.advance_clock(timedelta(days=1))
    _click_row(qtbot, page, 1)
    _click_row(qtbot, page, 0)

    assert page.appointment_label.text() != monday
    assert page.appointment_label.text() == _appointment_line(stand.services, page, 0)


def test_clicking_the_open_procedure_again_brings_its_appointment_up_to_date(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    _window_, page = _window(qtbot, fake_services)
    _type(qtbot, page, "khai sinh")
    _click_row(qtbot, page, 0)
    before = page.appointment_label.text()

    fake_services.advance(timedelta(days=3))
    _click_row(qtbot, page, 0)

    assert page.appointment_label.text() != before
    assert page.appointment_label.text() == _appointment_line(fake_services, page, 0)


def test_no_match_says_what_was_searched_and_what_to_try(qtbot: QtBot, stand: Stand) -> None:
    _window_, page = _window(qtbot, stand.services)

    _type(qtbot, page, "xyzzy")

    assert page.model.rowCount() == 0
    assert page.empty_label.isVisible()
    assert page.empty_label.text().startswith("Không tìm thấy thủ tục nào khớp với “xyzzy”.")
    assert not page.table.isVisible()


def test_the_guidance_sheet_is_saved_and_can_be_opened(
    qtbot: QtBot, stand: Stand, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile()) or True)
    )
    _window_, page = _window(qtbot, stand.services)
    _type(qtbot, page, "khai sinh")
    _click_row(qtbot, page, 0)

    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert not page.print_button.isEnabled()
    qtbot.waitUntil(page.open_sheet_button.isVisible, timeout=PRINT_TIMEOUT_MS)

    text = page.sheet_label.text()
    assert text.startswith("Đã lưu phiếu hướng dẫn: ")
    path = Path(text.removeprefix("Đã lưu phiếu hướng dẫn: "))
    assert path.suffix == ".pdf" and path.read_bytes().startswith(b"%PDF")
    assert page.print_button.isEnabled()

    qtbot.mouseClick(page.open_sheet_button, Qt.MouseButton.LeftButton)
    assert opened == [str(path)]


def test_a_sheet_that_cannot_be_saved_is_reported_and_can_be_retried(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    fake_services.print_error = DomainError("print.cannot_write", path="/in/khong-ghi-duoc", reason="EACCES")
    _window_, page = _window(qtbot, fake_services)
    _type(qtbot, page, "khai sinh")
    _click_row(qtbot, page, 0)

    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.print_button.isEnabled, timeout=PRINT_TIMEOUT_MS)

    assert page.sheet_label.text().startswith("Chưa tạo được phiếu hướng dẫn: ")
    assert "/in/khong-ghi-duoc" in page.sheet_label.text()
    assert page.sheet_bar.property("tone") == "error"
    assert not page.open_sheet_button.isVisible()


def test_keyboard_only_use(qtbot: QtBot, fake_services: FakeCounterAppServices) -> None:
    window, page = _window(qtbot, fake_services)
    qtbot.waitUntil(page.search_edit.hasFocus)

    _type(qtbot, page, "khai sinh")
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Down)  # into the results, first one opens
    qtbot.waitUntil(page.table.hasFocus)
    assert page.current_guide() is not None
    assert page.current_guide().code == page.model.procedure_at(0).code  # type: ignore[union-attr]

    qtbot.keyClick(page.table, Qt.Key.Key_Down)  # the next one opens as the cursor moves
    assert page.current_guide().code == page.model.procedure_at(1).code  # type: ignore[union-attr]

    qtbot.keyClick(page.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # Ctrl+P
    qtbot.waitUntil(page.open_sheet_button.isVisible, timeout=PRINT_TIMEOUT_MS)
    assert fake_services.printed == [page.model.procedure_at(1).code]

    qtbot.keyClick(page.table, Qt.Key.Key_F2)  # F2: back to the search, text selected
    qtbot.waitUntil(page.search_edit.hasFocus)
    assert page.search_edit.selectedText() == "khai sinh"

    qtbot.keyClick(page.search_edit, Qt.Key.Key_Escape)  # Esc: empty search
    assert page.search_edit.text() == ""
    assert page.model.rowCount() == 0
    assert page.empty_label.text().startswith("Gõ một phần tên thủ tục")

    _type(qtbot, page, "ket hon")
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)  # Enter opens the first result
    assert page.title_label.text() == "Đăng ký kết hôn"
    assert "Người nộp phải đến trực tiếp" in page.body.toPlainText()


def test_an_unknown_procedure_is_reported_in_the_detail_pane(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    _window_, page = _window(qtbot, fake_services)

    page.open_procedure("9.999999")

    assert page.detail_hint.isVisible()
    assert "9.999999" in page.detail_hint.text()
    assert not page.print_button.isEnabled()


def test_the_window_says_who_works_at_which_counter(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    window, _page = _window(qtbot, fake_services)

    assert window.windowTitle() == "Quầy một cửa — Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh — Quầy 1"
    assert window.staff_label.text() == "Nhân viên: Nguyễn Thị Lan"
    assert window.counter_label.text() == "Quầy 1"
    assert window.tabs.tabText(0) == "Hướng dẫn thủ tục"


def test_the_table_model_shows_words_not_codes(fake_services: FakeCounterAppServices) -> None:
    model = ProcedureTableModel()
    model.set_procedures(fake_services.search_procedures("quyen su dung dat"))

    row = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert row == [
        "1.001022",
        "Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất",
        "Sở Nông nghiệp và Môi trường",
        "10 ngày làm việc",
        "Chỉ trả kết quả",
    ]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "Mã", "Tên thủ tục", "Cơ quan giải quyết", "Thời hạn", "Qua bưu chính"
    ]
    assert model.rowCount(model.index(0, 0)) == 0 and model.data(QModelIndex()) is None


def _visible_intake_dialogs() -> list[QWidget]:
    from counter_app.ui.intake import IntakeDialog

    return [w for w in QApplication.topLevelWidgets() if isinstance(w, IntakeDialog) and w.isVisible()]


def _retype(qtbot: QtBot, page: GuidePage, text: str) -> None:
    """F2 selects the search text; typing replaces it, key by key, as the clerk does."""
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    qtbot.waitUntil(page.search_edit.hasFocus)
    qtbot.keyClicks(page.search_edit, text)
    qtbot.waitUntil(lambda: page.searched_text() == text, timeout=2_000)


def test_a_new_search_never_keeps_the_previous_procedure_on_screen(
    qtbot: QtBot, services: object
) -> None:
    _window_, page = _window(qtbot, services)
    _type(qtbot, page, "khai sinh")
    _click_row(qtbot, page, 0)
    opened = page.title_label.text()
    assert "khai sinh" in opened.lower() and page.receive_button.isEnabled()

    _retype(qtbot, page, "ly lich tu phap")

    current = page.table.currentIndex()
    if current.isValid():  # the pane shows the row the list has selected …
        assert page.title_label.isVisible()
        assert page.title_label.text() == page.model.procedure_at(current.row()).name
    else:  # … or nothing at all
        assert page.detail_hint.isVisible() and not page.title_label.isVisible()
        assert page.current_guide() is None
        assert not page.receive_button.isEnabled() and not page.print_button.isEnabled()
    assert opened not in {page.model.procedure_at(r).name for r in range(page.model.rowCount())}
    assert not (page.title_label.isVisible() and page.title_label.text() == opened)


def test_after_a_search_that_finds_nothing_ctrl_n_opens_nothing(
    qtbot: QtBot, services: object
) -> None:
    _window_, page = _window(qtbot, services)
    _type(qtbot, page, "khai sinh")
    _click_row(qtbot, page, 0)
    assert page.receive_button.isEnabled()

    _retype(qtbot, page, "xyzzy")

    assert page.detail_hint.isVisible() and not page.title_label.isVisible()
    assert page.detail_hint.text().startswith("Không tìm thấy thủ tục nào")
    assert not page.receive_button.isEnabled()
    qtbot.keyClick(page.search_edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)
    assert _visible_intake_dialogs() == []
    assert page.current_guide() is None


def test_a_same_day_procedure_is_worded_as_the_law_words_it(qtbot: QtBot, services, clock) -> None:  # type: ignore[no-untyped-def]
    # issue 8 §2: Đăng ký khai sinh is "trong ngày; sau 15 giờ thì ngày làm việc tiếp theo", not 4 hours
    clock.set(clock.now().replace(hour=14, minute=30))  # Monday 30/11/2026 14:30
    _window_, page = _window(qtbot, services)
    _type(qtbot, page, "dang ky khai sinh")
    rows = [r for r in range(page.model.rowCount()) if page.model.procedure_at(r).code.startswith("1.001193.")]
    assert rows, _names(page)

    _click_row(qtbot, page, rows[0])

    law = "Trong ngày làm việc; nếu tiếp nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo"
    assert law in page.body.toPlainText()
    time_cell = page.model.index(rows[0], ProcedureTableModel.TIME)
    assert page.model.data(time_cell) == "Trong ngày (nhận trước 15:00)"  # the column stays narrow
    assert page.model.data(time_cell, Qt.ItemDataRole.ToolTipRole) == law  # the law's words on hover
    header = page.table.horizontalHeader()
    law_width = page.table.fontMetrics().horizontalAdvance(law)
    assert header.sectionSize(ProcedureTableModel.TIME) < law_width / 2  # not sized to the law's sentence
    assert page.appointment_label.text() == "Nếu tiếp nhận ngay bây giờ, ngày hẹn trả: 17:00, thứ Hai, 30/11/2026"
