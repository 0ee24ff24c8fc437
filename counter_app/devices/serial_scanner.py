"""Serial and USB-CDC barcode scanners read with pyserial: one reader thread per port.

A scanner in serial (RS-232) or USB-CDC ("virtual COM port") mode sends each code it reads as
one burst of bytes: an optional AIM symbology identifier (``]C0`` Code 128, ``]Q1`` QR …), the
data, then CR, LF or CR LF. This module turns the bytes into codes and nothing else:

* a frame is taken only when the line was quiet before its first byte (or a good frame had just
  ended) and stays quiet after its terminator, its bytes are UTF-8 without control characters,
  its AIM identifier (when there is one) names a known symbology, and what is left is shaped like
  a code (``services/scans.py: looks_like_scan``, the rule of the keyboard-wedge filter);
* noise (a wrong baud rate, a bad cable: kilobytes of bytes with stray CR/LF in them), a frame
  longer than any code, or half a frame (the scanner unplugged mid-code) never produce a code; the
  line is ignored until it has been quiet again, and the status says the scanner sends noise;
* a port that vanishes (cable pulled) is reported ``disconnected`` and reopened when it is back.

API for the Devices screen and ``counter devices listen scanner`` (counter_app/cli.py):

* ``supported(uri)`` — the URIs this driver reads (``serial://…``);
* ``SerialScanner(assignment, on_scan, board=…)`` then ``start()`` / ``close()`` / ``status()``;
  ``on_scan(code)`` is called on the reader thread (the window's bridge queues it to the GUI,
  ``ui/scanner.py: KeyboardWedgeFilter.inject``);
* ``listen(assignment, count, timeout)`` — the codes read, blocking the caller up to ``timeout``;
  ``test(assignment, timeout)`` — wait for one scan (the Test button);
* ``scanner_ports()`` — the serial ports of this PC, USB ones with VID:PID and name.
"""

from __future__ import annotations

import errno
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import serial
from serial.tools import list_ports

from counter_app.domain.errors import DomainError
from counter_app.services.devices import (
    DeviceAssignment,
    DeviceBoard,
    DeviceState,
    DeviceStatus,
    DeviceUri,
    SerialLine,
)
from counter_app.services.scans import looks_like_scan

_log = logging.getLogger(__name__)

ScanCallback = Callable[[str], None]


# -- protocol quirks (data) --------------------------------------------------------------------------

# ISO/IEC 15424 (AIM "Symbology identifiers"), table 1: the letter after "]" names the symbology,
# the character after it is a modifier ("0"–"9" or "A"–"Z"/"a"–"z" depending on the symbology).
# Honeywell ("AIM ID", Xenon/Voyager user guides), Zebra DS-series ("Transmit Code ID Character:
# AIM Code ID") and Newland/Datalogic manuals send these letters.
AIM_SYMBOLOGIES: dict[str, str] = {
    "A": "Code 39", "C": "Code 128", "E": "EAN/UPC", "F": "Codabar", "G": "Code 93", "I": "Interleaved 2 of 5",
    "L": "PDF417", "Q": "QR Code", "d": "Data Matrix", "e": "GS1 DataBar", "z": "Aztec", "X": "other",
}


@dataclass(frozen=True, slots=True)
class ScannerFraming:
    """How a serial scanner frames a code. Defaults fit the factory settings of Honeywell, Zebra,
    Datalogic and Newland scanners in serial/CDC mode (suffix CR, or CR LF; prefix off or AIM ID)."""

    terminators: frozenset[int] = frozenset({0x0D, 0x0A})  # CR, LF; CR LF ends on the CR, the LF is idle
    max_frame_bytes: int = 1024  # the longest code read here: a CCCD QR (~200 bytes) or a long link
    min_quiet_s: float = 0.02  # a pause longer than this separates scans; a frame is sent back to back
    quiet_byte_times: int = 4  # at slow lines the pause is at least this many character times
    symbologies: frozenset[str] = frozenset(AIM_SYMBOLOGIES)
    encoding: str = "utf-8"  # CCCD QRs carry Vietnamese names in UTF-8; codes are ASCII (a subset)

    def quiet_s(self, baud: int) -> float:
        byte_s = 10.0 / baud  # 8N1: start + 8 data + stop bits
        return max(self.min_quiet_s, self.quiet_byte_times * byte_s)


DEFAULT_FRAMING = ScannerFraming()
REOPEN_S = 0.5  # a vanished port is tried again this often (cheap: an open() that fails)


# -- framer (pure: bytes and times in, codes out) -----------------------------------------------------


