"""Guidance sheet (phiếu hướng dẫn thành phần hồ sơ): the A5 PDF a citizen takes home after guidance."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from io import BytesIO

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from counter_app.printing.fonts import RENDER_LOCK, register_fonts
from counter_app.printing.layout import markup as _text
from counter_app.printing.layout import plain_text as _plain
from counter_app.services.formatting import (
    format_channels,
    format_datetime,
    format_duration,
    format_fee_due,
    format_fee_kind,
    format_level,
    format_money,
)
from counter_app.services.i18n import _, current_language
from counter_app.services.read_models import ComponentLine, FeeLine, ProcedureGuide

QR_PREFIX = "TTHC:"

PAGE_SIZE = A5
MARGIN_X = 12 * mm
MARGIN_TOP = 8 * mm
MARGIN_BOTTOM = 15 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X
QR_SIZE = 20 * mm
FOOTER_FIELD_LIMIT = 60
TABLE_MIN_SPACE = 28 * mm  # title, the table's two header rows and a first row
TEXT_MIN_SPACE = 14 * mm  # title and two lines

_GRID = colors.Color(0.55, 0.55, 0.55)
_HEADER_FILL = colors.Color(0.9, 0.9, 0.9)
_NOTE_COLOUR = "#444444"


def guidance_qr_payload(code: str) -> str:
    """What the sheet's QR code holds: ``TTHC:<procedure code>`` (ASCII, scanner-friendly)."""
    return f"{QR_PREFIX}{code.strip()}"


def render_guidance_sheet(
    guide: ProcedureGuide,
    *,
    printed_at: datetime,
    staff_name: str = "",
    counter_name: str = "",
) -> bytes:
    """Render the guidance sheet for ``guide`` as an A5 portrait PDF, in the current language."""
    fonts = register_fonts()
    styles = _styles(fonts.regular, fonts.bold)
    title = _("GUIDANCE SHEET FOR DOSSIER COMPONENTS")
    story = _story(guide, styles, title)
    footer = _footer_text(guide, printed_at, staff_name, counter_name)

    buffer = BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=_plain(f"{title} – {guide.code}"),
        subject=_plain(guide.name).replace("\n", " "),
        author=_plain(guide.centre_name).replace("\n", " "),
        creator="Quầy một cửa",
        lang=current_language(),
        invariant=True,  # same guide and time → same bytes (reprints, tests)
    )
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        CONTENT_WIDTH,
        PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    page = PageTemplate(
        id="sheet", frames=[frame], onPage=_footer_painter(footer, styles["footer"])
    )
    doc.addPageTemplates([page])
    with RENDER_LOCK:
        doc.build(story)
    return buffer.getvalue()


# --- text -------------------------------------------------------------------------------------


def _label(label: str, value_markup: str) -> str:
    return f"<b>{_text(label)}:</b> {value_markup}"


def _count(n: int) -> str:
    return str(n) if n > 0 else "—"


# --- styles -----------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=regular, fontSize=8, leading=10.5, spaceAfter=1)
    cell = ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9.5, spaceAfter=0)
    return {
        "body": body,
        "centre": ParagraphStyle(
            "centre", parent=body, fontName=bold, fontSize=8, leading=10, alignment=TA_CENTER
        ),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=bold,
            fontSize=10.5,
            leading=13,
            alignment=TA_CENTER,
            spaceBefore=3,
            spaceAfter=1,
        ),
        "procedure": ParagraphStyle(
            "procedure", parent=body, fontName=bold, fontSize=9.5, leading=11.5, alignment=TA_CENTER
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=bold,
            fontSize=8.5,
            leading=11,
            spaceBefore=5,
            spaceAfter=2,
        ),
        "cell": cell,
        "cell_centre": ParagraphStyle("cell_centre", parent=cell, alignment=TA_CENTER),
        "cell_right": ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        "cell_head": ParagraphStyle(
            "cell_head", parent=cell, fontName=bold, fontSize=6.5, leading=8, alignment=TA_CENTER
        ),
        "cell_total": ParagraphStyle("cell_total", parent=cell, fontName=bold, alignment=TA_RIGHT),
        "qr_caption": ParagraphStyle(
            "qr_caption", parent=cell, fontSize=6.5, leading=8, alignment=TA_CENTER
        ),
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5),
        "notice": ParagraphStyle(
            "notice", parent=body, fontSize=7, leading=9, textColor=_NOTE_COLOUR, spaceBefore=5
        ),
        "footer": ParagraphStyle(
            "footer", parent=body, fontSize=6.5, leading=8, textColor=_NOTE_COLOUR, spaceAfter=0
        ),
    }


# --- story ------------------------------------------------------------------------------------


