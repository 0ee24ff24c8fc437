"""Fake ESC/POS receipt printers for tests: the other end of a pty pair or a TCP socket on 127.0.0.1.

They record every byte they receive and answer ``DLE EOT n`` the way the Epson technical
references describe (one byte at once, fixed bits 0x12; n=1 bit 3 off line; n=2 bit 2 cover
open, bit 5 stopped at paper end; n=4 bits 2,3 near end, bits 5,6 paper end). Like a printer
without a graphics-aware parser they answer a ``10 04 n`` wherever it appears in the stream.
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
import tty
from dataclasses import dataclass, field

DLE_EOT = b"\x10\x04"


@dataclass
class PrinterModel:
    online: bool = True
    cover_open: bool = False
    paper: str = "ok"  # ok | near | out
    answers: bool = True  # False: a printer switched off (or on the wrong baud rate) says nothing
    received: bytearray = field(default_factory=bytearray)
    queries: list[int] = field(default_factory=list)
    arrivals: list[tuple[float, int]] = field(default_factory=list)  # (monotonic time, offset) of each chunk
    _tail: bytes = b""

    def status_byte(self, n: int) -> int:
        value = 0x12
        if n == 1:
            off = not self.online or self.cover_open or self.paper == "out"
            return value | (0x08 if off else 0)
        if n == 2:
            return value | (0x04 if self.cover_open else 0) | (0x20 if self.paper == "out" else 0)
        if n == 4:
            return value | (0x0C if self.paper in ("near", "out") else 0) | (0x60 if self.paper == "out" else 0)
        return value

    def feed(self, data: bytes) -> bytes:
        """Take bytes from the host; return what the printer answers."""
        self.arrivals.append((time.monotonic(), len(self.received)))
        self.received += data
        stream = self._tail + data
        answers = bytearray()
        start = 0
        while True:
            at = stream.find(DLE_EOT, start)
            if at < 0 or at + 2 >= len(stream):
                break
            n = stream[at + 2]
            if n in (1, 2, 3, 4):
                self.queries.append(n)
                if self.answers:
                    answers.append(self.status_byte(n))
            start = at + 3
        keep = stream[max(start, len(stream) - 2):]
        self._tail = keep if DLE_EOT[:1] in keep else b""
        return bytes(answers)

    def arrived(self, offset: int) -> float:
        """When the byte at ``offset`` arrived (monotonic)."""
        return max(t for t, start in self.arrivals if start <= offset)

    def job(self) -> bytes:
        """What was received without the status questions asked before and after the job (a
        ``10 04 n`` inside image data is part of the job and stays)."""
        data = bytes(self.received)
        questions = tuple(DLE_EOT + bytes((n,)) for n in (1, 2, 4))
        while data[:3] in questions:
            data = data[3:]
        while len(data) >= 3 and data[-3:] in questions:
            data = data[:-3]
        return data


class FakeSerialPrinter:
    """A printer on the master side of a pty; the driver opens ``self.port`` (the slave)."""

    def __init__(self, model: PrinterModel | None = None, *, pull_cable_after: int | None = None) -> None:
        self.model = model or PrinterModel()
        self.master, slave = os.openpty()
        tty.setraw(self.master)
        self.port = os.ttyname(slave)
        os.close(slave)
        self.pull_cable_after = pull_cable_after  # close the master after this many bytes
        self.first_byte_at: float | None = None
        self.closed = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self.master], [], [], 0.05)
            except (OSError, ValueError):
                return
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO while no one has the slave open
                time.sleep(0.01)
                continue
            if not data:
                continue
            if self.first_byte_at is None:
                self.first_byte_at = time.monotonic()
            if self.pull_cable_after is not None and len(self.model.received) + len(data) >= self.pull_cable_after:
                self.model.feed(data[: self.pull_cable_after - len(self.model.received)])
                self.pull_cable()
                return
            answer = self.model.feed(data)
            if answer:
                os.write(self.master, answer)

    def pull_cable(self) -> None:
        if not self.closed.is_set():
            self.closed.set()
            os.close(self.master)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.pull_cable()


class FakeNetworkPrinter:
    """A printer listening on 127.0.0.1 (its raw port): one connection at a time, like a real one."""

    def __init__(self, model: PrinterModel | None = None, *, drop_after: int | None = None) -> None:
        self.model = model or PrinterModel()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.drop_after = drop_after  # close the connection after this many bytes (once)
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _run(self) -> None:
        self.server.settimeout(0.05)
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(0.05)
                while not self._stop.is_set():
                    try:
                        data = conn.recv(65536)
                    except TimeoutError:
                        continue
                    except OSError:
                        break
                    if not data:
                        break
                    if self.drop_after is not None and len(self.model.received) + len(data) >= self.drop_after:
                        self.model.feed(data[: self.drop_after - len(self.model.received)])
                        self.drop_after = None
                        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                        break  # RST: the cable is pulled
                    answer = self.model.feed(data)
                    if answer:
                        conn.sendall(answer)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.server.close()
