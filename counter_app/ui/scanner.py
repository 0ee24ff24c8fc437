"""Keyboard-wedge barcode scanner: one app-wide event filter tells scans from typing by timing and terminator."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QWidget

from counter_app.domain.errors import DomainError
from counter_app.services.i18n import describe_error
from counter_app.services.scans import looks_like_scan, scan_fault, strip_symbology_prefix

_log = logging.getLogger(__name__)

MAX_GAP_MS = 30  # a scanner sends a key event every 1–20 ms; a person needs 60 ms or more
MIN_LENGTH = 4  # shorter bursts are typing (fast pairs of keys happen), not codes
TERMINATORS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab})
TERMINATOR_TEXTS = frozenset({"\r", "\n", "\t"})  # CR, LF (Ctrl+J on some wedges), Tab
# Keys a wedge presses around characters: Shift before every capital letter and many symbols,
# AltGr or Ctrl on some layouts, Caps Lock toggled by scanners set to "caps lock aware".
MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
    }
)
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)

ScanHandler = Callable[[str], None]
ScanShape = Callable[[str], bool]
_FLUSHING_EVENTS = frozenset(
    {QEvent.Type.InputMethod, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick}
)


@dataclass
class _Held:
    """A key press kept back while the filter decides whether it is part of a scan."""

    receiver: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    released: bool = False  # its release came while held (swallowed, replayed with the press)
    erase: bool = False  # a Backspace inside the burst: an input method replacing what it rewrote


@dataclass
class _Target:
    widget: QWidget
    handler: ScanHandler
    fallback: bool


class KeyboardWedgeFilter(QObject):
    """Recognises a scan: characters less than ``max_gap_ms`` apart, then Enter, Tab or LF.

    A keyboard-wedge scanner types like a keyboard: Shift goes down before every capital
    letter (``H27``, ``EB…VN``) and up after it, some scanners send an AIM prefix (``]C0``)
    first and CR, CR LF or Tab last. Modifier keys and key releases are part of the burst:
    they pass to the field (they change nothing there) and keep the burst alive.

    The filter only watches key events of windows that have a scan target (the counter window
    and dialogs opened from it), so the login window and other stations type normally. Keys
    that might start a scan are held back for ``max_gap_ms``; if no fast key follows, or the
    burst ends in a terminator but is not shaped like a code (a name typed fast, then Tab),
    they are replayed, unchanged and in order, to the widget they were meant for, then the
    terminator. A recognised scan never reaches the focused field: ``sig_scanned`` carries it
    (without the AIM prefix), then it is delivered to the innermost open dialog that has
    ``take_scan(text)``, or else to the visible target page, or else to the fallback target.
    """

    sig_scanned = Signal(str)
    sig_scan_refused = Signal(str)  # the words shown for a scan that cannot be used (input method on)
    _sig_injected = Signal(str)  # from a serial scanner's thread; queued to the GUI thread

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_gap_ms: float = MAX_GAP_MS,
        min_length: int = MIN_LENGTH,
        clock_ms: Callable[[], float] | None = None,
        is_code: ScanShape = looks_like_scan,
    ) -> None:
        super().__init__(parent)
        self.min_length = min_length
        self.is_code = is_code
        self._clock_ms = clock_ms or (lambda: time.monotonic() * 1000.0)
        self._held: list[_Held] = []
        self._last_ms = 0.0
        self._scan_ended_ms: float | None = None  # when the last scan's terminator came
        self._replaying = False
        self._release_to_swallow: set[int] = set()
        self._targets: list[_Target] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._sig_injected.connect(self._on_injected, Qt.ConnectionType.QueuedConnection)
        self.set_max_gap(max_gap_ms)

    def set_max_gap(self, max_gap_ms: float) -> None:
        """The longest pause between two key events of one scan (scanner settings vary)."""
        self.max_gap_ms = max_gap_ms
        self._timer.setInterval(int(max_gap_ms) + 1)

    # -- targets ---------------------------------------------------------------------------

    def add_target(self, widget: QWidget, handler: ScanHandler, *, fallback: bool = False) -> None:
        """``handler`` gets the scans while ``widget`` is visible (a fallback: while its window is)."""
        self._targets.append(_Target(widget, handler, fallback))
        widget.destroyed.connect(self._on_target_destroyed)

    def remove_target(self, widget: QWidget) -> None:
        self._targets = [t for t in self._targets if t.widget is not widget]

    def _live_targets(self) -> list[_Target]:
        self._targets = [t for t in self._targets if shiboken6.isValid(t.widget)]
        return self._targets

    def _on_target_destroyed(self, _obj: QObject | None = None) -> None:
        self._live_targets()

    def _watches(self, widget: QWidget) -> bool:
        windows = {t.widget.window() for t in self._live_targets()}
        if not windows:
            return False
        current: QWidget | None = widget.window()
        while current is not None:
            if current in windows:
                return True
            parent = current.parentWidget()
            current = parent.window() if parent is not None else None
        return False

    # -- the filter ------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying:
            return False
        kind = event.type()
        if kind in _FLUSHING_EVENTS and self._held:
            # Vietnamese typed through an input method, or a click on Save, comes after the held keys.
            self.flush()
            return False
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not isinstance(watched, QWidget) or not isinstance(event, QKeyEvent):
            return False  # the window-level copy of a key event; the widget-level one decides
        if kind == QEvent.Type.KeyRelease:
            return self._release(event)
        if not self._held and (not self._watches(watched) or _is_secret(watched)):
            return False
        return self._press(watched, event)

    def _press(self, receiver: QWidget, event: QKeyEvent) -> bool:
        now = self._clock_ms()
        gap = now - self._last_ms
        key = event.key()
        text = event.text()
        commands = bool(event.modifiers() & _COMMAND_MODIFIERS)
        terminator = key in TERMINATORS or text in TERMINATOR_TEXTS
        if key in MODIFIER_KEYS:
            # Shift before a capital letter: part of the burst, harmless in the field.
            if self._held:
                self._keep_alive(now)
            return False
        if terminator and self._held:
            return self._end_burst(receiver, event, now, gap)
        if terminator and self._scan_ended_ms is not None:
            ended, self._scan_ended_ms = self._scan_ended_ms, None
            if now - ended <= self.max_gap_ms:  # LF after CR, or a second suffix of the scanner
                self._release_to_swallow.add(key)
                return True
        if text and text.isprintable() and not commands:
            if self._held and (gap > self.max_gap_ms or receiver is not self._held[0].receiver):
                self.flush()
            self._held.append(_Held(receiver, key, event.modifiers(), text))
            self._keep_alive(now)
            return True
        if (
            key == Qt.Key.Key_Backspace and self._held and gap <= self.max_gap_ms
            and receiver is self._held[0].receiver and not commands
        ):
            # Unikey/EVKey replace a rewritten letter by Backspace + the new letter, as fast as the
            # scanner types: part of the burst (replayed in order if it turns out to be typing).
            self._held.append(_Held(receiver, key, event.modifiers(), text, erase=True))
            self._keep_alive(now)
            return True
        if self._held:
            self.flush()  # Backspace, arrows, Ctrl+V … come after the characters before them
        return False

    def _keep_alive(self, now: float) -> None:
        self._last_ms = now
        self._timer.start()

    def _end_burst(self, receiver: QWidget, event: QKeyEvent, now: float, gap: float) -> bool:
        """Enter/Tab/LF after held characters: a scan, or typing that goes to the field in order."""
        code = strip_symbology_prefix(_burst_text(self._held))
        taken_back = any(h.erase for h in self._held)
        if (
            len(self._held) >= self.min_length
            and gap <= self.max_gap_ms
            and receiver is self._held[0].receiver
            and not event.modifiers() & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier)
            and (self.is_code(code) or (taken_back and len(code) >= self.min_length))
        ):
            self._held = []
            self._timer.stop()
            self._release_to_swallow.add(event.key())
            self._scan_ended_ms = now
            self._last_ms = now
            self._deliver(code, receiver, taken_back=taken_back)
            return True
        self.flush()  # the held characters first, then this Enter or Tab itself
        return False

    def _release(self, event: QKeyEvent) -> bool:
        if event.key() in self._release_to_swallow:
            self._release_to_swallow.discard(event.key())
            return True
        for held in self._held:
            if held.key == event.key() and not held.released:
                held.released = True
                self._keep_alive(self._clock_ms())
                return True
        if self._held and event.key() in MODIFIER_KEYS:
            self._keep_alive(self._clock_ms())  # Shift let go after a capital letter
        return False

    def flush(self) -> None:
        """Replay the held keys, in order, to the widgets they were meant for (it was typing)."""
        held, self._held = self._held, []
        self._timer.stop()
        if not held:
            return
        self._replaying = True
        try:
            for h in held:
                if not shiboken6.isValid(h.receiver):
                    continue
                QApplication.sendEvent(
                    h.receiver, QKeyEvent(QEvent.Type.KeyPress, h.key, h.modifiers, h.text)
                )
                if h.released and shiboken6.isValid(h.receiver):
                    QApplication.sendEvent(
                        h.receiver, QKeyEvent(QEvent.Type.KeyRelease, h.key, h.modifiers, h.text)
                    )
        finally:
            self._replaying = False

    def _on_timer_timeout(self) -> None:
        self.flush()

    # -- delivery --------------------------------------------------------------------------

    def _deliver(self, code: str, receiver: QWidget | None, *, taken_back: bool = False) -> None:
        fault = scan_fault(code, taken_back=taken_back)
        if fault is not None:
            self._refuse(code, fault, receiver)
            return
        _log.info("scan of %d characters", len(code))
        self.sig_scanned.emit(code)
        self.dispatch(code, receiver)

    def inject(self, code: str) -> None:
        """A code read by a serial scanner: callable from any thread, routed on the GUI thread like a
        keyboard-wedge scan (to the dialog or page that takes scans, whichever is open)."""
        self._sig_injected.emit(code)

    def _on_injected(self, code: str) -> None:
        self._deliver(strip_symbology_prefix(code), None)

    def _refuse(self, code: str, fault: str, receiver: QWidget | None) -> None:
        """A scan the input method rewrote: say so where the clerk looks, never "not found"."""
        message = describe_error(DomainError(fault, code=code))
        _log.warning("scan refused (%s): %d characters", fault, len(code))
        self.sig_scan_refused.emit(message)
        start = receiver if receiver is not None and shiboken6.isValid(receiver) else None
        window = (start or QApplication.activeModalWidget() or QApplication.activeWindow())
        for target in self._live_targets():
            status = getattr(target.widget, "status", None)
            if not target.fallback and target.widget.isVisible() and callable(getattr(status, "show_message", None)):
                status.show_message(message, "error")  # type: ignore[union-attr]
                return
        current = window.window() if window is not None else None
        while current is not None:
            if isinstance(current, QMainWindow):
                current.statusBar().showMessage(message, 20_000)
                return
            parent = current.parentWidget()
            current = parent.window() if parent is not None else None

    def dispatch(self, code: str, receiver: QWidget | None = None) -> bool:
        """Hand a scan to whoever should act on it; False when nobody took it."""
        start: QWidget | None = receiver if receiver is not None and shiboken6.isValid(receiver) else None
        if start is None:
            start = QApplication.activeModalWidget() or QApplication.activeWindow()
        current = start.window() if start is not None else None
        while current is not None:
            take = getattr(current, "take_scan", None)
            if callable(take):
                take(code)
                return True
            parent = current.parentWidget()
            current = parent.window() if parent is not None else None
        targets = self._live_targets()
        for target in targets:
            if not target.fallback and target.widget.isVisible():
                target.handler(code)
                return True
        for target in targets:
            if target.fallback and target.widget.window().isVisible():
                target.handler(code)
                return True
        _log.info("a scan arrived where nothing takes scans; dropped")
        return False


def _burst_text(held: list[_Held]) -> str:
    """The characters of a burst as the field would hold them: a held Backspace takes the one before."""
    chars: list[str] = []
    for h in held:
        if h.erase:
            if chars:
                chars.pop()
        else:
            chars.append(h.text)
    return "".join(chars)


def _is_secret(widget: QWidget) -> bool:
    """A password field: what is typed there is never a scan, and is never held back or shown."""
    return isinstance(widget, QLineEdit) and widget.echoMode() != QLineEdit.EchoMode.Normal


_filter: KeyboardWedgeFilter | None = None


def install_scanner(app: QApplication | None = None) -> KeyboardWedgeFilter:
    """The application's one keyboard-wedge filter, installed on first use (GUI thread only)."""
    global _filter
    if _filter is not None and shiboken6.isValid(_filter):
        return _filter
    application = app or QApplication.instance()
    if application is None:
        raise RuntimeError("install_scanner needs a QApplication")
    _filter = KeyboardWedgeFilter(application)
    application.installEventFilter(_filter)
    return _filter


def scan_filter() -> KeyboardWedgeFilter:
    """The installed filter (installing it if the counter role has not yet)."""
    return install_scanner()
