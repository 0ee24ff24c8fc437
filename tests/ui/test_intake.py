"""Intake at the counter through the real widgets on the demo store: receipt, incomplete, refusal, bad input."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from counter_app.domain.dossier import DossierStatus, Outcome
from counter_app.services.formatting import format_datetime
from counter_app.services.ports import PrintJob
from counter_app.storage.store import store_path
from counter_app.ui.guide import GuidePage
from counter_app.ui.intake import IntakeDialog, ReasonDialog
from counter_app.ui.intake_page import IntakePage
from counter_app.ui.main_window import CounterWindow
from counter_app.ui.scanner import scan_filter
from tests.ui.dossier_stand import WAIT_MS, open_window, previews, wait_idle

FOOD_SAFETY = "2.000595"  # 30.000 đ, 5 working days, post allowed


class BrokenPrinter:
    """A printer that jams: every job fails (the record must stay, the paper can be printed again)."""

    name = "máy in quầy 1"

    def print_pdf(self, pdf: bytes, *, title: str, at: datetime) -> PrintJob:
        return PrintJob(self.name, ok=False, error="paper jam")


@pytest.fixture(autouse=True)
def _scanner_gap() -> Iterator[None]:
    """Tests run two at a time: allow a little more than a real scanner needs between characters."""
    wedge = scan_filter()
    before = wedge.max_gap_ms
    wedge.set_max_gap(50)
    yield
    wedge.set_max_gap(before)


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type as the clerk does: keys for plain text, the input method (Unikey) for Vietnamese letters."""
    widget.setFocus()
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(widget, event)
    if isinstance(widget, QLineEdit):
        qtbot.waitUntil(lambda: widget.text().endswith(text), timeout=2_000)
    elif isinstance(widget, QPlainTextEdit):
        qtbot.waitUntil(lambda: widget.toPlainText().endswith(text), timeout=2_000)


def scan(qtbot: QtBot, code: str) -> None:
    """A keyboard-wedge scan into whatever has the focus: characters at once, then Enter."""
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClicks(target, code)
    qtbot.keyClick(target, Qt.Key.Key_Return)


def open_intake(qtbot: QtBot, window: CounterWindow, code: str = FOOD_SAFETY) -> IntakeDialog:
    page = window.page_of(IntakePage)
    assert isinstance(page, IntakePage)
    window.tabs.setCurrentWidget(page)
    type_text(qtbot, page.search_edit, code)
    qtbot.waitUntil(lambda: page.procedures.rowCount() > 0, timeout=2_000)
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    qtbot.keyClick(page.procedure_table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.intake_dialog is not None and page.intake_dialog.isVisible())
    dialog = page.intake_dialog
    assert dialog is not None
    return dialog


def fill_applicant(qtbot: QtBot, dialog: IntakeDialog) -> None:
    type_text(qtbot, dialog.name_edit, "Nguyễn Thị Ánh Tuyết")
    type_text(qtbot, dialog.id_edit, "042301000123")
    type_text(qtbot, dialog.phone_edit, "0912345678")
    assert dialog.select_commune("phường Thành Sen")
    type_text(qtbot, dialog.address_edit, "Số 5, đường Phan Đình Phùng")
    type_text(qtbot, dialog.summary_edit, "Xin cấp giấy xác nhận kiến thức an toàn thực phẩm")


def dossier_count(data_dir: Path) -> int:
    with sqlite3.connect(store_path(data_dir)) as db:
        return int(db.execute("SELECT count(*) FROM dossiers").fetchone()[0])


