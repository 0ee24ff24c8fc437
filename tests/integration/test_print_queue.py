"""The receipt printer's queue on a real store (issue 11): owed payment receipts go to paper through a
real printer driver talking to a fake printer on a socket or a pty, are retried after faults, are
marked printed only when sent whole, and survive a restart."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from counter_app.bootstrap import open_services, settings_path
from counter_app.devices.escpos_printer import EscposPrinter
from counter_app.devices.print_queue import PrintQueue
from counter_app.devices.virtual_printer import VirtualPrinter
from counter_app.domain.errors import DomainError
from counter_app.services.devices import DeviceAssignment, DeviceBoard, parse_device_uri, parse_role
from counter_app.services.documents import DocumentKind
from counter_app.services.dossiers import IntakePayment
from counter_app.services.settings import Settings, save_settings
from tests.conftest import FakeClock
from tests.escpos_decoder import decode_escpos
from tests.fake_printer import FakeNetworkPrinter, FakeSerialPrinter, PrinterModel
from tests.integration.test_print_jobs import SIGNATURE, desk_of, job_rows, printed_events, receive

FAST = (0.05, 0.1)  # back-off in tests: tries again within a tenth of a second


def set_receipt_printer(uri: str, profile: str | None = "TM-T20II", *, ticket: bool = False) -> None:
    devices: dict[str, Any] = {"receipt-printer": {"uri": uri, "profile": profile}}
    if ticket:
        devices["ticket-printer"] = {"uri": uri, "profile": profile}
    save_settings(settings_path(), Settings(devices=devices))


def paid_intake(services: Any) -> tuple[Any, str]:
    """An intake with a fee paid: owes Mẫu 01 (page printer) and the payment receipt (receipt printer)."""
    result = receive(services, SIGNATURE, IntakePayment(10_000, "cash"))
    [receipt_job] = [r[0] for r in job_rows(services.data_dir) if r[1] == "payment-receipt"]
    return result, receipt_job


def status_of(services: Any, job_id: str) -> tuple[str, int, str]:
    [row] = [r for r in job_rows(services.data_dir) if r[0] == job_id]
    return row[3], row[4], row[5]


def wait_for(predicate: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_without_devices_everything_goes_to_the_virtual_printer(services: Any) -> None:
    assert services.printing.receipt_queue is None
    assert isinstance(services.ticket_printer.printer, VirtualPrinter)
    result, job_id = paid_intake(services)
    outcome = services.printing.work_off(job_id, desk_of(services))
    assert outcome.ok and outcome.job.path is not None  # a file, as before


def test_a_payment_receipt_prints_on_the_network_printer_set_in_settings(
    demo_data_dir: Path, clock: FakeClock
) -> None:
    fake = FakeNetworkPrinter()
    try:
        set_receipt_printer(fake.uri, ticket=True)
        services = open_services(demo_data_dir, clock=clock)
        assert services.ticket_printer.printer is services.printing.receipt_queue.printer  # one driver per printer
        result, job_id = paid_intake(services)
        desk = desk_of(services)
        outcome = services.printing.work_off(job_id, desk)
        assert outcome.ok and outcome.job.path is None and outcome.pdf.startswith(b"%PDF")
        assert status_of(services, job_id) == ("printed", 1, "")
        [event] = printed_events(services, result.code)
        assert event.data["document"] == "payment-receipt"
        decoded = decode_escpos(fake.model.job(), width=576)
        assert decoded.initialised_first and decoded.cut and decoded.image.height > 300
        assert services.device_board.statuses()["receipt-printer"].ok
        # Mẫu 01 is a page document: it still goes to the page (virtual) printer
        [form_job] = [r[0] for r in job_rows(demo_data_dir) if r[1] == "receipt"]
        sent = len(fake.model.received)
        form = services.printing.work_off(form_job, desk)
        assert form.ok and form.job.path is not None and len(fake.model.received) == sent
    finally:
        fake.close()


def test_unknown_profile_gets_the_all_raster_job(demo_data_dir: Path, clock: FakeClock) -> None:
    fake = FakeNetworkPrinter()
    try:
        set_receipt_printer(fake.uri, profile="Xprinter XP-N160 (not in the db)")
        services = open_services(demo_data_dir, clock=clock)
        _result, job_id = paid_intake(services)
        assert services.printing.work_off(job_id, desk_of(services)).ok
        decoded = decode_escpos(fake.model.job(), width=576)
        assert decoded.native == []  # no printer-drawn codes: everything is raster
        assert decoded.raster_bytes > 0
        assert services.device_board.statuses()["receipt-printer"].reason == "device.unknown_profile"
    finally:
        fake.close()


def queue_on(
    services: Any, uri: str, *, first_wait: float = 5.0, backoff: tuple[float, ...] = FAST
) -> tuple[PrintQueue, EscposPrinter]:
    device = EscposPrinter(DeviceAssignment(parse_role("receipt-printer"), parse_device_uri(uri), "TM-T20II"),
                           DeviceBoard(), timeout=0.3)
    queue = PrintQueue(device, services.printing, backoff=backoff, first_wait=first_wait)
    services.printing.receipt_queue = queue
    return queue, device


def test_printer_offline_at_start_then_back_the_job_is_retried_and_printed_once(services: Any) -> None:
    model = PrinterModel(online=False)
    fake = FakeNetworkPrinter(model)
    queue, device = queue_on(services, fake.uri)
    try:
        result, job_id = paid_intake(services)
        outcome = services.printing.work_off(job_id, desk_of(services))
        assert not outcome.ok and "device.offline" in outcome.job.error
        status, attempts, error = status_of(services, job_id)
        assert status == "failed" and attempts >= 1 and "device.offline" in error
        assert services.dossiers.find(result.code) is not None  # the dossier is committed whatever the printer
        model.online = True  # the clerk switches the printer on
        assert queue.wait_idle(10)
        assert status_of(services, job_id)[0] == "printed"
        assert fake.model.job().startswith(b"\x1b@") and fake.model.job().endswith(b"\x1dV\x00")
        assert len(printed_events(services, result.code)) == 1
    finally:
        queue.close()
        device.close()
        fake.close()


def test_paper_out_is_reported_and_the_job_waits_for_the_new_roll(services: Any) -> None:
    model = PrinterModel(paper="out")
    fake = FakeNetworkPrinter(model)
    queue, device = queue_on(services, fake.uri)
    try:
        _result, job_id = paid_intake(services)
        assert not services.printing.work_off(job_id, desk_of(services)).ok
        assert device.status().reason == "device.paper_out"
        time.sleep(0.3)  # a few more tries while the paper is out: nothing printed, nothing lost
        assert status_of(services, job_id)[0] == "failed" and b"\x1b@" not in bytes(model.received)
        model.paper = "ok"
        assert queue.wait_idle(10) and status_of(services, job_id)[0] == "printed"
    finally:
        queue.close()
        device.close()
        fake.close()


def test_cable_pulled_mid_job_then_reconnected_sends_the_whole_job_again(services: Any) -> None:
    fake = FakeNetworkPrinter(drop_after=1200)
    queue, device = queue_on(services, fake.uri)
    try:
        _result, job_id = paid_intake(services)
        first = services.printing.work_off(job_id, desk_of(services))
        assert not first.ok
        assert queue.wait_idle(10) and status_of(services, job_id)[0] == "printed"
        job = fake.model.job()
        whole = job[job.rindex(b"\x1b@"):]  # the last attempt, from its ESC @
        assert decode_escpos(whole, width=576).cut
    finally:
        queue.close()
        device.close()
        fake.close()


def test_a_job_cancelled_while_it_waits_is_not_sent(services: Any) -> None:
    model = PrinterModel(cover_open=True)
    fake = FakeNetworkPrinter(model)
    queue, device = queue_on(services, fake.uri)
    try:
        _result, job_id = paid_intake(services)
        assert not services.printing.work_off(job_id, desk_of(services)).ok
        assert services.printing.cancel(job_id)
        model.cover_open = False
        assert queue.wait_idle(10)
        assert status_of(services, job_id)[0] == "cancelled" and b"\x1b@" not in bytes(model.received)
    finally:
        queue.close()
        device.close()
        fake.close()


def test_a_job_owed_when_the_program_closed_is_printed_after_the_restart(
    demo_data_dir: Path, clock: FakeClock
) -> None:
    dead = FakeSerialPrinter(pull_cable_after=500)
    services = open_services(demo_data_dir, clock=clock)
    queue, device = queue_on(services, f"serial://{dead.port}?baud=115200")
    _result, job_id = paid_intake(services)
    assert not services.printing.work_off(job_id, desk_of(services)).ok  # the cable is pulled mid-job
    queue.close()  # the program closes with the job still owed
    device.close()
    dead.close()
    assert status_of(services, job_id)[0] == "failed"

    clock.advance(minutes=5)
    fake = FakeSerialPrinter()  # plugged in again (a new port name, as after a replug)
    try:
        set_receipt_printer(f"serial://{fake.port}?baud=115200")
        again = open_services(demo_data_dir, clock=clock)
        assert [j.id for j in again.printing.owed_at_start() if j.kind.value == "payment-receipt"] == [job_id]
        assert again.printing.receipt_queue.resume(desk_of(again)) == 1
        assert again.printing.receipt_queue.wait_idle(10)
        assert status_of(again, job_id)[0] == "printed"
        assert decode_escpos(fake.model.job(), width=576).cut
    finally:
        again.printing.receipt_queue.close()
        fake.close()


def test_a_job_for_a_dossier_that_is_not_there_fails_once_with_the_reason(services: Any) -> None:
    fake = FakeNetworkPrinter()
    queue, device = queue_on(services, fake.uri)
    try:
        with services.uow() as uow:
            record = uow.print_jobs.add(device=services.device_id, kind=DocumentKind.PAYMENT_RECEIPT,
                                        key="BL-NOWHERE", created_at=services.clock.now())
            uow.commit()
        with pytest.raises(DomainError):  # the receipt is not in the store
            services.printing.work_off(record.id, desk_of(services))
        assert queue.wait_idle(2)
        status, attempts, error = status_of(services, record.id)
        assert status == "failed" and attempts == 1 and error
        assert fake.model.received == bytearray()
    finally:
        queue.close()
        device.close()
        fake.close()


def test_work_off_waits_at_most_first_wait_and_the_queue_goes_on(services: Any) -> None:
    model = PrinterModel(online=False)
    fake = FakeNetworkPrinter(model)
    queue, device = queue_on(services, fake.uri, first_wait=0.01)
    try:
        _result, job_id = paid_intake(services)
        started = time.perf_counter()
        outcome = services.printing.work_off(job_id, desk_of(services))
        assert not outcome.ok
        assert time.perf_counter() - started < 5  # the render worker is not held while the printer is off
        model.online = True
        assert wait_for(lambda: status_of(services, job_id)[0] == "printed")
    finally:
        queue.close()
        device.close()
        fake.close()


def test_a_kiosk_ticket_goes_to_the_ticket_printer_as_its_native_job(demo_data_dir: Path, clock: FakeClock) -> None:
    fake = FakeSerialPrinter()
    try:
        save_settings(settings_path(), Settings(devices={
            "ticket-printer": {"uri": f"serial://{fake.port}?baud=115200", "profile": "TM-T20II"}}))
        services = open_services(demo_data_dir, clock=clock)
        assert services.printing.receipt_queue is None  # no receipt printer: receipts stay on the page printer
        session, _counter = services.demo_session()
        line = services.queue.lines(session.centre_id)[0]
        ticket = services.queue.issue_ticket(line.id, request_key="k-1")
        outcome = services.ticket_printer.print_ticket(ticket, session.centre_name)
        assert outcome.ok and outcome.path is None
        decoded = decode_escpos(fake.model.job(), width=576)
        assert [c.text for c in decoded.native] == [f"STT:{ticket.number}:{ticket.issued_at:%Y-%m-%d}"]
        assert len(fake.model.job()) <= 10_000  # ≤ 0.9 s at 115200 baud, not the 13 KB raster image
        assert services.device_board.statuses()["ticket-printer"].ok
    finally:
        fake.close()
