"""Optional documents at intake (issue 7 §4): F4 ticks the required ones only, and a document not brought
stays off the official forms — not listed on Mẫu 01, not asked for on Mẫu 02."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.domain.dossier import DossierStatus
from counter_app.ui.intake_page import IntakePage
from counter_app.ui.scanner import scan_filter
from tests.ui.dossier_stand import WAIT_MS, open_window, previews
from tests.ui.test_intake import active_reason_dialog, fill_applicant, open_intake, type_text

# Cấp bản sao văn bằng, chứng chỉ từ sổ gốc: two required documents and "Văn bản ủy quyền (trường hợp nộp thay)"
COPY_OF_DIPLOMA = "1.005092"


@pytest.fixture(autouse=True)
def _scanner_gap() -> Iterator[None]:
    wedge = scan_filter()
    before = wedge.max_gap_ms
    wedge.set_max_gap(50)
    yield
    wedge.set_max_gap(before)


def _pdf_text(path: Any) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages)).split())


def test_f4_ticks_the_required_documents_and_form_01_lists_only_what_was_brought(qtbot: QtBot, services: Any, vi: None) -> None:
    window = open_window(qtbot, services)
    page = window.page_of(IntakePage)
    assert isinstance(page, IntakePage)
    dialog = open_intake(qtbot, window, COPY_OF_DIPLOMA)
    fill_applicant(qtbot, dialog)
    optional = [c for c in dialog.components if not c.required]
    required = [c for c in dialog.components if c.required]
    assert optional and required
    assert dialog.all_received_button.text() == "Đã nhận đủ giấy tờ bắt buộc (F4)"
    saved: list[Any] = []
    dialog.sig_saved.connect(saved.append)

    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_F4)
    assert all(c.provided.isChecked() for c in required)
    assert not any(c.provided.isChecked() for c in optional)
    brought = [c.name for c in required if c.originals.value() + c.certified.value() + c.photocopies.value()]
    shown = [c.name for c in required if c.name not in brought]  # seen at the counter, no paper kept
    required_names = {c.name for c in required}
    optional_names = [c.name for c in optional]
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    text = _pdf_text(previews(page)[0].printed.path)
    assert brought and all(name in text for name in brought)
    assert not any(name in text for name in shown)
    assert not any(name in text for name in optional_names)
    record = services.dossiers.detail(saved[0].code).record
    assert record.status is DossierStatus.RECEIVED
    assert {c.name for c in record.components if c.provided} == required_names


def test_form_02_asks_only_for_required_documents(qtbot: QtBot, services: Any, vi: None) -> None:
    window = open_window(qtbot, services)
    page = window.page_of(IntakePage)
    assert isinstance(page, IntakePage)
    dialog = open_intake(qtbot, window, COPY_OF_DIPLOMA)
    fill_applicant(qtbot, dialog)
    required = [c.name for c in dialog.components if c.required]
    optional = [c.name for c in dialog.components if not c.required]
    saved: list[Any] = []
    dialog.sig_saved.connect(saved.append)

    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_F7)  # nothing ticked: incomplete
    reason = active_reason_dialog(qtbot, dialog)
    assert reason.missing() == required  # the optional document is not pre-filled
    type_text(qtbot, reason.reason_edit, "Chưa mang giấy tờ")
    qtbot.keyClick(reason.reason_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    text = _pdf_text(previews(page)[0].printed.path)
    assert all(name in text for name in required)
    assert not any(name in text for name in optional)
    assert services.dossiers.detail(saved[0].code).record.missing_components == tuple(required)
