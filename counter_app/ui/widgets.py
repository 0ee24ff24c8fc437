"""Pieces the pages share: the desk, a status line, read-model table models, the procedure list,
a debounced search box, a splitter, shortcuts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QWidget,
)

from counter_app.domain.units import short_agency_name
from counter_app.services.dossiers import Desk
from counter_app.services.formatting import format_duration, format_level
from counter_app.services.i18n import N_, _
from counter_app.services.read_models import ProcedureSummary
from counter_app.ui.navigation import CounterContext
from counter_app.ui.theme import set_tone

_AnyIndex = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")

# Looks of the dossier screens, on top of resources/styles/counter.qss (same colours and sizes:
# read from a step away). Kept here so the dossier pages and dialogs carry it wherever they open.
DOSSIER_STYLE = """
QLabel#dialogHeading { font-size: 15pt; font-weight: bold; color: #12263f; }
QLabel#sectionHeading { font-size: 12pt; font-weight: bold; color: #0b4f8a; }
QLabel#dossierCode { font-size: 16pt; font-weight: bold; color: #12263f; }
QLabel#statusBadge {
    font-size: 12pt; font-weight: bold; color: #0b4f8a; background: #e8eef5;
    border: 1px solid #9fb0c3; border-radius: 4px; padding: 4px 10px;
}
QLabel#statusLine { font-size: 12pt; }
QLabel#feesLine { font-size: 13pt; }
QLabel#dossierFacts { font-size: 12pt; }
QLabel#moneyLine, QLabel#moneyValue { font-size: 13pt; font-weight: bold; }
QLabel#batchCount { font-size: 12pt; font-weight: bold; }
QLabel#busyNote {
    color: #5a3700; background: #fff1c2; border: 1px solid #e5b93c; border-radius: 4px;
    padding: 4px 8px;
}
QLabel#factName { color: #4a5a6b; }
QLabel#factValue { font-weight: bold; color: #12263f; }
QLabel#columnHeading { font-weight: bold; color: #3d4b5c; }
QGroupBox {
    border: 1px solid #cfd8e3; border-radius: 6px; margin-top: 16px; padding: 8px 6px 6px 6px;
    background: #ffffff;
}
QGroupBox::title {
    subcontrol-origin: margin; left: 10px; padding: 0 4px; color: #0b4f8a;
}
QFrame#openDossier { background: #ffffff; border: 1px solid #cfd8e3; border-radius: 6px; }
QTableView[dossierTable="true"] {
    background: #ffffff; alternate-background-color: #f4f7fb; gridline-color: #e1e6ec;
    selection-background-color: #0b5cad; selection-color: #ffffff; border: 1px solid #cfd8e3;
}
QScrollArea#previewScroll > QWidget > QWidget#previewPages { background: #7d8894; }
QLabel#previewPage { border: 1px solid #4a5a6b; background: #ffffff; }
"""


def apply_dossier_style(widget: QWidget) -> None:
    """Give a dossier page or dialog the looks above (children and child dialogs inherit them)."""
    widget.setStyleSheet(DOSSIER_STYLE)


def desk_of(context: CounterContext) -> Desk:
    """Who acts and where, as the dossier services want it."""
    return Desk(
        staff_id=context.session.staff_id,
        staff_name=context.session.full_name,
        centre_id=context.session.centre_id,
        counter_id=context.counter.id,
        counter_name=context.counter_name,
    )


def dossiers_of(context: CounterContext) -> Any | None:
    """The dossier service, or None on a stand that has none (the guide's in-memory fake)."""
    return getattr(context.services, "dossiers", None)


def today_of(context: CounterContext) -> date:
    """Today by the services' clock (the tests' fake clock), the computer's date otherwise."""
    clock = getattr(context.services, "clock", None)
    return clock.now().date() if clock is not None else date.today()


class StatusLine(QLabel):
    """One line that says what just happened, coloured by meaning (see ``tone`` in counter.qss)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusLine")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def show_message(self, text: str, tone: str = "info") -> None:
        self.setText(text)
        set_tone(self, tone if text else "")


class FieldNote(QLabel):
    """The words under an input field: what is wrong with it, or a hint that it is right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldNote")
        self.setWordWrap(True)
        self.hide()

    def show_note(self, text: str, tone: str = "error") -> None:
        self.setText(text)
        set_tone(self, tone)
        self.setVisible(bool(text))

    def clear_note(self) -> None:
        self.show_note("", "")


@dataclass(frozen=True, slots=True)
class Column(Generic[Row]):
    """One column of a read-model table: a header msgid and how to word a row."""

    header: str  # msgid, translated when shown
    text: Callable[[Row], str]
    align_right: bool = False
    tooltip: Callable[[Row], str] | None = None


class RowsTableModel(QAbstractTableModel, Generic[Row]):
    """A table over plain read models; ``data()`` only words what it was given.

    With ``checkable`` the first column is a tick box ("in this batch"); ticks are kept by key
    so they survive a reload of the rows.
    """

    sig_checked_changed = Signal()

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        *,
        key: Callable[[Row], str] | None = None,
        checkable: bool = False,
        check_header: str = "",
    ) -> None:
        super().__init__()
        self._columns = list(columns)
        self._rows: list[Row] = []
        self._key = key or (lambda row: str(id(row)))
        self._checkable = checkable
        self._check_header = check_header
        self._checked: set[str] = set()

    # -- rows --------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        keys = {self._key(r) for r in self._rows}
        self._checked &= keys
        self.endResetModel()
        if self._checkable:
            self.sig_checked_changed.emit()

    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def row_of(self, key: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if self._key(r) == key), None)

    # -- ticks -------------------------------------------------------------------------------

    def checked_keys(self) -> list[str]:
        return [self._key(r) for r in self._rows if self._key(r) in self._checked]

    def set_checked(self, key: str, checked: bool = True) -> None:
        row = self.row_of(key)
        if row is None:
            return
        if checked:
            self._checked.add(key)
        else:
            self._checked.discard(key)
        index = self.index(row, 0)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.sig_checked_changed.emit()

    def clear_checked(self) -> None:
        if not self._checked:
            return
        self.beginResetModel()
        self._checked.clear()
        self.endResetModel()
        self.sig_checked_changed.emit()

    # -- Qt --------------------------------------------------------------------------------

    def _offset(self) -> int:
        return 1 if self._checkable else 0

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._columns) + self._offset()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if self._checkable and section == 0:
            return _(self._check_header) if self._check_header else ""
        return _(self._columns[section - self._offset()].header)

    def flags(self, index: _AnyIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._checkable and index.column() == 0:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if self._checkable and index.column() == 0:
            if role == Qt.ItemDataRole.CheckStateRole:
                checked = self._key(row) in self._checked
                return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
            return None
        column = self._columns[index.column() - self._offset()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip is not None else column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: _AnyIndex, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not (self._checkable and index.isValid() and index.column() == 0):
            return False
        if role != Qt.ItemDataRole.CheckStateRole:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        self.set_checked(self._key(self._rows[index.row()]), checked)
        return True


def make_table(
    model: QAbstractTableModel,
    object_name: str,
    *,
    stretch: int | None = None,
    table: QTableView | None = None,
) -> QTableView:
    """A read-only, row-selecting table in the house style; ``stretch`` column takes the width."""
    table = table if table is not None else QTableView()
    table.setObjectName(object_name)
    table.setProperty("dossierTable", True)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 14)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def add_shortcut(widget: QWidget, keys: str | QKeySequence, slot: Callable[[], object]) -> QShortcut:
    """A shortcut that works while the focus is anywhere inside ``widget``."""
    shortcut = QShortcut(QKeySequence(keys), widget)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(slot)
    return shortcut


def current_row(table: QTableView) -> int | None:
    index = table.currentIndex()
    return index.row() if index.isValid() else None


def make_splitter(
    orientation: Qt.Orientation, *parts: QWidget, stretch: Sequence[int] = ()
) -> QSplitter:
    """The pages' splitter: ``parts`` in order, none collapsible, ``stretch`` factors in order."""
    splitter = QSplitter(orientation)
    splitter.setChildrenCollapsible(False)
    for part in parts:
        splitter.addWidget(part)
    for index, factor in enumerate(stretch):
        splitter.setStretchFactor(index, factor)
    return splitter


class SearchEdit(QLineEdit):
    """A search box: asks for the search once the typing pauses for ``delay_ms`` (one search for a
    burst of keys, ``sig_search``); Down asks to move into the results (``sig_down``) when
    ``down_leaves``. Enter stays ``returnPressed``; a page searching at once calls ``cancel_pending``."""

    sig_search = Signal()
    sig_down = Signal()

    def __init__(
        self,
        object_name: str,
        placeholder: str,
        *,
        delay_ms: int,
        down_leaves: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self._down_leaves = down_leaves
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(delay_ms)
        self._pause.timeout.connect(self.sig_search)
        self.textChanged.connect(self._on_text_changed)

    def search_pending(self) -> bool:
        """Typing has paused less than ``delay_ms`` ago: a search is still to come."""
        return self._pause.isActive()

    def cancel_pending(self) -> None:
        """The page searched at once: the search the last key asked for is not needed any more."""
        self._pause.stop()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if self._down_leaves and event.key() == Qt.Key.Key_Down:
            self.sig_down.emit()
            return
        super().keyPressEvent(event)

    def _on_text_changed(self, _text: str) -> None:
        self._pause.start()


def sample_code_text(code: str, sample: bool) -> str:
    """A procedure code as shown; a demo code not in the national database says so: "1.005430 (mẫu)"."""
    return _("{code} (sample)").format(code=code) if sample else code


def post_service_text(post_dossier: bool, post_result: bool) -> str:
    """What the post may carry for a procedure, in a few words."""
    if post_dossier and post_result:
        return _("Dossier and result")
    if post_result:
        return _("Result only")
    if post_dossier:
        return _("Dossier only")
    return _("No")


def yes_no_text(value: bool) -> str:
    return _("Yes") if value else _("No")


class ProcedureTableModel(QAbstractTableModel):
    """Procedure search results (guide and intake pages): one row per ProcedureSummary, in the
    order the search ranked them."""

    CODE, NAME, AGENCY, TIME, POST = range(5)
    _HEADERS = (N_("Code"), N_("Procedure"), N_("Deciding agency"), N_("Time limit"), N_("By post"))

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[ProcedureSummary] = []

    def set_procedures(self, procedures: Sequence[ProcedureSummary]) -> None:
        self.beginResetModel()
        self._rows = list(procedures)
        self.endResetModel()

    def procedure_at(self, row: int) -> ProcedureSummary:
        return self._rows[row]

    def row_of(self, code: str) -> int | None:
        return next((i for i, p in enumerate(self._rows) if p.code == code), None)

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self._HEADERS[section])
        return None

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        p = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.CODE:
                return sample_code_text(p.code, p.sample)
            if column == self.NAME:
                return p.name
            if column == self.AGENCY:
                return short_agency_name(p.agency_name)
            if column == self.TIME:
                return format_duration(p.duration, short=True)
            if column == self.POST:
                return post_service_text(p.post_dossier, p.post_result)
        elif role == Qt.ItemDataRole.ToolTipRole:
            if column == self.TIME:
                return format_duration(p.duration)
            if column == self.NAME:
                return f"{p.name}\n{p.field_name} · {format_level(p.level)}"
            if column == self.AGENCY:
                return p.agency_name
            if column == self.POST:
                return _("Post carries the dossier: {dossier}\nPost delivers the result: {result}").format(
                    dossier=yes_no_text(p.post_dossier), result=yes_no_text(p.post_result)
                )
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        return None
