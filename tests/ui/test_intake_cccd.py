"""Intake from the citizen's chip-based CCCD card, 2025 addresses of any province, phone and delivery checks (pytest-qt)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QRadioButton
from pytestqt.qtbot import QtBot

from counter_app.domain.errors import DomainError
from counter_app.services.i18n import describe_error
from counter_app.storage.store import store_path
from counter_app.ui.intake import IntakeDialog
from counter_app.ui.scanner import scan_filter
from tests.ui.dossier_stand import WAIT_MS, open_window, wait_idle
from tests.ui.test_intake import dossier_count, open_intake, type_text

# What the QR of a chip-based CCCD card holds (invented person; the number is valid for a woman born in 2001).
NUMBER = "042301000123"
CARD_2025 = f"{NUMBER}|183456789|Nguyễn Thị Ánh Tuyết|15032001|Nữ|Số 5 đường Phan Đình Phùng, Phường Thành Sen, Tỉnh Hà Tĩnh|20082025"
CARD_OLD = f"{NUMBER}||Nguyễn Thị Ánh Tuyết|15032001|Nữ|Thôn 3, Xã Thạch Trung, Thành phố Hà Tĩnh, Hà Tĩnh|20042021|"
CARD_HANOI = "001099012345||Trần Văn Nam|01021999|Nam|Số 12 Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội|05072025"


def scan_card(dialog: IntakeDialog, payload: str) -> None:
    """What the app-wide keyboard-wedge filter does with a finished scan: hand it to the open dialog."""
    assert scan_filter().dispatch(payload, dialog.name_edit)


def test_scanning_the_card_fills_the_applicant_and_the_address(qtbot: QtBot, services: Any, demo_data_dir: Path) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)

    scan_card(dialog, CARD_2025)

    assert dialog.type_combo.currentData() == "citizen"
    assert dialog.name_edit.text() == "Nguyễn Thị Ánh Tuyết"
    assert dialog.id_edit.text() == NUMBER
    assert dialog.birth_edit.text() == "15/03/2001"
    assert dialog.sex_combo.currentText() == "Nữ"
    assert dialog.province_combo.currentText() == "tỉnh Hà Tĩnh"
    assert dialog.commune_combo.currentText() == "phường Thành Sen"
    assert dialog.address_edit.text() == "Số 5 đường Phan Đình Phùng"
    assert dialog.id_note.text() == "CCCD hợp lệ · nơi đăng ký khai sinh: Hà Tĩnh · sinh năm 2001"
    assert dialog.status.text() == "Đã điền theo thẻ CCCD của Nguyễn Thị Ánh Tuyết. Hãy đối chiếu lại với công dân."
    assert dialog.scanned_while_busy == []  # the card is not "kept for later"

    type_text(qtbot, dialog.phone_edit, "+84 912 345 678")
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Tab)
    assert dialog.phone_edit.text() == "0912345678" and not dialog.phone_note.isVisible()
    saved: list[Any] = []
    dialog.sig_saved.connect(saved.append)
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_F4)
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(saved), timeout=WAIT_MS)
    wait_idle(qtbot)
    row = sqlite3.connect(store_path(demo_data_dir)).execute(
        "SELECT applicant_name, id_number, phone, address_line, commune_name, province_name, commune_code FROM dossiers"
    ).fetchone()
    assert row == ("Nguyễn Thị Ánh Tuyết", NUMBER, "0912345678", "Số 5 đường Phan Đình Phùng", "phường Thành Sen",
                   "tỉnh Hà Tĩnh", "18073")


def test_a_card_with_a_pre_2025_address_gets_the_new_commune(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)

    scan_card(dialog, CARD_OLD)

    qtbot.waitUntil(lambda: dialog.commune_combo.currentText() == "phường Trần Phú", timeout=WAIT_MS)
    assert dialog.province_combo.currentText() == "tỉnh Hà Tĩnh"
    assert dialog.address_edit.text() == "Thôn 3"
    assert dialog.address_note.text() == (
        "Đã chuyển từ địa chỉ trên thẻ (trước ngày 01/7/2025): Thôn 3, Xã Thạch Trung, Thành phố Hà Tĩnh, Hà Tĩnh. "
        "Hãy xác nhận lại với công dân."
    )


def test_a_card_from_another_province_uses_the_national_list(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)

    scan_card(dialog, CARD_HANOI)

    assert dialog.province_combo.currentText() == "thành phố Hà Nội"
    assert dialog.commune_combo.currentText() == "phường Hoàn Kiếm"
    assert dialog.address_edit.text() == "Số 12 Hàng Bạc"
    assert dialog.sex_combo.currentText() == "Nam" and dialog.birth_edit.text() == "01/02/1999"
    assert dialog.id_note.text().startswith("CCCD hợp lệ · nơi đăng ký khai sinh: Hà Nội · sinh năm 1999")


def test_a_damaged_qr_fills_nothing_and_says_why(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)

    scan_card(dialog, CARD_2025.replace("15032001", "31022001"))

    expected = describe_error(DomainError("cccd_qr.date", field="birth_date", value="31022001"))
    assert dialog.status.text() == expected
    assert expected.startswith("Mã QR trên thẻ CCCD ghi “31022001” ở chỗ của một ngày")
    assert (dialog.name_edit.text(), dialog.id_edit.text(), dialog.birth_edit.text(), dialog.address_edit.text()) == ("", "", "", "")


def test_the_birth_year_on_the_card_is_checked_against_the_number(qtbot: QtBot, services: Any, demo_data_dir: Path) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)

    scan_card(dialog, CARD_2025.replace("15032001", "15031999"))

    assert dialog.birth_edit.text() == "15/03/1999"
    expected = describe_error(DomainError("cccd.birth_year_mismatch", number_year=2001, birth_year=1999))
    assert dialog.id_note.text() == expected
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_F4)
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot)
    assert dossier_count(demo_data_dir) == 0


def test_the_commune_is_found_by_its_name_without_kind_or_accents(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)
    assert dialog.province_combo.currentText() == "tỉnh Hà Tĩnh"
    assert dialog.province_combo.count() == 34

    dialog.commune_search_edit.setFocus()
    qtbot.keyClicks(dialog.commune_search_edit, "thanh sen")
    qtbot.waitUntil(lambda: dialog.commune_search_edit.text() == "thanh sen", timeout=2_000)
    assert dialog.commune_combo.currentText() == "phường Thành Sen"

    dialog.commune_search_edit.clear()
    qtbot.keyClicks(dialog.commune_search_edit, "loc ha")
    qtbot.waitUntil(lambda: dialog.commune_search_edit.text() == "loc ha", timeout=2_000)
    assert dialog.commune_combo.currentText() == "xã Lộc Hà"


def test_phone_numbers_are_checked_as_typed(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)

    type_text(qtbot, dialog.phone_edit, "0012345678")
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Tab)
    assert dialog.phone_note.isVisible()
    assert dialog.phone_note.text() == describe_error(DomainError("phone.invalid", value="0012345678"))
    assert dialog.phone_note.text().startswith("“0012345678” không phải số điện thoại Việt Nam")

    dialog.phone_edit.clear()
    type_text(qtbot, dialog.phone_edit, "(0239) 3 999 000")
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Tab)
    assert dialog.phone_edit.text() == "02393999000" and not dialog.phone_note.isVisible()


def test_home_delivery_needs_a_full_address(qtbot: QtBot, services: Any, demo_data_dir: Path) -> None:
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)
    type_text(qtbot, dialog.name_edit, "Nguyễn Thị Ánh Tuyết")
    qtbot.mouseClick(dialog.delivery_post_radio, Qt.MouseButton.LeftButton)
    assert isinstance(dialog.delivery_post_radio, QRadioButton) and dialog.delivery_post_radio.isChecked()
    type_text(qtbot, dialog.receiver_edit, "Nguyễn Thị Ánh Tuyết")
    type_text(qtbot, dialog.delivery_address_edit, "Số 5 đường Phan Đình Phùng")
    type_text(qtbot, dialog.delivery_phone_edit, "0912345678")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_F4)

    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    expected = describe_error(DomainError("address.incomplete", value="Số 5 đường Phan Đình Phùng"))
    assert dialog.delivery_note.text() == expected
    assert "xã/phường/đặc khu và tỉnh/thành phố" in expected
    wait_idle(qtbot)
    assert dossier_count(demo_data_dir) == 0

    scan_card(dialog, CARD_2025)  # the card gives the applicant's address; F6 copies it in full
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_F6)
    assert dialog.delivery_address_edit.text() == "Số 5 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh"
    type_text(qtbot, dialog.delivery_phone_edit, "0912345678")  # F6 copied the applicant's (empty) phone
    saved: list[Any] = []
    dialog.sig_saved.connect(saved.append)
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(saved), timeout=WAIT_MS)
    wait_idle(qtbot)
    assert services.dossiers.detail(saved[0].code).record.delivery_address == (
        "Số 5 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh"
    )


def test_the_card_scanned_through_the_keyboard_wedge_fills_the_form(qtbot: QtBot, services: Any) -> None:
    """The scanner types the QR's characters fast into the focused field and ends with Enter."""
    window = open_window(qtbot, services)
    dialog = open_intake(qtbot, window)
    before = scan_filter().max_gap_ms
    scan_filter().set_max_gap(50)  # two tests at a time on the machine: a little slack between keys
    try:
        dialog.name_edit.setFocus()
        for ch in CARD_HANOI:  # QTest cannot type Vietnamese letters: the key events a wedge sends, with their text
            key = ord(ch.upper()) if ch.isascii() else 0
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(dialog.name_edit, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.id_edit.text() == "001099012345", timeout=WAIT_MS)
    finally:
        scan_filter().set_max_gap(before)
    assert dialog.name_edit.text() == "Trần Văn Nam"  # not the QR's text typed into the name field
    assert dialog.commune_combo.currentText() == "phường Hoàn Kiếm"
