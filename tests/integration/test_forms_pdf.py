"""The official forms as people read them: page size, form number per form set, Vietnamese intact, codes that scan."""

from __future__ import annotations

import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from io import BytesIO

import pytest
import zxingcpp
from pypdf import PdfReader

from counter_app.domain.catalog import Duration, DurationUnit
from counter_app.printing.forms import form_number, mask_id_number, render_document
from counter_app.services.documents import (
    Applicant,
    ApplicantType,
    BookRow,
    ComponentReceived,
    ControlRow,
    DeliveryLabel,
    DocumentKind,
    DossierDocument,
    FormSet,
    HandoverRecord,
    Issuer,
    PaymentLine,
    PaymentReceipt,
    PostalDelivery,
    ResultDelivery,
    Timeliness,
    TrackingBook,
)

VIETNAM = timezone(timedelta(hours=7))
CODE = "000.00.06.H56-231027-0361"
NAME = "Nguyễn Thị Ánh Tuyết"
ID_NUMBER = "042301001234"
MM = 72 / 25.4
A5 = (148 * MM, 210 * MM)
A4 = (210 * MM, 297 * MM)
A4_LANDSCAPE = (297 * MM, 210 * MM)
LABEL = (100 * MM, 150 * MM)

ISSUER = Issuer(
    authority_name="UBND tỉnh Hà Tĩnh",
    centre_name="Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh",
    centre_address="02 Nguyễn Chí Thanh, phường Thành Sen",
    centre_phone="0239 3888 666",
    place_name="Hà Tĩnh",
)
APPLICANT = Applicant(
    type=ApplicantType.CITIZEN,
    name=NAME,
    id_number=ID_NUMBER,
    phone="0912 345 678",
    email="tuyet@example.vn",
    address="Số 5, đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh",
)


# --- catalog ------------------------------------------------------------------------------------




# --- documents ------------------------------------------------------------------------------------


def make_doc(
    kind: DocumentKind = DocumentKind.RECEIPT,
    form_set: FormSet = FormSet.CIRCULAR_03_2025,
    **changes: object,
) -> DossierDocument:
    doc = DossierDocument(
        kind=kind,
        form_set=form_set,
        issuer=ISSUER,
        dossier_code=CODE,
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        agency_name="Ủy ban nhân dân phường Thành Sen",
        applicant=APPLICANT,
        request_summary="Đăng ký khai sinh cho con là Nguyễn Văn An, sinh ngày 20/11/2026",
        received_at=datetime(2026, 11, 30, 14, 30, tzinfo=VIETNAM),
        printed_at=datetime(2026, 11, 30, 14, 31, tzinfo=VIETNAM),
        staff_name="Nguyễn Thị Hoa",
        staff_phone="0987 654 321",
        counter_name="Quầy số 3",
        components=(
            ComponentReceived("Tờ khai đăng ký khai sinh theo mẫu", originals=1),
            ComponentReceived("Giấy chứng sinh (bản chính)", originals=1),
            ComponentReceived("Văn bản ủy quyền có chứng thực", certified_copies=1, photocopies=2),
        ),
        sets=1,
        duration=Duration(DurationUnit.WORKING_DAYS, 5),
        appointment=datetime(2026, 12, 7, 14, 30, tzinfo=VIETNAM),
        book_volume="03",
        book_number="1245",
        missing_components=("Giấy chứng sinh (bản chính)", "Giấy chứng nhận kết hôn của cha mẹ"),
        reason="Thiếu giấy chứng sinh bản chính",
        statutory_deadline=datetime(2026, 12, 7, 14, 30, tzinfo=VIETNAM),
        new_appointment=datetime(2026, 12, 10, 9, 0, tzinfo=VIETNAM),
        stop_requested_on=date(2026, 12, 2),
        control_rows=(
            ControlRow(
                "Bộ phận một cửa – Nguyễn Thị Hoa",
                "Phòng Tư pháp – Trần Văn Bình",
                datetime(2026, 11, 30, 15, 10, tzinfo=VIETNAM),
                Timeliness.ON_TIME,
            ),
            ControlRow(
                "Phòng Tư pháp – Trần Văn Bình",
                "Lãnh đạo UBND phường",
                datetime(2026, 12, 3, 9, 0, tzinfo=VIETNAM),
                Timeliness.EARLY,
                "Trình ký",
            ),
            ControlRow(
                "Lãnh đạo UBND phường",
                "Bộ phận một cửa",
                datetime(2026, 12, 8, 9, 0, tzinfo=VIETNAM),
                Timeliness.LATE,
            ),
        ),
    )
    return replace(doc, **changes)  # type: ignore[arg-type]


