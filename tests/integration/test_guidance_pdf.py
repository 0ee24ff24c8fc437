"""The guidance sheet PDF as a citizen gets it: A5, Vietnamese intact, totals, appointment, QR, paging."""

from __future__ import annotations

import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import pytest
import zxingcpp
from pypdf import PdfReader

from counter_app.domain.catalog import Channel, Duration, DurationUnit, FeeKind, ProcedureLevel
from counter_app.printing.fonts import MISSING_GLYPH, FontUnavailableError, fit_to_font
from counter_app.printing.guidance import guidance_qr_payload, render_guidance_sheet
from counter_app.services.formatting import format_datetime, format_money
from counter_app.services.read_models import ComponentLine, FeeLine, ProcedureGuide
from counter_app.services.resources import resource_path

VIETNAM = timezone(timedelta(hours=7))
PRINTED_AT = datetime(2026, 11, 30, 14, 31, tzinfo=VIETNAM)
A5_POINTS = (419.5, 595.3)




def make_guide(**changes: object) -> ProcedureGuide:
    guide = ProcedureGuide(
        code="1.001193",
        name="Đăng ký khai sinh",
        agency_name="Ủy ban nhân dân phường Thành Sen",
        agency_path=("UBND tỉnh Hà Tĩnh", "Ủy ban nhân dân phường Thành Sen"),
        field_name="Hộ tịch",
        level=ProcedureLevel.COMMUNE,
        duration=Duration(DurationUnit.WORKING_DAYS, 5),
        components=(
            ComponentLine(
                name="Giấy chứng sinh (bản chính)",
                originals=1,
                certified_copies=0,
                photocopies=0,
                required=True,
                note="Do cơ sở y tế nơi trẻ sinh ra cấp",
            ),
            ComponentLine(
                name="Tờ khai đăng ký khai sinh theo mẫu",
                originals=1,
                certified_copies=0,
                photocopies=0,
                required=True,
                note="",
            ),
            ComponentLine(
                name="Văn bản ủy quyền có chứng thực (trường hợp ủy quyền nộp hồ sơ)",
                originals=0,
                certified_copies=1,
                photocopies=2,
                required=False,
                note="",
            ),
        ),
        fees=(
            FeeLine(
                "Lệ phí đăng ký khai sinh", 0, FeeKind.CHARGE, "Miễn lệ phí khi đăng ký đúng hạn"
            ),
            FeeLine("Phí cấp bản sao trích lục hộ tịch", 8_000, FeeKind.FEE, "Mỗi bản"),
            FeeLine("Cước chuyển phát kết quả qua bưu chính", 1_000_000, FeeKind.FEE, ""),
        ),
        total_fee=1_008_000,
        channels=frozenset({Channel.IN_PERSON, Channel.ONLINE, Channel.POST}),
        post_dossier=True,
        post_result=True,
        requires_in_person=False,
        result_description="Giấy khai sinh (bản chính)",
        legal_basis="Luật Hộ tịch năm 2014\nNghị định số 123/2015/NĐ-CP",
        catalog_version=7,
        centre_name="Trung tâm Phục vụ hành chính công phường Thành Sen",
        received_at=datetime(2026, 11, 30, 14, 30, tzinfo=VIETNAM),
        appointment=datetime(2026, 12, 7, 14, 30, tzinfo=VIETNAM),
    )
    return replace(guide, **changes)  # type: ignore[arg-type]


def render(guide: ProcedureGuide | None = None) -> bytes:
    return render_guidance_sheet(
        guide or make_guide(),
        printed_at=PRINTED_AT,
        staff_name="Nguyễn Thị Hoa",
        counter_name="Quầy số 3",
    )


