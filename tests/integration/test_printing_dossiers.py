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


# --- forms belong to the events that issue them (issue 8 §3) -------------------------------------------


EDUCATION = "1.005092"  # Cấp bản sao văn bằng, chứng chỉ từ sổ gốc: Sở Giáo dục và Đào tạo, one optional document


def _other_desk(services, username: str = "nv02") -> Desk:  # type: ignore[no-untyped-def]
    session = services.login(username, "demo123")
    counter = services.counters(session.centre_id)[1]
    return Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)


def _lines(pdf: bytes) -> list[str]:
    return [line.strip() for line in _text(pdf).splitlines()]


def _date_line(day) -> str:  # type: ignore[no-untyped-def]
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"Hà Tĩnh, ngày {day.day:02d} tháng {month} năm {day.year}"


def test_reprinted_forms_carry_the_date_officer_and_reason_of_their_event(services, desk, clock, vi) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    guide = _other_desk(services)  # the officer at another counter records the agency's steps
    code = _receive(services, desk)
    services.dossiers.hand_over([code], desk)
    clock.advance(days=1)  # Tue 01/12
    supplement_day = clock.now().date()
    services.dossiers.request_supplement(code, guide, reason="Thiếu danh sách có chữ ký", missing=["Danh sách người đề nghị xác nhận"])
    clock.advance(hours=2)
    services.dossiers.supplement_provided(code, guide)
    deadline = services.dossiers.find(code).appointment
    clock.set(deadline - timedelta(days=2))
    extension_day = clock.now().date()
    services.dossiers.extend(code, guide, new_appointment=deadline + timedelta(days=3), reason="Chờ ý kiến Sở Y tế")
    clock.advance(days=1)
    stop_day = clock.now().date()
    services.dossiers.stop(code, guide, requested_on=stop_day - timedelta(days=1), reason="Người nộp đề nghị rút để bổ sung")

    clock.set(deadline + timedelta(days=4))  # the reprint, days after every event, by nv01 at counter 1
    printed_line = _date_line(clock.now().date())

    supplement = _text(services.printing.render(DocumentKind.SUPPLEMENT, code, desk))
    assert _date_line(supplement_day) in supplement and printed_line not in supplement
    assert "Trần Văn Đức, số điện thoại 0912000102" in " ".join(supplement.split())
    assert "Thiếu danh sách có chữ ký" in supplement and "Danh sách người đề nghị xác nhận" in supplement
    assert desk.staff_name not in supplement  # the desk that reprints is not the guiding officer

    apology = _text(services.printing.render(DocumentKind.APOLOGY, code, desk))
    assert _date_line(extension_day) in apology and printed_line not in apology
    assert "Chờ ý kiến Sở Y tế" in apology
    assert f"ngày {deadline.day:02d} tháng {deadline.month}" in apology  # the deadline being moved
    header = _lines(services.printing.render(DocumentKind.APOLOGY, code, desk))
    assert "SỞ CÔNG THƯƠNG TỈNH HÀ TĨNH" in header  # the agency issues it and its head signs it
    assert "Số: …/…" in header and "THỦ TRƯỞNG CƠ QUAN" in header
    assert "TRUNG TÂM PHỤC VỤ" not in " ".join(header)

    stop = _text(services.printing.render(DocumentKind.STOP, code, desk))
    assert _date_line(stop_day) in stop and printed_line not in stop
    requested = stop_day - timedelta(days=1)
    assert f"Ngày {requested:%d/%m/%Y}, người nộp hồ sơ đề nghị dừng giải quyết hồ sơ." in " ".join(stop.split())
    assert "Người nộp đề nghị rút để bổ sung" in stop and "Chờ ý kiến Sở Y tế" not in stop

    control = _text(services.printing.render(DocumentKind.CONTROL, code, desk))
    assert _date_line(date(2026, 11, 30)) in control and printed_line not in control  # opened at receipt


