"""The PC's state in the counter window's status bar: one small labelled indicator per part, with a tooltip."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from counter_app.services import pc_status
from counter_app.services.device_admin import role_text, status_text
from counter_app.services.devices import DeviceState, DeviceStatus
from counter_app.services.i18n import N_, _
from counter_app.services.pc_status import StatusItem
from counter_app.services.voice import NO_PLAYER, PLAYER_FAILED
from counter_app.ui.theme import set_tone

_log = logging.getLogger(__name__)

# Words of the parts and their codes. A part that devices or sync add later says its words here.
PART_NAMES: dict[str, str] = {
    pc_status.STORE: N_("Data store"),
    pc_status.PRINTER: N_("Printer"),
    pc_status.VOICE: N_("Voice"),
    pc_status.SYNC: N_("Sync"),
}
SHORT_WORDS: dict[str, str] = {  # what is wrong, in a few words; a part that works shows only its name
    pc_status.STORE_MISSING: N_("not found"),
    pc_status.STORE_READONLY: N_("cannot write"),
    pc_status.PRINTER_FOLDER_UNUSABLE: N_("cannot write"),
    pc_status.PRINTER_NONE: N_("none"),
    pc_status.VOICE_OFF: N_("off"),
    NO_PLAYER: N_("no audio player"),
    PLAYER_FAILED: N_("cannot play"),
    pc_status.SYNC_NOT_SET: N_("not enrolled"),
}
TOOLTIPS: dict[str, str] = {
    pc_status.STORE_OK: N_("The data of this PC is in {detail}."),
    pc_status.STORE_MISSING: N_("The data file {detail} is missing. Call the support team before receiving dossiers."),
    pc_status.STORE_READONLY: N_("The data file {detail} cannot be written. Call the support team before receiving dossiers."),
    pc_status.PRINTER_VIRTUAL: N_("Documents are saved as files in {detail} (virtual printer)."),
    pc_status.PRINTER_FOLDER_UNUSABLE: N_("The printer folder {detail} cannot be written: documents cannot be printed."),
    pc_status.PRINTER_NONE: N_("No printer is set up on this PC."),
    pc_status.VOICE_OK: N_("Calls are read out on this PC."),
    pc_status.VOICE_OFF: N_("Calls are not read out on this PC (the voice setting is off)."),
    NO_PLAYER: N_("Calls cannot be read out: no audio player is installed (looked for: {detail})."),
    PLAYER_FAILED: N_("Calls cannot be read out: the audio player failed ({detail}). Check the speakers or the sound card."),
    pc_status.SYNC_NOT_SET: N_("This PC is not enrolled on the provincial server: its work stays on this PC."),
    # the sync items carry the state in words already (services/sync_words.py)
}
_TONES = {pc_status.OK: "ok", pc_status.ERROR: "error", pc_status.OFF: "info"}
_MARKS = {pc_status.OK: "●", pc_status.ERROR: "✖", pc_status.OFF: "○"}  # not by colour alone
_FALLBACK_WORDS = {pc_status.ERROR: N_("not working"), pc_status.OFF: N_("off")}


def item_text(item: StatusItem) -> str:
    """"● Máy in" when it works, "✖ Giọng đọc: không phát được" when not (the tooltip says more)."""
    part = _(PART_NAMES[item.key]) if item.key in PART_NAMES else item.key
    mark = _MARKS.get(item.state, "✖")
    if item.words:  # already in words, with its particulars (sync: "offline since 08:30, 7 waiting")
        return f"{mark} " + _("{part}: {state}").format(part=part, state=item.words)
    if item.state == pc_status.OK:
        return f"{mark} {part}"
    words = SHORT_WORDS.get(item.code) or _FALLBACK_WORDS.get(item.state, N_("not working"))
    return f"{mark} " + _("{part}: {state}").format(part=part, state=_(words))


def item_tooltip(item: StatusItem) -> str:
    template = TOOLTIPS.get(item.code)
    if template is None:
        return item.detail
    return _(template).format(detail=item.detail)


_DEVICE_MARKS = {DeviceState.CONNECTED: "●", DeviceState.CONNECTING: "○", DeviceState.NOT_SET: "○"}


def device_item_text(status: DeviceStatus) -> str:
    """"● Máy in hóa đơn" when it works; "✖ Máy in hóa đơn: lỗi" (the tooltip says why) when not;
    "⚠ …" when it works with a warning (paper nearly out, model not known)."""
    part = role_text(status.role)
    if status.ok:
        return f"⚠ {part}" if status.reason else f"● {part}"
    words = status_text(DeviceStatus(status.role, status.state)).split(":")[0]
    return f"{_DEVICE_MARKS.get(status.state, '✖')} " + _("{part}: {state}").format(part=part, state=words)


class _DeviceBridge(QObject):
    """Carries a status reported on a driver's thread to the GUI thread (a queued signal)."""

    sig_status = Signal(object)


