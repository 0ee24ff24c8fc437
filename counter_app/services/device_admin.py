"""Administering the devices of this PC: what is attached, which role each has, testing each (issue 11).

The Devices screen (ui/devices_page.py) and ``counter devices list|set|test|listen`` (cli.py)
both work through :class:`DeviceAdmin`: it checks a new assignment with services/devices.py and
the drivers (``DeviceTools``, made by bootstrap from counter_app/devices), keeps it in the PC's
``settings.json``, and tests a role's device. An assignment changed here starts that role's driver
again at once (``on_changed``: AppServices.restart_device), without starting the program again; a
scanner's Test lets go of the running reader's port meanwhile (``pause``: AppServices.pause_device).

Office printers (A4/A5 forms, the book, guidance sheets) are the system's printers; which one,
which paper and how many copies each kind of document gets is kept per PC in
``settings.office_printing`` (:func:`office_choice`, :func:`with_office_choice`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from counter_app.domain.errors import DomainError
from counter_app.services.devices import (
    FIXED_ROLES,
    DeviceAssignment,
    DeviceBoard,
    DeviceState,
    DeviceStatus,
    assignment_from_json,
    check_role_accepts,
    parse_device_uri,
    parse_role,
)
from counter_app.services.i18n import N_, _, describe_error
from counter_app.services.settings import Settings, load_settings, save_settings

_log = logging.getLogger(__name__)

SCANNER_TEST_SECONDS = 15.0  # the Test button of a scanner waits this long for a scan
BOARD_TEST_SECONDS = 2.0
MAX_LISTEN_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class FoundDevice:
    """A device this PC can see: a serial port, a USB device or one of the system's printers."""

    kind: str  # "serial", "usb" or "printer"
    uri: str  # what an administrator would assign (serial:///dev/ttyUSB0, usb://04b8:0e15, system://Name)
    name: str  # the port, the VID:PID or the printer's name
    detail: str = ""  # the description the system gives (maker, model)


@dataclass(frozen=True, slots=True)
class Discovery:
    """What ``DeviceTools.discover`` found; ``notes`` say what could not be looked at and why
    (no USB library, no printing system), in device.* words, never a crash."""

    serial_ports: tuple[FoundDevice, ...] = ()
    usb_devices: tuple[FoundDevice, ...] = ()
    printers: tuple[FoundDevice, ...] = ()
    notes: tuple[DomainError, ...] = ()

    def all(self) -> tuple[FoundDevice, ...]:
        return (*self.serial_ports, *self.usb_devices, *self.printers)


@dataclass(frozen=True, slots=True)
class TestOutcome:
    """How a device test went: a printer printed the test receipt, a board showed the number, a
    scanner read a code (``shown``); else ``error`` says why, in device.* words."""

    role: str
    ok: bool
    shown: str = ""
    status: DeviceStatus | None = None
    error: DomainError | None = None

    __test__ = False  # not a pytest class when imported into tests


class DeviceTools(Protocol):
    """What the drivers offer the administrator (counter_app/devices/admin.py, handed by bootstrap)."""

    def discover(self) -> Discovery:
        """Serial ports, USB devices and the system's printers of this PC."""
        ...

    def check(self, assignment: DeviceAssignment) -> None:
        """DomainError (device.*) when no driver can use ``assignment`` (unknown printer model,
        board protocol or address)."""
        ...

    def test(self, assignment: DeviceAssignment, *, number: str | None = None, timeout: float | None = None
             ) -> TestOutcome:
        """Print the test receipt, show ``number`` (888) on a board, or wait for one scan."""
        ...

    def listen(self, assignment: DeviceAssignment, count: int, timeout: float,
               on_code: Callable[[str], None] | None = None) -> list[str]:
        """The codes a scanner reads, until ``count`` came or ``timeout`` seconds passed."""
        ...


@dataclass(frozen=True, slots=True)
class ConfiguredDevice:
    """One role of this PC as the settings have it: the assignment, or why it cannot be used."""

    role: str
    assignment: DeviceAssignment | None
    problem: DomainError | None = None
    status: DeviceStatus | None = None  # the driver's last report (None when no driver runs for it)

    @property
    def uri(self) -> str:
        return str(self.assignment.uri) if self.assignment is not None else ""


def _role_order(name: str) -> tuple[int, int, str]:
    if name in FIXED_ROLES:
        return (FIXED_ROLES.index(name), 0, name)
    number = parse_role(name).board_number if name.startswith("board-") else None
    return (len(FIXED_ROLES), number or 0, name)


