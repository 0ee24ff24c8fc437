"""What every page of the counter window works with, and how a page asks for another screen.

Pages never import each other: a page that wants a dossier opened, the intake of a procedure or
another tab asks its ``Navigator`` by name. The counter window (``ui/main_window.py``) is the
navigator and the one module that knows every page; tests give a page a fake one. So the ui's
modules import downwards only (pinned by ``tests/unit/test_ui_import_graph.py``):

    app → counter_role → main_window → pages (guide, intake_page, handover, results, returns,
    book), dialogs (intake, dossier_view), queue_panel → preview, scanner, widgets → navigation
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QDialog, QWidget

from counter_app.services.read_models import CounterView, ProcedureGuide, StaffSession
from counter_app.ui.counter_select import counter_label

if TYPE_CHECKING:
    from counter_app.services.ports import CounterAppServices

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CounterContext:
    """What every page of the counter window works with."""

    services: CounterAppServices
    session: StaffSession
    counter: CounterView

    @property
    def counter_name(self) -> str:
        return counter_label(self.counter)


class Navigator(Protocol):
    """Screens a page may ask for, by name; the counter window answers (a fake in tests)."""

    def show_page(self, page_name: str, **args: Any) -> CounterPage | None:
        """Bring the page named ``page_name`` to the front (``args`` go to its ``page_asked``)."""
        ...

    def open_dossier(self, code: str, parent: QWidget | None = None) -> QDialog | None:
        """Open the dossier ``code`` in its own window (non-blocking)."""
        ...

    def open_intake(self, guide: ProcedureGuide, parent: QWidget | None = None) -> QDialog | None:
        """Open the intake dialog for ``guide``'s procedure (non-blocking, modal to its window);
        the dialog has ``sig_saved`` (the intake result) and ``scanned_while_busy``."""
        ...


class _Unplaced:
    """The navigator of a page not (yet) in a counter window: it opens nothing and says so in the log."""

    def show_page(self, page_name: str, **args: Any) -> CounterPage | None:
        _log.warning("page %r asked outside a counter window; nothing shown", page_name)
        return None

    def open_dossier(self, code: str, parent: QWidget | None = None) -> QDialog | None:
        _log.warning("dossier %s asked outside a counter window; nothing opened", code)
        return None

    def open_intake(self, guide: ProcedureGuide, parent: QWidget | None = None) -> QDialog | None:
        _log.warning("intake of %s asked outside a counter window; nothing opened", guide.code)
        return None


UNPLACED: Navigator = _Unplaced()


class CounterPage(QWidget):
    """Base of a page of the counter window.

    A page says its name (``page_name``, what others ask the navigator for) and tab title, and
    answers the window-wide commands it supports; the defaults return False ("not here"), so a
    page only overrides what it does.
    """

    page_name = ""

    def __init__(self, context: CounterContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.navigator: Navigator = UNPLACED  # the counter window sets itself when it adds the page

    def page_title(self) -> str:
        raise NotImplementedError

    def page_shown(self) -> None:
        """The page became the visible tab."""

    def page_asked(self, **args: Any) -> None:
        """Another page asked the navigator for this one with ``args``; the default shows it as is."""

    def focus_search(self) -> bool:
        return False

    def clear_search(self) -> bool:
        return False

    def print_current(self) -> bool:
        return False
