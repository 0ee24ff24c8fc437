"""Charts of the Reports screen drawn with QPainter: bars, lines and the hour × weekday heat map.

A ``ChartView`` draws one ``services.report_documents.Chart`` (the chart the PDF export draws too), so
the screen and the exports show the same figures. After each paint ``marks`` holds what was drawn
where (a bar, a point, a heat-map cell) with its value: the tooltips read it, and so do the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from counter_app.services.i18n import _
from counter_app.services.report_documents import Chart

SERIES_COLOURS = ("#1f5fa8", "#e08a1e", "#2e8b57", "#b03a48", "#6a4c93", "#4a90a4")
HEAT_LOW, HEAT_HIGH = QColor("#f3f7fc"), QColor("#0b3d78")
MARGIN = 8


@dataclass(frozen=True, slots=True)
class Mark:
    """One drawn figure: the series (or heat-map row), the label (column) and its value."""

    series: str
    label: str
    value: float
    rect: QRectF


def number_text(value: float) -> str:
    """A chart's number as people read it (1.234; 2,5)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def heat_colour(value: float, top: float) -> QColor:
    """The heat-map colour of ``value`` on a scale whose darkest is ``top``."""
    share = 0.0 if top <= 0 else max(0.0, min(1.0, value / top))
    return QColor(
        round(HEAT_LOW.red() + (HEAT_HIGH.red() - HEAT_LOW.red()) * share),
        round(HEAT_LOW.green() + (HEAT_HIGH.green() - HEAT_LOW.green()) * share),
        round(HEAT_LOW.blue() + (HEAT_HIGH.blue() - HEAT_LOW.blue()) * share),
    )


