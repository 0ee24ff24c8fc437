"""A real keyboard-wedge scanner at the counter window: Shift around capitals, AIM prefix, CR LF, Tab."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from counter_app.domain.dossier import DossierStatus, Outcome
from counter_app.services.dossiers import IntakeComponent, IntakeRequest
from counter_app.ui.dossier_view import DossierViewDialog
from counter_app.ui.guide import GuidePage
from counter_app.ui.intake_page import IntakePage
from counter_app.ui.results import ResultsPage
from counter_app.ui.scanner import scan_filter
from tests.ui.dossier_stand import WAIT_MS, demo_desk, open_window, show_page, wait_idle
from tests.ui.wedge import CR, LF, TAB, KeyClock, Wedge

FOOD_SAFETY = "2.000595"


@pytest.fixture
def wedge() -> Iterator[Wedge]:
    """The app's own filter, with its shipped gap, timed by the replay's clock."""
    scanner = scan_filter()
    clock = KeyClock()
    real_clock = scanner._clock_ms
    scanner._clock_ms = clock
    yield Wedge(clock, ms_per_event=8)  # 16 ms a key: a typical scanner speed
    scanner._clock_ms = real_clock


def received(services: Any) -> str:
    desk = demo_desk(services)
    guide = services.procedure_guide(FOOD_SAFETY)
    request = IntakeRequest(
        request_key=uuid.uuid4().hex, procedure_code=FOOD_SAFETY, outcome=Outcome.COMPLETE,
        applicant_type="citizen", applicant_name="Nguyễn Văn An", id_number="042090000111",
        phone="0987654321",
        components=tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components),
    )
    code = str(services.dossiers.receive(request, desk).code)
    services.dossiers.hand_over([code], desk)
    return code


@pytest.mark.parametrize(("prefix", "suffix"), [("", CR), ("]C0", CR + LF), ("", TAB)])
def test_a_result_scanned_with_a_shift_sending_wedge_is_marked_ready(
    qtbot: QtBot, services: Any, wedge: Wedge, prefix: str, suffix: str
) -> None:
    code = received(services)
    assert "H27" in code  # capitals: the wedge presses Shift inside the code
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ResultsPage)
    page.filter_edit.setFocus()

    wedge.scan(code, prefix=prefix, suffix=suffix)
    qtbot.waitUntil(lambda: page.recent_model.rowCount() == 1, timeout=WAIT_MS)

    assert page.status.text() == f"Đã nhận kết quả hồ sơ {code} — sẵn sàng trả (Tại quầy)."
    assert page.filter_edit.text() == ""  # no piece of the code landed in the filter box
    assert services.dossiers.find(code).status is DossierStatus.RESULT_READY
    wait_idle(qtbot)


def test_a_receipt_scanned_on_the_guide_page_opens_its_dossier(
    qtbot: QtBot, services: Any, wedge: Wedge
) -> None:
    code = received(services)
    window = open_window(qtbot, services)
    guide = window.page_of(GuidePage)
    assert isinstance(guide, GuidePage)
    guide.search_edit.setFocus()

    wedge.scan(code, suffix=CR + LF)

    intake = window.page_of(IntakePage)
    assert intake is not None
    qtbot.waitUntil(lambda: intake.findChild(DossierViewDialog) is not None, timeout=WAIT_MS)
    view = intake.findChild(DossierViewDialog)
    assert view is not None
    qtbot.waitUntil(lambda: view.data is not None, timeout=WAIT_MS)
    assert view.code == code
    assert guide.search_edit.text() == ""
    wait_idle(qtbot)
    view.reject()


def test_a_clerk_typing_a_name_fast_into_the_guide_search_keeps_every_letter(
    qtbot: QtBot, services: Any, wedge: Wedge
) -> None:
    window = open_window(qtbot, services)
    guide = window.page_of(GuidePage)
    assert isinstance(guide, GuidePage)
    guide.search_edit.setFocus()

    wedge.scan("Khai sinh", suffix=CR)  # at scanner speed, but it is not a code

    assert guide.search_edit.text() == "Khai sinh"
    assert window.findChildren(DossierViewDialog) == []
    wait_idle(qtbot)
