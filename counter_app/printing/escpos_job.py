"""ESC/POS job bytes for a 1-bit receipt image: initialise, GS v 0 raster bands, feed, cut."""

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
# To keep jobs small (a serial printer at 9600 baud moves about 1 KB a second), the image is
# sent in bands: runs of blank rows become ``ESC J n`` (feed n dots) instead of rows of zero
# bytes, and each band is only as wide as its rightmost dot. The printer puts the bands under
# each other exactly as in the image.

from __future__ import annotations

from dataclasses import dataclass

from escpos.printer import Dummy
from PIL import Image

ESC = b"\x1b"
FEED_DOTS = ESC + b"J"  # ESC J n: print the buffer and feed n dots (n ≤ 255)
DEFAULT_PROFILE = "TM-T20II"  # 80 mm, 576 dots at 203 dpi; any 58 mm image fits as well
# Split at every blank run: a band costs 11 bytes, a blank row up to 72; joins fall on white.
MIN_GAP_ROWS = 1


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
    image = image.convert("1")
    printer = Dummy(profile=profile)
    printer.hw("INIT")
    y = 0
    for band in bands(image):
        _feed(printer, band.top - y)
        rows = image.crop((0, band.top, band.width, band.top + band.height))
        printer.image(rows, impl="bitImageRaster")
        y = band.top + band.height
    if cut:
        printer.cut()
    else:
        printer.print_and_feed(6)
    return bytes(printer.output)


def _feed(printer: Dummy, dots: int) -> None:
    while dots > 0:
        step = min(dots, 255)
        printer._raw(FEED_DOTS + bytes((step,)))
        dots -= step
