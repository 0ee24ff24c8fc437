"""Receipt printers over real ptys, sockets, files, a fake lp and a fake win32print (issue 11)."""

from __future__ import annotations

import os
import stat
import sys
import time
import types
from datetime import datetime
from pathlib import Path

import pytest
from escpos.printer import Network
from PIL import ImageChops

from counter_app.devices.escpos_printer import EscposPrinter, known_profile, parse_status, supported
from counter_app.domain.calendar import VIETNAM_TIME
from counter_app.printing.ticket import render_ticket, ticket_escpos_job
from counter_app.services.devices import (
    DeviceAssignment,
    DeviceBoard,
    DeviceState,
    parse_device_uri,
    parse_role,
)
from tests.escpos_decoder import decode_escpos
from tests.fake_printer import FakeNetworkPrinter, FakeSerialPrinter, PrinterModel
from tests.integration.test_ticket_print import TICKET

JOB = ticket_escpos_job(TICKET)
AT = datetime(2026, 12, 5, 9, 0, tzinfo=VIETNAM_TIME)


def printer(uri: str, board: DeviceBoard | None = None, *, profile: str | None = "TM-T20II",
            timeout: float = 0.5) -> EscposPrinter:
    return EscposPrinter(DeviceAssignment(parse_role("receipt-printer"), parse_device_uri(uri), profile),
                         board or DeviceBoard(), timeout=timeout)


@pytest.fixture
def serial_printer():
    made: list[FakeSerialPrinter] = []

    def make(model: PrinterModel | None = None, **kw) -> FakeSerialPrinter:  # type: ignore[no-untyped-def]
        fake = FakeSerialPrinter(model, **kw)
        made.append(fake)
        return fake

    yield make
    for fake in made:
        fake.close()


@pytest.fixture
def network_printer():
    made: list[FakeNetworkPrinter] = []

    def make(model: PrinterModel | None = None, **kw) -> FakeNetworkPrinter:  # type: ignore[no-untyped-def]
        fake = FakeNetworkPrinter(model, **kw)
        made.append(fake)
        return fake

    yield make
    for fake in made:
        fake.close()


def test_serial_job_is_sent_whole_between_two_status_questions(serial_printer) -> None:  # type: ignore[no-untyped-def]
    fake = serial_printer()
    board = DeviceBoard()
    heard: list = []
    board.listen(heard.append)
    device = printer(f"serial://{fake.port}?baud=115200&flow=rtscts", board)
    try:
        outcome = device.send(JOB, title="ticket-A012")
    finally:
        device.close()
    assert outcome.ok, outcome.error
    assert fake.model.job() == JOB
    assert fake.model.queries == [1, 4, 1, 4]  # DLE EOT before and after the job
    assert bytes(fake.model.received).startswith(b"\x10\x04\x01")
    assert board.statuses()["receipt-printer"].state is DeviceState.CONNECTED
    assert heard[-1].state is DeviceState.CONNECTED and not heard[-1].reason


def test_network_job_decodes_to_the_ticket_image(network_printer) -> None:  # type: ignore[no-untyped-def]
    fake = network_printer()
    device = printer(fake.uri)
    job = ticket_escpos_job(TICKET)  # made and drawn in the same language as the image below
    try:
        assert device.send(job, title="ticket").ok
    finally:
        device.close()
    decoded = decode_escpos(fake.model.job(), width=576)
    image = render_ticket(TICKET).convert("L")
    ink_bottom = ImageChops.invert(image).getbbox()[3]
    paper = decoded.image.convert("L").crop((0, 0, 576, ink_bottom))
    assert ImageChops.difference(paper, image.crop((0, 0, 576, ink_bottom))).getbbox() is None
    assert decoded.cut


@pytest.mark.parametrize(
    ("model", "reason"),
    [
        (PrinterModel(paper="out"), "device.paper_out"),
        (PrinterModel(cover_open=True), "device.cover_open"),
        (PrinterModel(online=False), "device.offline"),
        (PrinterModel(answers=False), "device.no_answer"),
    ],
)
def test_a_printer_that_cannot_print_gets_nothing_and_says_why(serial_printer, model, reason) -> None:  # type: ignore[no-untyped-def]
    fake = serial_printer(model)
    board = DeviceBoard()
    device = printer(f"serial://{fake.port}?baud=9600", board, timeout=0.2)
    try:
        outcome = device.send(JOB, title="receipt")
    finally:
        device.close()
    assert not outcome.ok and reason in outcome.error
    assert JOB[:20] not in bytes(fake.model.received)  # not one byte of the job
    status = board.statuses()["receipt-printer"]
    assert status.state is DeviceState.ERROR and status.reason == reason


