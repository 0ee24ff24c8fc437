"""The kiosk's queue ticket as a 1-bit raster for 58/80 mm receipt printers, plus its ESC/POS job."""

from __future__ import annotations

from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from counter_app.printing.escpos_job import DEFAULT_PROFILE, escpos_receipt_job, native_codes
from counter_app.printing.fonts import BOLD_FILE, REGULAR_FILE, fit_to_font
from counter_app.printing.raster import NativeQr, RasterBand, ThermalLayout, printable_width_px
from counter_app.services.documents import QueueTicketDocument
from counter_app.services.formatting import format_date, format_time
from counter_app.services.i18n import _, ngettext
from counter_app.services.resources import resource_path

MARGIN = 4


@lru_cache(maxsize=16)
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(resource_path("fonts", BOLD_FILE if bold else REGULAR_FILE)), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=font) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


class _Lines:
    """Centred lines, each its own raster part only as wide as its ink (the printer centres it)."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.scale = width / 576
        self.parts: list[RasterBand | NativeQr] = []
        self._measure = ImageDraw.Draw(Image.new("L", (1, 1)))

    def _line(self, text: str, font: ImageFont.FreeTypeFont, gap: int, *, double: bool = False) -> None:
        left, top, right, bottom = font.getbbox(text)
        ink = right - left
        room = self.width // (2 if double else 1)
        width = min(room, (ink + 2 + 7) // 8 * 8)  # a multiple of 8 dots: whole raster bytes
        image = Image.new("L", (width, bottom - top + gap), 255)
        ImageDraw.Draw(image).text(((width - ink) // 2 - left, -top), text, font=font, fill=0)
        band = image.point(lambda v: 255 if v > 127 else 0).convert("1")
        self.parts.append(RasterBand(band, centred=True, double=double))

    def centred(self, text: str, size: int, *, bold: bool = False, gap: int = 6) -> None:
        font = _font(max(12, int(size * self.scale)), bold)
        for line in _wrap(self._measure, fit_to_font(text), font, self.width - 2 * MARGIN):
            self._line(line, font, gap)

    def big(self, text: str, size: int) -> None:
        """The ticket number: drawn at half size and printed doubled (a quarter of the bytes)."""
        self._line(text, _font(int(size * self.scale / 2), True), 8, double=True)

    def space(self, dots: int) -> None:
        self.parts.append(RasterBand(Image.new("1", (8, dots), 1), centred=True))


def ticket_layout(
    ticket: QueueTicketDocument, *, width_mm: int = 80, dpi: int = 203, native_qr: bool = True
) -> ThermalLayout:
    """Centre, service, the number very large, time, people ahead, estimated wait; QR under it.

    The QR is a native part (the printer draws it with ``GS ( k``) so the job stays small; the
    Vietnamese text is raster, rendered with the bundled font.
    """
    width = printable_width_px(width_mm, dpi)
    top = _Lines(width)
    top.space(MARGIN)
    top.centred(ticket.centre_name.upper(), 17, bold=True)
    top.centred(_("QUEUE TICKET"), 20, bold=True, gap=8)
    top.centred(ticket.line_name, 20)
    top.big(ticket.number, 120)
    if ticket.priority_label:
        top.centred(ticket.priority_label, 20, bold=True)
    top.centred(
        _("Taken at {time}, {date}").format(time=format_time(ticket.issued_at), date=format_date(ticket.issued_at.date())),
        18,
    )
    ahead = ngettext("{n} person waiting ahead of you", "{n} people waiting ahead of you", ticket.waiting_ahead)
    top.centred(ahead.format(n=ticket.waiting_ahead), 20, bold=True)
    if ticket.estimated_wait_minutes > 0:
        top.centred(_("Estimated wait: about {minutes} minutes").format(minutes=ticket.estimated_wait_minutes), 18)
    if ticket.qr_payload:
        top.space(4)
        top.parts.append(NativeQr(ticket.qr_payload, module_px=max(3, int(4 * top.scale))))
        top.space(8)
    top.centred(_("Please wait for your number to be called."), 16, gap=MARGIN)
    return ThermalLayout(width, dpi, tuple(top.parts))


def render_ticket(ticket: QueueTicketDocument, *, width_mm: int = 80, dpi: int = 203) -> Image.Image:
    """The ticket as the paper shows it (mode "1"), for the on-screen preview and raster printers."""
    return ticket_layout(ticket, width_mm=width_mm, dpi=dpi).image()


def ticket_escpos_job(
    ticket: QueueTicketDocument, *, width_mm: int = 80, dpi: int = 203, profile: str = DEFAULT_PROFILE
) -> bytes:
    """ESC/POS bytes that print the ticket and cut (native QR where the profile has it)."""
    layout = ticket_layout(ticket, width_mm=width_mm, dpi=dpi, native_qr=native_codes(profile).qr)
    return escpos_receipt_job(layout, profile=profile)
