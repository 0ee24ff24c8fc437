"""Queue-number boards (the LED display above each counter): protocols, links and one worker per board.

A board is the role ``board-N`` of this PC: it shows the number called at counter N. Its
setting (services/devices.py) names a URI, a protocol and, on a shared RS-485 line, an address:

- ``serial:///dev/ttyUSB0?baud=9600`` (RS-232, or an RS-485 adapter shared by several boards,
  each with its own address: one link per port, one writer at a time);
- ``tcp://192.168.1.60:4001`` (a board on the network, or a serial-to-Ethernet converter);
- ``file:///path`` (the bytes appended to a file, for support).

A :class:`DisplayProtocol` turns (address, number, blink) into bytes; the three shipped are data
(frozen dataclasses, each citing its source): :data:`ASCII_LINE`, :data:`SUM_FRAME` and
:data:`CD5220`. Where the protocol answers (``ack``), a board that does not answer in time, or
answers something else (a board on the wrong baud rate reads garbage and stays silent), is shown
as ``error`` with ``device.no_answer``; a port that is gone or a host that refuses is
``disconnected``. Either way the number is kept and sent again (backing off up to
:attr:`RetryPolicy.max_s`), and a newer call replaces it: the latest number wins.

Calling never waits for a board: :meth:`BoardDriver.show` only hands the number to the board's
worker thread. :class:`CounterBoards` holds the boards of this PC and follows the queue service
(``subscribe``): each call or recall at counter N goes to ``board-N``.

API for the Devices screen and ``counter devices`` (engineer I4):
:func:`supported` (URIs a board can use), :data:`PROTOCOLS` / :func:`protocol_for` /
:func:`check_board` (a board setting checked before it is saved), :func:`show` (``counter devices
test board-N --show NUMBER``: shows a number and returns the board's status), :func:`test`
(shows 888), :class:`BoardDriver` (``show``/``wait_shown``/``status``/``close``),
:class:`CounterBoards` and :func:`start_counter_boards` (the composition, in bootstrap).
Serial ports are listed by the printer and scanner modules (``serial_ports``/``scanner_ports``).
"""

from __future__ import annotations

import errno
import logging
import os
import select
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from counter_app.domain.errors import DomainError
from counter_app.services.devices import (
    DeviceAssignment,
    DeviceBoard,
    DeviceState,
    DeviceStatus,
    DeviceUri,
    assignments,
)
from counter_app.services.queue_port import CallView, QueueUpdate

_log = logging.getLogger(__name__)

BOARD_SCHEMES = ("serial", "tcp", "file")
TEST_NUMBER = "888"  # the Test button and ``counter devices test board-N``: every segment lit


# -- protocols (data) ----------------------------------------------------------------------------------


class DisplayProtocol(Protocol):
    """How one kind of board is spoken to: (address, number, blink) → bytes, and what it answers."""

    @property
    def name(self) -> str: ...

    @property
    def addresses(self) -> tuple[int, int] | None:
        """The board addresses the protocol carries (first, last); None: one board per line."""
        ...

    @property
    def ack(self) -> bytes | None:
        """What the board answers to a frame it took; None: it never answers."""
        ...

    @property
    def ack_timeout_s(self) -> float: ...

    def encode(self, address: int | None, number: str, blink: bool) -> bytes:
        """The bytes that make the board show ``number``; ValueError when it cannot show it."""
        ...


def _ascii_text(number: str) -> str:
    """The number as the board can show it: letters and digits only, upper case (``a012`` → ``A012``)."""
    return "".join(ch for ch in number.upper() if ch.isascii() and ch.isalnum())


