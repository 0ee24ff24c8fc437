"""This PC's device status on the kiosk, hall display and rating pad windows (issue 11).

The counter window has its status bar (ui/pc_status_bar.py). A station window faces citizens, so
it gets a small discreet indicator in a corner instead: a grey dot while every device works, and
when one does not, a short line for the staff ("Máy in phiếu số hết giấy — báo nhân viên") with the
full reason in the tooltip. The kiosk keeps issuing numbers meanwhile (shown on screen). It is fed
by the same DeviceBoard as the status bar, through a queued signal (drivers report on their threads).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget

from counter_app.services.device_admin import role_text, status_text
from counter_app.services.devices import DeviceState, DeviceStatus
from counter_app.services.i18n import N_, _
from counter_app.ui.pc_status_bar import follow_device_board

_log = logging.getLogger(__name__)

# What a citizen-facing window says of a device that does not work: few words, addressed to the staff.
FAULT_WORDS: dict[str, str] = {
    "device.paper_out": N_("{role} is out of paper — tell the staff"),
    "device.cover_open": N_("{role}: the cover is open — tell the staff"),
    "device.paper_low": N_("{role} is nearly out of paper — tell the staff"),
}
STATE_FAULT_WORDS: dict[DeviceState, str] = {
    DeviceState.DISCONNECTED: N_("{role} is not connected — tell the staff"),
    DeviceState.ERROR: N_("{role} is not working — tell the staff"),
}
MARGIN = 6


def fault_text(status: DeviceStatus) -> str:
    """The staff line for a device that needs a person; "" when it works (connecting counts as working)."""
    if status.state in (DeviceState.CONNECTED, DeviceState.CONNECTING, DeviceState.NOT_SET):
        if status.reason != "device.paper_low":
            return ""
        template = FAULT_WORDS["device.paper_low"]
    else:
        template = FAULT_WORDS.get(status.reason) or STATE_FAULT_WORDS.get(status.state, STATE_FAULT_WORDS[DeviceState.ERROR])
    return _(template).format(role=role_text(status.role))


class StationDeviceIndicator(QLabel):
    """A small label kept in a corner of its window (bottom right), above the window's own widgets."""

    def __init__(self, window: QWidget, *, roles: tuple[str, ...] | None = None) -> None:
        super().__init__(window)
        self.setObjectName("stationDevices")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._roles = roles  # None: every role of this PC
        self._statuses: dict[str, DeviceStatus] = {}
        self._stop: Callable[[], None] | None = None
        window.installEventFilter(self)
        self.destroyed.connect(lambda *_args: self.stop_watching())
        self._show()

    def watch(self, board: Any) -> None:
        if board is None:
            self.hide()
            return
        self.stop_watching()
        self._stop = follow_device_board(self, board, self.set_status)

    def stop_watching(self) -> None:
        if self._stop is not None:
            self._stop()
            self._stop = None

    def set_status(self, status: object) -> None:
        if not isinstance(status, DeviceStatus) or (self._roles is not None and status.role not in self._roles):
            return
        before = self._statuses.get(status.role)
        changed = before is None or (before.state, before.reason) != (status.state, status.reason)
        if changed and fault_text(status):
            _log.warning("station window: %s is %s (%s)", status.role, status.state, status.reason)
        self._statuses[status.role] = status
        self._show()

    def faults(self) -> list[str]:
        return [text for s in self._statuses.values() if (text := fault_text(s))]

    def _show(self) -> None:
        faults = self.faults()
        if faults:
            self.setText("⚠ " + "; ".join(faults))
            self.setStyleSheet("QLabel { color: #8a5a00; background: rgba(255, 244, 214, 220); font-size: 14px;"
                               " padding: 2px 8px; border-radius: 4px; }")
        else:
            self.setText("●")
            self.setStyleSheet("QLabel { color: rgba(128, 128, 128, 140); font-size: 11px; padding: 2px; }")
        tips = [f"{role_text(s.role)}: {status_text(s)}" for s in self._statuses.values()]
        self.setToolTip("\n".join(tips) or _("No device is set on this PC."))
        self.setVisible(bool(self._statuses))
        self._place()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        self.adjustSize()
        self.move(max(0, parent.width() - self.width() - MARGIN), max(0, parent.height() - self.height() - MARGIN))
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.parentWidget() and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._place()
        return False


def attach_device_indicator(window: QWidget, board: Any, *, roles: tuple[str, ...] | None = None
                            ) -> StationDeviceIndicator:
    """Give a station window its corner indicator over ``board`` (services.device_board)."""
    indicator = StationDeviceIndicator(window, roles=roles)
    indicator.watch(board)
    return indicator
