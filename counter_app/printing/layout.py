"""House style of printed PDFs: clean text, paragraph styles, the national header, signatures, footer."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from counter_app.printing.fonts import RENDER_LOCK, fit_to_font, register_fonts
from counter_app.services.formatting import format_weekday
from counter_app.services.i18n import _, current_language

GRID = colors.Color(0.55, 0.55, 0.55)
HEADER_FILL = colors.Color(0.9, 0.9, 0.9)
NOTE_COLOUR = "#444444"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

Styles = dict[str, ParagraphStyle]


# --- text -------------------------------------------------------------------------------------


def plain_text(value: str) -> str:
    """Data as the fonts can draw it: NFC, boxes for missing glyphs, no control characters."""
    value = value.replace("\r\n", "\n").replace("\t", " ")
    return fit_to_font(_CONTROL.sub("", value))


def markup(value: str) -> str:
    """Plain data → Paragraph markup: escaped, newlines kept as line breaks."""
    return escape(plain_text(value)).replace("\n", "<br/>")


def shorten(value: str, limit: int) -> str:
    """One line of at most ``limit`` characters: whitespace collapsed, cut with an ellipsis."""
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def clip(value: str, limit: int) -> str:
    """At most ``limit`` characters, line breaks kept, cut with an ellipsis."""
    value = value.strip()
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def labelled(label: str, value_markup: str) -> str:
    """``<b>Label:</b> value`` with the label translated by the caller and escaped here."""
    return f"<b>{markup(label)}:</b> {value_markup}"


def bold(value: str) -> str:
    return f"<b>{markup(value)}</b>"


def fill(template: str, **values: str) -> str:
    """Escape a translated template, then put already-escaped markup into its placeholders."""
    return markup(template).format(**values)


# --- dates as official documents write them ----------------------------------------------------


def _day(n: int) -> str:
    return f"{n:02d}"


def _month(n: int) -> str:
    # Decree 30/2020 (administrative documents): days below 10 and months 1 and 2 take a leading 0.
    return f"{n:02d}" if n <= 2 else str(n)


def date_words(day: date, place: str = "") -> str:
    """``Hà Tĩnh, ngày 30 tháng 11 năm 2026``; without a place ``Ngày 30 tháng 11 năm 2026``."""
    values = {"day": _day(day.day), "month": _month(day.month), "year": str(day.year)}
    place = shorten(place, 60)
    if place:
        return _("{place}, day {day} month {month} year {year}").format(place=place, **values)
    return _("Day {day} month {month} year {year}").format(**values)


def moment_words(moment: datetime) -> str:
    """``14 giờ 30 phút, thứ Hai, ngày 30 tháng 11 năm 2026`` (the datetime's own timezone)."""
    return _("{hour} h {minute} min, {weekday}, day {day} month {month} year {year}").format(
        hour=f"{moment.hour:02d}",
        minute=f"{moment.minute:02d}",
        weekday=format_weekday(moment),
        day=_day(moment.day),
        month=_month(moment.month),
        year=str(moment.year),
    )


def short_moment(moment: datetime | None) -> str:
    """``14:30 30/11/2026`` for table cells; empty when there is no time."""
    if moment is None:
        return ""
    return f"{moment:%H:%M} {moment.day:02d}/{moment.month:02d}/{moment.year:04d}"


# --- styles -----------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def styles(size: float) -> Styles:
    """Paragraph styles for a document whose body text is ``size`` points."""
    fonts = register_fonts()
    regular, heavy = fonts.regular, fonts.bold
    leading = round(size * 1.25, 1)
    body = ParagraphStyle(
        "body", fontName=regular, fontSize=size, leading=leading, spaceAfter=1.5, splitLongWords=1
    )
    small = size - 1.5
    cell = ParagraphStyle(
        "cell", parent=body, fontSize=small, leading=round(small * 1.25, 1), spaceAfter=0
    )
    return {
        "body": body,
        "body_bold": ParagraphStyle("body_bold", parent=body, fontName=heavy),
        "body_centre": ParagraphStyle("body_centre", parent=body, alignment=TA_CENTER),
        "header": ParagraphStyle(
            "header",
            parent=body,
            fontSize=size - 0.5,
            leading=round((size - 0.5) * 1.25, 1),
            alignment=TA_CENTER,
            spaceAfter=0,
        ),
        "header_bold": ParagraphStyle(
            "header_bold",
            parent=body,
            fontName=heavy,
            fontSize=size - 0.5,
            leading=round((size - 0.5) * 1.25, 1),
            alignment=TA_CENTER,
            spaceAfter=0,
        ),
        "form_number": ParagraphStyle(
            "form_number", parent=body, fontName=heavy, alignment=TA_RIGHT, spaceAfter=0
        ),
        "form_basis": ParagraphStyle(
            "form_basis",
            parent=body,
            fontSize=small - 0.5,
            leading=round((small - 0.5) * 1.25, 1),
            alignment=TA_RIGHT,
            textColor=NOTE_COLOUR,
            spaceAfter=0,
        ),
        "date": ParagraphStyle("date", parent=body, alignment=TA_CENTER, spaceAfter=0),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=heavy,
            fontSize=size + 2.5,
            leading=round((size + 2.5) * 1.25, 1),
            alignment=TA_CENTER,
            spaceBefore=4,
            spaceAfter=2,
        ),
        "subtitle": ParagraphStyle("subtitle", parent=body, alignment=TA_CENTER, spaceAfter=2),
        "code": ParagraphStyle(
            "code", parent=body, fontName=heavy, fontSize=size + 1, alignment=TA_CENTER
        ),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=heavy, spaceBefore=3, spaceAfter=1.5
        ),
        "cell": cell,
        "cell_centre": ParagraphStyle("cell_centre", parent=cell, alignment=TA_CENTER),
        "cell_right": ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        "cell_head": ParagraphStyle(
            "cell_head",
            parent=cell,
            fontName=heavy,
            fontSize=small - 0.5,
            leading=round((small - 0.5) * 1.2, 1),
            alignment=TA_CENTER,
        ),
        "cell_bold": ParagraphStyle("cell_bold", parent=cell, fontName=heavy),
        "cell_total": ParagraphStyle("cell_total", parent=cell, fontName=heavy, alignment=TA_RIGHT),
        "sign_title": ParagraphStyle(
            "sign_title", parent=body, fontName=heavy, alignment=TA_CENTER, spaceAfter=0
        ),
        "sign_hint": ParagraphStyle(
            "sign_hint",
            parent=body,
            fontSize=small,
            leading=round(small * 1.25, 1),
            alignment=TA_CENTER,
            spaceAfter=0,
        ),
        "sign_name": ParagraphStyle(
            "sign_name", parent=body, fontName=heavy, alignment=TA_CENTER, spaceAfter=0
        ),
        "note": ParagraphStyle(
            "note",
            parent=body,
            fontSize=small,
            leading=round(small * 1.25, 1),
            textColor=NOTE_COLOUR,
            spaceBefore=3,
        ),
        "footer": ParagraphStyle(
            "footer",
            parent=body,
            fontSize=6.5,
            leading=8,
            textColor=NOTE_COLOUR,
            spaceAfter=0,
            alignment=TA_LEFT,
        ),
    }


