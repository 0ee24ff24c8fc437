"""ESC/POS jobs and the test decoder agree byte for byte and pixel for pixel."""

from __future__ import annotations

import random

import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageDraw

from counter_app.printing.codes import code128_modules
from counter_app.printing.escpos_job import (
    bands,
    code128_escpos_data,
    escpos_raster_job,
    escpos_receipt_job,
)
from counter_app.printing.raster import NativeCode128, NativeQr, RasterBand, ThermalLayout
from tests.escpos_decoder import EscPosDecodeError, _code128, decode_escpos

CODE = "000.00.06.H56-231027-0361"


def noise(width: int, height: int, seed: int = 7) -> Image.Image:
    rng = random.Random(seed)
    data = bytes(rng.choice((0, 255)) for _ in range(width * height))
    return Image.frombytes("L", (width, height), data).convert("1")


def same(a: Image.Image, b: Image.Image) -> bool:
    return (
        a.size == b.size and ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None
    )


def test_what_python_escpos_emits_for_a_tiny_image() -> None:
    image = Image.new("1", (16, 2), 1)
    ImageDraw.Draw(image).rectangle((0, 0, 3, 1), fill=0)  # 4 dots at the left of both rows
    job = escpos_raster_job(image)
    assert job == (
        b"\x1b@"  # ESC @ initialise
        + b"\x1dv0\x00\x01\x00\x02\x00"  # GS v 0, normal density, 1 byte wide (cropped), 2 rows
        + b"\xf0\xf0"  # MSB first, 1 = dot
        + b"\x1bd\x06"  # ESC d 6: print and feed six lines (python-escpos cut())
        + b"\x1dV\x00"  # GS V 0: full cut
    )


def test_noise_survives_the_round_trip() -> None:
    image = noise(576, 200)
    assert same(decode_escpos(escpos_raster_job(image), width=576).image, image)


def test_images_taller_than_one_fragment() -> None:
    image = noise(64, 2100, seed=3)  # python-escpos splits at 960 rows
    decoded = decode_escpos(escpos_raster_job(image), width=64)
    assert same(decoded.image, image)
    assert sum(c.startswith("GS v 0") for c in decoded.commands) >= 3


def test_blank_runs_become_feeds_even_longer_than_255_dots() -> None:
    image = Image.new("1", (384, 700), 1)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 0, 40, 9), fill=0)
    draw.rectangle((0, 600, 383, 699), fill=0)
    job = escpos_raster_job(image)
    decoded = decode_escpos(job, width=384)
    assert same(decoded.image, image)
    assert [c for c in decoded.commands if c.startswith("ESC J")] == [
        "ESC J 255",
        "ESC J 255",
        "ESC J 80",
    ]
    # the first band is only 6 bytes wide; the second is 100 equal rows: 50 sent, double height
    assert decoded.raster_bytes == 10 * 6 + 50 * 48
    assert "GS v 0 48x50 double height" in decoded.commands
    assert [(b.top, b.height, b.width) for b in bands(image)] == [(0, 10, 48), (600, 100, 384)]


def test_width_not_a_multiple_of_eight() -> None:
    image = noise(100, 30)
    assert same(decode_escpos(escpos_raster_job(image), width=100).image, image)


def test_blank_image_is_just_init_feed_and_cut() -> None:
    decoded = decode_escpos(escpos_raster_job(Image.new("1", (576, 40), 1)))
    assert decoded.commands[0] == "ESC @"
    assert not any(c.startswith("GS v 0") for c in decoded.commands)
    assert decoded.cut


def test_decoder_rejects_what_it_does_not_know() -> None:
    with pytest.raises(EscPosDecodeError, match="offset 2"):
        decode_escpos(b"\x1b@Hello")
    with pytest.raises(EscPosDecodeError, match="cut short"):
        decode_escpos(b"\x1b@\x1dv0\x00\x02\x00\x04\x00\xff")
    with pytest.raises(EscPosDecodeError, match="after the cut"):
        decode_escpos(b"\x1dV\x00\x1b@")


def test_decoder_reads_line_feeds_and_escpos_feeds() -> None:
    job = (
        b"\x1b@"
        + b"\x1dv0\x00\x01\x00\x01\x00\x80"
        + b"\n"
        + b"\x1bd\x02"
        + b"\x1dv0\x00\x01\x00\x01\x00\x01"
    )
    decoded = decode_escpos(job, line_dots=30)
    assert decoded.image.size == (8, 1 + 30 + 60 + 1)
    assert decoded.image.getpixel((0, 0)) == 0
    assert decoded.image.getpixel((7, 91)) == 0
    assert decoded.commands == ["ESC @", "GS v 0 1x1", "LF", "ESC d 2", "GS v 0 1x1"]


