"""Out of office hours at the counter: Save and Hand over ask the clerk, No saves nothing, Yes saves and records."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from counter_app.bootstrap import VIETNAM_TIME
from counter_app.domain.dossier import DossierStatus, EventType
from counter_app.storage.store import store_path
from counter_app.ui.handover import HandoverPage
from counter_app.ui.intake import IntakeDialog
from counter_app.ui.intake_page import IntakePage
from counter_app.ui.scanner import scan_filter
from tests.ui.dossier_stand import WAIT_MS, demo_desk, open_window, previews, show_page, wait_idle
from tests.ui.test_handover_ui import FOOD_SAFETY, receive, scan
from tests.ui.test_intake import fill_applicant, open_intake

YES = "Có, tiếp tục và ghi lại xác nhận của tôi"
NO = "Không, không lưu"

# The demo centre works 07:00–11:30 and 13:30–17:00, Monday to Friday; 2026-11-30 is a Monday.
OUT_OF_HOURS = [
    pytest.param(datetime(2026, 11, 30, 17, 45, tzinfo=VIETNAM_TIME), "đã hết giờ làm việc trong ngày",
                 datetime(2026, 12, 1, 7, 0, tzinfo=VIETNAM_TIME), "07:00, thứ Ba, 01/12/2026", id="17:45"),
    pytest.param(datetime(2026, 12, 1, 6, 55, tzinfo=VIETNAM_TIME), "chưa đến giờ làm việc",
                 datetime(2026, 12, 1, 7, 0, tzinfo=VIETNAM_TIME), "07:00, thứ Ba, 01/12/2026", id="06:55"),
    pytest.param(datetime(2026, 12, 6, 10, 0, tzinfo=VIETNAM_TIME), "hôm nay là ngày nghỉ",
                 datetime(2026, 12, 7, 7, 0, tzinfo=VIETNAM_TIME), "07:00, thứ Hai, 07/12/2026", id="sunday"),
]


@pytest.fixture(autouse=True)
def _scanner_gap() -> Iterator[None]:
    wedge = scan_filter()
    before = wedge.max_gap_ms
    wedge.set_max_gap(50)
    yield
    wedge.set_max_gap(before)


def dossier_count(data_dir: Path) -> int:
    with sqlite3.connect(store_path(data_dir)) as db:
        return int(db.execute("SELECT count(*) FROM dossiers").fetchone()[0])


def the_question(qtbot: QtBot, owner: Any) -> QMessageBox:
    qtbot.waitUntil(lambda: owner.out_of_hours_box is not None and owner.out_of_hours_box.isVisible(), timeout=WAIT_MS)
    box = owner.out_of_hours_box
    assert isinstance(box, QMessageBox)
    return box


def answer(qtbot: QtBot, box: QMessageBox, text: str) -> None:
    button = next(b for b in box.buttons() if b.text() == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize(("moment", "reason", "opens", "opens_text"), OUT_OF_HOURS)
def test_save_out_of_hours_asks_no_saves_nothing_yes_saves_and_records(
    qtbot: QtBot, services: Any, clock: Any, demo_data_dir: Path,
    moment: datetime, reason: str, opens: datetime, opens_text: str,
) -> None:
    window = open_window(qtbot, services)
    page = window.page_of(IntakePage)
    dialog = open_intake(qtbot, window)
    assert isinstance(dialog, IntakeDialog)
    fill_applicant(qtbot, dialog)
    qtbot.mouseClick(dialog.all_received_button, Qt.MouseButton.LeftButton)
    clock.set(moment)

    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)  # Save

    box = the_question(qtbot, dialog)
    assert box.windowTitle() == "Ngoài giờ làm việc"
    assert box.text() == "Tiếp nhận hồ sơ này ngoài giờ làm việc?"
    assert box.informativeText().startswith(
        f"Ngoài giờ làm việc: {reason}. Phiên làm việc tiếp theo bắt đầu lúc {opens_text}."
    )
    assert box.defaultButton().text() == NO
    answer(qtbot, box, NO)
    qtbot.waitUntil(lambda: dialog.status.text() == "Chưa lưu: đang ngoài giờ làm việc.")
    wait_idle(qtbot)
    assert dossier_count(demo_data_dir) == 0
    assert dialog.isVisible() and dialog.saved is None  # nothing typed is lost

    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)  # Save again
    answer(qtbot, the_question(qtbot, dialog), YES)

    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    assert dialog.saved is not None
    code = dialog.saved.code
    assert dossier_count(demo_data_dir) == 1
    detail = services.dossiers.detail(code)
    assert detail.summary.status is DossierStatus.RECEIVED
    recorded = detail.history[0].data["out_of_hours"]
    assert recorded["confirmed"] is True and recorded["at"] == moment.isoformat()
    assert recorded["staff_id"] == window.context.session.staff_id
    assert recorded["next_opening"] == opens.isoformat()
    calendar = services.guide_service.calendar(window.context.session.centre_id)
    procedure = services.guide_service.procedure(FOOD_SAFETY)
    assert detail.record.appointment == calendar.appointment(opens, procedure.duration)  # from the next session


def test_save_at_the_opening_minute_asks_nothing(
    qtbot: QtBot, services: Any, clock: Any, demo_data_dir: Path
) -> None:
    window = open_window(qtbot, services)
    page = window.page_of(IntakePage)
    dialog = open_intake(qtbot, window)
    fill_applicant(qtbot, dialog)
    qtbot.mouseClick(dialog.all_received_button, Qt.MouseButton.LeftButton)
    clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=VIETNAM_TIME))

    qtbot.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    assert dialog.out_of_hours_box is None
    assert "out_of_hours" not in services.dossiers.detail(dialog.saved.code).history[0].data


@pytest.mark.parametrize(("moment", "reason", "opens", "opens_text"), OUT_OF_HOURS)
def test_hand_over_out_of_hours_asks_no_records_nothing_yes_records_the_confirmation(
    qtbot: QtBot, services: Any, clock: Any,
    moment: datetime, reason: str, opens: datetime, opens_text: str,
) -> None:
    desk = demo_desk(services)
    code = receive(services, desk, FOOD_SAFETY)  # Monday 09:00
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, HandoverPage)
    page.agency_table.setFocus()
    scan(qtbot, code)
    assert page.batch_codes() == [code]
    clock.set(moment)

    qtbot.mouseClick(page.handover_button, Qt.MouseButton.LeftButton)

    box = the_question(qtbot, page)
    assert box.text() == "Ghi nhận bàn giao này ngoài giờ làm việc?"
    assert box.informativeText().startswith(
        f"Ngoài giờ làm việc: {reason}. Phiên làm việc tiếp theo bắt đầu lúc {opens_text}."
    )
    answer(qtbot, box, NO)
    qtbot.waitUntil(lambda: page.status.text() == "Chưa bàn giao: đang ngoài giờ làm việc.")
    wait_idle(qtbot)
    assert services.dossiers.find(code).status is DossierStatus.RECEIVED
    assert page.batch_codes() == [code]  # the batch stays ticked for a later hand-over

    qtbot.mouseClick(page.handover_button, Qt.MouseButton.LeftButton)
    answer(qtbot, the_question(qtbot, page), YES)

    qtbot.waitUntil(lambda: page.status.text().startswith("Đã bàn giao 1 hồ sơ cho "), timeout=WAIT_MS)
    assert services.dossiers.find(code).status is DossierStatus.PROCESSING
    handed = next(h for h in reversed(services.dossiers.detail(code).history) if h.type is EventType.HANDED_OVER)
    assert handed.type is EventType.HANDED_OVER and handed.staff_name == desk.staff_name
    recorded = handed.data["out_of_hours"]
    assert recorded["confirmed"] is True and recorded["staff_id"] == desk.staff_id
    assert recorded["at"] == moment.isoformat() and recorded["next_opening"] == opens.isoformat()