def test_a_complete_intake_prints_form_01_and_shows_the_paper(
    qtbot: QtBot, services: Any
) -> None:
    window = open_window(qtbot, services)
    page = window.page_of(IntakePage)
    assert isinstance(page, IntakePage)
    dialog = open_intake(qtbot, window)
    promised = services.dossiers.preview_appointment(FOOD_SAFETY, window.context.session.centre_id)
    assert dialog.appointment_label.text() == (
        "Nếu tiếp nhận ngay bây giờ, ngày hẹn trả: " + format_datetime(promised)
    )
    fill_applicant(qtbot, dialog)
    assert dialog.id_note.text() == "CCCD hợp lệ · nơi đăng ký khai sinh: Hà Tĩnh · sinh năm 2001"
    saved: list[Any] = []
    dialog.sig_saved.connect(saved.append)

    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_F4)  # every document received
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    code = saved[0].code
    preview = previews(page)[0]
    assert preview.windowTitle() == "Xem trước bản in"
    assert preview.title_label.text() == f"Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả · {code}"
    assert preview.status.text().startswith("Đã in Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả: ")
    assert preview.page_count() >= 1
    pdf = preview.printed.path
    assert pdf is not None and pdf.is_file() and code in pdf.name
    assert pdf.read_bytes().startswith(b"%PDF")

    dossier = services.dossiers.find(code)
    assert dossier.status is DossierStatus.RECEIVED
    assert dossier.applicant_name == "Nguyễn Thị Ánh Tuyết"
    assert dossier.appointment == promised and dossier.fee_due == 30_000
    detail = services.dossiers.detail(code)
    assert detail.record.address_line == "Số 5, đường Phan Đình Phùng"
    assert detail.record.commune_unit_id is not None
    assert all(c.provided for c in detail.record.components)
    qtbot.waitUntil(lambda: page.today_model.row_of(code) is not None, timeout=WAIT_MS)
    assert page.today_label.text() == "Tiếp nhận hôm nay: 1 hồ sơ"
    assert page.status.text() == f"Đã lưu hồ sơ {code}."


def test_a_double_click_on_save_gives_one_dossier(
    qtbot: QtBot, services: Any, demo_data_dir: Path
) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)
    fill_applicant(qtbot, dialog)
    qtbot.mouseClick(dialog.all_received_button, Qt.MouseButton.LeftButton)
    saved: list[Any] = []
    dialog.sig_saved.connect(saved.append)
    request = dialog.intake_request(Outcome.COMPLETE)

    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)  # the second click of a double click
    assert dialog.save(Outcome.COMPLETE) is False  # a third click while saving: refused at once
    wait_idle(qtbot)

    again = services.dossiers.receive(request, _desk(window))  # the same Save arriving again (a retry)
    assert len(saved) == 1 and again.code == saved[0].code and not again.created
    assert dossier_count(demo_data_dir) == 1


def _desk(window: CounterWindow) -> Any:
    from counter_app.ui.widgets import desk_of

    return desk_of(window.context)


def test_a_scan_during_a_half_filled_intake_keeps_what_was_typed(
    qtbot: QtBot, services: Any, demo_data_dir: Path
) -> None:
    window = open_window(qtbot, services)
    page = window.page_of(IntakePage)
    assert isinstance(page, IntakePage)
    dialog = open_intake(qtbot, window)
    type_text(qtbot, dialog.name_edit, "Trần Văn Bình")
    type_text(qtbot, dialog.id_edit, "042099000777")
    scanned = "000.00.06.H27-261130-0042"

    scan(qtbot, scanned)  # the focus is in the ID field

    assert dialog.isVisible()
    assert dialog.status.text() == f"Đã quét mã {scanned} — hoàn tất hoặc đóng hộp thoại đang mở trước."
    assert scanned in dialog.busy_note.text() and dialog.busy_note.isVisible()
    assert dialog.name_edit.text() == "Trần Văn Bình"
    assert dialog.id_edit.text() == "042099000777"
    assert dialog.scanned_while_busy == [scanned]

    qtbot.keyClick(dialog.id_edit, Qt.Key.Key_F4)
    qtbot.keyClick(dialog.id_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    assert dossier_count(demo_data_dir) == 1
    assert page.status.text() == f"Mã đã quét trong lúc tiếp nhận: {scanned}. Quét lại để mở hồ sơ."


def test_an_invalid_cccd_is_explained_under_the_field_and_save_is_refused(
    qtbot: QtBot, services: Any, demo_data_dir: Path
) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)
    type_text(qtbot, dialog.name_edit, "Lê Thị Hoa")

    type_text(qtbot, dialog.id_edit, "04230100")  # still typing: a quiet hint, not an alarm
    assert dialog.id_note.text() == "Số CCCD gồm 12 chữ số; số vừa nhập có 8 chữ số."
    assert dialog.id_note.property("tone") == "info"
    dialog.id_edit.clear()
    type_text(qtbot, dialog.id_edit, "999301000123")

    assert dialog.id_note.isVisible()
    assert dialog.id_note.text() == "999 không phải mã tỉnh hợp lệ (ba chữ số đầu của số CCCD)."
    assert dialog.id_note.property("tone") == "error"
    qtbot.mouseClick(dialog.all_received_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)

    assert dialog.status.text() == "Hãy kiểm tra các ô có chữ đỏ."
    assert dialog.id_edit.hasFocus()
    assert not dialog.saving and dialog.isVisible()
    wait_idle(qtbot)
    assert dossier_count(demo_data_dir) == 0
    assert dialog.name_edit.text() == "Lê Thị Hoa"  # nothing typed is lost


