"""Composition root: data dir, logging, store upgrade, adapters wired into the services the windows use."""

from __future__ import annotations

import logging
import logging.handlers
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app.domain.calendar import VIETNAM_TIME
from counter_app.services.app_services import AppServices
from counter_app.services.i18n import set_language
from counter_app.services.messages import set_log_writable
from counter_app.services.resources import resource_path

DEMO_FILE = ("demo", "province.json")
CALENDAR_YEARS_BACK = 1
CALENDAR_YEARS_AHEAD = 4
_log = logging.getLogger(__name__)


class SystemClock:
    """Wall-clock time in Vietnam (UTC+7), timezone-aware."""

    def now(self) -> datetime:
        return datetime.now(VIETNAM_TIME)


def default_data_dir() -> Path:
    """$COUNTER_DATA_DIR, else the platform's per-user data dir (never a network share)."""
    override = os.environ.get("COUNTER_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path("counter-app", "VNPost")


def settings_path() -> Path:
    """$COUNTER_CONFIG_DIR/settings.json, else the platform's per-user config dir."""
    override = os.environ.get("COUNTER_CONFIG_DIR")
    if override:
        return Path(override) / "settings.json"
    from platformdirs import user_config_path

    return user_config_path("counter-app", "VNPost") / "settings.json"


def _private(path: Path, mode: int) -> None:
    """This account only (0700 folders, 0600 files) on POSIX, whatever the umask; the log says if not."""
    if os.name != "posix":
        return
    try:
        os.chmod(path, mode)
    except OSError as exc:
        _log.warning("cannot make %s private: %s", path, exc)


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Log files hold names and codes of citizens: each new file (also after rotation) is 0600.

    A log that cannot be written (disk full, folder gone or read-only) prints no "--- Logging
    error ---" traceback on stderr: the record is dropped, and ``log_is_writable()`` turns False so
    no message claims the details were logged; it turns True again at the next record written.
    """

    def emit(self, record: logging.LogRecord) -> None:
        self._failed = False
        super().emit(record)  # calls handleError on any failure
        if not self._failed:
            set_log_writable(True)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802
        self._failed = True
        set_log_writable(False)

    def _open(self):  # type: ignore[no-untyped-def]
        stream = super()._open()
        if os.name == "posix":
            import contextlib

            # not logged: this runs inside the log handler; the logs folder is 0700 anyway
            with contextlib.suppress(OSError):
                os.chmod(self.baseFilename, 0o600)
        return stream


class _QuietStreamHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """stderr closed or gone: the record is dropped, never a "--- Logging error ---" traceback."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802
        pass


class VietnamTimeFormatter(logging.Formatter):
    """Log lines stamped in Vietnam time with its offset, as screens and printouts show time.

    A PC set to another zone (or UTC, as many are) would otherwise log 03:15 for a receipt
    printed at 10:15, and support could not match a clerk's screen to a log line.
    """

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        moment = datetime.fromtimestamp(record.created, VIETNAM_TIME)
        if datefmt:
            return moment.strftime(datefmt)
        return moment.isoformat(timespec="milliseconds")


def configure_logging(
    data_dir: Path | None, *, level: int = logging.INFO, stderr: bool = True
) -> Path | None:
    """A rotating log file in data_dir/logs (errors with context); stderr gets warnings.

    ``stderr=False`` for the command line: its errors are one line of words on stderr, and a
    warning with a traceback there would bury them.
    """
    root = logging.getLogger()
    if getattr(root, "_counter_configured", None) == f"{data_dir}|{stderr}":
        return Path(data_dir) / "logs" / "counter.log" if data_dir else None
    for handler in list(root.handlers):
        if getattr(handler, "_counter_handler", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    fmt = VietnamTimeFormatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    set_log_writable(True)  # until a log file fails to be written
    if stderr:
        to_stderr = _QuietStreamHandler()
        to_stderr.setLevel(logging.WARNING)
        to_stderr.setFormatter(fmt)
        to_stderr._counter_handler = True  # type: ignore[attr-defined]
        root.addHandler(to_stderr)
    log_path: Path | None = None
    if data_dir is not None:
        try:
            (Path(data_dir) / "logs").mkdir(parents=True, exist_ok=True)
            _private(Path(data_dir) / "logs", 0o700)
            log_path = Path(data_dir) / "logs" / "counter.log"
            handler = _PrivateRotatingFileHandler(
                log_path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
            )
            handler.setFormatter(fmt)
            handler._counter_handler = True  # type: ignore[attr-defined]
            root.addHandler(handler)
        except OSError as exc:
            log_path = None
            set_log_writable(False)
            logging.getLogger(__name__).warning("cannot write log file in %s: %s", data_dir, exc)
    if not stderr and log_path is None:  # nowhere to write: not Python's last-resort stderr either
        quiet = logging.NullHandler()
        quiet._counter_handler = True  # type: ignore[attr-defined]
        root.addHandler(quiet)
    root._counter_configured = f"{data_dir}|{stderr}"  # type: ignore[attr-defined]
    return log_path


def calendar_years(now: datetime) -> range:
    return range(now.year - CALENDAR_YEARS_BACK, now.year + CALENDAR_YEARS_AHEAD + 1)


@dataclass(frozen=True, slots=True)
class InitResult:
    store_path: Path
    created: bool  # a new store file
    seeded: bool  # demo data loaded now
    backup_path: Path | None


def init_store(  # type: ignore[no-untyped-def]
    data_dir: Path, *, demo: bool, clock: SystemClock | None = None, hasher=None, device_slot: int = 1,
    demo_dossiers: int = 300,
) -> InitResult:
    """Create or upgrade the store; with demo=True load the sample province into an empty store.

    A store that already holds data is never overwritten. ``device_slot`` numbers the PCs of a
    province (1, 2, …) so that their dossier-code leases never overlap while offline.
    """
    from counter_app.services.catalog_data import load_province_data
    from counter_app.storage.db import make_engine
    from counter_app.storage.security import Argon2PasswordHasher
    from counter_app.storage.seed import ensure_device, is_empty, seed_province
    from counter_app.storage.store import store_path, upgrade_store
    from counter_app.storage.uow import UnitOfWorkFactory

    clock = clock or SystemClock()
    now = clock.now()
    existed = store_path(data_dir).exists()
    path, backup = upgrade_store(data_dir, now=now, create=True)
    engine = make_engine(path)
    seeded = False
    try:
        uow = UnitOfWorkFactory(engine, device_id="", schema_version="", now=clock.now)()
        with uow:
            device = ensure_device(uow.session, now, slot=device_slot)
            if demo and is_empty(uow.session):
                from counter_app.storage.queue_seed import seed_queue

                data = load_province_data(resource_path(*DEMO_FILE))
                seed_province(
                    uow.session, data, hasher=hasher or Argon2PasswordHasher(), device=device,
                    years=calendar_years(now),
                )
                seed_queue(uow.session, data)
                seeded = True
            uow.commit()
    finally:
        engine.dispose()
    if seeded and demo_dossiers:
        _populate_demo_dossiers(data_dir, now, count=demo_dossiers)
    _log.info("store %s ready (created=%s, demo seeded=%s)", path, not existed, seeded)
    return InitResult(path, not existed, seeded, backup)


def _populate_demo_dossiers(data_dir: Path, now: datetime, *, count: int) -> dict[str, int]:
    """A few hundred sample dossiers in every state, made through the real use cases."""
    from counter_app.services.demo_dossiers import DemoStaff, ManualClock, populate
    from counter_app.services.dossiers import Desk

    clock = ManualClock(now)
    services = open_services(data_dir, clock=clock)
    staff: list[DemoStaff] = []
    with services.uow(readonly=True) as uow:
        procedures = uow.catalog.procedures()
        for centre in uow.units.centres():
            agencies = set(uow.units.centre_agencies(centre.id))
            counters = [c for c in uow.units.counters(centre.id) if c.active]
            member = uow.staff.first_clerk(centre.id)
            offered = tuple(p for p in procedures if p.agency_unit_id in agencies)
            if member is None or not counters or not offered:
                continue
            staff.append(DemoStaff(Desk(member.id, member.full_name, centre.id, counters[0].id, counters[0].name), offered))
    made = populate(services.dossiers, clock, staff, today=now, count=count)
    with services.uow() as uow:  # sample dossiers owe no paper: never offered at the counter's start
        for job in uow.print_jobs.owed(services.device_id):
            uow.print_jobs.cancel(job.id, "demo sample data: nothing to print")
        uow.commit()
    _log.info("demo dossiers: %s", made)
    return made


DAILY_LABEL = "daily"


def _private_folder(folder: Path) -> Path:
    """A folder of printed documents (names, ID numbers): made 0700 before anything is printed into it."""
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:  # the printer reports it when it writes
        _log.warning("cannot make %s: %s", folder, exc)
        return folder
    _private(folder, 0o700)
    return folder


def backup_folder(data_dir: Path) -> Path:
    """Where backups go: the settings' backup_dir (e.g. a USB disk), else <data dir>/backups."""
    from counter_app.services.settings import load_settings
    from counter_app.storage.store import BACKUP_DIR

    chosen = load_settings(settings_path()).backup_dir
    return Path(chosen) if chosen else Path(data_dir) / BACKUP_DIR


def make_backup(data_dir: Path, *, now: datetime, to: Path | None = None, label: str = DAILY_LABEL) -> Path:
    """An online backup of the store, verified, keeping the settings' number of generations."""
    from counter_app.services.settings import load_settings
    from counter_app.storage.store import backup_store, check_store_file, store_path

    path = store_path(data_dir)
    if not path.exists():
        from counter_app.domain.errors import DomainError

        raise DomainError("store.missing", path=str(path))
    check_store_file(path, write=False)
    keep = max(1, load_settings(settings_path()).backup_keep)
    return backup_store(path, now=now, label=label, folder=to or backup_folder(data_dir), keep=keep)


def daily_backup_due(data_dir: Path, now: datetime) -> bool:
    """No daily backup dated today in the backup folder yet."""
    folder = backup_folder(data_dir)
    return not any(folder.glob(f"counter-{now:%Y%m%d}-*-{DAILY_LABEL}*.sqlite3"))


def open_sync(data_dir: Path, *, clock=None, engine=None, **options: Any):  # type: ignore[no-untyped-def]
    """The sync worker of this PC's store (counter_app/sync, docs/SYNC.md), not started.

    Every commit of the store's other writers nudges it (a push right after local writes). ``options``
    go to ``SyncWorker`` (interval, backoff …).
    """
    from counter_app.storage.db import make_engine
    from counter_app.storage.store import store_path
    from counter_app.storage.sync_store import SqlSyncStore
    from counter_app.sync.worker import SyncWorker

    clock = clock or SystemClock()
    path = store_path(Path(data_dir))
    if engine is None:
        if not path.is_file():
            from counter_app.domain.errors import DomainError

            raise DomainError("store.missing", path=str(path))
        engine = make_engine(path)
    store = SqlSyncStore(engine)
    worker = SyncWorker(store, clock.now, **options)
    store.on_local_write(worker.nudge)
    return worker


def start_daily_backup(data_dir: Path, clock) -> threading.Thread | None:  # type: ignore[no-untyped-def]
    """Today's backup on a background thread (not a daemon: a closing program lets it finish)."""
    if not daily_backup_due(data_dir, clock.now()):
        return None

    def run() -> None:
        try:
            target = make_backup(data_dir, now=clock.now())
            _log.info("daily backup written: %s", target)
        except Exception:  # a missing USB disk must not stop the counter; the log says why
            _log.exception("daily backup failed")

    worker = threading.Thread(target=run, name="daily-backup", daemon=False)
    worker.start()
    return worker


def receipt_job(document, profile: str | None) -> bytes:  # type: ignore[no-untyped-def]
    """The ESC/POS bytes of a short receipt for a printer of ``profile``: native codes and its paper
    width when the escpos-printer-db profile is known, else the all-raster job on 80 mm paper."""
    from escpos.capabilities import get_profile

    from counter_app.devices.escpos_printer import known_profile
    from counter_app.printing.escpos_job import (
        DEFAULT_PROFILE,
        escpos_raster_job,
        escpos_receipt_job,
        native_codes,
    )
    from counter_app.printing.raster import thermal_layout

    if not known_profile(profile):
        return escpos_raster_job(thermal_layout(document, width_mm=80, dpi=203).image(), profile=DEFAULT_PROFILE)
    assert profile is not None
    pixels = int(get_profile(profile).profile_data.get("media", {}).get("width", {}).get("pixels") or 576)
    layout = thermal_layout(document, width_mm=80 if pixels >= 512 else 58, dpi=203, native=native_codes(profile))
    return escpos_receipt_job(layout, profile=profile)


def receipt_printers_of(devices: dict, board: Any = None) -> tuple[Any, dict[str, Any]]:  # type: ignore[type-arg]
    """The device status board of this PC and a driver for each receipt-printer role set in its
    settings (``ticket-printer``, ``receipt-printer``; one driver when both name the same printer).
    A broken setting is logged and reported on the board; that role prints on the virtual printer."""
    import io

    from PIL import Image

    from counter_app.devices.escpos_printer import EscposPrinter
    from counter_app.printing.escpos_job import DEFAULT_PROFILE, escpos_raster_job
    from counter_app.services.devices import DeviceBoard, DeviceState, DeviceStatus, assignments

    board = board if board is not None else DeviceBoard()

    def broken(role: str, exc: Exception) -> None:
        _log.error("device setting %s cannot be used: %s", role, exc)
        board.report(DeviceStatus(role, DeviceState.ERROR, getattr(exc, "code", "device.bad_setting"),
                                  tuple(sorted((k, str(v)) for k, v in getattr(exc, "params", {}).items()))))

    found = assignments(devices, on_error=broken)
    printers: dict[str, Any] = {}
    by_uri: dict[str, Any] = {}
    for role in ("receipt-printer", "ticket-printer"):
        assignment = found.get(role)
        if assignment is None:
            continue
        shared = by_uri.get(str(assignment.uri))
        if shared is not None:
            printers[role] = shared
            continue
        profile = assignment.profile if assignment.profile else DEFAULT_PROFILE

        def raster(png: bytes, profile: str = profile) -> bytes:
            from counter_app.devices.escpos_printer import known_profile

            image = Image.open(io.BytesIO(png)).convert("1")
            return escpos_raster_job(image, profile=profile if known_profile(profile) else DEFAULT_PROFILE)

        printers[role] = by_uri[str(assignment.uri)] = EscposPrinter(assignment, board, raster_job=raster)
    return board, printers


def receipt_queue_of(devices: dict, printing: Any, board: Any) -> Any:  # type: ignore[type-arg]
    """The receipt printer's queue over a new driver, after an administrator assigned it a device
    (AppServices.restart_device); None when no receipt printer is set (receipts go to the page printer)."""
    from counter_app.devices.print_queue import PrintQueue

    _board, printers = receipt_printers_of({k: v for k, v in devices.items() if k == "receipt-printer"}, board)
    device = printers.get("receipt-printer")
    return PrintQueue(device, printing) if device is not None else None


def export_report(document: Any, fmt: str) -> bytes:
    """A report document as PDF, Excel or CSV bytes: the export ``counter report`` writes (the Reports screen)."""
    from counter_app.printing.report_export import export

    return export(document, fmt)


def device_tools(board: Any = None) -> Any:
    """The drivers' tools for the Devices screen and ``counter devices`` (services/device_admin.py),
    with the test receipt made by printing/device_test.py."""
    from counter_app.devices.admin import DriverTools

    def test_job(profile: str | None, device: str) -> bytes:
        from counter_app.printing.device_test import test_receipt_job

        return test_receipt_job(profile, printed_at=SystemClock().now(), device=device)

    return DriverTools(test_job, board)


def serial_scanner(assignment: Any, on_scan: Any, board: Any) -> Any:
    """The driver of a serial/USB-CDC scanner (AppServices.start_scanner starts it)."""
    from counter_app.devices.serial_scanner import SerialScanner

    return SerialScanner(assignment, on_scan, board=board)


def counter_boards(devices: Any, queue: Any, board: Any) -> Any:
    """This PC's queue-number boards following the queue's calls (AppServices.start_boards starts them)."""
    from counter_app.devices.boards import start_counter_boards

    return start_counter_boards(devices, queue, board)


def open_services(
    data_dir: Path, *, language: str = "vi", clock=None, hasher=None, busy_timeout_ms: int | None = None,  # type: ignore[no-untyped-def]
    daily_backup: bool = False, start_sync: bool | None = None,
) -> AppServices:
    """Upgrade (after a dated backup) and open the store, then wire the services for the windows.

    ``daily_backup=True`` (the windows) also starts today's backup if there is none yet.
    The sync worker (``services.sync``) starts with the windows (or ``start_sync``) on an enrolled PC.
    """
    from counter_app.domain.units import UnitTree
    from counter_app.services.guide import ProcedureGuideService
    from counter_app.storage.db import make_engine
    from counter_app.storage.repositories import device_row
    from counter_app.storage.security import Argon2PasswordHasher
    from counter_app.storage.seed import ensure_device
    from counter_app.storage.store import upgrade_store
    from counter_app.storage.uow import UnitOfWorkFactory

    set_language(language)
    clock = clock or SystemClock()
    path, backup = upgrade_store(Path(data_dir), now=clock.now(), create=False)
    engine = make_engine(path) if busy_timeout_ms is None else make_engine(path, busy_timeout_ms=busy_timeout_ms)
    probe = UnitOfWorkFactory(engine, device_id="", schema_version="", now=clock.now)
    with probe(readonly=True) as uow:
        device = device_row(uow.session)
        device_id = device.id if device is not None else None
    if device_id is None:
        with probe() as uow:
            device_id = ensure_device(uow.session, clock.now()).id
            uow.commit()
    from counter_app.storage.store import head_revision

    factory = UnitOfWorkFactory(engine, device_id=device_id, schema_version=head_revision(), now=clock.now)
    with factory(readonly=True) as uow:
        units = UnitTree(uow.units.all())
        procedures = uow.catalog.procedures()
        fields = uow.catalog.fields()

    def calendar_for(centre_id: str | None):  # type: ignore[no-untyped-def]
        with factory(readonly=True) as cal_uow:
            return cal_uow.calendars.calendar(centre_id)

    guide = ProcedureGuideService(procedures, fields, units, calendar_for)

    def render_guidance_sheet(guide_data, *, printed_at, staff_name, counter_name):  # type: ignore[no-untyped-def]
        from counter_app.printing.guidance import render_guidance_sheet as render

        return render(guide_data, printed_at=printed_at, staff_name=staff_name, counter_name=counter_name)

    from counter_app.services.dossiers import DossierService

    dossiers = DossierService(
        uow=factory, clock=clock, calendar_for=guide.calendar, units=units, procedures=guide.procedure,
        device_id=device_id,
    )
    from counter_app.devices.virtual_printer import VirtualPrinter
    from counter_app.services.dossier_documents import DossierDocuments
    from counter_app.services.print_jobs import PrintService

    def render_pdf(document):  # type: ignore[no-untyped-def]
        from counter_app.printing.forms import render_document

        return render_document(document)

    def preview(pdf: bytes, dpi: int) -> list[bytes]:
        from counter_app.printing.preview import pdf_pages_png

        return pdf_pages_png(pdf, dpi=dpi)

    from counter_app.services.settings import load_settings

    settings = load_settings(settings_path())
    device_board, receipt_printers = receipt_printers_of(settings.devices)
    receipt_device = receipt_printers.get("receipt-printer")
    from counter_app.printing.escpos_job import DEFAULT_PROFILE

    # no receipt printer set: the default profile's job (``counter render``); set without a profile: all raster
    receipt_profile = receipt_device.profile if receipt_device is not None else DEFAULT_PROFILE

    def render_receipt(document, fmt: str) -> bytes:  # type: ignore[no-untyped-def]
        import io

        from counter_app.printing.escpos_job import native_codes
        from counter_app.printing.raster import thermal_layout

        if fmt == "escpos":  # the profile of the receipt printer in use (it may be assigned again meanwhile)
            queue = printing.receipt_queue
            return receipt_job(document, queue.printer.profile if queue is not None else receipt_profile)
        layout = thermal_layout(document, width_mm=80, dpi=203, native=native_codes())
        out = io.BytesIO()
        layout.image().save(out, format="PNG")
        return out.getvalue()

    printing = PrintService(
        documents=DossierDocuments(dossiers), render_pdf=render_pdf,
        printer=VirtualPrinter(_private_folder(Path(data_dir) / "prints")), clock=clock, preview=preview,
        render_receipt=render_receipt, uow=factory, device_id=device_id, dossiers=dossiers,
    )
    if receipt_device is not None:  # payment receipts go to paper through its queue; forms stay on the page printer
        from counter_app.devices.print_queue import PrintQueue

        printing.receipt_queue = PrintQueue(receipt_device, printing)
    from counter_app.services.print_jobs import TicketPrinter
    from counter_app.services.queue import LocalQueueService

    def render_ticket_png(document):  # type: ignore[no-untyped-def]
        import io

        from counter_app.printing.ticket import render_ticket

        out = io.BytesIO()
        render_ticket(document).save(out, format="PNG")
        return out.getvalue()

    ticket_device = receipt_printers.get("ticket-printer")

    def ticket_job(document):  # type: ignore[no-untyped-def]
        from counter_app.devices.escpos_printer import known_profile
        from counter_app.printing.ticket import ticket_escpos_job

        profile = ticket_device.profile if ticket_device is not None else None
        if known_profile(profile):
            return ticket_escpos_job(document, profile=profile)
        import io

        from PIL import Image

        from counter_app.printing.escpos_job import escpos_raster_job

        return escpos_raster_job(Image.open(io.BytesIO(render_ticket_png(document))), profile=DEFAULT_PROFILE)

    def make_announcer():  # type: ignore[no-untyped-def]
        from counter_app.devices.audio import WavClipPlayer
        from counter_app.services.voice import VoiceQueue, default_clip_dirs

        centre_clips = Path(data_dir) / "voice"
        return VoiceQueue(
            WavClipPlayer(), default_clip_dirs(centre_clips if centre_clips.is_dir() else None), chime=settings.chime
        )

    if daily_backup:
        start_daily_backup(Path(data_dir), clock)
    # the sync worker shares the store's engine: every commit of the windows nudges a push
    sync = open_sync(Path(data_dir), clock=clock, engine=engine)
    if (daily_backup if start_sync is None else start_sync) and sync.store.link() is not None:
        sync.start()  # the windows: in the background, never on the GUI thread
    return AppServices(
        data_dir=Path(data_dir),
        settings_path=settings_path(),
        settings=settings,
        dossiers=dossiers,
        printing=printing,
        queue=LocalQueueService(factory, clock, device_id),
        ticket_printer=TicketPrinter(
            render_png=render_ticket_png, clock=clock,
            printer=ticket_device or VirtualPrinter(Path(data_dir) / "prints"),
            render_job=ticket_job if ticket_device is not None else None,
            send_job=ticket_device.send if ticket_device is not None else None,
            uow=factory, device_id=device_id,  # the tickets' print jobs
        ),
        device_board=device_board,
        device_tools_factory=device_tools,
        scanner_factory=serial_scanner,
        boards_factory=counter_boards,
        receipt_queue_factory=receipt_queue_of,
        announcer_factory=make_announcer if settings.voice else None,
        device_id=device_id,
        uow=factory,
        clock=clock,
        hasher=hasher or Argon2PasswordHasher(),
        guide_service=guide,
        render_guidance_sheet=render_guidance_sheet,
        store_path=path,
        backup_path=backup,
        sync=sync,
        report_exporter=export_report,
    )
