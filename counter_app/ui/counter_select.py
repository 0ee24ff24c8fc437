"""Pick the counter (quầy) of the staff's centre for this shift."""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.i18n import _
from counter_app.services.read_models import CounterView, StaffSession

_AnyIndex = QModelIndex | QPersistentModelIndex


def counter_label(counter: CounterView) -> str:
    """"Quầy 3", or "Quầy 3 — Tư pháp" when the counter has a name of its own."""
    number_label = _("Counter {number}").format(number=counter.number)
    name = counter.name.strip()
    if not name or name.casefold() == number_label.casefold():
        return number_label
    if re.match(rf"^\D*\b{counter.number}\b", name):  # "Quầy 1 — Sở Nội vụ" already says it
        return name
    return f"{number_label} — {name}"


class CounterListModel(QAbstractListModel):
    """The counters of one centre, in number order."""

    def __init__(self, counters: Sequence[CounterView] = ()) -> None:
        super().__init__()
        self._counters = sorted(counters, key=lambda c: (c.number, c.name))

    def counter_at(self, row: int) -> CounterView:
        return self._counters[row]

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._counters)

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._counters):
            return None
        counter = self._counters[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return counter_label(counter)
        if role == Qt.ItemDataRole.UserRole:
            return counter.id
        return None


class _CounterListView(QListView):
    """Enter picks the current counter (QListView would only start editing)."""

    sig_picked = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.sig_picked.emit()
            return
        super().keyPressEvent(event)


class CounterSelectWindow(QWidget):
    """Big list of the centre's counters; Enter, double click or the button picks one."""

    sig_chosen = Signal(object)  # CounterView
    sig_back = Signal()  # the staff member wants to sign in as someone else

    def __init__(
        self,
        session: StaffSession,
        counters: Sequence[CounterView],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("counterSelectWindow")
        self.setWindowTitle(_("One-stop counter") + " — " + _("Choose your counter"))
        self._model = CounterListModel(counters)

        heading = QLabel(_("Choose your counter"))
        heading.setObjectName("heading")
        who = QLabel(
            _("{name} — {centre}").format(name=session.full_name, centre=session.centre_name)
        )
        who.setObjectName("subheading")
        who.setWordWrap(True)

        self.counter_list = _CounterListView()
        self.counter_list.setObjectName("counterList")
        self.counter_list.setModel(self._model)
        self.counter_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.counter_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counter_list.setWordWrap(True)  # long names ("Quầy 6 — Sở Lao động - …") stay whole
        self.counter_list.setSpacing(4)

        self.choose_button = QPushButton(_("Start at this counter"))
        self.choose_button.setObjectName("primary")
        self.choose_button.setMinimumHeight(44)
        self.back_button = QPushButton(_("Sign in as someone else"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.choose_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(who)
        layout.addWidget(self.counter_list, 1)
        layout.addLayout(buttons)
        self.resize(680, 620)

        self.counter_list.sig_picked.connect(self._on_counter_list_picked)
        self.counter_list.doubleClicked.connect(self._on_counter_list_double_clicked)
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.back_button.clicked.connect(self.sig_back)

        if self._model.rowCount() > 0:
            self.counter_list.setCurrentIndex(self._model.index(0, 0))
        self.counter_list.setFocus()

    def current_counter(self) -> CounterView | None:
        index = self.counter_list.currentIndex()
        return self._model.counter_at(index.row()) if index.isValid() else None

    def _pick_current(self) -> None:
        counter = self.current_counter()
        if counter is not None:
            self.sig_chosen.emit(counter)

    def _on_counter_list_picked(self) -> None:
        self._pick_current()

    def _on_counter_list_double_clicked(self, _index: QModelIndex) -> None:
        self._pick_current()

    def _on_choose_button_clicked(self) -> None:
        self._pick_current()
