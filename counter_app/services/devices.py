"""The devices of this PC: roles, device URIs, assignments kept in the PC's settings, and status.

A device is named by one URI (issue 11), stored per PC in ``settings.json``::

    serial:///dev/ttyUSB0?baud=115200&flow=rtscts     serial://COM3?baud=9600
    usb://04b8:0e15                                   tcp://192.168.1.50:9100
    win32://EPSON TM-T82                              cups://queue-name
    file:///path/to/job.bin                           system://Canon LBP2900   (an office printer)

Each role of the PC (ticket printer, receipt printer, office printer, scanner, counter board N)
is assigned at most one device. Drivers (counter_app/devices) say which URIs they support and
report a ``DeviceStatus`` that every window shows; the words for a status live here so the
screens, the command line and the logs say the same thing.
"""

from __future__ import annotations

import errno
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from counter_app.domain.errors import DomainError

# -- roles -----------------------------------------------------------------------------------------

FIXED_ROLES = ("ticket-printer", "receipt-printer", "office-printer", "scanner")
BOARD_ROLE = re.compile(r"^board-([1-9][0-9]{0,2})$")  # board-1 … board-999: the board above counter N
MAX_BOARDS = 999


@dataclass(frozen=True, slots=True)
class DeviceRole:
    """A role of this PC: one of FIXED_ROLES or ``board-N`` (the board of counter number N)."""

    name: str

    @property
    def kind(self) -> str:
        """printer, office-printer, scanner or board: which drivers can fill the role."""
        if self.name in ("ticket-printer", "receipt-printer"):
            return "printer"
        if self.name.startswith("board-"):
            return "board"
        return self.name

    @property
    def board_number(self) -> int | None:
        match = BOARD_ROLE.match(self.name)
        return int(match.group(1)) if match else None

    def __str__(self) -> str:
        return self.name


def parse_role(text: str) -> DeviceRole:
    name = text.strip().lower()
    if name in FIXED_ROLES or BOARD_ROLE.match(name):
        return DeviceRole(name)
    raise DomainError("device.unknown_role", role=text, roles=", ".join((*FIXED_ROLES, "board-N")))


# -- URIs ------------------------------------------------------------------------------------------

SCHEMES = ("serial", "usb", "tcp", "win32", "cups", "file", "system")
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400)
FLOW_CONTROLS = ("none", "rtscts", "xonxoff")
PARITIES = ("N", "E", "O")
DEFAULT_RAW_PORT = 9100  # the "raw"/JetDirect port every network receipt printer listens on
_SCHEMES_FOR_KIND: Mapping[str, tuple[str, ...]] = {
    "printer": ("serial", "usb", "tcp", "win32", "cups", "file"),
    "office-printer": ("system", "file"),
    "scanner": ("serial",),
    "board": ("serial", "tcp", "file"),
}


@dataclass(frozen=True, slots=True)
class SerialLine:
    """How a serial line is set: 8 data bits and 1 stop bit unless said otherwise."""

    port: str
    baud: int = 9600
    parity: str = "N"
    bytesize: int = 8
    stopbits: int = 1
    flow: str = "none"


@dataclass(frozen=True, slots=True)
class DeviceUri:
    """A parsed device URI. ``target`` is the port, host, printer or queue name, or the path."""

    scheme: str
    target: str
    port: int | None = None  # tcp only
    vendor_id: int | None = None  # usb only
    product_id: int | None = None
    params: tuple[tuple[str, str], ...] = ()
    text: str = ""  # as the administrator wrote it

    def param(self, key: str, default: str | None = None) -> str | None:
        return dict(self.params).get(key, default)

    def serial_line(self) -> SerialLine:
        """The serial settings of a ``serial://`` URI (already checked by parse_device_uri)."""
        if self.scheme != "serial":
            raise ValueError(f"not a serial URI: {self.text}")
        p = dict(self.params)
        return SerialLine(
            port=self.target, baud=int(p.get("baud", 9600)), parity=p.get("parity", "N").upper(),
            bytesize=int(p.get("bytesize", 8)), stopbits=int(p.get("stopbits", 1)), flow=p.get("flow", "none"),
        )

    def __str__(self) -> str:
        return self.text or f"{self.scheme}://{self.target}"


def _bad(text: str, reason: str) -> DomainError:
    return DomainError("device.bad_uri", uri=text, reason=reason)


