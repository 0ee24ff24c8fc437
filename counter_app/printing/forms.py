"""The official dossier forms (Mẫu 01–07), delivery label, payment receipt and hand-over record as PDF."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from counter_app.domain.catalog import Channel
from counter_app.printing.codes import code128_image, qr_image
from counter_app.printing.layout import (
    FormLabel,
    Page,
    PixelImage,
    Signer,
    Styles,
    bold,
    build_pdf,
    clip,
    date_words,
    fill,
    form_label,
    grid_style,
    labelled,
    markup,
    moment_words,
    national_header,
    one_line,
    short_moment,
    shorten,
    signatures,
    styles,
    tight_table,
)
from counter_app.services.documents import (
    BookRow,
    DeliveryLabel,
    DocumentKind,
    DossierDocument,
    FormSet,
    HandoverRecord,
    PaymentReceipt,
    ResultDelivery,
    Timeliness,
    TrackingBook,
)
from counter_app.services.formatting import (
    amount_in_words,
    format_amount,
    format_channel,
    format_date,
    format_datetime,
    format_duration,
    format_money,
)
from counter_app.services.i18n import N_, _

Document = DossierDocument | TrackingBook | DeliveryLabel | PaymentReceipt | HandoverRecord

PAGE_A5 = Page(A5, 12 * mm, 12 * mm, 8 * mm, 12 * mm)
PAGE_A4 = Page(A4, 22 * mm, 15 * mm, 12 * mm, 14 * mm)
PAGE_BOOK = Page(landscape(A4), 10 * mm, 10 * mm, 10 * mm, 12 * mm)
PAGE_LABEL = Page((100 * mm, 150 * mm), 5 * mm, 5 * mm, 5 * mm, 4 * mm)

# (check) wording of the annex line; the circulars' numbers are certain, their dates are left out.
CIRCULARS: dict[FormSet, str] = {
    FormSet.CIRCULAR_03_2025: "03/2025/TT-VPCP",
    FormSet.CIRCULAR_01_2018: "01/2018/TT-VPCP",
}

# Form number and title per form set (DOMAIN.md, forms table). Mẫu 05 (stop notice) is new in 2025.
_FORMS: dict[FormSet, dict[DocumentKind, tuple[str, str]]] = {
    FormSet.CIRCULAR_03_2025: {
        DocumentKind.RECEIPT: ("01", N_("RECEIPT OF DOSSIER AND APPOINTMENT FOR RESULTS")),
        DocumentKind.SUPPLEMENT: ("02", N_("REQUEST TO SUPPLEMENT AND COMPLETE THE DOSSIER")),
        DocumentKind.REFUSAL: ("03", N_("REFUSAL TO ACCEPT THE DOSSIER FOR PROCESSING")),
        DocumentKind.APOLOGY: (
            "04",
            N_("LETTER OF APOLOGY AND REQUEST TO EXTEND THE PROCESSING TIME"),
        ),
        DocumentKind.STOP: ("05", N_("NOTICE OF STOPPING THE PROCESSING OF THE DOSSIER")),
        DocumentKind.CONTROL: ("06", N_("DOSSIER PROCESSING CONTROL SHEET")),
        DocumentKind.BOOK: ("07", N_("DOSSIER TRACKING BOOK")),
    },
    FormSet.CIRCULAR_01_2018: {
        DocumentKind.RECEIPT: ("01", N_("RECEIPT OF DOSSIER AND APPOINTMENT FOR RESULTS")),
        DocumentKind.SUPPLEMENT: ("02", N_("REQUEST TO SUPPLEMENT AND COMPLETE THE DOSSIER")),
        DocumentKind.REFUSAL: ("03", N_("REFUSAL TO ACCEPT THE DOSSIER FOR PROCESSING")),
        DocumentKind.APOLOGY: ("04", N_("APOLOGY AND NEW DATE FOR RETURNING THE RESULT")),
        DocumentKind.CONTROL: ("05", N_("DOSSIER PROCESSING CONTROL SHEET")),
        DocumentKind.BOOK: ("06", N_("DOSSIER TRACKING BOOK")),
    },
}

_TIMELINESS: dict[Timeliness, str] = {
    Timeliness.EARLY: N_("Early"),
    Timeliness.ON_TIME: N_("On time"),
    Timeliness.LATE: N_("Late"),
}

_METHODS: dict[str, str] = {"cash": N_("Cash"), "transfer": N_("Bank transfer")}

# The note column of the tracking book: the outcome of a dossier that was not processed to the end.
_BOOK_NOTES: dict[str, str] = {
    "incomplete": N_("Incomplete: request to supplement (Form 02)"),
    "refused": N_("Refused (Form 03)"),
    "stopped": N_("Processing stopped (Form 05)"),
    "withdrawn": N_("Withdrawn by the applicant"),
}

# How much of free text a form shows; the full text stays in the record.
SUMMARY_LIMIT = 800
REASON_LIMIT = 2000
NAME_LIMIT = 200
CELL_LIMIT = 240
BLANK_CONTROL_ROWS = 3  # for hand-offs written in by hand after printing


def form_number(kind: DocumentKind, form_set: FormSet) -> str:
    """``"01"`` … ``"07"``: the number of ``kind`` in ``form_set``; ValueError if it has none."""
    return _form(kind, form_set)[0]


def form_title(kind: DocumentKind, form_set: FormSet) -> str:
    """The translated title of ``kind`` in ``form_set`` (caps, as printed)."""
    return _(_form(kind, form_set)[1])


def _form(kind: DocumentKind, form_set: FormSet) -> tuple[str, str]:
    try:
        return _FORMS[form_set][kind]
    except KeyError:
        if kind is DocumentKind.STOP:
            raise ValueError(
                "the stop notice (Mẫu 05, Decree 118/2025 Art. 21) does not exist in the 2018 form "
                "set of Circular 01/2018/TT-VPCP; print it with FormSet.CIRCULAR_03_2025"
            ) from None
        raise ValueError(
            f"{kind.value!r} is not an official form of the {form_set.value} set"
        ) from None


def render_document(doc: Document) -> bytes:
    """Render ``doc`` as a PDF in the current language; the page size depends on the form."""
    if isinstance(doc, TrackingBook):
        return _tracking_book(doc)
    if isinstance(doc, DeliveryLabel):
        return _delivery_label(doc)
    if isinstance(doc, PaymentReceipt):
        return _payment_receipt(doc)
    if isinstance(doc, HandoverRecord):
        return _handover(doc)
    if isinstance(doc, DossierDocument):
        renderer = _DOSSIER_FORMS.get(doc.kind)
        if renderer is None:
            raise ValueError(
                f"a DossierDocument of kind {doc.kind.value!r} cannot be rendered; "
                "pass the TrackingBook / DeliveryLabel / PaymentReceipt / HandoverRecord instead"
            )
        return renderer(doc)
    raise TypeError(f"cannot render {type(doc).__name__}")


# --- pieces shared by the dossier forms --------------------------------------------------------


def _name(value: str) -> str:
    return markup(shorten(value, NAME_LIMIT))


def _barcode(code: str, width: float, height: float, module: float = 0.3 * mm) -> PixelImage:
    """Code128 of ``code``, quiet zones included, each module ``module`` wide (less if it must fit)."""
    image = code128_image(code, module_px=2, height_px=24)
    modules = image.width // 2
    drawn = min(width, modules * module)
    return PixelImage(image, drawn, height)


def _code_block(
    code: str, st: Styles, width: float, *, qr: bool, bar_height: float
) -> list[Flowable]:
    """``Mã hồ sơ: …`` in bold, its Code128 under it and, for Mẫu 01, the QR code beside them."""
    if not code.strip():
        return []
    code = code.strip()
    caption = Paragraph(labelled(_("Dossier code"), bold(code)), st["code"])
    if not qr:
        return [caption, _barcode(code, width * 0.8, bar_height), Spacer(1, 2 * mm)]
    qr_side = 19 * mm
    left_width = width - qr_side - 2 * mm
    left = [Spacer(1, 2 * mm), caption, _barcode(code, left_width, bar_height)]
    right = PixelImage(qr_image(code, module_px=4), qr_side, qr_side, h_align="RIGHT")
    return [
        tight_table(
            [[left, right]],
            [left_width + 2 * mm, qr_side],
            [("VALIGN", (0, 0), (0, 0), "MIDDLE"), ("ALIGN", (1, 0), (1, 0), "RIGHT")],
        ),
        Spacer(1, 3),
    ]


def _head(
    doc: DossierDocument,
    st: Styles,
    page: Page,
    *,
    dated: datetime,
    qr: bool = False,
    bar_height: float = 9 * mm,
) -> list[Flowable]:
    number, title = _form(doc.kind, doc.form_set)
    width = page.content_width
    flow: list[Flowable] = form_label(FormLabel(number, CIRCULARS[doc.form_set]), width, st)
    issuer = doc.agency_issuer or doc.issuer
    flow.append(
        national_header(
            authority=issuer.authority_name,
            issuer=issuer.centre_name,
            width=width,
            st=st,
            # The agency's own letter carries its document number, filled in by its registry.
            number_line=_("No.: {number}").format(number="…/…") if doc.agency_issuer else "",
            date_line=date_words(dated.date(), issuer.place_name or doc.issuer.place_name),
        )
    )
    flow.append(Paragraph(bold(_(title)), st["title"]))
    flow += _code_block(doc.dossier_code, st, width, qr=qr, bar_height=bar_height)
    return flow


def _issued(doc: DossierDocument) -> datetime:
    """The form's date: when the event that issued it happened, never when it is (re)printed."""
    return doc.issued_at or doc.printed_at


