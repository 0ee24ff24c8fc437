"""ESC/POS raster jobs and the test decoder agree byte for byte and pixel for pixel."""

from __future__ import annotations

import random

import pytest
from PIL import Image, ImageChops, ImageDraw

from counter_app.printing.escpos_job import bands, escpos_raster_job
from tests.escpos_decoder import EscPosDecodeError, decode_escpos


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
    assert decoded.raster_bytes == 10 * 6 + 100 * 48  # first band is only 6 bytes wide
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
