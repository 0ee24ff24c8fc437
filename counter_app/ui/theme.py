"""Look of the windows: the bundled DejaVu font (so screen matches paper) and the stylesheet."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

from counter_app.services.resources import resource_path

_log = logging.getLogger(__name__)

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FALLBACK_FAMILY = "DejaVu Sans"
BASE_POINT_SIZE = 11  # read from a step away at a busy counter; Qt's default 9 pt is too small
STYLESHEET = ("styles", "counter.qss")


def load_fonts() -> str:
    """Register the bundled fonts with Qt; returns the family to use."""
    family = FALLBACK_FAMILY
    for name in FONT_FILES:
        path = resource_path("fonts", name)
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            _log.error("could not load font %s; using the system font", path)
            continue
        families = QFontDatabase.applicationFontFamilies(font_id)
        if families:
            family = families[0]
    return family


def apply_theme(app: QApplication) -> None:
    """Application font and stylesheet; call once, right after the QApplication exists."""
    font = QFont(load_fonts())
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    path = resource_path(*STYLESHEET)
    try:
        app.setStyleSheet(path.read_text(encoding="utf-8"))
    except OSError:
        _log.error("stylesheet %s not found; using the plain style", path)


def set_tone(widget: QWidget, tone: str) -> None:
    """Colour a label or frame by meaning ("", "info", "ok", "error"); see ``tone`` in counter.qss."""
    if widget.property("tone") == tone:
        return
    widget.setProperty("tone", tone)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
