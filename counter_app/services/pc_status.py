"""What state this PC is in (store, printer, voice …): a plain read model for the counter's status bar.

Each part of the PC reports one ``StatusItem``; the screen words the codes. Devices and sync add
their own items (a receipt printer, the hub link) by adding a key and codes here and words in the ui.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app.domain.calendar import VIETNAM_TIME
from counter_app.domain.errors import DomainError
from counter_app.services.i18n import _
from counter_app.services.ports import CounterAppServices, Printer
from counter_app.services.sync_port import SyncState
from counter_app.services.sync_words import describe_sync_state
from counter_app.services.voice import voice_problem

_log = logging.getLogger(__name__)

# StatusItem.state: how the screen colours the item.
OK = "ok"
OFF = "off"  # switched off on purpose: nothing to fix
ERROR = "error"

STORE = "store"
PRINTER = "printer"
VOICE = "voice"
SYNC = "sync"

# StatusItem.code: what the screen says.
STORE_OK = "store.ok"
STORE_MISSING = "store.missing"
STORE_READONLY = "store.readonly"
PRINTER_VIRTUAL = "printer.virtual"  # PDFs and images go to a folder ("máy in ảo")
PRINTER_FOLDER_UNUSABLE = "printer.folder_unusable"
PRINTER_NONE = "printer.none"
VOICE_OK = "voice.ok"
VOICE_OFF = "voice.off"  # the voice setting is off on this PC
# and voice.no_player / voice.player_failed from services.voice.VoiceProblem
SYNC_OK = "sync.ok"  # the last round went through (detail: the state in words, for the tooltip)
SYNC_OFFLINE_NOW = "sync.offline_now"  # offline since HH:MM, ops waiting
SYNC_REFUSED = "sync.refused"  # the server refuses this PC (revoked token …) or a person must act
SYNC_NOT_SET = "sync.not_set"  # this PC is not enrolled on a server
_SYNC_TRANSIENT = ("sync.offline", "sync.server_error", "server.busy")


@dataclass(frozen=True, slots=True)
class StatusItem:
    """One part of the PC: which (``key``), how it is (``state``), what to say (``code``), and the
    particulars for the tooltip and the log (a path, the program names, the error)."""

    key: str
    state: str
    code: str
    detail: str = ""
    words: str = ""  # the short state already in words, when it has particulars (sync: "offline since 08:30, 7 waiting")


def store_status(store_path: Path | None) -> StatusItem:
    """The SQLite file this PC works in: there and writable."""
    if store_path is None or not store_path.is_file():
        return StatusItem(STORE, ERROR, STORE_MISSING, str(store_path or ""))
    if not (os.access(store_path, os.R_OK | os.W_OK) and os.access(store_path.parent, os.W_OK)):
        return StatusItem(STORE, ERROR, STORE_READONLY, str(store_path))
    return StatusItem(STORE, OK, STORE_OK, str(store_path))


def printer_status(printer: Printer | None) -> StatusItem:
    """The printer of the dossier documents. Only the virtual printer (a folder) exists for now."""
    if printer is None:
        return StatusItem(PRINTER, ERROR, PRINTER_NONE)
    # The folder is the virtual printer's own (devices/virtual_printer.py), not part of the Printer
    # port: a paper printer has none and reports its state itself (the devices issue).
    folder = getattr(printer, "folder", None)
    if folder is None:
        return StatusItem(PRINTER, OK, PRINTER_VIRTUAL, printer.name)
    folder = Path(folder)
    usable = (
        folder.is_dir() and os.access(folder, os.W_OK)
        if folder.exists()
        else _nearest_existing(folder).is_dir() and os.access(_nearest_existing(folder), os.W_OK)
    )
    if not usable:
        return StatusItem(PRINTER, ERROR, PRINTER_FOLDER_UNUSABLE, str(folder))
    return StatusItem(PRINTER, OK, PRINTER_VIRTUAL, str(folder))


def voice_status(enabled: bool, announcer: Any) -> StatusItem:
    """Whether calls are heard on this PC, or why not (the player's own report)."""
    if not enabled or announcer is None:
        return StatusItem(VOICE, OFF, VOICE_OFF)
    problem = voice_problem(announcer)
    if problem is not None:
        return StatusItem(VOICE, ERROR, problem.code, problem.detail)
    return StatusItem(VOICE, OK, VOICE_OK)


def sync_status(state: SyncState | None, now: datetime) -> StatusItem:
    """Online / offline since HH:MM with N ops waiting / refused with the last error in words."""
    if state is None or not state.enrolled:
        return StatusItem(SYNC, OFF, SYNC_NOT_SET)
    words = "\n".join(describe_sync_state(state, now))
    if not state.last_error:
        short = _("{n} waiting").format(n=state.waiting) if state.waiting else ""
        return StatusItem(SYNC, OK, SYNC_OK, words, short)
    if state.last_error in _SYNC_TRANSIENT:
        since = state.offline_since.astimezone(VIETNAM_TIME) if state.offline_since else now.astimezone(VIETNAM_TIME)
        short = _("offline since {time}, {n} waiting").format(time=f"{since:%H:%M}", n=state.waiting)
        return StatusItem(SYNC, ERROR, SYNC_OFFLINE_NOW, words, short)
    return StatusItem(SYNC, ERROR, SYNC_REFUSED, words, _("refused, {n} waiting").format(n=state.waiting))


def pc_status(services: CounterAppServices) -> tuple[StatusItem, ...]:
    """The state of this PC as the counter window shows it (may touch the disk: not on the GUI thread)."""
    printer = services.printing.printer if services.printing is not None else None
    enabled = services.settings.voice
    items = (
        store_status(services.store_path),
        printer_status(printer),
        voice_status(enabled, services.announcer if enabled else None),
    )
    sync = getattr(services, "sync", None)  # the sync worker (bootstrap.open_sync); None in some tests
    if sync is None:
        return items
    try:
        state = sync.store.state()
    except DomainError as error:  # the store itself is reported by its own item
        _log.warning("sync state cannot be read: %s", error)
        state = None
    return (*items, sync_status(state, services.clock.now()))


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(path.anchor or ".")
