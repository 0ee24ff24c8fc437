"""Office printers through Qt print support (issue 11): the services hand over the PDF, the adapter
paints its pages on a QPrinter (here writing a PDF file, read back) with the paper and copies kept
for that kind of document on this PC."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pypdfium2
import pytest

from counter_app.devices.virtual_printer import VirtualPrinter
from counter_app.services.device_admin import OfficeChoice, office_kind_of, with_office_choice
from counter_app.services.devices import DeviceBoard, DeviceState
from counter_app.services.documents import DocumentKind
from counter_app.services.dossiers import Desk
from counter_app.ui.office_printer import OfficePrinter, install_office_printer
from tests.ui.test_print_jobs_ui import _receive

POINTS_PER_MM = 72 / 25.4


def _desk(services: Any) -> Desk:
    session, counter = services.demo_session()
    return Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)


def _pages(path: Path) -> list[tuple[float, float, int]]:
    """(width mm, height mm, dark pixels) of each page of the PDF the printer wrote."""
    pdf = pypdfium2.PdfDocument(str(path))
    found = []
    for page in pdf:
        width, height = page.get_size()
        image = page.render(scale=0.5).to_pil().convert("L")
        dark = sum(image.histogram()[:128])
        found.append((round(width / POINTS_PER_MM), round(height / POINTS_PER_MM), dark))
    pdf.close()
    return found


def _with_office_printer(services: Any, uri: str, **choices: OfficeChoice) -> None:
    settings = replace(services.settings, devices={"office-printer": {"uri": uri}})
    for kind, choice in choices.items():
        settings = with_office_choice(settings, kind, choice)
    services.settings = settings


def test_form_01_goes_to_the_office_printer_on_the_paper_and_copies_kept_for_it(services: Any, tmp_path: Path,
                                                                                qapp: Any) -> None:
    out = tmp_path / "office.pdf"
    _with_office_printer(services, f"file://{out}", receipt=OfficeChoice(None, "A5", 2))
    virtual = services.printing.printer
    adapter = install_office_printer(services)
    assert adapter is not None and services.printing.printer is adapter
    code = _receive(services)
    job = next(j for j in services.printing.owed_jobs() if j.kind is DocumentKind.RECEIPT and j.key == code)

    outcome = services.printing.work_off(job, _desk(services))

    assert outcome.ok, outcome.job.error
    pages = _pages(out)
    expected = len(pypdfium2.PdfDocument(outcome.pdf))
    assert len(pages) == 2 * expected  # two copies of every page
    assert all((w, h) == (148, 210) for w, h, _dark in pages)  # A5
    assert all(dark > 1000 for _w, _h, dark in pages)  # the form is on the paper, not a blank page
    assert services.printing.job(job.id).status.value == "printed"
    assert adapter.print_image(b"png", title="ticket-1", at=services.clock.now()).printer == virtual.name


def test_a_kind_without_a_choice_prints_once_on_a4(services: Any, tmp_path: Path, qapp: Any) -> None:
    out = tmp_path / "office.pdf"
    _with_office_printer(services, f"file://{out}", receipt=OfficeChoice(None, "A5", 3))
    install_office_printer(services)
    code = _receive(services)
    outcome = services.printing.print(DocumentKind.CONTROL, code, _desk(services))
    assert outcome.ok
    pages = _pages(out)
    assert len(pages) == len(pypdfium2.PdfDocument(outcome.pdf))
    assert {(w, h) for w, h, _ in pages} == {(210, 297)}


def test_a_printer_the_computer_does_not_have_fails_the_job_with_the_reason(services: Any, qapp: Any) -> None:
    board = DeviceBoard()
    services.device_board = board
    _with_office_printer(services, "system://Canon LBP2900 not here")
    install_office_printer(services)
    code = _receive(services)
    job = next(j for j in services.printing.owed_jobs() if j.kind is DocumentKind.RECEIPT and j.key == code)

    outcome = services.printing.work_off(job, _desk(services))

    assert not outcome.ok
    after = services.printing.job(job.id)
    assert after.owed and "Canon LBP2900 not here" in after.last_error  # still owed, reprint later
    status = board.statuses()["office-printer"]
    assert (status.state, status.reason) == (DeviceState.ERROR, "device.office_print_failed")


def test_without_an_office_printer_the_virtual_printer_stays(services: Any, qapp: Any) -> None:
    assert install_office_printer(services) is None
    assert isinstance(services.printing.printer, VirtualPrinter)


@pytest.mark.parametrize(("title", "kind"), [
    ("receipt-000.00.31.H27-261130-0001", "receipt"), ("payment-receipt-0000123", "payment-receipt"),
    ("delivery-label-EB123456785VN", "delivery-label"), ("huong-dan-2.000595-an-toan", "guidance"),
    ("book-2026-11-01", "book"), ("ticket-12", ""),
])
def test_the_kind_of_a_job_is_read_from_its_title(title: str, kind: str) -> None:
    assert office_kind_of(title) == kind


def test_the_adapter_prints_a_pdf_given_directly(tmp_path: Path, qapp: Any) -> None:
    from reportlab.pdfgen import canvas

    from counter_app.printing.preview import pdf_pages_png

    source = tmp_path / "in.pdf"
    page = canvas.Canvas(str(source))
    page.rect(100, 100, 300, 500, fill=1)
    page.showPage()
    page.save()
    out = tmp_path / "out.pdf"
    adapter = OfficePrinter(printer_name=None, settings=lambda: with_office_choice(
        replace_settings(), "guidance", OfficeChoice(None, "A4", 1)), render_pages=lambda pdf, dpi: pdf_pages_png(pdf, dpi=dpi), output_file=out,
        max_dpi=100)
    assert adapter.print_pdf(source.read_bytes(), title="huong-dan-x", at=None).ok  # type: ignore[arg-type]
    (pages,) = [_pages(out)]
    assert len(pages) == 1 and pages[0][2] > 10_000


def replace_settings() -> Any:
    from counter_app.services.settings import Settings

    return Settings()
