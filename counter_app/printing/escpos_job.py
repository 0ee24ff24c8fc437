"""ESC/POS job bytes for a receipt: initialise, GS v 0 raster bands (and native codes), feed, cut."""

# What python-escpos 3.1 emits, checked with ``escpos.printer.Dummy``:
#
# - ``image(img, impl="bitImageRaster")`` → ``GS v 0 m xL xH yL yH`` + rows of ``xL + 256·xH``
#   bytes, most significant bit leftmost, 1 = printed dot (it inverts the image itself);
#   ``m = 0`` (normal density). Images taller than ``fragment_height`` (960) are split into
#   several such commands.
# - ``cut()`` → ``ESC d 6`` (print and feed six lines) then ``GS V 0`` (full cut).
# - It never sends ``ESC @`` by itself, so the job starts with ``hw("INIT")``.
# - With the "default" profile, ``image()`` prints a warning to stdout about the unknown paper
#   width, so jobs are built with a profile whose width is known.
#
# - ``_hw_barcode(code, "CODE128", height, width, pos="OFF", align_ct=True, function_type="B")``
#   → ``ESC a 1``, ``GS h height``, ``GS w width`` (2–6, checked), ``GS f 0``, ``GS H 0``, then
#   ``GS k 73 n d1…dn``: ``n`` bytes of data that must start with a code set (``{A``/``{B``/
#   ``{C``, checked by ``check_barcode``); the printer adds the check character and stop bars.
#   ``barcode()`` ends there too, after printing "Using hardware barcode renderer" to stdout.
# - ``qr(content, ec=QR_ECLEVEL_M, size=s, native=True)`` → ``GS ( k`` with ``cn = 49``:
#   ``fn 65`` model 2, ``fn 67`` size ``s``, ``fn 69`` error level, ``fn 80 m=48`` the data,
#   ``fn 81 m=48`` print. ``center=True`` is refused for native codes, so the job sends
#   ``ESC a 1`` itself, and ``ESC a 0`` after each native code (``ESC a`` also moves raster
#   images on Epson printers; the bands must stay at the left).
#
# To keep jobs small (a serial printer at 9600 baud moves about 1 KB a second), the image is
# sent in bands: runs of blank rows become ``ESC J n`` (feed n dots) instead of rows of zero
# bytes, and each band is only as wide as its rightmost dot. The printer puts the bands under
# each other exactly as in the image. A band whose rows come in identical pairs (the bars of a
# raster Code128) is sent at half height with ``GS v 0`` mode 2 (double height, in the command
# since the TM-T88II; python-escpos only sends mode 0): the printer prints each row twice.

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from barcode import Code128
from escpos.capabilities import get_profile
from escpos.constants import QR_ECLEVEL_M, QR_MODEL_2, TXT_STYLE
from escpos.printer import Dummy
from PIL import Image, ImageChops

from counter_app.printing.raster import (
    NativeCode128,
    NativeCodes,
    NativeQr,
    RasterBand,
    ThermalLayout,
)

ESC = b"\x1b"
FEED_DOTS = ESC + b"J"  # ESC J n: print the buffer and feed n dots (n ≤ 255)
DEFAULT_PROFILE = "TM-T20II"  # 80 mm, 576 dots at 203 dpi; any 58 mm image fits as well
# Split at every blank run: a band costs 11 bytes, a blank row up to 72; joins fall on white.
MIN_GAP_ROWS = 1
GS_V_0 = b"\x1dv0"
ALIGN_CENTRE = ESC + b"a\x01"  # ESC a 1: centre what follows (raster images included, TM-T20II manual)
ALIGN_LEFT = ESC + b"a\x00"
DOUBLE_HEIGHT = 2  # GS v 0 m: 0 normal, 1 double width, 2 double height, 3 both
PAIRED_ROWS_MIN = 16  # shorter bands are sent as they are (it saves too little to bother)


@dataclass(frozen=True, slots=True)
class Band:
    """A run of rows sent as one raster image: first row and height, width in whole bytes."""

    top: int
    height: int
    width: int


