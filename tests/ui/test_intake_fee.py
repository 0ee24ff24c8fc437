"""Intake of a procedure whose fee is due on filing: the clerk takes the fee in the same Save (issue 7 §4),
and the paper handed over for it is an internal cash slip that names the fee (issue 8 §5)."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QGroupBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from counter_app.storage.store import store_path
from counter_app.ui.intake import IntakeDialog
from counter_app.ui.intake_page import IntakePage
from counter_app.ui.main_window import CounterWindow
from counter_app.ui.preview import PreviewDialog
from counter_app.ui.scanner import scan_filter
from tests.ui.dossier_stand import WAIT_MS, open_window, previews

# Công nhận hạng cơ sở lưu trú du lịch 1–3 sao: the demo's fee is 1.500.000 đ, due on filing.
HOTEL_STARS = "1.004595"
HOTEL_FEE = "Phí thẩm định công nhận hạng cơ sở lưu trú du lịch"
FOOD_SAFETY = "2.000595"  # its fee is paid before the result: no fee box at intake


@pytest.fixture(autouse=True)
def _scanner_gap() -> Iterator[None]:
    wedge = scan_filter()
    before = wedge.max_gap_ms
    wedge.set_max_gap(50)
    yield
    wedge.set_max_gap(before)


def type_by_hand(qtbot: QtBot, widget: QWidget, text: str, gap_ms: int = 90) -> None:
    """Keys at a person's pace (slower than a scanner); Vietnamese letters through the input method."""
    widget.setFocus()
    if not text.isascii():
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(widget, event)
        return
    for ch in text:
        qtbot.keyClick(widget, ch)
        qtbot.wait(gap_ms)


def open_intake(qtbot: QtBot, window: CounterWindow, code: str) -> IntakeDialog:
    page = window.page_of(IntakePage)
    assert isinstance(page, IntakePage)
    window.tabs.setCurrentWidget(page)
    page.search_edit.setFocus()
    page.search_edit.setText(code)
    qtbot.waitUntil(lambda: page.procedures.rowCount() > 0, timeout=2_000)
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    qtbot.keyClick(page.procedure_table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.intake_dialog is not None and page.intake_dialog.isVisible())
    dialog = page.intake_dialog
    assert dialog is not None and dialog.guide.code.startswith(code)
    return dialog


def fill_applicant(qtbot: QtBot, dialog: IntakeDialog) -> None:
    type_by_hand(qtbot, dialog.name_edit, "Nguyễn Thị Ánh Tuyết")
    dialog.id_edit.setText("042301000123")
    dialog.phone_edit.setText("0912345678")
    qtbot.mouseClick(dialog.all_received_button, Qt.MouseButton.LeftButton)  # every document received
    assert all(c.provided.isChecked() for c in dialog.components)


def payment_rows(data_dir: Path) -> list[tuple[str, str, int, list[dict[str, Any]], str]]:
    with sqlite3.connect(store_path(data_dir)) as db:
        rows = db.execute(
            "SELECT p.receipt_number, p.method, p.total, p.lines, d.code FROM payments p "
            "JOIN dossiers d ON d.id = p.dossier_id"
        ).fetchall()
    return [(r[0], r[1], int(r[2]), json.loads(r[3]), r[4]) for r in rows]


def dossier_count(data_dir: Path) -> int:
    with sqlite3.connect(store_path(data_dir)) as db:
        return int(db.execute("SELECT count(*) FROM dossiers").fetchone()[0])


