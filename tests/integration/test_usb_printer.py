"""A receipt printer on USB (``usb://VID:PID``): python-escpos's Usb over pyusb. No printer is
plugged into this machine, so pyusb's ``usb.core.find`` is given a stand-in device that behaves as
pyusb's Device does (write returns the bytes written, read returns an array of bytes or raises
USBTimeoutError); the link, the status question and the faults are ours and run for real."""

from __future__ import annotations

from array import array
from typing import Any

import pytest

usb_core = pytest.importorskip("usb.core")

from counter_app.devices.escpos_printer import PrinterFault, open_link  # noqa: E402
from counter_app.services.devices import parse_device_uri  # noqa: E402

DLE_EOT_PRINTER = b"\x10\x04\x01"
ONLINE = 0x16  # DLE EOT 1 answer of an Epson printer that is on line (bits 1, 2 and 4 fixed)


class StandInUsbPrinter:
    """Enough of usb.core.Device for python-escpos: configuration, reset, bulk write and read."""

    class backend:  # noqa: N801 - pyusb exposes the backend object here; escpos reads its module
        __module__ = "usb.backend.stand_in"

    class _ctx:  # noqa: N801 - pyusb's resource manager, asked to let go of the device at close
        @staticmethod
        def dispose(device: object) -> None:
            return None

    def __init__(self, answer: int | None = ONLINE, accept: int | None = None) -> None:
        self.written: list[tuple[int, bytes]] = []
        self.configured = False
        self._answer = answer
        self._accept = accept  # bytes taken per write (None: all of them)

    def set_configuration(self) -> None:
        self.configured = True

    def reset(self) -> None:
        return None

    def write(self, endpoint: int, data: bytes, timeout: int | None = None) -> int:
        self.written.append((endpoint, bytes(data)))
        return len(data) if self._accept is None else min(self._accept, len(data))

    def read(self, endpoint: int, size: int, timeout: int | None = None) -> array:
        if self._answer is None:
            raise usb_core.USBTimeoutError("Operation timed out", errno=110)
        return array("B", [self._answer])


def _plug(monkeypatch: pytest.MonkeyPatch, device: StandInUsbPrinter | None) -> list[dict[str, Any]]:
    asked: list[dict[str, Any]] = []

    def find(**kwargs: Any) -> StandInUsbPrinter | None:
        asked.append(kwargs)
        return device

    monkeypatch.setattr(usb_core, "find", find)
    return asked


def test_a_usb_printer_gets_the_job_on_its_out_endpoint_and_answers_its_status(monkeypatch: pytest.MonkeyPatch) -> None:
    printer = StandInUsbPrinter()
    asked = _plug(monkeypatch, printer)
    link = open_link(parse_device_uri("usb://04b8:0e15"))

    job = b"\x1b@Xin ch\xc3\xa0o\n\x1dV\x00"
    link.write(job)
    status = link.ask(DLE_EOT_PRINTER, 0.5)

    assert asked[0]["idVendor"] == 0x04B8 and asked[0]["idProduct"] == 0x0E15
    assert printer.configured
    assert printer.written[0] == (0x01, job)  # escpos's default bulk-out endpoint
    assert printer.written[-1] == (0x01, DLE_EOT_PRINTER) and status == ONLINE


def test_endpoints_from_the_uri_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    printer = StandInUsbPrinter()
    _plug(monkeypatch, printer)
    link = open_link(parse_device_uri("usb://0416:5011?out_ep=0x03&in_ep=0x81"))
    link.write(b"\x1b@")
    assert printer.written == [(0x03, b"\x1b@")]


def test_a_printer_not_plugged_in_is_said_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    _plug(monkeypatch, None)
    with pytest.raises(PrinterFault) as raised:
        open_link(parse_device_uri("usb://04b8:0e15"))
    assert raised.value.code == "device.port_missing"


def test_a_job_taken_in_part_is_not_counted_as_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    _plug(monkeypatch, StandInUsbPrinter(accept=3))
    link = open_link(parse_device_uri("usb://04b8:0e15"))
    with pytest.raises(OSError):
        link.write(b"\x1b@0123456789")


def test_a_printer_that_does_not_answer_gives_no_status(monkeypatch: pytest.MonkeyPatch) -> None:
    _plug(monkeypatch, StandInUsbPrinter(answer=None))
    link = open_link(parse_device_uri("usb://04b8:0e15"))
    assert link.ask(DLE_EOT_PRINTER, 0.2) is None