def parse_device_uri(text: str) -> DeviceUri:
    """A ``DeviceUri`` from what an administrator typed, or ``device.bad_uri`` saying what is wrong."""
    raw = text.strip()
    if not raw:
        raise _bad(text, "uri.empty")
    if len(raw) > 300 or any(ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        raise _bad(text, "uri.characters")
    if "://" not in raw:
        raise _bad(text, "uri.no_scheme")
    scheme, rest = raw.split("://", 1)
    scheme = scheme.lower()
    if scheme not in SCHEMES:
        raise _bad(text, "uri.scheme")
    target_part, _sep, query = rest.partition("?")
    try:
        params = tuple((k.lower(), v) for k, v in parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query)))
    except ValueError:
        raise _bad(text, "uri.query") from None
    target = unquote(target_part)
    if scheme == "serial":
        return _serial(raw, target, params)
    if scheme == "usb":
        return _usb(raw, target, params)
    if scheme == "tcp":
        return _tcp(raw, params)
    if scheme == "file":
        if not target:
            raise _bad(text, "uri.target")
        return DeviceUri("file", target, params=params, text=raw)
    if not target.strip():  # win32, cups, system: a printer or queue name
        raise _bad(text, "uri.target")
    return DeviceUri(scheme, target.strip(), params=params, text=raw)


def _serial(raw: str, target: str, params: tuple[tuple[str, str], ...]) -> DeviceUri:
    if not target or target == "/":
        raise _bad(raw, "uri.target")
    known = {"baud", "parity", "bytesize", "stopbits", "flow"}
    p = dict(params)
    if set(p) - known:
        raise _bad(raw, "uri.param")
    if not p.get("baud", "9600").isdigit() or int(p.get("baud", "9600")) not in BAUD_RATES:
        raise _bad(raw, "uri.baud")
    if p.get("parity", "N").upper() not in PARITIES:
        raise _bad(raw, "uri.parity")
    if p.get("bytesize", "8") not in ("7", "8") or p.get("stopbits", "1") not in ("1", "2"):
        raise _bad(raw, "uri.framing")
    if p.get("flow", "none").lower() not in FLOW_CONTROLS:
        raise _bad(raw, "uri.flow")
    params = tuple((k, v.lower() if k == "flow" else v.upper() if k == "parity" else v) for k, v in params)
    if re.fullmatch(r"/?COM[0-9]{1,3}", target, flags=re.IGNORECASE):  # serial://COM3 and serial:///COM3
        target = target.lstrip("/").upper()
    return DeviceUri("serial", target, params=params, text=raw)


def _usb(raw: str, target: str, params: tuple[tuple[str, str], ...]) -> DeviceUri:
    match = re.fullmatch(r"([0-9a-fA-F]{4}):([0-9a-fA-F]{4})", target)
    if not match:
        raise _bad(raw, "uri.usb_id")
    if set(dict(params)) - {"interface", "in_ep", "out_ep"}:
        raise _bad(raw, "uri.param")
    return DeviceUri("usb", target.lower(), vendor_id=int(match.group(1), 16), product_id=int(match.group(2), 16),
                     params=params, text=raw)


def _tcp(raw: str, params: tuple[tuple[str, str], ...]) -> DeviceUri:
    parts = urlsplit(raw)
    try:
        port = parts.port or DEFAULT_RAW_PORT
    except ValueError:
        raise _bad(raw, "uri.tcp_port") from None
    host = parts.hostname or ""
    if not host or not re.fullmatch(r"[A-Za-z0-9.\-:\[\]]+", host):
        raise _bad(raw, "uri.target")
    if not 1 <= port <= 65535:
        raise _bad(raw, "uri.tcp_port")
    if parts.path not in ("", "/"):
        raise _bad(raw, "uri.target")
    return DeviceUri("tcp", host, port=port, params=params, text=raw)


def check_role_accepts(role: DeviceRole, uri: DeviceUri) -> None:
    """A scanner on ``tcp://`` or a board on ``cups://`` cannot work: refuse it when it is set."""
    if uri.scheme not in _SCHEMES_FOR_KIND[role.kind]:
        raise DomainError("device.wrong_kind", role=role.name, uri=str(uri),
                          schemes=", ".join(f"{s}://" for s in _SCHEMES_FOR_KIND[role.kind]))