def test_forms_without_their_event_are_refused_by_the_service_and_the_command(services, desk, demo_data_dir, capsys, vi) -> None:  # type: ignore[no-untyped-def]
    from counter_app.cli import main
    from counter_app.domain.errors import DomainError

    code = _receive(services, desk)
    services.dossiers.hand_over([code], desk)
    services.dossiers.result_ready(code, desk)
    services.dossiers.pay(code, desk, amount=services.dossiers.find(code).fee_due, method="cash", request_key="p") if services.dossiers.find(code).fee_due else None
    services.dossiers.return_result(code, desk, recipient_name="Nguyễn Thị Ánh Tuyết", recipient_id="042301000123")
    for kind, words in ((DocumentKind.STOP, "chưa đề nghị dừng giải quyết"), (DocumentKind.APOLOGY, "chưa được gia hạn"),
                        (DocumentKind.REFUSAL, "không bị từ chối"), (DocumentKind.SUPPLEMENT, "chưa có yêu cầu bổ sung")):
        with pytest.raises(DomainError) as raised:
            services.printing.render(kind, code, desk)
        assert raised.value.code.startswith("document.")
        assert main(["render", kind.value, code, "--out", str(demo_data_dir / f"{kind.value}.pdf"),
                     "--data-dir", str(demo_data_dir)]) == 2
        err = unicodedata.normalize("NFC", capsys.readouterr().err)
        assert words in err and code in err, err
        assert not (demo_data_dir / f"{kind.value}.pdf").exists()
    from counter_app.services.dossier_documents import available_forms  # what the print menu offers

    assert available_forms(services.dossiers.detail(code)) == [DocumentKind.RECEIPT, DocumentKind.CONTROL]

    incomplete = _receive(services, desk, "inc", Outcome.INCOMPLETE, reason="Thiếu đơn")
    with pytest.raises(DomainError, match="document.not_registered"):
        services.printing.render(DocumentKind.RECEIPT, incomplete, desk)
    assert available_forms(services.dossiers.detail(incomplete)) == [DocumentKind.SUPPLEMENT]


def test_control_sheet_judges_the_agency_by_result_ready_and_keeps_codes_whole(services, desk, clock, vi) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    code = _receive(services, desk, result_delivery="post", delivery_receiver="Nguyễn Thị Ánh Tuyết",
                    delivery_address="Số 5 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh", delivery_phone="0912345678")
    batch = services.dossiers.hand_over([code], desk).batch_code
    clock.advance(days=1)  # result ready days before the appointment
    services.dossiers.result_ready(code, desk)
    appointment = services.dossiers.find(code).appointment
    # the post leaves after the appointment; the counter worked every morning in between (a PC whose
    # store wrote nothing for a week is "far ahead" of its clock mark: tests/integration/test_clock_guard.py)
    session = services.login("nv01", "demo123")
    while clock.now() < appointment + timedelta(days=2):
        clock.advance(days=1)
        services.close_counter(services.open_counter(session, desk.counter_id))
    clock.set(appointment + timedelta(days=3))
    fee = services.dossiers.find(code).fee_due
    if fee:
        services.dossiers.pay(code, desk, amount=fee, method="cash", request_key="fee")
    services.dossiers.send_by_post(code, desk, item_code="EB123456785VN", receiver_name="Nguyễn Thị Ánh Tuyết",
                                   address="Số 5 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh",
                                   phone="0912345678", charge=0)
    assert services.dossiers.detail(code).record.timeliness == "early"
    lines = _lines(services.printing.render(DocumentKind.CONTROL, code, desk))
    text = "\n".join(lines)
    assert "Trước hạn" in text and "Quá hạn" not in text  # the agency's return row
    assert any(batch in line for line in lines), batch  # never broken inside the code
    assert any("EB123456785VN" in line for line in lines)


