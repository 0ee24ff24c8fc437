"""The test receipt of the Devices screen and ``counter devices test``: Vietnamese text and a QR.

Its text shows that the printer prints every Vietnamese letter the documents use (the raster
text is drawn with the bundled font, so a printer without a Vietnamese code page prints it too)
and its QR is native where the profile draws QR codes (``GS ( k``), so it shows both paths.
"""

from __future__ import annotations

from datetime import datetime

from PIL import Image, ImageDraw

from counter_app.printing.escpos_job import DEFAULT_PROFILE, escpos_receipt_job, native_codes
from counter_app.printing.raster import NativeQr, RasterBand, ThermalLayout, printable_width_px
from counter_app.printing.ticket import _font, _wrap
from counter_app.services.formatting import format_date, format_time
from counter_app.services.i18n import _, language_scope

# Every tone mark on every vowel, đ/Đ, ơ/ư: what a wrong code page or font would garble.
VIETNAMESE_SAMPLE = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Độc lập - Tự do - Hạnh phúc",
    "à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ",
    "è é ẻ ẽ ẹ ê ề ế ể ễ ệ ì í ỉ ĩ ị",
    "ò ó ỏ õ ọ ô ồ ố ổ ỗ ộ ơ ờ ớ ở ỡ ợ",
    "ù ú ủ ũ ụ ư ừ ứ ử ữ ự ỳ ý ỷ ỹ ỵ đ Đ",
)
MARGIN = 8


def _band(text: str, size: int, width: int, *, bold: bool = False) -> list[RasterBand]:
    font = _font(size, bold)
    draw = ImageDraw.Draw(Image.new("L", (1, 1)))
    bands = []
    for line in _wrap(draw, text, font, width - 2 * MARGIN):
        left, top, right, bottom = font.getbbox(line or " ")
        image = Image.new("L", (width, bottom - top + 6), 255)
        ImageDraw.Draw(image).text(((width - (right - left)) // 2 - left, -top), line, font=font, fill=0)
        bands.append(RasterBand(image.point(lambda v: 255 if v > 127 else 0).convert("1")))
    return bands


def test_receipt_layout(*, printed_at: datetime, device: str, width_mm: int = 80, dpi: int = 203,
                        native_qr: bool = True) -> ThermalLayout:
    """Title, the device, the time, the Vietnamese sample lines, a QR of the device and the time."""
    width = printable_width_px(width_mm, dpi)
    scale = width / 576
    with language_scope("vi"):  # printed paper is Vietnamese, whatever language the screens use
        parts: list[RasterBand | NativeQr] = []
        parts += _band(_("TEST PRINT"), int(34 * scale), width, bold=True)
        parts += _band(device, int(20 * scale), width)
        parts += _band(_("Printed at {time}, {date}").format(time=format_time(printed_at),
                                                             date=format_date(printed_at.date())), int(20 * scale), width)
        for line in VIETNAMESE_SAMPLE:
            parts += _band(line, int(22 * scale), width)
        qr = f"TEST:{device}:{printed_at:%Y-%m-%d %H:%M}"
        if native_qr:
            parts.append(NativeQr(qr, module_px=max(3, int(5 * scale))))
        else:
            image = NativeQr(qr, module_px=max(3, int(5 * scale))).render(width)
            parts.append(RasterBand(image))
        parts += _band(_("If the letters and the QR code are clear, the printer is ready."), int(18 * scale), width)
    return ThermalLayout(width, dpi, tuple(parts))


def test_receipt_job(profile: str | None, *, printed_at: datetime, device: str) -> bytes:
    """ESC/POS bytes of the test receipt for a printer of ``profile`` (None or unknown: the default
    profile, all raster, as an unknown model's jobs are)."""
    known = profile is not None and _raster_profile(profile)
    chosen = profile if known and profile else DEFAULT_PROFILE
    width_mm = 80 if _paper_pixels(chosen) >= 512 else 58
    layout = test_receipt_layout(printed_at=printed_at, device=device, width_mm=width_mm,
                                 native_qr=known and native_codes(chosen).qr)
    return escpos_receipt_job(layout, profile=chosen)


def _raster_profile(name: str) -> bool:
    from escpos.capabilities import get_profile

    try:
        return bool(get_profile(name).supports("bitImageRaster"))
    except Exception:  # an unknown name
        return False


def _paper_pixels(profile: str) -> int:
    from escpos.capabilities import get_profile

    return int(get_profile(profile).profile_data.get("media", {}).get("width", {}).get("pixels") or 576)


test_receipt_layout.__test__ = False  # type: ignore[attr-defined]
test_receipt_job.__test__ = False  # type: ignore[attr-defined]
