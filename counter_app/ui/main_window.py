"""The counter window: one tab per work page (the procedure guide for now), status bar, shortcuts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from counter_app.services.i18n import _
from counter_app.services.read_models import CounterView, StaffSession
from counter_app.ui.counter_select import counter_label

if TYPE_CHECKING:
    from counter_app.services.ports import CounterAppServices


@dataclass(frozen=True, slots=True)
class CounterContext:
    """What every page of the counter window works with."""

    services: CounterAppServices
    session: StaffSession
    counter: CounterView

    @property
    def counter_name(self) -> str:
        return counter_label(self.counter)


class CounterPage(QWidget):
    """Base of a page of the counter window.

    A page says its tab title and answers the window-wide commands it supports; the defaults
    return False ("not here"), so a page only overrides what it does.
    """

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context

    def page_title(self) -> str:
        raise NotImplementedError

    def page_shown(self) -> None:
        """The page became the visible tab."""

    def focus_search(self) -> bool:
        return False

    def clear_search(self) -> bool:
        return False

    def print_current(self) -> bool:
        return False


PageFactory = Callable[[CounterContext], CounterPage]


def default_pages() -> list[PageFactory]:
    """The pages of the counter window, in tab order. Queue, intake, hand-over … plug in here."""
    from counter_app.ui.book import BookPage
    from counter_app.ui.guide import GuidePage
    from counter_app.ui.handover import HandoverPage
    from counter_app.ui.intake_page import IntakePage
    from counter_app.ui.results import ResultsPage
    from counter_app.ui.returns import ReturnPage

    return [GuidePage, IntakePage, HandoverPage, ResultsPage, ReturnPage, BookPage]


class CounterWindow(QMainWindow):
    """Main window of the counter role."""

    sig_closing = Signal()  # the clerk leaves the counter: the duty period ends

    def __init__(
        self,
        context: CounterContext,
        pages: Sequence[PageFactory] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("counterWindow")
        self.setWindowTitle(
            " — ".join((_("One-stop counter"), context.session.centre_name, context.counter_name))
        )

        self.tabs = QTabWidget()
        self.tabs.setObjectName("pages")
        self.tabs.setDocumentMode(True)
        self.pages: list[CounterPage] = []
        for factory in pages if pages is not None else default_pages():
            page = factory(context)
            self.pages.append(page)
            self.tabs.addTab(page, page.page_title())
        self.setCentralWidget(self.tabs)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

        self.staff_label = QLabel(_("Staff: {name}").format(name=context.session.full_name))
        self.staff_label.setObjectName("statusStaff")
        self.counter_label = QLabel(context.counter_name)
        self.counter_label.setObjectName("statusCounter")
        self.centre_label = QLabel(context.session.centre_name)
        status = self.statusBar()
        status.addWidget(self.staff_label)
        status.addWidget(self.counter_label)
        status.addPermanentWidget(self.centre_label)

        self._add_command(_("Find"), "F2", self._on_find_action_triggered)
        self._add_command(_("Clear the search"), "Esc", self._on_clear_action_triggered)
        self._add_command(
            _("Print"), QKeySequence(QKeySequence.StandardKey.Print), self._on_print_action_triggered
        )
        for number in range(1, min(len(self.pages), 9) + 1):
            self._add_command(
                _("Go to page {number}").format(number=number),
                f"Ctrl+{number}",
                lambda n=number: self.tabs.setCurrentIndex(n - 1),
            )

        # -- queue panel: a dock on the right (none when this PC has no queue) ---------------
        from counter_app.ui.queue_panel import QueuePanel, add_queue_dock

        self.queue_panel: QueuePanel | None = add_queue_dock(self, context)

        if self.pages:
            self.pages[0].page_shown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.sig_closing.emit()
        super().closeEvent(event)

    def current_page(self) -> CounterPage | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, CounterPage) else None

    def page_of(self, page_type: type[CounterPage]) -> CounterPage | None:
        return next((p for p in self.pages if isinstance(p, page_type)), None)

    def _add_command(
        self, text: str, shortcut: str | QKeySequence, slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)  # window-wide, whichever child has the focus
        return action

    def _on_tabs_current_changed(self, _index: int) -> None:
        page = self.current_page()
        if page is not None:
            page.page_shown()

    def _on_find_action_triggered(self) -> None:
        page = self.current_page()
        if page is not None:
            page.focus_search()

    def _on_clear_action_triggered(self) -> None:
        page = self.current_page()
        if page is not None:
            page.clear_search()

    def _on_print_action_triggered(self) -> None:
        page = self.current_page()
        if page is not None:
            page.print_current()