# --- flowables --------------------------------------------------------------------------------


class PixelImage(Flowable):
    """A PIL image (barcode, QR code) drawn at a given size, embedded as an image XObject.

    Images rather than vector bars, so that a test (or a person with a scanner app) can read
    the code straight out of the PDF.
    """

    def __init__(
        self, image: PILImage.Image, width: float, height: float, h_align: str = "CENTER"
    ) -> None:
        super().__init__()
        self.image = image
        self.width = width
        self.height = height
        self.hAlign = h_align

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.drawImage(ImageReader(self.image), 0, 0, self.width, self.height)


class Rule(Flowable):
    """A short centred line, as under the issuer's name and under the national motto."""

    def __init__(self, length: float, thickness: float = 0.6) -> None:
        super().__init__()
        self.length = length
        self.thickness = thickness
        self.hAlign = "CENTER"

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.length = min(self.length, available_width)
        return self.length, 4.5

    def draw(self) -> None:
        self.canv.setLineWidth(self.thickness)
        self.canv.line(0, 1.5, self.length, 1.5)  # 3 pt under the descenders of the line above


_TIGHT = [
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]


def tight_table(
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    extra: Sequence[tuple[object, ...]] = (),
) -> Table:
    """A layout table without padding or grid (for placing blocks side by side)."""
    return Table(
        [list(r) for r in rows],
        colWidths=list(widths),
        style=TableStyle([*_TIGHT, ("VALIGN", (0, 0), (-1, -1), "TOP"), *extra]),
    )


def grid_style(header_rows: int = 1) -> list[tuple[object, ...]]:
    """Ruled table with a shaded header, as for components and book rows."""
    return [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]


# --- the national header -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FormLabel:
    """Top-right label of an official form: ``Mẫu số 01`` and the circular it comes from."""

    number: str
    circular: str