def book_rows(count: int) -> tuple[BookRow, ...]:
    start = datetime(2026, 11, 30, 7, 30, tzinfo=VIETNAM)
    return tuple(
        BookRow(
            number=i,
            dossier_code=f"000.00.06.H56-261130-{i:04d}",
            procedure_name="Đăng ký khai sinh" if i % 2 else "Cấp bản sao trích lục hộ tịch",
            sets=1,
            applicant_name=f"Nguyễn Thị Ánh Tuyết {i}",
            applicant_contact="0912 345 678, phường Thành Sen",
            agency_name="UBND phường Thành Sen",
            received_at=start + timedelta(minutes=i),
            appointment=start + timedelta(days=7),
            transferred_at=start + timedelta(hours=7) if i % 3 else None,
            note="Trả qua bưu điện" if i % 5 == 0 else "",
        )
        for i in range(1, count + 1)
    )


def make_book(rows: int = 20, form_set: FormSet = FormSet.CIRCULAR_03_2025) -> TrackingBook:
    return TrackingBook(
        issuer=ISSUER,
        period_from=date(2026, 11, 1),
        period_to=date(2026, 11, 30),
        printed_at=datetime(2026, 11, 30, 17, 0, tzinfo=VIETNAM),
        rows=book_rows(rows),
        form_set=form_set,
    )


def make_label(**changes: object) -> DeliveryLabel:
    label = DeliveryLabel(
        item_code="EB123456785VN",
        sender=ISSUER,
        receiver_name=NAME,
        receiver_address="Số 5, đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh",
        receiver_phone="0912 345 678",
        dossier_code=CODE,
        charge=25_000,
        printed_at=datetime(2026, 12, 7, 9, 0, tzinfo=VIETNAM),
        note="Giao tận tay người nhận",
        receiver_id_number=ID_NUMBER,
    )
    return replace(label, **changes)  # type: ignore[arg-type]


def make_payment() -> PaymentReceipt:
    return PaymentReceipt(
        receipt_number="C3-000123",
        issuer=ISSUER,
        payer_name=NAME,
        dossier_code=CODE,
        lines=(
            PaymentLine("Phí cấp bản sao trích lục hộ tịch", 8_000),
            PaymentLine("Cước chuyển phát kết quả", 25_000),
        ),
        method="cash",
        paid_at=datetime(2026, 11, 30, 14, 35, tzinfo=VIETNAM),
        staff_name="Nguyễn Thị Hoa",
        counter_name="Quầy số 3",
    )


def make_handover(rows: int = 12) -> HandoverRecord:
    return HandoverRecord(
        batch_code="BG-261130-0007",
        issuer=ISSUER,
        agency_name="Ủy ban nhân dân phường Thành Sen",
        handed_at=datetime(2026, 11, 30, 15, 10, tzinfo=VIETNAM),
        staff_name="Nguyễn Thị Hoa",
        receiver_name="Trần Văn Bình",
        dossiers=book_rows(rows),
    )


# --- reading back ------------------------------------------------------------------------------------


