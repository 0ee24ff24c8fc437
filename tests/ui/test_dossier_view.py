"""The dossier view: facts, full history with who/when/where, payments, batches, and every reprint."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from counter_app.domain.dossier import Outcome
from counter_app.services.documents import DocumentKind
from counter_app.services.dossiers import IntakeComponent, IntakeRequest
from counter_app.services.ports import PrintJob
from counter_app.ui.dossier_view import DossierViewDialog, open_dossier_view
from counter_app.ui.guide import GuidePage
from counter_app.ui.intake_page import IntakePage
from counter_app.ui.scanner import scan_filter
from tests.ui.dossier_stand import WAIT_MS, demo_desk, open_window, previews, wait_idle

FOOD_SAFETY = "2.000595"


class BrokenPrinter:
    name = "máy in quầy 1"

    def print_pdf(self, pdf: bytes, *, title: str, at: datetime) -> PrintJob:
        return PrintJob(self.name, ok=False, error="out of paper")


@pytest.fixture(autouse=True)
def _scanner_gap() -> Iterator[None]:
    wedge = scan_filter()
    before = wedge.max_gap_ms
    wedge.set_max_gap(50)
    yield
    wedge.set_max_gap(before)


def returned_dossier(services: Any, clock: Any) -> tuple[str, str, str]:
    """A dossier received, handed over, back, paid and returned; its code, batch and receipt number."""
    desk = demo_desk(services)
    guide = services.procedure_guide(FOOD_SAFETY)
    request = IntakeRequest(
        request_key=uuid.uuid4().hex, procedure_code=FOOD_SAFETY, outcome=Outcome.COMPLETE,
        applicant_type="citizen", applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123",
        phone="0912345678", request_summary="Xác nhận kiến thức an toàn thực phẩm",
        components=tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components),
    )
    code = services.dossiers.receive(request, desk).code
    clock.advance(hours=1)
    batch = services.dossiers.hand_over([code], desk, receiver_name="Trần Văn Bình").batch_code
    clock.advance(days=1)
    services.dossiers.result_ready(code, desk)
    receipt = services.dossiers.pay(code, desk, amount=30_000, method="cash", request_key="fees").receipt_number
    services.dossiers.return_result(code, desk, recipient_name="Nguyễn Thị Ánh Tuyết", recipient_id="042301000123")
    return code, batch, receipt


def scan(qtbot: QtBot, code: str) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClicks(target, code)
    qtbot.keyClick(target, Qt.Key.Key_Return)


def loaded_view(qtbot: QtBot, parent: QWidget) -> DossierViewDialog:
    qtbot.waitUntil(lambda: parent.findChild(DossierViewDialog) is not None, timeout=WAIT_MS)
    view = parent.findChild(DossierViewDialog)
    assert view is not None
    qtbot.waitUntil(lambda: view.data is not None or view.status.property("tone") == "error", timeout=WAIT_MS)
    return view


def test_the_view_shows_facts_and_the_whole_history(qtbot: QtBot, services: Any, clock: Any) -> None:
    received_on = clock.now()
    code, batch, receipt = returned_dossier(services, clock)
    clock.set(received_on.replace(hour=17))  # back to the day of the intake: it is in today's list
    window = open_window(qtbot, services)
    page = window.page_of(IntakePage)
    assert isinstance(page, IntakePage)
    window.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.today_model.row_of(code) is not None, timeout=WAIT_MS)
    page.today_table.setFocus()
    page.today_table.setCurrentIndex(page.today_model.index(0, 0))

    qtbot.keyClick(page.today_table, Qt.Key.Key_Return)

    view = loaded_view(qtbot, page)
    assert view.windowTitle() == f"Hồ sơ {code}"
    assert view.status_badge.text() == "Đã trả kết quả"
    assert view.fact("applicant") == "Nguyễn Thị Ánh Tuyết · Công dân"
    assert view.fact("id") == "••••0123" and view.fact("phone") == "••••678"
    assert view.fact("fees") == "Phải thu 30.000 đ, đã thu 30.000 đ, còn phải thu 0 đ"
    assert view.fact("timeliness") == "Trước hạn · Nguyễn Thị Ánh Tuyết"
    model = view.history_model
    steps = [model.data(model.index(r, 1)) for r in range(model.rowCount())]
    assert steps == [
        "Tiếp nhận (đủ hồ sơ)",
        "Bàn giao cho cơ quan giải quyết",
        "Nhận kết quả từ cơ quan giải quyết",
        "Thu phí, lệ phí",
        "Trả kết quả tại quầy",
    ]
    staff, counter = window.context.session.full_name, window.context.counter
    assert all(model.data(model.index(r, 3)) == staff for r in range(model.rowCount()))
    assert all(model.data(model.index(r, 4)) == f"Quầy {counter.number}" for r in range(model.rowCount()))
    assert f"đợt {batch}" in model.data(model.index(1, 5))
    assert f"phiếu thu {receipt}: 30.000 đ (Tiền mặt)" in model.data(model.index(3, 5))  # issue 8 §5
    assert view.payments_model.row_of(receipt) is not None
    assert view.batches_model.rows() == [batch]
    visible = [kind for kind, button in view.reprint_buttons.items() if not button.isHidden()]
    assert visible == [DocumentKind.RECEIPT, DocumentKind.CONTROL]


def test_a_failed_print_is_printed_again_from_the_dossier_view(
    qtbot: QtBot, services: Any, clock: Any
) -> None:
    code, batch, receipt = returned_dossier(services, clock)
    window = open_window(qtbot, services)
    view = open_dossier_view(window, window.context, code)
    qtbot.waitUntil(lambda: view.data is not None, timeout=WAIT_MS)
    working = services.printing.printer
    services.printing.printer = BrokenPrinter()

    qtbot.mouseClick(view.reprint_buttons[DocumentKind.RECEIPT], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(previews(view)), timeout=WAIT_MS)
    assert view.status.text() == "CHƯA in được Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả. Hãy kiểm tra máy in rồi thử lại."
    previews(view)[0].reject()

    services.printing.printer = working
    qtbot.mouseClick(view.reprint_buttons[DocumentKind.RECEIPT], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.status.property("tone") == "ok", timeout=WAIT_MS)
    assert view.status.text() == "Đã in lại Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả."
    printed = [d for d in previews(view) if d.printed.ok]
    assert printed and printed[0].printed.path is not None and code in printed[0].printed.path.name
    for d in previews(view):
        d.reject()

    view.tabs.setCurrentIndex(2)
    qtbot.mouseClick(view.reprint_payment_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(d.printed.key == receipt for d in previews(view)), timeout=WAIT_MS)
    view.tabs.setCurrentIndex(4)
    qtbot.mouseClick(view.reprint_batch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(d.printed.key == batch for d in previews(view)), timeout=WAIT_MS)
    assert next(d for d in previews(view) if d.printed.key == batch).title_label.text() == (
        f"Biên bản bàn giao · {batch}"
    )


def test_a_scan_on_the_guide_page_opens_the_dossier(qtbot: QtBot, services: Any, clock: Any) -> None:
    code, _batch, _receipt = returned_dossier(services, clock)
    window = open_window(qtbot, services)
    guide = window.page_of(GuidePage)
    assert isinstance(guide, GuidePage)
    guide.search_edit.setFocus()

    scan(qtbot, code)

    intake = window.page_of(IntakePage)
    assert intake is not None
    view = loaded_view(qtbot, intake)
    assert view.code == code and view.fact("procedure").endswith(f"({FOOD_SAFETY})")
    assert guide.search_edit.text() == ""  # the scan did not land in the search box
    wait_idle(qtbot)
    view.reject()

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2_000)
    guide.search_edit.setFocus()
    scan(qtbot, "000.00.06.H27-261130-0404")
    qtbot.waitUntil(
        lambda: any(v.isVisible() and v.code.endswith("0404") for v in intake.findChildren(DossierViewDialog)),
        timeout=WAIT_MS,
    )
    unknown = next(v for v in intake.findChildren(DossierViewDialog) if v.isVisible() and v.code.endswith("0404"))
    qtbot.waitUntil(lambda: unknown.status.property("tone") == "error", timeout=WAIT_MS)
    assert unknown.status.text() == "Không có hồ sơ nào mang mã 000.00.06.H27-261130-0404."


def test_the_tracking_book_shows_the_period_and_prints_on_a4(
    qtbot: QtBot, services: Any, clock: Any
) -> None:
    from counter_app.ui.book import BookPage

    code, _batch, _receipt = returned_dossier(services, clock)
    window = open_window(qtbot, services)
    page = window.page_of(BookPage)
    assert isinstance(page, BookPage)
    window.tabs.setCurrentWidget(page)
    wait_idle(qtbot)
    day = services.dossiers.find(code).received_at.date()
    page.set_period(day, day)
    page.from_edit.setFocus()

    qtbot.keyClick(page.from_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.count_label.text().startswith("1 hồ sơ tiếp nhận từ 30/11/2026"), timeout=WAIT_MS)

    row = [page.model.data(page.model.index(0, c)) for c in range(page.model.columnCount())]
    assert row[1] == code and row[6] == "30/11/2026 09:00" and row[8] == "30/11/2026 10:00"
    qtbot.keyClick(page.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    preview = previews(page)[0]
    assert preview.title_label.text() == "Mẫu 07 — Sổ theo dõi hồ sơ · 20261130-20261130"
    assert preview.printed.ok and preview.printed.path is not None and preview.printed.path.is_file()
    width, height = preview.page_labels[0].pixmap().width(), preview.page_labels[0].pixmap().height()
    assert max(width, height) > 1000  # an A4 page at 96 dpi (1123 px on its long side)
