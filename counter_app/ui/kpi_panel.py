"""Supervisor's live figures of the centre's queue: issued, served, no-shows, waits, service level, idle time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QColor, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.formatting import format_number
from counter_app.services.i18n import N_, _
from counter_app.services.queue_port import QueueKpis, QueueService
from counter_app.ui.queue_common import clock_text, error_text
from counter_app.ui.tasks import run_in_background
from counter_app.ui.theme import set_tone

_log = logging.getLogger(__name__)
_AnyIndex = QModelIndex | QPersistentModelIndex

REFRESH_MS = 15_000
BAR_WIDTH = 30

_STYLE = """
QFrame#kpiTile { background: #ffffff; border: 1px solid #cfd8e3; border-radius: 8px; }
QLabel#kpiValue { font-size: 22pt; font-weight: bold; color: #0b3d91; }
QLabel#kpiCaption { color: #3d4b5c; }
QLabel#kpiUpdated[tone="error"] { color: #b00020; font-weight: bold; }
"""


def percent_text(share: float) -> str:
    return f"{round(share * 100)}%"


class _PairsModel(QAbstractTableModel):
    """Two columns of (label, value) rows; a third draws the value as a bar of blocks."""

    def __init__(self, headers: tuple[str, str]) -> None:
        super().__init__()
        self._headers = headers
        self._rows: list[tuple[str, float, str]] = []  # label, value, value shown

    def set_rows(self, rows: list[tuple[str, float, str]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rows(self) -> list[tuple[str, float, str]]:
        return list(self._rows)

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self._headers[section]) if section < 2 else ""
        return None

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        label, value, shown = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return label
            if index.column() == 1:
                return shown
            top = max((v for _l, v, _s in self._rows), default=0.0)
            return "█" * round(BAR_WIDTH * value / top) if top > 0 else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 2:
            return QColor("#0b5cad")
        return None


class KpiDialog(QDialog):
    """Tiles of the day's figures and two tables (idle time per counter, waits in 3-minute buckets)."""

    def __init__(
        self,
        queue: QueueService,
        centre_id: str,
        staff_id: str,
        *,
        refresh_ms: int = REFRESH_MS,
        now: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("kpiDialog")
        self.setWindowTitle(_("Queue figures of the day"))
        self._queue = queue
        self._centre_id = centre_id
        self._staff_id = staff_id  # who looks: the service checks that they may
        self._now = now or (lambda: datetime.now().astimezone())
        self._loading = False
        self.kpis: QueueKpis | None = None

        self.value_labels: dict[str, QLabel] = {}
        tiles = QGridLayout()
        tiles.setSpacing(8)
        captions = (
            ("issued", N_("Tickets issued")),
            ("served", N_("Tickets served")),
            ("no_show_share", N_("No-show share")),
            ("waiting_now", N_("Waiting now")),
            ("average_wait", N_("Average wait")),
            ("average_service", N_("Average service time")),
            ("service_level", N_("Service level (called within target)")),
        )
        for i, (key, caption) in enumerate(captions):
            tile = QFrame()
            tile.setObjectName("kpiTile")
            value = QLabel("—")
            value.setObjectName("kpiValue")
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            words = QLabel(_(caption))
            words.setObjectName("kpiCaption")
            words.setAlignment(Qt.AlignmentFlag.AlignCenter)
            words.setWordWrap(True)
            box = QVBoxLayout(tile)
            box.addWidget(value)
            box.addWidget(words)
            tiles.addWidget(tile, i // 4, i % 4)
            self.value_labels[key] = value

        self.idle_model = _PairsModel((N_("Counter number"), N_("Idle time")))
        self.buckets_model = _PairsModel((N_("Waited (minutes)"), N_("Number of tickets")))
        tables = QHBoxLayout()
        for title, model in ((_("Idle time per counter"), self.idle_model),
                             (_("Waiting time, in 3-minute steps"), self.buckets_model)):
            view = QTableView()
            view.setModel(model)
            view.verticalHeader().hide()
            view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
            view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
            view.horizontalHeader().setStretchLastSection(True)
            column = QVBoxLayout()
            heading = QLabel(title)
            heading.setObjectName("subheading")
            column.addWidget(heading)
            column.addWidget(view)
            tables.addLayout(column)

        self.updated_label = QLabel()
        self.updated_label.setObjectName("kpiUpdated")
        self.refresh_button = QPushButton(_("Refresh the figures"))
        self.refresh_button.clicked.connect(self._on_refresh_button_clicked)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.updated_label, 1)
        bottom.addWidget(self.refresh_button)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(tiles)
        layout.addLayout(tables, 1)
        layout.addLayout(bottom)
        self.setStyleSheet(_STYLE)
        self.resize(900, 620)

        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    def refresh(self) -> None:
        if self._loading:
            return
        self._loading = True
        queue, centre_id, staff_id = self._queue, self._centre_id, self._staff_id
        run_in_background(lambda: queue.kpis(centre_id, staff_id), self._on_kpis_loaded, self._on_kpis_failed,
                          owner=self, name="queue-kpis")

    def show_kpis(self, kpis: QueueKpis) -> None:
        self.kpis = kpis
        values = {
            "issued": format_number(kpis.issued),
            "served": format_number(kpis.served),
            "no_show_share": percent_text(kpis.no_show_share),
            "waiting_now": format_number(kpis.waiting_now),
            "average_wait": _("{n} min").format(n=f"{kpis.average_wait_minutes:.1f}".replace(".", ",")),
            "average_service": _("{n} min").format(n=f"{kpis.average_service_minutes:.1f}".replace(".", ",")),
            "service_level": percent_text(kpis.service_level),
        }
        for key, text in values.items():
            self.value_labels[key].setText(text)
        self.idle_model.set_rows([
            (_("Counter {number}").format(number=n), minutes, _("{n} min").format(n=round(minutes)))
            for n, minutes in sorted(kpis.idle_minutes_by_counter.items())
        ])
        self.buckets_model.set_rows([
            (bucket, float(count), format_number(count)) for bucket, count in kpis.wait_buckets.items()
        ])
        self.updated_label.setText(_("Updated at {time}").format(time=clock_text(self._now())))
        set_tone(self.updated_label, "")

    def _on_kpis_loaded(self, kpis: object) -> None:
        self._loading = False
        assert isinstance(kpis, QueueKpis)
        self.show_kpis(kpis)

    def _on_kpis_failed(self, error: BaseException) -> None:
        self._loading = False
        self.updated_label.setText(_("The figures could not be updated: {reason}").format(reason=error_text(error)))
        set_tone(self.updated_label, "error")

    def _on_refresh_button_clicked(self) -> None:
        self.refresh()

    def _on_timer_timeout(self) -> None:
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        self._timer.start()
        self.refresh()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)
