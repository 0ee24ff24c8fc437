"""Return at the counter through the real widgets, and the whole path of a dossier from intake to return."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from counter_app.domain.dossier import DossierStatus, Outcome
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from counter_app.ui.handover import HandoverPage
from counter_app.ui.intake_page import IntakePage
from counter_app.ui.main_window import CounterWindow
from counter_app.ui.preview import PreviewDialog
from counter_app.ui.results import ResultsPage
from counter_app.ui.returns import CashSummaryDialog, PaymentDialog, PostDialog, ReturnPage
from counter_app.ui.scanner import scan_filter
from tests.ui.dossier_stand import WAIT_MS, demo_desk, open_window, previews, show_page, wait_idle

FOOD_SAFETY = "2.000595"  # 30.000 đ, 5 working days, result by post allowed
ITEM = "EB123456785VN"  # a valid UPU S10 code


@pytest.fixture(autouse=True)
def _scanner_gap() -> Iterator[None]:
    wedge = scan_filter()
    before = wedge.max_gap_ms
    wedge.set_max_gap(50)
    yield
    wedge.set_max_gap(before)


def receive(services: Any, desk: Desk, *, name: str = "Nguyễn Thị Ánh Tuyết", by_post: bool = False) -> str:
    guide = services.procedure_guide(FOOD_SAFETY)
    request = IntakeRequest(
        request_key=uuid.uuid4().hex, procedure_code=FOOD_SAFETY, outcome=Outcome.COMPLETE,
        applicant_type="citizen", applicant_name=name, id_number="042301000123", phone="0912345678",
        components=tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components),
        result_delivery="post" if by_post else "counter",
        delivery_receiver=name if by_post else "", delivery_address="Số 5, phường Thành Sen" if by_post else "",
        delivery_phone="0912345678" if by_post else "",
    )
    return str(services.dossiers.receive(request, desk).code)


def ready(services: Any, desk: Desk, code: str) -> None:
    services.dossiers.hand_over([code], desk)
    services.dossiers.result_ready(code, desk)


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
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


def type_by_hand(qtbot: QtBot, widget: QWidget, text: str, gap_ms: int = 90) -> None:
    """Keys at a person's pace (slower than a scanner), so the scanner filter passes them through."""
    widget.setFocus()
    for ch in text:
        qtbot.keyClick(widget, ch)
        qtbot.wait(gap_ms)


def scan(qtbot: QtBot, code: str) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClicks(target, code)
    qtbot.keyClick(target, Qt.Key.Key_Return)


def close_previews(qtbot: QtBot, window: CounterWindow) -> None:
    for dialog in window.findChildren(PreviewDialog):
        if dialog.isVisible():
            dialog.reject()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2_000)


def activate(qtbot: QtBot, dialog: QWidget) -> None:
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2_000)


def open_in_return_page(qtbot: QtBot, page: ReturnPage, code: str) -> None:
    page.search_edit.setFocus()
    scan(qtbot, code)
    qtbot.waitUntil(lambda: page.opened is not None and page.opened.summary.code == code, timeout=WAIT_MS)