class DeviceAdmin:
    """The devices of this PC for an administrator: list, assign (checked, saved), remove, test."""

    def __init__(self, settings_path: Path, tools: DeviceTools, board: DeviceBoard | None = None,
                 on_saved: Callable[[Settings], None] | None = None,
                 on_changed: Callable[[str], bool] | None = None,
                 pause: Callable[[str], Callable[[], None] | None] | None = None) -> None:
        self.settings_path = Path(settings_path)
        self.tools = tools
        self.board = board
        self._on_saved = on_saved  # AppServices keeps its settings in step
        self._on_changed = on_changed  # starts the role's driver again; False: no driver of this program has it
        self._pause = pause  # lets go of a role's port during its test; returns what takes it again

    def apply(self, role: str) -> bool:
        """Start the role's driver again with what the settings now say; True when it was (the
        assignment is in use now), False when no driver of this program serves the role."""
        if self._on_changed is None:
            return False
        try:
            return bool(self._on_changed(role))
        except Exception:  # kept in the settings; the driver's status and the log say what is wrong
            _log.exception("device %s is set but its driver could not be started again", role)
            return False

    def settings(self) -> Settings:
        return load_settings(self.settings_path)

    def configured(self) -> list[ConfiguredDevice]:
        """Every role set in the settings, in role order, with its driver's last status."""
        statuses = self.board.statuses() if self.board is not None else {}
        found = []
        for role, raw in self.settings().devices.items():
            try:
                assignment = assignment_from_json(role, raw)
            except DomainError as exc:
                found.append(ConfiguredDevice(role, None, exc, statuses.get(role)))
                continue
            found.append(ConfiguredDevice(role, assignment, None, statuses.get(role)))
        return sorted(found, key=lambda c: _role_order(c.role) if _known_role(c.role) else (99, 0, c.role))

    def assignment(self, role_text: str) -> DeviceAssignment:
        """The usable assignment of a role; device.not_set or the setting's fault otherwise."""
        role = parse_role(role_text)
        raw = self.settings().devices.get(role.name)
        if raw is None:
            raise DomainError("device.not_set", role=role.name)
        return assignment_from_json(role.name, raw)

    def make_assignment(self, role_text: str, uri_text: str, *, profile: str | None = None,
                        protocol: str | None = None, address: int | None = None) -> DeviceAssignment:
        """Check what an administrator typed: the role, the URI, the role takes it, the options fit
        the role, and a driver can use it (printer model, board protocol and address)."""
        role = parse_role(role_text)
        uri = parse_device_uri(uri_text)
        check_role_accepts(role, uri)
        profile = (profile or "").strip() or None
        protocol = (protocol or "").strip().lower() or None
        if profile is not None and role.kind != "printer":
            raise DomainError("device.option_not_for_role", option="--profile", role=role.name)
        if protocol is not None and role.kind != "board":
            raise DomainError("device.option_not_for_role", option="--protocol", role=role.name)
        if address is not None and role.kind != "board":
            raise DomainError("device.option_not_for_role", option="--address", role=role.name)
        assignment = DeviceAssignment(role, uri, profile, protocol, address)
        self.tools.check(assignment)
        return assignment

    def assign(self, role_text: str, uri_text: str, *, profile: str | None = None, protocol: str | None = None,
               address: int | None = None) -> DeviceAssignment:
        """Check and keep the assignment in settings.json (replacing the role's device)."""
        assignment = self.make_assignment(role_text, uri_text, profile=profile, protocol=protocol, address=address)
        settings = self.settings()
        devices = dict(settings.devices)
        devices[assignment.role.name] = assignment.to_json()
        self._save(replace(settings, devices=devices))
        _log.info("device %s set to %s (profile %s, protocol %s, address %s)", assignment.role, assignment.uri,
                  assignment.profile, assignment.protocol, assignment.address)
        return assignment

    def remove(self, role_text: str) -> bool:
        """No device for the role any more; False when none was set."""
        role = parse_role(role_text)
        settings = self.settings()
        if role.name not in settings.devices:
            return False
        devices = {k: v for k, v in settings.devices.items() if k != role.name}
        self._save(replace(settings, devices=devices))
        _log.info("device %s removed", role)
        return True

    def test(self, role_text: str, *, number: str | None = None, timeout: float | None = None) -> TestOutcome:
        """Test the device of a role (never raises for a device fault: the outcome says it). The
        program's own reader of that port lets go of it meanwhile (the test reads the port itself)."""
        assignment = self.assignment(role_text)
        resume = self._pause(assignment.role.name) if self._pause is not None else None
        try:
            return self.tools.test(assignment, number=number, timeout=timeout)
        except DomainError as exc:
            return TestOutcome(assignment.role.name, False, error=exc)
        finally:
            if resume is not None:
                resume()

    def listen(self, role_text: str, count: int, timeout: float,
               on_code: Callable[[str], None] | None = None) -> list[str]:
        assignment = self.assignment(role_text)
        if assignment.role.kind != "scanner":
            raise DomainError("device.option_not_for_role", option="listen", role=assignment.role.name)
        resume = self._pause(assignment.role.name) if self._pause is not None else None
        try:
            return self.tools.listen(assignment, count, min(timeout, MAX_LISTEN_SECONDS), on_code)
        finally:
            if resume is not None:
                resume()

    def discover(self) -> Discovery:
        return self.tools.discover()

    def save_office_choice(self, kind: str, choice: OfficeChoice) -> None:
        self._save(with_office_choice(self.settings(), kind, choice))

    def _save(self, settings: Settings) -> None:
        save_settings(self.settings_path, settings)
        if self._on_saved is not None:
            self._on_saved(settings)


