"""Thermal receipts as the printer gets them: 1-bit image, codes that scan, ESC/POS bytes that print it back.

Two kinds of job: all raster (any printer), and raster text with the Code128 and QR code drawn by
the printer itself (``GS k``, ``GS ( k``) where the profile says it can.
"""

from __future__ import annotations

import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
import zxingcpp
from PIL import Image, ImageChops

from counter_app.printing.escpos_job import (
    escpos_raster_job,
    escpos_receipt_job,
    native_codes,
)
from counter_app.printing.raster import (
    NativeCode128,
    NativeCodes,
    NativeQr,
    RasterBand,
    printable_width_px,
    render_thermal,
    thermal_layout,
)
from counter_app.services.documents import DocumentKind, ResultDelivery
from tests.escpos_decoder import decode_escpos
from tests.integration.test_forms_pdf import (
    APPLICANT,
    CODE,
    ID_NUMBER,
    NAME,
    make_doc,
    make_payment,
)

DOTS_PER_MM = 203 / 25.4
# The all-raster job needs about 18 KB at 80 mm (see the benchmark); this bound only stops it
# from growing unnoticed. The short receipt's budget, 15 KB, is met with native codes.
JOB_BYTES_LIMIT = 24_000
JOB_TARGET_BYTES = 15_000
NATIVE = "TM-T20II"  # Epson, 80 mm: GS k function B and GS ( k QR
RASTER_ONLY = "ZJ-5870"  # Zjiang 58 mm: no bar codes of its own
BARCODE_ONLY = "TH230"  # Wincor Nixdorf, 80 mm: Code128 but no QR code


def codes(image: Image.Image) -> list[tuple[str, str]]:
    return sorted((b.format.name, b.text) for b in zxingcpp.read_barcodes(image))


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return (
        a.size == b.size and ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None
    )


class TestImage:
    @pytest.mark.parametrize(("width_mm", "pixels"), [(80, 576), (58, 384)])
    def test_one_bit_at_the_printable_width(self, width_mm: int, pixels: int) -> None:
        image = render_thermal(make_doc(), width_mm=width_mm)
        assert image.mode == "1"
        assert image.width == pixels
        assert printable_width_px(width_mm, 203) == pixels

    def test_other_resolution(self) -> None:
        assert printable_width_px(80, 180) == 512  # Epson TM-T88 series
        assert render_thermal(make_doc(), dpi=180).width == 512

    def test_unsupported_paper(self) -> None:
        with pytest.raises(ValueError, match="76 mm"):
            render_thermal(make_doc(), width_mm=76)

    @pytest.mark.parametrize("width_mm", [80, 58])
    def test_code128_and_qr_decode_to_the_dossier_code(self, width_mm: int) -> None:
        image = render_thermal(make_doc(), width_mm=width_mm)
        assert codes(image) == [("Code128", CODE), ("QRCode", CODE)]

    def test_tight_no_trailing_white_and_short(self) -> None:
        image = render_thermal(make_doc())
        last_row = image.crop((0, image.height - 1, image.width, image.height)).convert("L")
        assert last_row.getextrema()[0] == 0  # the last row has a dot: trailing white cut off
        assert image.height < 60 * DOTS_PER_MM  # under 6 cm of paper

    def test_appointment_and_name_change_the_picture(self) -> None:
        base = render_thermal(make_doc())
        other = render_thermal(make_doc(applicant=replace(APPLICANT, name="Trần Văn Bình")))
        assert not same_pixels(base, other)

    def test_same_input_same_image(self) -> None:
        assert same_pixels(render_thermal(make_doc()), render_thermal(make_doc()))

    def test_renders_from_worker_threads_at_once(self) -> None:
        docs = [make_doc(dossier_code=f"000.00.06.H56-261130-{i:04d}") for i in range(6)]
        expected = [render_thermal(d) for d in docs]
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(render_thermal, docs * 2))
        assert all(same_pixels(a, b) for a, b in zip(results, expected * 2, strict=True))

    def test_by_post_and_without_appointment(self) -> None:
        doc = make_doc(result_delivery=ResultDelivery.BY_POST, appointment=None, counter_name="")
        assert codes(render_thermal(doc)) == [("Code128", CODE), ("QRCode", CODE)]

    def test_only_receipts_and_payments(self) -> None:
        with pytest.raises(ValueError, match="thermal"):
            render_thermal(make_doc(DocumentKind.SUPPLEMENT))

    def test_payment_receipt(self) -> None:
        for width_mm in (80, 58):
            image = render_thermal(make_payment(), width_mm=width_mm)
            assert image.mode == "1" and image.width == printable_width_px(width_mm, 203)
            assert 100 < image.height < 80 * DOTS_PER_MM