def pdf_text(dialog: PreviewDialog) -> str:
    path = dialog.printed.path
    assert path is not None and path.is_file()
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_fee_due_on_filing_is_taken_in_cash_with_the_dossier(
    qtbot: QtBot, services: Any, demo_data_dir: Path
) -> None:
    window = open_window(qtbot, services)
    page = window.page_of(IntakePage)
    dialog = open_intake(qtbot, window, HOTEL_STARS)

    # what the clerk sees: the fee by name, the amount pre-filled with the separator, cash first
    assert dialog.fee_box is not None and dialog.fee_box.isVisible()
    assert dialog.fee_box.title() == "Phí, lệ phí nộp khi nộp hồ sơ"
    assert dialog.fee_lines_label.text() == f"{HOTEL_FEE}: 1.500.000 đ"
    assert dialog.fee_amount_edit.text() == "1.500.000"
    assert dialog.collect_fee_check.isChecked()

    fill_applicant(qtbot, dialog)
    # the clerk retypes the amount the way it is written on the fee table, digits only
    dialog.fee_amount_edit.setFocus()
    dialog.fee_amount_edit.selectAll()
    type_by_hand(qtbot, dialog.fee_amount_edit, "1500000")
    qtbot.waitUntil(lambda: dialog.fee_amount_edit.text() == "1.500.000", timeout=2_000)
    qtbot.mouseClick(dialog.fee_transfer_radio, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.fee_cash_radio, Qt.MouseButton.LeftButton)  # changes mind: cash
    assert dialog.fee_cash_radio.isChecked()

    said: list[str] = []
    saved: list[Any] = []
    dialog.sig_saved.connect(lambda result: (saved.append(result), said.append(dialog.status.text())))
    qtbot.keyClick(dialog.fee_amount_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: len(previews(page)) == 2, timeout=WAIT_MS)
    code, receipt = saved[0].code, saved[0].receipt_number
    assert receipt.startswith("BL-")
    assert said == [f"Đã lưu hồ sơ {code}. Đã thu 1.500.000 đ, phiếu thu số {receipt}."]
    assert page.status.text() == said[0]  # what stays on the intake page after the dialog closes

    # one payment row, written with the dossier: cash, the whole fee, named
    assert payment_rows(demo_data_dir) == [
        (receipt, "cash", 1_500_000, [{"name": HOTEL_FEE, "amount": 1_500_000}], code)
    ]
    dossier = services.dossiers.find(code)
    assert dossier.fee_due == 1_500_000 and dossier.paid == 1_500_000

    # the papers: Mẫu 01 and the cash slip, read back from the PDF the printer got
    titles = sorted(p.title_label.text() for p in previews(page))
    assert titles == [
        f"Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả · {code}",
        f"Phiếu thu nội bộ (phí, lệ phí) · {receipt}",
    ]
    slip = next(p for p in previews(page) if p.printed.key == receipt)
    text = pdf_text(slip)
    assert "PHIẾU THU NỘI BỘ" in text
    assert "(Không thay thế biên lai thu phí, lệ phí)" in text
    assert "BIÊN LAI THU PHÍ" not in text  # never passed off as the legal receipt
    assert f"Số: {receipt}" in text
    assert f"Mã hồ sơ: {code}" in text
    assert HOTEL_FEE in text
    assert "1.500.000 đ" in text
    assert "Số tiền bằng chữ: Một triệu năm trăm nghìn đồng" in text
    assert "Hình thức thanh toán: Tiền mặt" in text
    assert "Người nộp tiền: Nguyễn Thị Ánh Tuyết" in text


def test_a_transfer_of_part_of_the_fee_is_recorded_as_typed(
    qtbot: QtBot, services: Any, demo_data_dir: Path
) -> None:
    window = open_window(qtbot, services)
    page = window.page_of(IntakePage)
    dialog = open_intake(qtbot, window, HOTEL_STARS)
    fill_applicant(qtbot, dialog)
    dialog.fee_amount_edit.setFocus()
    dialog.fee_amount_edit.selectAll()
    type_by_hand(qtbot, dialog.fee_amount_edit, "1 000 000")  # typed with spaces, shown with dots
    qtbot.waitUntil(lambda: dialog.fee_amount_edit.text() == "1.000.000", timeout=2_000)
    qtbot.mouseClick(dialog.fee_transfer_radio, Qt.MouseButton.LeftButton)
    saved: list[Any] = []
    dialog.sig_saved.connect(saved.append)
    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: len(previews(page)) == 2, timeout=WAIT_MS)
    [(receipt, method, total, lines, code)] = payment_rows(demo_data_dir)
    assert (receipt, method, total, code) == (saved[0].receipt_number, "transfer", 1_000_000, saved[0].code)
    assert lines == [{"name": HOTEL_FEE, "amount": 1_000_000}]
    dossier = services.dossiers.find(code)
    assert (dossier.fee_due, dossier.paid) == (1_500_000, 1_000_000)  # 500.000 đ still due at the return


