"""A fake serial scanner on the far side of a real pty pair: bytes go through the kernel's tty layer.

The driver opens ``link`` (a symlink to the pty's slave, as ``socat pty,link=…`` or udev's
``/dev/serial/by-id/…`` names make), exactly as it opens a real ``/dev/ttyACM0``. ``send`` writes
what a scanner in serial/CDC mode sends (see the scanner manuals quoted in
counter_app/devices/serial_scanner.py); ``unplug`` closes the master (the slave then reads EIO,
as a pulled USB-CDC cable does) and removes the link; ``plug`` makes a new pty behind the same link.
"""

from __future__ import annotations

import os
import tty
from pathlib import Path


class FakeScanner:
    def __init__(self, link: Path) -> None:
        self.link = link
        self.master: int | None = None
        self.plug()

    def plug(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        name = os.ttyname(slave)
        os.close(slave)  # the driver opens it by name, like a real port
        if self.link.is_symlink() or self.link.exists():
            self.link.unlink()
        self.link.symlink_to(name)
        self.master = master

    def unplug(self) -> None:
        if self.master is not None:
            os.close(self.master)
            self.master = None
        if self.link.is_symlink():
            self.link.unlink()

    def send(self, data: bytes) -> None:
        assert self.master is not None, "the fake scanner is unplugged"
        view = memoryview(data)
        while view:
            written = os.write(self.master, view)
            view = view[written:]

    def scan(self, code: str, *, aim: str = "", end: bytes = b"\r") -> None:
        """One scan as the scanner sends it: AIM identifier, the code in UTF-8, the suffix."""
        self.send(aim.encode("ascii") + code.encode("utf-8") + end)

    def close(self) -> None:
        self.unplug()