# -- assignments (kept in the PC's settings) -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeviceAssignment:
    """A device given a role on this PC, with what its driver needs to speak to it."""

    role: DeviceRole
    uri: DeviceUri
    profile: str | None = None  # printers: the escpos-printer-db profile (paper width, native codes)
    protocol: str | None = None  # boards: the protocol name (see counter_app/devices)
    address: int | None = None  # boards on a shared RS-485 line: the board's address

    def to_json(self) -> dict[str, Any]:
        return {"uri": str(self.uri), "profile": self.profile, "protocol": self.protocol, "address": self.address}


def assignment_from_json(role_name: str, raw: object) -> DeviceAssignment:
    """One entry of ``settings.devices``; DomainError (device.*) when it cannot be used."""
    role = parse_role(role_name)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("uri"), str):
        raise DomainError("device.bad_setting", role=role_name)
    uri = parse_device_uri(raw["uri"])
    check_role_accepts(role, uri)
    profile, protocol, address = raw.get("profile"), raw.get("protocol"), raw.get("address")
    if profile is not None and not isinstance(profile, str):
        raise DomainError("device.bad_setting", role=role_name)
    if protocol is not None and not isinstance(protocol, str):
        raise DomainError("device.bad_setting", role=role_name)
    if address is not None and (not isinstance(address, int) or isinstance(address, bool) or not 0 <= address <= 255):
        raise DomainError("device.bad_setting", role=role_name)
    return DeviceAssignment(role, uri, profile or None, protocol or None, address)


def assignments(devices: Mapping[str, object], on_error: Callable[[str, DomainError], None] | None = None
                ) -> dict[str, DeviceAssignment]:
    """The usable assignments of ``settings.devices`` by role name; a broken entry is reported
    through ``on_error`` (logged by the caller) and left out, never guessed."""
    found: dict[str, DeviceAssignment] = {}
    for role_name, raw in devices.items():
        try:
            found[role_name] = assignment_from_json(role_name, raw)
        except DomainError as exc:
            if on_error is not None:
                on_error(role_name, exc)
    return found


# -- status ------------------------------------------------------------------------------------------


class DeviceState(StrEnum):
    NOT_SET = "not_set"  # no device given this role
    CONNECTING = "connecting"
    CONNECTED = "connected"
    ERROR = "error"  # reachable but not working (paper out, cover open, wrong answers)
    DISCONNECTED = "disconnected"  # port gone, cable pulled, host unreachable


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    role: str
    state: DeviceState
    reason: str = ""  # a device.* message code (services/messages.py) when not connected
    params: tuple[tuple[str, str], ...] = ()
    at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.state is DeviceState.CONNECTED

    def error(self) -> DomainError | None:
        """The reason as a DomainError, to be said with describe_error; None when there is none."""
        return DomainError(self.reason, **dict(self.params)) if self.reason else None


def os_reason(exc: BaseException) -> str:
    """An OS error as a {reason} param the screens can say: its errno name (EPIPE, ECONNREFUSED …,
    worded by services/messages.OS_REASONS), else its text for the log."""
    seen: BaseException | None = exc
    while seen is not None:
        number = getattr(seen, "errno", None)
        if isinstance(number, int) and number in errno.errorcode:
            return errno.errorcode[number]
        seen = seen.__cause__ or seen.__context__
    return (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__).strip()


class DeviceDriver(Protocol):
    """What every driver offers (the Odoo IoT-driver shape without its globals)."""

    role: DeviceRole

    def status(self) -> DeviceStatus: ...

    def close(self) -> None: ...


DeviceListener = Callable[[DeviceStatus], None]


@dataclass
class DeviceBoard:
    """The latest status of every role of this PC, and who wants to hear of changes (the status
    bars of the windows). Thread-safe: drivers report from their own threads."""

    _statuses: dict[str, DeviceStatus] = field(default_factory=dict)
    _listeners: list[DeviceListener] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def report(self, status: DeviceStatus) -> None:
        with self._lock:
            before = self._statuses.get(status.role)
            self._statuses[status.role] = status
            listeners = list(self._listeners)
        if before is None or replace(before, at=None) != replace(status, at=None):
            for listener in listeners:
                listener(status)

    def statuses(self) -> dict[str, DeviceStatus]:
        with self._lock:
            return dict(self._statuses)

    def listen(self, listener: DeviceListener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def stop() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return stop
