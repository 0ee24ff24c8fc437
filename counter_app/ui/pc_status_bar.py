"""The PC's state in the counter window's status bar: one small labelled indicator per part, with a tooltip."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from counter_app.services import pc_status
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
}
SHORT_WORDS: dict[str, str] = {  # what is wrong, in a few words; a part that works shows only its name
    pc_status.STORE_MISSING: N_("not found"),
    pc_status.STORE_READONLY: N_("cannot write"),
    pc_status.PRINTER_FOLDER_UNUSABLE: N_("cannot write"),
    pc_status.PRINTER_NONE: N_("none"),
    pc_status.VOICE_OFF: N_("off"),
    NO_PLAYER: N_("no audio player"),
    PLAYER_FAILED: N_("cannot play"),
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
}
_TONES = {pc_status.OK: "ok", pc_status.ERROR: "error", pc_status.OFF: "info"}
_MARKS = {pc_status.OK: "●", pc_status.ERROR: "✖", pc_status.OFF: "○"}  # not by colour alone
_FALLBACK_WORDS = {pc_status.ERROR: N_("not working"), pc_status.OFF: N_("off")}


def item_text(item: StatusItem) -> str:
    """"● Máy in" when it works, "✖ Giọng đọc: không phát được" when not (the tooltip says more)."""
    part = _(PART_NAMES[item.key]) if item.key in PART_NAMES else item.key
    mark = _MARKS.get(item.state, "✖")
    if item.state == pc_status.OK:
        return f"{mark} {part}"
    words = SHORT_WORDS.get(item.code) or _FALLBACK_WORDS.get(item.state, N_("not working"))
    return f"{mark} " + _("{part}: {state}").format(part=part, state=_(words))


def item_tooltip(item: StatusItem) -> str:
    template = TOOLTIPS.get(item.code)
    if template is None:
        return item.detail
    return _(template).format(detail=item.detail)


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

    def label_of(self, key: str) -> QLabel | None:
        return self._labels.get(key)

    def item_of(self, key: str) -> StatusItem | None:
        return self._items.get(key)
