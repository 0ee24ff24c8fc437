"""The documents one use case owes reach the printer and the screen in the order it owed them:
Mẫu 01 before the payment receipt, whichever takes longer to render. Two render threads raced
them, and the citizen's receipt sometimes came out (and was shown) before the form."""

from __future__ import annotations

import time
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from counter_app.ui import preview as preview_module
from counter_app.ui.main_window import CounterContext, CounterWindow
from counter_app.ui.preview import PreviewDialog, PrintedDocument, print_owed_and_preview


def test_owed_documents_print_and_show_in_the_order_they_were_owed(
    qtbot: QtBot, services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, counter = services.demo_session()
    context = CounterContext(services, session, counter)
    window = CounterWindow(context)
    qtbot.addWidget(window)
    sent: list[str] = []
    shown: list[str] = []

    def slow_first(_services: Any, job_id: str, _desk: Any, *, preview: bool = True) -> PrintedDocument:
        if job_id == "form-01":
            time.sleep(0.3)  # the A5 form with its codes takes longer to render than the receipt
        sent.append(job_id)
        return PrintedDocument(None, job_id, True, "virtual", None, (), None)  # type: ignore[arg-type]

    monkeypatch.setattr(preview_module, "print_job", slow_first)
    monkeypatch.setattr(PreviewDialog, "__init__", lambda self, _ctx, printed, _owner: shown.append(printed.key))
    monkeypatch.setattr(PreviewDialog, "open", lambda self: None)

    print_owed_and_preview(window, context, ["form-01", "payment-receipt"])

    qtbot.waitUntil(lambda: len(shown) == 2, timeout=10_000)
    assert sent == ["form-01", "payment-receipt"]
    assert shown == ["form-01", "payment-receipt"]
