"""Reports as files (issue 13): PDF (reportlab, A4, Vietnamese fonts, charts), Excel .xlsx, CSV.

Every export renders a ``services/report_documents.ReportDocument``: the same tables everywhere.
The PDF is laid out like a province's periodic one-stop report (unit and national motto on top,
title, reporting period, tables with a total line, charts, notes); the effectiveness summary fits
one page. Excel keeps numbers, shares and dates as real cells; CSV is UTF-8 with a BOM so Excel
opens the Vietnamese text.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date
from typing import Any

from counter_app.printing.fonts import RENDER_LOCK, register_fonts
from counter_app.services.i18n import _
from counter_app.services.report_documents import (
    DATE,
    FLOAT,
    INT,
    PERCENT,
    Chart,
    ReportDocument,
    Table,
)

FORMATS = ("pdf", "xlsx", "csv")


def export(document: ReportDocument, fmt: str) -> bytes:
    if fmt == "pdf":
        return to_pdf(document)
    if fmt == "xlsx":
        return to_xlsx(document)
    if fmt == "csv":
        return to_csv(document)
    raise ValueError(f"unknown report format {fmt!r}")


def _period_text(document: ReportDocument) -> str:
    start, end = document.period
    return _("Reporting period: from {start} to {end}").format(start=start.strftime("%d/%m/%Y"),
                                                               end=end.strftime("%d/%m/%Y"))


def format_cell(value: Any, kind: str) -> str:
    """A cell as people read it: 1.234 and 87,5 % (Vietnamese separators); "—" for no data."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == PERCENT and isinstance(value, (int, float)):
        return f"{value * 100:.1f} %".replace(".", ",")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        return text.replace(",", " ").replace(".", ",").replace(" ", ".")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


# -- PDF ------------------------------------------------------------------------------------------------


def to_pdf(document: ReportDocument) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    fonts = register_fonts()
    wide = max((len(t.columns) for t in document.tables), default=0) > 9
    pagesize = landscape(A4) if wide else A4
    small = document.one_page
    size = 6.5 if (small or wide) else 8
    body = ParagraphStyle("body", fontName=fonts.regular, fontSize=size, leading=size * 1.2)
    head = ParagraphStyle("head", parent=body, fontName=fonts.bold, alignment=TA_CENTER)
    title = ParagraphStyle("title", parent=body, fontName=fonts.bold, fontSize=13, leading=16, alignment=TA_CENTER,
                           spaceAfter=2)
    centred = ParagraphStyle("centred", parent=body, fontSize=9, leading=11, alignment=TA_CENTER)
    heading = ParagraphStyle("heading", parent=body, fontName=fonts.bold, fontSize=9.5, leading=12, spaceBefore=4,
                             spaceAfter=2)
    out = io.BytesIO()
    margin = 10 * mm if small else 14 * mm
    doc = SimpleDocTemplate(out, pagesize=pagesize, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin, title=document.title, author="Quầy một cửa")
    width = pagesize[0] - 2 * margin
    # Official headings are Vietnamese whatever the screen language (like the printed forms).
    top = PdfTable([[Paragraph(_esc(document.unit.upper()), head),
                     Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br/>Độc lập - Tự do - Hạnh phúc", head)],
                    [Paragraph("BỘ PHẬN MỘT CỬA", head), ""]], colWidths=[width * 0.45, width * 0.55])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[Any] = [top, Spacer(1, 3 * mm), Paragraph(_esc(document.title.upper()), title),
                        Paragraph(_esc(_period_text(document)), centred), Spacer(1, 2 * mm)]
    for table in document.tables:
        story.append(KeepTogether([Paragraph(_esc(table.title), heading), *_pdf_table(table, width, body, head, colors,
                                                                                       PdfTable, TableStyle, Paragraph)]))
    charts = document.charts[:1] if small else document.charts
    for chart in charts:
        story.append(Paragraph(_esc(chart.title), heading))
        story.append(_drawing(chart, width, 45 * mm if small else 70 * mm, fonts.regular))
    for note in document.notes:
        story.append(Paragraph(_esc(note), body))
    with RENDER_LOCK:
        doc.build(story)
    return out.getvalue()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pdf_table(table: Table, width: float, body: Any, head: Any, colors: Any, PdfTable: Any, TableStyle: Any,
               Paragraph: Any) -> list[Any]:
    if not table.rows and table.total is None:
        return [Paragraph(_esc(_("No data in this period.")), body)]
    n = len(table.columns)
    first = width * (0.28 if n > 4 else 0.4)
    widths = [first] + [(width - first) / max(1, n - 1)] * (n - 1)
    data = [[Paragraph(_esc(c.title), head) for c in table.columns]]
    for row in table.rows + ([table.total] if table.total is not None else []):
        data.append([Paragraph(_esc(format_cell(v, c.kind)), body) for v, c in zip(row, table.columns, strict=True)])
    pdf = PdfTable(data, colWidths=widths, repeatRows=1)
    style = [("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 1),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    if table.total is not None:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f3f3f3")))
    pdf.setStyle(TableStyle(style))
    return [pdf]


