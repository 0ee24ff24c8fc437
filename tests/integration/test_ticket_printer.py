"""A kiosk ticket on the real store goes to the virtual printer as the paper's image; failures never un-issue it."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image

from counter_app.services.ports import PrintJob


def test_issued_ticket_prints_to_the_virtual_printer(services) -> None:  # type: ignore[no-untyped-def]
    station = services.station()
    line = services.queue.lines(station.centre_id)[0]
    ticket = services.queue.issue_ticket(line.id, request_key="kiosk-1")
    job = services.ticket_printer.print_ticket(ticket, station.centre_name)
    assert job.ok and job.path is not None and job.path.suffix == ".png"
    paper = Image.open(io.BytesIO(job.path.read_bytes()))
    assert paper.width == 576
    assert f"STT:{ticket.number}:" in " ".join(r.text for r in zxingcpp.read_barcodes(paper.convert("L")))


def test_a_failing_ticket_printer_is_reported_and_the_ticket_stays(services) -> None:  # type: ignore[no-untyped-def]
    class Jammed:
        name = "jammed"

        def print_image(self, png, *, title, at):  # type: ignore[no-untyped-def]
            raise OSError("out of paper")

    station = services.station()
    line = services.queue.lines(station.centre_id)[0]
    ticket = services.queue.issue_ticket(line.id, request_key="kiosk-2")
    services.ticket_printer.printer = Jammed()
    job = services.ticket_printer.print_ticket(ticket, station.centre_name)
    assert isinstance(job, PrintJob) and not job.ok and "out of paper" in job.error
    assert any(line.waiting >= 1 for line in services.queue.lines(station.centre_id))
