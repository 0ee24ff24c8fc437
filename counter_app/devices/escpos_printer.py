"""Receipt printers (ESC/POS): one driver per printer, its I/O on its own thread, status on the board.

A receipt or ticket printer is named by a device URI (services/devices.py). The bytes of a job
are made elsewhere (printing/escpos_job.py, handed in by bootstrap); this module only moves them:

- ``serial://`` python-escpos ``Serial`` (pyserial), with the URI's baud, parity, framing and
  RTS/CTS or XON/XOFF flow control;
- ``usb://VID:PID`` python-escpos ``Usb`` (pyusb, imported when used);
- ``tcp://host:9100`` python-escpos ``Network`` (the printer's raw port);
- ``win32://Printer name`` the Windows spooler, RAW data type (``win32print``, Windows only,
  imported when used);
- ``cups://queue`` ``lp -d queue -o raw`` (or ``lpr -P queue -o raw``): python-escpos's ``LP``
  throws away lp's exit status and adds a newline to every job, so this module runs lp itself;
- ``file:///path`` python-escpos ``File`` (the job's bytes in a file, for support).

Where the link reads back (serial, USB, network) the printer is asked ``DLE EOT`` before and
after each job (:data:`DLE_EOT`): offline, cover open, paper near end or out are reported to the
``DeviceBoard``; a job counts as printed only when all its bytes were written and the printer
answered afterwards. The printer is opened for each job and closed after it, so a cable pulled
between two jobs costs nothing more than that job's retry.

API for the Devices screen and ``counter devices`` (engineer I4):
:func:`supported`, :class:`EscposPrinter` (``send``/``submit``/``check``/``status``/``close``,
and the ``Printer`` port's ``print_image``), :func:`test_receipt` (a test job from a raster
maker), :func:`known_profile`, :func:`serial_ports`.
"""

from __future__ import annotations

import errno
import importlib
import io
import logging
import queue
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from counter_app.domain.calendar import VIETNAM_TIME
from counter_app.services.devices import (
    DeviceAssignment,
    DeviceBoard,
    DeviceRole,
    DeviceState,
    DeviceStatus,
    DeviceUri,
    os_reason,
)
from counter_app.services.ports import PrintJob

_log = logging.getLogger(__name__)

PRINTER_SCHEMES = ("serial", "usb", "tcp", "win32", "cups", "file")
READS_BACK = ("serial", "usb", "tcp")


# -- DLE EOT (real-time status) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusQuery:
    """``DLE EOT n`` as the Epson ESC/POS Application Programming Guide (and the TM-T20II/TM-T82
    technical references, "DLE EOT n: Transmit real-time status") define it. The printer answers
    one byte at once, even in the middle of a job; bits 1 and 4 are always 1, bits 0 and 7 are 0
    (that fixed pattern ``0x12`` tells a status byte from noise)."""

    printer: bytes = b"\x10\x04\x01"  # n=1 printer status
    offline_cause: bytes = b"\x10\x04\x02"  # n=2 why it is off line
    paper: bytes = b"\x10\x04\x04"  # n=4 roll paper sensor
    fixed_mask: int = 0x93  # bits 0, 1, 4, 7
    fixed_value: int = 0x12
    offline_bit: int = 0x08  # n=1 bit 3: off line
    cover_open_bit: int = 0x04  # n=2 bit 2: cover open
    feed_button_bit: int = 0x08  # n=2 bit 3: paper fed by the FEED button
    paper_stop_bit: int = 0x20  # n=2 bit 5: printing stopped, paper end
    error_bit: int = 0x40  # n=2 bit 6: an error occurred
    near_end_bits: int = 0x0C  # n=4 bits 2,3: roll paper near end
    paper_out_bits: int = 0x60  # n=4 bits 5,6: roll paper end


DLE_EOT = StatusQuery()


@dataclass(frozen=True, slots=True)
class PrinterReport:
    """What the printer said of itself through DLE EOT."""

    online: bool
    cover_open: bool = False
    paper_out: bool = False
    paper_near_end: bool = False
    error: bool = False
    feed_button: bool = False


def _is_status(byte: int) -> bool:
    return byte & DLE_EOT.fixed_mask == DLE_EOT.fixed_value