@dataclass
class FrameReader:
    """Cuts a scanner's byte stream into codes (see the module docstring for the rules)."""

    framing: ScannerFraming = DEFAULT_FRAMING
    quiet_s: float = DEFAULT_FRAMING.min_quiet_s
    _buf: bytearray = field(default_factory=bytearray)
    _pending: str | None = None  # a good frame waiting for the line to stay quiet
    _discarding: bool = False  # noise seen: ignore everything until the line is quiet
    _last_at: float = float("-inf")
    noise_frames: int = 0  # frames dropped as noise (a status is reported when it grows)
    half_frames: int = 0

    def feed(self, data: bytes, now: float) -> list[str]:
        codes = self._settle(now)
        for byte in data:
            if byte in self.framing.terminators:
                if self._buf:
                    self._end_frame()
                continue  # the LF of CR LF, or a blank line
            if self._pending is not None:  # bytes right after a frame: it was part of noise
                _log.info("a frame followed by more bytes without a pause was dropped as noise")
                self._pending = None
                self._noise()
            if self._discarding:
                continue
            self._buf.append(byte)
            if len(self._buf) > self.framing.max_frame_bytes:
                self._buf.clear()
                self._noise()
        self._last_at = now
        return codes

    def tick(self, now: float) -> list[str]:
        """Called when the line was idle (a read timed out): a waiting frame is taken, a half one dropped."""
        return self._settle(now)

    def _settle(self, now: float) -> list[str]:
        if now - self._last_at < self.quiet_s:
            return []
        codes: list[str] = []
        if self._pending is not None:
            codes.append(self._pending)
            self._pending = None
        if self._buf:
            self.half_frames += 1
            _log.info("half a frame (%d bytes without terminator) dropped", len(self._buf))
            self._buf.clear()
        self._discarding = False
        return codes

    def _noise(self) -> None:
        self.noise_frames += 1
        self._discarding = True

    def _end_frame(self) -> None:
        raw = bytes(self._buf)
        self._buf.clear()
        if self._discarding:
            return
        code = self.decode(raw)
        if code is None:
            self._noise()
        else:
            self._pending = code

    def decode(self, raw: bytes) -> str | None:
        """The code in one frame (without terminator), or None when it is not one."""
        try:
            text = raw.decode(self.framing.encoding)
        except UnicodeDecodeError:
            return None
        if not text.isprintable():
            return None
        if text.startswith("]"):
            if len(text) < 4 or text[1] not in self.framing.symbologies or not text[2].isalnum():
                return None
            text = text[3:]
        return text if looks_like_scan(text) else None


# -- the driver ------------------------------------------------------------------------------------


def supported(uri: DeviceUri) -> bool:
    """True for the URIs a scanner can be read on: serial ports (RS-232 and USB-CDC)."""
    return uri.scheme == "serial"


def _open_port(line: SerialLine, read_timeout: float) -> serial.Serial:
    return serial.Serial(
        port=line.port, baudrate=line.baud, parity=line.parity, bytesize=line.bytesize, stopbits=line.stopbits,
        rtscts=line.flow == "rtscts", xonxoff=line.flow == "xonxoff", timeout=read_timeout,
        # POSIX: flock the port so a second program cannot read the same scanner (Windows always does)
        exclusive=True if os.name == "posix" else None,
    )


def open_failure_reason(error: BaseException) -> str:
    """device.port_busy, device.no_permission or device.port_missing for a port that would not open.

    Windows says "Access is denied" (PermissionError 13) for a COM port another program holds;
    Linux says EBUSY, or pyserial "could not exclusively lock port", and EACCES for a missing
    dialout group membership."""
    text = str(error).lower()
    code = getattr(error, "errno", None)
    if code == errno.EBUSY or "exclusively lock" in text or (os.name == "nt" and "access is denied" in text):
        return "device.port_busy"
    if code == errno.EACCES or "permission denied" in text:
        return "device.no_permission"
    return "device.port_missing"


