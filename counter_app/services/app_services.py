"""The services object the windows are handed: one method per user action, plain data in and out."""

from __future__ import annotations

import errno
import logging
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
    announcer_factory: Callable[[], Any] | None = None  # makes the VoiceQueue on first use
    backup_path: Path | None = None
    sync: Any = None  # sync.worker.SyncWorker (bootstrap.open_sync): state(), sync_now(), nudge(); its store is services.sync_port.SyncStore
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
        goes to ``on_scan`` from that thread. Returns what stops it; None when no scanner is set."""
        from counter_app.services.devices import assignments

        def broken(role: str, exc: DomainError) -> None:
            _log.error("device setting %s cannot be used: %s", role, exc)

        scanner = assignments({k: v for k, v in self.settings.devices.items() if k == "scanner"}, broken).get("scanner")
        if scanner is None or self.scanner_factory is None:
            return None
        driver = self.scanner_factory(scanner, on_scan, self.device_board)
        driver.start()
        return driver.close

    def device_admin(self) -> Any:
        """The Devices screen's services (services/device_admin.DeviceAdmin); None without drivers or
        settings file. A saved assignment updates ``settings`` here; drivers take it at the next start."""
        if self.device_tools_factory is None or self.settings_path is None:
            return None
        from counter_app.services.device_admin import DeviceAdmin

        def saved(settings: Settings) -> None:
            self.settings = settings

        return DeviceAdmin(self.settings_path, self.device_tools_factory(self.device_board), self.device_board,
                           on_saved=saved)

    def start_boards(self) -> Callable[[], None] | None:
        """Drive this PC's queue-number boards (``board-N`` in settings.devices): each call or recall
        at counter N goes to board N on that board's own thread (the call never waits for it).
        Returns what stops them; None when no board is set."""
        if self.boards_factory is None or self.queue is None:
            return None
        boards = self.boards_factory(self.settings.devices, self.queue, self.device_board)
        return boards.close if boards is not None else None

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


_IMPLEMENTS: type[CounterAppServices] = AppServices  # mypy checks AppServices against the port
