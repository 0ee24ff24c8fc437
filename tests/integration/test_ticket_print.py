"""The printed queue ticket: what the citizen reads, what the printer receives."""

from __future__ import annotations

from datetime import datetime

import zxingcpp
from PIL import ImageChops

from counter_app.domain.calendar import VIETNAM_TIME
from counter_app.printing.ticket import render_ticket, ticket_escpos_job
from counter_app.services.documents import QueueTicketDocument
from tests.escpos_decoder import decode_escpos

TICKET = QueueTicketDocument(
    centre_name="Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh", number="A012",
    line_name="Nộp hồ sơ — Sở Nội vụ, Sở Ngoại vụ", issued_at=datetime(2026, 11, 30, 9, 5, tzinfo=VIETNAM_TIME),
    waiting_ahead=7, estimated_wait_minutes=21, priority_label="Ưu tiên: người cao tuổi", qr_payload="STT:A012:2026-11-30",
)


def test_ticket_is_a_narrow_one_bit_image_with_a_readable_qr() -> None:
    image = render_ticket(TICKET)
    assert image.mode == "1" and image.width == 576
    assert 300 < image.height < 1400
    found = {r.text for r in zxingcpp.read_barcodes(image.convert("L"))}
    assert "STT:A012:2026-11-30" in found


def test_58mm_ticket_fits_its_paper() -> None:
    assert render_ticket(TICKET, width_mm=58).width == 384


def test_escpos_job_prints_the_same_image_and_cuts() -> None:
    image = render_ticket(TICKET)
    job = ticket_escpos_job(TICKET)
    decoded = decode_escpos(job, width=576)
    assert decoded.initialised_first and decoded.cut
    assert any(c.startswith("GS ( k") for c in decoded.commands)  # the printer draws the QR itself
    ink_bottom = ImageChops.invert(image.convert("L")).getbbox()[3]
    assert decoded.image.height >= ink_bottom
    paper = decoded.image.convert("L").crop((0, 0, 576, ink_bottom))
    assert ImageChops.difference(paper, image.convert("L").crop((0, 0, 576, ink_bottom))).getbbox() is None
    assert "STT:A012:2026-11-30" in {r.text for r in zxingcpp.read_barcodes(paper)}
    assert len(job) <= 10_000  # issue 4: ≤ 10 KB for an 80 mm ticket
