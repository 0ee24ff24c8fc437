"""A small ESC/POS decoder for tests: turns a print job back into the image it prints.

Raster bands (``GS v 0``) are pasted as sent; native codes (``GS k`` Code128, ``GS ( k`` QR) are
drawn as a printer would draw them, with python-barcode's bar patterns and segno, so the decoded
image can be scanned like the paper.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import segno
from barcode.charsets import code128 as code128_charset
from PIL import Image

ESC, GS, LF = 0x1B, 0x1D, 0x0A
# Epson defaults after ESC @ (TM-T20II manual): bars 162 dots high, 3 dots a module, no HRI;
# QR model 2, 3 dots a module, error level L.
BARCODE_HEIGHT, BARCODE_MODULE, QR_MODULE, QR_ERROR = 162, 3, 3, "L"
QR_ERRORS = {48: "L", 49: "M", 50: "Q", 51: "H"}
CODE128_STARTS = {"A": 103, "B": 104, "C": 105}
# Code set switches: the value that enters a code set, by the set it is sent from.
CODE128_SWITCH = {
    ("A", "B"): 100,
    ("A", "C"): 99,
    ("B", "A"): 101,
    ("B", "C"): 99,
    ("C", "A"): 101,
    ("C", "B"): 100,
}
CODE128_FNC = {"1": 102, "2": 97, "3": 96}


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
    native: list[NativeCode] = field(default_factory=list)  # codes the printer draws, in order


@dataclass
class NativeCode:
    """A code the printer draws itself: ``kind`` "Code128" or "QRCode", with what it encodes."""

    kind: str
    text: str  # what a scanner reads
    data: bytes  # the command's data bytes as sent
    y: int
    width: int  # dots
    height: int
    module: int  # dots a module
    image: Image.Image = field(repr=False)  # mode "1", 0 = dot, without quiet zone
    align: int = 0  # ESC a: 0 left, 1 centre, 2 right
    error: str = ""  # QR error correction level


@dataclass
class _Band:
    y: int
    width_bytes: int
    height: int
    data: bytes
    align: int = 0
    scale_x: int = 1  # GS v 0 modes 1 and 3: each dot printed twice across
    scale_y: int = 1  # GS v 0 modes 2 and 3: each row printed twice

    @property
    def bottom(self) -> int:
        return self.y + self.height * self.scale_y


def decode_escpos(job: bytes, *, width: int | None = None, line_dots: int = 30) -> DecodedJob:
    """Decode ``ESC @``, ``ESC J n``, ``ESC d n``, ``LF``, ``ESC a n``, ``GS v 0`` (modes 0–3)
    and ``GS V``, and the native codes: ``GS h``/``GS w``/``GS f``/``GS H`` + ``GS k`` function B Code128,
    ``GS ( k`` QR (model, size, error level, store, print).

    Bands and codes are put under each other where the feeds leave the paper, moved right as
    ``ESC a`` says; ``width`` is the paper's printable width (default: the widest band or code).
    ``line_dots`` is the line spacing a line feed moves (ESC 2 default; only matters for feeds
    between images).
    """
    commands: list[str] = []
    bands: list[_Band] = []
    native: list[NativeCode] = []
    y = 0
    i = 0
    cut = False
    initialised_first = False
    raster_bytes = 0
    align = 0
    bar_height, bar_module, hri = BARCODE_HEIGHT, BARCODE_MODULE, 0
    qr_module, qr_error, qr_model, qr_data = QR_MODULE, QR_ERROR, 50, b""

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
            if op == 0x40:  # ESC @ initialise: settings back to their defaults
                if not commands:
                    initialised_first = True
                commands.append("ESC @")
                align = 0
                bar_height, bar_module, hri = BARCODE_HEIGHT, BARCODE_MODULE, 0
                qr_module, qr_error, qr_model, qr_data = QR_MODULE, QR_ERROR, 50, b""
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
            elif op == ord("a"):  # ESC a n: justification of what follows (bands, codes)
                n = need(3)[2]
                if n not in (0, 1, 2, 48, 49, 50):
                    raise EscPosDecodeError(f"ESC a {n} at offset {i}")
                commands.append(f"ESC a {n}")
                align = n % 48
                i += 3
            else:
                raise EscPosDecodeError(f"unknown ESC {op:#04x} at offset {i}")
        elif byte == GS:
            op = need(2)[1]
            if op == ord("v"):  # GS v 0 m xL xH yL yH d1…dk
                head = need(8)
                if head[2] != ord("0"):
                    raise EscPosDecodeError(f"GS v {head[2]:#04x} at offset {i} is not GS v 0")
                mode = head[3] % 48  # 0 normal, 1 double width, 2 double height, 3 both
                if mode > 3:
                    raise EscPosDecodeError(f"GS v 0 mode {head[3]} at offset {i}")
                width_bytes = head[4] + 256 * head[5]
                height = head[6] + 256 * head[7]
                i += 8
                size = width_bytes * height
                data = need(size)
                band = _Band(y, width_bytes, height, data, align, 1 + mode % 2, 1 + mode // 2)
                bands.append(band)
                scale = ("", " double width", " double height", " quadruple")[mode]
                commands.append(f"GS v 0 {width_bytes}x{height}{scale}")
                raster_bytes += size
                y += height * band.scale_y
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
            elif op in b"hwfH":  # GS h n / GS w n / GS f n / GS H n: bar code settings
                n = need(3)[2]
                if op == ord("h"):
                    if not 1 <= n <= 255:
                        raise EscPosDecodeError(f"GS h {n} at offset {i}")
                    bar_height = n
                elif op == ord("w"):
                    if not 1 <= n <= 6:
                        raise EscPosDecodeError(f"GS w {n} at offset {i}")
                    bar_module = n
                elif op == ord("H"):
                    hri = n % 48
                commands.append(f"GS {chr(op)} {n}")
                i += 3
            elif op == ord("k"):  # GS k m n d1…dn (function B)
                m = need(3)[2]
                if m != 73:
                    raise EscPosDecodeError(f"GS k {m} at offset {i}: only CODE128 (73) is known")
                n = need(4)[3]
                data = need(4 + n)[4:]
                if hri:
                    raise EscPosDecodeError(
                        f"GS k at offset {i} with HRI characters on (GS H {hri})"
                    )
                try:
                    text, modules = _code128(data)
                except ValueError as error:
                    raise EscPosDecodeError(f"GS k CODE128 at offset {i}: {error}") from None
                image = _bars(modules, bar_module, bar_height)
                native.append(
                    NativeCode(
                        kind="Code128",
                        text=text,
                        data=data,
                        y=y,
                        width=image.width,
                        height=image.height,
                        module=bar_module,
                        image=image,
                        align=align,
                    )
                )
                commands.append(f"GS k CODE128 {text}")
                y += bar_height
                i += 4 + n
            elif op == ord("("):  # GS ( k pL pH cn fn [parameters]
                head = need(5)
                if head[2] != ord("k"):
                    raise EscPosDecodeError(f"GS ( {head[2]:#04x} at offset {i}")
                size = head[3] + 256 * head[4]
                body = need(5 + size)[5:]
                if size < 2 or body[0] != 49:
                    raise EscPosDecodeError(f"GS ( k at offset {i} is not a QR code command")
                fn, params = body[1], body[2:]
                if fn == 65 and len(params) == 2 and params[0] in (49, 50):  # model 1 or 2
                    qr_model = params[0]
                    commands.append(f"GS ( k QR model {qr_model - 48}")
                elif fn == 67 and len(params) == 1 and 1 <= params[0] <= 16:  # dots a module
                    qr_module = params[0]
                    commands.append(f"GS ( k QR size {qr_module}")
                elif fn == 69 and len(params) == 1 and params[0] in QR_ERRORS:  # error level
                    qr_error = QR_ERRORS[params[0]]
                    commands.append(f"GS ( k QR error {qr_error}")
                elif fn == 80 and params[:1] == b"0":  # store the data
                    qr_data = params[1:]
                    commands.append(f"GS ( k QR store {qr_data.decode('latin-1')}")
                elif fn == 81 and params == b"0":  # print what is stored
                    if not qr_data:
                        raise EscPosDecodeError(f"GS ( k QR print at offset {i} with no data")
                    if qr_model != 50:
                        raise EscPosDecodeError(f"QR model 1 at offset {i} is not drawn here")
                    image = _qr(qr_data, qr_module, qr_error)
                    native.append(
                        NativeCode(
                            kind="QRCode",
                            text=qr_data.decode("latin-1"),
                            data=qr_data,
                            y=y,
                            width=image.width,
                            height=image.height,
                            module=qr_module,
                            image=image,
                            align=align,
                            error=qr_error,
                        )
                    )
                    commands.append("GS ( k QR print")
                    y += image.height
                else:
                    raise EscPosDecodeError(f"GS ( k QR function {fn} {params!r} at offset {i}")
                i += 5 + size
            else:
                raise EscPosDecodeError(f"unknown GS {op:#04x} at offset {i}")
        else:
            raise EscPosDecodeError(
                f"unexpected byte {byte:#04x} at offset {i} (text is not expected)"
            )

    image = _paper(bands, native, width)
    bottom = max([b.bottom for b in bands] + [c.y + c.height for c in native], default=0)
    return DecodedJob(
        image=image,
        commands=commands,
        initialised_first=initialised_first,
        cut=cut,
        feed_after_dots=y - bottom,
        raster_bytes=raster_bytes,
        native=native,
    )


def _paper(bands: list[_Band], native: list[NativeCode], width: int | None) -> Image.Image:
    """Paste the bands (1 bit = dot) and the drawn codes onto white paper, mode "1" with 0 = dot
    like the renderer."""
    paper_width = width or max(
        [b.width_bytes * 8 * b.scale_x for b in bands] + [c.width for c in native], default=8
    )
    bottom = max([b.bottom for b in bands] + [c.y + c.height for c in native], default=1)
    paper = Image.new("1", (paper_width, max(1, bottom)), 1)
    for band in bands:
        # GS v 0 data: MSB first, 1 = dot. PIL's raw "1;I" mode reads exactly that (inverted bits).
        rows = Image.frombytes("1", (band.width_bytes * 8, band.height), band.data, "raw", "1;I")
        if band.scale_x > 1 or band.scale_y > 1:
            size = (rows.width * band.scale_x, rows.height * band.scale_y)
            rows = rows.resize(size, Image.Resampling.NEAREST)
        if rows.width > paper_width:
            overflow = rows.crop((paper_width, 0, rows.width, rows.height)).convert("L")
            if overflow.getextrema()[0] == 0:
                raise EscPosDecodeError(f"a band prints dots beyond the paper's {paper_width} dots")
            rows = rows.crop((0, 0, paper_width, rows.height))
        paper.paste(rows, (_x(band.align, rows.width, paper_width), band.y))
    for code in native:
        if code.width > paper_width:
            # Epson: a bar code or 2D code wider than the print area is not printed at all.
            raise EscPosDecodeError(
                f"{code.kind} {code.width} dots wide does not fit the paper's {paper_width} dots"
            )
        paper.paste(code.image, (_x(code.align, code.width, paper_width), code.y))
    return paper


def _x(align: int, width: int, paper_width: int) -> int:
    """Left edge of something ``width`` dots wide on the paper, as ESC a puts it."""
    room = max(0, paper_width - width)
    return (0, room // 2, room)[align]


def _code128(data: bytes) -> tuple[str, str]:
    """What ``GS k 73`` data encodes, and its bars as "1"/"0" modules (check and stop added).

    The data starts with ``{A``, ``{B`` or ``{C``; ``{`` + a code set letter switches sets,
    ``{1``–``{3`` are FNC1–FNC3, ``{S`` shifts one character between A and B, ``{{`` is ``{``.
    In set C each byte is a value 0–99, two digits.
    """
    if len(data) < 2 or data[:1] != b"{" or chr(data[1]) not in CODE128_STARTS:
        raise ValueError(f"data {data[:2]!r} does not start with a code set")
    charset = chr(data[1])
    values = [CODE128_STARTS[charset]]
    text: list[str] = []
    shift = False
    i = 2
    while i < len(data):
        byte = data[i]
        if byte == ord("{") and not (charset != "C" and data[i + 1 : i + 2] == b"{"):
            if i + 1 >= len(data):
                raise ValueError("data ends with '{'")
            what = chr(data[i + 1])
            if what in CODE128_STARTS:
                if what == charset:
                    raise ValueError(f"switch to code set {what} while in it")
                values.append(CODE128_SWITCH[(charset, what)])
                charset = what
            elif what in CODE128_FNC:
                values.append(CODE128_FNC[what])
            elif what == "S" and charset != "C":
                values.append(98)
                shift = True
            else:
                raise ValueError(f"unknown escape {{{what} at {i}")
            i += 2
            continue
        current = charset
        if shift:
            current, shift = ("B" if charset == "A" else "A"), False
        if current == "C":
            if byte > 99:
                raise ValueError(f"byte {byte} in code set C")
            values.append(byte)
            text.append(f"{byte:02d}")
        elif current == "B":
            if not 0x20 <= byte <= 0x7F:
                raise ValueError(f"byte {byte:#04x} is not in code set B")
            values.append(byte - 32)
            text.append(chr(byte))
        else:
            if byte > 0x5F:
                raise ValueError(f"byte {byte:#04x} is not in code set A")
            values.append(byte - 32 if byte >= 0x20 else byte + 64)
            text.append(chr(byte))
        i += 2 if byte == ord("{") else 1
    check = (values[0] + sum(n * v for n, v in enumerate(values[1:], start=1))) % 103
    modules = "".join(code128_charset.CODES[v] for v in [*values, check])
    return "".join(text), modules + code128_charset.STOP + "11"


def _bars(modules: str, module: int, height: int) -> Image.Image:
    row = bytes(0 if m == "1" else 255 for m in modules for _ in range(module))
    line = Image.frombytes("L", (len(row), 1), row)
    return line.resize((len(row), height), Image.Resampling.NEAREST).convert("1")


def _qr(data: bytes, module: int, error: str) -> Image.Image:
    """The symbol as segno draws it at the level asked (a printer's mask pattern may differ)."""
    qr = segno.make_qr(data, error=error.lower(), boost_error=False)
    size = len(qr.matrix)
    pixels = b"".join(bytes(0 if dark else 255 for dark in row) for row in qr.matrix)
    core = Image.frombytes("L", (size, size), pixels)
    return core.resize((size * module, size * module), Image.Resampling.NEAREST).convert("1")