def _drawing(chart: Chart, width: float, height: float, font: str) -> Any:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors

    palette = [colors.HexColor("#1f5fa8"), colors.HexColor("#e8912d"), colors.HexColor("#3a9a4a"),
               colors.HexColor("#b23a48")]
    drawing = Drawing(width, height)
    if not chart.labels or not chart.series:
        drawing.add(String(4, height / 2, _("No data in this period."), fontName=font, fontSize=8))
        return drawing
    if chart.kind == "heat":
        values = [v for _, row in chart.series for v in row if not math.isnan(v)]
        top = max(values, default=0) or 1
        left, cell_w = 30, (width - 34) / len(chart.labels)
        cell_h = (height - 14) / len(chart.series)
        for r, (label, row) in enumerate(chart.series):
            y = height - 14 - (r + 1) * cell_h
            drawing.add(String(0, y + cell_h / 3, label, fontName=font, fontSize=6))
            for c, value in enumerate(row):
                shade = 1 - 0.85 * (value / top)
                drawing.add(Rect(left + c * cell_w, y, cell_w - 1, cell_h - 1, strokeColor=None,
                                 fillColor=colors.Color(shade, shade * 0.95 + 0.05, 1)))
        for c, label in enumerate(chart.labels):
            drawing.add(String(left + c * cell_w + 2, height - 10, label, fontName=font, fontSize=6))
        return drawing
    plot = VerticalBarChart() if chart.kind == "bar" else HorizontalLineChart()
    plot.x, plot.y, plot.width, plot.height = 30, 22, width * 0.72, height - 30
    plot.data = [[0.0 if math.isnan(v) else v for v in values] for _, values in chart.series]
    plot.categoryAxis.categoryNames = [label[:18] for label in chart.labels]
    plot.categoryAxis.labels.fontName = font
    plot.categoryAxis.labels.fontSize = 5.5
    plot.categoryAxis.labels.angle = 30 if len(chart.labels) > 6 else 0
    plot.categoryAxis.labels.boxAnchor = "ne" if len(chart.labels) > 6 else "n"
    plot.valueAxis.labels.fontName = font
    plot.valueAxis.labels.fontSize = 6
    plot.valueAxis.valueMin = 0
    for i in range(len(chart.series)):
        if chart.kind == "bar":
            plot.bars[i].fillColor = palette[i % len(palette)]
        else:
            plot.lines[i].strokeColor = palette[i % len(palette)]
    drawing.add(plot)
    legend = Legend()
    legend.x, legend.y = width * 0.78, height - 10
    legend.fontName, legend.fontSize = font, 7
    legend.colorNamePairs = [(palette[i % len(palette)], name) for i, (name, _v) in enumerate(chart.series)]
    drawing.add(legend)
    return drawing


# -- Excel ----------------------------------------------------------------------------------------------


def to_xlsx(document: ReportDocument) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for index, table in enumerate(document.tables):
        sheet = book.create_sheet(_sheet_name(table.title, index, used))
        sheet.append([document.title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([document.unit])
        sheet.append([_("From"), document.period[0], _("to"), document.period[1]])
        for cell in ("B3", "D3"):
            sheet[cell].number_format = "DD/MM/YYYY"
        sheet.append([table.title])
        sheet.append([c.title for c in table.columns])
        for i in range(len(table.columns)):
            sheet.cell(row=5, column=i + 1).font = Font(bold=True)
        rows = table.rows + ([table.total] if table.total is not None else [])
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
            line = sheet.max_row
            for i, column in enumerate(table.columns):
                cell = sheet.cell(row=line, column=i + 1)
                if column.kind == PERCENT:
                    cell.number_format = "0.0%"
                elif column.kind == FLOAT:
                    cell.number_format = "0.00"
                elif column.kind == INT:
                    cell.number_format = "#,##0"
                elif column.kind == DATE:
                    cell.number_format = "DD/MM/YYYY"
        if table.total is not None:
            for i in range(len(table.columns)):
                sheet.cell(row=sheet.max_row, column=i + 1).font = Font(bold=True)
        if index == 0:
            for note in document.notes:
                sheet.append([])
                sheet.append([note])
        sheet.column_dimensions["A"].width = 40
    if not document.tables:
        book.create_sheet(_("Report")).append([document.title])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _sheet_name(title: str, index: int, used: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or f"{index + 1}"
    while name in used:
        name = f"{name[:25]} {index + 1}"
    used.add(name)
    return name


# -- CSV ----------------------------------------------------------------------------------------------


def to_csv(document: ReportDocument) -> bytes:
    """All tables one after the other (title line, header, rows, total, blank line); UTF-8 with BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([document.title])
    writer.writerow([document.unit])
    writer.writerow([_("From"), document.period[0].isoformat(), _("to"), document.period[1].isoformat()])
    for table in document.tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow([c.title for c in table.columns])
        for row in table.rows + ([table.total] if table.total is not None else []):
            writer.writerow(["" if v is None or (isinstance(v, float) and math.isnan(v)) else
                             (v.isoformat() if isinstance(v, date) else v) for v in row])
    for note in document.notes:
        writer.writerow([])
        writer.writerow([note])
    return out.getvalue().encode("utf-8-sig")