def test_paper_near_end_prints_and_warns(serial_printer) -> None:  # type: ignore[no-untyped-def]
    fake = serial_printer(PrinterModel(paper="near"))
    board = DeviceBoard()
    device = printer(f"serial://{fake.port}?baud=115200", board)
    try:
        assert device.send(JOB).ok
    finally:
        device.close()
    status = board.statuses()["receipt-printer"]
    assert status.state is DeviceState.CONNECTED and status.reason == "device.paper_low"


def test_cable_pulled_mid_job_is_not_printed(serial_printer) -> None:  # type: ignore[no-untyped-def]
    fake = serial_printer(pull_cable_after=2000)
    board = DeviceBoard()
    device = printer(f"serial://{fake.port}?baud=115200", board)
    try:
        outcome = device.send(JOB)
    finally:
        device.close()
    assert fake.closed.is_set()
    assert not outcome.ok and "device.send_failed" in outcome.error
    assert board.statuses()["receipt-printer"].state is DeviceState.DISCONNECTED


def test_network_connection_dropped_mid_job_is_not_printed(network_printer) -> None:  # type: ignore[no-untyped-def]
    fake = network_printer(drop_after=1500)
    device = printer(fake.uri)
    try:
        first = device.send(JOB)
        again = device.send(JOB)  # the printer is back: the next attempt goes through whole
    finally:
        device.close()
    assert not first.ok
    assert again.ok and fake.model.job().endswith(JOB)


def test_missing_port_and_unreachable_host(tmp_path: Path) -> None:
    board = DeviceBoard()
    device = printer(f"serial://{tmp_path}/ttyUSB9", board)
    try:
        assert not device.send(JOB).ok
    finally:
        device.close()
    assert board.statuses()["receipt-printer"].reason == "device.port_missing"
    import socket

    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]  # closed when the block ends: nothing listens there
    device = printer(f"tcp://127.0.0.1:{port}", board)
    try:
        outcome = device.send(JOB)
    finally:
        device.close()
    assert not outcome.ok
    status = board.statuses()["receipt-printer"]
    assert status.state is DeviceState.DISCONNECTED and status.reason == "device.unreachable"


def test_submit_returns_at_once_while_the_printer_works(serial_printer) -> None:  # type: ignore[no-untyped-def]
    fake = serial_printer()
    device = printer(f"serial://{fake.port}?baud=9600", timeout=0.5)
    try:
        started = time.perf_counter()
        future = device.submit(JOB * 3)
        assert time.perf_counter() - started < 0.02
        assert future.result(timeout=20).ok
    finally:
        device.close()


def test_file_printer_writes_the_job(tmp_path: Path) -> None:
    target = tmp_path / "job.bin"
    device = printer(f"file://{target}")
    try:
        assert device.send(JOB).ok
    finally:
        device.close()
    assert target.read_bytes() == JOB


def fake_lp(folder: Path, exit_code: int = 0) -> Path:
    """An lp on PATH that keeps its arguments and stdin, as CUPS's lp -o raw would send them on."""
    script = folder / "lp"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{folder}/args"\n'
        f'cat > "{folder}/stdin"\n'
        f'[ {exit_code} -eq 0 ] || echo "lp: The printer or class does not exist." >&2\n'
        f"exit {exit_code}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