def test_missing_required_documents_point_to_incomplete(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)
    fill_applicant(qtbot, dialog)

    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)  # nothing ticked

    assert dialog.components_note.text().startswith("Còn thiếu giấy tờ bắt buộc: Đơn đề nghị")
    assert "Hãy chọn “Chưa đầy đủ”" in dialog.components_note.text()


def test_incomplete_lists_the_unticked_documents_and_prints_form_02(
    qtbot: QtBot, services: Any
) -> None:
    window = open_window(qtbot, services)
    page = window.page_of(IntakePage)
    assert isinstance(page, IntakePage)
    dialog = open_intake(qtbot, window)
    fill_applicant(qtbot, dialog)
    dialog.components[0].provided.setChecked(True)
    saved: list[Any] = []
    dialog.sig_saved.connect(saved.append)

    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_F7)
    reason = active_reason_dialog(qtbot, dialog)
    assert reason.missing() == [dialog.components[1].name]
    qtbot.mouseClick(reason.confirm_button, Qt.MouseButton.LeftButton)  # no reason yet
    assert reason.reason_note.text() == "Hãy ghi lý do cho người nộp hồ sơ."
    type_text(qtbot, reason.reason_edit, "Thiếu danh sách người đề nghị xác nhận")
    qtbot.keyClick(reason.reason_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    preview = previews(page)[0]
    assert preview.title_label.text().startswith("Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ · ")
    dossier = services.dossiers.detail(saved[0].code)
    assert dossier.record.status is DossierStatus.INCOMPLETE
    assert dossier.record.missing_components == (dialog_component_name(services, 1),)
    assert dossier.record.reason == "Thiếu danh sách người đề nghị xác nhận"


def active_reason_dialog(qtbot: QtBot, dialog: IntakeDialog) -> ReasonDialog:
    reason = dialog.findChild(ReasonDialog)
    assert reason is not None and reason.isVisible()
    reason.activateWindow()  # the window manager does this on a desktop; offscreen needs a nudge
    qtbot.waitUntil(lambda: QApplication.activeWindow() is reason, timeout=2_000)
    return reason


def dialog_component_name(services: Any, index: int) -> str:
    return services.procedure_guide(FOOD_SAFETY).components[index].name


def test_a_refusal_prints_form_03(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    page = window.page_of(IntakePage)
    assert isinstance(page, IntakePage)
    dialog = open_intake(qtbot, window)
    type_text(qtbot, dialog.name_edit, "Công ty TNHH Hồng Lĩnh")
    dialog.type_combo.setCurrentIndex(1)  # Doanh nghiệp: any registration number
    type_text(qtbot, dialog.id_edit, "3001234567")
    assert dialog.id_note.text() == ""

    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_F8)
    reason = active_reason_dialog(qtbot, dialog)
    assert reason.missing_edit is None
    type_text(qtbot, reason.reason_edit, "Không thuộc thẩm quyền của Sở Y tế")
    qtbot.mouseClick(reason.confirm_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    assert previews(page)[0].title_label.text().startswith("Mẫu 03 — Phiếu từ chối tiếp nhận · ")


def test_result_by_post_takes_the_applicant_s_address_in_one_key(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)
    fill_applicant(qtbot, dialog)
    assert not dialog.receiver_edit.isEnabled()

    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_F6)

    assert dialog.delivery_post_radio.isChecked()
    assert dialog.receiver_edit.text() == "Nguyễn Thị Ánh Tuyết"
    assert dialog.delivery_address_edit.text() == (
        "Số 5, đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh"
    )
    assert dialog.delivery_phone_edit.text() == "0912345678"


def test_a_printer_failure_is_reported_and_print_again_works(
    qtbot: QtBot, services: Any
) -> None:
    window = open_window(qtbot, services)
    page = window.page_of(IntakePage)
    assert isinstance(page, IntakePage)
    working = services.printing.printer
    services.printing.printer = BrokenPrinter()
    dialog = open_intake(qtbot, window)
    fill_applicant(qtbot, dialog)
    qtbot.mouseClick(dialog.all_received_button, Qt.MouseButton.LeftButton)
    saved: list[Any] = []
    dialog.sig_saved.connect(saved.append)

    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)

    preview = previews(page)[0]
    assert preview.status.text() == (
        "CHƯA in được Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả trên máy in máy in quầy 1. "
        "Hồ sơ đã được lưu: hãy kiểm tra máy in rồi bấm “In lại” (cũng có thể in lại sau trong màn hình xem hồ sơ)."
    )
    assert preview.status.property("tone") == "error"
    assert services.dossiers.find(saved[0].code).status is DossierStatus.RECEIVED  # the record stands

    services.printing.printer = working  # the clerk cleared the jam
    qtbot.keyClick(preview.close_button, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: preview.status.property("tone") == "ok", timeout=WAIT_MS)
    assert preview.printed.path is not None and preview.printed.path.is_file()
    assert saved[0].code in preview.printed.path.name