def test_the_whole_path_intake_hand_over_result_fees_return(
    qtbot: QtBot, services: Any, clock: Any, demo_data_dir: Any
) -> None:
    window = open_window(qtbot, services)

    # -- intake: the receipt (Mẫu 01) prints and shows -------------------------------------
    intake = show_page(qtbot, window, IntakePage)
    type_text(qtbot, intake.search_edit, FOOD_SAFETY)
    qtbot.waitUntil(lambda: intake.procedures.rowCount() > 0, timeout=2_000)
    qtbot.keyClick(intake.search_edit, Qt.Key.Key_Return)
    qtbot.keyClick(intake.procedure_table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = intake.intake_dialog
    assert dialog is not None
    type_text(qtbot, dialog.name_edit, "Nguyễn Thị Ánh Tuyết")
    type_text(qtbot, dialog.id_edit, "042301000123")
    type_text(qtbot, dialog.phone_edit, "0912345678")
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_F4)
    saved: list[Any] = []
    dialog.sig_saved.connect(saved.append)
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(previews(intake)), timeout=WAIT_MS)
    code = saved[0].code
    receipt = previews(intake)[0]
    assert receipt.title_label.text().endswith(code) and receipt.printed.ok
    assert receipt.printed.path is not None and receipt.printed.path.is_file()
    close_previews(qtbot, window)

    # -- hand-over: the receipt's barcode is scanned into the batch -----------------------
    handover = show_page(qtbot, window, HandoverPage)
    handover.agency_table.setFocus()
    scan(qtbot, code)
    assert handover.batch_codes() == [code]
    qtbot.keyClick(handover.agency_table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(previews(handover)), timeout=WAIT_MS)
    assert handover.status.text().startswith("Đã bàn giao 1 hồ sơ cho ")
    close_previews(qtbot, window)

    # -- two days later the result comes back: scanned on the results page ----------------
    clock.advance(days=2)
    results = show_page(qtbot, window, ResultsPage)
    results.filter_edit.setFocus()
    scan(qtbot, code)
    qtbot.waitUntil(lambda: results.recent_model.row_of(code) is not None, timeout=WAIT_MS)
    assert results.status.text() == f"Đã nhận kết quả hồ sơ {code} — sẵn sàng trả (Tại quầy)."

    # -- return: scan the receipt, fees first, then the applicant collects ----------------
    page = show_page(qtbot, window, ReturnPage)
    open_in_return_page(qtbot, page, code)
    assert page.status_label.text() == "Đã có kết quả, chờ trả"
    assert page.fees_label.text() == "Phải thu 30.000 đ, đã thu 0 đ, còn phải thu 30.000 đ"
    qtbot.keyClick(page.recipient_name_edit, Qt.Key.Key_F4)  # the applicant collects
    assert page.recipient_name_edit.text() == "Nguyễn Thị Ánh Tuyết"
    type_text(qtbot, page.recipient_id_edit, "042301000123")
    qtbot.keyClick(page.recipient_id_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.status.property("tone") == "error", timeout=WAIT_MS)
    assert page.status.text() == (
        f"Chưa trả: Hồ sơ {code} còn phí, lệ phí chưa thu: hãy thu trước khi trả kết quả."
    )

    qtbot.keyClick(page.recipient_id_edit, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    payment = page.findChild(PaymentDialog)
    assert payment is not None and payment.amount_edit.text() == "30.000"  # grouped, pre-filled
    activate(qtbot, payment)
    qtbot.keyClick(payment.amount_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    paper = previews(page)[0]
    assert paper.title_label.text().startswith("Phiếu thu nội bộ (phí, lệ phí) · BL-")
    assert paper.printed.ok
    qtbot.waitUntil(lambda: page.fees_label.text().endswith("còn phải thu 0 đ"), timeout=WAIT_MS)
    assert page.status.text().startswith("Đã thu 30.000 đ, phiếu thu số BL-")
    close_previews(qtbot, window)

    page.recipient_id_edit.setFocus()
    qtbot.keyClick(page.recipient_id_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.status_label.text() == "Đã trả kết quả", timeout=WAIT_MS)
    assert page.status.text() == f"Đã trả kết quả hồ sơ {code} cho Nguyễn Thị Ánh Tuyết."
    assert "Đã trả: Trước hạn, cho Nguyễn Thị Ánh Tuyết" in page.facts_label.text()
    assert not page.return_button.isEnabled()
    assert services.dossiers.find(code).status is DossierStatus.RETURNED

    # -- end of shift -----------------------------------------------------------------------
    qtbot.keyClick(page.search_edit, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    summary = page.findChild(CashSummaryDialog)
    assert summary is not None
    qtbot.waitUntil(lambda: summary.summary is not None, timeout=WAIT_MS)
    assert summary.values["count"].text() == "1"
    assert summary.values["cash"].text() == "30.000 đ"
    assert summary.values["transfer"].text() == "0 đ"
    assert summary.values["total"].text() == "30.000 đ"


def test_search_by_name_without_accents_shows_only_masked_numbers(qtbot: QtBot, services: Any) -> None:
    desk = demo_desk(services)
    first = receive(services, desk)
    receive(services, desk, name="Nguyễn Thị Ánh Hồng")
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ReturnPage)

    type_text(qtbot, page.search_edit, "nguyen thi anh")
    qtbot.wait(80)
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.results_model.rowCount() == 2, timeout=WAIT_MS)

    assert page.results_label.text() == "Tìm thấy 2 hồ sơ"
    shown = [
        [page.results_model.data(page.results_model.index(r, c)) for c in range(page.results_model.columnCount())]
        for r in range(2)
    ]
    assert all(row[2] == "••••0123" and row[3] == "••••678" for row in shown)
    assert not any("042301000123" in str(cell) or "0912345678" in str(cell) for row in shown for cell in row)

    page.clear_search()
    type_text(qtbot, page.search_edit, "042301000123")
    qtbot.wait(80)
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.results_model.rowCount() == 2, timeout=WAIT_MS)
    assert page.results_model.row_of(first) is not None


def test_an_unknown_scanned_code_is_named_in_the_message(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ReturnPage)
    page.search_edit.setFocus()

    scan(qtbot, "000.00.06.H27-261130-0777")

    qtbot.waitUntil(lambda: page.status.property("tone") == "error", timeout=WAIT_MS)
    assert page.status.text() == "Không có hồ sơ nào mang mã 000.00.06.H27-261130-0777."
    assert page.search_edit.text() == "" and page.opened is None


def test_someone_else_collects_with_an_authorisation(qtbot: QtBot, services: Any) -> None:
    desk = demo_desk(services)
    code = receive(services, desk)
    ready(services, desk, code)
    services.dossiers.pay(code, desk, amount=30_000, method="transfer", request_key="paid")
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ReturnPage)
    open_in_return_page(qtbot, page, code)

    type_text(qtbot, page.recipient_name_edit, "Lê Văn Cường")
    type_text(qtbot, page.recipient_id_edit, "042099000777")
    qtbot.keyClick(page.recipient_id_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.status.property("tone") == "error", timeout=WAIT_MS)
    assert "Người nhận không phải người nộp hồ sơ (Nguyễn Thị Ánh Tuyết)" in page.status.text()

    qtbot.mouseClick(page.authorised_check, Qt.MouseButton.LeftButton)
    type_text(qtbot, page.authorisation_edit, "Giấy ủy quyền số 12/UQ ngày 01/12/2026")
    qtbot.mouseClick(page.return_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: page.status_label.text() == "Đã trả kết quả", timeout=WAIT_MS)
    history = services.dossiers.detail(code).history
    assert history[-1].data["authorised"] is True