def parse_status(printer: int, offline_cause: int | None, paper: int | None) -> PrinterReport:
    """The three DLE EOT answers (n=1, 2, 4) as a report; ``None`` for a question not asked."""
    q = DLE_EOT
    cause = offline_cause or 0
    paper_byte = paper or 0
    return PrinterReport(
        online=not printer & q.offline_bit,
        cover_open=bool(cause & q.cover_open_bit),
        paper_out=bool(cause & q.paper_stop_bit) or paper_byte & q.paper_out_bits == q.paper_out_bits,
        paper_near_end=paper_byte & q.near_end_bits == q.near_end_bits,
        error=bool(cause & q.error_bit),
        feed_button=bool(cause & q.feed_button_bit),
    )


def offline_reason(report: PrinterReport) -> str:
    """The {reason} of device.offline as a word code (services/messages.PARAM_WORDS), not status bytes."""
    if report.error:
        return "printer.error"
    if report.feed_button:
        return "printer.feed_button"
    return "printer.offline"


# -- profiles -----------------------------------------------------------------------------------------


def known_profile(name: str | None) -> bool:
    """Whether ``name`` is an escpos-printer-db profile (python-escpos capabilities) that prints
    raster images; an unknown model gets the all-raster job on the default profile."""
    if not name:
        return False
    try:
        from escpos.capabilities import get_profile

        return bool(get_profile(name).supports("bitImageRaster"))
    except Exception:  # KeyError for an unknown name; anything else is as unknown
        return False


# -- links (one per job) -----------------------------------------------------------------------------


class PrinterFault(Exception):
    """A fault of the printer or its link, as a device.* code and its parameters."""

    def __init__(self, state: DeviceState, code: str, **params: str) -> None:
        super().__init__(code, params)
        self.state = state
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return f"{self.code} {self.params}"


class Link(Protocol):
    """An open connection to a printer for one job."""

    reads_back: bool

    def write(self, data: bytes) -> None:
        """All of ``data`` or an OSError."""
        ...

    def ask(self, query: bytes, timeout: float) -> int | None:
        """Send a DLE EOT question and return the status byte, None when nothing answered in time.
        OSError (EOF included) when the link is gone."""
        ...

    def finish(self) -> None:
        """The job is complete: wait for it to leave (drain, spooler end); OSError if it did not."""
        ...

    def close(self) -> None: ...


def _errno_of(exc: BaseException | None) -> int | None:
    while exc is not None:
        number = getattr(exc, "errno", None)
        if isinstance(number, int):
            return number
        exc = exc.__cause__ or exc.__context__
    return None


def _open_fault(exc: BaseException, uri: DeviceUri) -> PrinterFault:
    number = _errno_of(exc)
    text = str(exc).lower()
    if number in (errno.EACCES, errno.EPERM) or "permission" in text or "access is denied" in text:
        return PrinterFault(DeviceState.DISCONNECTED, "device.no_permission", port=uri.target)
    if number == errno.EBUSY or "busy" in text or "lock" in text:
        return PrinterFault(DeviceState.DISCONNECTED, "device.port_busy", port=uri.target)
    return PrinterFault(DeviceState.DISCONNECTED, "device.port_missing", port=uri.target)


class _SerialLink:
    reads_back = True

    def __init__(self, uri: DeviceUri, timeout: float) -> None:
        import serial
        from escpos.printer import Serial

        line = uri.serial_line()
        parity = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}[line.parity]
        self._printer = Serial(
            devfile=line.port, baudrate=line.baud, bytesize=line.bytesize, timeout=timeout, parity=parity,
            stopbits=line.stopbits, xonxoff=line.flow == "xonxoff", dsrdtr=False, profile="default",
        )
        try:
            self._printer.open()
        except Exception as exc:
            raise _open_fault(exc, uri) from exc
        self.device = self._printer.device
        if self.device is None:
            raise PrinterFault(DeviceState.DISCONNECTED, "device.port_missing", port=uri.target)
        # python-escpos has no RTS/CTS switch (its dsrdtr is DSR/DTR); pyserial sets it on the open port
        self.device.rtscts = line.flow == "rtscts"
        # a printer holding CTS low forever must not hang the job: bytes/rate, twice, plus slack
        self._byte_seconds = 10.0 / line.baud
        self.device.reset_input_buffer()

    def write(self, data: bytes) -> None:
        write_timeout = 5 + 2 * len(data) * self._byte_seconds
        if write_timeout > (self.device.write_timeout or 0):  # setting it costs a tcsetattr: raise it only
            self.device.write_timeout = write_timeout
        try:
            written = self.device.write(data)
        except Exception as exc:  # SerialTimeoutException, SerialException(EIO) when the port closes
            raise OSError(_errno_of(exc) or errno.EIO, str(exc)) from exc
        if written != len(data):
            raise OSError(errno.EIO, f"{written} of {len(data)} bytes written")

    def finish(self) -> None:
        try:
            self.device.flush()  # tcdrain: the bytes have left the port
        except Exception as exc:
            raise OSError(_errno_of(exc) or errno.EIO, str(exc)) from exc

    def ask(self, query: bytes, timeout: float) -> int | None:
        # a printer may answer a 10 04 n that happens to be in image data: drop what came before
        self.device.reset_input_buffer()
        self.write(query)
        deadline = time.monotonic() + timeout
        if self.device.timeout != timeout:
            self.device.timeout = timeout  # setting it reconfigures the port (tcsetattr): only when it changes
        while time.monotonic() < deadline:
            try:
                got = self.device.read(1)
            except Exception as exc:
                raise OSError(_errno_of(exc) or errno.EIO, str(exc)) from exc
            if got and _is_status(got[0]):
                return got[0]
        return None

    def close(self) -> None:
        try:
            self.device.close()
        except Exception:
            _log.debug("serial close", exc_info=True)