def follow_device_board(owner: QObject, board: Any, show: Callable[[object], None]) -> Callable[[], None]:
    """Show every status of ``board`` now and each change later through ``show`` on the GUI thread
    (drivers report from their own threads); returns what stops listening. A window that is gone
    stops the listening by itself, never breaking the driver that reported."""
    bridge = _DeviceBridge(owner)
    bridge.sig_status.connect(show, Qt.ConnectionType.QueuedConnection)
    stop: Callable[[], None] | None = None

    def heard(status: DeviceStatus) -> None:  # on the driver's thread
        try:
            bridge.sig_status.emit(status)
        except RuntimeError:  # the window is gone
            if stop is not None:
                stop()

    stop = board.listen(heard)
    for status in board.statuses().values():
        show(status)
    return stop


class PcStatusBar(QWidget):
    """Indicators fed by ``set_items`` with ``services.pc_status`` read models; logs each change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pcStatus")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(14)
        self._labels: dict[str, QLabel] = {}
        self._items: dict[str, StatusItem] = {}
        self._device_statuses: dict[str, DeviceStatus] = {}
        self._stop_devices: Callable[[], None] | None = None

    def set_items(self, items: Sequence[StatusItem]) -> None:
        for item in items:
            label = self._labels.get(item.key)
            if label is None:
                label = QLabel()
                label.setObjectName(f"pcStatus_{item.key}")
                label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
                self._labels[item.key] = label
                self._layout.addWidget(label)
                label.show()
            if self._items.get(item.key) != item:
                if item.state == pc_status.ERROR:
                    _log.warning("this PC: %s is %s (%s)", item.key, item.code, item.detail)
                elif item.key in self._items:
                    _log.info("this PC: %s is %s now", item.key, item.code)
            self._items[item.key] = item
            label.setText(item_text(item))
            label.setToolTip(item_tooltip(item))
            set_tone(label, _TONES.get(item.state, ""))

    # -- this PC's devices (services/devices.DeviceBoard), reported from the drivers' threads ------------

    def watch_devices(self, board: Any) -> None:
        """Show each device's status and follow its changes; a fault is a red ✖ with the reason."""
        if board is None:
            return
        self.stop_watching_devices()
        self._stop_devices = follow_device_board(self, board, self.set_device_status)

    def stop_watching_devices(self) -> None:
        stop = getattr(self, "_stop_devices", None)
        if stop is not None:
            stop()
            self._stop_devices = None

    def set_device_status(self, status: object) -> None:
        if not isinstance(status, DeviceStatus):
            return
        key = f"device:{status.role}"
        label = self._labels.get(key)
        if label is None:
            label = QLabel()
            label.setObjectName(f"pcStatus_device_{status.role}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            self._labels[key] = label
            self._layout.addWidget(label)
            label.show()
        before = self._device_statuses.get(status.role)
        if before is None or (before.state, before.reason) != (status.state, status.reason):
            if status.state in (DeviceState.ERROR, DeviceState.DISCONNECTED):
                _log.warning("this PC: %s is %s (%s %s)", status.role, status.state, status.reason, dict(status.params))
            else:
                _log.info("this PC: %s is %s", status.role, status.state)
        self._device_statuses[status.role] = status
        label.setText(device_item_text(status))
        label.setToolTip(f"{role_text(status.role)}: {status_text(status)}")
        tone = "ok" if status.ok and not status.reason else "info" if status.ok else (
            "info" if status.state is DeviceState.CONNECTING else "error")
        set_tone(label, tone)

    def device_status_of(self, role: str) -> DeviceStatus | None:
        return self._device_statuses.get(role)

    def label_of(self, key: str) -> QLabel | None:
        return self._labels.get(key)

    def item_of(self, key: str) -> StatusItem | None:
        return self._items.get(key)
