"""The drivers' side of administering devices (services/device_admin.py ``DeviceTools``).

Discovery: serial ports (pyserial ``list_ports``, USB-CDC ones with VID:PID), USB devices (pyusb,
when installed: said so when it is not), the system's printers (``lpstat -e`` for CUPS,
``win32print.EnumPrinters`` on Windows). The driver registry: each role kind asks its driver's
``supported(uri)`` and check; a test is the driver's own (escpos_printer.test_receipt with the
test receipt's bytes handed in by bootstrap, boards.show, serial_scanner.test).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from counter_app.devices import boards, escpos_printer, serial_scanner
from counter_app.domain.errors import DomainError
from counter_app.services.device_admin import (
    BOARD_TEST_SECONDS,
    SCANNER_TEST_SECONDS,
    Discovery,
    FoundDevice,
    TestOutcome,
)
from counter_app.services.devices import DeviceAssignment, DeviceBoard

_log = logging.getLogger(__name__)

LPSTAT_TIMEOUT_S = 5.0
PROFILE_EXAMPLES = ("TM-T20II", "TM-T88V", "TM-P80")

# A driver per role kind: which URIs it takes (the registry asks it, as Odoo's IoT drivers' ``supported``).
SUPPORTED: dict[str, Callable[..., bool]] = {
    "printer": escpos_printer.supported,
    "board": boards.supported,
    "scanner": serial_scanner.supported,
    "office-printer": lambda uri: uri.scheme in ("system", "file"),
}


def usb_devices() -> tuple[list[FoundDevice], list[DomainError]]:
    """(VID:PID, name) of the USB devices; a note instead when pyusb or its backend is missing."""
    try:
        import usb.core  # type: ignore[import-not-found]
        import usb.util  # type: ignore[import-not-found]
    except ImportError:
        return [], [DomainError("device.no_usb_library")]
    try:
        found = list(usb.core.find(find_all=True))
    except Exception as exc:  # usb.core.NoBackendError: no libusb on this PC
        _log.warning("USB devices cannot be listed: %s", exc)
        return [], [DomainError("device.usb_unavailable", reason=str(exc) or type(exc).__name__)]
    devices = []
    for dev in found:
        usb_id = f"{dev.idVendor:04x}:{dev.idProduct:04x}"
        name = ""
        try:
            name = " ".join(filter(None, (usb.util.get_string(dev, dev.iManufacturer) if dev.iManufacturer else "",
                                          usb.util.get_string(dev, dev.iProduct) if dev.iProduct else "")))
        except Exception as exc:  # no permission to read the strings: the VID:PID still says enough
            _log.info("USB %s: name not readable (%s)", usb_id, exc)
        devices.append(FoundDevice("usb", f"usb://{usb_id}", usb_id, name))
    return sorted(devices, key=lambda d: d.name), []


def system_printers() -> tuple[list[FoundDevice], list[DomainError]]:
    """The printers of this computer: ``system://Name`` (office printers; ``cups://``/``win32://``
    with the same name take raw ESC/POS jobs)."""
    if sys.platform == "win32":
        try:
            import win32print  # type: ignore[import-not-found]

            flags = win32print.PRINTER_ENUM_LOCAL | win32print.PRINTER_ENUM_CONNECTIONS
            names = [p[2] for p in win32print.EnumPrinters(flags)]
        except Exception as exc:
            _log.warning("printers cannot be listed: %s", exc)
            return [], [DomainError("device.no_printer_list", reason=str(exc) or type(exc).__name__)]
        return [FoundDevice("printer", f"system://{n}", n, f"win32://{n}") for n in sorted(names)], []
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return [], [DomainError("device.no_printer_list", reason="lpstat")]
    try:
        done = subprocess.run([lpstat, "-e"], capture_output=True, text=True, timeout=LPSTAT_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _log.warning("lpstat -e failed: %s", exc)
        return [], [DomainError("device.no_printer_list", reason=str(exc))]
    if done.returncode != 0:
        reason = (done.stderr.strip() or f"lpstat {done.returncode}")[:200]
        if "no destinations" in reason.lower():  # CUPS runs, no printer set up yet
            return [], []
        _log.warning("lpstat -e: %s", reason)
        return [], [DomainError("device.no_printer_list", reason=reason)]
    names = sorted({line.strip() for line in done.stdout.splitlines() if line.strip()})
    return [FoundDevice("printer", f"system://{n}", n, f"cups://{n}") for n in names], []


class DriverTools:
    """``DeviceTools`` over the real drivers. ``test_job(profile, device)`` makes the test receipt's
    ESC/POS bytes (printing/device_test.py, handed in by bootstrap: devices never import printing)."""

    def __init__(self, test_job: Callable[[str | None, str], bytes], board: DeviceBoard | None = None) -> None:
        self._test_job = test_job
        self._board = board

    def discover(self) -> Discovery:
        notes: list[DomainError] = []
        ports = []
        try:
            for p in serial_scanner.scanner_ports():
                detail = " ".join(filter(None, (p.description, p.manufacturer, f"USB {p.usb_id}" if p.usb_id else "")))
                ports.append(FoundDevice("serial", p.uri, p.port, detail))
        except Exception as exc:  # list_ports reads /sys or the registry: say it, list the rest
            _log.warning("serial ports cannot be listed: %s", exc)
        usb, usb_notes = usb_devices()
        printers, printer_notes = system_printers()
        notes += usb_notes + printer_notes
        return Discovery(tuple(ports), tuple(usb), tuple(printers), tuple(notes))

    def check(self, assignment: DeviceAssignment) -> None:
        kind = assignment.role.kind
        if not SUPPORTED[kind](assignment.uri):
            schemes = {"printer": escpos_printer.PRINTER_SCHEMES, "board": boards.BOARD_SCHEMES,
                       "scanner": ("serial",), "office-printer": ("system", "file")}[kind]
            raise DomainError("device.wrong_kind", role=assignment.role.name, uri=str(assignment.uri),
                              schemes=", ".join(f"{s}://" for s in schemes))
        if kind == "printer" and assignment.profile is not None:
            _check_profile(assignment.profile)
        if kind == "board":
            boards.check_board(assignment)

    def test(self, assignment: DeviceAssignment, *, number: str | None = None, timeout: float | None = None
             ) -> TestOutcome:
        role = assignment.role
        try:
            if role.kind == "printer":
                return self._test_printer(assignment, timeout)
            if role.kind == "board":
                status = boards.show(assignment, number or boards.TEST_NUMBER,
                                     timeout=timeout or BOARD_TEST_SECONDS, board=self._board)
                return TestOutcome(role.name, status.ok, number or boards.TEST_NUMBER if status.ok else "", status,
                                   status.error())
            if role.kind == "scanner":
                code = serial_scanner.test(assignment, timeout or SCANNER_TEST_SECONDS, board=self._board)
                return TestOutcome(role.name, True, code)
            return self._test_office_printer(assignment)
        except DomainError as exc:
            return TestOutcome(role.name, False, error=exc)

    def listen(self, assignment: DeviceAssignment, count: int, timeout: float,
               on_code: Callable[[str], None] | None = None) -> list[str]:
        return serial_scanner.listen(assignment, count, timeout, on_code=on_code, board=self._board)

    def _test_printer(self, assignment: DeviceAssignment, timeout: float | None) -> TestOutcome:
        job = self._test_job(assignment.profile, f"{assignment.role.name} {assignment.uri}")
        printer = escpos_printer.EscposPrinter(assignment, self._board, timeout=timeout or 2.0)
        try:
            sent = escpos_printer.test_receipt(printer, job)
            status = printer.status()
        finally:
            printer.close()
        if sent.ok:
            return TestOutcome(assignment.role.name, True, status=status)
        error = status.error() if not status.ok else None
        return TestOutcome(assignment.role.name, False, status=status,
                           error=error or DomainError("device.send_failed", printer=str(assignment.uri),
                                                      reason=sent.error))

    def _test_office_printer(self, assignment: DeviceAssignment) -> TestOutcome:
        """From here only whether the system has that printer (the Devices screen prints a test
        page through Qt's print support); a ``file://`` one: whether its folder can be written."""
        uri = assignment.uri
        if uri.scheme == "file":
            folder = Path(uri.target).parent
            if folder.is_dir():
                return TestOutcome(assignment.role.name, True, str(uri))
            return TestOutcome(assignment.role.name, False, error=DomainError("device.port_missing", port=str(folder)))
        printers, notes = system_printers()
        if any(p.name == uri.target for p in printers):
            return TestOutcome(assignment.role.name, True, uri.target)
        error = notes[0] if notes else DomainError("device.no_such_printer", printer=uri.target)
        return TestOutcome(assignment.role.name, False, error=error)


def _check_profile(name: str) -> None:
    """A printer model must be an escpos-printer-db profile: a typo would silently print as images."""
    from escpos.capabilities import get_profile

    try:
        get_profile(name)
    except Exception:
        raise DomainError("device.profile_not_found", profile=name, examples=", ".join(PROFILE_EXAMPLES)) from None


def profile_prints_images(name: str | None) -> bool:
    """Whether the model's profile has raster images (its jobs use native codes); else all-raster."""
    return escpos_printer.known_profile(name)
