"""Printing owned by the service (issue 10): a use case commits the documents it owes as print jobs,
the printer port works them off, PRINTED is recorded once, and a crash leaves them owed at restart."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from counter_app.domain.dossier import EventType, Outcome
from counter_app.domain.errors import DomainError
from counter_app.services.documents import DocumentKind
from counter_app.services.dossiers import Desk, IntakeComponent, IntakePayment, IntakeRequest
from counter_app.services.ports import PrintJob
from counter_app.services.print_jobs import PrintJobStatus
from counter_app.storage.store import store_path
from tests.conftest import FakeClock

SIGNATURE = "2.000884.000.00.31.H27"  # Chứng thực chữ ký: 10.000 đ due on filing
FOOD_SAFETY = "2.000595"


def desk_of(services: Any) -> Desk:
    session, counter = services.demo_session()
    return Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)


def receive(services: Any, code: str = FOOD_SAFETY, payment: IntakePayment | None = None) -> Any:
    guide = services.procedure_guide(code)
    req = IntakeRequest(
        request_key=uuid.uuid4().hex, procedure_code=guide.code, outcome=Outcome.COMPLETE,
        applicant_type="citizen", applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123",
        phone="0912345678", components=tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components),
        payment=payment,
    )
    return services.dossiers.receive(req, desk_of(services))


def job_rows(data_dir: Path) -> list[tuple[str, str, str, str, int, str]]:
    """The print_jobs table read with plain sqlite3 (what a restarted program would find)."""
    with sqlite3.connect(store_path(data_dir)) as db:
        return [tuple(r) for r in db.execute(  # type: ignore[misc]
            "SELECT id, kind, key, status, attempts, last_error FROM print_jobs ORDER BY created_at, kind")]


def printed_events(services: Any, code: str) -> list[Any]:
    return [h for h in services.dossiers.detail(code).history if h.type is EventType.PRINTED]


class JammedPrinter:
    name = "jammed"

    def print_pdf(self, pdf: bytes, *, title: str, at: datetime) -> PrintJob:
        raise OSError("paper jam")

    def print_image(self, png: bytes, *, title: str, at: datetime) -> PrintJob:
        raise OSError("paper jam")


def test_an_intake_commits_the_documents_it_owes_with_the_dossier(services: Any, demo_data_dir: Path) -> None:
    result = receive(services, SIGNATURE, IntakePayment(10_000, "cash"))
    rows = job_rows(demo_data_dir)
    assert {(kind, key, status) for _id, kind, key, status, _n, _e in rows} == {
        ("receipt", result.code, "owed"), ("payment-receipt", result.receipt_number, "owed"),
    }
    assert set(result.print_jobs) == {r[0] for r in rows}  # the result names the jobs the screen works off
    assert {j.id for j in services.printing.owed_jobs()} == {r[0] for r in rows}


def test_a_refused_intake_owes_nothing_and_stores_no_job(services: Any, demo_data_dir: Path) -> None:
    guide = services.procedure_guide(FOOD_SAFETY)
    bad = IntakeRequest(request_key="x", procedure_code=guide.code, outcome=Outcome.COMPLETE, applicant_type="citizen",
                        applicant_name="", id_number="", phone="", components=())
    with pytest.raises(DomainError):
        services.dossiers.receive(bad, desk_of(services))
    assert job_rows(demo_data_dir) == []  # the job lives and dies with the use case's transaction


def test_working_off_a_job_prints_it_and_records_printed_once(services: Any, demo_data_dir: Path) -> None:
    result = receive(services)
    [job_id] = result.print_jobs
    outcome = services.printing.work_off(job_id, desk_of(services))
    assert outcome.ok and outcome.job.path is not None and outcome.job.path.read_bytes() == outcome.pdf
    assert [(r[3], r[4]) for r in job_rows(demo_data_dir)] == [("printed", 1)]
    [event] = printed_events(services, result.code)
    assert event.data["document"] == "receipt" and event.data["job"] == job_id
    assert services.dossiers.find(result.code).status.value == "received"  # a side event: no change of state
    assert services.printing.mark_printed(job_id, desk_of(services)) is False  # settled: nothing recorded again
    services.printing.print(DocumentKind.RECEIPT, result.code, desk_of(services))  # a reprint is not owed
    assert len(printed_events(services, result.code)) == 1
    assert services.printing.owed_jobs() == []


def test_printing_a_document_by_kind_works_off_the_job_owed_for_it(services: Any, demo_data_dir: Path) -> None:
    # the screens that still ask for a document by kind (returns, hand-over) settle the owed job too
    result = receive(services, SIGNATURE, IntakePayment(10_000, "cash"))
    services.printing.print(DocumentKind.PAYMENT_RECEIPT, result.receipt_number, desk_of(services))
    statuses = {kind: status for _id, kind, _key, status, _n, _e in job_rows(demo_data_dir)}
    assert statuses == {"receipt": "owed", "payment-receipt": "printed"}
    [event] = printed_events(services, result.code)  # the receipt's dossier, found through the payment
    assert event.data["key"] == result.receipt_number


def test_a_failing_printer_leaves_the_job_owed_with_the_reason_and_the_dossier_committed(
    services: Any, demo_data_dir: Path
) -> None:
    result = receive(services)
    working = services.printing.printer
    services.printing.printer = JammedPrinter()
    outcome = services.printing.work_off(result.print_jobs[0], desk_of(services))
    assert not outcome.ok
    [(_id, _kind, _key, status, attempts, error)] = job_rows(demo_data_dir)
    assert (status, attempts, error) == ("failed", 1, "paper jam")
    assert services.dossiers.find(result.code).status.value == "received"
    assert printed_events(services, result.code) == []
    [owed] = services.printing.owed_jobs()
    assert owed.status is PrintJobStatus.FAILED and owed.last_error == "paper jam"

    services.printing.printer = working  # the clerk cleared the jam
    assert services.printing.work_off(owed, desk_of(services)).ok
    assert [(r[3], r[4]) for r in job_rows(demo_data_dir)] == [("printed", 2)]
    assert len(printed_events(services, result.code)) == 1


def test_hand_over_owes_the_record_and_each_control_sheet(services: Any, demo_data_dir: Path) -> None:
    codes = [receive(services).code for _ in range(2)]
    for job in services.printing.owed_jobs():  # the intakes' receipts, printed
        services.printing.work_off(job, desk_of(services))
    done = services.dossiers.hand_over(codes, desk_of(services), out_of_hours_confirmed=True)
    owed = {(j.kind, j.key) for j in services.printing.owed_jobs()}
    assert owed == {(DocumentKind.HANDOVER, done.batch_code)} | {(DocumentKind.CONTROL, c) for c in codes}
    assert len(done.print_jobs) == 3


CRASH = textwrap.dedent(
    """
    import os, sys, uuid
    from datetime import datetime
    from counter_app.bootstrap import VIETNAM_TIME, open_services
    from tests.integration.test_print_jobs import receive

    class Clock:
        def now(self):
            return datetime(2026, 11, 30, 9, 0, tzinfo=VIETNAM_TIME)

    services = open_services(sys.argv[1], clock=Clock())
    result = receive(services)
    print(result.code, flush=True)
    os._exit(0)  # the program dies between the commit and the print
    """
)


def test_a_crash_between_commit_and_print_leaves_the_job_owed_and_the_restart_offers_it(
    demo_data_dir: Path, clock: FakeClock
) -> None:
    from counter_app.bootstrap import open_services

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", CRASH, str(demo_data_dir)], cwd=root, capture_output=True,
                          text=True, timeout=120, check=True)
    code = done.stdout.split()[-1]
    assert [(r[1], r[2], r[3]) for r in job_rows(demo_data_dir)] == [("receipt", code, "owed")]

    clock.advance(minutes=5)  # the clerk starts the program again
    services = open_services(demo_data_dir, clock=clock)
    [job] = services.printing.owed_at_start()
    assert (job.kind, job.key) == (DocumentKind.RECEIPT, code)
    assert services.printing.work_off(job, desk_of(services)).ok
    assert services.printing.owed_at_start() == []
    assert len(printed_events(services, code)) == 1


def test_jobs_of_this_run_are_not_offered_at_start_and_skipping_cancels(services: Any, clock: FakeClock) -> None:
    receive(services)
    assert services.printing.owed_at_start() == []  # this run's own prints: the screen handles them
    clock.advance(minutes=1)
    from counter_app.bootstrap import open_services

    later = open_services(services.data_dir, clock=clock)
    [job] = later.printing.owed_at_start()
    assert later.printing.cancel(job) is True
    assert later.printing.owed_jobs() == [] and later.printing.cancel(job) is False


def _text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


class RecordingPrinter:
    """A fake Printer that keeps what it was given, as the virtual printer would write it."""

    name = "recording"

    def __init__(self) -> None:
        self.jobs: list[tuple[str, bytes, datetime]] = []

    def print_pdf(self, pdf: bytes, *, title: str, at: datetime) -> PrintJob:
        self.jobs.append((title, pdf, at))
        return PrintJob(self.name, ok=True)

    def print_image(self, png: bytes, *, title: str, at: datetime) -> PrintJob:
        raise AssertionError("a guidance sheet is a PDF")


def test_the_guidance_sheet_goes_through_the_printer_port(services: Any, demo_data_dir: Path) -> None:
    code = services.search_procedures("dang ky khai sinh")[0].code
    virtual = services.printing.printer
    path = services.print_guidance_sheet(code, centre_id="c-tinh", staff_name="Nguyễn Thị Lan", counter_name="Quầy 1")
    assert path is not None and path.parent.parent == virtual.folder == demo_data_dir / "prints"

    recording = RecordingPrinter()
    services.printing.printer = recording
    assert services.print_guidance_sheet(code, centre_id="c-tinh", staff_name="Nguyễn Thị Lan",
                                         counter_name="Quầy 1") is None  # no file: the printer took it
    [(title, pdf, at)] = recording.jobs
    assert title.startswith(f"huong-dan-{code}") and at == services.clock.now()
    assert pdf.startswith(b"%PDF") and _text(pdf) == _text(path.read_bytes())  # the sheet the virtual printer wrote

    services.printing.printer = JammedPrinter()
    with pytest.raises(DomainError) as refused:
        services.print_guidance_sheet(code, centre_id="c-tinh", staff_name="", counter_name="")
    assert refused.value.code == "print.printer_failed" and refused.value.params["reason"] == "paper jam"


def test_owed_jobs_name_this_device_only(services: Any, demo_data_dir: Path) -> None:
    receive(services)
    with sqlite3.connect(store_path(demo_data_dir)) as db:
        db.execute("UPDATE print_jobs SET device = 'another-pc'")
    assert services.printing.owed_jobs() == []