def test_the_guide_receives_the_procedure_on_screen(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    guide = window.page_of(GuidePage)
    assert isinstance(guide, GuidePage)
    guide.search(FOOD_SAFETY)
    guide.open_row(0)
    assert guide.receive_button.isEnabled()

    qtbot.mouseClick(guide.receive_button, Qt.MouseButton.LeftButton)

    dialog = guide.findChild(IntakeDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.guide.code == FOOD_SAFETY
    assert dialog.windowTitle() == "Tiếp nhận hồ sơ — " + dialog.guide.name
    assert [c.name for c in dialog.components] == [c.name for c in dialog.guide.components]


def test_page_keys_never_shadow_the_window_s_keys(qtbot: QtBot, services: Any) -> None:
    """Two shortcuts on one key cancel each other in Qt: the pages keep off the window's keys."""
    from PySide6.QtGui import QAction, QShortcut

    window = open_window(qtbot, services)
    window_keys = {
        action.shortcut().toString()
        for action in window.findChildren(QAction)
        if not action.shortcut().isEmpty()
    }
    for page in window.pages:
        keys = [s.key().toString() for s in page.findChildren(QShortcut) if s.parent() is page]
        assert len(keys) == len(set(keys)), page.page_title()
        assert not set(keys) & window_keys, (page.page_title(), set(keys) & window_keys)


def test_ten_thousand_characters_in_a_field_are_refused_in_words_and_kept(
    qtbot: QtBot, services: Any, demo_data_dir: Path
) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)
    fill_applicant(qtbot, dialog)
    qtbot.mouseClick(dialog.all_received_button, Qt.MouseButton.LeftButton)
    pasted = "Thôn Đông, " * 1000  # 11.000 characters pasted by mistake
    dialog.address_edit.setText(pasted)

    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: dialog.address_note.isVisible(), timeout=WAIT_MS)
    assert dialog.address_note.text() == "“Số nhà, đường, thôn/xóm” quá dài: 10999 ký tự, tối đa 500."
    assert dialog.status.text().startswith("Chưa lưu: ")
    assert dialog.address_edit.text() == pasted and dialog.name_edit.text() == "Nguyễn Thị Ánh Tuyết"
    assert dialog.complete_button.isEnabled()
    assert dossier_count(demo_data_dir) == 0