class ChartView(QWidget):
    """One chart of a report, drawn to fit the widget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportChart")
        self.setMinimumSize(260, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._chart: Chart | None = None
        self.marks: list[Mark] = []

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(480, 260)

    def chart(self) -> Chart | None:
        return self._chart

    def set_chart(self, chart: Chart | None) -> None:
        self._chart = chart
        self.marks = []
        self.setToolTip("")
        self.update()

    # -- painting ------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        self.marks = []
        chart = self._chart
        metrics = painter.fontMetrics()
        if chart is None:
            painter.end()
            return
        painter.setPen(QColor("#222"))
        title = QRectF(MARGIN, MARGIN / 2, self.width() - 2 * MARGIN, metrics.height() + 4)
        painter.drawText(title, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(chart.title, Qt.TextElideMode.ElideRight, int(title.width())))
        area = QRectF(MARGIN, title.bottom() + 4, self.width() - 2 * MARGIN, self.height() - title.bottom() - 4 - MARGIN)
        values = [v for _name, series in chart.series for v in series]
        if not values or not any(values):
            painter.setPen(QColor("#777"))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, _("No data in this period"))
        elif chart.kind == "heat":
            self._paint_heat(painter, metrics, area, chart)
        else:
            self._paint_xy(painter, metrics, area, chart)
        painter.end()

    def _legend(self, painter: QPainter, metrics: QFontMetrics, area: QRectF, chart: Chart) -> float:
        """The series' names along the top of ``area``; returns the height used."""
        if len(chart.series) < 2:
            return 0.0
        x = area.left()
        for i, (name, _values) in enumerate(chart.series):
            colour = QColor(SERIES_COLOURS[i % len(SERIES_COLOURS)])
            painter.fillRect(QRectF(x, area.top() + 3, 10, 10), colour)
            painter.setPen(QColor("#222"))
            painter.drawText(QPointF(x + 14, area.top() + metrics.ascent()), name)
            x += 14 + metrics.horizontalAdvance(name) + 16
        return float(metrics.height() + 4)

    def _paint_xy(self, painter: QPainter, metrics: QFontMetrics, area: QRectF, chart: Chart) -> None:
        legend = self._legend(painter, metrics, area, chart)
        top = max(max(series) for _name, series in chart.series if series) or 1.0
        axis_w = metrics.horizontalAdvance(number_text(top)) + 6
        plot = QRectF(area.left() + axis_w, area.top() + legend + 4, area.width() - axis_w,
                      area.height() - legend - 4 - metrics.height() - 4)
        painter.setPen(QPen(QColor("#ccc"), 1))
        for step in range(5):  # the grid: 0, ¼, ½, ¾ and the top
            y = plot.bottom() - plot.height() * step / 4
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor("#555"))
            painter.drawText(QRectF(area.left(), y - metrics.height() / 2, axis_w - 4, metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, number_text(top * step / 4))
            painter.setPen(QPen(QColor("#ccc"), 1))
        count = max(1, len(chart.labels))
        slot = plot.width() / count
        every = max(1, int(count * (metrics.horizontalAdvance("00-00") + 6) / max(1.0, plot.width())) + 1)
        painter.setPen(QColor("#555"))
        for i, label in enumerate(chart.labels):
            if i % every == 0:
                cell = QRectF(plot.left() + i * slot, plot.bottom() + 2, slot * every, metrics.height())
                painter.drawText(cell, Qt.AlignmentFlag.AlignLeft,
                                 metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(cell.width())))
        for s, (name, series) in enumerate(chart.series):
            colour = QColor(SERIES_COLOURS[s % len(SERIES_COLOURS)])
            if chart.kind == "line":
                points = []
                for i, value in enumerate(series[:count]):
                    point = QPointF(plot.left() + (i + 0.5) * slot, plot.bottom() - plot.height() * value / top)
                    points.append(point)
                    self.marks.append(Mark(name, chart.labels[i], value, QRectF(point.x() - 3, point.y() - 3, 6, 6)))
                painter.setPen(QPen(colour, 2))
                for a, b in zip(points, points[1:], strict=False):
                    painter.drawLine(a, b)
                painter.setBrush(colour)
                for point in points:
                    painter.drawEllipse(point, 2.5, 2.5)
            else:
                width = slot * 0.8 / len(chart.series)
                for i, value in enumerate(series[:count]):
                    height = plot.height() * value / top
                    rect = QRectF(plot.left() + i * slot + slot * 0.1 + s * width, plot.bottom() - height, width, height)
                    painter.fillRect(rect, colour)
                    self.marks.append(Mark(name, chart.labels[i], value, rect))

    def _paint_heat(self, painter: QPainter, metrics: QFontMetrics, area: QRectF, chart: Chart) -> None:
        rows = chart.row_labels or [name for name, _values in chart.series]
        label_w = max(metrics.horizontalAdvance(r) for r in rows) + 8
        grid = QRectF(area.left() + label_w, area.top(), area.width() - label_w, area.height() - metrics.height() - 2)
        columns = max(1, len(chart.labels))
        cell_w, cell_h = grid.width() / columns, grid.height() / max(1, len(rows))
        top = max(v for _name, series in chart.series for v in series)
        for r, (_name, series) in enumerate(chart.series):
            painter.setPen(QColor("#333"))
            painter.drawText(QRectF(area.left(), grid.top() + r * cell_h, label_w - 4, cell_h),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, rows[r])
            for c, value in enumerate(series[:columns]):
                rect = QRectF(grid.left() + c * cell_w, grid.top() + r * cell_h, cell_w - 1, cell_h - 1)
                colour = heat_colour(value, top)
                painter.fillRect(rect, colour)
                self.marks.append(Mark(rows[r], chart.labels[c], value, rect))
                if value and cell_w > metrics.horizontalAdvance(number_text(value)) + 2:
                    painter.setPen(QColor("white") if colour.lightness() < 128 else QColor("#222"))
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, number_text(value))
        painter.setPen(QColor("#555"))
        for c, label in enumerate(chart.labels):
            painter.drawText(QRectF(grid.left() + c * cell_w, grid.bottom() + 2, cell_w, metrics.height()),
                             Qt.AlignmentFlag.AlignCenter, label)

    # -- tooltips ------------------------------------------------------------------------------
    def mark_at(self, point: QPointF) -> Mark | None:
        return next((m for m in self.marks if m.rect.adjusted(-2, -2, 2, 2).contains(point)), None)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            mark = self.mark_at(QPointF(event.pos()))
            if mark is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), f"{mark.series} · {mark.label}: {number_text(mark.value)}", self)
            return True
        return super().event(event)