def bands(image: Image.Image, *, min_gap: int = MIN_GAP_ROWS) -> list[Band]:
    """Split ``image`` (mode "1", 0 = dot) into bands of inked rows separated by blank runs."""
    image = image.convert("1")
    stride = (image.width + 7) // 8
    packed = image.tobytes()  # rows of ``stride`` bytes, bit set = paper
    paper = 0xFF
    inked: list[int] = []  # per row: bytes up to and including the rightmost dot (0 = blank)
    for y in range(image.height):
        row = packed[y * stride : (y + 1) * stride]
        # the padding bits after the last column of a row are 0: treat them as paper
        if image.width % 8:
            row = row[:-1] + bytes((row[-1] | (0xFF >> (image.width % 8)),))
        inked.append(len(row.rstrip(bytes((paper,)))))
    result: list[Band] = []
    y = 0
    while y < image.height:
        if not inked[y]:
            y += 1
            continue
        top, widest = y, 0
        while y < image.height and inked[y]:
            widest = max(widest, inked[y])
            y += 1
        if result and top - (result[-1].top + result[-1].height) < min_gap:
            last = result.pop()
            top, widest = last.top, max(widest, last.width // 8)
        result.append(Band(top, y - top, min(image.width, widest * 8)))
    return result


def escpos_raster_job(
    image: Image.Image, *, profile: str = DEFAULT_PROFILE, cut: bool = True
) -> bytes:
    """The bytes to send to an ESC/POS printer to print ``image`` (mode "1", 0 = dot) and cut.

    ``ESC @``, then for each band ``ESC J n`` for the blank rows above it and ``GS v 0`` with
    its rows, then python-escpos's ``ESC d 6`` + ``GS V 0`` (or just the feed if ``cut`` is off).
    """
    printer = Dummy(profile=profile)
    printer.hw("INIT")
    _raster(printer, image.convert("1"), feed_under=False)
    _finish(printer, cut=cut)
    return bytes(printer.output)


@lru_cache(maxsize=64)
def native_codes(profile: str = DEFAULT_PROFILE) -> NativeCodes:
    """Which codes the printer of ``profile`` (python-escpos capabilities) draws itself.

    ``barcodeB``: ``GS k`` function B, the only one with Code128; ``qrCode``: ``GS ( k`` QR.
    """
    capabilities = get_profile(profile)
    return NativeCodes(
        code128=bool(capabilities.supports("barcodeB")),
        qr=bool(capabilities.supports("qrCode")),
    )


def escpos_receipt_job(
    layout: ThermalLayout, *, profile: str = DEFAULT_PROFILE, cut: bool = True
) -> bytes:
    """The bytes that print ``layout`` part after part: raster bands as in
    :func:`escpos_raster_job`, native codes with the printer's own commands.

    A native part the profile cannot draw is sent as raster (the rows it would print), so any
    layout prints on any profile; make the layout with ``native=native_codes(profile)`` to get
    the smallest job.
    """
    printer = Dummy(profile=profile)
    supported = native_codes(profile)
    printer.hw("INIT")
    last = len(layout.parts) - 1
    for index, part in enumerate(layout.parts):
        if isinstance(part, NativeCode128) and supported.code128:
            _code128(printer, part)
        elif isinstance(part, NativeQr) and supported.qr:
            _qr(printer, part)
        elif isinstance(part, RasterBand) and part.centred:
            _centred_raster(printer, part.image.convert("1"), double=part.double)
        else:
            image = part.image if isinstance(part, RasterBand) else part.render(layout.width)
            _raster(printer, image.convert("1"), feed_under=index < last)
    _finish(printer, cut=cut)
    return bytes(printer.output)


def code128_escpos_data(data: str) -> str:
    """``data`` as ``GS k 73`` data: python-barcode's code values, code set by code set.

    ``{A``/``{B``/``{C`` start or switch a code set; in set C each byte is a value 0–99 (two
    digits); ``{`` itself is sent as ``{{``. The printer then draws the bars python-barcode
    draws: a 25-character dossier code is 288 modules this way, 310 all in set B (too wide
    for 80 mm paper at 2 dots a module).
    """
    values = Code128(data)._build()  # start code, then values and code set switches
    switch = {99: "C", 100: "B", 101: "A"}
    charset = {103: "A", 104: "B", 105: "C"}[values[0]]
    out = ["{" + charset]
    for value in values[1:]:
        if charset == "C":
            if value < 100:
                out.append(chr(value))
                continue
        elif value < 96:
            char = chr(value + 32) if charset == "B" or value < 64 else chr(value - 64)
            out.append("{{" if char == "{" else char)
            continue
        if value not in switch or switch[value] == charset:
            raise ValueError(f"Code128 value {value} in set {charset} has no ESC/POS form")
        charset = switch[value]
        out.append("{" + charset)
    return "".join(out)


def _code128(printer: Dummy, part: NativeCode128) -> None:
    # _hw_barcode is what barcode() calls once it has chosen the printer's renderer; calling it
    # directly skips barcode()'s print() to stdout (the profile was checked in native_codes).
    printer._hw_barcode(
        code128_escpos_data(part.data),
        "CODE128",
        height=part.height_px,
        width=part.module_px,
        pos="OFF",  # the code is printed above the bars, large, as raster text
        align_ct=True,
        function_type="B",
    )
    printer._raw(TXT_STYLE["align"]["left"])


def _qr(printer: Dummy, part: NativeQr) -> None:
    printer._raw(TXT_STYLE["align"]["center"])
    printer.qr(part.data, ec=QR_ECLEVEL_M, size=part.module_px, model=QR_MODEL_2, native=True)
    printer._raw(TXT_STYLE["align"]["left"])


def _raster(printer: Dummy, image: Image.Image, *, feed_under: bool) -> None:
    """``image`` as bands and feeds; ``feed_under`` also feeds its blank rows under the last dot."""
    y = 0
    for band in bands(image):
        _feed(printer, band.top - y)
        rows = image.crop((0, band.top, band.width, band.top + band.height))
        if not _double_height(printer, rows):
            printer.image(rows, impl="bitImageRaster")
        y = band.top + band.height
    if feed_under:
        _feed(printer, image.height - y)


def _centred_raster(printer: Dummy, image: Image.Image, *, double: bool) -> None:
    """A line only as wide as its ink, centred by the printer (``ESC a 1``), sent whole across
    (trimming its width would move it); blank rows above and under the ink become paper feed.
    ``double`` sends it at half size for ``GS v 0`` mode 3 (2× wide and high).
    """
    factor = 2 if double else 1
    ink = ImageChops.invert(image.convert("L")).getbbox()
    if ink is None:
        _feed(printer, image.height * factor)  # a blank line is just paper feed
        return
    top, bottom = ink[1], ink[3]
    rows = image.crop((0, top, image.width, bottom))
    stride = rows.width // 8
    _feed(printer, top * factor)
    printer._raw(ALIGN_CENTRE)
    head = bytes((3 if double else 0, stride % 256, stride // 256, rows.height % 256, rows.height // 256))
    printer._raw(GS_V_0 + head + rows.tobytes("raw", "1;I"))
    printer._raw(ALIGN_LEFT)
    _feed(printer, (image.height - bottom) * factor)


def _double_height(printer: Dummy, rows: Image.Image) -> bool:
    """Send ``rows`` as every other row at double height, if that prints the same dots."""
    if rows.height < PAIRED_ROWS_MIN or rows.height % 2 or rows.width % 8:
        return False
    stride = rows.width // 8
    data = rows.tobytes("raw", "1;I")  # MSB first, 1 = dot: GS v 0 data
    lines = [data[y * stride : (y + 1) * stride] for y in range(rows.height)]
    if lines[0::2] != lines[1::2]:
        return False
    half = rows.height // 2
    head = bytes((DOUBLE_HEIGHT, stride % 256, stride // 256, half % 256, half // 256))
    printer._raw(GS_V_0 + head + b"".join(lines[0::2]))
    return True


def _finish(printer: Dummy, *, cut: bool) -> None:
    if cut:
        printer.cut()
    else:
        printer.print_and_feed(6)


def _feed(printer: Dummy, dots: int) -> None:
    while dots > 0:
        step = min(dots, 255)
        printer._raw(FEED_DOTS + bytes((step,)))
        dots -= step