class SerialScanner:
    """Reads one serial scanner on a thread of its own; never blocks the caller."""

    def __init__(
        self,
        assignment: DeviceAssignment,
        on_scan: ScanCallback,
        *,
        board: DeviceBoard | None = None,
        framing: ScannerFraming = DEFAULT_FRAMING,
        reopen_s: float = REOPEN_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not supported(assignment.uri):
            raise DomainError("device.wrong_kind", role=assignment.role.name, uri=str(assignment.uri), schemes="serial://")
        self.role = assignment.role
        self.line = assignment.uri.serial_line()
        self.on_scan = on_scan
        self.board = board
        self.framing = framing
        self.reopen_s = reopen_s
        self._clock = clock
        self._stop = threading.Event()
        self._lock = threading.Lock()  # guards the port between the reader and close()
        self._port: serial.Serial | None = None
        self._status = DeviceStatus(self.role.name, DeviceState.CONNECTING)
        self._thread: threading.Thread | None = None
        self.last_byte_at: float | None = None  # monotonic time of the last byte (benchmarks)

    # -- life ------------------------------------------------------------------------------------

    def start(self) -> SerialScanner:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"scanner {self.line.port}", daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            port = self._port
        if port is not None:
            try:
                port.cancel_read()
            except Exception:  # noqa: BLE001 - a port already gone cannot be cancelled; the thread ends anyway
                _log.debug("cancel_read on %s failed", self.line.port, exc_info=True)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)

    def status(self) -> DeviceStatus:
        return self._status

    def _report(self, state: DeviceState, reason: str = "", **params: str) -> None:
        self._status = DeviceStatus(self.role.name, state, reason, tuple(params.items()), datetime.now(UTC))
        if self.board is not None:
            self.board.report(self._status)

    # -- the reader thread -----------------------------------------------------------------------

    def _run(self) -> None:
        quiet = self.framing.quiet_s(self.line.baud)
        while not self._stop.is_set():
            try:
                port = _open_port(self.line, read_timeout=quiet / 2)
            except (serial.SerialException, OSError, ValueError) as exc:
                reason = open_failure_reason(exc)
                if self._status.reason != reason:
                    _log.warning("scanner port %s cannot be opened: %s", self.line.port, exc)
                self._report(DeviceState.DISCONNECTED, reason, port=self.line.port)
                self._stop.wait(self.reopen_s)
                continue
            with self._lock:
                self._port = port
            if self._stop.is_set():
                break
            _log.info("scanner port %s open at %d baud", self.line.port, self.line.baud)
            self._report(DeviceState.CONNECTED)
            try:
                self._read(port, quiet)
            except (serial.SerialException, OSError) as exc:
                if not self._stop.is_set():
                    _log.warning("scanner port %s is gone: %s", self.line.port, exc)
                    self._report(DeviceState.DISCONNECTED, "device.port_missing", port=self.line.port)
            finally:
                with self._lock:
                    self._port = None
                try:
                    port.close()
                except Exception:  # noqa: BLE001 - closing a vanished port may fail; it is gone either way
                    _log.debug("closing %s failed", self.line.port, exc_info=True)
            self._stop.wait(self.reopen_s)
        with self._lock:
            port, self._port = self._port, None
        if port is not None:
            port.close()

    def _read(self, port: serial.Serial, quiet: float) -> None:
        framer = FrameReader(self.framing, quiet)
        noise_seen = 0
        while not self._stop.is_set():
            data = port.read(max(1, port.in_waiting))
            now = self._clock()
            if data:
                self.last_byte_at = now
                codes = framer.feed(data, now)
            else:
                codes = framer.tick(now)
            if framer.noise_frames > noise_seen:
                noise_seen = framer.noise_frames
                self._report(DeviceState.ERROR, "device.scanner_noise", port=self.line.port)
            for code in codes:
                if self._status.state is not DeviceState.CONNECTED:
                    self._report(DeviceState.CONNECTED)  # a good code after noise: the line is fine now
                _log.info("serial scan of %d characters on %s", len(code), self.line.port)
                try:
                    self.on_scan(code)
                except Exception:
                    _log.exception("the scan handler failed; the scanner keeps reading")


# -- for the Devices screen and the command line ----------------------------------------------------


def listen(
    assignment: DeviceAssignment,
    count: int = 1,
    timeout: float = 10.0,
    *,
    on_code: ScanCallback | None = None,
    board: DeviceBoard | None = None,
    framing: ScannerFraming = DEFAULT_FRAMING,
) -> list[str]:
    """The codes read from the scanner until ``count`` came or ``timeout`` seconds passed.

    ``on_code`` hears each code as it comes (the CLI prints it). When the port could not be opened
    in all that time, DomainError with its reason (device.port_missing, device.port_busy …); when
    it was open but nothing was read, an empty list."""
    codes: queue.Queue[str] = queue.Queue()
    scanner = SerialScanner(assignment, codes.put, board=board, framing=framing).start()
    found: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        while len(found) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                code = codes.get(timeout=min(left, 0.1))
            except queue.Empty:
                continue
            found.append(code)
            if on_code is not None:
                on_code(code)
    finally:
        status = scanner.status()
        scanner.close()
    if not found and status.state is DeviceState.DISCONNECTED and status.reason:
        raise DomainError(status.reason, **dict(status.params))
    return found


def test(assignment: DeviceAssignment, timeout: float = 15.0, *, board: DeviceBoard | None = None) -> str:
    """Wait for one scan (the Test button): the code, or DomainError device.no_scan / the port's fault."""
    codes = listen(assignment, 1, timeout, board=board)
    if not codes:
        raise DomainError("device.no_scan", port=assignment.uri.serial_line().port, seconds=f"{timeout:g}")
    return codes[0]


test.__test__ = False  # type: ignore[attr-defined]  # not a pytest test function when imported


@dataclass(frozen=True, slots=True)
class SerialPortInfo:
    port: str  # what goes into serial://PORT
    description: str
    usb_id: str | None = None  # "0c2e:0b61" for USB-CDC devices
    manufacturer: str | None = None

    @property
    def uri(self) -> str:
        return f"serial://{self.port}"  # serial:///dev/ttyACM0, serial://COM3


def scanner_ports() -> list[SerialPortInfo]:
    """The serial ports of this PC (RS-232 and USB-CDC), sorted by name."""
    found = []
    for info in list_ports.comports():
        usb_id = f"{info.vid:04x}:{info.pid:04x}" if info.vid is not None and info.pid is not None else None
        found.append(SerialPortInfo(info.device, info.description or "", usb_id, info.manufacturer))
    return sorted(found, key=lambda p: p.port)