def _contacts(doc: DossierDocument, *, with_id: bool) -> list[str]:
    """Address, then ID / phone / email on one line: only what is filled in."""
    applicant = doc.applicant
    lines: list[str] = []
    if applicant.address.strip():
        lines.append(labelled(_("Address"), markup(shorten(applicant.address, 300))))
    parts: list[str] = []
    if with_id and applicant.id_number.strip():
        parts.append(labelled(_("ID number"), markup(shorten(applicant.id_number, 40))))
    if applicant.phone.strip():
        parts.append(labelled(_("Phone"), markup(shorten(applicant.phone, 40))))
    if applicant.email.strip():
        parts.append(labelled(_("Email"), markup(shorten(applicant.email, 80))))
    if parts:
        lines.append("; ".join(parts))
    return lines


def _procedure(doc: DossierDocument) -> str:
    name = _name(doc.procedure_name)
    if doc.procedure_code.strip():
        name += f" ({markup(shorten(doc.procedure_code, 40))})"
    return labelled(_("Procedure"), name)


def _request(doc: DossierDocument) -> str | None:
    if not doc.request_summary.strip():
        return None
    return labelled(_("Request"), markup(clip(doc.request_summary, SUMMARY_LIMIT)))


def _channel(value: str) -> str:
    try:
        return format_channel(Channel(value))
    except ValueError:
        return value