def nfc(text: str) -> str:
    """NFC with all runs of whitespace (line breaks from wrapping included) made one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def pages(pdf: bytes) -> list[str]:
    return [nfc(page.extract_text()) for page in PdfReader(BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    return " ".join(pages(pdf))


def codes_in(pdf: bytes) -> list[tuple[str, str]]:
    """(format, text) of every barcode and QR code read from the images embedded in the PDF."""
    found: list[tuple[str, str]] = []
    for page in PdfReader(BytesIO(pdf)).pages:
        for image in page.images:
            for barcode in zxingcpp.read_barcodes(image.image):
                found.append((barcode.format.name, barcode.text))
    return sorted(found)


def page_sizes(pdf: bytes) -> set[tuple[float, float]]:
    return {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in PdfReader(BytesIO(pdf)).pages
    }


def _pt(size: tuple[float, float]) -> set[tuple[float, float]]:
    return {(round(size[0]), round(size[1]))}


DOSSIER_KINDS = (
    DocumentKind.RECEIPT,
    DocumentKind.SUPPLEMENT,
    DocumentKind.REFUSAL,
    DocumentKind.APOLOGY,
    DocumentKind.STOP,
    DocumentKind.CONTROL,
)


# --- tests ------------------------------------------------------------------------------------


class TestPageSize:
    @pytest.mark.parametrize(
        ("kind", "size"),
        [
            (DocumentKind.RECEIPT, A5),
            (DocumentKind.SUPPLEMENT, A5),
            (DocumentKind.REFUSAL, A5),
            (DocumentKind.APOLOGY, A4),
            (DocumentKind.STOP, A5),
            (DocumentKind.CONTROL, A4),
        ],
    )
    def test_dossier_forms(self, vi: None, kind: DocumentKind, size: tuple[float, float]) -> None:
        assert page_sizes(render_document(make_doc(kind))) == _pt(size)

    def test_other_documents(self, vi: None) -> None:
        assert page_sizes(render_document(make_book())) == _pt(A4_LANDSCAPE)
        assert page_sizes(render_document(make_label())) == _pt(LABEL)
        assert page_sizes(render_document(make_payment())) == _pt(A5)
        assert page_sizes(render_document(make_handover())) == _pt(A4)

    @pytest.mark.parametrize("kind", DOSSIER_KINDS)
    def test_typical_dossier_forms_fit_one_page(self, vi: None, kind: DocumentKind) -> None:
        assert len(pages(render_document(make_doc(kind)))) == 1

    def test_same_input_gives_same_bytes(self, vi: None) -> None:
        assert render_document(make_doc()) == render_document(make_doc())

    def test_renders_from_worker_threads_at_once(self, vi: None) -> None:
        docs = [make_doc(kind) for kind in DOSSIER_KINDS]
        expected = [render_document(d) for d in docs]
        with ThreadPoolExecutor(max_workers=4) as pool:
            assert list(pool.map(render_document, docs * 2)) == expected * 2


class TestFormSets:
    @pytest.mark.parametrize(
        ("kind", "number_2025", "number_2018"),
        [
            (DocumentKind.RECEIPT, "01", "01"),
            (DocumentKind.SUPPLEMENT, "02", "02"),
            (DocumentKind.REFUSAL, "03", "03"),
            (DocumentKind.APOLOGY, "04", "04"),
            (DocumentKind.CONTROL, "06", "05"),
        ],
    )
    def test_form_number_and_circular(
        self, vi: None, kind: DocumentKind, number_2025: str, number_2018: str
    ) -> None:
        new = text_of(render_document(make_doc(kind, FormSet.CIRCULAR_03_2025)))
        assert f"Mẫu số {number_2025}" in new
        assert "Ban hành kèm theo Thông tư số 03/2025/TT-VPCP" in new
        old = text_of(render_document(make_doc(kind, FormSet.CIRCULAR_01_2018)))
        assert f"Mẫu số {number_2018}" in old
        assert "Ban hành kèm theo Thông tư số 01/2018/TT-VPCP" in old
        assert "03/2025" not in old

    def test_stop_notice_is_mau_05_of_2025(self, vi: None) -> None:
        text = text_of(render_document(make_doc(DocumentKind.STOP)))
        assert "Mẫu số 05" in text
        assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text

    def test_stop_notice_does_not_exist_in_2018(self, vi: None) -> None:
        with pytest.raises(ValueError, match="2018"):
            render_document(make_doc(DocumentKind.STOP, FormSet.CIRCULAR_01_2018))
        with pytest.raises(ValueError):
            form_number(DocumentKind.STOP, FormSet.CIRCULAR_01_2018)

    def test_book_is_mau_07_in_2025_and_06_in_2018(self, vi: None) -> None:
        assert "Mẫu số 07" in pages(render_document(make_book()))[0]
        old = pages(render_document(make_book(form_set=FormSet.CIRCULAR_01_2018)))[0]
        assert "Mẫu số 06" in old
        assert "01/2018/TT-VPCP" in old

    def test_apology_titles(self, vi: None) -> None:
        new = text_of(render_document(make_doc(DocumentKind.APOLOGY)))
        assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in new
        assert "đề nghị gia hạn thời gian giải quyết hồ sơ" in new
        old = text_of(render_document(make_doc(DocumentKind.APOLOGY, FormSet.CIRCULAR_01_2018)))
        assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in old
        assert "gia hạn" not in old
        for text in (new, old):
            assert "09 giờ 00 phút, thứ Năm, ngày 10 tháng 12 năm 2026" in text  # new date
            assert "THỦ TRƯỞNG CƠ QUAN" in text

    def test_a_dossier_document_cannot_pose_as_the_book(self, vi: None) -> None:
        with pytest.raises(ValueError, match="TrackingBook"):
            render_document(make_doc(DocumentKind.BOOK))


class TestAdministrativeLayout:
    @pytest.mark.parametrize("kind", DOSSIER_KINDS)
    def test_national_motto_issuer_and_title(self, vi: None, kind: DocumentKind) -> None:
        text = text_of(render_document(make_doc(kind)))
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert "UBND TỈNH HÀ TĨNH" in text
        assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH HÀ TĨNH" in text
        assert "Hà Tĩnh, ngày 30 tháng 11 năm 2026" in text
        assert f"Mã hồ sơ: {CODE}" in text

    @pytest.mark.parametrize("kind", [DocumentKind.RECEIPT, DocumentKind.SUPPLEMENT, DocumentKind.CONTROL])
    def test_left_heading_breaks_between_word_groups(self, vi: None, kind: DocumentKind) -> None:
        issuer = replace(ISSUER, authority_name="UBND phường Thành Sen", centre_name="Bộ phận Một cửa phường Thành Sen")
        pdf = render_document(make_doc(kind, issuer=issuer))
        lines = [nfc(line) for line in PdfReader(BytesIO(pdf)).pages[0].extract_text().splitlines()]
        at = lines.index("BỘ PHẬN MỘT CỬA")  # never "BỘ PHẬN MỘT CỬA PHƯỜNG" / "THÀNH SEN"
        assert lines[at + 1] == "PHƯỜNG THÀNH SEN"
        assert "THÀNH SEN" not in [*lines[:at], *lines[at + 2 :]] and "PHƯỜNG" not in lines

    def test_a_long_heading_is_split_evenly_never_one_word_alone(self, vi: None) -> None:
        from counter_app.printing.layout import heading_lines, styles

        style = styles(8)["header_bold"]
        long_name = "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ CẨM XUYÊN"
        for width_mm in (25, 40, 55, 76):
            lines = heading_lines(long_name, style, width_mm * 72 / 25.4)
            assert " ".join(lines) == long_name
            assert all(len(line.split()) > 1 for line in lines), lines  # no word alone on a line
            assert any(line.endswith("XÃ CẨM XUYÊN") for line in lines), lines  # the place's name stays whole
        assert heading_lines(long_name, style, 76 * 72 / 25.4) == ["TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "XÃ CẨM XUYÊN"]

    def test_date_line_writes_early_days_and_months_with_a_zero(self, vi: None) -> None:
        doc = make_doc(received_at=datetime(2027, 2, 5, 8, 5, tzinfo=VIETNAM))
        text = text_of(render_document(doc))
        assert "Hà Tĩnh, ngày 05 tháng 02 năm 2027" in text
        assert "08 giờ 05 phút, thứ Sáu, ngày 05 tháng 02 năm 2027" in text
        later = text_of(
            render_document(make_doc(received_at=datetime(2027, 3, 9, 8, 0, tzinfo=VIETNAM)))
        )
        assert "ngày 09 tháng 3 năm 2027" in later

    def test_receipt_signatures(self, vi: None) -> None:
        text = text_of(render_document(make_doc()))
        assert "NGƯỜI NỘP HỒ SƠ" in text
        assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
        assert "(Ký và ghi rõ họ tên)" in text


class TestReceiptContent:
    def test_what_the_citizen_reads(self, vi: None) -> None:
        text = text_of(render_document(make_doc()))
        for expected in (
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            f"tiếp nhận hồ sơ của: {NAME}",
            "Địa chỉ: Số 5, đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh",
            f"Số định danh: {ID_NUMBER}",
            "Số điện thoại: 0912 345 678",
            "Hình thức nộp: Trực tiếp",
            "Đăng ký khai sinh (1.001193)",
            "Nội dung yêu cầu giải quyết: Đăng ký khai sinh cho con là Nguyễn Văn An",
            "Cơ quan giải quyết: Ủy ban nhân dân phường Thành Sen",
            "Thành phần hồ sơ nộp gồm",
            "Tờ khai đăng ký khai sinh theo mẫu",
            "Giấy chứng sinh (bản chính)",
            "Văn bản ủy quyền có chứng thực",
            "Số lượng hồ sơ (bộ): 1",
            "Thời hạn giải quyết theo quy định: 5 ngày làm việc",
            "Thời gian nhận hồ sơ: 14 giờ 30 phút, thứ Hai, ngày 30 tháng 11 năm 2026",
            "14 giờ 30 phút, thứ Hai, ngày 07 tháng 12 năm 2026",
            "Tại Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh, Quầy số 3",
            "Quyển số: 03, Số thứ tự: 1245",
            "Nguyễn Thị Hoa",
        ):
            assert nfc(expected) in text, expected

    def test_result_by_post(self, vi: None) -> None:
        postal = PostalDelivery(NAME, "Thôn 3, xã Cẩm Xuyên, tỉnh Hà Tĩnh", "0912 345 678")
        doc = make_doc(result_delivery=ResultDelivery.BY_POST, postal=postal)
        text = text_of(render_document(doc))
        assert "Qua dịch vụ bưu chính công ích, gửi đến: Thôn 3, xã Cẩm Xuyên, tỉnh Hà Tĩnh" in text

    def test_english(self, en: None) -> None:
        text = text_of(render_document(make_doc()))
        assert "RECEIPT OF DOSSIER AND APPOINTMENT FOR RESULTS" in text
        assert "Form No. 01" in text
        assert "SOCIALIST REPUBLIC OF VIET NAM" in text
        assert "14 h 30 min, Monday, day 30 month 11 year 2026" in text
        assert NAME in text


class TestOtherForms:
    def test_supplement_lists_what_is_missing_and_who_to_call(self, vi: None) -> None:
        text = text_of(render_document(make_doc(DocumentKind.SUPPLEMENT)))
        assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
        assert f"Hồ sơ của: {NAME}" in text
        assert "1. Giấy chứng sinh (bản chính)" in text
        assert "2. Giấy chứng nhận kết hôn của cha mẹ" in text
        assert "Lý do: Thiếu giấy chứng sinh bản chính" in text
        assert "Nguyễn Thị Hoa, số điện thoại 0987 654 321" in text
        assert "NGƯỜI HƯỚNG DẪN" in text

    def test_refusal_gives_the_reason(self, vi: None) -> None:
        doc = make_doc(DocumentKind.REFUSAL, reason="Không thuộc thẩm quyền giải quyết")
        text = text_of(render_document(doc))
        assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
        assert "không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:" in text
        assert "Không thuộc thẩm quyền giải quyết" in text

    def test_stop_notice(self, vi: None) -> None:
        text = text_of(render_document(make_doc(DocumentKind.STOP)))
        assert f"Kính gửi: {NAME}" in text
        assert "Ngày 02/12/2026, người nộp hồ sơ đề nghị dừng giải quyết hồ sơ." in text
        assert "Ủy ban nhân dân phường Thành Sen thông báo dừng giải quyết hồ sơ" in text

    def test_control_sheet_rows_with_timeliness(self, vi: None) -> None:
        text = text_of(render_document(make_doc(DocumentKind.CONTROL)))
        assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
        assert "Phòng Tư pháp – Trần Văn Bình" in text
        assert "15:10 30/11/2026" in text
        for word in ("Đúng hạn", "Trước hạn", "Quá hạn"):
            assert word in text
        assert "Trình ký" in text

    def test_payment_receipt(self, vi: None) -> None:
        text = text_of(render_document(make_payment()))
        assert "PHIẾU THU NỘI BỘ" in text  # not a legal receipt: named as what it is (issue 8 §5)
        assert "(Không thay thế biên lai thu phí, lệ phí)" in text
        assert "Số: C3-000123" in text
        assert f"Người nộp tiền: {NAME}" in text
        assert "8.000 đ" in text and "25.000 đ" in text
        assert "Tổng cộng 33.000 đ" in text
        assert "Hình thức thanh toán: Tiền mặt" in text
        assert "NGƯỜI THU TIỀN" in text

    def test_handover_record(self, vi: None) -> None:
        pdf = render_document(make_handover())
        text = text_of(pdf)
        assert "BIÊN BẢN BÀN GIAO HỒ SƠ" in text
        assert "Số: BG-261130-0007" in text
        assert "bàn giao cho Ủy ban nhân dân phường Thành Sen" in text
        assert "000.00.06.H56-261130-0012" in text
        assert "Tổng số hồ sơ: 12; số bộ hồ sơ: 12." in text
        assert "BÊN GIAO" in text and "BÊN NHẬN" in text
        assert codes_in(pdf) == [("Code128", "BG-261130-0007")]


class TestCodes:
    def test_receipt_has_code128_and_qr_of_the_dossier_code(self, vi: None) -> None:
        assert codes_in(render_document(make_doc())) == [("Code128", CODE), ("QRCode", CODE)]

    @pytest.mark.parametrize("kind", DOSSIER_KINDS[1:])
    def test_every_dossier_form_has_the_code128(self, vi: None, kind: DocumentKind) -> None:
        assert codes_in(render_document(make_doc(kind))) == [("Code128", CODE)]

    def test_other_code_formats(self, vi: None) -> None:
        code = "000.17.22.H56-210531-0001"
        assert codes_in(render_document(make_doc(dossier_code=code))) == [
            ("Code128", code),
            ("QRCode", code),
        ]

    def test_label_carries_the_postal_item_code(self, vi: None) -> None:
        pdf = render_document(make_label())
        assert codes_in(pdf) == [("Code128", "EB123456785VN")]
        assert "EB123456785VN" in text_of(pdf)


class TestPersonalData:
    def test_label_masks_the_id_number_and_hides_the_procedure(self, vi: None) -> None:
        text = text_of(render_document(make_label()))
        assert "********1234" in text
        assert ID_NUMBER not in text
        assert "khai sinh" not in text  # staff must not disclose what the dossier is about
        assert NAME in text and "0912 345 678" in text
        assert "Cước: 25.000 đ" in text

    def test_mask(self) -> None:
        assert mask_id_number("042 301 001 234") == "********1234"
        assert mask_id_number("123") == "***"

    @pytest.mark.parametrize(
        "kind",
        [
            DocumentKind.SUPPLEMENT,
            DocumentKind.REFUSAL,
            DocumentKind.APOLOGY,
            DocumentKind.STOP,
            DocumentKind.CONTROL,
        ],
    )
    def test_only_the_receipt_prints_the_id_number(self, vi: None, kind: DocumentKind) -> None:
        assert ID_NUMBER not in text_of(render_document(make_doc(kind)))

    def test_notices_leave_out_contacts_they_do_not_need(self, vi: None) -> None:
        for kind in (DocumentKind.APOLOGY, DocumentKind.STOP, DocumentKind.CONTROL):
            text = text_of(render_document(make_doc(kind)))
            assert "0912 345 678" not in text
            assert "tuyet@example.vn" not in text


class TestTrackingBook:
    def test_three_hundred_rows_flow_over_pages_with_the_header_repeated(self, vi: None) -> None:
        pdf = render_document(make_book(300))
        texts = pages(pdf)
        assert len(texts) >= 5
        assert page_sizes(pdf) == _pt(A4_LANDSCAPE)
        for number, text in enumerate(texts, start=1):
            for column in ("STT", "Mã hồ sơ", "Cơ quan chủ trì giải quyết", "Ký nhận", "Ghi chú"):
                assert column in text, (number, column)
            assert f"Trang {number}" in text
        joined = " ".join(texts)
        for i in (1, 150, 300):
            assert f"000.00.06.H56-261130-{i:04d}" in joined
        assert "SỔ THEO DÕI HỒ SƠ" in texts[0]
        assert "Từ ngày 01/11/2026 đến ngày 30/11/2026" in texts[0]

    def test_columns_of_the_book(self, vi: None) -> None:
        text = pages(render_document(make_book(3)))[0]
        for column in (
            "Số bộ",
            "Người nộp hồ sơ",
            "Địa chỉ, số điện thoại",
            "Nhận hồ sơ",
            "Hẹn trả kết quả",
            "Chuyển hồ sơ đến cơ quan giải quyết",
            "Nhận kết quả từ cơ quan giải quyết",
            "Trả kết quả",
        ):
            assert column in text, column
        assert "Nguyễn Thị Ánh Tuyết 2" in text
        assert "07:31 30/11/2026" in text

    def test_empty_book(self, vi: None) -> None:
        assert len(pages(render_document(make_book(0)))) == 1


class TestAwkwardText:
    def test_long_names_and_huge_request_do_not_crash(self, vi: None) -> None:
        long_name = ("Nguyễn Thị Ánh Tuyết " * 20)[:300]
        doc = make_doc(
            applicant=replace(APPLICANT, name=long_name, address="x" * 500),
            procedure_name=long_name,
            request_summary="Yêu cầu cấp bản sao " * 500,  # 10,000 characters
            staff_name=long_name,
            reason="lý do " * 2000,
        )
        for kind in DOSSIER_KINDS:
            pdf = render_document(replace(doc, kind=kind))
            texts = pages(pdf)
            assert 1 <= len(texts) <= 3, kind
            assert "Nguyễn Thị Ánh Tuyết" in texts[0]
            joined = " ".join(texts)
            assert ("Yêu cầu cấp bản sao " * 500).strip() not in joined  # cut, not printed in full
        text = text_of(render_document(replace(doc, kind=DocumentKind.RECEIPT)))
        assert "Yêu cầu cấp bản sao" in text and "…" in text

    def test_nfd_input_comes_out_nfc(self, vi: None) -> None:
        nfd = unicodedata.normalize("NFD", NAME)
        doc = make_doc(
            applicant=replace(APPLICANT, name=nfd),
            procedure_name=unicodedata.normalize("NFD", "Đăng ký khai sinh"),
        )
        raw = " ".join(p.extract_text() for p in PdfReader(BytesIO(render_document(doc))).pages)
        assert NAME in raw  # already NFC in the PDF
        assert "Đăng ký khai sinh" in raw

    def test_emoji_control_characters_and_markup(self, vi: None) -> None:
        doc = make_doc(
            applicant=replace(APPLICANT, name=f"{NAME} 😀👍🏽\x00\x1b"),
            request_summary="Giấy tờ <b>không</b> & \x07 中文 {appointment}",
        )
        for kind in DOSSIER_KINDS:
            text = text_of(render_document(replace(doc, kind=kind)))
            assert NAME in text
        text = text_of(render_document(doc))
        assert "Giấy tờ <b>không</b> &" in text
        assert "{appointment}" in text

    def test_label_and_book_with_long_text(self, vi: None) -> None:
        label = make_label(
            receiver_name="Ánh " * 100, receiver_address="đường " * 300, note="n" * 999
        )
        assert len(pages(render_document(label))) >= 1
        rows = tuple(
            replace(r, procedure_name="thủ tục " * 300, note="x" * 2000) for r in book_rows(5)
        )
        book = replace(make_book(), rows=rows)
        assert len(pages(render_document(book))) >= 1

    def test_empty_optional_fields(self, vi: None) -> None:
        doc = make_doc(
            applicant=Applicant(ApplicantType.CITIZEN, NAME),
            components=(),
            duration=None,
            appointment=None,
            book_volume="",
            book_number="",
            request_summary="",
            counter_name="",
            issuer=Issuer("", "Trung tâm", place_name=""),
        )
        text = text_of(render_document(doc))
        assert "Không có giấy tờ kèm theo." in text
        assert "Ngày 30 tháng 11 năm 2026" in text
        assert "Quyển số" not in text