def form_label(label: FormLabel, width: float, st: Styles) -> list[Flowable]:
    """``Mẫu số 01`` in bold, right-aligned, and under it the circular that issued the form."""
    basis = _("(Issued with Circular No. {circular} of the Government Office)").format(
        circular=label.circular
    )
    number = _("Form No. {number}").format(number=label.number)
    return [
        Paragraph(bold(number), st["form_number"]),
        Paragraph(markup(basis), st["form_basis"]),
        Spacer(1, 2),
    ]


# Words that start a place's name: a heading breaks before them, never inside "BỘ PHẬN MỘT CỬA".
_PLACE_WORDS = frozenset({"tỉnh", "phường", "xã", "huyện", "quận"})
_PLACE_PAIRS = frozenset({"thành phố", "thị xã", "thị trấn", "đặc khu"})


def _word_groups(text: str) -> list[list[str]]:
    """``BỘ PHẬN MỘT CỬA PHƯỜNG THÀNH SEN`` → [[BỘ, PHẬN, MỘT, CỬA], [PHƯỜNG, THÀNH, SEN]]."""
    words = text.split()
    groups: list[list[str]] = [[]]
    for i, word in enumerate(words):
        lower = word.lower()
        pair = " ".join(w.lower() for w in words[i : i + 2])
        if groups[-1] and (lower in _PLACE_WORDS or pair in _PLACE_PAIRS) and not (
            i > 0 and f"{words[i - 1].lower()} {lower}" in _PLACE_PAIRS
        ):
            groups.append([])
        groups[-1].append(word)
    return [g for g in groups if g]


def _balanced(words: list[str], fits: Callable[[str], bool], width_of: Callable[[str], float]) -> list[str]:
    """Split one word group that is too long into the fewest lines that fit, as even as possible
    (so no word is left alone on a line)."""
    n = len(words)
    for count in range(2, n + 1):
        best: tuple[float, list[str]] | None = None

        def splits(start: int, left: int) -> Any:
            if left == 1:
                yield [" ".join(words[start:])]
                return
            for cut in range(start + 1, n - left + 2):
                for rest in splits(cut, left - 1):
                    yield [" ".join(words[start:cut]), *rest]

        for lines in splits(0, count):
            if all(fits(line) for line in lines):
                widest = max(width_of(line) for line in lines)
                if best is None or widest < best[0]:
                    best = (widest, lines)
        if best is not None:
            return best[1]
        if count >= 4:
            break
    return [" ".join(words)]  # one long word: the paragraph wraps it as it can


def heading_lines(text: str, style: ParagraphStyle, width: float) -> list[str]:
    """The lines of a centred heading: breaks fall between word groups (before a place's name),
    a group too long for a line is split evenly, never one word left alone."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def width_of(line: str) -> float:
        return stringWidth(plain_text(line), style.fontName, style.fontSize)

    def fits(line: str) -> bool:
        return width_of(line) <= width

    lines: list[str] = []
    for group in _word_groups(text):
        phrase = " ".join(group)
        if lines and fits(f"{lines[-1]} {phrase}"):
            lines[-1] = f"{lines[-1]} {phrase}"
        elif fits(phrase):
            lines.append(phrase)
        else:
            lines += _balanced(group, fits, width_of)
    return lines


def one_line(text: str, style: ParagraphStyle, width: float, *, smallest: float = 5.0) -> Paragraph:
    """A code that must read whole (``BG-000.00.06.H56-261130-A1B2-01``): never broken inside, drawn
    smaller, down to ``smallest`` points, until it fits ``width``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    value = plain_text(" ".join(text.split()))
    size = style.fontSize
    natural = stringWidth(value, style.fontName, size)
    if natural > width > 0:
        size = max(smallest, size * width / natural)
    fitted = ParagraphStyle(
        f"{style.name}_one_line", parent=style, fontSize=size, leading=max(size * 1.2, 1), splitLongWords=0
    )
    return Paragraph(escape(value), fitted)


def _heading(text: str, style: ParagraphStyle, width: float, *, strong: bool) -> Paragraph:
    lines = heading_lines(text, style, width)
    body = "<br/>".join((bold(line) if strong else markup(line)) for line in lines)
    return Paragraph(body, style)