@dataclass(frozen=True, slots=True)
class AsciiLineProtocol:
    """A plain ASCII line: ``[AA ]NUMBER[ B]\\r\\n``, e.g. ``03 A012 B\\r\\n``.

    Source: this application's own line format, written down here and in the README for boards
    whose firmware reads one text line (the "text mode" of serial LED text boards, self-built
    Arduino/ESP boards) and readable in any serial terminal. ``AA`` is the two-digit address on a
    shared RS-485 line (left out when the board has none); `` B`` asks the board to blink. The
    board does not answer.
    """

    name: str = "ascii-line"
    addresses: tuple[int, int] | None = (0, 99)
    address_digits: int = 2
    separator: str = " "
    blink_flag: str = "B"
    end: bytes = b"\r\n"
    max_chars: int = 8  # the longest number the line carries (a 4-digit board shows "A012" or "1234")
    ack: bytes | None = None
    ack_timeout_s: float = 0.0

    def encode(self, address: int | None, number: str, blink: bool) -> bytes:
        text = _ascii_text(number)
        if not text or len(text) > self.max_chars:
            raise ValueError(f"{self.name} cannot show {number!r}")
        parts = [] if address is None else [f"{address:0{self.address_digits}d}"]
        parts.append(text)
        if blink:
            parts.append(self.blink_flag)
        return self.separator.join(parts).encode("ascii") + self.end


@dataclass(frozen=True, slots=True)
class SumFrameProtocol:
    """A 4-byte binary frame ``[address, high, low, (address + high + low) & 0xFF]`` at 9600 8N1.

    Source: the frame common RS-485 counter LED boards use, as issue 11 describes it (9600 8N1,
    ``[address, high, low, sum & 0xFF]``): the number's digits as a 16-bit big-endian value
    (``A012`` → 12; the boards show digits only, up to 9999), bit 7 of ``high`` asks for a blink,
    and the addressed board answers one ``ACK`` (0x06) byte when the sum is right (``NAK`` 0x15
    otherwise); boards at other addresses stay silent.
    """

    name: str = "sum-frame"
    addresses: tuple[int, int] | None = (0, 255)
    max_value: int = 9999
    blink_bit: int = 0x80  # in the high byte; 9999 = 0x270F leaves bits 15..14 free
    ack: bytes | None = b"\x06"
    nak: bytes = b"\x15"
    ack_timeout_s: float = 0.2  # 4 bytes each way at 9600 baud take ~8 ms; the boards answer in a few ms

    def encode(self, address: int | None, number: str, blink: bool) -> bytes:
        digits = "".join(ch for ch in number if ch.isascii() and ch.isdigit())
        if not digits or int(digits) > self.max_value:
            raise ValueError(f"{self.name} cannot show {number!r}")
        value = int(digits)
        addr = 1 if address is None else address
        high = (value >> 8) | (self.blink_bit if blink else 0)
        low = value & 0xFF
        return bytes((addr, high, low, (addr + high + low) & 0xFF))


@dataclass(frozen=True, slots=True)
class Cd5220Protocol:
    """The CD5220 pole-display command set (a 2×20 VFD customer display on RS-232, 9600 8N1).

    Source: Partner Tech CD5220 user's manual, "6.1 PTC standard mode command list" (table 6-1):
    ``CLR`` (0x0C) clears the screen and leaves the string mode, ``ESC @`` (1B 40) initialises the
    display, ``ESC Q A [n]x20 CR`` (1B 51 41 … 0D) writes the upper line in the string mode. While
    in the string mode the display takes only CLR/CAN and ESC Q A/B, so each number is sent as
    CLR, ESC @, ESC Q A with the number centred in the 20 columns, CR. The PTC table has no blink
    command, and the display never answers: one display per port, no address.
    """

    name: str = "cd5220"
    addresses: tuple[int, int] | None = None
    clear: bytes = b"\x0c"  # CLR
    initialize: bytes = b"\x1b\x40"  # ESC @
    upper_line: bytes = b"\x1b\x51\x41"  # ESC Q A
    end: bytes = b"\x0d"  # CR
    columns: int = 20
    ack: bytes | None = None
    ack_timeout_s: float = 0.0

    def encode(self, address: int | None, number: str, blink: bool) -> bytes:
        text = _ascii_text(number)
        if not text or len(text) > self.columns:
            raise ValueError(f"{self.name} cannot show {number!r}")
        return self.clear + self.initialize + self.upper_line + text.center(self.columns).encode("ascii") + self.end


ASCII_LINE = AsciiLineProtocol()
SUM_FRAME = SumFrameProtocol()
CD5220 = Cd5220Protocol()
PROTOCOLS: Mapping[str, DisplayProtocol] = {p.name: p for p in (ASCII_LINE, SUM_FRAME, CD5220)}
DEFAULT_PROTOCOL = ASCII_LINE.name


