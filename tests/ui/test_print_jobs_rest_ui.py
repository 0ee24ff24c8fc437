"""Screens work off the documents their use case owes (issue 10, printing owned by the service): the
results and return pages print the jobs named by the step's answer, never a document asked by kind;
the hand-over prints on the render workers after its commit; the kiosk settles its ticket's job."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.domain.dossier import DossierStatus, Outcome
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from counter_app.services.ports import PrintJob
from counter_app.storage.store import store_path
from counter_app.ui.handover import HandoverPage
from counter_app.ui.kiosk import KioskWindow
from counter_app.ui.results import ResultsPage
from counter_app.ui.returns import PaymentDialog, PostDialog, ReturnPage
from counter_app.ui.station_roles import kiosk_window
from counter_app.ui.tasks import render_manager, run_in_background, task_manager
from tests.ui.dossier_stand import WAIT_MS, demo_desk, open_window, previews, show_page, wait_idle

FOOD_SAFETY = "2.000595"
ITEM = "EB123456785VN"


def job_rows(data_dir: Path) -> dict[str, tuple[str, str, str]]:
    """id -> (kind, key, status), read with plain sqlite3."""
    with sqlite3.connect(store_path(data_dir)) as db:
        return {r[0]: (r[1], r[2], r[3]) for r in db.execute("SELECT id, kind, key, status FROM print_jobs")}


def receive(services: Any, desk: Desk, *, by_post: bool = False) -> str:
    guide = services.procedure_guide(FOOD_SAFETY)
    name = "Nguyễn Thị Ánh Tuyết"
    req = IntakeRequest(
        request_key=uuid.uuid4().hex, procedure_code=FOOD_SAFETY, outcome=Outcome.COMPLETE,
        applicant_type="citizen", applicant_name=name, id_number="042301000123", phone="0912345678",
        components=tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components),
        result_delivery="post" if by_post else "counter", delivery_receiver=name if by_post else "",
        delivery_address="Số 5, phường Thành Sen" if by_post else "", delivery_phone="0912345678" if by_post else "",
    )
    code = str(services.dossiers.receive(req, desk).code)
    for job in services.printing.owed_jobs():  # the intake's papers, printed before the screens start
        services.printing.work_off(job, desk)
    return code


@pytest.fixture
def by_kind_refused(services: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A screen that asks the printer for a document by kind (instead of the owed job) fails the test."""

    def asked_by_kind(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a screen asked to print by kind: {args}")

    monkeypatch.setattr(services.printing, "print", asked_by_kind)


def test_results_steps_print_the_jobs_their_answer_names(
    qtbot: QtBot, services: Any, demo_data_dir: Path, by_kind_refused: None
) -> None:
    desk = demo_desk(services)
    code, stopped = receive(services, desk), receive(services, desk)
    services.dossiers.hand_over([code, stopped], desk)
    for job in services.printing.owed_jobs():
        services.printing.work_off(job, desk)
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ResultsPage)

    for which, start in ((code, page.request_supplement), (stopped, page.stop)):
        assert page.select(which)
        dialog = start()
        assert dialog is not None
        dialog.reason_edit.setPlainText("Cơ quan yêu cầu")
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
        for preview in previews(page):
            preview.reject()
        wait_idle(qtbot)

    printed = {(kind, key) for kind, key, status in job_rows(demo_data_dir).values() if status == "printed"}
    assert {("supplement", code), ("stop", stopped)} <= printed
    assert services.printing.owed_jobs() == []
    assert services.dossiers.find(stopped).status is DossierStatus.STOPPED


def test_the_return_page_prints_the_payment_receipt_and_the_label_owed(
    qtbot: QtBot, services: Any, demo_data_dir: Path, by_kind_refused: None
) -> None:
    desk = demo_desk(services)
    code = receive(services, desk, by_post=True)
    services.dossiers.hand_over([code], desk)
    services.dossiers.result_ready(code, desk)
    for job in services.printing.owed_jobs():
        services.printing.work_off(job, desk)
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, ReturnPage)
    page.open_dossier(code)
    qtbot.waitUntil(lambda: page.opened is not None and page.pay_button.isEnabled(), timeout=WAIT_MS)

    payment = page.open_payment()
    assert isinstance(payment, PaymentDialog)
    payment.pay()
    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    assert previews(page)[0].printed.ok
    for preview in previews(page):
        preview.reject()
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: page.post_button.isEnabled(), timeout=WAIT_MS)

    post = page.open_post()
    assert isinstance(post, PostDialog)
    post.item_edit.setText(ITEM)
    post.charge_edit.setText("0")
    post.send()
    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    assert previews(page)[0].printed.key == ITEM
    wait_idle(qtbot)

    printed = {(kind, status) for kind, _key, status in job_rows(demo_data_dir).values()}
    assert ("payment-receipt", "printed") in printed and ("delivery-label", "printed") in printed
    assert services.printing.owed_jobs() == []