def test_a_payment_dialog_collects_once_however_often_it_is_confirmed(
    qtbot: QtBot, services: Any
) -> None:
    desk = demo_desk(services)
    code = receive(services, desk)
    ready(services, desk, code)
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ReturnPage)
    open_in_return_page(qtbot, page, code)
    payment = page.open_payment()
    assert payment is not None
    payment.transfer_radio.setChecked(True)

    assert payment.pay() is True
    assert payment.pay() is False  # the second click while saving
    wait_idle(qtbot)
    again = services.dossiers.pay(code, desk, amount=30_000, method="transfer", request_key=payment.request_key)

    assert not again.created
    assert len(services.dossiers.detail(code).payments) == 1


def test_part_of_the_fee_typed_by_hand_is_collected_and_named_on_the_slip(
    qtbot: QtBot, services: Any
) -> None:
    desk = demo_desk(services)
    code = receive(services, desk)
    ready(services, desk, code)
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ReturnPage)
    open_in_return_page(qtbot, page, code)
    payment = page.open_payment()
    assert payment is not None
    activate(qtbot, payment)
    assert payment.confirm_button.text() == "Thu tiền và in phiếu thu (Ctrl+Enter)"  # not a "biên lai"

    payment.amount_edit.selectAll()
    qtbot.keyClick(payment.amount_edit, Qt.Key.Key_Delete)
    qtbot.keyClick(payment.amount_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert payment.amount_note.text() == "Nhập số tiền bằng đồng, ví dụ 1.500.000."
    assert services.dossiers.detail(code).payments == ()

    type_by_hand(qtbot, payment.amount_edit, "20000")
    qtbot.waitUntil(lambda: payment.amount_edit.text() == "20.000", timeout=2_000)
    qtbot.keyClick(payment.amount_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    assert page.status.text().startswith("Đã thu 20.000 đ, phiếu thu số BL-")
    qtbot.waitUntil(lambda: page.fees_label.text().endswith("còn phải thu 10.000 đ"), timeout=WAIT_MS)
    path = previews(page)[0].printed.path
    assert path is not None
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages)
    assert "Phí kiểm tra kiến thức về an toàn thực phẩm 20.000 đ" in text
    assert "Số tiền bằng chữ: Hai mươi nghìn đồng" in text


def test_send_by_post_checks_the_item_code_prints_the_label_and_records_delivery(
    qtbot: QtBot, services: Any
) -> None:
    desk = demo_desk(services)
    code = receive(services, desk, by_post=True)
    ready(services, desk, code)
    services.dossiers.pay(code, desk, amount=30_000, method="cash", request_key="fees")
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ReturnPage)
    open_in_return_page(qtbot, page, code)

    qtbot.keyClick(page.recipient_name_edit, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    post = page.findChild(PostDialog)
    assert post is not None
    activate(qtbot, post)
    assert post.receiver_edit.text() == "Nguyễn Thị Ánh Tuyết"
    assert post.address_edit.text().startswith("Số 5, phường Thành Sen")  # the full address (issue 8 §4)
    type_text(qtbot, post.item_edit, "EB123456784VN")
    assert post.item_note.text() == "“EB123456784VN” sai chữ số kiểm tra; đúng ra phải là 5."
    post.item_edit.clear()
    post.item_edit.setFocus()
    scan(qtbot, ITEM)  # the label of the postal item is scanned into the dialog
    assert post.item_edit.text() == ITEM
    assert post.item_note.text() == "Số hiệu bưu gửi hợp lệ."
    post.charge_edit.setFocus()
    post.charge_edit.selectAll()
    type_by_hand(qtbot, post.charge_edit, "25000")  # typed as digits, shown grouped as typed
    qtbot.waitUntil(lambda: post.charge_edit.text() == "25.000", timeout=2_000)
    qtbot.keyClick(post.charge_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    assert previews(page)[0].title_label.text() == f"Nhãn bưu gửi · {ITEM}"
    qtbot.waitUntil(lambda: page.status_label.text() == "Đã trả kết quả", timeout=WAIT_MS)
    assert page.fees_label.text() == "Phải thu 55.000 đ, đã thu 30.000 đ, còn phải thu 25.000 đ"
    assert page.pay_button.isEnabled()  # the postal charge is collected next
    assert page.item_edit.text() == ITEM
    close_previews(qtbot, window)

    qtbot.mouseClick(page.delivered_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status.text().startswith(f"Bưu gửi {ITEM} của hồ sơ {code}: Đã phát"),
                    timeout=WAIT_MS)
    assert services.dossiers.detail(code).postal_items[0].status == "delivered"