def test_a_bad_amount_is_explained_under_the_field_and_nothing_is_saved(
    qtbot: QtBot, services: Any, demo_data_dir: Path
) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window, HOTEL_STARS)
    fill_applicant(qtbot, dialog)
    dialog.fee_amount_edit.setFocus()
    dialog.fee_amount_edit.selectAll()
    qtbot.keyClick(dialog.fee_amount_edit, Qt.Key.Key_Delete)
    type_by_hand(qtbot, dialog.fee_amount_edit, "1,5tr")  # a comma and letters are not taken
    assert dialog.fee_amount_edit.text() == "15"
    dialog.fee_amount_edit.clear()

    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)
    assert dialog.fee_note.text() == "Nhập số tiền bằng đồng, ví dụ 1.500.000."
    assert dialog.status.text() == "Hãy kiểm tra các ô có chữ đỏ."
    assert QApplication.focusWidget() is dialog.fee_amount_edit
    assert dossier_count(demo_data_dir) == 0


def test_more_than_the_fee_is_refused_by_the_service_next_to_the_amount(
    qtbot: QtBot, services: Any, demo_data_dir: Path
) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window, HOTEL_STARS)
    fill_applicant(qtbot, dialog)
    dialog.fee_amount_edit.setFocus()
    dialog.fee_amount_edit.selectAll()
    type_by_hand(qtbot, dialog.fee_amount_edit, "15000000")  # one zero too many
    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.property("tone") == "error", timeout=WAIT_MS)
    assert dialog.fee_note.text() == "15.000.000 đồng nhiều hơn số còn phải thu là 1.500.000 đồng."
    assert dialog.status.text() == (
        "Chưa lưu: 15.000.000 đồng nhiều hơn số còn phải thu là 1.500.000 đồng."
    )
    assert dossier_count(demo_data_dir) == 0  # the dossier and its payment are one transaction
    assert payment_rows(demo_data_dir) == []
    assert dialog.isVisible()


def test_unticking_collect_now_leaves_the_fee_due_for_the_return(
    qtbot: QtBot, services: Any, demo_data_dir: Path
) -> None:
    window = open_window(qtbot, services)
    page = window.page_of(IntakePage)
    dialog = open_intake(qtbot, window, HOTEL_STARS)
    fill_applicant(qtbot, dialog)
    box = dialog.collect_fee_check
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))  # on the tick box
    assert not dialog.fee_amount_edit.isEnabled()
    assert dialog.fee_note.text() == "Phí, lệ phí vẫn phải thu: thu trước khi trả kết quả."
    saved: list[Any] = []
    dialog.sig_saved.connect(saved.append)
    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(previews(page)) == 1, timeout=WAIT_MS)
    assert payment_rows(demo_data_dir) == []
    assert saved[0].receipt_number == ""
    assert services.dossiers.find(saved[0].code).fee_due == 1_500_000


def test_a_fee_paid_before_the_result_shows_no_fee_box(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window, FOOD_SAFETY)
    assert dialog.fee_box is None
    assert dialog.findChild(QLineEdit, "feeAmount") is None
    assert "Phí, lệ phí nộp khi nộp hồ sơ" not in [box.title() for box in dialog.findChildren(QGroupBox)]