class TestWhatTheSlipSays:
    """The words drawn on the paper (recorded as the renderer draws them)."""

    def test_titled_as_a_receipt_slip_and_the_employee_named_by_role(self, vi: None, monkeypatch: pytest.MonkeyPatch) -> None:
        from PIL import ImageDraw

        drawn: list[str] = []
        draw_text = ImageDraw.ImageDraw.text

        def record(self, xy, text, *args, **kwargs):  # type: ignore[no-untyped-def]
            drawn.append(unicodedata.normalize("NFC", str(text)))
            return draw_text(self, xy, text, *args, **kwargs)

        monkeypatch.setattr(ImageDraw.ImageDraw, "text", record)
        for width_mm in (80, 58):
            drawn.clear()
            render_thermal(make_doc(staff_name="Nguyễn Thị Hoa"), width_mm=width_mm)
            words = " ".join(drawn)
            assert "PHIẾU TIẾP NHẬN HỒ SƠ" in drawn  # a receipt slip, not the full Mẫu 01
            assert "GIẤY TIẾP NHẬN" not in words and "HẸN TRẢ KẾT QUẢ" not in words
            assert any(line.startswith("Nhân viên bưu điện tiếp nhận") for line in drawn), drawn
            assert "Nguyễn Thị Hoa" in words and "Cán bộ" not in words


class TestAwkwardText:
    @pytest.mark.parametrize("width_mm", [80, 58])
    def test_long_nfd_and_emoji_names(self, width_mm: int) -> None:
        normal = render_thermal(make_doc(), width_mm=width_mm)
        long_name = ("Nguyễn Thị Ánh Tuyết " * 20)[:300]
        for name in (long_name, unicodedata.normalize("NFD", NAME) + " 😀👍🏽\x00", "x" * 300):
            doc = make_doc(
                applicant=replace(APPLICANT, name=name),
                procedure_name=long_name,
                staff_name=long_name,
                request_summary="y" * 10_000,
            )
            image = render_thermal(doc, width_mm=width_mm)
            assert codes(image) == [("Code128", CODE), ("QRCode", CODE)]
            assert image.height < normal.height + 16 * DOTS_PER_MM  # lines are capped, not endless

    def test_nfd_draws_like_nfc(self) -> None:
        nfd = make_doc(applicant=replace(APPLICANT, name=unicodedata.normalize("NFD", NAME)))
        assert same_pixels(render_thermal(nfd), render_thermal(make_doc()))

    def test_private_data_stays_off_the_receipt(self) -> None:
        # The receipt draws no ID number or phone: changing them changes nothing.
        other = make_doc(applicant=replace(APPLICANT, id_number="001099000001", phone="0900000000"))
        assert same_pixels(render_thermal(other), render_thermal(make_doc()))
        assert ID_NUMBER  # (the default document does carry one)