def _right_signature(signer: Signer, st: Styles, width: float) -> Table:
    """One signature box on the right half, as on notices signed by a single person."""
    box = signatures([signer], width / 2, st)
    return tight_table([["", box]], [width / 2, width / 2])


def _footer(doc: DossierDocument) -> str:
    parts = [markup(doc.dossier_code)] if doc.dossier_code.strip() else []
    parts.append(fill(_("Printed at {time}"), time=markup(format_datetime(doc.printed_at))))
    if doc.counter_name.strip():
        parts.append(markup(shorten(doc.counter_name, 40)))
    return " · ".join(parts)


def _build(doc: DossierDocument, story: list[Flowable], page: Page) -> bytes:
    title = form_title(doc.kind, doc.form_set)
    return build_pdf(
        story,
        page,
        title=f"{title} – {doc.dossier_code}",
        author=doc.issuer.centre_name,
        subject=doc.procedure_name,
        footer=_footer(doc),
    )


def _paragraphs(lines: Sequence[str | None], style: ParagraphStyle) -> list[Flowable]:
    return [Paragraph(line, style) for line in lines if line]


# --- Mẫu 01 receipt and appointment -------------------------------------------------------------


def _receipt(doc: DossierDocument) -> bytes:
    page = PAGE_A5
    st = styles(8)
    width = page.content_width
    story = _head(doc, st, page, dated=doc.received_at, qr=True)
    centre = _name(doc.issuer.centre_name) if doc.issuer.centre_name.strip() else ""
    applicant = bold(shorten(doc.applicant.name, NAME_LIMIT))
    if centre:
        intro = fill(_("{centre} received the dossier of: {name}"), centre=centre, name=applicant)
    else:
        intro = labelled(_("Dossier of"), applicant)
    lines: list[str | None] = [intro, *_contacts(doc, with_id=True)]
    if doc.owner_name.strip():
        lines.append(labelled(_("Dossier owner"), _name(doc.owner_name)))
    lines.append(labelled(_("Channel"), markup(_channel(doc.channel))))
    lines += [_procedure(doc), _request(doc)]
    if doc.agency_name.strip():
        lines.append(labelled(_("Deciding agency"), _name(doc.agency_name)))
    story += _paragraphs(lines, st["body"])

    story.append(CondPageBreak(22 * mm))
    story.append(Paragraph(markup("1. " + _("Dossier components submitted") + ":"), st["heading"]))
    if doc.components:
        story.append(_components(doc, st, width))
    else:
        story.append(Paragraph(markup(_("No documents were submitted.")), st["body"]))
    story.append(Spacer(1, 2))
    numbered: list[str] = [
        labelled("2. " + _("Number of sets"), markup(str(doc.sets))),
    ]
    if doc.duration is not None:
        numbered.append(
            labelled("3. " + _("Statutory processing time"), markup(format_duration(doc.duration)))
        )
    numbered.append(labelled("4. " + _("Received at"), markup(moment_words(doc.received_at))))
    if doc.appointment is not None:
        numbered.append(
            labelled("5. " + _("Appointment for the result"), bold(moment_words(doc.appointment)))
        )
    numbered.append(labelled("6. " + _("Where to collect the result"), _where(doc)))
    if doc.book_volume.strip() or doc.book_number.strip():
        numbered.append(
            fill(
                _("Entered in the dossier tracking book, volume {volume}, number {number}."),
                volume=markup(shorten(doc.book_volume, 20) or "…"),
                number=markup(shorten(doc.book_number, 20) or "…"),
            )
        )
    story += _paragraphs(numbered, st["body"])
    story.append(Spacer(1, 3 * mm))
    story.append(
        KeepTogether(
            signatures(
                [
                    Signer(_("APPLICANT"), doc.applicant.name),
                    Signer(_("RECEIVING OFFICER"), doc.staff_name),
                ],
                width,
                st,
            )
        )
    )
    return _build(doc, story, page)


def _components(doc: DossierDocument, st: Styles, width: float) -> Table:
    head = st["cell_head"]
    rows: list[list[object]] = [
        [
            Paragraph(markup(_("No.")), head),
            Paragraph(markup(_("Document name")), head),
            Paragraph(markup(_("Original")), head),
            Paragraph(markup(_("Certified copy")), head),
            Paragraph(markup(_("Plain copy")), head),
        ]
    ]
    for number, component in enumerate(doc.components, start=1):
        rows.append(
            [
                str(number),
                Paragraph(markup(clip(component.name, 600)), st["cell"]),
                _count(component.originals),
                _count(component.certified_copies),
                _count(component.photocopies),
            ]
        )
    fixed = [7 * mm, 13 * mm, 16 * mm, 13 * mm]
    widths = [fixed[0], width - sum(fixed), *fixed[1:]]
    style = grid_style()
    style += [
        ("FONT", (0, 1), (-1, -1), st["cell"].fontName, st["cell"].fontSize),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ALIGN", (2, 1), (-1, -1), "CENTER"),
    ]
    return Table(rows, colWidths=widths, repeatRows=1, splitInRow=1, style=TableStyle(style))


