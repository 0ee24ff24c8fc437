"""Printing owned by the service, seen from the counter window (issue 10): documents owed from before
the program started are offered at the window's start, and rendering runs on workers of its own."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from counter_app.domain.dossier import EventType, Outcome
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from counter_app.ui.guide import GuidePage
from counter_app.ui.main_window import CounterContext, CounterWindow
from counter_app.ui.preview import OwedPrintsBox
from counter_app.ui.tasks import render_manager, run_in_background
from tests.conftest import FakeClock
from tests.fakes import FakeCounterAppServices

FOOD_SAFETY = "2.000595"
WAIT_MS = 20_000


def _receive(services: Any) -> str:
    session, counter = services.demo_session()
    desk = Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)
    guide = services.procedure_guide(FOOD_SAFETY)
    req = IntakeRequest(
        request_key=uuid.uuid4().hex, procedure_code=guide.code, outcome=Outcome.COMPLETE,
        applicant_type="citizen", applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123",
        phone="0912345678", components=tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components),
    )
    return str(services.dossiers.receive(req, desk).code)


def _window(qtbot: QtBot, services: Any) -> CounterWindow:
    session, counter = services.demo_session()
    window = CounterWindow(CounterContext(services, session, counter))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def _restarted(data_dir: Path, clock: FakeClock) -> Any:
    """The program started again later on the same store (the first run never printed)."""
    from counter_app.bootstrap import open_services

    clock.advance(minutes=3)
    return open_services(data_dir, clock=clock)


def _offer(qtbot: QtBot, window: CounterWindow) -> OwedPrintsBox:
    qtbot.waitUntil(lambda: getattr(window, "owed_prints_box", None) is not None, timeout=WAIT_MS)
    box: OwedPrintsBox = window.owed_prints_box  # type: ignore[attr-defined]
    qtbot.waitUntil(box.isVisible, timeout=WAIT_MS)
    return box


def test_documents_owed_from_before_the_start_are_offered_and_printed_again(
    qtbot: QtBot, services: Any, clock: FakeClock, vi: None
) -> None:
    code = _receive(services)  # committed; the program "died" before printing
    later = _restarted(services.data_dir, clock)
    window = _window(qtbot, later)
    box = _offer(qtbot, window)
    assert box.text().startswith("1 giấy tờ đã lưu nhưng chưa in")
    assert code in box.informativeText() and "Giấy tiếp nhận" in box.informativeText()
    assert (box.print_button.text(), box.skip_button.text()) == ("In lại", "Bỏ qua")

    with qtbot.waitSignal(box.sig_settled, timeout=WAIT_MS) as settled:
        qtbot.mouseClick(box.print_button, Qt.MouseButton.LeftButton)
    [printed] = settled.args[0]
    assert printed.ok and printed.path is not None and printed.path.read_bytes().startswith(b"%PDF")
    assert later.printing.owed_jobs() == []
    history = later.dossiers.detail(code).history
    assert [h.type for h in history].count(EventType.PRINTED) == 1


def test_skipping_the_offer_cancels_the_jobs_and_a_new_window_does_not_ask_again(
    qtbot: QtBot, services: Any, clock: FakeClock
) -> None:
    _receive(services)
    later = _restarted(services.data_dir, clock)
    window = _window(qtbot, later)
    box = _offer(qtbot, window)
    with qtbot.waitSignal(box.sig_settled, timeout=WAIT_MS):
        qtbot.mouseClick(box.skip_button, Qt.MouseButton.LeftButton)
    assert later.printing.owed_jobs() == []

    again = _window(qtbot, _restarted(services.data_dir, clock))
    qtbot.wait(300)
    qtbot.waitUntil(lambda: render_manager().pending_count() == 0, timeout=WAIT_MS)
    assert getattr(again, "owed_prints_box", None) is None


def test_a_long_render_does_not_delay_a_store_call(
    qtbot: QtBot, fake_services: FakeCounterAppServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    rendering = threading.Event()
    plain = fake_services.print_guidance_sheet

    def slow_sheet(code: str, **kwargs: Any) -> Path | None:
        rendering.set()
        release.wait(10)  # a long PDF render
        return plain(code, **kwargs)

    monkeypatch.setattr(fake_services, "print_guidance_sheet", slow_sheet)
    window = _window(qtbot, fake_services)
    page = window.page_of(GuidePage)
    assert isinstance(page, GuidePage)
    qtbot.keyClicks(page.search_edit, "khai sinh")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=WAIT_MS)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.current_guide() is not None, timeout=WAIT_MS)

    answered: list[float] = []
    try:
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
        assert rendering.wait(5)
        started = time.monotonic()
        run_in_background(lambda: fake_services.counters("c-ht"), lambda _r: answered.append(time.monotonic()))
        qtbot.waitUntil(lambda: bool(answered), timeout=3_000)  # not queued behind the render
        assert not page.print_button.isEnabled()  # the sheet is still being made
        assert answered[0] - started < 2.0
    finally:
        release.set()
    qtbot.waitUntil(page.print_button.isEnabled, timeout=WAIT_MS)
    assert fake_services.printed and QApplication.instance() is not None