# -- words for the screens and the status bar -----------------------------------------------------------

ROLE_WORDS: dict[str, str] = {
    "ticket-printer": N_("Ticket printer"),
    "receipt-printer": N_("Receipt printer"),
    "office-printer": N_("Office printer"),
    "scanner": N_("Scanner"),
}
STATE_WORDS: dict[DeviceState, str] = {
    DeviceState.NOT_SET: N_("not set"),
    DeviceState.CONNECTING: N_("connecting"),
    DeviceState.CONNECTED: N_("connected"),
    DeviceState.ERROR: N_("error"),
    DeviceState.DISCONNECTED: N_("disconnected"),
}


def role_text(name: str) -> str:
    """"Máy in hóa đơn", "Bảng số quầy 3": a role as the screens say it."""
    if name in ROLE_WORDS:
        return _(ROLE_WORDS[name])
    if name.startswith("board-") and name[6:].isdigit():
        return _("Board of counter {number}").format(number=int(name[6:]))
    return name


def status_text(status: DeviceStatus | None) -> str:
    """"connected", "error: the printer … is out of paper": the state and, when there is one, why."""
    if status is None:
        return _("not started (used from the next start)")
    words = _(STATE_WORDS.get(status.state, N_("error")))
    error = status.error()
    return f"{words}: {describe_error(error)}" if error is not None else words


def _known_role(name: str) -> bool:
    try:
        parse_role(name)
    except DomainError:
        return False
    return True


# -- office printing: which system printer, paper and copies per kind of document --------------------

PAPER_SIZES = ("A4", "A5")
MAX_COPIES = 9


@dataclass(frozen=True, slots=True)
class OfficeChoice:
    """How one kind of document is printed on paper at this PC. ``printer`` None: the office
    printer of the PC (settings.devices["office-printer"]), else the system's default printer."""

    printer: str | None = None
    paper: str = "A4"
    copies: int = 1

    def to_json(self) -> dict[str, Any]:
        return {"printer": self.printer, "paper": self.paper, "copies": self.copies}


GUIDANCE = "guidance"  # the guidance sheet of a procedure (its title starts "huong-dan-")
# The page documents, as the Printer port's job titles name them ("{kind}-{key}", PrintService._send).
OFFICE_KINDS: dict[str, str] = {
    "receipt": N_("Form 01: receipt and appointment"),
    "supplement": N_("Form 02: request to supplement"),
    "refusal": N_("Form 03: refusal"),
    "apology": N_("Form 04: apology and new appointment"),
    "stop": N_("Form 05: notice of stopping"),
    "control": N_("Form 06: control sheet"),
    "book": N_("Form 07: tracking book"),
    "handover": N_("Hand-over record"),
    "delivery-label": N_("Delivery label"),
    "payment-receipt": N_("Payment receipt (A4/A5)"),
    GUIDANCE: N_("Guidance sheet"),
}


def office_kind_of(title: str) -> str:
    """The document kind a print job's title names: "receipt-000.00.31.H27-…" → "receipt"."""
    if title.startswith("huong-dan-"):
        return GUIDANCE
    matches = [k for k in OFFICE_KINDS if title == k or title.startswith(f"{k}-")]
    return max(matches, key=len) if matches else ""


def office_choice(settings: Settings, kind: str) -> OfficeChoice:
    """The choice kept for ``kind`` (a DocumentKind value); a damaged entry is logged and ignored."""
    raw = settings.office_printing.get(kind)
    if raw is None:
        return OfficeChoice()
    if isinstance(raw, Mapping):
        printer, paper, copies = raw.get("printer"), raw.get("paper", "A4"), raw.get("copies", 1)
        if ((printer is None or isinstance(printer, str)) and paper in PAPER_SIZES and isinstance(copies, int)
                and not isinstance(copies, bool) and 1 <= copies <= MAX_COPIES):
            return OfficeChoice(printer or None, paper, copies)
    _log.error("settings: office printing of %s is damaged (%r); defaults used", kind, raw)
    return OfficeChoice()


def with_office_choice(settings: Settings, kind: str, choice: OfficeChoice) -> Settings:
    if choice.paper not in PAPER_SIZES or not 1 <= choice.copies <= MAX_COPIES:
        raise DomainError("device.bad_office_choice", paper=choice.paper, copies=choice.copies, most=MAX_COPIES)
    return replace(settings, office_printing={**settings.office_printing, kind: choice.to_json()})