def test_receipt_points_to_its_row_in_the_tracking_book_with_vietnamese_notes(services, desk, clock, vi) -> None:  # type: ignore[no-untyped-def]
    first = _receive(services, desk, "a")
    clock.advance(minutes=5)
    p = services.guide_service.procedure(EDUCATION)
    other = services.dossiers.receive(IntakeRequest(
        request_key="b", procedure_code=p.code, outcome=Outcome.COMPLETE, applicant_type="citizen",
        applicant_name="Lê Văn Nam", components=tuple(IntakeComponent(c.name, 1) for c in p.components)), desk).code
    clock.advance(minutes=5)
    incomplete = _receive(services, desk, "c", Outcome.INCOMPLETE, reason="Thiếu đơn")
    clock.advance(minutes=5)
    third = _receive(services, desk, "d")
    assert other.endswith("-0001") and third.endswith("-0003")  # the code's daily number is per agency
    receipt = " ".join(_text(services.printing.render(DocumentKind.RECEIPT, other, desk)).split())
    assert "Quyển số: 2026, Số thứ tự: 2." in receipt, receipt
    receipt = " ".join(_text(services.printing.render(DocumentKind.RECEIPT, third, desk)).split())
    assert "Quyển số: 2026, Số thứ tự: 4." in receipt
    day = clock.now().date()
    book = _lines(services.printing.render(DocumentKind.BOOK, "", desk, period=(day, day)))
    rows = {code: book[book.index(code) - 1] for code in (first, other, incomplete, third)}
    assert rows == {first: "1", other: "2", incomplete: "3", third: "4"}
    text = " ".join(book)
    assert "Hồ sơ chưa đủ: đã hướng dẫn bổ sung (Mẫu 02)" in text and "incomplete" not in text


def test_optional_documents_not_brought_stay_off_the_forms(services, desk, vi) -> None:  # type: ignore[no-untyped-def]
    p = services.guide_service.procedure(EDUCATION)
    optional = [c.name for c in p.components if not c.required]
    required = [c.name for c in p.components if c.required]
    assert optional and required
    # F4 ticks every line; the optional one came with no paper at all
    components = tuple(IntakeComponent(c.name, 1 if c.required else 0) for c in p.components)
    code = services.dossiers.receive(IntakeRequest(
        request_key="o", procedure_code=p.code, outcome=Outcome.COMPLETE, applicant_type="citizen",
        applicant_name="Lê Văn Nam", components=components), desk).code
    receipt = " ".join(_text(services.printing.render(DocumentKind.RECEIPT, code, desk)).split())
    assert all(name in receipt for name in required)
    assert optional[0] not in receipt
    # Incomplete at intake with nothing ticked: Form 02 asks for the required documents only
    unticked = tuple(IntakeComponent(c.name, 0, provided=False) for c in p.components)
    inc = services.dossiers.receive(IntakeRequest(
        request_key="i", procedure_code=p.code, outcome=Outcome.INCOMPLETE, applicant_type="citizen",
        applicant_name="Lê Văn Nam", components=unticked, reason="Chưa mang đủ giấy tờ"), desk).code
    supplement = " ".join(_text(services.printing.render(DocumentKind.SUPPLEMENT, inc, desk)).split())
    assert all(name in supplement for name in required) and optional[0] not in supplement


def test_the_receipt_names_the_centre_and_the_counter_where_the_result_comes_back(services, desk, vi) -> None:  # type: ignore[no-untyped-def]
    code = _receive(services, desk, key="place")
    text = " ".join(_text(services.printing.render(DocumentKind.RECEIPT, code, desk)).split())
    counter_label = desk.counter_name.split(" — ")[0]
    assert " — " in desk.counter_name  # the counter's screen name also lists the agencies it serves
    assert f"Nơi trả kết quả: Tại Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh, {counter_label}." in text
    assert desk.counter_name not in text.replace(" In lúc", "").split("Nơi trả kết quả")[1].split(".")[0]


def test_a_book_of_a_later_period_continues_the_year_s_numbering(services, desk, clock, vi) -> None:  # type: ignore[no-untyped-def]
    monday = _receive(services, desk, "m1")
    clock.advance(minutes=10)
    _receive(services, desk, "m2")
    clock.advance(days=1)  # Tuesday, same office hours
    tuesday = _receive(services, desk, "t1")
    receipt = " ".join(_text(services.printing.render(DocumentKind.RECEIPT, tuesday, desk)).split())
    assert "Quyển số: 2026, Số thứ tự: 3." in receipt
    day = clock.now().date()
    book = _lines(services.printing.render(DocumentKind.BOOK, "", desk, period=(day, day)))
    assert book[book.index(tuesday) - 1] == "3"  # the same row the receipt points to
    assert monday not in book