def protocol_for(name: str | None) -> DisplayProtocol:
    """The protocol named in a board's setting (``ascii-line`` when none); ``device.unknown_protocol``."""
    protocol = PROTOCOLS.get((name or DEFAULT_PROTOCOL).strip().lower())
    if protocol is None:
        raise DomainError("device.unknown_protocol", protocol=name or "", protocols=", ".join(PROTOCOLS))
    return protocol


def supported(uri: DeviceUri) -> bool:
    """True for the URIs a board can be driven on: serial (RS-232/RS-485), tcp and file."""
    return uri.scheme in BOARD_SCHEMES


def check_board(assignment: DeviceAssignment) -> DisplayProtocol:
    """The board's protocol, after checking its setting (for ``counter devices set`` and the screen):
    a known protocol, an address the protocol carries, a URI a board can use."""
    if not supported(assignment.uri):
        raise DomainError("device.wrong_kind", role=assignment.role.name, uri=str(assignment.uri),
                          schemes=", ".join(f"{s}://" for s in BOARD_SCHEMES))
    protocol = protocol_for(assignment.protocol)
    if assignment.address is not None:
        if protocol.addresses is None:
            raise DomainError("device.board_no_address", role=assignment.role.name, protocol=protocol.name)
        first, last = protocol.addresses
        if not first <= assignment.address <= last:
            raise DomainError("device.board_address", role=assignment.role.name, protocol=protocol.name,
                              address=assignment.address, first=first, last=last)
    return protocol


# -- links (transports) --------------------------------------------------------------------------------


class BoardFault(Exception):
    """A board could not be reached or did not answer: its state and a device.* reason."""

    def __init__(self, state: DeviceState, reason: str, **params: object) -> None:
        super().__init__(reason, params)
        self.state = state
        self.reason = reason
        self.params = {k: str(v) for k, v in params.items()}


class BoardLink(Protocol):
    """A port or connection that one board, or several on one RS-485 line, are reached through."""

    name: str

    def open(self) -> None:
        """Open now (BoardFault when it cannot); exchange opens by itself too."""
        ...

    def exchange(self, data: bytes, answer: int, timeout: float) -> bytes:
        """Write ``data`` whole, then read up to ``answer`` bytes within ``timeout`` (b"" if none
        came); BoardFault when the port or host is gone. One exchange at a time."""
        ...

    def close(self) -> None: ...


def _port_fault(exc: BaseException, port: str) -> BoardFault:
    code = getattr(exc, "errno", None)
    text = str(exc).lower()
    if code in (errno.EACCES, errno.EPERM) or "permission denied" in text or "access is denied" in text:
        return BoardFault(DeviceState.DISCONNECTED, "device.no_permission", port=port)
    if code == errno.EBUSY or "exclusively lock" in text or "busy" in text:
        return BoardFault(DeviceState.DISCONNECTED, "device.port_busy", port=port)
    return BoardFault(DeviceState.DISCONNECTED, "device.port_missing", port=port)


try:  # POSIX: pyserial lets termios.error (not an OSError) through from tcflush on a vanished port
    from termios import error as _termios_error

    _TERMIOS_ERRORS: tuple[type[BaseException], ...] = (_termios_error,)
except ImportError:  # Windows
    _TERMIOS_ERRORS = ()