def _story(guide: ProcedureGuide, st: dict[str, ParagraphStyle], title: str) -> list[Flowable]:
    story: list[Flowable] = [_header(guide, st, title), Spacer(1, 3)]
    sections = 0

    def heading(text: str, room: float = TEXT_MIN_SPACE) -> list[Flowable]:
        nonlocal sections
        sections += 1
        return _heading(f"{sections}. {text}", st, room)

    def line(markup: str, style: str = "body") -> None:
        story.append(Paragraph(markup, st[style]))

    # a demo code not found in the national database says so on paper too: "1.005430 (mẫu)"
    code = _("{code} (sample)").format(code=guide.code) if guide.sample else guide.code
    facts = [_label(_("Procedure code"), _text(code))]
    if guide.field_name.strip():
        facts.append(_label(_("Field"), _text(guide.field_name)))
    facts.append(_label(_("Administrative level"), _text(format_level(guide.level))))
    line(" · ".join(facts))
    if guide.agency_name.strip():
        line(_label(_("Deciding agency"), _agency(guide)))

    story += heading(_("Dossier components"), TABLE_MIN_SPACE)
    if guide.components:
        story.append(_components_table(guide.components, st))
    else:
        line(_text(_("No documents are required.")))

    story += heading(_("Fees and charges"), TABLE_MIN_SPACE)
    if guide.fees:
        story.append(_fees_table(guide.fees, guide.total_fee, st))
    else:
        line(_text(_("No fees or charges.")))

    story += heading(_("Processing time"))
    line(_label(_("Statutory processing time"), _text(format_duration(guide.duration))))
    appointment = _text(
        _(
            "If you submit a complete dossier now ({received}), "
            "the appointment for the result would be {appointment}."
        )
    ).format(
        received=_text(format_datetime(guide.received_at)),
        appointment=f"<b>{_text(format_datetime(guide.appointment))}</b>",
    )
    line(appointment)

    story += heading(_("How to submit and receive the result"))
    line(_label(_("Channels"), _text(format_channels(guide.channels))))
    line(_label(_("Dossier can be sent by post"), _text(_yes_no(guide.post_dossier))))
    line(_label(_("Result can be delivered by post"), _text(_yes_no(guide.post_result))))
    if guide.requires_in_person:
        line(_text(_("The applicant must come to the counter in person.")))
    if guide.result_description.strip():
        line(_label(_("Result of the procedure"), _text(guide.result_description)))
    line(_label(_("Where to collect the result"), _where(guide)))

    if guide.legal_basis.strip():
        story += heading(_("Legal basis"))
        line(_text(guide.legal_basis), "small")

    notice = _(
        "This sheet is for guidance only. The official appointment is written on "
        "the receipt you get when the dossier is received."
    )
    line(_text(notice), "notice")
    return story


def _heading(title: str, st: dict[str, ParagraphStyle], room: float) -> list[Flowable]:
    """A section title that never ends a page alone: it starts a new page unless ``room`` is left.

    (keepWithNext would instead push a whole long table, title included, onto the next page.)
    """
    return [CondPageBreak(room), Paragraph(_text(title), st["heading"])]


def _header(guide: ProcedureGuide, st: dict[str, ParagraphStyle], title: str) -> Table:
    """Centre, sheet title and procedure name on the left; the QR code and its text on the right."""
    qr = Image(BytesIO(_qr_png(guidance_qr_payload(guide.code))), width=QR_SIZE, height=QR_SIZE)
    left: list[Flowable] = []
    if guide.centre_name.strip():
        left.append(Paragraph(_text(guide.centre_name), st["centre"]))
    left.append(Paragraph(_text(title), st["title"]))
    left.append(Paragraph(_text(guide.name), st["procedure"]))
    right: list[Flowable] = [qr, Paragraph(_text(guide.code), st["qr_caption"])]
    return Table(
        [[left, right]],
        colWidths=[CONTENT_WIDTH - QR_SIZE - 3 * mm, QR_SIZE + 3 * mm],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (0, 0), "MIDDLE"),
                ("VALIGN", (1, 0), (1, 0), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )


def _agency(guide: ProcedureGuide) -> str:
    """Agency name, then the units above it: "Sở Tư pháp (UBND tỉnh Hà Tĩnh)"."""
    parents = list(guide.agency_path)
    if parents and parents[-1].strip() == guide.agency_name.strip():
        parents.pop()
    markup = _text(guide.agency_name)
    if parents:
        markup += " (" + " › ".join(_text(p) for p in parents) + ")"
    return markup


def _where(guide: ProcedureGuide) -> str:
    if guide.centre_name.strip():
        place = _text(_("At {centre}.")).format(centre=_text(guide.centre_name))
    else:
        place = _text(_("At the counter that received the dossier."))
    if guide.post_result:
        place += " " + _text(
            _("The result can also be delivered to your address by the public postal service.")
        )
    return place


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _table_style(header_rows: int = 1) -> list[tuple[object, ...]]:
    return [
        ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), _HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]


def _fee_note(line: FeeLine) -> str:
    """The catalog's note and, for a fee to pay, when it is paid ("nộp khi nộp hồ sơ")."""
    when = format_fee_due(line.due) if line.amount else ""
    return "; ".join(part for part in (line.note.strip(), when) if part)


def _name_with_note(name: str, note: str) -> str:
    markup = _text(name)
    if note.strip():
        markup += f'<br/><font size="6.5" color="{_NOTE_COLOUR}">{_text(note)}</font>'
    return markup