def test_cups_queue_gets_the_raw_job_through_lp(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATH", f"{fake_lp(tmp_path)}{os.pathsep}{os.environ['PATH']}")
    device = printer("cups://TM-T82")
    try:
        assert device.send(JOB, title="receipt-BL1").ok
    finally:
        device.close()
    assert (tmp_path / "stdin").read_bytes() == JOB
    assert (tmp_path / "args").read_text().split() == ["-d", "TM-T82", "-o", "raw", "-t", "receipt-BL1"]


def test_cups_refusal_is_a_failed_job(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATH", f"{fake_lp(tmp_path, exit_code=1)}{os.pathsep}{os.environ['PATH']}")
    board = DeviceBoard()
    device = printer("cups://nope", board)
    try:
        outcome = device.send(JOB)
    finally:
        device.close()
    assert not outcome.ok and "does not exist" in outcome.error
    assert board.statuses()["receipt-printer"].reason == "device.send_failed"


class FakeWin32Print(types.ModuleType):
    """win32print as pywin32 documents it: handles from OpenPrinter, StartDocPrinter(h, 1,
    (docname, outputfile, datatype)) → job id, WritePrinter(h, bytes) → bytes written."""

    PRINTER_ENUM_LOCAL, PRINTER_ENUM_CONNECTIONS = 2, 4

    def __init__(self, printers: tuple[str, ...], short_by: int = 0) -> None:
        super().__init__("win32print")
        self.printers, self.short_by = printers, short_by
        self.calls: list[tuple] = []
        self.spooled = b""

    def EnumPrinters(self, flags: int, name: str | None, level: int):  # type: ignore[no-untyped-def]  # noqa: N802
        # level 1: (flags, description, name, comment) per printer; 2, 4 and 5 give dicts
        assert level == 1 and name is None
        return tuple((8388608, f"{p},EPSON,", p, "") for p in self.printers)

    def OpenPrinter(self, name: str) -> int:  # noqa: N802
        if name not in self.printers:
            raise OSError(1801, "OpenPrinter", "The printer name is invalid.")
        self.calls.append(("OpenPrinter", name))
        return 77

    def StartDocPrinter(self, handle: int, level: int, info: tuple) -> int:  # noqa: N802
        assert handle == 77 and level == 1 and len(info) == 3
        self.calls.append(("StartDocPrinter", info))
        return 5

    def StartPagePrinter(self, handle: int) -> None:  # noqa: N802
        self.calls.append(("StartPagePrinter",))

    def WritePrinter(self, handle: int, data: bytes) -> int:  # noqa: N802
        assert isinstance(data, bytes)
        self.spooled += data[: len(data) - self.short_by]
        self.calls.append(("WritePrinter", len(data)))
        return len(data) - self.short_by

    def EndPagePrinter(self, handle: int) -> None:  # noqa: N802
        self.calls.append(("EndPagePrinter",))

    def EndDocPrinter(self, handle: int) -> None:  # noqa: N802
        self.calls.append(("EndDocPrinter",))

    def ClosePrinter(self, handle: int) -> None:  # noqa: N802
        self.calls.append(("ClosePrinter",))


def test_windows_spooler_gets_a_raw_document(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    fake = FakeWin32Print(("EPSON TM-T82",))
    monkeypatch.setitem(sys.modules, "win32print", fake)
    device = printer("win32://EPSON TM-T82")
    try:
        assert device.send(JOB, title="ticket-A012").ok
    finally:
        device.close()
    assert fake.spooled == JOB
    assert [c[0] for c in fake.calls] == ["OpenPrinter", "StartDocPrinter", "StartPagePrinter", "WritePrinter",
                                          "EndPagePrinter", "EndDocPrinter", "ClosePrinter"]
    assert fake.calls[1] == ("StartDocPrinter", ("ticket-A012", None, "RAW"))


def test_windows_spooler_short_write_or_unknown_printer_fails(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "win32print", FakeWin32Print(("EPSON TM-T82",), short_by=10))
    board = DeviceBoard()
    short = printer("win32://EPSON TM-T82", board)
    unknown = printer("win32://Canon", board)
    try:
        assert not short.send(JOB).ok
        assert not unknown.send(JOB).ok
    finally:
        short.close()
        unknown.close()
    assert board.statuses()["receipt-printer"].reason == "device.port_missing"


def test_unknown_profile_is_reported(serial_printer) -> None:  # type: ignore[no-untyped-def]
    assert known_profile("TM-T20II") and not known_profile("Xprinter XP-58 (no such entry)")
    fake = serial_printer()
    board = DeviceBoard()
    device = printer(f"serial://{fake.port}?baud=115200", board, profile="XP-58 nowhere")
    try:
        assert device.send(JOB).ok
    finally:
        device.close()
    status = board.statuses()["receipt-printer"]
    assert status.state is DeviceState.CONNECTED and status.reason == "device.unknown_profile"


def test_supported_schemes() -> None:
    assert all(supported(parse_device_uri(u)) for u in (
        "serial://COM3", "usb://04b8:0e15", "tcp://10.0.0.5", "win32://X", "cups://q", "file:///tmp/x"))
    assert not supported(parse_device_uri("system://Canon LBP2900"))


@pytest.mark.parametrize("model", [PrinterModel(), PrinterModel(paper="near"), PrinterModel(paper="out"),
                                   PrinterModel(online=False), PrinterModel(cover_open=True)])
def test_fake_printer_answers_as_python_escpos_reads_a_real_one(network_printer, model) -> None:  # type: ignore[no-untyped-def]
    """The fake's status bytes mean to python-escpos's own reader what they mean to ours."""
    fake = network_printer(model)
    client = Network("127.0.0.1", fake.port, timeout=2)
    try:
        online = client.is_online()
        paper = client.paper_status()
    finally:
        client.close()
    ours = parse_status(model.status_byte(1), model.status_byte(2), model.status_byte(4))
    assert online == ours.online == (model.online and not model.cover_open and model.paper != "out")
    assert paper == {"ok": 2, "near": 1, "out": 0}[model.paper]
    assert ours.paper_out == (model.paper == "out") and ours.paper_near_end == (model.paper != "ok")
