"""Code128 barcodes and QR codes as crisp pixel images, for PDF forms and thermal receipts alike."""

from __future__ import annotations

from functools import lru_cache

import segno
from barcode import Code128
from PIL import Image

QUIET_MODULES_128 = 10  # ISO/IEC 15417: a quiet zone of at least 10 modules on each side
QUIET_MODULES_QR = 4  # ISO/IEC 18004: four modules all round


class UnprintableCodeError(ValueError):
    """A code that cannot go into a barcode: empty, or not printable ASCII."""


def _check(data: str) -> str:
    if not data or not data.isascii() or not data.isprintable():
        raise UnprintableCodeError(f"cannot encode {data!r} as a barcode: printable ASCII only")
    return data


@lru_cache(maxsize=512)
def code128_modules(data: str) -> str:
    """The bars of ``data`` as a string of ``1`` (bar) and ``0`` (space), one per module.

    python-barcode picks code set C for runs of digits, so dossier codes stay short.
    """
    (modules,) = Code128(_check(data)).build()
    return str(modules)


def code128_image(
    data: str, *, module_px: int = 1, height_px: int = 24, quiet_modules: int = QUIET_MODULES_128
) -> Image.Image:
    """Code128 of ``data`` as a greyscale image (``L``, 0 = bar), ``module_px`` pixels a module."""
    modules = "0" * quiet_modules + code128_modules(data) + "0" * quiet_modules
    row = bytes(0 if m == "1" else 255 for m in modules for _ in range(module_px))
    line = Image.frombytes("L", (len(row), 1), row)
    return line.resize((len(row), height_px), Image.Resampling.NEAREST)


@lru_cache(maxsize=512)
def _qr_matrix(data: str) -> tuple[bytes, int]:
    """Dark modules of a regular (never Micro) QR code at error level M, row by row."""
    qr = segno.make_qr(_check(data), error="m")
    size = len(qr.matrix)
    return b"".join(bytes(0 if dark else 255 for dark in row) for row in qr.matrix), size


def qr_image(
    data: str, *, module_px: int = 4, border_modules: int = QUIET_MODULES_QR
) -> Image.Image:
    """QR code of ``data`` (byte-for-byte the ASCII text) as an ``L`` image, 0 = dark module."""
    pixels, size = _qr_matrix(data)
    core = Image.frombytes("L", (size, size), pixels)
    side = (size + 2 * border_modules) * module_px
    image = Image.new("L", (side, side), 255)
    offset = border_modules * module_px
    image.paste(
        core.resize((size * module_px, size * module_px), Image.Resampling.NEAREST),
        (offset, offset),
    )
    return image


def qr_modules(data: str) -> int:
    """Modules along one side of the QR code of ``data`` (without the quiet zone)."""
    return _qr_matrix(data)[1]