def national_header(
    *,
    authority: str,
    issuer: str,
    width: float,
    st: Styles,
    number_line: str = "",
    date_line: str = "",
    left_share: float = 0.44,
) -> Table:
    """Issuer on the left (authority over it), national motto on the right, each underlined.

    Under them, as on Vietnamese administrative documents: the document number on the left and
    the place-and-date line on the right.
    """
    left_width, right_width = width * left_share, width * (1 - left_share)
    left: list[Flowable] = []
    if authority.strip():
        left.append(_heading(shorten(authority, 120).upper(), st["header"], left_width - 4, strong=False))
    left.append(_heading(shorten(issuer, 160).upper(), st["header_bold"], left_width - 4, strong=True))
    left.append(Rule(left_width * 0.35))
    motto = _("Independence - Freedom - Happiness")
    right: list[Flowable] = [
        Paragraph(bold(_("SOCIALIST REPUBLIC OF VIET NAM")), st["header_bold"]),
        Paragraph(bold(motto), st["header_bold"]),
        Rule(min(right_width * 0.8, _text_width(motto, st["header_bold"]))),
    ]
    rows: list[list[object]] = [[left, right]]
    if number_line or date_line:
        rows.append(
            [
                Paragraph(markup(number_line), st["header"]) if number_line else "",
                Paragraph(markup(date_line), st["date"]) if date_line else "",
            ]
        )
    return tight_table(
        rows,
        [left_width, right_width],
        [("ALIGN", (0, 0), (-1, -1), "CENTER"), ("TOPPADDING", (0, 1), (-1, 1), 3)],
    )


def _text_width(text: str, style: ParagraphStyle) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(plain_text(text), style.fontName, style.fontSize)


@dataclass(frozen=True, slots=True)
class Signer:
    """One signature box: the role in caps, the hint under it and the name printed below the space."""

    role: str
    name: str = ""
    hint: str = ""


def signatures(
    signers: Sequence[Signer], width: float, st: Styles, space: float = 14 * mm
) -> Table:
    """Signature boxes side by side; each: role, ``(Ký và ghi rõ họ tên)``, room to sign, name."""
    cells: list[list[Flowable]] = []
    for signer in signers:
        hint = signer.hint or _("(Signature and full name)")
        cell: list[Flowable] = [
            Paragraph(bold(signer.role), st["sign_title"]),
            Paragraph(markup(hint), st["sign_hint"]),
            Spacer(1, space),
        ]
        if signer.name.strip():
            cell.append(Paragraph(bold(shorten(signer.name, 80)), st["sign_name"]))
        cells.append(cell)
    share = width / max(1, len(signers))
    table = tight_table([cells], [share] * len(signers), [("LEFTPADDING", (0, 0), (-1, -1), 2)])
    table.keepWithNext = False
    return table


# --- building ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    """Page size and margins of one kind of document (points)."""

    size: tuple[float, float]
    left: float
    right: float
    top: float
    bottom: float

    @property
    def content_width(self) -> float:
        return self.size[0] - self.left - self.right

    @property
    def content_height(self) -> float:
        return self.size[1] - self.top - self.bottom


def footer_painter(
    footer_markup: str, page: Page, st: Styles, *, numbered: bool = True
) -> Callable[[Canvas, BaseDocTemplate], None]:
    """Paint a small grey line at the foot of every page: what it is, and the page number."""
    page_label = markup(_("Page {page}"))
    style = st["footer"]

    def paint(canvas: Canvas, doc: BaseDocTemplate) -> None:
        text = footer_markup
        if numbered:
            number = page_label.format(page=doc.page)
            text = f"{text} · {number}" if text else number
        if not text:
            return
        paragraph = Paragraph(text, style)
        _, height = paragraph.wrap(page.content_width, page.bottom)
        canvas.saveState()
        top = page.bottom - 3 * mm
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.4)
        canvas.line(page.left, top, page.left + page.content_width, top)
        paragraph.drawOn(canvas, page.left, top - 1.5 - height)
        canvas.restoreState()

    return paint


def build_pdf(
    story: list[Flowable],
    page: Page,
    *,
    title: str,
    author: str,
    subject: str = "",
    footer: str = "",
    numbered: bool = True,
) -> bytes:
    """Lay out ``story`` on pages of ``page`` and return the PDF (same input → same bytes)."""
    st = styles(8.0)
    buffer = BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=page.size,
        leftMargin=page.left,
        rightMargin=page.right,
        topMargin=page.top,
        bottomMargin=page.bottom,
        title=plain_text(shorten(title, 200)),
        subject=plain_text(shorten(subject, 200)),
        author=plain_text(shorten(author, 200)),
        creator="Quầy một cửa",
        lang=current_language(),
        invariant=True,
    )
    frame = Frame(
        page.left,
        page.bottom,
        page.content_width,
        page.content_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                id="page",
                frames=[frame],
                onPage=footer_painter(footer, page, st, numbered=numbered),
            )
        ]
    )
    with RENDER_LOCK:
        doc.build(story)
    return buffer.getvalue()