class _NetworkLink:
    reads_back = True

    def __init__(self, uri: DeviceUri, timeout: float) -> None:
        from escpos.printer import Network

        self._printer = Network(host=uri.target, port=uri.port or 9100, timeout=timeout, profile="default")
        try:
            self._printer.open()
        except Exception as exc:
            raise PrinterFault(DeviceState.DISCONNECTED, "device.unreachable",
                               address=f"{uri.target}:{uri.port}") from exc
        self.sock: socket.socket = self._printer.device

    def write(self, data: bytes) -> None:
        self.sock.sendall(data)

    def finish(self) -> None:
        return None

    def ask(self, query: bytes, timeout: float) -> int | None:
        self._drain()  # answers to a 10 04 n that happened to be in image data
        self.sock.sendall(query)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                got = self.sock.recv(1)
            except TimeoutError:
                return None
            if not got:
                raise ConnectionResetError(errno.ECONNRESET, "the printer closed the connection")
            if _is_status(got[0]):
                return got[0]
        return None

    def _drain(self) -> None:
        self.sock.setblocking(False)
        try:
            while True:
                if not self.sock.recv(4096):
                    raise ConnectionResetError(errno.ECONNRESET, "the printer closed the connection")
        except BlockingIOError:
            pass
        finally:
            self.sock.setblocking(True)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            _log.debug("socket close", exc_info=True)