def nfc(text: str) -> str:
    """NFC with all runs of whitespace (line breaks from wrapping included) made one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def page_texts(pdf: bytes) -> list[str]:
    return [nfc(page.extract_text()) for page in PdfReader(BytesIO(pdf)).pages]


class TestPage:
    def test_a5_portrait(self, vi: None) -> None:
        reader = PdfReader(BytesIO(render()))
        for page in reader.pages:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            assert width == pytest.approx(A5_POINTS[0], abs=1)
            assert height == pytest.approx(A5_POINTS[1], abs=1)

    def test_short_guide_fits_one_page(self, vi: None) -> None:
        assert len(PdfReader(BytesIO(render())).pages) == 1

    def test_same_input_gives_same_bytes(self, vi: None) -> None:
        assert render() == render()

    def test_renders_from_worker_threads_at_once(self, vi: None) -> None:
        guides = [make_guide(code=f"1.00{i}") for i in range(6)]
        expected = [render(g) for g in guides]
        with ThreadPoolExecutor(max_workers=6) as pool:
            assert list(pool.map(render, guides * 3)) == expected * 3


class TestContent:
    def test_title_and_vietnamese_names_keep_their_accents(self, vi: None) -> None:
        text = " ".join(page_texts(render()))
        for expected in (
            "PHIẾU HƯỚNG DẪN THÀNH PHẦN HỒ SƠ",
            "Trung tâm Phục vụ hành chính công phường Thành Sen",
            "Đăng ký khai sinh",
            "Mã thủ tục: 1.001193",
            "Ủy ban nhân dân phường Thành Sen (UBND tỉnh Hà Tĩnh)",
            "Lĩnh vực: Hộ tịch",
            "Giấy chứng sinh (bản chính)",
            "Do cơ sở y tế nơi trẻ sinh ra cấp",
            "Văn bản ủy quyền có chứng thực",
            "Nghị định số 123/2015/NĐ-CP",
        ):
            assert nfc(expected) in text, expected

    def test_fees_and_total(self, vi: None) -> None:
        text = " ".join(page_texts(render()))
        assert "Miễn phí" in text  # the 0 đ line
        assert "8.000 đ" in text
        assert "Tổng cộng 1.008.000 đ" in text
        assert format_money(1_008_000) == "1.008.000 đ"

    def test_no_fees(self, vi: None) -> None:
        text = " ".join(page_texts(render(make_guide(fees=(), total_fee=0))))
        assert "Không thu phí, lệ phí." in text

    def test_time_channels_and_appointment(self, vi: None) -> None:
        text = " ".join(page_texts(render()))
        assert "Thời hạn giải quyết theo quy định: 5 ngày làm việc" in text
        assert "Trực tiếp, Trực tuyến, Qua dịch vụ bưu chính công ích" in text
        appointment = format_datetime(make_guide().appointment)
        assert appointment == "14:30, thứ Hai, 07/12/2026"
        assert f"ngày hẹn trả kết quả dự kiến là {appointment}" in text
        assert "Nơi trả kết quả: Tại Trung tâm Phục vụ hành chính công phường Thành Sen." in text

    def test_post_not_offered(self, vi: None) -> None:
        guide = make_guide(
            post_dossier=False,
            post_result=False,
            requires_in_person=True,
            channels=frozenset({Channel.IN_PERSON}),
        )
        text = " ".join(page_texts(render(guide)))
        assert "Gửi hồ sơ qua dịch vụ bưu chính công ích: Không" in text
        assert "Nhận kết quả qua dịch vụ bưu chính công ích: Không" in text
        assert "Người nộp hồ sơ phải trực tiếp đến quầy." in text
        assert "chuyển phát đến địa chỉ" not in text

    def test_footer_names_time_staff_counter_and_page(self, vi: None) -> None:
        text = page_texts(render())[0]
        assert "In lúc 14:31, thứ Hai, 30/11/2026" in text
        assert "Người hướng dẫn: Nguyễn Thị Hoa" in text
        assert "Quầy số 3" in text
        assert "Trang 1" in text

    def test_footer_without_staff_or_counter(self, vi: None) -> None:
        pdf = render_guidance_sheet(make_guide(), printed_at=PRINTED_AT)
        text = page_texts(pdf)[0]
        assert "In lúc 14:31, thứ Hai, 30/11/2026" in text
        assert "Người hướng dẫn" not in text

    def test_english(self, en: None) -> None:
        text = " ".join(page_texts(render()))
        assert "GUIDANCE SHEET FOR DOSSIER COMPONENTS" in text
        assert "5 working days" in text
        assert "14:30, Monday, 07/12/2026" in text
        assert "Đăng ký khai sinh" in text


class TestQrCode:
    def test_qr_decodes_to_the_procedure_code(self, vi: None) -> None:
        page = PdfReader(BytesIO(render())).pages[0]
        decoded = [
            barcode.text for image in page.images for barcode in zxingcpp.read_barcodes(image.image)
        ]
        assert decoded == ["TTHC:1.001193"]
        assert guidance_qr_payload("1.001193") == "TTHC:1.001193"

    def test_is_a_regular_qr_code_not_micro(self, vi: None) -> None:
        page = PdfReader(BytesIO(render())).pages[0]
        (barcode,) = zxingcpp.read_barcodes(page.images[0].image)
        assert barcode.format == zxingcpp.BarcodeFormat.QRCode


class TestPaging:
    def test_thirty_components_flow_onto_more_pages_with_header_repeated(self, vi: None) -> None:
        components = tuple(
            ComponentLine(
                name=f"Giấy tờ số {i}: bản sao giấy chứng nhận quyền sử dụng đất, quyền sở hữu "
                "nhà ở và tài sản khác gắn liền với đất (có chứng thực)",
                originals=1,
                certified_copies=i % 2,
                photocopies=1,
                required=i % 3 != 0,
                note="Ghi chú dài cho thành phần hồ sơ này" if i % 2 else "",
            )
            for i in range(1, 31)
        )
        texts = page_texts(render(make_guide(components=components)))
        assert len(texts) >= 2
        joined = " ".join(texts)
        for i in range(1, 31):
            assert f"Giấy tờ số {i}:" in joined
        pages_with_table_header = [t for t in texts if "Tên giấy tờ" in t and "Bản chính" in t]
        assert len(pages_with_table_header) >= 2
        assert f"Trang {len(texts)}" in texts[-1]

    def test_a_component_longer_than_a_page_still_renders(self, vi: None) -> None:
        huge = ComponentLine("giấy tờ rất dài " * 1500, 1, 0, 0, True, "ghi chú " * 300)
        word = ComponentLine("x" * 4000, 1, 0, 0, True, "")  # no place to break
        pdf = render(make_guide(components=(huge, word)))
        assert len(PdfReader(BytesIO(pdf)).pages) > 2


class TestAwkwardText:
    def test_nfd_input_comes_out_nfc(self, vi: None) -> None:
        nfd = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731
        guide = make_guide(
            name=nfd("Đăng ký khai sinh"),
            agency_name=nfd("Ủy ban nhân dân phường Thành Sen"),
            components=(ComponentLine(nfd("Giấy chứng sinh (bản chính)"), 1, 0, 0, True, ""),),
        )
        raw = " ".join(page.extract_text() for page in PdfReader(BytesIO(render(guide))).pages)
        assert "Đăng ký khai sinh" in raw  # already NFC in the PDF, before any normalising
        assert "Ủy ban nhân dân phường Thành Sen" in raw
        assert "Giấy chứng sinh (bản chính)" in raw

    def test_emoji_control_characters_and_markup_do_not_crash(self, vi: None) -> None:
        guide = make_guide(
            name="Đăng ký khai sinh 😀👍🏽\x00\x1b",
            components=(
                ComponentLine("Giấy tờ <b>không</b> & \x00\x07 \ud800 中文", 1, 0, 0, True, "→ ✓"),
            ),
            result_description="Kết quả <i>&amp; {appointment}",
            legal_basis="",
        )
        text = " ".join(page_texts(render(guide)))
        assert "Đăng ký khai sinh" in text
        assert "Giấy tờ <b>không</b> &" in text  # shown as written, not taken as markup
        assert "Kết quả <i>&amp; {appointment}" in text

    def test_empty_optional_parts(self, vi: None) -> None:
        guide = make_guide(
            components=(),
            fees=(),
            total_fee=0,
            channels=frozenset(),
            agency_path=(),
            field_name="",
            result_description="",
            legal_basis="",
            centre_name="",
        )
        text = " ".join(page_texts(render(guide)))
        assert "Không yêu cầu giấy tờ." in text
        assert "Tại quầy đã tiếp nhận hồ sơ." in text
        assert "Căn cứ pháp lý" not in text


class TestFonts:
    def test_missing_font_names_the_file(
        self, vi: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (tmp_path / "fonts").mkdir()
        monkeypatch.setenv("COUNTER_RESOURCES", str(tmp_path))
        with pytest.raises(FontUnavailableError, match=r"DejaVuSans\.ttf.*missing") as caught:
            render()
        assert caught.value.path == tmp_path / "fonts" / "DejaVuSans.ttf"

    def test_broken_font_names_the_file(
        self, vi: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        fonts = tmp_path / "fonts"
        fonts.mkdir()
        (fonts / "DejaVuSans.ttf").write_bytes(b"not a font")
        (fonts / "DejaVuSans-Bold.ttf").write_bytes(
            resource_path("fonts", "DejaVuSans-Bold.ttf").read_bytes()
        )
        monkeypatch.setenv("COUNTER_RESOURCES", str(tmp_path))
        with pytest.raises(FontUnavailableError, match=r"DejaVuSans\.ttf.*cannot be read"):
            render()

    def test_fit_to_font_composes_and_boxes_what_the_font_lacks(self) -> None:
        assert fit_to_font("Tha\u0300nh Sen 😀") == f"Thành Sen {MISSING_GLYPH}"
        assert fit_to_font("Hà Tĩnh\n₫ → ✓") == "Hà Tĩnh\n₫ → ✓"

    def test_rendering_works_again_once_the_fonts_are_back(self, vi: None) -> None:
        assert render().startswith(b"%PDF")
