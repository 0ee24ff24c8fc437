"""Printing after commit on a real store: what lands on paper (PDF read back, codes decoded from the page)."""

from __future__ import annotations

import io
import unicodedata

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from counter_app.domain.dossier import Outcome
from counter_app.services.documents import DocumentKind
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from counter_app.services.ports import PrintJob

FOOD_SAFETY = "2.000595"


@pytest.fixture
def desk(services) -> Desk:  # type: ignore[no-untyped-def]
    session = services.login("nv01", "demo123")
    counter = services.counters(session.centre_id)[0]
    return Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)


def _receive(services, desk, key: str = "k", outcome: Outcome = Outcome.COMPLETE, **extra) -> str:  # type: ignore[no-untyped-def]
    p = services.guide_service.procedure(FOOD_SAFETY)
    req = IntakeRequest(
        request_key=key, procedure_code=p.code, outcome=outcome, applicant_type="citizen",
        applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123", phone="0912345678",
        components=tuple(IntakeComponent(c.name, 1) for c in p.components), **extra,
    )
    return services.dossiers.receive(req, desk).code


def _text(pdf: bytes) -> str:
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def _decoded(png_pages: list[bytes]) -> set[str]:
    found = set()
    for png in png_pages:
        for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png))):
            found.add(result.text)
    return found


def test_receipt_prints_to_the_virtual_printer_with_codes_on_the_page(services, desk) -> None:  # type: ignore[no-untyped-def]
    from counter_app.printing.preview import pdf_pages_png

    code = _receive(services, desk)
    outcome = services.printing.print(DocumentKind.RECEIPT, code, desk)
    assert outcome.ok and outcome.job.path is not None and outcome.job.path.exists()
    assert outcome.job.path.read_bytes() == outcome.pdf
    text = _text(outcome.pdf)
    assert "Nguyễn Thị Ánh Tuyết" in text and code in text
    assert "Cấp Giấy xác nhận kiến thức về an toàn thực phẩm" in text.replace("\n", " ")
    decoded = _decoded(pdf_pages_png(outcome.pdf, dpi=200))
    assert code in decoded  # Code128 and QR both carry the dossier code


def test_supplement_and_refusal_forms(services, desk) -> None:  # type: ignore[no-untyped-def]
    inc = _receive(services, desk, "a", Outcome.INCOMPLETE, reason="Thiếu giấy xác nhận", missing_components=("Giấy khám sức khỏe",))
    text = _text(services.printing.render(DocumentKind.SUPPLEMENT, inc, desk))
    assert "Giấy khám sức khỏe" in text and "Thiếu giấy xác nhận" in text
    ref = _receive(services, desk, "b", Outcome.REFUSED, reason="Không thuộc thẩm quyền của Sở Công Thương")
    assert "Không thuộc thẩm quyền" in _text(services.printing.render(DocumentKind.REFUSAL, ref, desk))


def test_a_failing_printer_keeps_the_dossier_and_reports(services, desk) -> None:  # type: ignore[no-untyped-def]
    class JammedPrinter:
        name = "jammed"

        def print_pdf(self, pdf, *, title, at):  # type: ignore[no-untyped-def]
            raise OSError("paper jam")

    code = _receive(services, desk)
    services.printing.printer = JammedPrinter()
    outcome = services.printing.print(DocumentKind.RECEIPT, code, desk)
    assert not outcome.ok and "paper jam" in outcome.job.error
    assert outcome.pdf.startswith(b"%PDF")  # still previewable / reprintable
    assert services.dossiers.find(code, desk).code == code


def test_tracking_book_lists_the_period(services, desk, clock) -> None:  # type: ignore[no-untyped-def]
    codes = [_receive(services, desk, f"k{i}") for i in range(3)]
    day = clock.now().date()
    pdf = services.printing.render(DocumentKind.BOOK, "", desk, period=(day, day))
    text = _text(pdf)
    assert all(c in text for c in codes)


def test_virtual_printer_never_overwrites(tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    from counter_app.devices.virtual_printer import VirtualPrinter

    printer = VirtualPrinter(tmp_path)
    a = printer.print_pdf(b"%PDF-1", title="receipt-X", at=clock.now())
    b = printer.print_pdf(b"%PDF-2", title="receipt-X", at=clock.now())
    assert a.ok and b.ok and a.path != b.path
    assert a.path.read_bytes() == b"%PDF-1" and b.path.read_bytes() == b"%PDF-2"
    blocked = VirtualPrinter(tmp_path / "file")
    (tmp_path / "file").write_text("x")
    job = blocked.print_pdf(b"%PDF", title="t", at=clock.now())
    assert isinstance(job, PrintJob) and not job.ok


def test_preview_pages_are_png_images_of_the_pdf(services, desk) -> None:  # type: ignore[no-untyped-def]
    code = _receive(services, desk)
    pdf = services.printing.render(DocumentKind.RECEIPT, code, desk)
    pages = services.printing.preview_pages(pdf, dpi=72)
    assert pages and all(p.startswith(b"\x89PNG") for p in pages)
    width, height = Image.open(io.BytesIO(pages[0])).size
    assert abs(width - 420) <= 2 and abs(height - 595) <= 2  # A5 at 72 dpi


def test_counter_render_gives_pdf_png_thermal_and_escpos(services, desk, demo_data_dir, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from counter_app.cli import main
    from tests.escpos_decoder import decode_escpos

    code = _receive(services, desk)
    outputs = {}
    for fmt in ("pdf", "png", "thermal", "escpos"):
        out = tmp_path / f"receipt.{fmt}"
        assert main(["render", "receipt", code, "--format", fmt, "--out", str(out), "--data-dir", str(demo_data_dir)]) == 0
        outputs[fmt] = out.read_bytes()
    assert outputs["pdf"].startswith(b"%PDF") and code in _text(outputs["pdf"])
    assert outputs["png"].startswith(b"\x89PNG") and outputs["thermal"].startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(outputs["thermal"])).width == 576
    decoded = decode_escpos(outputs["escpos"], width=576)
    assert decoded.cut and code in _decoded([outputs["thermal"]])
    paper = Image.open(io.BytesIO(outputs["thermal"]))
    assert len(outputs["escpos"]) < paper.width // 8 * paper.height  # native codes + trimmed bands
    assert main(["render", "control", code, "--format", "thermal", "--out", str(tmp_path / "x"),
                 "--data-dir", str(demo_data_dir)]) == 2
    assert "không có bản in máy in nhiệt" in capsys.readouterr().err


def test_forms_print_in_vietnamese_even_when_the_screens_are_in_english(services, desk) -> None:  # type: ignore[no-untyped-def]
    from counter_app.services.i18n import _, current_language, set_language

    code = _receive(services, desk)
    set_language("en")
    try:
        text = _text(services.printing.render(DocumentKind.RECEIPT, code, desk))
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text.upper().replace("\n", " ")
        assert "RECEIPT OF DOSSIER" not in text
        assert current_language() == "en" and _("Yes") == "Yes"  # the screens stay in English
    finally:
        set_language("vi")
