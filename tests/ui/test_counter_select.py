"""Counter choice: the centre's counters in number order; Enter or a double click picks one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.services.read_models import CounterView
from counter_app.ui.counter_select import CounterSelectWindow, counter_label
from tests.fakes import FakeCounterAppServices


def _window(qtbot: QtBot, services: FakeCounterAppServices, centre_id: str = "c-ht") -> CounterSelectWindow:
    session, _counter = services.demo_session()
    window = CounterSelectWindow(session, services.counters(centre_id))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


def _rows(window: CounterSelectWindow) -> list[str]:
    model = window.counter_list.model()
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def test_counters_are_listed_by_number_with_their_names(
    qtbot: QtBot, fake_services: FakeCounterAppServices
) -> None:
    window = _window(qtbot, fake_services)

    assert _rows(window) == ["Quầy 1", "Quầy 2 — Tư pháp – Hộ tịch", "Quầy 3"]
    assert window.current_counter() is not None and window.current_counter().number == 1  # type: ignore[union-attr]


def test_enter_picks_the_highlighted_counter(qtbot: QtBot, fake_services: FakeCounterAppServices) -> None:
    window = _window(qtbot, fake_services)
    qtbot.keyClick(window.counter_list, Qt.Key.Key_Down)

    with qtbot.waitSignal(window.sig_chosen) as signal:
        qtbot.keyClick(window.counter_list, Qt.Key.Key_Return)

    assert signal.args[0].id == "k2"


def test_a_single_counter_is_shown_preselected(qtbot: QtBot, fake_services: FakeCounterAppServices) -> None:
    window = _window(qtbot, fake_services, centre_id="c-ts")

    assert _rows(window) == ["Quầy 1"]
    with qtbot.waitSignal(window.sig_chosen) as signal:
        qtbot.mouseClick(window.choose_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].id == "k9"


def test_counter_labels_do_not_repeat_the_number() -> None:
    assert counter_label(CounterView("a", "c", 1, "Quầy 1 — Sở Nội vụ, Sở Ngoại vụ")) == "Quầy 1 — Sở Nội vụ, Sở Ngoại vụ"
    assert counter_label(CounterView("a", "c", 12, "Quầy 1")) == "Quầy 12 — Quầy 1"
    assert counter_label(CounterView("a", "c", 4, "")) == "Quầy 4"
    assert counter_label(CounterView("a", "c", 5, "Tư pháp")) == "Quầy 5 — Tư pháp"
