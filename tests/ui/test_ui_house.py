"""The ui as a house: the shared page widgets, and pages asking the navigator for other screens."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from counter_app.services.read_models import ProcedureGuide
from counter_app.ui.dossier_view import DossierViewDialog
from counter_app.ui.guide import GuidePage
from counter_app.ui.intake import IntakeDialog
from counter_app.ui.intake_page import IntakePage
from counter_app.ui.navigation import CounterContext, CounterPage
from counter_app.ui.results import ResultsPage
from counter_app.ui.widgets import SearchEdit, make_splitter
from tests.fakes import FakeCounterAppServices
from tests.ui.dossier_stand import open_window

DELAY_MS = 150


# -- SearchEdit: one search for a burst of keys ---------------------------------------------


def test_typing_fast_asks_for_one_search_after_the_pause(qtbot: QtBot) -> None:
    edit = SearchEdit("s", "", delay_ms=DELAY_MS)
    qtbot.addWidget(edit)
    searches: list[str] = []
    edit.sig_search.connect(lambda: searches.append(edit.text()))
    qtbot.keyClicks(edit, "khai sinh")  # nine keys, far faster than the pause
    assert searches == [] and edit.search_pending()
    qtbot.waitUntil(lambda: searches != [], timeout=2_000)
    qtbot.wait(DELAY_MS * 2)
    assert searches == ["khai sinh"]
    assert not edit.search_pending()


def test_each_pause_asks_again_and_a_cancelled_pause_asks_nothing(qtbot: QtBot) -> None:
    edit = SearchEdit("s", "", delay_ms=DELAY_MS)
    qtbot.addWidget(edit)
    searches: list[str] = []
    edit.sig_search.connect(lambda: searches.append(edit.text()))
    qtbot.keyClicks(edit, "ab")
    qtbot.waitUntil(lambda: searches == ["ab"], timeout=2_000)
    qtbot.keyClicks(edit, "c")
    edit.cancel_pending()  # the page searched at once (Enter)
    qtbot.wait(DELAY_MS * 3)
    assert searches == ["ab"]


def test_down_leaves_the_box_only_when_asked(qtbot: QtBot) -> None:
    leaving = SearchEdit("a", "", delay_ms=DELAY_MS)
    staying = SearchEdit("b", "", delay_ms=DELAY_MS, down_leaves=False)
    for edit in (leaving, staying):
        qtbot.addWidget(edit)
    downs: list[str] = []
    leaving.sig_down.connect(lambda: downs.append("leaving"))
    staying.sig_down.connect(lambda: downs.append("staying"))
    qtbot.keyClick(leaving, Qt.Key.Key_Down)
    qtbot.keyClick(staying, Qt.Key.Key_Down)
    assert downs == ["leaving"]


def test_the_search_box_carries_its_name_and_hint(qtbot: QtBot) -> None:
    edit = SearchEdit("guideSearch", "Find (F2)", delay_ms=DELAY_MS)
    qtbot.addWidget(edit)
    assert (edit.objectName(), edit.placeholderText(), edit.isClearButtonEnabled()) == (
        "guideSearch", "Find (F2)", True,
    )


def test_the_guide_searches_once_for_a_burst_of_keys(qtbot: QtBot, fake_services: FakeCounterAppServices) -> None:
    calls: list[str] = []
    real_search = fake_services.search_procedures

    def counting_search(text: str, limit: int = 50, *, centre_id: str | None = None) -> Any:
        calls.append(text)
        return real_search(text, limit, centre_id=centre_id)

    fake_services.search_procedures = counting_search  # type: ignore[method-assign]
    session, counter = fake_services.demo_session()
    page = GuidePage(CounterContext(fake_services, session, counter))  # type: ignore[arg-type]
    qtbot.addWidget(page)
    calls.clear()  # the empty search the page opens with
    qtbot.keyClicks(page.search_edit, "khai sinh")
    qtbot.waitUntil(lambda: calls != [], timeout=2_000)
    qtbot.wait(DELAY_MS * 2)
    assert calls == ["khai sinh"]
    assert page.model.rowCount() > 0


# -- make_splitter -------------------------------------------------------------------------


def test_the_splitter_keeps_its_parts_in_order_uncollapsible_with_their_stretch(qtbot: QtBot) -> None:
    top, bottom = QLabel("top"), QLabel("bottom")
    splitter = make_splitter(Qt.Orientation.Vertical, top, bottom, stretch=(2, 5))
    qtbot.addWidget(splitter)
    assert splitter.orientation() == Qt.Orientation.Vertical
    assert [splitter.widget(i) for i in range(splitter.count())] == [top, bottom]
    assert not splitter.childrenCollapsible()
    assert [splitter.widget(i).sizePolicy().verticalStretch() for i in range(2)] == [2, 5]


# -- the navigator -------------------------------------------------------------------------


class FakeNavigator:
    """Records what pages ask for."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, Any]] = []

    def show_page(self, page_name: str, **args: Any) -> CounterPage | None:
        self.asked.append(("page", (page_name, args)))
        return None

    def open_dossier(self, code: str, parent: QWidget | None = None) -> QDialog | None:
        self.asked.append(("dossier", code))
        return None

    def open_intake(self, guide: ProcedureGuide, parent: QWidget | None = None) -> QDialog | None:
        self.asked.append(("intake", guide.code))
        return None