class SerialLink:
    """A serial port through pyserial (RS-232, or RS-485 through an adapter that turns the line
    around by itself): kept open between numbers, closed and opened again after a fault."""

    def __init__(self, uri: DeviceUri, *, write_timeout: float = 1.0) -> None:
        self.line = uri.serial_line()
        self.name = self.line.port
        self._write_timeout = write_timeout
        self._lock = threading.Lock()
        self._port: Any = None

    def open(self) -> None:
        with self._lock:
            self._open()

    def _open(self) -> Any:
        if self._port is None:
            import serial

            line = self.line
            try:
                self._port = serial.Serial(
                    port=line.port, baudrate=line.baud, parity=line.parity, bytesize=line.bytesize,
                    stopbits=line.stopbits, rtscts=line.flow == "rtscts", xonxoff=line.flow == "xonxoff",
                    timeout=0.1, write_timeout=self._write_timeout,
                    exclusive=True if os.name == "posix" else None,
                )
            except (OSError, ValueError, serial.SerialException, *_TERMIOS_ERRORS) as exc:
                raise _port_fault(exc, line.port) from exc
        return self._port

    def exchange(self, data: bytes, answer: int, timeout: float) -> bytes:
        import serial

        with self._lock:
            port = self._open()
            try:
                if answer:
                    port.reset_input_buffer()  # an old answer or line noise is not this frame's answer
                port.write(data)
                port.flush()
                if not answer:
                    return b""
                got = b""
                deadline = time.monotonic() + timeout
                while len(got) < answer:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    port.timeout = left
                    chunk = port.read(answer - len(got))
                    if not chunk:
                        break
                    got += chunk
                return got
            except (OSError, serial.SerialException, *_TERMIOS_ERRORS) as exc:  # pulled cable, USB adapter gone
                self._close()
                raise BoardFault(DeviceState.DISCONNECTED, "device.port_missing", port=self.line.port) from exc

    def _close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except Exception:  # noqa: BLE001 - a vanished port may fail to close; it is dropped anyway
                _log.debug("closing %s failed", self.line.port, exc_info=True)

    def close(self) -> None:
        with self._lock:
            self._close()


class TcpLink:
    """A board (or a serial-to-Ethernet converter) on the network: one TCP connection kept open."""

    def __init__(self, uri: DeviceUri, *, connect_timeout: float = 1.0) -> None:
        assert uri.port is not None
        self.host, self.port = uri.target, uri.port
        self.name = f"{self.host}:{self.port}"
        self._connect_timeout = connect_timeout
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None

    def open(self) -> None:
        with self._lock:
            self._open()

    def _open(self) -> socket.socket:
        if self._sock is None:
            try:
                self._sock = socket.create_connection((self.host, self.port), timeout=self._connect_timeout)
                self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError as exc:
                raise BoardFault(DeviceState.DISCONNECTED, "device.unreachable", address=self.name) from exc
        return self._sock

    def exchange(self, data: bytes, answer: int, timeout: float) -> bytes:
        with self._lock:
            for attempt in (1, 2):  # a connection the board closed since the last number: connect once more
                sock = self._open()
                try:
                    self._drain(sock)
                    sock.settimeout(self._connect_timeout)
                    sock.sendall(data)
                    if not answer:
                        return b""
                    return self._read(sock, answer, timeout)
                except ConnectionError as exc:
                    self._close()
                    if attempt == 2:
                        raise BoardFault(DeviceState.DISCONNECTED, "device.unreachable", address=self.name) from exc
                except OSError as exc:
                    self._close()
                    raise BoardFault(DeviceState.DISCONNECTED, "device.unreachable", address=self.name) from exc
            raise AssertionError("unreachable")

    @staticmethod
    def _drain(sock: socket.socket) -> None:
        """Drop what the board sent unasked (an old answer); a board that closed the connection is
        found here, before the frame is written into a dead socket."""
        sock.settimeout(0.0)
        while select.select([sock], [], [], 0)[0]:
            try:
                chunk = sock.recv(4096)
            except BlockingIOError:
                return
            if not chunk:
                raise ConnectionResetError(errno.ECONNRESET, "the board closed the connection")

    def _read(self, sock: socket.socket, answer: int, timeout: float) -> bytes:
        got = b""
        deadline = time.monotonic() + timeout
        while len(got) < answer:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            sock.settimeout(left)
            try:
                chunk = sock.recv(answer - len(got))
            except TimeoutError:
                break
            if not chunk:
                raise ConnectionResetError(errno.ECONNRESET, "the board closed the connection")
            got += chunk
        return got

    def _close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()

    def close(self) -> None:
        with self._lock:
            self._close()


class FileLink:
    """The bytes appended to a file (support: what would have gone to the board)."""

    def __init__(self, uri: DeviceUri) -> None:
        self.name = self.path = uri.target
        self._lock = threading.Lock()

    def open(self) -> None:
        try:
            with open(self.path, "ab"):
                pass
        except OSError as exc:
            raise _port_fault(exc, self.path) from exc

    def exchange(self, data: bytes, answer: int, timeout: float) -> bytes:
        with self._lock:
            try:
                with open(self.path, "ab") as out:
                    out.write(data)
            except OSError as exc:
                raise _port_fault(exc, self.path) from exc
        return b""

    def close(self) -> None:
        return None


