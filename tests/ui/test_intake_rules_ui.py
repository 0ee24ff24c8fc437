"""The intake dialog's live checks are the dossier service's own rules (services/intake_rules.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.domain.errors import DomainError
from counter_app.services import intake_rules
from counter_app.ui.intake import field_error_words
from tests.ui.dossier_stand import open_window, wait_idle
from tests.ui.test_intake import dossier_count, fill_applicant, open_intake, type_text


def test_an_e_mail_the_service_refuses_is_flagged_as_typed_in_its_words(
    qtbot: QtBot, services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stricter rule in the service (only .vn addresses): the dialog follows it, having no copy of its own.
    monkeypatch.setattr(intake_rules, "EMAIL", re.compile(r"^[^@\s]+@[^@\s]+\.vn$"))
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)

    type_text(qtbot, dialog.email_edit, "an@example.com")
    dialog.email_edit.editingFinished.emit()

    assert dialog.email_note.isVisible()
    assert dialog.email_note.text() == "“an@example.com” không phải địa chỉ thư điện tử."
    dialog.email_edit.clear()
    type_text(qtbot, dialog.email_edit, "an@example.vn")
    dialog.email_edit.editingFinished.emit()
    assert not dialog.email_note.isVisible()


def test_a_name_longer_than_the_service_takes_is_refused_before_sending(
    qtbot: QtBot, services: Any, demo_data_dir: Path
) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)
    fill_applicant(qtbot, dialog)
    qtbot.mouseClick(dialog.all_received_button, Qt.MouseButton.LeftButton)
    too_long = "Nguyễn " * 40  # 279 characters, tidied to 279: over the service's 200
    dialog.name_edit.setText(too_long)

    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)

    with pytest.raises(DomainError) as refused:
        intake_rules.clean_text(too_long, "applicant_name", intake_rules.MAX_NAME, required=True)
    assert dialog.name_note.text() == field_error_words(refused.value)
    assert dialog.name_note.text() == f"“Họ tên người nộp” quá dài: {len(too_long.strip())} ký tự, tối đa 200."
    assert dialog.status.text() == "Hãy kiểm tra các ô có chữ đỏ."  # refused here: nothing was sent
    assert not dialog.saving and dialog.name_edit.hasFocus()
    wait_idle(qtbot)
    assert dossier_count(demo_data_dir) == 0


def test_a_business_id_number_follows_the_service_s_length_limit(
    qtbot: QtBot, services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake_rules, "MAX_OTHER_ID", 12)  # the dialog reads the limit from the service
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("business"))

    type_text(qtbot, dialog.id_edit, "0101234567-001")

    assert dialog.id_note.text() == "“Số định danh” quá dài: 14 ký tự, tối đa 12."
    assert dialog.id_note.property("tone") == "error"


TAB_ORDER = [  # the fields a clerk tabs through, in order: as before IntakeDialog.__init__ was split into builders
    "applicantType", "applicantName", "idNumber", "birthDate", "sex", "phone", "email", "province",
    "communeSearch", "commune", "addressLine", "ownerName", "requestSummary", "provided-1", "sets",
    "deliveryReceiver", "deliveryAddress", "deliveryPhone",
]


def test_the_dialog_s_tab_order_is_kept_by_its_builders(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)
    chain: list[str] = []
    widget = dialog.nextInFocusChain()
    while widget is not dialog and len(chain) < 500:
        name = widget.objectName()
        if name in TAB_ORDER and name not in chain:
            chain.append(name)
        widget = widget.nextInFocusChain()
    assert chain == TAB_ORDER
