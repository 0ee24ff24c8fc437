"""Unexpected errors go to the log and to a polite dialog, never a raw traceback on screen."""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from counter_app.services.i18n import _
from counter_app.services.messages import log_is_writable

_log = logging.getLogger("counter_app.ui")
_qt_log = logging.getLogger("counter_app.ui.qt")

_QT_LEVELS: dict[QtMsgType, int] = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

_showing_dialog = False


def install_error_hooks(*, dialogs: bool = True) -> None:
    """Route uncaught exceptions (GUI and worker threads) and Qt's own messages to the log.

    With ``dialogs`` an uncaught exception on the GUI thread also shows a short apology; the
    application keeps running. Screenshot and test runs pass ``dialogs=False``.
    """

    def excepthook(
        exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        _log.critical("uncaught exception", exc_info=(exc_type, exc, tb))
        if dialogs:
            show_unexpected_error()

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        _log.critical(
            "uncaught exception in thread %s",
            getattr(args.thread, "name", "?"),
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
    qInstallMessageHandler(_qt_message_handler)


def _qt_message_handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    where = f" ({context.file}:{context.line})" if context.file else ""
    _qt_log.log(_QT_LEVELS.get(mode, logging.WARNING), "%s%s", message, where)


def show_unexpected_error(parent: QWidget | None = None) -> None:
    """A short apology; the details are already in the log. Never stacks several dialogs."""
    global _showing_dialog
    if _showing_dialog or QApplication.instance() is None:
        return
    _showing_dialog = True
    try:
        box = QMessageBox(parent or QApplication.activeWindow())
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("Unexpected error"))
        box.setText(_("Sorry, something went wrong."))
        box.setInformativeText(unexpected_error_details())
        box.addButton(_("Close"), QMessageBox.ButtonRole.AcceptRole)
        box.exec()
    finally:
        _showing_dialog = False


def unexpected_error_details() -> str:
    """What to do after an unexpected error; it says the details were logged only if they were."""
    if log_is_writable():
        return _(
            "The details were written to the log. You can keep working; "
            "if it happens again, tell technical support."
        )
    return _(
        "The details could not be written to the log (the log file cannot be written). You can keep "
        "working; if it happens again, tell technical support what you were doing."
    )


def show_error(parent: QWidget | None, title: str, text: str, details: str = "") -> None:
    """A modal error message in the user's language with a single translated Close button."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setInformativeText(details)
    box.addButton(_("Close"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()