def open_link(uri: DeviceUri) -> BoardLink:
    """The link for a board URI (not opened yet)."""
    if uri.scheme == "serial":
        return SerialLink(uri)
    if uri.scheme == "tcp":
        return TcpLink(uri)
    if uri.scheme == "file":
        return FileLink(uri)
    raise ValueError(f"a board cannot use {uri}")


def link_key(uri: DeviceUri) -> tuple[str, str, int | None]:
    """Boards whose URIs name the same port or host share one link (RS-485: one writer at a time)."""
    return (uri.scheme, uri.target, uri.port)


# -- one worker per board ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When a number that did not reach the board is sent again, and how often an answering board
    is asked again (the last number re-sent) so one switched off is shown down while nobody calls."""

    first_s: float = 0.5
    factor: float = 2.0
    max_s: float = 5.0
    reopen_s: float = 5.0  # a port that would not open at start is tried again this often
    keepalive_s: float = 30.0  # boards that answer: the shown number is re-sent this long after the last answer

    def delay(self, failures: int) -> float:
        return min(self.max_s, self.first_s * self.factor ** max(0, failures - 1))


@dataclass(frozen=True, slots=True)
class BoardCall:
    number: str
    blink: bool = False


class BoardDriver:
    """One board: a worker thread that sends the latest number handed to :meth:`show`."""

    def __init__(
        self, assignment: DeviceAssignment, link: BoardLink, protocol: DisplayProtocol,
        board: DeviceBoard | None = None, *, retry: RetryPolicy = RetryPolicy(),
    ) -> None:
        self.assignment = assignment
        self.role = assignment.role
        self.link = link
        self.protocol = protocol
        self.retry = retry
        self._board = board if board is not None else DeviceBoard()
        self._cond = threading.Condition()
        self._pending: BoardCall | None = None
        self._due = 0.0  # monotonic time before which a failed number is not sent again
        self._failures = 0
        self._closed = False
        self._opened = False
        self._last_ok = 0.0
        self.shown: BoardCall | None = None  # the last number the board took (written, or acknowledged)
        self.sent = 0  # frames written (benchmarks, tests)
        self.last_written_at: float | None = None  # perf_counter() after the last frame was written
        self._status = DeviceStatus(self.role.name, DeviceState.CONNECTING, at=datetime.now(UTC))
        self._board.report(self._status)
        self._thread = threading.Thread(target=self._run, name=f"board {self.role.name}", daemon=True)
        self._thread.start()

    # -- the caller's side (never blocks on the board) -----------------------------------------------

    def show(self, number: str, blink: bool = False) -> None:
        """Hand ``number`` to the board's worker; a number not sent yet is replaced (latest wins)."""
        with self._cond:
            self._pending = BoardCall(number, blink)
            self._due = 0.0  # a new call is tried at once, even while the board is down
            self._cond.notify_all()

    def wait_shown(self, number: str, timeout: float) -> bool:
        """Wait until the board took ``number`` (tests, ``counter devices test``); False after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.shown is None or self.shown.number != number:
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    return False
                self._cond.wait(left)
            return True

    def wait_status(self, ok: bool, timeout: float) -> DeviceStatus:
        """Wait until the status is ok (or not ok), at most ``timeout``; the status then."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._status.ok != ok and time.monotonic() < deadline:
                self._cond.wait(max(0.0, deadline - time.monotonic()))
            return self._status

    def status(self) -> DeviceStatus:
        return self._status

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=3.0)

    # -- the worker -----------------------------------------------------------------------------------

    def _report(self, state: DeviceState, reason: str = "", **params: str) -> None:
        status = DeviceStatus(self.role.name, state, reason, tuple(sorted(params.items())), datetime.now(UTC))
        with self._cond:
            self._status = status
            self._cond.notify_all()
        self._board.report(status)

    def _next(self) -> BoardCall | None:
        """Wait for a number to send (or a port to try again); None when closed."""
        with self._cond:
            while not self._closed:
                now = time.monotonic()
                if self._pending is not None and now >= self._due:
                    call, self._pending = self._pending, None
                    return call
                if not self._opened and now >= self._due:
                    return BoardCall("")  # try the port again
                if (self.protocol.ack and self.shown is not None and self._status.ok
                        and now - self._last_ok >= self.retry.keepalive_s):
                    return BoardCall(self.shown.number, blink=False)  # asked again, without a new blink
                waits = [self._due - now] if (self._pending is not None or not self._opened) else []
                if self.protocol.ack and self.shown is not None and self._status.ok:
                    waits.append(self._last_ok + self.retry.keepalive_s - now)
                self._cond.wait(max(0.001, min(waits)) if waits else None)
            return None

    def _failed(self, call: BoardCall | None, fault: BoardFault) -> None:
        with self._cond:
            self._failures += 1
            if fault.state is DeviceState.DISCONNECTED:
                self._opened = False  # the port is tried again even when no number waits
            if call is not None and call.number and self._pending is None:
                self._pending = call  # keep it for the retry unless a newer number came meanwhile
            delay = self.retry.delay(self._failures) if call is not None and call.number else self.retry.reopen_s
            self._due = time.monotonic() + delay
        if fault.state is not self._status.state or fault.reason != self._status.reason:
            _log.warning("board %s (%s): %s %s; trying again in %.1f s", self.role.name, self.link.name,
                         fault.reason, fault.params, delay)
        self._report(fault.state, fault.reason, **fault.params)

    def _run(self) -> None:
        while True:
            call = self._next()
            if call is None:
                break
            if not call.number:  # reopen the port: says early that it is gone, before anybody calls
                try:
                    self.link.open()
                except BoardFault as fault:
                    self._failed(None, fault)
                    continue
                self._opened = True
                if self.protocol.ack is None:
                    self._report(DeviceState.CONNECTED)
                elif not self._status.ok:  # the port is there; the board is heard at the next number
                    self._report(DeviceState.CONNECTING)
                continue
            try:
                self._send(call)
            except BoardFault as fault:
                self._failed(call, fault)
            except Exception:  # a bug must not end the worker: the board would stay silent for the day
                _log.exception("board %s: sending %s failed", self.role.name, call)
                self._failed(call, BoardFault(DeviceState.ERROR, "device.no_answer", port=self.link.name))
        self.link.close()

    def _send(self, call: BoardCall) -> None:
        protocol = self.protocol
        try:
            frame = protocol.encode(self.assignment.address, call.number, call.blink)
        except ValueError:
            _log.error("board %s (%s) cannot show %r; left as it was", self.role.name, protocol.name, call.number)
            self._report(DeviceState.ERROR, "device.board_number", number=call.number, role=self.role.name,
                         protocol=protocol.name)
            return
        answer = self.link.exchange(frame, len(protocol.ack) if protocol.ack else 0, protocol.ack_timeout_s)
        self._opened = True
        self.sent += 1
        self.last_written_at = time.perf_counter()
        if protocol.ack is not None and answer != protocol.ack:
            if answer:
                _log.warning("board %s answered %s to %s", self.role.name, answer.hex(" "), frame.hex(" "))
            raise BoardFault(DeviceState.ERROR, "device.no_answer", port=self.link.name)
        with self._cond:
            self.shown = call
            self._failures = 0
            self._last_ok = time.monotonic()
            self._cond.notify_all()
        if not self._status.ok:
            if self._status.state is not DeviceState.CONNECTING:
                _log.info("board %s (%s) answers again", self.role.name, self.link.name)
            self._report(DeviceState.CONNECTED)


