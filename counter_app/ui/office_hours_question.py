"""The clerk's explicit answer to "go on outside office hours?" (intake and hand-over ask it the same way)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from counter_app.domain.errors import DomainError
from counter_app.services.i18n import _, describe_error
from counter_app.services.office_hours import CLOSED_FOR_CLERK


def is_out_of_hours(error: BaseException) -> bool:
    """The service refused because it is outside office hours and the clerk has not confirmed."""
    return isinstance(error, DomainError) and error.code == CLOSED_FOR_CLERK


def ask_out_of_hours(
    parent: QWidget, error: DomainError, question: str, on_answer: Callable[[bool], None]
) -> QMessageBox:
    """A window-modal question with the reason and the next session; ``on_answer(True)`` only on Yes.

    "No" is the default button, so Enter or Esc never records an out-of-hours action by accident.
    """
    box = QMessageBox(parent)
    box.setObjectName("outOfHoursQuestion")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Outside office hours"))
    box.setText(question)
    box.setInformativeText(describe_error(error))
    yes = box.addButton(_("Yes, go on and record my confirmation"), QMessageBox.ButtonRole.YesRole)
    no = box.addButton(_("No, do not save"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.finished.connect(lambda _result: on_answer(box.clickedButton() is yes))
    box.open()
    return box