def _count(n: int) -> str:
    return str(n) if n > 0 else "—"


def _where(doc: DossierDocument) -> str:
    if doc.result_delivery is ResultDelivery.BY_POST:
        postal = doc.postal
        if postal is None or not postal.address.strip():
            return markup(_("By post (public postal service)"))
        return fill(
            _("By the public postal service to {address}"),
            address=markup(shorten(postal.address, 300)),
        )
    place = doc.issuer.centre_name.strip()
    # "Quầy 1 — Sở Nội vụ, Sở Ngoại vụ": the citizen needs the counter, not the agencies it serves
    counter = doc.counter_name.split(" — ", 1)[0].strip()
    if counter:
        place = f"{place}, {counter}" if place else counter
    if not place:
        return markup(_("At the counter that received the dossier."))
    return fill(_("At {centre}."), centre=markup(shorten(place, 200)))


# --- Mẫu 02 supplement, Mẫu 03 refusal ------------------------------------------------------------


def _supplement(doc: DossierDocument) -> bytes:
    page = PAGE_A5
    st = styles(8.5)
    story = _head(doc, st, page, dated=_issued(doc))
    lines: list[str | None] = [
        labelled(_("Dossier of"), bold(shorten(doc.applicant.name, NAME_LIMIT))),
        *_contacts(doc, with_id=False),
        _procedure(doc),
        _request(doc),
    ]
    story += _paragraphs(lines, st["body"])
    story.append(
        Paragraph(markup(_("The dossier must be supplemented and completed with:")), st["heading"])
    )
    missing = doc.missing_components or ("…",)
    for number, item in enumerate(missing, start=1):
        story.append(Paragraph(f"{number}. {markup(clip(item, 600))}", st["body"]))
    if doc.reason.strip():
        story.append(
            Paragraph(labelled(_("Reason"), markup(clip(doc.reason, REASON_LIMIT))), st["body"])
        )
    # The guiding officer and their phone; with no officer recorded, the section itself (never a blank).
    guide = doc.staff_name.strip() or doc.issuer.centre_name.strip() or "…"
    phone = doc.staff_phone.strip() or ("" if doc.staff_name.strip() else doc.issuer.centre_phone.strip())
    if phone:
        contact = fill(
            _(
                "If anything is unclear while completing the dossier, please contact "
                "{name}, phone {phone}, for guidance."
            ),
            name=_name(guide),
            phone=markup(shorten(phone, 40)),
        )
    else:
        contact = fill(
            _(
                "If anything is unclear while completing the dossier, please contact {name} for guidance."
            ),
            name=_name(guide),
        )
    story.append(Paragraph(contact, st["body"]))
    story.append(Spacer(1, 3 * mm))
    story.append(
        KeepTogether(
            _right_signature(Signer(_("GUIDING OFFICER"), doc.staff_name), st, page.content_width)
        )
    )
    return _build(doc, story, page)


def _refusal(doc: DossierDocument) -> bytes:
    page = PAGE_A5
    st = styles(8.5)
    story = _head(doc, st, page, dated=_issued(doc))
    centre = _name(doc.issuer.centre_name or "…")
    lines: list[str | None] = [
        fill(
            _("{centre} received the dossier of: {name}"),
            centre=centre,
            name=bold(shorten(doc.applicant.name, NAME_LIMIT)),
        ),
        *_contacts(doc, with_id=False),
        _procedure(doc),
        _request(doc),
        fill(
            _(
                "After examining the dossier against the regulations, {centre} does not accept "
                "this dossier for processing, for the following reason:"
            ),
            centre=centre,
        ),
    ]
    story += _paragraphs(lines, st["body"])
    story.append(Paragraph(markup(clip(doc.reason, REASON_LIMIT) or "…"), st["body_bold"]))
    story.append(Paragraph(markup(_("We notify you accordingly.")), st["body"]))
    story.append(Spacer(1, 3 * mm))
    story.append(
        KeepTogether(
            _right_signature(Signer(_("RECEIVING OFFICER"), doc.staff_name), st, page.content_width)
        )
    )
    return _build(doc, story, page)


# --- Mẫu 04 apology, Mẫu 05 stop notice -------------------------------------------------------------


def _addressee(doc: DossierDocument, st: Styles) -> Paragraph:
    return Paragraph(
        fill(_("To: {name}"), name=bold(shorten(doc.applicant.name, NAME_LIMIT))), st["subtitle"]
    )


def _agency(doc: DossierDocument) -> str:
    return _name(doc.agency_name or doc.issuer.centre_name or "…")


