"""Hand-over and results back through the real widgets: scans into a batch, the 15:00 rule, forms 02/04/05/06."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from counter_app.domain.dossier import DossierStatus, Outcome
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from counter_app.ui.handover import HandoverPage
from counter_app.ui.results import ResultsPage, StepDialog
from counter_app.ui.scanner import scan_filter
from counter_app.ui.widgets import desk_of
from tests.ui.dossier_stand import WAIT_MS, demo_desk, open_window, previews, show_page, wait_idle

FOOD_SAFETY = "2.000595"  # Sở Y tế: 30.000 đ, 5 working days
ELECTRICITY = "2.002180"  # the electricity company: free
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def _scanner_gap() -> Iterator[None]:
    wedge = scan_filter()
    before = wedge.max_gap_ms
    wedge.set_max_gap(50)
    yield
    wedge.set_max_gap(before)


def receive(services: Any, desk: Desk, procedure_code: str, name: str = "Nguyễn Văn An") -> str:
    guide = services.procedure_guide(procedure_code)
    request = IntakeRequest(
        request_key=uuid.uuid4().hex, procedure_code=procedure_code, outcome=Outcome.COMPLETE,
        applicant_type="citizen", applicant_name=name, id_number="042090000111", phone="0987654321",
        components=tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components),
    )
    return str(services.dossiers.receive(request, desk).code)


def scan(qtbot: QtBot, code: str) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClicks(target, code)
    qtbot.keyClick(target, Qt.Key.Key_Return)


def test_dossiers_received_after_three_go_to_the_next_working_day(
    qtbot: QtBot, services: Any, clock: Any
) -> None:
    desk = demo_desk(services)
    morning = receive(services, desk, FOOD_SAFETY)
    clock.advance(hours=6, minutes=30)  # 15:30 on Monday
    late = receive(services, desk, FOOD_SAFETY, "Phạm Thị Lan")
    other = receive(services, desk, ELECTRICITY)
    window = open_window(qtbot, services)

    page = show_page(qtbot, window, HandoverPage)

    assert page.agency_model.rowCount() == 2
    food = next(g for g in page.groups if any(w.summary.code == morning for w in g.dossiers))
    assert (food.today_count, food.later_count) == (1, 1)
    page.agency_table.setCurrentIndex(page.agency_model.index(page.agency_model.row_of(food.agency_unit_id), 0))
    rows = {w.summary.code: page.dossier_model.data(page.dossier_model.index(i, 5))
            for i, w in enumerate(page.dossier_model.rows())}
    assert rows == {morning: "Hôm nay", late: "Ngày làm việc sau"}
    assert page.heading.text().endswith(": 1 hồ sơ đợt hôm nay, 1 hồ sơ ngày làm việc sau")
    assert other not in rows


def test_scans_fill_one_batch_for_one_agency_and_the_hand_over_prints(
    qtbot: QtBot, services: Any, demo_data_dir: Any
) -> None:
    desk = demo_desk(services)
    first = receive(services, desk, FOOD_SAFETY)
    second = receive(services, desk, FOOD_SAFETY, "Phạm Thị Lan")
    other = receive(services, desk, ELECTRICITY)
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, HandoverPage)
    page.agency_table.setFocus()

    scan(qtbot, first)
    assert page.status.text().startswith(f"Đã thêm hồ sơ {first} vào đợt bàn giao cho ")
    scan(qtbot, second)
    assert page.batch_label.text() == "Trong đợt này: 2 hồ sơ"
    scan(qtbot, other)
    qtbot.waitUntil(lambda: page.status.property("tone") == "error")
    assert page.status.text().startswith(f"Hồ sơ {other} thuộc ")
    assert "Hãy bàn giao đợt này trước hoặc bỏ chọn." in page.status.text()
    scan(qtbot, "000.00.06.H27-261130-9999")
    qtbot.waitUntil(lambda: page.status.text() == "Không có hồ sơ nào mang mã 000.00.06.H27-261130-9999.",
                    timeout=WAIT_MS)
    assert page.batch_codes() == [first, second]

    page.receiver_edit.setFocus()
    qtbot.keyClicks(page.receiver_edit, "Tran Van Binh", delay=80)
    qtbot.keyClick(page.receiver_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    preview = previews(page)[0]
    assert preview.title_label.text().startswith("Biên bản bàn giao · BG-")
    assert page.status.text().startswith("Đã bàn giao 2 hồ sơ cho ")
    for code in (first, second):
        assert services.dossiers.find(code).status is DossierStatus.PROCESSING
    sheets = sorted(p.name for p in (demo_data_dir / "prints").rglob("control-*.pdf"))
    assert len(sheets) == 2 and any(first in name for name in sheets)
    wait_idle(qtbot)
    assert page.batch_codes() == []

    scan(qtbot, first)  # handed over already
    qtbot.waitUntil(lambda: page.status.property("tone") == "error", timeout=WAIT_MS)
    assert page.status.text() == f"Hồ sơ {first} không chờ bàn giao: Đang giải quyết tại cơ quan."


def test_a_scanned_result_is_marked_ready_and_a_second_scan_is_explained(
    qtbot: QtBot, services: Any
) -> None:
    desk = demo_desk(services)
    code = receive(services, desk, FOOD_SAFETY)
    services.dossiers.hand_over([code], desk)
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ResultsPage)
    assert page.model.row_of(code) is not None
    page.filter_edit.setFocus()

    scan(qtbot, code)
    qtbot.waitUntil(lambda: page.recent_model.rowCount() == 1, timeout=WAIT_MS)

    assert page.status.text() == f"Đã nhận kết quả hồ sơ {code} — sẵn sàng trả (Tại quầy)."
    assert page.filter_edit.text() == ""  # the scan never landed in the filter
    assert services.dossiers.find(code).status is DossierStatus.RESULT_READY
    wait_idle(qtbot)
    assert page.model.row_of(code) is None

    scan(qtbot, code)
    qtbot.waitUntil(lambda: page.status.property("tone") == "error", timeout=WAIT_MS)
    assert page.status.text() == (
        f"Chưa ghi nhận cho hồ sơ {code}: Không thể thực hiện bước này: hồ sơ đang ở trạng thái "
        "“Đã có kết quả, chờ trả”, không thể “Nhận kết quả từ cơ quan giải quyết”."
    )


def _step_dialog(qtbot: QtBot, page: ResultsPage, key: Qt.Key) -> StepDialog:
    _focus_table(qtbot, page)
    qtbot.keyClick(page.table, key, CTRL)
    dialog = page.step_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2_000)
    return dialog


def _focus_table(qtbot: QtBot, page: ResultsPage) -> None:
    """Back to the list after a dialog closed (a desktop re-activates the window by itself)."""
    page.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page.window(), timeout=2_000)
    page.table.setFocus()


def test_supplement_once_extension_and_stop_print_their_forms(
    qtbot: QtBot, services: Any, clock: Any
) -> None:
    desk = demo_desk(services)
    code = receive(services, desk, FOOD_SAFETY)
    stopped = receive(services, desk, FOOD_SAFETY, "Hoàng Văn Dũng")
    services.dossiers.hand_over([code, stopped], desk)
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ResultsPage)
    assert page.select(code)
    page.table.setFocus()

    dialog = _step_dialog(qtbot, page, Qt.Key.Key_B)  # the agency asks for a supplement
    qtbot.keyClicks(dialog.reason_edit, "Thieu giay xac nhan")
    assert dialog.missing_edit is not None
    qtbot.keyClicks(dialog.missing_edit, "Giay kham suc khoe")
    qtbot.wait(60)
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    assert previews(page)[0].title_label.text() == f"Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ · {code}"
    previews(page)[0].reject()
    assert services.dossiers.find(code).status is DossierStatus.SUPPLEMENT_REQUESTED
    assert page.status.text() == f"Đã ghi yêu cầu bổ sung hồ sơ {code}; thời hạn giải quyết tạm dừng."

    wait_idle(qtbot)
    assert page.select(code)
    _focus_table(qtbot, page)
    qtbot.keyClick(page.table, Qt.Key.Key_B, CTRL | Qt.KeyboardModifier.ShiftModifier)  # the applicant brought it
    qtbot.waitUntil(lambda: page.status.text().startswith(f"Đã ghi nhận bổ sung hồ sơ {code}"), timeout=WAIT_MS)
    wait_idle(qtbot)

    assert page.select(code)
    dialog = _step_dialog(qtbot, page, Qt.Key.Key_B)  # a second request is not allowed
    qtbot.keyClicks(dialog.reason_edit, "Lan hai")
    qtbot.wait(60)
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.property("tone") == "error", timeout=WAIT_MS)
    assert dialog.status.text() == "Cơ quan đã yêu cầu bổ sung một lần; chỉ được yêu cầu bổ sung một lần."
    assert dialog.isVisible() and dialog.reason_edit.toPlainText() == "Lan hai"
    dialog.reject()

    before = services.dossiers.find(code).appointment
    assert page.select(code)
    dialog = _step_dialog(qtbot, page, Qt.Key.Key_G)  # apology and extension
    qtbot.keyClicks(dialog.reason_edit, "Can xac minh them")
    qtbot.wait(60)
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    assert previews(page)[0].title_label.text() == f"Mẫu 04 — Văn bản xin lỗi và gia hạn · {code}"
    previews(page)[0].reject()
    after = services.dossiers.find(code).appointment
    assert after is not None and before is not None and after.date() == before.date() + timedelta(days=5)

    wait_idle(qtbot)
    assert page.select(stopped)
    dialog = _step_dialog(qtbot, page, Qt.Key.Key_D)  # the applicant asks to stop
    qtbot.keyClicks(dialog.reason_edit, "Cong dan xin rut")
    qtbot.wait(60)
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    assert previews(page)[0].title_label.text() == f"Mẫu 05 — Thông báo dừng giải quyết · {stopped}"
    assert services.dossiers.find(stopped).status is DossierStatus.STOPPED


def test_an_extension_too_close_to_the_deadline_is_refused_in_words(
    qtbot: QtBot, services: Any, clock: Any
) -> None:
    desk = demo_desk(services)
    code = receive(services, desk, FOOD_SAFETY)
    services.dossiers.hand_over([code], desk)
    appointment = services.dossiers.find(code).appointment
    clock.set(appointment - timedelta(hours=3))
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ResultsPage)
    assert page.select(code)
    page.table.setFocus()

    dialog = _step_dialog(qtbot, page, Qt.Key.Key_G)
    qtbot.keyClicks(dialog.reason_edit, "Tre")
    qtbot.wait(60)
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: dialog.status.property("tone") == "error", timeout=WAIT_MS)
    assert dialog.status.text().startswith("Văn bản xin lỗi và gia hạn phải gửi trước hạn trả (")
    assert services.dossiers.find(code).appointment == appointment


def test_desk_of_the_window_is_the_demo_desk(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    assert desk_of(window.context) == demo_desk(services)


def test_the_agency_list_shows_each_agency_s_short_name_whole(qtbot: QtBot, services: Any) -> None:
    desk = demo_desk(services)
    for code in ("1.002835", "1.001029", ELECTRICITY):  # Sở KH&CN, Sở VH-TT&DL, Điện lực Hà Tĩnh
        receive(services, desk, code)
    window = open_window(qtbot, services)  # 1366×768, the queue dock beside
    page = show_page(qtbot, window, HandoverPage)
    table, model = page.agency_table, page.agency_model

    shown = {model.data(model.index(r, 0)) for r in range(model.rowCount())}
    units = services.dossiers.units
    expected = {units.get(g.agency_unit_id).short_name for g in page.groups}
    assert {"Sở KH&CN", "Sở VH-TT&DL", "Điện lực Hà Tĩnh"} <= shown == expected
    full = {model.data(model.index(r, 0), Qt.ItemDataRole.ToolTipRole) for r in range(model.rowCount())}
    assert "Sở Khoa học và Công nghệ tỉnh Hà Tĩnh" in full

    metrics = table.fontMetrics()
    name_column = table.columnWidth(0)
    for text in shown:  # every name fits its column: nothing is elided with "…"
        assert metrics.horizontalAdvance(text) + 2 * table.style().pixelMetric(
            table.style().PixelMetric.PM_FocusFrameHMargin
        ) <= name_column, text
    right_edge = sum(table.columnWidth(c) for c in range(model.columnCount()))
    assert right_edge <= table.viewport().width()  # and the counts stay in view beside them