class TestEscPosJob:
    @pytest.mark.parametrize("width_mm", [80, 58])
    @pytest.mark.parametrize("kind", ["receipt", "payment"])
    def test_job_prints_back_the_same_image(self, width_mm: int, kind: str) -> None:
        doc: object = make_doc() if kind == "receipt" else make_payment()
        image = render_thermal(doc, width_mm=width_mm)  # type: ignore[arg-type]
        job = escpos_raster_job(image)
        decoded = decode_escpos(job, width=image.width)
        assert same_pixels(decoded.image, image)
        assert decoded.initialised_first
        assert decoded.cut
        assert decoded.feed_after_dots > 0  # paper moves the print past the cutter
        assert any(c.startswith("GS v 0") for c in decoded.commands)

    def test_codes_decode_from_the_printed_image(self) -> None:
        image = render_thermal(make_doc())
        decoded = decode_escpos(escpos_raster_job(image), width=image.width)
        assert codes(decoded.image) == [("Code128", CODE), ("QRCode", CODE)]

    def test_bytes_start_and_end(self) -> None:
        job = escpos_raster_job(render_thermal(make_doc()))
        assert job.startswith(b"\x1b@")
        assert job.endswith(b"\x1bd\x06\x1dV\x00")  # python-escpos cut(): feed 6 lines, full cut

    def test_size_of_the_short_receipt(self) -> None:
        image = render_thermal(make_doc())
        job = escpos_raster_job(image)
        full = image.width // 8 * image.height
        assert decode_escpos(job).raster_bytes < full  # blank rows and right margins not sent
        assert len(job) < JOB_BYTES_LIMIT

    def test_without_cut(self) -> None:
        decoded = decode_escpos(escpos_raster_job(render_thermal(make_payment()), cut=False))
        assert not decoded.cut
        assert decoded.feed_after_dots > 0


def native_job(width_mm: int, profile: str = NATIVE) -> tuple[bytes, Image.Image]:
    """The native-code job for the short receipt and the preview it should print."""
    layout = thermal_layout(make_doc(), width_mm=width_mm, native=native_codes(profile))
    return escpos_receipt_job(layout, profile=profile), layout.image()


def first_different_row(a: Image.Image, b: Image.Image) -> int:
    for y in range(min(a.height, b.height)):
        row = (0, y, a.width, y + 1)
        if ImageChops.difference(a.crop(row).convert("L"), b.crop(row).convert("L")).getbbox():
            return y
    return min(a.height, b.height)


class TestNativeCodes:
    def test_what_profiles_draw_themselves(self) -> None:
        assert native_codes(NATIVE) == NativeCodes(code128=True, qr=True)
        assert native_codes(RASTER_ONLY) == NativeCodes()
        assert native_codes(BARCODE_ONLY) == NativeCodes(code128=True, qr=False)

    @pytest.mark.parametrize("width_mm", [80, 58])
    def test_short_receipt_within_the_budget(self, width_mm: int) -> None:
        job, _preview = native_job(width_mm)
        assert len(job) <= JOB_TARGET_BYTES
        assert len(job) < len(escpos_raster_job(render_thermal(make_doc(), width_mm=width_mm)))

    def test_code128_and_qr_are_printer_commands_with_the_dossier_code(self) -> None:
        job, preview = native_job(80)
        decoded = decode_escpos(job, width=preview.width)
        assert [(c.kind, c.text) for c in decoded.native] == [("Code128", CODE), ("QRCode", CODE)]
        assert f"GS k CODE128 {CODE}" in decoded.commands
        assert f"GS ( k QR store {CODE}" in decoded.commands
        code128, qr = decoded.native
        assert code128.data[:2] in (b"{A", b"{B", b"{C")  # GS k 73 data opens with a code set
        assert code128.module == 2 and code128.width == preview.width  # 288 modules, 576 dots
        assert round(code128.height / DOTS_PER_MM, 1) == 6.5
        assert qr.error == "M" and qr.module == 4  # 0.5 mm modules, as the raster QR
        assert decoded.raster_bytes < len(job) < JOB_TARGET_BYTES

    def test_on_58_mm_the_code128_stays_raster(self) -> None:
        # 288 modules fit 384 dots only at 1 dot a module; GS w takes 2–6.
        job, preview = native_job(58)
        decoded = decode_escpos(job, width=preview.width)
        assert [(c.kind, c.text) for c in decoded.native] == [("QRCode", CODE)]
        assert not any(c.startswith("GS k") for c in decoded.commands)

    @pytest.mark.parametrize("width_mm", [80, 58])
    def test_paper_is_the_preview_and_both_codes_scan(self, width_mm: int) -> None:
        job, preview = native_job(width_mm)
        decoded = decode_escpos(job, width=preview.width)
        assert same_pixels(decoded.image, preview)
        assert codes(decoded.image) == [("Code128", CODE), ("QRCode", CODE)]
        native = native_codes(NATIVE)
        assert same_pixels(preview, render_thermal(make_doc(), width_mm=width_mm, native=native))
        assert decoded.initialised_first and decoded.cut and decoded.feed_after_dots > 0

    @pytest.mark.parametrize("width_mm", [80, 58])
    def test_vietnamese_text_is_the_raster_receipts_text(self, width_mm: int) -> None:
        # Down to below the Code128 (centre name, title, code, bars) both layouts print the same
        # dots; then the raster one puts the QR code beside the facts, the native one under them.
        job, preview = native_job(width_mm)
        printed = decode_escpos(job, width=preview.width).image
        raster = render_thermal(make_doc(), width_mm=width_mm)
        same_rows = first_different_row(printed, raster)
        top = printed.crop((0, 0, printed.width, same_rows))
        assert codes(top) == [("Code128", CODE)]
        assert top.height > 15 * DOTS_PER_MM

    def test_facts_at_full_width_and_qr_under_them(self) -> None:
        layout = thermal_layout(make_doc(), native=native_codes(NATIVE))
        kinds = [type(part) for part in layout.parts]
        assert kinds == [RasterBand, NativeCode128, RasterBand, NativeQr, RasterBand]
        assert layout.height == layout.image().height < 70 * DOTS_PER_MM

    def test_long_text_with_native_codes(self) -> None:
        long_name = ("Nguyễn Thị Ánh Tuyết " * 20)[:300]
        doc = make_doc(applicant=replace(APPLICANT, name=long_name), procedure_name=long_name)
        for width_mm in (80, 58):
            layout = thermal_layout(doc, width_mm=width_mm, native=native_codes(NATIVE))
            decoded = decode_escpos(escpos_receipt_job(layout), width=layout.width)
            assert same_pixels(decoded.image, layout.image())
            assert codes(decoded.image) == [("Code128", CODE), ("QRCode", CODE)]