# -- the boards of this PC ----------------------------------------------------------------------------


@dataclass
class CounterBoards:
    """The boards of this PC by counter number; follows the queue service's calls."""

    drivers: dict[int, BoardDriver] = field(default_factory=dict)
    links: dict[tuple[str, str, int | None], BoardLink] = field(default_factory=dict)
    _unsubscribe: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def from_assignments(
        cls, found: Mapping[str, DeviceAssignment], board: DeviceBoard, *, retry: RetryPolicy = RetryPolicy(),
        make_link: Callable[[DeviceUri], BoardLink] = open_link,
    ) -> CounterBoards:
        """A driver for each ``board-N`` in ``found``; boards on one port share its link. A setting
        that cannot work is logged and shown on the status board, never guessed."""
        boards = cls()
        for role_name in sorted(found):
            assignment = found[role_name]
            counter = assignment.role.board_number
            if counter is None:
                continue
            try:
                protocol = check_board(assignment)
            except DomainError as exc:
                _log.error("board %s cannot be used: %s %s", role_name, exc.code, exc.params)
                board.report(DeviceStatus(role_name, DeviceState.ERROR, exc.code,
                                          tuple(sorted((k, str(v)) for k, v in exc.params.items())),
                                          datetime.now(UTC)))
                continue
            key = link_key(assignment.uri)
            link = boards.links.get(key)
            if link is None:
                link = boards.links[key] = make_link(assignment.uri)
            elif assignment.uri.scheme == "serial" and getattr(link, "line", None) != assignment.uri.serial_line():
                _log.warning("board %s shares %s with another board but sets the line otherwise (%s); the "
                             "first setting is used", role_name, link.name, assignment.uri)
            boards.drivers[counter] = BoardDriver(assignment, link, protocol, board, retry=retry)
        return boards

    def show_call(self, counter_number: int, number: str, *, blink: bool = True) -> bool:
        """Hand a call to the board of ``counter_number``; False when the counter has none here."""
        driver = self.drivers.get(counter_number)
        if driver is None:
            return False
        driver.show(number, blink)
        return True

    def on_queue_update(self, update: QueueUpdate) -> None:
        """A queue subscriber: every call and recall goes to its counter's board (a new call blinks)."""
        if isinstance(update, CallView):
            self.show_call(update.counter_number, update.ticket_number, blink=True)

    def follow(self, queue: Any) -> Callable[[], None]:
        """Subscribe to ``queue`` (a QueueService); returns the unsubscribe."""
        unsubscribe: Callable[[], None] = queue.subscribe(self.on_queue_update)
        self._unsubscribe.append(unsubscribe)
        return unsubscribe

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        for driver in self.drivers.values():
            driver.close()