def test_the_hand_over_prints_on_the_render_workers_after_its_commit(
    qtbot: QtBot, services: Any, demo_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = demo_desk(services)
    code = receive(services, desk)
    window = open_window(qtbot, services)
    page = show_page(qtbot, window, HandoverPage)
    release = threading.Event()
    work_off = services.printing.work_off

    def slow_printer(job: Any, desk: Any) -> Any:
        assert release.wait(WAIT_MS / 1000), "the test never released the printer"
        return work_off(job, desk)

    monkeypatch.setattr(services.printing, "work_off", slow_printer)
    page.handle_scan(code)
    qtbot.waitUntil(lambda: page.batch_codes() == [code], timeout=WAIT_MS)
    assert page.hand_over(out_of_hours_confirmed=True)

    # committed and said while the papers are still printing
    qtbot.waitUntil(lambda: page.status.text().startswith("Đã bàn giao 1 hồ sơ cho "), timeout=WAIT_MS)
    assert services.dossiers.find(code).status is DossierStatus.PROCESSING
    assert render_manager().pending_count() == 1 and page.batch_codes() == []
    store_answers: list[object] = []
    run_in_background(lambda: services.dossiers.find(code).status, store_answers.append)
    qtbot.waitUntil(lambda: bool(store_answers), timeout=5_000)  # the store worker is not held by the printer
    assert task_manager().pending_count() == 0

    release.set()
    qtbot.waitUntil(lambda: bool(previews(page)), timeout=WAIT_MS)
    assert previews(page)[0].title_label.text().startswith("Biên bản bàn giao · BG-")
    wait_idle(qtbot)
    rows = job_rows(demo_data_dir).values()
    assert {kind for kind, _key, status in rows if status == "printed"} >= {"handover", "control"}
    assert services.printing.owed_jobs() == []


# -- the kiosk ------------------------------------------------------------------------------------


def _tap_to_ticket(qtbot: QtBot, kiosk: KioskWindow) -> None:
    qtbot.waitUntil(lambda: kiosk.current_step() in (KioskWindow.GROUPS, KioskWindow.LINES), timeout=WAIT_MS)
    if kiosk.current_step() == KioskWindow.GROUPS:
        qtbot.mouseClick(kiosk.tiles()[0], Qt.MouseButton.LeftButton)
    if kiosk.current_step() == KioskWindow.LINES:
        qtbot.mouseClick(kiosk.tiles()[0], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(kiosk.sig_ticket_printed, timeout=WAIT_MS):
        qtbot.mouseClick(kiosk.no_priority_button, Qt.MouseButton.LeftButton)


def test_the_kiosk_owes_its_ticket_with_the_ticket_and_a_refused_print_is_settled(
    qtbot: QtBot, services: Any, demo_data_dir: Path
) -> None:
    kiosk = kiosk_window(services, services.station())
    qtbot.addWidget(kiosk)
    kiosk.resize(1280, 800)
    kiosk.show()
    _tap_to_ticket(qtbot, kiosk)
    ticket = kiosk.current_ticket()
    assert ticket is not None and ticket.print_job
    assert job_rows(demo_data_dir)[ticket.print_job] == ("queue-ticket", ticket.id, "printed")

    class Jammed:
        name = "jammed"

        def print_image(self, png: bytes, *, title: str, at: Any) -> PrintJob:
            return PrintJob(self.name, ok=False, error="out of paper")

    services.ticket_printer.printer = Jammed()
    kiosk.reload()
    _tap_to_ticket(qtbot, kiosk)
    second = kiosk.current_ticket()
    assert second is not None and second.number != ticket.number
    assert kiosk.print_label.text() == "Máy in vé đang lỗi — xin ghi nhớ số của bạn"
    assert kiosk.ticket_number_label.text() == second.number  # the number on screen instead
    assert job_rows(demo_data_dir)[second.print_job] == ("queue-ticket", second.id, "cancelled")


def test_a_kiosk_starting_again_drops_tickets_never_printed(
    qtbot: QtBot, services: Any, demo_data_dir: Path, clock: Any
) -> None:
    from counter_app.bootstrap import open_services

    line = services.queue.lines(services.station().centre_id)[0]
    left = services.queue.issue_ticket(line.id, request_key="before-crash", owe_print=True)
    clock.advance(minutes=3)  # the kiosk died before printing; it is started again
    later = open_services(demo_data_dir, clock=clock)
    kiosk = kiosk_window(later, later.station())
    qtbot.addWidget(kiosk)
    qtbot.waitUntil(lambda: job_rows(demo_data_dir)[left.print_job][2] == "cancelled", timeout=WAIT_MS)
    wait_idle(qtbot)
    assert later.queue.ticket(left.id).status.value == "waiting"
    assert not (demo_data_dir / "prints").exists() or not list((demo_data_dir / "prints").rglob("ticket-*"))