class TestRasterFallback:
    def test_profile_without_codes_gets_the_raster_job(self) -> None:
        layout = thermal_layout(make_doc(), width_mm=58, native=native_codes(RASTER_ONLY))
        assert [type(part) for part in layout.parts] == [RasterBand]
        image = render_thermal(make_doc(), width_mm=58)
        job = escpos_receipt_job(layout, profile=RASTER_ONLY)
        assert job == escpos_raster_job(image, profile=RASTER_ONLY)
        decoded = decode_escpos(job, width=image.width)
        assert not decoded.native
        assert same_pixels(decoded.image, image)
        assert codes(decoded.image) == [("Code128", CODE), ("QRCode", CODE)]
        assert not decoded.cut  # (this printer has no cutter: python-escpos only feeds)

    def test_native_layout_on_a_printer_without_codes_prints_them_as_raster(self) -> None:
        layout = thermal_layout(make_doc(), width_mm=58, native=native_codes(NATIVE))
        decoded = decode_escpos(escpos_receipt_job(layout, profile=RASTER_ONLY), width=384)
        assert not decoded.native
        assert same_pixels(decoded.image, layout.image())
        assert codes(decoded.image) == [("Code128", CODE), ("QRCode", CODE)]

    def test_code128_native_and_qr_raster(self) -> None:
        layout = thermal_layout(make_doc(), native=native_codes(BARCODE_ONLY))
        job = escpos_receipt_job(layout, profile=BARCODE_ONLY)
        decoded = decode_escpos(job, width=layout.width)
        assert [(c.kind, c.text) for c in decoded.native] == [("Code128", CODE)]
        assert same_pixels(decoded.image, layout.image())
        assert codes(decoded.image) == [("Code128", CODE), ("QRCode", CODE)]
        # the QR code stays beside the facts, as on the all-raster receipt
        raster = render_thermal(make_doc())
        assert same_pixels(layout.image(), raster)

    def test_payment_receipt_has_no_codes(self) -> None:
        layout = thermal_layout(make_payment(), native=native_codes(NATIVE))
        assert [type(part) for part in layout.parts] == [RasterBand]
        image = render_thermal(make_payment())
        assert escpos_receipt_job(layout) == escpos_raster_job(image)
