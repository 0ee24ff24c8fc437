"""The services object the windows are handed: one method per user action, plain data in and out."""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from counter_app.domain.errors import DomainError
from counter_app.domain.text import search_key
from counter_app.services import auth
from counter_app.services.dossiers import DossierService
from counter_app.services.guide import ProcedureGuideService
from counter_app.services.i18n import language_scope
from counter_app.services.ports import (
    Clock,
    CounterAppServices,
    GuidanceSheetRenderer,
    PasswordHasher,
    UnitOfWorkFactory,
)
from counter_app.services.print_jobs import PrintService
from counter_app.services.read_models import (
    CounterView,
    ProcedureGuide,
    ProcedureSummary,
    ReportUnit,
    StaffSession,
)
from counter_app.services.settings import Settings, save_settings

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StationView:
    centre_id: str
    centre_name: str


@dataclass
class AppServices:
    """Implements ``CounterAppServices``; built by ``counter_app.bootstrap``."""

    data_dir: Path
    device_id: str
    uow: UnitOfWorkFactory
    clock: Clock
    hasher: PasswordHasher
    guide_service: ProcedureGuideService
    render_guidance_sheet: GuidanceSheetRenderer
    store_path: Path
    dossiers: DossierService | None = None
    printing: PrintService | None = None
    settings_path: Path | None = None
    settings: Settings = field(default_factory=Settings)
    queue: Any = None  # QueueService (services/queue_port.py): LocalQueueService on one PC
    ticket_printer: Any = None  # TicketPrinter
    device_board: Any = None  # services.devices.DeviceBoard: the status of this PC's devices (bootstrap)
    # (device_board) → services.device_admin.DeviceTools over the real drivers (bootstrap.device_tools)
    device_tools_factory: Callable[[Any], Any] | None = None
    # (assignment, on_scan, board) -> a started-on-demand serial scanner (devices/serial_scanner.py)
    scanner_factory: Callable[[Any, Callable[[str], None], Any], Any] | None = None
    # (settings.devices, queue, device_board) → devices.boards.CounterBoards | None (bootstrap)
    boards_factory: Callable[[Any, Any, Any], Any] | None = None
    # (settings.devices, printing, device_board) → the receipt printer's queue (devices/print_queue.PrintQueue
    # over its driver) or None (bootstrap.receipt_queue_of): the receipt printer started again after Assign
    receipt_queue_factory: Callable[[Any, Any, Any], Any] | None = None
    announcer_factory: Callable[[], Any] | None = None  # makes the VoiceQueue on first use
    backup_path: Path | None = None
    sync: Any = None  # sync.worker.SyncWorker (bootstrap.open_sync): state(), sync_now(), nudge(); its store is services.sync_port.SyncStore
    # (services.report_documents.ReportDocument, "pdf" | "xlsx" | "csv") → the file's bytes: the export
    # `counter report` uses (printing/report_export.export, bootstrap); None: this PC exports no report
    report_exporter: Callable[[Any, str], bytes] | None = None
    _announcer: Any = field(default=None, init=False, repr=False)

    @property
    def announcer(self) -> Any:
        """The voice of the hall display, started on first use (None when this PC has no voice)."""
        if self._announcer is None and self.announcer_factory is not None:
            try:
                self._announcer = self.announcer_factory()
            except Exception:
                _log.exception("the voice could not start; calls are shown without voice")
                self.announcer_factory = None
        return self._announcer

    def __post_init__(self) -> None:
        self._announcer = None
        self._centre_names: dict[str, str] = {}
        self._centre_agencies: dict[str, frozenset[str]] = {}
        # the drivers this program runs, by role kind ("scanner", "board", "receipt-printer", "office-printer"):
        # what starts one again from the settings when an administrator assigns it a new device
        self._restarters: dict[str, Callable[[], None]] = {}
        self._device_lock = threading.RLock()
        self._scanner_sink: Callable[[str], None] | None = None
        self._scanner_close: Callable[[], None] | None = None
        self._boards_close: Callable[[], None] | None = None
        if self.receipt_queue_factory is not None and self.printing is not None:
            self._restarters["receipt-printer"] = self._restart_receipt_printer

    # -- staff ---------------------------------------------------------------------------------
    def login(self, username: str, password: str) -> StaffSession:
        session = auth.login(username, password, uow=self.uow(), clock=self.clock, hasher=self.hasher)
        _log.info("login %s at centre %s", session.username, session.centre_id)
        return session

    def counters(self, centre_id: str) -> list[CounterView]:
        with self.uow(readonly=True) as uow:
            return [
                CounterView(c.id, c.centre_id, c.number, c.name)
                for c in uow.units.counters(centre_id)
                if c.active
            ]

    def open_counter(self, session: StaffSession, counter_id: str) -> str:
        return auth.open_counter(session, counter_id, uow=self.uow(), clock=self.clock, device_id=self.device_id)

    def close_counter(self, duty_id: str) -> None:
        auth.close_counter(duty_id, uow=self.uow(), clock=self.clock)

    def demo_session(self) -> tuple[StaffSession, CounterView]:
        """The first active staff member and their first counter (for screenshots and support)."""
        with self.uow(readonly=True) as uow:
            staff = uow.staff.first_active()
            if staff is None:
                raise DomainError("store.no_staff")
            centre = uow.units.centre(staff.centre_id)
            counters = [c for c in uow.units.counters(staff.centre_id) if c.active]
            if not counters:
                raise DomainError("store.no_counter", centre=centre.name if centre else staff.centre_id)
            c = counters[0]
            return (
                StaffSession(
                    staff.id, staff.username, staff.full_name, staff.role, staff.centre_id,
                    centre.name if centre else "",
                ),
                CounterView(c.id, c.centre_id, c.number, c.name),
            )

    # -- this PC ---------------------------------------------------------------------------------
    def start_scanner(self, on_scan: Callable[[str], None]) -> Callable[[], None] | None:
        """Read this PC's serial scanner (``scanner`` in settings.devices) on its own thread; each code
        goes to ``on_scan`` from that thread. Returns what stops it; None when no scanner is set.
        A scanner assigned later (the Devices screen) is started then, with the same ``on_scan``."""
        with self._device_lock:
            self._scanner_sink = on_scan
            self._restarters["scanner"] = self._restart_scanner
            started = self._open_scanner()
        return self.stop_scanner if started else None

    def _open_scanner(self) -> bool:
        from counter_app.services.devices import assignments

        def broken(role: str, exc: DomainError) -> None:
            _log.error("device setting %s cannot be used: %s", role, exc)

        scanner = assignments({k: v for k, v in self.settings.devices.items() if k == "scanner"}, broken).get("scanner")
        if scanner is None or self.scanner_factory is None or self._scanner_sink is None:
            return False
        driver = self.scanner_factory(scanner, self._scanner_sink, self.device_board)
        driver.start()
        self._scanner_close = driver.close
        return True

    def stop_scanner(self) -> None:
        """Close the serial scanner's port (the program quits)."""
        with self._device_lock:
            close, self._scanner_close = self._scanner_close, None
        if close is not None:
            close()

    def _restart_scanner(self) -> None:
        with self._device_lock:
            self.stop_scanner()
            if not self._open_scanner():
                self._not_set("scanner")

    def pause_device(self, role: str) -> Callable[[], None] | None:
        """Let go of a role's port for a moment (the scanner's Test reads the port itself): the running
        scanner is closed and what is returned opens it again; None when this program reads none."""
        if role != "scanner":
            return None
        with self._device_lock:
            if self._scanner_close is None:
                return None
            self.stop_scanner()
        _log.info("serial scanner paused for a test")

        def resume() -> None:
            with self._device_lock:
                if self._scanner_close is None and self._scanner_sink is not None:
                    self._open_scanner()
            _log.info("serial scanner reading again after the test")

        return resume

    def restart_device(self, role: str) -> bool:
        """Start a role's driver again from the settings (after Assign or Remove on the Devices screen):
        the old one is closed, the new one started, without starting the program again. False when this
        program runs no driver for the role (a kiosk's ticket printer: the kiosk takes it at its start)."""
        kind = "board" if role.startswith("board-") else role
        restart = self._restarters.get(kind)
        if restart is None:
            return False
        try:
            restart()
        except Exception:
            _log.exception("the driver of %s could not be started again", role)
            raise
        _log.info("driver of %s started again from the settings", role)
        return True

    def on_device_change(self, role: str, restart: Callable[[], None]) -> None:
        """What starts a role's driver again that lives above the services (the office printer, ui)."""
        self._restarters[role] = restart

    def _not_set(self, role: str) -> None:
        if self.device_board is not None and role not in self.settings.devices:
            from counter_app.services.devices import DeviceState, DeviceStatus

            self.device_board.report(DeviceStatus(role, DeviceState.NOT_SET))

    def device_admin(self) -> Any:
        """The Devices screen's services (services/device_admin.DeviceAdmin); None without drivers or
        settings file. A saved assignment updates ``settings`` here; drivers take it at the next start."""
        if self.device_tools_factory is None or self.settings_path is None:
            return None
        from counter_app.services.device_admin import DeviceAdmin

        def saved(settings: Settings) -> None:
            self.settings = settings

        return DeviceAdmin(self.settings_path, self.device_tools_factory(self.device_board), self.device_board,
                           on_saved=saved, on_changed=self.restart_device, pause=self.pause_device)

    def start_boards(self) -> Callable[[], None] | None:
        """Drive this PC's queue-number boards (``board-N`` in settings.devices): each call or recall
        at counter N goes to board N on that board's own thread (the call never waits for it).
        Returns what stops them; None when no board is set."""
        if self.boards_factory is None or self.queue is None:
            return None
        with self._device_lock:
            self._restarters["board"] = self._restart_boards
            started = self._open_boards()
        return self.stop_boards if started else None

    def _open_boards(self) -> bool:
        assert self.boards_factory is not None
        boards = self.boards_factory(self.settings.devices, self.queue, self.device_board)
        self._boards_close = boards.close if boards is not None else None
        return boards is not None

    def stop_boards(self) -> None:
        with self._device_lock:
            close, self._boards_close = self._boards_close, None
        if close is not None:
            close()

    def _restart_boards(self) -> None:
        with self._device_lock:
            before = set(self.device_board.statuses()) if self.device_board is not None else set()
            self.stop_boards()
            self._open_boards()
            for role in before:
                if role.startswith("board-"):
                    self._not_set(role)  # a board no longer set says so

    def _restart_receipt_printer(self) -> None:
        assert self.receipt_queue_factory is not None and self.printing is not None
        with self._device_lock:
            old = self.printing.receipt_queue
            self.printing.receipt_queue = None  # meanwhile receipts wait owed (never lost)
            if old is not None:
                old.close()
                if old.printer is not getattr(self.ticket_printer, "printer", None):  # not the shared one
                    old.printer.close()
            self.printing.receipt_queue = self.receipt_queue_factory(self.settings.devices, self.printing,
                                                                     self.device_board)
            self._not_set("receipt-printer")

    def station(self) -> StationView:
        """The centre this PC's kiosk, hall display or rating pad serves: the setting, else the
        centre of the store's first active staff account (the one a new PC is set up for)."""
        with self.uow(readonly=True) as uow:
            centres = uow.units.centres()
            if not centres:
                raise DomainError("store.no_counter", centre="?")
            chosen = next((c for c in centres if c.id == self.settings.centre_id), None)
            if chosen is None:
                if self.settings.centre_id:
                    _log.error("set centre %s is not in the store; using the default", self.settings.centre_id)
                staff = uow.staff.first_active()
                chosen = next((c for c in centres if staff and c.id == staff.centre_id), centres[0])
            return StationView(chosen.id, chosen.name)

    def set_station_centre(self, centre_id: str) -> StationView:
        with self.uow(readonly=True) as uow:
            if uow.units.centre(centre_id) is None:
                raise DomainError("dossier.unknown_centre", centre_id=centre_id)
        self.settings = replace(self.settings, centre_id=centre_id)
        if self.settings_path is not None:
            try:
                save_settings(self.settings_path, self.settings)
            except OSError as exc:
                raise DomainError("store.readonly", path=str(self.settings_path.parent),
                                  reason=errno.errorcode.get(exc.errno or 0, str(exc))) from exc
        return self.station()

    # -- procedure guide -------------------------------------------------------------------------
    def search_procedures(self, text: str, limit: int = 50, *, centre_id: str | None = None) -> list[ProcedureSummary]:
        """Accent-free search of the procedures valid today; with ``centre_id`` the procedures that
        centre receives come first."""
        return self.guide_service.search(
            text, limit=limit, agencies=self._agencies(centre_id), on=self.clock.now().date()
        )

    def _agencies(self, centre_id: str | None) -> frozenset[str]:
        if not centre_id:
            return frozenset()
        if centre_id not in self._centre_agencies:
            with self.uow(readonly=True) as uow:
                self._centre_agencies[centre_id] = frozenset(uow.units.centre_agencies(centre_id))
        return self._centre_agencies[centre_id]

    def _centre_name(self, centre_id: str | None) -> str:
        if not centre_id:
            return ""
        if centre_id not in self._centre_names:
            with self.uow(readonly=True) as uow:
                centre = uow.units.centre(centre_id)
                self._centre_names[centre_id] = centre.name if centre else ""
        return self._centre_names[centre_id]

    def procedure_guide(self, code: str, *, centre_id: str | None = None) -> ProcedureGuide:
        return self.guide_service.guide(
            code, received_at=self.clock.now(), centre_id=centre_id, centre_name=self._centre_name(centre_id)
        )

    def print_guidance_sheet(
        self, code: str, *, centre_id: str | None, staff_name: str, counter_name: str
    ) -> Path | None:
        """Render the guidance sheet and send it through the ``Printer`` port like every other document.

        Returns the file the virtual printer wrote (None for a printer that keeps no file); a printer
        that refuses it raises ``print.printer_failed`` with its reason.
        """
        if self.printing is None:
            raise DomainError("print.printer_failed", printer="?", reason="no printer is set up")
        guide = self.procedure_guide(code, centre_id=centre_id)
        now = self.clock.now()
        with language_scope("vi"):  # the citizen's sheet is in Vietnamese, whatever the screens use
            pdf = self.render_guidance_sheet(guide, printed_at=now, staff_name=staff_name, counter_name=counter_name)
        slug = search_key(guide.name).replace(" ", "-")[:40]
        job = self.printing.print_pdf(pdf, title=f"huong-dan-{guide.code}-{slug}")
        if not job.ok:
            raise DomainError("print.printer_failed", printer=job.printer, reason=job.error)
        _log.info("guidance sheet for %s printed on %s: %s", guide.code, job.printer, job.path or "")
        return job.path

    # -- reports (issue 13) ------------------------------------------------------------------------
    def report_units(self, staff_id: str) -> list[ReportUnit]:
        """The centres a report may be asked for by this staff member (an administrator: every centre;
        anyone else: their own), each with the agencies whose dossiers it takes, by name."""
        with self.uow(readonly=True) as uow:
            staff = uow.staff.by_id(staff_id)
            names = {u.id: u.name for u in uow.units.all()}
            centres = [c for c in uow.units.centres()
                       if staff is not None and (staff.role == "admin" or c.id == staff.centre_id)]
            return [ReportUnit(c.id, c.name, tuple(sorted(((a, names.get(a, a)) for a in uow.units.centre_agencies(c.id)),
                                                          key=lambda pair: pair[1])))
                    for c in centres]

    def run_report(self, name: str, period: Any, filters: Any, *, staff_id: str,
                   cancelled: Callable[[], bool] | None = None) -> Any:
        """The report ``name`` (services/reports.REPORT_NAMES) of ``period`` for the asker, who must be
        allowed to see it; ``cancelled`` is polled between steps (``report.cancelled``)."""
        from counter_app.services.reports import ReportService, run_report

        return run_report(ReportService(self.uow, self.clock), name, period, filters, staff_id=staff_id,
                          cancelled=cancelled)

    def export_report(self, document: Any, fmt: str, path: Path) -> Path:
        """Write a report document (services/report_documents) as PDF, Excel or CSV to ``path`` with the
        export the ``counter report`` command uses."""
        if self.report_exporter is None:
            raise DomainError("report.cannot_write", path=str(path), reason="no exporter")
        data = self.report_exporter(document, fmt)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as exc:
            raise DomainError("report.cannot_write", path=str(path),
                              reason=errno.errorcode.get(exc.errno or 0, str(exc))) from exc
        _log.info("report %s written to %s (%d bytes)", document.name, path, len(data))
        return path


_IMPLEMENTS: type[CounterAppServices] = AppServices  # mypy checks AppServices against the port