def start_counter_boards(devices: Mapping[str, object], queue: Any, board: DeviceBoard) -> CounterBoards | None:
    """The composition (bootstrap): the boards set in this PC's settings, following ``queue``'s
    calls; None when the PC has no board (nothing started)."""
    if not any(str(name).startswith("board-") for name in devices):
        return None

    def broken(role: str, exc: DomainError) -> None:
        if role.startswith("board-"):
            _log.error("board %s cannot be used: %s %s", role, exc.code, exc.params)
            board.report(DeviceStatus(role, DeviceState.ERROR, exc.code,
                                      tuple(sorted((k, str(v)) for k, v in exc.params.items())), datetime.now(UTC)))

    found = {name: a for name, a in assignments(devices, on_error=broken).items() if a.role.kind == "board"}
    boards = CounterBoards.from_assignments(found, board)
    if queue is not None:
        boards.follow(queue)
    return boards


# -- for the Devices screen and ``counter devices test`` ------------------------------------------------


def show(assignment: DeviceAssignment, number: str, *, timeout: float = 2.0, board: DeviceBoard | None = None,
         retry: RetryPolicy = RetryPolicy()) -> DeviceStatus:
    """Show ``number`` on the board of ``assignment`` and say how it went: its status once the board
    took the number (connected), or the fault after ``timeout``. DomainError for a setting that
    cannot work (unknown protocol, address out of range)."""
    protocol = check_board(assignment)
    driver = BoardDriver(assignment, open_link(assignment.uri), protocol, board, retry=retry)
    try:
        driver.show(number, blink=False)
        if driver.wait_shown(number, timeout):
            return driver.status()
        status = driver.status()
        if status.ok or status.state is DeviceState.CONNECTING:  # written, never answered in time
            return DeviceStatus(assignment.role.name, DeviceState.ERROR, "device.no_answer",
                                (("port", driver.link.name),), datetime.now(UTC))
        return status
    finally:
        driver.close()


def test(assignment: DeviceAssignment, *, timeout: float = 2.0, board: DeviceBoard | None = None) -> DeviceStatus:
    """The Test button of a board: shows 888 (every segment of a 3-digit board lit)."""
    return show(assignment, TEST_NUMBER, timeout=timeout, board=board)


test.__test__ = False  # type: ignore[attr-defined]  # a device test, not a pytest one (when imported into tests)