def test_rows_in_pairs_go_at_double_height() -> None:
    image = Image.new("1", (64, 40), 1)
    ImageDraw.Draw(image).rectangle((0, 0, 9, 39), fill=0)
    decoded = decode_escpos(escpos_raster_job(image), width=64)
    assert decoded.commands[1] == "GS v 0 2x20 double height"
    assert decoded.raster_bytes == 2 * 20
    assert same(decoded.image, image)
    odd = image.crop((0, 0, 64, 39))  # an odd number of rows is sent as it is
    assert decode_escpos(escpos_raster_job(odd), width=64).commands[1] == "GS v 0 2x39"


def blank(width: int, height: int) -> RasterBand:
    return RasterBand(Image.new("1", (width, height), 1))


def test_what_python_escpos_emits_for_native_codes() -> None:
    layout = ThermalLayout(576, 203, (NativeCode128("AB", 2, 10), NativeQr("A", 3)))
    assert escpos_receipt_job(layout) == (
        b"\x1b@"
        + b"\x1ba\x01"  # ESC a 1: centre
        + b"\x1dh\x0a"  # GS h 10: bars 10 dots high
        + b"\x1dw\x02"  # GS w 2: 2 dots a module
        + b"\x1df\x00"  # GS f 0: HRI font A
        + b"\x1dH\x00"  # GS H 0: no HRI characters
        + b"\x1dkI\x04{BAB"  # GS k 73 n: CODE128, 4 bytes, code set B
        + b"\x1ba\x00"  # ESC a 0: back to the left
        + b"\x1ba\x01"
        + b"\x1d(k\x04\x001A2\x00"  # QR: model 2
        + b"\x1d(k\x03\x001C\x03"  # QR: 3 dots a module
        + b"\x1d(k\x03\x001E1"  # QR: error correction M
        + b"\x1d(k\x04\x001P0A"  # QR: store "A"
        + b"\x1d(k\x03\x001Q0"  # QR: print
        + b"\x1ba\x00"
        + b"\x1bd\x06\x1dV\x00"
    )


def test_code128_data_is_python_barcodes_code_values() -> None:
    data = code128_escpos_data(CODE)
    # set C for "00", "231027" and "0361"; set B for the rest
    assert data == "{C\x00{B0.00.06.H56-{C\x17\x0a\x1b{B-{C\x03\x3d"
    text, modules = _code128(data.encode("ascii"))
    assert text == CODE
    assert modules == code128_modules(CODE)  # the printer draws python-barcode's bars


@pytest.mark.parametrize("value", ["{ab}1234", "A12345", "12345", "x", "ab0123456789cd"])
def test_code128_data_round_trips(value: str) -> None:
    text, modules = _code128(code128_escpos_data(value).encode("ascii"))
    assert (text, modules) == (value, code128_modules(value))


def test_native_codes_are_drawn_back_and_scan() -> None:
    layout = ThermalLayout(
        384,
        203,
        (
            blank(384, 20),
            NativeCode128("AB-12345", 2, 48),
            blank(384, 24),
            NativeQr(CODE, 4),
            blank(384, 20),
        ),
    )
    decoded = decode_escpos(escpos_receipt_job(layout), width=384)
    assert [(c.kind, c.text, c.y) for c in decoded.native] == [
        ("Code128", "AB-12345", 20),
        ("QRCode", CODE, 20 + 48 + 24),
    ]
    # the blank rows of the last part are not fed: the paper ends at the QR code's last row
    assert same(decoded.image, layout.image().crop((0, 0, 384, 192)))
    paper = Image.new("1", (384, 212), 1)  # (a quiet zone under the QR code, for the scanner)
    paper.paste(decoded.image, (0, 0))
    found = sorted((b.format.name, b.text) for b in zxingcpp.read_barcodes(paper))
    assert found == [("Code128", "AB-12345"), ("QRCode", CODE)]


def test_justification_moves_bands() -> None:
    dot = b"\x1dv0\x00\x01\x00\x01\x00\x80"
    decoded = decode_escpos(
        b"\x1b@\x1ba\x01" + dot + b"\x1ba\x02" + dot + b"\x1ba\x00" + dot, width=64
    )
    assert [decoded.image.getpixel((x, y)) for x, y in ((28, 0), (56, 1), (0, 2))] == [0, 0, 0]


def test_decoder_rejects_codes_it_cannot_draw() -> None:
    code128 = b"\x1dkI\x04{BAB"
    with pytest.raises(EscPosDecodeError, match="HRI"):
        decode_escpos(b"\x1b@\x1dH\x02" + code128)
    with pytest.raises(EscPosDecodeError, match="does not fit"):
        decode_escpos(b"\x1b@\x1dw\x06" + code128, width=64)
    with pytest.raises(EscPosDecodeError, match="code set"):
        decode_escpos(b"\x1b@\x1dkI\x02AB")
    with pytest.raises(EscPosDecodeError, match="only CODE128"):
        decode_escpos(b"\x1b@\x1dk\x04AB\x00")
    with pytest.raises(EscPosDecodeError, match="no data"):
        decode_escpos(b"\x1b@\x1d(k\x03\x001Q0")
    with pytest.raises(EscPosDecodeError, match="cut short"):
        decode_escpos(b"\x1b@\x1dkI\x09{BAB")
