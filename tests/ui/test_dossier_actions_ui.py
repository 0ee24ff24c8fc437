"""The results page, the return page and the dossier view follow the service's answer of what can be
done with a dossier (services/dossier_actions.py); none of them re-derives the state machine."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.domain.dossier import DossierStatus, Outcome
from counter_app.services import dossier_actions
from counter_app.services.documents import DocumentKind
from counter_app.services.dossier_actions import Action, allowed_actions
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from counter_app.ui import dossier_view, results, returns
from counter_app.ui.dossier_view import open_dossier_view
from counter_app.ui.results import ResultsPage
from counter_app.ui.returns import ReturnPage
from tests.ui.dossier_stand import WAIT_MS, demo_desk, open_window, show_page, wait_idle

FOOD_SAFETY = "2.000595"  # 30.000 đ, 5 working days


def receive(services: Any, desk: Desk, name: str = "Nguyễn Văn An") -> str:
    guide = services.procedure_guide(FOOD_SAFETY)
    request = IntakeRequest(
        request_key=uuid.uuid4().hex, procedure_code=FOOD_SAFETY, outcome=Outcome.COMPLETE,
        applicant_type="citizen", applicant_name=name, id_number="042301000123", phone="0912345678",
        components=tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components),
    )
    return str(services.dossiers.receive(request, desk).code)


def results_buttons(page: ResultsPage) -> dict[Action, bool]:
    return {
        Action.RESULT_READY: page.ready_button.isEnabled(),
        Action.REQUEST_SUPPLEMENT: page.supplement_button.isEnabled(),
        Action.SUPPLEMENT_PROVIDED: page.provided_button.isEnabled(),
        Action.EXTEND: page.extend_button.isEnabled(),
        Action.STOP: page.stop_button.isEnabled(),
    }


def test_results_buttons_are_the_steps_the_service_offers(qtbot: QtBot, services: Any) -> None:
    desk = demo_desk(services)
    processing, waiting = receive(services, desk), receive(services, desk, "Lê Thị Hoa")
    services.dossiers.hand_over([processing, waiting], desk)
    services.dossiers.request_supplement(waiting, desk, reason="Thiếu sơ đồ", missing=[])
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ResultsPage)

    for code in (processing, waiting):
        assert page.select(code)
        answer = allowed_actions(services, code)
        assert results_buttons(page) == {action: answer.offers(action) for action in results_buttons(page)}
    assert page.select(waiting) and results_buttons(page)[Action.SUPPLEMENT_PROVIDED]
    assert not results_buttons(page)[Action.RESULT_READY]


def test_results_page_follows_the_answer_not_the_status(
    qtbot: QtBot, services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A processing dossier for which the service offers only "stop": nothing else is enabled or done."""
    desk = demo_desk(services)
    code = receive(services, desk)
    services.dossiers.hand_over([code], desk)

    def only_stop(services: Any, desk: Any) -> list[Any]:
        return [
            replace(row, actions=replace(row.actions, offered=frozenset({Action.STOP})))
            for row in dossier_actions.at_agencies(services, desk)
        ]

    monkeypatch.setattr(results, "at_agencies", only_stop)
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ResultsPage)
    assert page.select(code)

    assert results_buttons(page) == {
        Action.RESULT_READY: False, Action.REQUEST_SUPPLEMENT: False, Action.SUPPLEMENT_PROVIDED: False,
        Action.EXTEND: False, Action.STOP: True,
    }
    assert page.request_supplement() is None and page.extend() is None
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # "result is back"
    wait_idle(qtbot)
    assert services.dossiers.find(code).status is DossierStatus.PROCESSING
    dialog = page.stop()
    assert dialog is not None
    dialog.reject()


def open_in(qtbot: QtBot, page: ReturnPage, code: str) -> None:
    page.open_dossier(code)
    qtbot.waitUntil(lambda: page.opened is not None and page.opened.summary.code == code, timeout=WAIT_MS)


def test_return_buttons_follow_the_answer_not_the_status(
    qtbot: QtBot, services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = demo_desk(services)
    code = receive(services, desk)
    services.dossiers.hand_over([code], desk)
    services.dossiers.result_ready(code, desk)
    offered: list[frozenset[Action]] = [frozenset({Action.SEND_BY_POST})]

    def doctored(detail: Any, now: Any) -> Any:
        answer = dossier_actions.actions_of(detail, now)
        return replace(answer, offered=offered[0], postal_in_transit=("EB123456785VN",))

    monkeypatch.setattr(returns, "actions_of", doctored)
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ReturnPage)
    open_in(qtbot, page, code)

    assert page.opened is not None and page.opened.summary.status is DossierStatus.RESULT_READY
    assert page.post_button.isEnabled()
    assert not page.return_button.isEnabled() and not page.applicant_button.isEnabled()
    assert not page.pay_button.isEnabled()  # 30.000 đ are due, yet the answer does not offer it
    assert page.open_payment() is None and page.return_result() is False
    assert page.item_edit.text() == "EB123456785VN"  # the item in transit comes with the answer

    offered[0] = frozenset({Action.PAY, Action.RETURN_AT_COUNTER})
    page.reload()
    qtbot.waitUntil(lambda: page.return_button.isEnabled(), timeout=WAIT_MS)
    assert page.pay_button.isEnabled() and page.applicant_button.isEnabled() and not page.post_button.isEnabled()


def test_return_buttons_are_the_steps_the_service_offers(qtbot: QtBot, services: Any) -> None:
    desk = demo_desk(services)
    received, ready = receive(services, desk), receive(services, desk, "Lê Thị Hoa")
    services.dossiers.hand_over([ready], desk)
    services.dossiers.result_ready(ready, desk)
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ReturnPage)

    for code in (received, ready):
        open_in(qtbot, page, code)
        answer = allowed_actions(services, code)
        assert page.pay_button.isEnabled() is answer.offers(Action.PAY)
        assert page.return_button.isEnabled() is answer.offers(Action.RETURN_AT_COUNTER)
        assert page.post_button.isEnabled() is answer.offers(Action.SEND_BY_POST)
    assert page.return_button.isEnabled() and page.pay_button.isEnabled()  # the last one opened is ready


def test_the_dossier_view_offers_the_forms_the_service_names(
    qtbot: QtBot, services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = receive(services, demo_desk(services))
    window = open_window(qtbot, services)
    view = open_dossier_view(window, window.context, code)
    qtbot.waitUntil(lambda: view.data is not None, timeout=WAIT_MS)
    shown = [kind for kind, button in view.reprint_buttons.items() if not button.isHidden()]
    assert shown == list(allowed_actions(services, code).printable_forms) == [DocumentKind.RECEIPT, DocumentKind.CONTROL]
    view.reject()

    def doctored(detail: Any, now: Any) -> Any:
        return replace(dossier_actions.actions_of(detail, now), printable_forms=(DocumentKind.STOP,))

    monkeypatch.setattr(dossier_view, "actions_of", doctored)
    view = open_dossier_view(window, window.context, code)
    qtbot.waitUntil(lambda: view.data is not None, timeout=WAIT_MS)
    assert [kind for kind, button in view.reprint_buttons.items() if not button.isHidden()] == [DocumentKind.STOP]