def _page(qtbot: QtBot, services: Any, page_type: type[CounterPage]) -> CounterPage:
    session, counter = services.demo_session()
    page = page_type(CounterContext(services, session, counter))
    qtbot.addWidget(page)
    return page


def test_the_guide_asks_the_navigator_for_the_intake_of_the_open_procedure(qtbot: QtBot, services: Any) -> None:
    page = _page(qtbot, services, GuidePage)
    assert isinstance(page, GuidePage)
    page.navigator = navigator = FakeNavigator()
    page.search("khai sinh")
    page.open_row(0)
    guide = page.current_guide()
    assert guide is not None and page.receive_button.isEnabled()
    qtbot.mouseClick(page.receive_button, Qt.MouseButton.LeftButton)
    assert navigator.asked == [("intake", guide.code)]


def test_the_intake_page_asks_the_navigator_for_a_scanned_dossier(qtbot: QtBot, services: Any) -> None:
    page = _page(qtbot, services, IntakePage)
    assert isinstance(page, IntakePage)
    page.navigator = navigator = FakeNavigator()
    page.handle_scan("HTI-261203-0001")
    assert navigator.asked == [("dossier", "HTI-261203-0001")]


def test_a_page_outside_a_window_opens_nothing_and_says_so_in_the_log(
    qtbot: QtBot, services: Any, caplog: pytest.LogCaptureFixture
) -> None:
    page = _page(qtbot, services, ResultsPage)
    with caplog.at_level(logging.WARNING, logger="counter_app.ui.navigation"):
        assert page.navigator.open_dossier("HTI-261203-0001", page) is None
    assert "HTI-261203-0001" in caplog.text


def test_the_window_is_the_navigator_of_its_pages(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    assert all(page.navigator is window for page in window.pages)
    names = [page.page_name for page in window.pages]
    devices = ["devices"] if window.context.session.role == "admin" else []  # the administrator's Devices page
    reports = ["reports"] if window.context.session.role in ("admin", "supervisor") else []  # the Reports page
    assert names == ["guide", "intake", "handover", "results", "return", "book", *devices, *reports]


def test_show_page_brings_the_named_page_forward_with_what_was_asked(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    results = window.show_page("results")
    assert isinstance(results, ResultsPage) and window.tabs.currentWidget() is results
    guide = window.show_page("guide", search="khai sinh", row=0)
    assert isinstance(guide, GuidePage) and window.tabs.currentWidget() is guide
    assert guide.searched_text() == "khai sinh"
    assert guide.current_guide() is not None
    assert guide.current_guide().code == guide.model.procedure_at(0).code  # type: ignore[union-attr]


def test_show_page_of_an_unknown_name_changes_nothing(qtbot: QtBot, services: Any,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    window = open_window(qtbot, services)
    before = window.tabs.currentIndex()
    with caplog.at_level(logging.WARNING, logger="counter_app.ui.main_window"):
        assert window.show_page("no such page") is None
    assert window.tabs.currentIndex() == before
    assert "no such page" in caplog.text


def test_the_window_opens_dossiers_and_intakes_for_its_pages(qtbot: QtBot, services: Any) -> None:
    window = open_window(qtbot, services)
    guide_page = window.page_of(GuidePage)
    assert isinstance(guide_page, GuidePage)
    guide_page.search("khai sinh")
    guide_page.open_row(0)
    guide = guide_page.current_guide()
    assert guide is not None
    qtbot.mouseClick(guide_page.receive_button, Qt.MouseButton.LeftButton)
    intake = guide_page.intake_dialog
    assert isinstance(intake, IntakeDialog) and intake.isVisible()
    assert intake.parentWidget() is guide_page
    intake.reject()
    view = window.open_dossier("HTI-000000-0000", guide_page)
    assert isinstance(view, DossierViewDialog) and view.parentWidget() is guide_page
    view.close()
