"""A fake queue-number board: a process at the other end of a pty (or a TCP server on 127.0.0.1)
that reads what a real board would read and answers like one.

It decodes the three board protocols from their written descriptions (the manuals and the frame
the issue names), not with counter_app.devices.boards, so a wrong encoder is caught, and prints
one JSON line per number it would show: ``{"address": 3, "number": "12", "blink": true}``.
Modes: ``ack`` answers the sum frame like a real board (ACK 0x06 when the sum is right and the
address is its own, NAK 0x15 on a bad sum), ``silent`` never answers (a dead board). With
``--baud`` it behaves like a board set to that speed: when the line (the pty's termios speed set
by the driver) runs at another rate, every byte arrives mangled and nothing is shown or answered.

    python tests/fake_board.py --fd 5 --protocol sum-frame --address 3 --mode ack --baud 9600
    python tests/fake_board.py --listen 0 --protocol ascii-line     (prints {"port": N} first)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import select
import socket
import sys
import termios

ACK, NAK = b"\x06", b"\x15"
BLINK_BIT = 0x80
SPEEDS = {getattr(termios, f"B{rate}"): rate for rate in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)}


def emit(record: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


class SumFrameBoard:
    """[address, high, low, (address + high + low) & 0xFF]; number = (high & 0x7F) << 8 | low."""

    def __init__(self, addresses: list[int], mode: str) -> None:
        self.addresses = addresses or [1]
        self.mode = mode
        self.buffer = b""

    def feed(self, data: bytes) -> bytes:
        self.buffer += data
        reply = b""
        while len(self.buffer) >= 4:
            addr, high, low, total = self.buffer[:4]
            if (addr + high + low) & 0xFF != total:
                if addr in self.addresses and self.mode == "ack":
                    reply += NAK
                emit({"bad_frame": self.buffer[:4].hex()})
                self.buffer = self.buffer[1:]  # resynchronise one byte later
                continue
            self.buffer = self.buffer[4:]
            if addr not in self.addresses:
                emit({"other_address": addr})
                continue
            emit({"address": addr, "number": str(((high & ~BLINK_BIT) << 8) | low), "blink": bool(high & BLINK_BIT)})
            if self.mode == "ack":
                reply += ACK
        return reply


class AsciiLineBoard:
    """``[AA ]TEXT[ B]\\r\\n``."""

    line = re.compile(rb"^(?:(\d\d) )?([A-Z0-9]+)( B)?$")

    def __init__(self, addresses: list[int], mode: str) -> None:
        self.addresses = addresses
        self.buffer = b""

    def feed(self, data: bytes) -> bytes:
        self.buffer += data
        while b"\r\n" in self.buffer:
            raw, self.buffer = self.buffer.split(b"\r\n", 1)
            match = self.line.match(raw)
            if not match:
                emit({"bad_line": raw.hex()})
                continue
            addr = int(match.group(1)) if match.group(1) else None
            if self.addresses and addr not in self.addresses:
                emit({"other_address": addr})
                continue
            emit({"address": addr, "number": match.group(2).decode(), "blink": bool(match.group(3))})
        return b""


class Cd5220Display:
    """CLR (0C), ESC @ (1B 40), ESC Q A + 20 characters + CR (1B 51 41 … 0D): the upper line."""

    def __init__(self, addresses: list[int], mode: str) -> None:
        self.buffer = b""

    def feed(self, data: bytes) -> bytes:
        self.buffer += data
        while self.buffer:
            if self.buffer[:1] == b"\x0c":
                emit({"clear": True})
                self.buffer = self.buffer[1:]
            elif self.buffer[:2] == b"\x1b\x40":
                emit({"initialize": True})
                self.buffer = self.buffer[2:]
            elif self.buffer[:3] == b"\x1b\x51\x41":
                end = self.buffer.find(b"\r", 3)
                if end < 0:
                    return b""
                text = self.buffer[3:end]
                self.buffer = self.buffer[end + 1:]
                if len(text) != 20:
                    emit({"bad_line": text.hex()})
                    continue
                emit({"address": None, "number": text.decode("ascii").strip(), "blink": False,
                      "upper_line": text.decode("ascii")})
            elif len(self.buffer) < 3 and b"\x1b\x51\x41".startswith(self.buffer):
                return b""
            else:
                emit({"bad_byte": self.buffer[:1].hex()})
                self.buffer = self.buffer[1:]
        return b""


BOARDS = {"sum-frame": SumFrameBoard, "ascii-line": AsciiLineBoard, "cd5220": Cd5220Display}


def line_speed(fd: int) -> int | None:
    try:
        return SPEEDS.get(termios.tcgetattr(fd)[5])
    except termios.error:
        return None


def serve_fd(fd: int, board: SumFrameBoard | AsciiLineBoard | Cd5220Display, baud: int | None) -> None:
    while True:
        select.select([fd], [], [])
        try:
            data = os.read(fd, 4096)
        except OSError:  # the driver closed the port (EIO on the master): wait for it to open again
            select.select([], [], [], 0.05)
            continue
        if not data:
            continue
        speed = line_speed(fd)
        if baud is not None and speed is not None and speed != baud:
            emit({"garbage": len(data), "line_baud": speed})  # framing errors: nothing readable
            continue
        reply = board.feed(data)
        if reply:
            os.write(fd, reply)


def serve_tcp(port: int, board_type: type, addresses: list[int], mode: str) -> None:
    server = socket.create_server(("127.0.0.1", port))
    emit({"port": server.getsockname()[1]})
    while True:
        conn, _ = server.accept()
        board = board_type(addresses, mode)
        emit({"connected": True})
        with conn:
            while True:
                data = conn.recv(4096)
                if not data:
                    emit({"disconnected": True})
                    break
                reply = board.feed(data)
                if reply:
                    conn.sendall(reply)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fd", type=int)
    parser.add_argument("--listen", type=int)
    parser.add_argument("--protocol", choices=sorted(BOARDS), required=True)
    parser.add_argument("--address", type=int, action="append", default=[])
    parser.add_argument("--mode", choices=("ack", "silent"), default="ack")
    parser.add_argument("--baud", type=int)
    args = parser.parse_args()
    board_type = BOARDS[args.protocol]
    if args.listen is not None:
        serve_tcp(args.listen, board_type, args.address, args.mode)
    else:
        emit({"ready": True})
        serve_fd(args.fd, board_type(args.address, args.mode), args.baud)


if __name__ == "__main__":
    main()