def _components_table(lines: tuple[ComponentLine, ...], st: dict[str, ParagraphStyle]) -> Table:
    head = st["cell_head"]
    rows: list[list[Flowable | str]] = [
        [
            Paragraph(_text(_("No.")), head),
            Paragraph(_text(_("Document name")), head),
            Paragraph(_text(_("Quantity")), head),
            "",
            "",
            Paragraph(_text(_("Required")), head),
        ],
        [
            "",
            "",
            Paragraph(_text(_("Original")), head),
            Paragraph(_text(_("Certified copy")), head),
            Paragraph(_text(_("Plain copy")), head),
            "",
        ],
    ]
    yes, no = _text(_("Yes")), _text(_("No"))
    for number, line in enumerate(lines, start=1):
        rows.append(
            [
                Paragraph(str(number), st["cell_centre"]),
                Paragraph(_name_with_note(line.name, line.note), st["cell"]),
                Paragraph(_count(line.originals), st["cell_centre"]),
                Paragraph(_count(line.certified_copies), st["cell_centre"]),
                Paragraph(_count(line.photocopies), st["cell_centre"]),
                Paragraph(yes if line.required else no, st["cell_centre"]),
            ]
        )
    fixed = [7 * mm, 13 * mm, 17 * mm, 12 * mm, 15 * mm]
    widths = [fixed[0], CONTENT_WIDTH - sum(fixed), *fixed[1:]]
    style = _table_style(header_rows=2)
    style += [
        ("SPAN", (0, 0), (0, 1)),
        ("SPAN", (1, 0), (1, 1)),
        ("SPAN", (2, 0), (4, 0)),
        ("SPAN", (5, 0), (5, 1)),
    ]
    return Table(
        rows,
        colWidths=widths,
        repeatRows=2,
        splitInRow=1,  # a component longer than a page still flows instead of failing
        style=TableStyle(style),
    )


def _fees_table(lines: tuple[FeeLine, ...], total: int, st: dict[str, ParagraphStyle]) -> Table:
    head = st["cell_head"]
    rows: list[list[Flowable]] = [
        [
            Paragraph(_text(_("No.")), head),
            Paragraph(_text(_("Fee or charge")), head),
            Paragraph(_text(_("Kind")), head),
            Paragraph(_text(_("Amount")), head),
        ]
    ]
    for number, line in enumerate(lines, start=1):
        rows.append(
            [
                Paragraph(str(number), st["cell_centre"]),
                Paragraph(_name_with_note(line.name, _fee_note(line)), st["cell"]),
                Paragraph(_text(format_fee_kind(line.kind)), st["cell_centre"]),
                Paragraph(_text(format_money(line.amount)), st["cell_right"]),
            ]
        )
    rows.append(
        [
            Paragraph(_text(_("Total")), st["cell_total"]),
            Paragraph("", st["cell"]),
            Paragraph("", st["cell"]),
            Paragraph(_text(format_money(total)), st["cell_total"]),
        ]
    )
    fixed = [7 * mm, 15 * mm, 24 * mm]
    widths = [fixed[0], CONTENT_WIDTH - sum(fixed), *fixed[1:]]
    style = _table_style()
    style.append(("SPAN", (0, -1), (2, -1)))
    return Table(rows, colWidths=widths, repeatRows=1, splitInRow=1, style=TableStyle(style))


# --- QR and footer ----------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _qr_png(payload: str) -> bytes:
    """A regular QR code (never Micro QR: phone and counter scanners read regular ones)."""
    qr = segno.make_qr(payload, error="m")
    out = BytesIO()
    qr.save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def _footer_text(
    guide: ProcedureGuide, printed_at: datetime, staff_name: str, counter_name: str
) -> str:
    parts = [_text(_("Printed at {time}")).format(time=_text(format_datetime(printed_at)))]
    if staff_name.strip():
        parts.append(_text(_("Guided by {name}")).format(name=_text(_shorten(staff_name))))
    if counter_name.strip():
        parts.append(_text(_shorten(counter_name)))
    parts.append(_text(_("Catalog version {version}")).format(version=guide.catalog_version))
    return " · ".join(parts)


def _shorten(value: str, limit: int = FOOTER_FIELD_LIMIT) -> str:
    """Keep the footer within its band: long names are cut with an ellipsis."""
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _footer_painter(
    footer_markup: str, style: ParagraphStyle
) -> Callable[[Canvas, BaseDocTemplate], None]:
    page_label = _text(_("Page {page}"))

    def paint(canvas: Canvas, doc: BaseDocTemplate) -> None:
        text = f"{footer_markup} · {page_label.format(page=doc.page)}"
        paragraph = Paragraph(text, style)
        _, height = paragraph.wrap(CONTENT_WIDTH, MARGIN_BOTTOM)
        canvas.saveState()
        top = MARGIN_BOTTOM - 4 * mm
        canvas.setStrokeColor(_GRID)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_X, top, MARGIN_X + CONTENT_WIDTH, top)
        paragraph.drawOn(canvas, MARGIN_X, top - 1.5 - height)
        canvas.restoreState()

    return paint