class _UsbLink:
    reads_back = True

    def __init__(self, uri: DeviceUri, timeout: float) -> None:
        try:
            from escpos.printer import Usb

            importlib.import_module("usb.core")
        except ImportError as exc:
            raise PrinterFault(DeviceState.DISCONNECTED, "device.port_missing", port=f"usb://{uri.target}") from exc
        extra = {k: int(v, 0) for k, v in uri.params if k in ("interface", "in_ep", "out_ep")}
        self._printer = Usb(idVendor=uri.vendor_id, idProduct=uri.product_id, timeout=int(timeout * 1000),
                            profile="default", **extra)
        try:
            self._printer.open()
        except Exception as exc:
            raise _open_fault(exc, uri) from exc
        self._timeout_ms = int(timeout * 1000)

    def write(self, data: bytes) -> None:
        try:
            written = self._printer.device.write(self._printer.out_ep, data, self._timeout_ms + len(data) // 10)
        except Exception as exc:  # usb.core.USBError
            raise OSError(_errno_of(exc) or errno.EIO, str(exc)) from exc
        if written != len(data):
            raise OSError(errno.EIO, f"{written} of {len(data)} bytes written")

    def finish(self) -> None:
        return None

    def ask(self, query: bytes, timeout: float) -> int | None:
        self.write(query)
        try:
            got = bytes(self._printer.device.read(self._printer.in_ep, 16, int(timeout * 1000)))
        except Exception as exc:  # pyusb: USBTimeoutError "[Errno 110] Operation timed out" when silent
            words = str(exc).lower()
            if _errno_of(exc) == errno.ETIMEDOUT or "timed out" in words or "timeout" in words:
                return None
            raise OSError(_errno_of(exc) or errno.EIO, str(exc)) from exc
        return next((b for b in got if _is_status(b)), None)

    def close(self) -> None:
        self._printer.close()


class _BufferedLink:
    """Spooled links (file, win32, cups): the job is collected and handed over whole at ``finish``."""

    reads_back = False

    def __init__(self) -> None:
        self.buffer = io.BytesIO()

    def write(self, data: bytes) -> None:
        self.buffer.write(data)

    def ask(self, query: bytes, timeout: float) -> int | None:
        return None

    def close(self) -> None:
        return None


class _FileLink(_BufferedLink):
    def __init__(self, uri: DeviceUri) -> None:
        super().__init__()
        self._path = uri.target

    def finish(self) -> None:
        from escpos.printer import File

        printer = File(devfile=self._path, profile="default")
        try:
            printer.open()
        except Exception as exc:
            raise OSError(_errno_of(exc) or errno.ENOENT, str(exc)) from exc
        if printer.device is None:
            raise OSError(errno.ENOENT, f"cannot open {self._path}")
        try:
            printer._raw(self.buffer.getvalue())
        finally:
            printer.close()


class _CupsLink(_BufferedLink):
    """``lp -d QUEUE -o raw -t TITLE`` reading the job on stdin (lpr when there is no lp)."""

    def __init__(self, uri: DeviceUri, title: str, timeout: float) -> None:
        super().__init__()
        self._queue, self._title, self._timeout = uri.target, title, timeout

    def finish(self) -> None:
        if shutil.which("lp"):
            command = ["lp", "-d", self._queue, "-o", "raw", "-t", self._title]
        elif shutil.which("lpr"):
            command = ["lpr", "-P", self._queue, "-o", "raw", "-T", self._title]
        else:
            raise PrinterFault(DeviceState.DISCONNECTED, "device.port_missing", port=f"cups://{self._queue}")
        try:
            done = subprocess.run(command, input=self.buffer.getvalue(), capture_output=True,
                                  timeout=self._timeout + 30, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise OSError(errno.EIO, f"{command[0]}: {exc}") from exc
        if done.returncode != 0:
            raise OSError(errno.EIO, f"{command[0]} exit {done.returncode}: "
                                     f"{done.stderr.decode(errors='replace').strip()[:200]}")


class _Win32Link(_BufferedLink):
    """The Windows spooler, RAW data type (pywin32's win32print: EnumPrinters level 1 → (flags,
    description, name, comment), OpenPrinter, StartDocPrinter with level 1 ``(name, None, "RAW")``, StartPagePrinter, WritePrinter → bytes written, EndPagePrinter,
    EndDocPrinter, ClosePrinter)."""

    def __init__(self, uri: DeviceUri, title: str) -> None:
        super().__init__()
        try:
            self._w = importlib.import_module("win32print")
        except ImportError as exc:
            raise PrinterFault(DeviceState.DISCONNECTED, "device.port_missing", port=f"win32://{uri.target}") from exc
        self._name, self._title = uri.target, title
        names = {p[2] for p in self._w.EnumPrinters(self._w.PRINTER_ENUM_LOCAL | self._w.PRINTER_ENUM_CONNECTIONS, None, 1)
                 } if hasattr(self._w, "EnumPrinters") else set()
        if names and self._name not in names:
            raise PrinterFault(DeviceState.DISCONNECTED, "device.port_missing", port=self._name)

    def finish(self) -> None:
        w = self._w
        data = self.buffer.getvalue()
        try:
            handle = w.OpenPrinter(self._name)
        except Exception as exc:  # pywintypes.error
            raise OSError(errno.ENODEV, f"OpenPrinter: {exc}") from exc
        try:
            w.StartDocPrinter(handle, 1, (self._title, None, "RAW"))
            try:
                w.StartPagePrinter(handle)
                written = w.WritePrinter(handle, data)
                w.EndPagePrinter(handle)
            finally:
                w.EndDocPrinter(handle)
        except OSError:
            raise
        except Exception as exc:
            raise OSError(errno.EIO, f"spooler: {exc}") from exc
        finally:
            w.ClosePrinter(handle)
        if written != len(data):
            raise OSError(errno.EIO, f"spooler took {written} of {len(data)} bytes")


def open_link(uri: DeviceUri, *, title: str = "job", timeout: float = 2.0) -> Link:
    """An open link to the printer at ``uri``; PrinterFault (device.*) when it cannot be opened."""
    if uri.scheme == "serial":
        return _SerialLink(uri, timeout)
    if uri.scheme == "tcp":
        return _NetworkLink(uri, timeout)
    if uri.scheme == "usb":
        return _UsbLink(uri, timeout)
    if uri.scheme == "file":
        return _FileLink(uri)
    if uri.scheme == "cups":
        return _CupsLink(uri, title, timeout)
    if uri.scheme == "win32":
        return _Win32Link(uri, title)
    raise PrinterFault(DeviceState.ERROR, "device.wrong_kind", role="receipt-printer", uri=str(uri),
                       schemes=", ".join(f"{s}://" for s in PRINTER_SCHEMES))


def supported(uri: DeviceUri) -> bool:
    """Whether this driver can print on ``uri`` (the driver registry asks each driver)."""
    return uri.scheme in PRINTER_SCHEMES


# -- the driver -----------------------------------------------------------------------------------------

_CLOSE = object()


class EscposPrinter:
    """One receipt printer: a worker thread that owns its I/O (one job at a time), the status it
    last reported, and the ``Printer`` port for raster jobs (tickets) when given ``raster_job``.

    ``send`` waits for the job's outcome (call it off the GUI thread: the print queue's worker or a
    render worker); ``submit`` returns a Future at once.
    """

    def __init__(
        self, assignment: DeviceAssignment, board: DeviceBoard | None = None, *,
        raster_job: Callable[[bytes], bytes] | None = None, timeout: float = 2.0,
        opener: Callable[..., Link] = open_link,
    ) -> None:
        self.role: DeviceRole = assignment.role
        self.uri = assignment.uri
        self.profile = assignment.profile
        self.name = f"{assignment.role.name} {assignment.uri}"
        self._board = board or DeviceBoard()
        self._raster_job = raster_job
        self._timeout = timeout
        self._opener = opener
        self._lock = threading.Lock()
        self._status = DeviceStatus(self.role.name, DeviceState.CONNECTING, at=None)
        self._jobs: queue.Queue[Any] = queue.Queue()
        self.first_byte_at: float | None = None  # monotonic time the last job's first byte was written
        self._thread = threading.Thread(target=self._run, name=f"printer-{self.role.name}", daemon=True)
        self._thread.start()
        if not known_profile(self.profile):
            self._report(DeviceState.CONNECTING, "device.unknown_profile", profile=self.profile or "")
            _log.warning("printer %s: profile %r unknown, jobs are sent as images", self.name, self.profile)
        else:
            self._report(DeviceState.CONNECTING)

    # -- the port ----------------------------------------------------------------------------------
    def print_image(self, png: bytes, *, title: str, at: datetime) -> PrintJob:
        """A ticket given as the image the paper shows: sent as a raster job."""
        if self._raster_job is None:
            return PrintJob(self.name, ok=False, error="no raster job maker for this printer")
        try:
            data = self._raster_job(png)
        except Exception as exc:
            _log.exception("printer %s: %s could not be made into a job", self.name, title)
            return PrintJob(self.name, ok=False, error=str(exc))
        return self.send(data, title=title)

    def print_pdf(self, pdf: bytes, *, title: str, at: datetime) -> PrintJob:
        """A receipt printer cannot print an A4 page: the office printer (or the virtual one) does."""
        _log.error("printer %s was given the page document %s", self.name, title)
        return PrintJob(self.name, ok=False, error="a receipt printer does not print page documents")

    # -- jobs ----------------------------------------------------------------------------------------
    def submit(self, data: bytes, *, title: str = "job") -> Future[PrintJob]:
        future: Future[PrintJob] = Future()
        self._jobs.put((self._send_now, (data, title), future))
        return future

    def send(self, data: bytes, *, title: str = "job") -> PrintJob:
        """Send a whole job and wait for the outcome (never raises for a printer fault)."""
        return self.submit(data, title=title).result()

    def check(self) -> DeviceStatus:
        """Ask the printer how it is (opens the link, DLE EOT where it reads back) and report it."""
        future: Future[DeviceStatus] = Future()
        self._jobs.put((self._check_now, (), future))
        return future.result()

    def status(self) -> DeviceStatus:
        with self._lock:
            return self._status

    def close(self) -> None:
        self._jobs.put(_CLOSE)
        self._thread.join(timeout=10)

    # -- on the worker thread --------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            item = self._jobs.get()
            if item is _CLOSE:
                return
            fn, args, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # never kill the worker; the caller gets the exception
                _log.exception("printer %s: worker call failed", self.name)
                future.set_exception(exc)

    def _send_now(self, data: bytes, title: str) -> PrintJob:
        link: Link | None = None
        try:
            link = self._opener(self.uri, title=title, timeout=self._timeout)
            if link.reads_back:
                self._ready(link)
            self.first_byte_at = time.monotonic()
            link.write(data)
            link.finish()
            if link.reads_back:
                self._ready(link, after=True)
            else:
                self._report(DeviceState.CONNECTED)
        except PrinterFault as fault:
            self._report(fault.state, fault.code, **fault.params)
            _log.error("printer %s: %s not printed: %s", self.name, title, fault)
            return PrintJob(self.name, ok=False, error=str(fault), code=fault.code,
                            params=tuple(sorted(fault.params.items())))
        except OSError as exc:
            reason = os_reason(exc)  # EPIPE, EIO …: worded on the screens (services/messages.OS_REASONS)
            self._report(DeviceState.DISCONNECTED, "device.send_failed", printer=str(self.uri), reason=reason)
            _log.error("printer %s: %s not sent whole: %s", self.name, title, exc)
            return PrintJob(self.name, ok=False, error=f"device.send_failed: {exc}", code="device.send_failed",
                            params=(("printer", str(self.uri)), ("reason", reason)))
        finally:
            if link is not None:
                link.close()
        _log.info("printer %s: %s sent (%d bytes)", self.name, title, len(data))
        return PrintJob(self.name, ok=True)

    def _check_now(self) -> DeviceStatus:
        link: Link | None = None
        try:
            link = self._opener(self.uri, title="status", timeout=self._timeout)
            if link.reads_back:
                self._ready(link)
            else:
                self._report(DeviceState.CONNECTED)
        except PrinterFault as fault:
            self._report(fault.state, fault.code, **fault.params)
        except OSError as exc:
            self._report(DeviceState.DISCONNECTED, "device.send_failed", printer=str(self.uri),
                         reason=os_reason(exc))
        finally:
            if link is not None:
                link.close()
        return self.status()

    def _ready(self, link: Link, *, after: bool = False) -> PrinterReport:
        """DLE EOT 1 (and 2 and 4): PrinterFault unless the printer can print. After a job, a
        paper-out found only then still counts the job as sent (the printer holds it until the new
        roll is in) but reports it."""
        printer_byte = link.ask(DLE_EOT.printer, self._timeout)
        if printer_byte is None:
            raise PrinterFault(DeviceState.ERROR, "device.no_answer", port=str(self.uri))
        cause = link.ask(DLE_EOT.offline_cause, self._timeout) if printer_byte & DLE_EOT.offline_bit else None
        paper = link.ask(DLE_EOT.paper, self._timeout)
        report = parse_status(printer_byte, cause, paper)
        printer = str(self.uri)
        if report.cover_open:
            fault = PrinterFault(DeviceState.ERROR, "device.cover_open", printer=printer)
        elif report.paper_out:
            fault = PrinterFault(DeviceState.ERROR, "device.paper_out", printer=printer)
        elif not report.online:  # the answer bytes go to the log; the screens say the cause in words
            _log.warning("printer %s off line: DLE EOT 1=0x%02X 2=0x%02X", self.name, printer_byte, cause or 0)
            fault = PrinterFault(DeviceState.ERROR, "device.offline", printer=printer,
                                 reason=offline_reason(report))
        else:
            fault = None
        if fault is not None:
            if after:  # the bytes are in the printer: it prints them when the fault is cleared
                self._report(fault.state, fault.code, **fault.params)
                return report
            raise fault
        if report.paper_near_end:
            self._report(DeviceState.CONNECTED, "device.paper_low", printer=printer)
        elif not known_profile(self.profile):
            self._report(DeviceState.CONNECTED, "device.unknown_profile", profile=self.profile or "")
        else:
            self._report(DeviceState.CONNECTED)
        return report

    def _report(self, state: DeviceState, code: str = "", /, **params: str) -> None:
        status = DeviceStatus(self.role.name, state, code, tuple(sorted(params.items())),
                              datetime.now(VIETNAM_TIME))
        with self._lock:
            self._status = status
        self._board.report(status)


# -- tests and discovery ----------------------------------------------------------------------------------


def test_receipt(printer: EscposPrinter, job: bytes) -> PrintJob:
    """The Devices screen's and ``counter devices test``'s test print: ``job`` is the test receipt's
    bytes (Vietnamese text and a QR, made by the caller with printing/escpos_job.py)."""
    return printer.send(job, title="test")


def serial_ports() -> list[tuple[str, str]]:
    """(port, description) of the serial ports of this PC (pyserial's list_ports), USB-serial included."""
    from serial.tools import list_ports

    return [(p.device, p.description or "") for p in sorted(list_ports.comports(), key=lambda p: p.device)]
