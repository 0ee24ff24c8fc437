"""A small ESC/POS decoder for tests: turns a raster print job back into the image it prints."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

ESC, GS, LF = 0x1B, 0x1D, 0x0A


class EscPosDecodeError(ValueError):
    """The bytes are not a job this decoder understands; the message gives the offset."""


@dataclass
class DecodedJob:
    """What a printer would do with the job: the paper it prints, and the commands in order."""

    image: Image.Image  # mode "1", 0 = printed dot, from the start of the job to the last dot
    commands: list[str] = field(default_factory=list)
    initialised_first: bool = False  # ESC @ before anything else
    cut: bool = False
    feed_after_dots: int = 0  # paper fed after the last printed row, before the cut
    raster_bytes: int = 0  # bytes of GS v 0 image data (headers excluded)


@dataclass
class _Band:
    y: int
    width_bytes: int
    height: int
    data: bytes


def decode_escpos(job: bytes, *, width: int | None = None, line_dots: int = 30) -> DecodedJob:
    """Decode ``ESC @``, ``ESC J n``, ``ESC d n``, ``LF``, ``ESC a n``, ``GS v 0`` and ``GS V``.

    Bands are put under each other where the feeds leave the paper; ``width`` pads the image to
    the paper's printable width (default: the widest band). ``line_dots`` is the line spacing a
    line feed moves (ESC 2 default; only matters for feeds between images).
    """
    commands: list[str] = []
    bands: list[_Band] = []
    y = 0
    i = 0
    cut = False
    initialised_first = False
    raster_bytes = 0

    def need(count: int) -> bytes:
        if i + count > len(job):
            raise EscPosDecodeError(f"command at offset {i} is cut short")
        return job[i : i + count]

    while i < len(job):
        byte = job[i]
        if cut:
            raise EscPosDecodeError(f"data after the cut at offset {i}")
        if byte == LF:
            commands.append("LF")
            y += line_dots
            i += 1
        elif byte == ESC:
            op = need(2)[1]
            if op == 0x40:  # ESC @ initialise
                if not commands:
                    initialised_first = True
                commands.append("ESC @")
                i += 2
            elif op == ord("J"):  # ESC J n: feed n dots
                n = need(3)[2]
                commands.append(f"ESC J {n}")
                y += n
                i += 3
            elif op == ord("d"):  # ESC d n: print and feed n lines
                n = need(3)[2]
                commands.append(f"ESC d {n}")
                y += n * line_dots
                i += 3
            elif op == ord("a"):  # ESC a n: justification (no effect on our full-width bands)
                n = need(3)[2]
                commands.append(f"ESC a {n}")
                i += 3
            else:
                raise EscPosDecodeError(f"unknown ESC {op:#04x} at offset {i}")
        elif byte == GS:
            op = need(2)[1]
            if op == ord("v"):  # GS v 0 m xL xH yL yH d1…dk
                head = need(8)
                if head[2] != ord("0"):
                    raise EscPosDecodeError(f"GS v {head[2]:#04x} at offset {i} is not GS v 0")
                mode = head[3]
                if mode not in (0, 48):
                    raise EscPosDecodeError(f"GS v 0 mode {mode} (scaled) at offset {i}")
                width_bytes = head[4] + 256 * head[5]
                height = head[6] + 256 * head[7]
                i += 8
                size = width_bytes * height
                data = need(size)
                bands.append(_Band(y, width_bytes, height, data))
                commands.append(f"GS v 0 {width_bytes}x{height}")
                raster_bytes += size
                y += height
                i += size
            elif op == ord("V"):  # GS V m [n]
                mode = need(3)[2]
                if mode in (0, 1, 48, 49):
                    i += 3
                elif mode in (65, 66, 97, 98, 103, 104):
                    need(4)
                    i += 4
                else:
                    raise EscPosDecodeError(f"GS V mode {mode} at offset {i}")
                commands.append("GS V")
                cut = True
            else:
                raise EscPosDecodeError(f"unknown GS {op:#04x} at offset {i}")
        else:
            raise EscPosDecodeError(
                f"unexpected byte {byte:#04x} at offset {i} (text is not expected)"
            )

    image = _paper(bands, width)
    bottom = max((b.y + b.height for b in bands), default=0)
    return DecodedJob(
        image=image,
        commands=commands,
        initialised_first=initialised_first,
        cut=cut,
        feed_after_dots=y - bottom,
        raster_bytes=raster_bytes,
    )


def _paper(bands: list[_Band], width: int | None) -> Image.Image:
    """Paste the bands (1 bit = dot) onto white paper, mode "1" with 0 = dot like the renderer."""
    paper_width = width or max((b.width_bytes * 8 for b in bands), default=8)
    bottom = max((b.y + b.height for b in bands), default=1)
    paper = Image.new("1", (paper_width, max(1, bottom)), 1)
    for band in bands:
        # GS v 0 data: MSB first, 1 = dot. PIL's raw "1;I" mode reads exactly that (inverted bits).
        rows = Image.frombytes("1", (band.width_bytes * 8, band.height), band.data, "raw", "1;I")
        if rows.width > paper_width:
            overflow = rows.crop((paper_width, 0, rows.width, rows.height)).convert("L")
            if overflow.getextrema()[0] == 0:
                raise EscPosDecodeError(f"a band prints dots beyond the paper's {paper_width} dots")
            rows = rows.crop((0, 0, paper_width, rows.height))
        paper.paste(rows, (0, band.y))
    return paper
