"""Short receipts for thermal printers (Mẫu 01 short version, payment receipt) as 1-bit images.

A receipt is laid out once as a :class:`ThermalLayout`: raster bands (all text, drawn with the
bundled font, since printer fonts have no Vietnamese) and, where the printer can draw them
itself, native codes (Code128, QR) in between. The on-screen preview is the layout's
:meth:`~ThermalLayout.image`; the ESC/POS job (``escpos_job.escpos_receipt_job``) is made from the
same parts, so paper and preview match.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import segno
from PIL import Image, ImageChops, ImageDraw, ImageFont

from counter_app.printing.codes import code128_image, code128_modules, qr_image
from counter_app.printing.fonts import BOLD_FILE, REGULAR_FILE, fit_to_font
from counter_app.printing.layout import plain_text
from counter_app.services.documents import (
    DocumentKind,
    DossierDocument,
    PaymentReceipt,
    ResultDelivery,
)
from counter_app.services.formatting import amount_in_words, format_datetime, format_money
from counter_app.services.i18n import _
from counter_app.services.resources import resource_path

# Printable width of common receipt paper: 80 mm paper prints 72 mm, 58 mm paper prints 48 mm
# (Epson TM-T20II, Xprinter XP-58 data sheets); 576 and 384 dots at 203 dpi.
PRINTABLE_MM: dict[int, float] = {80: 72.0, 58: 48.0}

INK = 0  # mode "1": 0 is black (a printed dot), 1 is paper
PAPER = 1
MAX_HEIGHT = 4000  # rows drawn before cropping; a short receipt never comes near
# The cached FreeType faces are shared; one receipt is drawn at a time (a few ms each).
_DRAW_LOCK = threading.Lock()
# ESC/POS GS w n takes 2 ≤ n ≤ 6 dots a module (Epson TM-T20II; python-escpos checks the same
# range): a Code128 that fits the paper only at 1 dot a module stays raster.
NATIVE_CODE128_MODULE_PX = (2, 6)


@dataclass(frozen=True, slots=True)
class NativeCodes:
    """Which codes the printer draws itself (``GS k`` Code128, ``GS ( k`` QR); the rest is raster."""

    code128: bool = False
    qr: bool = False


NO_NATIVE_CODES = NativeCodes()


@dataclass(frozen=True, slots=True, eq=False)
class RasterBand:
    """Rows of the receipt printed as an image (mode "1", full printable width, 0 = dot).

    Blank rows are part of it: they become paper feed, so the next part starts under them.
    """

    image: Image.Image
    centred: bool = False  # image narrower than the paper, centred by the printer (ESC a 1)
    double: bool = False  # printed at twice its size (GS v 0 mode 3); only with ``centred``

    @property
    def height(self) -> int:
        return self.image.height * (2 if self.double else 1)

    def render(self, width: int) -> Image.Image:
        image = self.image
        if self.double:
            image = image.resize((image.width * 2, image.height * 2), Image.Resampling.NEAREST)
        return _centred(image, width) if self.centred else image


@dataclass(frozen=True, slots=True)
class NativeCode128:
    """A Code128 the printer draws, centred, bars only (no human-readable line under it).

    The bars are the code values python-barcode picks (code set C for runs of digits), sent as
    they are, so the printer draws exactly :func:`~counter_app.printing.codes.code128_modules`.
    """

    data: str
    module_px: int
    height_px: int

    @property
    def height(self) -> int:
        return self.height_px

    def render(self, width: int) -> Image.Image:
        """The full-width rows the printer prints for this code."""
        bars = code128_image(
            self.data, module_px=self.module_px, height_px=self.height_px, quiet_modules=0
        )
        return _centred(bars, width)


@dataclass(frozen=True, slots=True)
class NativeQr:
    """A QR code (model 2, error correction M) the printer draws, centred, no quiet zone."""

    data: str
    module_px: int

    @property
    def height(self) -> int:
        return native_qr_modules(self.data) * self.module_px

    def render(self, width: int) -> Image.Image:
        return _centred(native_qr_image(self.data, self.module_px), width)


ThermalPart = RasterBand | NativeCode128 | NativeQr


@dataclass(frozen=True, slots=True, eq=False)
class ThermalLayout:
    """A receipt as the printer gets it: parts printed under each other, top to bottom."""

    width: int  # printable width in dots
    dpi: int
    parts: tuple[ThermalPart, ...]

    @property
    def height(self) -> int:
        return sum(part.height for part in self.parts)

    def image(self) -> Image.Image:
        """The whole receipt as one mode ``"1"`` image: what the paper shows (the preview)."""
        if len(self.parts) == 1 and isinstance(self.parts[0], RasterBand) and not self.parts[0].centred:
            return self.parts[0].image
        paper = Image.new("1", (self.width, max(1, self.height)), PAPER)
        y = 0
        for part in self.parts:
            paper.paste(part.render(self.width), (0, y))
            y += part.height
        return paper


def _centred(image: Image.Image, width: int) -> Image.Image:
    """``image`` on a full-width white strip, centred as ESC a 1 centres it (left when too wide)."""
    strip = Image.new("1", (width, image.height), PAPER)
    strip.paste(image.convert("1"), (max(0, (width - image.width) // 2), 0))
    return strip


@lru_cache(maxsize=256)
def _native_qr_matrix(data: str) -> tuple[bytes, int]:
    # Error level M as the job asks the printer for, not raised (segno's boost_error): the
    # printer does not raise it either. Same version as the printer picks for dossier codes;
    # the mask pattern may differ (each printer picks its own), which changes no size.
    qr = segno.make_qr(data, error="m", boost_error=False)
    size = len(qr.matrix)
    return b"".join(bytes(0 if dark else 255 for dark in row) for row in qr.matrix), size


def native_qr_modules(data: str) -> int:
    """Modules along one side of the QR code the printer draws for ``data``."""
    return _native_qr_matrix(data)[1]


def native_qr_image(data: str, module_px: int) -> Image.Image:
    """The QR code a printer draws for ``GS ( k`` with ``data``, error level M (``L``, no border)."""
    pixels, size = _native_qr_matrix(data)
    core = Image.frombytes("L", (size, size), pixels)
    return core.resize((size * module_px, size * module_px), Image.Resampling.NEAREST)


def printable_width_px(width_mm: int, dpi: int) -> int:
    """Dots across the printable width, a multiple of 8 (raster bytes): 576 for 80 mm at 203 dpi."""
    if width_mm not in PRINTABLE_MM:
        raise ValueError(
            f"receipt paper {width_mm} mm is not supported; use one of {sorted(PRINTABLE_MM)}"
        )
    if not 100 <= dpi <= 600:
        raise ValueError(f"{dpi} dpi is not a receipt printer resolution")
    dots = PRINTABLE_MM[width_mm] / 25.4 * dpi
    return max(8, round(dots / 8) * 8)


@lru_cache(maxsize=32)
def _font(size_px: int, bold: bool) -> ImageFont.FreeTypeFont:
    path = resource_path("fonts", BOLD_FILE if bold else REGULAR_FILE)
    return ImageFont.truetype(str(path), size_px)


@dataclass(frozen=True, slots=True)
class _Sizes:
    """Type sizes in dots for one resolution (points × dpi / 72)."""

    small: int
    body: int
    title: int
    code: int
    gap: int

    @classmethod
    def for_dpi(cls, dpi: int) -> _Sizes:
        def px(points: float) -> int:
            return max(8, round(points * dpi / 72))

        return cls(small=px(6.5), body=px(7.5), title=px(8.5), code=px(11), gap=px(2.5))


class _Sheet:
    """A white strip of paper with a cursor; text and codes go under each other.

    ``float_right`` puts an image (the QR code) at the right edge; text beside it wraps short
    of it (and of its quiet zone) until the cursor has passed its bottom.
    """

    def __init__(self, width: int, dpi: int, native: NativeCodes = NO_NATIVE_CODES) -> None:
        self.width = width
        self.dpi = dpi
        self.native = native
        self.parts: list[ThermalPart] = []
        self._top = 0  # first row not yet in ``parts``
        self.sizes = _Sizes.for_dpi(dpi)
        self.image = Image.new("1", (width, MAX_HEIGHT), PAPER)
        self.draw = ImageDraw.Draw(self.image)
        self.draw.fontmode = "1"  # FreeType monochrome rendering: crisp dots, no grey to threshold
        self.y = 0
        self._clear_width = 0  # dots kept free on the right …
        self._clear_until = 0  # … for lines starting above this row

    def available(self, indent: int = 0) -> int:
        reserve = self._clear_width if self.y < self._clear_until else 0
        return self.width - indent - reserve

    # text

    def text(
        self,
        value: str,
        *,
        size: int,
        bold: bool = False,
        centre: bool = False,
        max_lines: int = 3,
        indent: int = 0,
    ) -> None:
        """Wrapped text, at most ``max_lines`` (the last cut with an ellipsis); centred lines are
        balanced so that a title never leaves one word alone on its last line."""
        font = _font(size, bold)
        ascent, descent = font.getmetrics()
        line_height = ascent + descent
        remaining = " ".join(plain_text(value).split())
        if centre and self.available(indent) == self.width - indent:
            width = _balanced_width(remaining, font, self.width - indent, max_lines)
        else:
            width = 0
        lines_left = max_lines
        while remaining and lines_left > 0:
            available = width or self.available(indent)
            line, remaining = _take_line(remaining, font, available, last=lines_left == 1)
            x = indent
            if centre:
                x += max(0, (self.available(indent) - round(font.getlength(line))) // 2)
            self.draw.text((x, self.y), line, font=font, fill=INK)
            self.y += line_height
            lines_left -= 1

    def pair(
        self, label: str, value: str, *, size: int, bold_value: bool = False, max_lines: int = 2
    ) -> None:
        """``Label: value`` with the label bold and the value wrapping under itself (or, when
        the label takes more than half the line, starting on the next line)."""
        font = _font(size, True)
        head = fit_to_font(label).strip() + ": "
        head_width = round(font.getlength(head))
        top = self.y
        self.draw.text((0, self.y), head, font=font, fill=INK)
        if head_width > self.available() // 2:
            ascent, descent = font.getmetrics()
            self.y += ascent + descent
            head_width = 0
        self.text(value or "—", size=size, bold=bold_value, max_lines=max_lines, indent=head_width)
        self.y = max(self.y, top + sum(font.getmetrics()))

    def amount_line(self, name: str, amount: str, *, size: int, bold: bool = False) -> None:
        """A fee line: the name wraps on the left, the amount is flush right on its first line."""
        font = _font(size, bold)
        amount = plain_text(amount)
        amount_width = round(font.getlength(amount))
        top = self.y
        self._clear_width, self._clear_until = amount_width + 12, top + 1
        self.text(name, size=size, bold=bold, max_lines=2)
        self._clear_width = self._clear_until = 0
        self.draw.text((self.width - amount_width, top), amount, font=font, fill=INK)

    def rule(self) -> None:
        y = self.y + self.sizes.gap // 2
        self.draw.line((0, y, self.width - 1, y), fill=INK, width=2)
        self.y += self.sizes.gap + 2

    def space(self, dots: int) -> None:
        self.y += dots

    # images

    def paste(self, image: Image.Image, x: int) -> None:
        self.image.paste(image.convert("1"), (x, self.y))
        self.y += image.height

    def float_right(self, image: Image.Image, *, quiet: int) -> None:
        """``image`` at the right edge from the cursor down; text keeps ``quiet`` dots away."""
        self.image.paste(image.convert("1"), (self.width - image.width, self.y))
        self._clear_width = image.width + quiet
        self._clear_until = self.y + image.height + quiet // 2

    def clear_float(self) -> None:
        """Move the cursor under the floating image, if text has not gone past it already."""
        self.y = max(self.y, self._clear_until)
        self._clear_width = self._clear_until = 0

    def native_part(self, part: NativeCode128 | NativeQr) -> None:
        """Close the raster rows so far and leave ``part``'s rows to the printer."""
        self.clear_float()
        if self.y > self._top:
            self.parts.append(RasterBand(self.image.crop((0, self._top, self.width, self.y))))
        self.parts.append(part)
        self.y += part.height
        self._top = self.y

    def code128(self, data: str, height: int) -> None:
        """Code128 as wide as it can be at a whole number of dots a module (2 on 80 mm paper).

        Quiet zones: whatever is left of the width, and the paper's unprinted margins beyond it.
        Printed by the printer itself when it can and the bars fit at ≥ 2 dots a module.
        """
        modules = len(code128_modules(data))
        module_px = max(1, min(3, self.width // modules))
        lowest, highest = NATIVE_CODE128_MODULE_PX
        if self.native.code128 and lowest <= module_px <= highest:
            self.native_part(NativeCode128(data, module_px, height))
            return
        quiet = min(10, max(0, (self.width // module_px - modules) // 2))
        image = code128_image(data, module_px=module_px, height_px=height, quiet_modules=quiet)
        self.paste(image, (self.width - image.width) // 2)

    def crop(self) -> Image.Image:
        """The strip cut just under the last printed dot (full width kept: rows are whole bytes)."""
        drawn = self.image.crop((0, 0, self.width, min(MAX_HEIGHT, self.y + 64)))
        box = ImageChops.invert(drawn.convert("L")).getbbox()  # (invert of mode "1" is not 0/255)
        bottom = box[3] if box else 1
        return self.image.crop((0, 0, self.width, bottom))

    def layout(self) -> ThermalLayout:
        """The parts, the last raster rows cut just under their last dot."""
        if not self.parts:
            return ThermalLayout(self.width, self.dpi, (RasterBand(self.crop()),))
        parts = list(self.parts)
        drawn = self.image.crop((0, self._top, self.width, min(MAX_HEIGHT, self.y + 64)))
        box = ImageChops.invert(drawn.convert("L")).getbbox()
        if box:
            parts.append(RasterBand(drawn.crop((0, 0, self.width, box[3]))))
        return ThermalLayout(self.width, self.dpi, tuple(parts))


def _take_line(
    text: str, font: ImageFont.FreeTypeFont, width: int, *, last: bool
) -> tuple[str, str]:
    """The longest head of ``text`` that fits ``width``, broken between words when it can.

    On the ``last`` allowed line the rest is cut off and marked with an ellipsis.
    """
    if font.getlength(text) <= width:
        return text, ""
    if last:
        cut = _fit_chars(text, font, width - font.getlength("…"))
        head = text[:cut].rstrip()
        space = head.rfind(" ")
        if text[cut : cut + 1] not in ("", " ") and space > len(head) // 2:
            head = head[:space]  # don't cut a word in two when a space is close by
        return head.rstrip(" ,;:–-") + "…", ""
    cut = _fit_chars(text, font, width)
    space = text.rfind(" ", 0, cut + 1)
    if space > 0:
        return text[:space], text[space + 1 :]
    return text[:cut], text[cut:]


def _fit_chars(text: str, font: ImageFont.FreeTypeFont, width: float) -> int:
    """How many leading characters of ``text`` fit ``width`` (at least one)."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if font.getlength(text[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    lines: list[str] = []
    while text and len(lines) < max_lines:
        line, text = _take_line(text, font, width, last=len(lines) == max_lines - 1)
        lines.append(line)
    return lines


def _balanced_width(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> int:
    """The narrowest width that wraps ``text`` into as few lines as ``width`` does."""
    lines = _wrap(text, font, width, max_lines)
    if len(lines) < 2 or lines[-1].endswith("…"):
        return width
    low, high = width // len(lines), width
    while low < high:
        middle = (low + high) // 2
        trial = _wrap(text, font, middle, max_lines)
        if len(trial) == len(lines) and not trial[-1].endswith("…"):
            high = middle
        else:
            low = middle + 1
    return high


def render_thermal(
    doc: DossierDocument | PaymentReceipt,
    *,
    width_mm: int = 80,
    dpi: int = 203,
    native: NativeCodes = NO_NATIVE_CODES,
) -> Image.Image:
    """The short receipt for a thermal printer as a mode ``"1"`` image, full printable width.

    ``doc`` is the Mẫu 01 receipt (short version: codes, procedure, applicant, times, where to
    collect) or a payment receipt. Height is what the content needs, trailing white cut off.
    With ``native`` codes, the picture of :func:`thermal_layout` for a printer that draws them.
    """
    return thermal_layout(doc, width_mm=width_mm, dpi=dpi, native=native).image()


def thermal_layout(
    doc: DossierDocument | PaymentReceipt,
    *,
    width_mm: int = 80,
    dpi: int = 203,
    native: NativeCodes = NO_NATIVE_CODES,
) -> ThermalLayout:
    """The short receipt as raster bands and, where ``native`` says so, printer-drawn codes.

    Without native codes it is one raster band with everything drawn in (the QR code on the
    right, facts beside it). With a native QR code the QR gets rows of its own, centred under
    the facts: a printer cannot print raster text beside a code it draws itself.
    """
    is_receipt = isinstance(doc, DossierDocument) and doc.kind is DocumentKind.RECEIPT
    if not (is_receipt or isinstance(doc, PaymentReceipt)):
        kind = getattr(doc, "kind", type(doc).__name__)
        raise ValueError(f"no thermal layout for {kind}; thermal receipts are Mẫu 01 and payments")
    width = printable_width_px(width_mm, dpi)
    with _DRAW_LOCK:
        sheet = _Sheet(width, dpi, native)
        if isinstance(doc, PaymentReceipt):
            _payment(sheet, doc)
        else:
            _receipt(sheet, doc)
        return sheet.layout()


def _header(sheet: _Sheet, centre: str, title: str) -> None:
    sizes = sheet.sizes
    if centre.strip():
        sheet.text(centre.upper(), size=sizes.small, bold=True, centre=True, max_lines=2)
        sheet.space(sizes.gap // 2)
    size = _one_line_size(title, sheet, largest=sizes.title, smallest=sizes.body)
    sheet.text(title, size=size, bold=True, centre=True, max_lines=3)
    sheet.space(sizes.gap)


def _receipt(sheet: _Sheet, doc: DossierDocument) -> None:
    sizes = sheet.sizes
    # A slip of the receipt printer, not Mẫu 01 itself: titled as what it is.
    _header(sheet, doc.issuer.centre_name, _("DOSSIER RECEIPT SLIP"))
    code = doc.dossier_code.strip()
    sheet.text(code, size=_code_size(code, sheet), bold=True, centre=True, max_lines=2)
    sheet.space(sizes.gap // 2)
    sheet.code128(code, height=round(6.5 * sheet.dpi / 25.4))  # 6.5 mm bars
    sheet.space(sizes.gap + sizes.gap // 2)

    # Raster: the QR code on the right with the facts beside it, the rest at full width under it.
    # Native: the facts at full width, the QR code centred under them.
    module_px = max(2, round(0.5 * sheet.dpi / 25.4))  # 0.5 mm modules: phones read them easily
    native_qr = sheet.native.qr and module_px <= 16  # GS ( k function 167: 1–16 dots a module
    if not native_qr:
        qr = qr_image(code, module_px=module_px, border_modules=0)
        sheet.float_right(qr, quiet=4 * module_px)
    body = sizes.body
    sheet.pair(_("Procedure"), doc.procedure_name, size=body, max_lines=3)
    sheet.pair(_("Applicant"), doc.applicant.name, size=body)
    sheet.pair(_("Received"), format_datetime(doc.received_at), size=body)
    sheet.pair(_("Collect at"), _collect_at(doc), size=body)
    sheet.clear_float()
    appointment = format_datetime(doc.appointment) if doc.appointment else "—"
    sheet.pair(_("Appointment"), appointment, size=body, bold_value=True)
    sheet.pair(_("Receiving postal employee"), _staff(doc.staff_name, doc.counter_name), size=body)
    if native_qr:
        quiet = 4 * module_px  # the printer adds no quiet zone of its own
        sheet.space(quiet)
        sheet.native_part(NativeQr(code, module_px))
        sheet.space(quiet)
    else:
        sheet.space(sizes.gap)
    sheet.text(
        _("Please bring this receipt when you collect the result."),
        size=sizes.small,
        centre=True,
        max_lines=2,
    )


def _collect_at(doc: DossierDocument) -> str:
    if doc.result_delivery is ResultDelivery.BY_POST:
        return _("By post (public postal service)")
    return doc.counter_name.strip() or doc.issuer.centre_name.strip() or "—"


def _staff(name: str, counter: str) -> str:
    return " – ".join(part.strip() for part in (name, counter) if part.strip()) or "—"


def _code_size(code: str, sheet: _Sheet) -> int:
    """The dossier code as big as fits on one line, never smaller than body text."""
    return _one_line_size(code, sheet, largest=sheet.sizes.code, smallest=sheet.sizes.body)


def _one_line_size(text: str, sheet: _Sheet, *, largest: int, smallest: int) -> int:
    """The largest bold size from ``largest`` down to ``smallest`` that keeps ``text`` on one line."""
    text = plain_text(text)
    size = largest
    while size > smallest and _font(size, True).getlength(text) > sheet.width:
        size -= 1
    return size


def _payment(sheet: _Sheet, receipt: PaymentReceipt) -> None:
    sizes = sheet.sizes
    _header(sheet, receipt.issuer.centre_name, _("INTERNAL CASH SLIP"))
    sheet.text(_("(Does not replace the receipt for fees and charges)"), size=sizes.small, centre=True, max_lines=2)
    sheet.text(
        _("No.: {number}").format(number=receipt.receipt_number),
        size=sizes.body,
        bold=True,
        centre=True,
        max_lines=1,
    )
    sheet.space(sizes.gap)
    sheet.pair(_("Payer"), receipt.payer_name, size=sizes.body)
    if receipt.dossier_code.strip():
        sheet.pair(_("Dossier code"), receipt.dossier_code, size=sizes.body)
    sheet.rule()
    for line in receipt.lines:
        sheet.amount_line(line.name, format_money(line.amount), size=sizes.body)
    sheet.rule()
    sheet.amount_line(_("Total"), format_money(receipt.total), size=sizes.title, bold=True)
    sheet.pair(_("Amount in words"), amount_in_words(receipt.total), size=sizes.body)
    sheet.space(sizes.gap)
    sheet.pair(_("Payment method"), _payment_method(receipt.method), size=sizes.body)
    sheet.pair(_("Paid at"), format_datetime(receipt.paid_at), size=sizes.body)
    sheet.pair(_("Collector"), _staff(receipt.staff_name, receipt.counter_name), size=sizes.body)


def _payment_method(method: str) -> str:
    return {"cash": _("Cash"), "transfer": _("Bank transfer")}.get(method, method)