def _apology(doc: DossierDocument) -> bytes:
    page = PAGE_A4
    st = styles(10.5)
    story = _head(doc, st, page, dated=_issued(doc), bar_height=11 * mm)
    story.append(_addressee(doc, st))
    deadline = doc.statutory_deadline or doc.appointment
    agency = _agency(doc)
    lines: list[str | None] = [
        fill(
            _("On {date}, {centre} received the dossier of {name}."),
            date=markup(format_date(doc.received_at.date())),
            centre=_name(doc.issuer.centre_name or "…"),
            name=bold(shorten(doc.applicant.name, NAME_LIMIT)),
        ),
        _procedure(doc),
        _request(doc),
    ]
    if deadline is not None:
        lines.append(
            labelled(_("Deadline for returning the result"), markup(moment_words(deadline)))
        )
    lines.append(
        fill(
            _("{agency} has not yet been able to return the result of this dossier."), agency=agency
        )
    )
    if doc.reason.strip():
        lines.append(labelled(_("Reason"), markup(clip(doc.reason, REASON_LIMIT))))
    lines.append(markup(_("We regret the inconvenience, cost and effort this delay causes you.")))
    new = markup(moment_words(doc.new_appointment)) if doc.new_appointment else "…"
    if doc.form_set is FormSet.CIRCULAR_01_2018:
        promise = _("{agency} apologises and will return the result on {date}.")
    else:
        promise = _(
            "{agency} apologises and asks to extend the processing time; the result will be "
            "returned on {date}."
        )
    lines.append(fill(promise, agency=agency, date=f"<b>{new}</b>"))
    lines.append(markup(_("Thank you for your understanding and cooperation.")))
    story += _paragraphs(lines, st["body"])
    story.append(Spacer(1, 4 * mm))
    story.append(KeepTogether(_right_signature(_head_of_agency(), st, page.content_width)))
    return _build(doc, story, page)


def _head_of_agency() -> Signer:
    return Signer(_("HEAD OF THE AGENCY"), hint=_("(Signature, full name and seal)"))


def _stop(doc: DossierDocument) -> bytes:
    page = PAGE_A5
    st = styles(8.5)
    story = _head(doc, st, page, dated=_issued(doc))
    story.append(_addressee(doc, st))
    lines: list[str | None] = [
        labelled(_("Dossier of"), bold(shorten(doc.applicant.name, NAME_LIMIT))),
        _procedure(doc),
        _request(doc),
        labelled(_("Received at"), markup(moment_words(doc.received_at))),
    ]
    if doc.stop_requested_on is not None:
        lines.append(
            fill(
                _("On {date} the applicant asked to stop the processing of the dossier."),
                date=markup(format_date(doc.stop_requested_on)),
            )
        )
    if doc.reason.strip():
        lines.append(labelled(_("Reason"), markup(clip(doc.reason, REASON_LIMIT))))
    lines.append(
        fill(
            _("{agency} gives notice that the processing of this dossier has stopped."),
            agency=_agency(doc),
        )
    )
    story += _paragraphs(lines, st["body"])
    story.append(Spacer(1, 3 * mm))
    story.append(KeepTogether(_right_signature(_head_of_agency(), st, page.content_width)))
    return _build(doc, story, page)


# --- Mẫu 06 control sheet ----------------------------------------------------------------------------


def _control(doc: DossierDocument) -> bytes:
    page = PAGE_A4
    st = styles(10)
    width = page.content_width
    story = _head(doc, st, page, dated=_issued(doc), bar_height=11 * mm)
    story.append(
        Paragraph(
            markup(_("(Attached to the receipt of dossier and appointment for results)")),
            st["subtitle"],
        )
    )
    lines: list[str | None] = [
        labelled(_("Applicant"), bold(shorten(doc.applicant.name, NAME_LIMIT))),
        _procedure(doc),
        labelled(_("Deciding agency"), _agency(doc)),
        labelled(_("Received at"), markup(moment_words(doc.received_at))),
    ]
    if doc.appointment is not None:
        lines.append(labelled(_("Appointment for the result"), bold(moment_words(doc.appointment))))
    story += _paragraphs(lines, st["body"])
    story.append(Spacer(1, 2 * mm))

    head = st["cell_head"]
    cell = st["cell"]
    rows: list[list[object]] = [
        [
            Paragraph(markup(_("No.")), head),
            Paragraph(markup(_("Handed over by")), head),
            Paragraph(markup(_("Received by")), head),
            Paragraph(markup(_("Time of hand-over")), head),
            Paragraph(markup(_("Result (early / on time / late)")), head),
            Paragraph(markup(_("Note")), head),
            Paragraph(markup(_("Signatures")), head),
        ]
    ]
    fixed = [8 * mm, 20 * mm, 18 * mm, 40 * mm, 24 * mm]
    widths = [fixed[0], (width - sum(fixed)) / 2, (width - sum(fixed)) / 2, *fixed[1:]]
    for number, row in enumerate(doc.control_rows, start=1):
        rows.append(
            [
                str(number),
                Paragraph(markup(clip(row.handed_by, CELL_LIMIT)), cell),
                Paragraph(markup(clip(row.received_by, CELL_LIMIT)), cell),
                Paragraph(markup(short_moment(row.handed_at)), st["cell_centre"]),
                Paragraph(
                    _(_TIMELINESS[row.timeliness]) if row.timeliness else "", st["cell_centre"]
                ),
                _note_cell(row.note, cell, widths[5] - 4),
                "",
            ]
        )
    first_blank = len(rows)
    for number in range(len(doc.control_rows) + 1, len(doc.control_rows) + 1 + BLANK_CONTROL_ROWS):
        rows.append([str(number), "", "", "", "", "", ""])
    style = grid_style()
    style += [
        ("FONT", (0, 1), (-1, -1), cell.fontName, cell.fontSize),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("TOPPADDING", (0, first_blank), (-1, -1), 5 * mm),
        ("BOTTOMPADDING", (0, first_blank), (-1, -1), 5 * mm),
        ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
    ]
    for index in range(1, len(doc.control_rows) + 1):
        style.append(("BOTTOMPADDING", (0, index), (-1, index), 6 * mm))
    story.append(Table(rows, colWidths=widths, repeatRows=1, splitInRow=1, style=TableStyle(style)))
    return _build(doc, story, page)


