"""Serial scanners through real pty pairs: the driver reads a fake scanner on the pty's far side."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_app.devices.serial_scanner import (
    FrameReader,
    SerialScanner,
    listen,
    scanner_ports,
    supported,
)
from counter_app.domain.errors import DomainError
from counter_app.services.devices import DeviceAssignment as Assignment
from counter_app.services.devices import DeviceBoard, DeviceRole, DeviceState, parse_device_uri
from tests.fake_serial_scanner import FakeScanner

CODE = "000.00.31.H27-261130-0001"
ITEM = "EB123456785VN"
CCCD_QR = "042301000123|181234567|Nguyễn Thị Ánh Tuyết|01011990|Nữ|Số 5, phường Thành Sen, Hà Tĩnh|15082021"
WAIT_S = 5.0
QUIET_S = 0.1  # longer than the driver's pause that ends a scan (20 ms)


def _assignment(link: Path, baud: int = 9600) -> Assignment:
    return Assignment(DeviceRole("scanner"), parse_device_uri(f"serial://{link}?baud={baud}"))


class _Reader:
    """A started driver and what it read, with waits that fail after WAIT_S."""

    def __init__(self, link: Path) -> None:
        self.codes: list[str] = []
        self.board = DeviceBoard()
        self.states: list[tuple[DeviceState, str]] = []
        self.board.listen(lambda s: self.states.append((s.state, s.reason)))
        self._got = threading.Condition()
        self.driver = SerialScanner(_assignment(link), self._on_scan, board=self.board, reopen_s=0.05)

    def _on_scan(self, code: str) -> None:
        with self._got:
            self.codes.append(code)
            self._got.notify_all()

    def wait_codes(self, n: int) -> list[str]:
        with self._got:
            assert self._got.wait_for(lambda: len(self.codes) >= n, timeout=WAIT_S), self.codes
            return list(self.codes)

    def wait_state(self, state: DeviceState) -> None:
        deadline = time.monotonic() + WAIT_S
        while self.driver.status().state is not state:
            assert time.monotonic() < deadline, (self.driver.status(), self.states)
            time.sleep(0.01)


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeScanner]:
    scanner = FakeScanner(tmp_path / "ttyScanner")
    yield scanner
    scanner.close()


@pytest.fixture
def reader(fake: FakeScanner) -> Iterator[_Reader]:
    r = _Reader(fake.link)
    r.driver.start()
    r.wait_state(DeviceState.CONNECTED)
    yield r
    r.driver.close()


def test_cr_lf_and_crlf_end_a_scan_and_aim_prefixes_come_off(fake: FakeScanner, reader: _Reader) -> None:
    fake.scan(CODE, end=b"\r")
    time.sleep(QUIET_S)
    fake.scan(ITEM, aim="]C0", end=b"\n")
    time.sleep(QUIET_S)
    fake.scan(CCCD_QR, aim="]Q1", end=b"\r\n")
    time.sleep(QUIET_S)
    fake.scan("https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma_ho_so=" + CODE, aim="]Q1", end=b"\r\n")

    assert reader.wait_codes(4) == [
        CODE, ITEM, CCCD_QR, "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma_ho_so=" + CODE,
    ]
    assert reader.driver.status().state is DeviceState.CONNECTED


def test_four_kilobytes_of_noise_give_no_code_then_the_next_scan_reads(fake: FakeScanner, reader: _Reader) -> None:
    rng = random.Random(11)
    noise = bytes(rng.randrange(256) for _ in range(4096))
    # What a scanner at the wrong baud rate sends: printable-looking runs cut by CR/LF too.
    printable = "".join(rng.choice("0123456789ABCDEFH.-]") + ("\r" if rng.random() < 0.08 else "") for _ in range(4096))
    fake.send(noise)
    fake.send(printable.encode("ascii"))
    fake.send(b"\x00\xff" + CODE.encode() + b"\r")  # a real-looking frame glued to the noise
    time.sleep(QUIET_S * 3)
    assert reader.codes == []
    assert reader.driver.status().state is DeviceState.ERROR
    assert reader.driver.status().reason == "device.scanner_noise"

    fake.scan(CODE)
    assert reader.wait_codes(1) == [CODE]
    assert reader.driver.status().state is DeviceState.CONNECTED


def test_half_a_frame_then_a_pause_is_dropped(fake: FakeScanner, reader: _Reader) -> None:
    fake.send(CODE[:14].encode())  # the scanner was reset mid-code
    time.sleep(QUIET_S)
    fake.scan(ITEM)
    assert reader.wait_codes(1) == [ITEM]
    time.sleep(QUIET_S)
    assert reader.codes == [ITEM]


def test_an_unknown_symbology_or_a_frame_that_is_not_a_code_is_dropped(fake: FakeScanner, reader: _Reader) -> None:
    for bad in ("]Y9" + CODE, "]", "hello", "Ha Tinh", CODE[:2], "ab\x07cd1234"):
        fake.send(bad.encode() + b"\r")
        time.sleep(QUIET_S)
    fake.scan(CODE, aim="]C0")
    assert reader.wait_codes(1) == [CODE]


def test_a_pulled_cable_is_shown_disconnected_and_the_scanner_reads_again_when_back(
    fake: FakeScanner, reader: _Reader
) -> None:
    fake.send(CODE[:10].encode())  # pulled mid-code: the half never becomes a code
    fake.unplug()
    reader.wait_state(DeviceState.DISCONNECTED)
    assert reader.driver.status().reason == "device.port_missing"
    assert dict(reader.driver.status().params) == {"port": str(fake.link)}

    fake.plug()
    reader.wait_state(DeviceState.CONNECTED)
    fake.scan(ITEM)
    assert reader.wait_codes(1) == [ITEM]
    states = [s for s, _ in reader.states]
    assert states == [DeviceState.CONNECTED, DeviceState.DISCONNECTED, DeviceState.CONNECTED]


def test_a_port_read_by_another_program_is_busy(fake: FakeScanner, reader: _Reader) -> None:
    second = _Reader(fake.link)
    second.driver.start()
    try:
        second.wait_state(DeviceState.DISCONNECTED)
        assert second.driver.status().reason == "device.port_busy"
    finally:
        second.driver.close()


def test_listen_returns_the_codes_read_and_says_why_a_port_cannot_be_read(fake: FakeScanner, tmp_path: Path) -> None:
    heard: list[str] = []

    def scan_soon() -> None:
        time.sleep(0.3)
        fake.scan(CODE)
        time.sleep(QUIET_S)
        fake.scan(ITEM, aim="]C0", end=b"\r\n")

    threading.Thread(target=scan_soon, daemon=True).start()
    assert listen(_assignment(fake.link), count=2, timeout=WAIT_S, on_code=heard.append) == [CODE, ITEM]
    assert heard == [CODE, ITEM]

    started = time.monotonic()
    assert listen(_assignment(fake.link), count=1, timeout=0.3) == []  # open, nothing scanned
    assert time.monotonic() - started < 2.0

    with pytest.raises(DomainError) as missing:
        listen(_assignment(tmp_path / "ttyGone"), count=1, timeout=0.3)
    assert missing.value.code == "device.port_missing"


def test_a_reader_never_blocks_its_caller_and_closes_promptly(tmp_path: Path) -> None:
    driver = SerialScanner(_assignment(tmp_path / "ttyNothing"), lambda _c: None)
    started = time.monotonic()
    driver.start()
    assert time.monotonic() - started < 0.05
    driver.close()
    assert time.monotonic() - started < 1.0


def test_supported_uris_and_ports_listed() -> None:
    assert supported(parse_device_uri("serial:///dev/ttyACM0?baud=115200"))
    assert supported(parse_device_uri("serial://COM3"))
    assert not supported(parse_device_uri("tcp://192.168.1.50"))
    assert all(p.uri.startswith("serial://") for p in scanner_ports())


def test_frame_reader_takes_a_frame_only_after_the_line_stays_quiet() -> None:
    framer = FrameReader(quiet_s=0.02)
    assert framer.feed(CODE.encode() + b"\r", now=1.000) == []
    assert framer.tick(now=1.010) == []  # the line may still carry noise
    assert framer.tick(now=1.021) == [CODE]
    assert framer.feed(CODE.encode() + b"\r", now=2.000) == []
    assert framer.feed(b"X", now=2.001) == []  # more bytes at once: the frame was noise
    assert framer.tick(now=2.100) == []
    assert framer.noise_frames == 1
