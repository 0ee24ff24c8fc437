"""The intake page's list of today's intakes comes from the dossier service's own query, not from Mẫu 07."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from counter_app.domain.dossier import Outcome
from counter_app.domain.errors import DomainError
from counter_app.ui.intake_page import IntakePage
from tests.integration.test_dossier_flow import intake
from tests.ui.dossier_stand import WAIT_MS, demo_desk, open_window


def test_today_s_intakes_fill_without_the_tracking_book(
    qtbot: QtBot, services: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_book(*_args: Any, **_kwargs: Any) -> Any:
        raise DomainError("permission.denied")  # e.g. a clerk who may not print the book

    monkeypatch.setattr(services.printing, "document_data", no_book)
    desk = demo_desk(services)
    first = services.dossiers.receive(intake(services, key="a"), desk).code
    clock.advance(minutes=3)
    refused = services.dossiers.receive(
        intake(services, key="b", outcome=Outcome.REFUSED, reason="Không thuộc thẩm quyền"), desk
    ).code

    window = open_window(qtbot, services)
    page = window.page_of(IntakePage)
    assert isinstance(page, IntakePage)
    page.refresh()

    model = page.today_model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT_MS)
    assert [model.row_at(r).code for r in range(2)] == [refused, first]  # newest first
    assert model.data(model.index(0, 6)) == "Từ chối (Mẫu 03)"
    assert model.data(model.index(1, 6)) == "Tiếp nhận (Mẫu 01)"
    assert model.data(model.index(1, 2)) == "Nguyễn Thị Ánh Tuyết"
    assert page.today_label.text() == "Tiếp nhận hôm nay: 2 hồ sơ"
    assert page.status.text() == ""
