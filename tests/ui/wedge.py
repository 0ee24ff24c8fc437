"""Replays what a USB keyboard-wedge scanner really sends: Shift around capitals, releases, AIM prefix, CR/LF/Tab.

Recorded from scanners in HID keyboard mode (and what xdotool sends on X11): for a capital
letter or a shifted symbol the scanner presses Shift, presses and releases the key, then
releases Shift; every key event comes a fixed 1–20 ms after the one before. Some scanners
first send a 3-character AIM symbology identifier (``]C0`` for Code 128, ``]Q1`` for QR) and
end with CR, LF (Ctrl+J), CR LF or Tab.

The time between events is a test clock, so a run on a busy machine replays the same timing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

SHIFT = Qt.KeyboardModifier.ShiftModifier
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
_SHIFTED_SYMBOLS = {"|": "\\", "_": "-", ":": ";", "!": "1", "?": "/", "#": "3", "&": "7", "+": "="}

CR = "\r"
LF = "\n"
TAB = "\t"


@dataclass
class KeyClock:
    """Milliseconds that move only when the replay says so."""

    ms: float = 1_000_000.0

    def __call__(self) -> float:
        return self.ms

    def advance(self, ms: float) -> None:
        self.ms += ms


@dataclass
class Wedge:
    """Sends key events to ``QApplication.focusWidget()`` exactly as a wedge scanner types them."""

    clock: KeyClock
    ms_per_event: float = 10.0
    sent: list[str] = field(default_factory=list)  # a trace of the events, for failure messages

    def _send(self, kind: QEvent.Type, key: int, modifiers: Qt.KeyboardModifier, text: str) -> None:
        target = QApplication.focusWidget()
        assert target is not None, "no widget has the keyboard focus"
        QApplication.sendEvent(target, QKeyEvent(kind, key, modifiers, text))
        self.sent.append(f"{'+' if kind == QEvent.Type.KeyPress else '-'}{key:#x}:{text!r}")
        self.clock.advance(self.ms_per_event)

    def key(self, char: str) -> None:
        """One character: with Shift pressed around it when the keyboard needs Shift for it."""
        if char in (CR, LF, TAB):
            self.terminator(char)
            return
        needs_shift = char.isupper() or char in _SHIFTED_SYMBOLS
        base = _SHIFTED_SYMBOLS.get(char, char)
        key = ord(base.upper()) if base.isascii() else 0
        modifiers = SHIFT if needs_shift else NO_MODIFIER
        if needs_shift:
            self._send(QEvent.Type.KeyPress, Qt.Key.Key_Shift, SHIFT, "")
        self._send(QEvent.Type.KeyPress, key, modifiers, char)
        self._send(QEvent.Type.KeyRelease, key, modifiers, char)
        if needs_shift:
            self._send(QEvent.Type.KeyRelease, Qt.Key.Key_Shift, NO_MODIFIER, "")

    def terminator(self, char: str) -> None:
        if char == TAB:
            key, modifiers = Qt.Key.Key_Tab, NO_MODIFIER
        elif char == CR:
            key, modifiers = Qt.Key.Key_Return, NO_MODIFIER
        else:  # LF: Ctrl+J on a keyboard
            key, modifiers = Qt.Key.Key_J, CTRL
        self._send(QEvent.Type.KeyPress, key, modifiers, char)
        self._send(QEvent.Type.KeyRelease, key, modifiers, char)

    def scan(self, data: str, *, prefix: str = "", suffix: str = CR) -> None:
        for char in prefix + data + suffix:
            self.key(char)

    def type(self, text: str) -> None:
        """A person (or a scanner without a suffix): the same keys, no terminator."""
        for char in text:
            self.key(char)


def focus(widget: QWidget) -> QWidget:
    widget.setFocus()
    return widget