def _note_cell(note: str, style: ParagraphStyle, width: float) -> Paragraph:
    """A note of the control sheet: a batch or postal item code stays whole on one line."""
    note = note.strip()
    if note and len(note.split()) == 1:
        return one_line(note, style, width)
    return Paragraph(markup(clip(note, CELL_LIMIT)), style)


_DOSSIER_FORMS: dict[DocumentKind, Callable[[DossierDocument], bytes]] = {
    DocumentKind.RECEIPT: _receipt,
    DocumentKind.SUPPLEMENT: _supplement,
    DocumentKind.REFUSAL: _refusal,
    DocumentKind.APOLOGY: _apology,
    DocumentKind.STOP: _stop,
    DocumentKind.CONTROL: _control,
}


# --- Mẫu 07 tracking book ----------------------------------------------------------------------------


def _cell_moment(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return f"{moment:%H:%M}\n{moment.day:02d}/{moment.month:02d}/{moment.year:04d}"


def _tracking_book(book: TrackingBook) -> bytes:
    page = PAGE_BOOK
    st = styles(9)
    width = page.content_width
    number, title = _form(DocumentKind.BOOK, book.form_set)
    story: list[Flowable] = form_label(FormLabel(number, CIRCULARS[book.form_set]), width, st)
    story.append(
        national_header(
            authority=book.issuer.authority_name,
            issuer=book.issuer.centre_name,
            width=width,
            st=st,
            left_share=0.5,
        )
    )
    story.append(Paragraph(bold(_(title)), st["title"]))
    period = fill(
        _("From {start} to {end}"),
        start=markup(format_date(book.period_from)),
        end=markup(format_date(book.period_to)),
    )
    story.append(Paragraph(period, st["subtitle"]))
    story.append(Spacer(1, 2 * mm))
    story.append(_book_table(book.rows, width))
    footer = " · ".join(
        [
            markup(_(title).capitalize()),
            markup(shorten(book.issuer.centre_name, 80)),
            period,
            fill(_("Printed at {time}"), time=markup(format_datetime(book.printed_at))),
        ]
    )
    return build_pdf(
        story, page, title=_(title), author=book.issuer.centre_name, subject=period, footer=footer
    )


BOOK_COLUMNS: tuple[tuple[str, float], ...] = (  # widths in mm; cells at 7 pt fit codes and dates
    (N_("No."), 8),
    (N_("Dossier code"), 37.5),
    (N_("Procedure"), 31),
    (N_("Sets"), 8),
    (N_("Applicant"), 25),
    (N_("Address, phone"), 27),
    (N_("Lead agency"), 25),
    (N_("Received"), 15.5),
    (N_("Appointment"), 15.5),
    (N_("Sent to the agency"), 15.5),
    (N_("Result back from the agency"), 15.5),
    (N_("Result returned"), 15.5),
    (N_("Recipient's signature"), 16),
    (N_("Note"), 0),  # the rest
)


def _book_table(rows: Sequence[BookRow], width: float) -> Table:
    st = styles(8.5)
    head = st["cell_head"]
    cell = st["cell"]
    fixed = sum(w for _label, w in BOOK_COLUMNS) * mm
    widths = [(w * mm if w else width - fixed) for _label, w in BOOK_COLUMNS]
    data: list[list[object]] = [[Paragraph(markup(_(label)), head) for label, _w in BOOK_COLUMNS]]
    text = partial(_book_cell, style=cell)
    for row in rows:
        data.append(
            [
                str(row.number),
                row.dossier_code,
                text(row.procedure_name),
                str(row.sets),
                text(row.applicant_name),
                text(row.applicant_contact),
                text(row.agency_name),
                _cell_moment(row.received_at),
                _cell_moment(row.appointment),
                _cell_moment(row.transferred_at),
                _cell_moment(row.result_back_at),
                _cell_moment(row.returned_at),
                "",
                text(_(_BOOK_NOTES[row.note]) if row.note in _BOOK_NOTES else row.note),
            ]
        )
    style = grid_style()
    style += [
        ("FONT", (0, 1), (-1, -1), cell.fontName, cell.fontSize, cell.leading),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ALIGN", (3, 1), (3, -1), "CENTER"),
        ("ALIGN", (7, 1), (11, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 1.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1.5),
    ]
    return Table(data, colWidths=widths, repeatRows=1, splitInRow=1, style=TableStyle(style))


def _book_cell(value: str, *, style: ParagraphStyle) -> Paragraph:
    """Free text of a book row: wraps within its column, cut at ``CELL_LIMIT`` characters."""
    return Paragraph(markup(clip(value, CELL_LIMIT)), style)


# --- delivery label --------------------------------------------------------------------------------


def mask_id_number(number: str) -> str:
    """Only the last four characters of an ID number: ``********5678``."""
    compact = "".join(number.split())
    if len(compact) <= 4:
        return "*" * len(compact)
    return "*" * (len(compact) - 4) + compact[-4:]


def _delivery_label(label: DeliveryLabel) -> bytes:
    page = PAGE_LABEL
    st = styles(9)
    width = page.content_width
    item = label.item_code.strip()
    story: list[Flowable] = [
        Paragraph(bold(_("PUBLIC POSTAL SERVICE")), st["title"]),
        Paragraph(markup(_("Result of an administrative procedure")), st["subtitle"]),
    ]
    if item:
        story.append(_barcode(item, width, 18 * mm, module=0.42 * mm))
        story.append(Paragraph(bold(item), st["code"]))
    story.append(Spacer(1, 2 * mm))
    sender = [
        Paragraph(bold(_("From") + ":"), st["cell_bold"]),
        Paragraph(_name(label.sender.centre_name), st["cell"]),
    ]
    if label.sender.centre_address.strip():
        sender.append(Paragraph(markup(shorten(label.sender.centre_address, 200)), st["cell"]))
    if label.sender.centre_phone.strip():
        sender.append(
            Paragraph(labelled(_("Phone"), markup(label.sender.centre_phone)), st["cell"])
        )
    big = styles(11.5)
    receiver: list[Flowable] = [
        Paragraph(bold(_("To") + ":"), st["body_bold"]),
        Paragraph(bold(shorten(label.receiver_name, 120)), big["body"]),
        Paragraph(labelled(_("Phone"), markup(shorten(label.receiver_phone, 40))), big["body"]),
        Paragraph(markup(shorten(label.receiver_address, 300)), big["body"]),
    ]
    if label.receiver_id_number.strip():
        receiver.append(
            Paragraph(
                labelled(_("ID number"), markup(mask_id_number(label.receiver_id_number))),
                st["body"],
            )
        )
    boxes = Table(
        [[sender], [receiver]],
        colWidths=[width],
        style=TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, "black"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, "black"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        ),
    )
    story.append(boxes)
    story.append(Spacer(1, 2 * mm))
    facts = [
        labelled(_("Dossier code"), markup(label.dossier_code)),
        labelled(_("Postal charge"), markup(format_money(label.charge))),
    ]
    if label.note.strip():
        facts.append(labelled(_("Note"), markup(shorten(label.note, 200))))
    facts.append(fill(_("Printed at {time}"), time=markup(format_datetime(label.printed_at))))
    story += [Paragraph(line, st["cell"]) for line in facts]
    return build_pdf(
        story,
        page,
        title=f"{_('PUBLIC POSTAL SERVICE')} – {item}",
        author=label.sender.centre_name,
        numbered=False,
    )


# --- payment receipt -------------------------------------------------------------------------------


def _payment_receipt(receipt: PaymentReceipt) -> bytes:
    page = PAGE_A5
    st = styles(8.5)
    width = page.content_width
    story: list[Flowable] = [
        national_header(
            authority=receipt.issuer.authority_name,
            issuer=receipt.issuer.centre_name,
            width=width,
            st=st,
            number_line=_("No.: {number}").format(number=shorten(receipt.receipt_number, 40)),
            date_line=date_words(receipt.paid_at.date(), receipt.issuer.place_name),
        ),
        Paragraph(bold(_("INTERNAL CASH SLIP")), st["title"]),
        # The collecting agency issues the legal receipt (form, series, tax code): this slip is not it.
        Paragraph(f"<i>{markup(_('(Does not replace the receipt for fees and charges)'))}</i>", st["subtitle"]),
        Spacer(1, 2 * mm),
    ]
    lines = [labelled(_("Payer"), bold(shorten(receipt.payer_name, NAME_LIMIT)))]
    if receipt.dossier_code.strip():
        lines.append(labelled(_("Dossier code"), markup(receipt.dossier_code)))
    if receipt.procedure_name.strip():
        lines.append(labelled(_("Procedure"), markup(clip(receipt.procedure_name, 300))))
    if receipt.agency_name.strip():
        lines.append(labelled(_("Collected for"), markup(clip(receipt.agency_name, 200))))
    lines.append(labelled(_("Paid at"), markup(format_datetime(receipt.paid_at))))
    lines.append(labelled(_("Payment method"), markup(_payment_method(receipt.method))))
    story += [Paragraph(line, st["body"]) for line in lines]
    story.append(Spacer(1, 2 * mm))
    head = st["cell_head"]
    rows: list[list[object]] = [
        [
            Paragraph(markup(_("No.")), head),
            Paragraph(markup(_("Fee or charge")), head),
            Paragraph(markup(_("Amount")), head),
        ]
    ]
    for number, line in enumerate(receipt.lines, start=1):
        rows.append(
            [
                str(number),
                Paragraph(markup(clip(line.name, 300)), st["cell"]),
                Paragraph(markup(format_amount(line.amount)), st["cell_right"]),
            ]
        )
    rows.append(
        [
            Paragraph(markup(_("Total")), st["cell_total"]),
            "",
            Paragraph(markup(format_amount(receipt.total)), st["cell_total"]),
        ]
    )
    fixed = [8 * mm, 28 * mm]
    style = grid_style()
    style += [
        ("SPAN", (0, -1), (1, -1)),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("FONT", (0, 1), (-1, -1), st["cell"].fontName, st["cell"].fontSize),
    ]
    story.append(
        Table(
            rows,
            colWidths=[fixed[0], width - sum(fixed), fixed[1]],
            repeatRows=1,
            splitInRow=1,
            style=TableStyle(style),
        )
    )
    story.append(Spacer(1, 1 * mm))
    story.append(Paragraph(labelled(_("Amount in words"), f"<i>{markup(amount_in_words(receipt.total))}</i>"), st["body"]))
    story.append(
        Paragraph(
            markup(_("The receipt for fees and charges is issued by {agency} as the law requires.").format(
                agency=receipt.agency_name.strip() or _("the collecting agency")
            )),
            st["body"],
        )
    )
    story.append(Spacer(1, 3 * mm))
    story.append(
        KeepTogether(
            signatures(
                [
                    Signer(_("PAYER"), receipt.payer_name),
                    Signer(_("COLLECTOR"), receipt.staff_name),
                ],
                width,
                st,
            )
        )
    )
    footer = [markup(receipt.receipt_number)]
    if receipt.counter_name.strip():
        footer.append(markup(shorten(receipt.counter_name, 40)))
    return build_pdf(
        story,
        page,
        title=f"{_('INTERNAL CASH SLIP')} – {receipt.receipt_number}",
        author=receipt.issuer.centre_name,
        footer=" · ".join(footer),
    )


def _payment_method(method: str) -> str:
    label = _METHODS.get(method)
    return _(label) if label else method


# --- hand-over record --------------------------------------------------------------------------------


def _handover(record: HandoverRecord) -> bytes:
    page = PAGE_A4
    st = styles(10)
    width = page.content_width
    story: list[Flowable] = [
        national_header(
            authority=record.issuer.authority_name,
            issuer=record.issuer.centre_name,
            width=width,
            st=st,
            number_line=_("No.: {number}").format(number=shorten(record.batch_code, 40)),
            date_line=date_words(record.handed_at.date(), record.issuer.place_name),
        ),
        Paragraph(bold(_("RECORD OF DOSSIER HAND-OVER")), st["title"]),
    ]
    if record.batch_code.strip():
        story.append(_barcode(record.batch_code.strip(), width * 0.6, 10 * mm))
        story.append(Spacer(1, 2 * mm))
    lines = [
        fill(
            _("At {time}, {centre} hands over to {agency} the dossiers listed below."),
            time=markup(moment_words(record.handed_at)),
            centre=_name(record.issuer.centre_name or "…"),
            agency=bold(shorten(record.agency_name, NAME_LIMIT)),
        ),
        labelled(_("Handed over by"), _name(record.staff_name)),
        labelled(_("Received by"), _name(record.receiver_name or "…")),
    ]
    story += [Paragraph(line, st["body"]) for line in lines]
    story.append(Spacer(1, 2 * mm))
    story.append(_handover_table(record.dossiers, width, st))
    sets = sum(row.sets for row in record.dossiers)
    story.append(Spacer(1, 2 * mm))
    story.append(
        Paragraph(
            markup(
                _("Number of dossiers: {count}; number of sets: {sets}.").format(
                    count=len(record.dossiers), sets=sets
                )
            ),
            st["body_bold"],
        )
    )
    story.append(Spacer(1, 4 * mm))
    story.append(
        KeepTogether(
            signatures(
                [
                    Signer(_("HANDED OVER BY"), record.staff_name),
                    Signer(_("RECEIVED BY"), record.receiver_name),
                ],
                width,
                st,
            )
        )
    )
    footer = fill(_("Printed at {time}"), time=markup(format_datetime(record.handed_at)))
    return build_pdf(
        story,
        page,
        title=f"{_('RECORD OF DOSSIER HAND-OVER')} – {record.batch_code}",
        author=record.issuer.centre_name,
        footer=f"{markup(record.batch_code)} · {footer}",
    )


def _handover_table(rows: Sequence[BookRow], width: float, st: Styles) -> Table:
    head = st["cell_head"]
    cell = st["cell"]
    columns = (
        (N_("No."), 9),
        (N_("Dossier code"), 42),
        (N_("Procedure"), 0),
        (N_("Applicant"), 32),
        (N_("Sets"), 10),
        (N_("Received"), 19),
        (N_("Appointment"), 19),
    )
    fixed = sum(w for _label, w in columns) * mm
    widths = [(w * mm if w else width - fixed) for _label, w in columns]
    data: list[list[object]] = [[Paragraph(markup(_(label)), head) for label, _w in columns]]
    for number, row in enumerate(rows, start=1):
        data.append(
            [
                str(number),
                row.dossier_code,
                Paragraph(markup(clip(row.procedure_name, CELL_LIMIT)), cell),
                Paragraph(markup(clip(row.applicant_name, 120)), cell),
                str(row.sets),
                _cell_moment(row.received_at),
                _cell_moment(row.appointment),
            ]
        )
    style = grid_style()
    style += [
        ("FONT", (0, 1), (-1, -1), cell.fontName, cell.fontSize - 0.5, cell.leading - 0.5),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ALIGN", (4, 1), (-1, -1), "CENTER"),
    ]
    return Table(data, colWidths=widths, repeatRows=1, splitInRow=1, style=TableStyle(style))


__all__ = [
    "CIRCULARS",
    "Document",
    "form_number",
    "form_title",
    "mask_id_number",
    "render_document",
]
