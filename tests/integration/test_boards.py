"""Queue-number boards (issue 11) over real ptys and sockets: each protocol's bytes against a
written table, a fake board process that acknowledges or stays silent, a board on the wrong baud
rate, a port that vanishes, a TCP board, two boards on one RS-485 line, and calls at counters
reaching their boards without waiting for them."""

from __future__ import annotations

import json
import os
import queue as queue_module
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from counter_app.devices.boards import (
    ASCII_LINE,
    CD5220,
    PROTOCOLS,
    SUM_FRAME,
    BoardDriver,
    CounterBoards,
    RetryPolicy,
    check_board,
    open_link,
    protocol_for,
    show,
    start_counter_boards,
    supported,
)
from counter_app.domain.errors import DomainError
from counter_app.services.devices import (
    DeviceBoard,
    DeviceState,
    DeviceStatus,
    assignment_from_json,
    parse_device_uri,
)
from counter_app.services.i18n import describe_error
from counter_app.services.queue import LocalQueueService
from tests import fake_board
from tests.integration.test_queue_service import NV01, Q8, K, _seed

FAKE = Path(fake_board.__file__)
FAST = RetryPolicy(first_s=0.05, max_s=0.2, reopen_s=0.1)


# -- the written table -----------------------------------------------------------------------------

TABLE = [
    # protocol, address, number, blink, bytes on the wire
    ("ascii-line", None, "A012", False, b"A012\r\n"),
    ("ascii-line", 3, "A012", True, b"03 A012 B\r\n"),
    ("ascii-line", 12, "b-7", False, b"12 B7\r\n"),
    ("sum-frame", 3, "A012", False, bytes([0x03, 0x00, 0x0C, 0x0F])),
    ("sum-frame", 3, "A012", True, bytes([0x03, 0x80, 0x0C, 0x8F])),
    ("sum-frame", 1, "1234", False, bytes([0x01, 0x04, 0xD2, 0xD7])),
    ("sum-frame", 200, "K9999", True, bytes([0xC8, 0xA7, 0x0F, 0x7E])),
    ("cd5220", None, "A012", False, b"\x0c\x1b@\x1bQA        A012        \r"),
    ("cd5220", None, "888", True, b"\x0c\x1b@\x1bQA        888         \r"),
]


@pytest.mark.parametrize(("name", "address", "number", "blink", "wire"), TABLE)
def test_each_protocol_makes_the_bytes_of_the_table(name, address, number, blink, wire) -> None:  # type: ignore[no-untyped-def]
    assert protocol_for(name).encode(address, number, blink) == wire


@pytest.mark.parametrize(("name", "address", "number", "blink", "wire"), TABLE)
def test_the_fake_board_reads_the_table_as_the_number_sent(name, address, number, blink, wire, capsys) -> None:  # type: ignore[no-untyped-def]
    board = fake_board.BOARDS[name]([address] if address is not None else [], "ack")
    reply = board.feed(wire)
    shown = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"number"' in line]
    digits = "".join(ch for ch in number if ch.isdigit())
    expected = str(int(digits)) if name == "sum-frame" else "".join(ch for ch in number.upper() if ch.isalnum())
    assert [(s["address"], s["number"]) for s in shown] == [(address, expected)]
    assert shown[0]["blink"] == (blink and name != "cd5220")
    assert reply == (b"\x06" if name == "sum-frame" else b"")


def test_the_fake_sum_frame_board_refuses_a_bad_sum_and_ignores_other_addresses(capsys) -> None:  # type: ignore[no-untyped-def]
    board = fake_board.SumFrameBoard([3], "ack")
    assert board.feed(bytes([0x03, 0x00, 0x0C, 0x10])) == b"\x15"  # NAK, and nothing shown
    assert board.feed(bytes([0x05, 0x00, 0x0C, 0x11])) == b""  # another board's frame
    assert '"number"' not in capsys.readouterr().out


@pytest.mark.parametrize(("name", "number"), [("sum-frame", "ABC"), ("sum-frame", "10000"), ("ascii-line", "--"),
                                               ("ascii-line", "123456789"), ("cd5220", "")])
def test_a_number_a_protocol_cannot_show_is_refused(name, number) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        protocol_for(name).encode(1, number, False)


def test_protocols_and_settings_are_checked_with_vietnamese_words(vi) -> None:  # type: ignore[no-untyped-def]
    assert set(PROTOCOLS) == {"ascii-line", "sum-frame", "cd5220"} and protocol_for(None) is ASCII_LINE
    with pytest.raises(DomainError) as caught:
        protocol_for("led-x")
    assert caught.value.code == "device.unknown_protocol" and "led-x" in describe_error(caught.value)
    assert "giao thức" in describe_error(caught.value)
    wide = assignment_from_json("board-2", {"uri": "serial:///dev/ttyUSB0", "protocol": "ascii-line", "address": 150})
    with pytest.raises(DomainError) as caught:
        check_board(wide)
    assert caught.value.code == "device.board_address" and "150" in describe_error(caught.value)
    pole = assignment_from_json("board-2", {"uri": "serial:///dev/ttyUSB0", "protocol": "cd5220", "address": 1})
    with pytest.raises(DomainError) as caught:
        check_board(pole)
    assert caught.value.code == "device.board_no_address" and "cd5220" in describe_error(caught.value)
    assert check_board(assignment_from_json("board-2", {"uri": "tcp://10.0.0.9:4001", "protocol": "sum-frame",
                                                        "address": 200})) is SUM_FRAME
    assert supported(parse_device_uri("file:///tmp/x")) and not supported(parse_device_uri("usb://04b8:0e15"))


# -- fakes on ptys and sockets ------------------------------------------------------------------------


class Fake:
    """A fake board process and what it said it shows."""

    def __init__(self, args: list[str], pass_fds: tuple[int, ...] = ()) -> None:
        self.proc = subprocess.Popen([sys.executable, str(FAKE), *args], stdout=subprocess.PIPE, pass_fds=pass_fds,
                                     text=True)
        self.records: queue_module.Queue[dict] = queue_module.Queue()  # type: ignore[type-arg]
        self.seen: list[dict] = []  # type: ignore[type-arg]
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.records.put(json.loads(line))

    def expect(self, wanted: Callable[[dict], bool], timeout: float = 3.0) -> dict:  # type: ignore[type-arg]
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"the fake board did not say it; it said {self.seen}")
            try:
                record = self.records.get(timeout=left)
            except queue_module.Empty:
                continue
            self.seen.append(record)
            if wanted(record):
                return record

    def drain(self, settle: float = 0.3) -> list[dict]:  # type: ignore[type-arg]
        time.sleep(settle)
        while True:
            try:
                self.seen.append(self.records.get_nowait())
            except queue_module.Empty:
                return self.seen

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=5)


@pytest.fixture
def pty_board() -> Iterator[Callable[..., tuple[str, Fake]]]:
    fakes: list[Fake] = []

    def start(protocol: str, *, mode: str = "ack", addresses: tuple[int, ...] = (), baud: int | None = None
              ) -> tuple[str, Fake]:
        master, slave = os.openpty()
        port = os.ttyname(slave)
        args = ["--fd", str(master), "--protocol", protocol, "--mode", mode]
        args += [x for a in addresses for x in ("--address", str(a))]
        args += ["--baud", str(baud)] if baud else []
        fake = Fake(args, pass_fds=(master,))
        os.close(master)  # the fake holds the board's end; when it dies the port is gone
        os.close(slave)
        fake.expect(lambda r: r.get("ready", False))
        fakes.append(fake)
        return port, fake

    yield start
    for fake in fakes:
        fake.stop()


@pytest.fixture
def tcp_board() -> Iterator[Callable[..., tuple[int, Fake]]]:
    fakes: list[Fake] = []

    def start(protocol: str, *, port: int = 0, mode: str = "ack", addresses: tuple[int, ...] = ()) -> tuple[int, Fake]:
        args = ["--listen", str(port), "--protocol", protocol, "--mode", mode]
        args += [x for a in addresses for x in ("--address", str(a))]
        fake = Fake(args)
        fakes.append(fake)
        return fake.expect(lambda r: "port" in r)["port"], fake

    yield start
    for fake in fakes:
        fake.stop()


def _driver(role: str, setting: dict, board: DeviceBoard | None = None) -> BoardDriver:  # type: ignore[type-arg]
    assignment = assignment_from_json(role, setting)
    return BoardDriver(assignment, open_link(assignment.uri), check_board(assignment), board, retry=FAST)


def _wait_for(board: DeviceBoard, role: str, test: Callable[[DeviceStatus], bool], timeout: float = 3.0) -> DeviceStatus:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = board.statuses().get(role)
        if status is not None and test(status):
            return status
        time.sleep(0.01)
    raise AssertionError(f"{role} never got there: {board.statuses().get(role)}")


def test_a_sum_frame_board_on_a_serial_line_shows_the_number_and_acknowledges(pty_board) -> None:  # type: ignore[no-untyped-def]
    port, fake = pty_board("sum-frame", addresses=(3,), baud=9600)
    board = DeviceBoard()
    driver = _driver("board-4", {"uri": f"serial://{port}?baud=9600", "protocol": "sum-frame", "address": 3}, board)
    try:
        driver.show("A012", blink=True)
        assert fake.expect(lambda r: "number" in r) == {"address": 3, "number": "12", "blink": True}
        assert driver.wait_shown("A012", 2.0)
        assert _wait_for(board, "board-4", lambda s: s.ok).state is DeviceState.CONNECTED
    finally:
        driver.close()


@pytest.mark.parametrize(("protocol", "shown"), [("ascii-line", "A012"), ("cd5220", "A012")])
def test_boards_that_never_answer_show_the_number_once_written(pty_board, protocol, shown) -> None:  # type: ignore[no-untyped-def]
    port, fake = pty_board(protocol)
    board = DeviceBoard()
    driver = _driver("board-1", {"uri": f"serial://{port}", "protocol": protocol}, board)
    try:
        driver.show("a012")
        assert fake.expect(lambda r: "number" in r)["number"] == shown
        assert driver.wait_shown("a012", 2.0) and driver.status().ok
    finally:
        driver.close()


def test_a_silent_board_is_shown_down_retried_and_never_holds_up_the_caller(pty_board, vi) -> None:  # type: ignore[no-untyped-def]
    port, fake = pty_board("sum-frame", mode="silent", addresses=(1,))
    board = DeviceBoard()
    heard: list[DeviceStatus] = []
    board.listen(heard.append)
    driver = _driver("board-2", {"uri": f"serial://{port}", "protocol": "sum-frame", "address": 1}, board)
    try:
        started = time.perf_counter()
        driver.show("B007")
        handed = time.perf_counter() - started
        assert handed < 0.005  # the call only hands the number over
        status = _wait_for(board, "board-2", lambda s: s.reason == "device.no_answer")
        assert status.state is DeviceState.ERROR and dict(status.params)["port"] == port
        assert "không trả lời" in describe_error(status.error())  # type: ignore[arg-type]
        for _ in range(3):  # sent again and again while it stays silent
            fake.expect(lambda r: r.get("number") == "7")
        assert driver.shown is None
    finally:
        driver.close()


def test_a_board_on_the_wrong_baud_rate_reads_garbage_and_is_shown_down(pty_board) -> None:  # type: ignore[no-untyped-def]
    port, fake = pty_board("sum-frame", addresses=(1,), baud=9600)
    board = DeviceBoard()
    driver = _driver("board-2", {"uri": f"serial://{port}?baud=19200", "protocol": "sum-frame", "address": 1}, board)
    try:
        driver.show("A005")
        assert fake.expect(lambda r: "garbage" in r)["line_baud"] == 19200
        status = _wait_for(board, "board-2", lambda s: s.reason == "device.no_answer")
        assert status.state is DeviceState.ERROR
        assert not any("number" in r for r in fake.drain())
    finally:
        driver.close()


def test_a_port_that_vanishes_is_shown_disconnected_and_a_missing_one_before_any_call(pty_board) -> None:  # type: ignore[no-untyped-def]
    port, fake = pty_board("ascii-line")
    board = DeviceBoard()
    driver = _driver("board-1", {"uri": f"serial://{port}", "protocol": "ascii-line"}, board)
    missing = _driver("board-9", {"uri": "serial:///dev/ttyNO-SUCH-BOARD", "protocol": "ascii-line"}, board)
    try:
        driver.show("A001")
        fake.expect(lambda r: r.get("number") == "A001")
        fake.stop()  # the cable is pulled: the other end of the line is gone
        driver.show("A002")
        status = _wait_for(board, "board-1", lambda s: s.state is DeviceState.DISCONNECTED)
        assert status.reason == "device.port_missing" and dict(status.params)["port"] == port
        assert driver.shown is not None and driver.shown.number == "A001"
        gone = _wait_for(board, "board-9", lambda s: s.state is DeviceState.DISCONNECTED)
        assert gone.reason == "device.port_missing" and missing.sent == 0
    finally:
        driver.close()
        missing.close()


def test_a_board_on_the_network_shows_the_number_and_the_latest_wins_once_it_is_back(tcp_board) -> None:  # type: ignore[no-untyped-def]
    probe = socket.create_server(("127.0.0.1", 0))
    free_port = probe.getsockname()[1]
    probe.close()
    board = DeviceBoard()
    driver = _driver("board-5", {"uri": f"tcp://127.0.0.1:{free_port}", "protocol": "sum-frame", "address": 7}, board)
    try:
        for number in ("A001", "A002", "A003"):  # nobody listens yet: the board is down
            driver.show(number)
        status = _wait_for(board, "board-5", lambda s: s.state is DeviceState.DISCONNECTED)
        assert status.reason == "device.unreachable" and dict(status.params)["address"] == f"127.0.0.1:{free_port}"
        _port, fake = tcp_board("sum-frame", port=free_port, addresses=(7,))
        assert fake.expect(lambda r: "number" in r) == {"address": 7, "number": "3", "blink": False}
        assert driver.wait_shown("A003", 3.0)
        assert _wait_for(board, "board-5", lambda s: s.ok)
        assert [r["number"] for r in fake.drain() if "number" in r] == ["3"]  # never the older numbers
    finally:
        driver.close()


def test_a_tcp_board_that_dropped_the_connection_gets_the_next_number_on_a_new_one(tcp_board) -> None:  # type: ignore[no-untyped-def]
    port, fake = tcp_board("ascii-line")
    driver = _driver("board-1", {"uri": f"tcp://127.0.0.1:{port}", "protocol": "ascii-line"})
    try:
        driver.show("A001")
        fake.expect(lambda r: r.get("number") == "A001")
        fake.stop()
        port2, fake2 = tcp_board("ascii-line", port=port)
        assert port2 == port
        driver.show("A002")
        assert fake2.expect(lambda r: "number" in r)["number"] == "A002"
    finally:
        driver.close()


def test_two_boards_on_one_rs485_line_share_the_port_and_each_gets_its_own_number(pty_board) -> None:  # type: ignore[no-untyped-def]
    port, fake = pty_board("sum-frame", addresses=(3, 5))
    board = DeviceBoard()
    found = {name: assignment_from_json(name, setting) for name, setting in {
        "board-1": {"uri": f"serial://{port}", "protocol": "sum-frame", "address": 3},
        "board-2": {"uri": f"serial://{port}", "protocol": "sum-frame", "address": 5},
    }.items()}
    boards = CounterBoards.from_assignments(found, board, retry=FAST)
    try:
        assert len(boards.links) == 1 and boards.drivers[1].link is boards.drivers[2].link
        for i in range(1, 11):
            assert boards.show_call(1 + i % 2, f"A{i:03d}")
        assert not boards.show_call(3, "A999")  # no board for counter 3 on this PC
        assert boards.drivers[1].wait_shown("A010", 3.0) and boards.drivers[2].wait_shown("A009", 3.0)
        shown = [r for r in fake.drain() if "number" in r]
        assert shown[-1] in ({"address": 3, "number": "10", "blink": True}, {"address": 5, "number": "9", "blink": True})
        assert {(r["address"], r["number"]) for r in shown[-2:]} == {(3, "10"), (5, "9")}
        assert not any("bad_frame" in r for r in fake.seen)  # the two workers never interleave frames
    finally:
        boards.close()


def test_show_for_the_test_button_says_how_it_went(pty_board, tcp_board) -> None:  # type: ignore[no-untyped-def]
    port, fake = pty_board("sum-frame", addresses=(1,))
    ok = show(assignment_from_json("board-1", {"uri": f"serial://{port}", "protocol": "sum-frame"}), "888")
    assert ok.ok and fake.expect(lambda r: "number" in r)["number"] == "888"
    silent_port, _silent = pty_board("sum-frame", mode="silent", addresses=(1,))
    started = time.monotonic()
    down = show(assignment_from_json("board-1", {"uri": f"serial://{silent_port}", "protocol": "sum-frame"}), "888",
                timeout=0.8)
    assert (down.state, down.reason) == (DeviceState.ERROR, "device.no_answer")
    assert time.monotonic() - started < 2.0


def test_a_file_board_appends_the_bytes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "board.bin"
    status = show(assignment_from_json("board-1", {"uri": f"file://{out}", "protocol": "cd5220"}), "A1")
    status2 = show(assignment_from_json("board-1", {"uri": f"file://{out}", "protocol": "cd5220"}), "A2")
    assert status.ok and status2.ok
    assert out.read_bytes() == CD5220.encode(None, "A1", False) + CD5220.encode(None, "A2", False)


# -- the queue's calls reach the boards ------------------------------------------------------------------


@pytest.fixture
def queue(services, clock) -> LocalQueueService:  # type: ignore[no-untyped-def]
    _seed(services.uow)
    return LocalQueueService(services.uow, clock, services.device_id)


def test_a_call_at_a_counter_shows_on_its_board_within_100_ms(queue, pty_board) -> None:  # type: ignore[no-untyped-def]
    port, fake = pty_board("sum-frame", addresses=(8,), baud=9600)
    board = DeviceBoard()
    boards = start_counter_boards({
        "board-8": {"uri": f"serial://{port}?baud=9600", "protocol": "sum-frame", "address": 8},
        "board-1": {"uri": "serial://dev/ttyUSB0?baud=1234"},  # a typo: reported, the rest works
    }, queue, board)
    assert boards is not None
    try:
        broken = _wait_for(board, "board-1", lambda s: s.reason != "")
        assert (broken.state, broken.reason) == (DeviceState.ERROR, "device.bad_uri")
        tickets = [queue.issue_ticket(K, request_key=f"k{i}") for i in range(3)]
        for ticket in tickets:
            started = time.monotonic()
            called = queue.call_next(Q8, NV01)
            assert called is not None and called.number == ticket.number
            record = fake.expect(lambda r: "number" in r)
            assert time.monotonic() - started < 0.1
            assert record == {"address": 8, "number": str(int(ticket.number[1:])), "blink": True}
            queue.recall(Q8, NV01)
            assert fake.expect(lambda r: "number" in r)["number"] == str(int(ticket.number[1:]))  # recalled
            queue.finish_service(Q8, NV01)
    finally:
        boards.close()
    assert start_counter_boards({"scanner": {"uri": "serial:///dev/ttyS0"}}, queue, board) is None


def test_calling_is_not_slowed_by_a_board_on_the_wrong_baud_rate(queue, pty_board) -> None:  # type: ignore[no-untyped-def]
    port, fake = pty_board("sum-frame", addresses=(8,), baud=9600)
    board = DeviceBoard()
    boards = start_counter_boards({"board-8": {"uri": f"serial://{port}?baud=2400", "protocol": "sum-frame",
                                               "address": 8}}, queue, board)
    assert boards is not None
    try:
        for i in range(4):
            queue.issue_ticket(K, request_key=f"k{i}")
        durations = []
        for _ in range(4):
            started = time.perf_counter()
            assert queue.call_next(Q8, NV01) is not None
            durations.append(time.perf_counter() - started)
            queue.finish_service(Q8, NV01)
        assert max(durations) < SUM_FRAME.ack_timeout_s  # never waits for the board's answer
        assert _wait_for(board, "board-8", lambda s: s.reason == "device.no_answer").state is DeviceState.ERROR
        assert fake.expect(lambda r: "garbage" in r)["line_baud"] == 2400
        assert not any("number" in r for r in fake.drain())
    finally:
        boards.close()


def test_the_counter_window_s_services_drive_the_boards_set_for_this_pc(demo_data_dir, clock, pty_board) -> None:  # type: ignore[no-untyped-def]
    from counter_app.bootstrap import open_services, settings_path
    from counter_app.services.settings import Settings, save_settings

    port, fake = pty_board("ascii-line", addresses=(8,))
    assert open_services(demo_data_dir, clock=clock).start_boards() is None  # no board set: nothing started
    save_settings(settings_path(), Settings(devices={"board-8": {"uri": f"serial://{port}", "address": 8}}))
    services = open_services(demo_data_dir, clock=clock)
    _seed(services.uow)
    stop = services.start_boards()
    assert stop is not None
    try:
        ticket = services.queue.issue_ticket(K, request_key="t1")
        services.queue.call_next(Q8, NV01)
        assert fake.expect(lambda r: "number" in r) == {"address": 8, "number": ticket.number, "blink": True}
        assert _wait_for(services.device_board, "board-8", lambda s: s.ok)
    finally:
        stop()


def test_a_board_that_answers_is_asked_again_while_nobody_calls_and_shown_down_once_gone(pty_board) -> None:  # type: ignore[no-untyped-def]
    port, fake = pty_board("sum-frame", addresses=(2,))
    board = DeviceBoard()
    assignment = assignment_from_json("board-2", {"uri": f"serial://{port}", "protocol": "sum-frame", "address": 2})
    driver = BoardDriver(assignment, open_link(assignment.uri), SUM_FRAME, board,
                         retry=RetryPolicy(first_s=0.05, max_s=0.2, reopen_s=0.1, keepalive_s=0.3))
    try:
        driver.show("A042", blink=True)
        assert fake.expect(lambda r: "number" in r) == {"address": 2, "number": "42", "blink": True}
        again = fake.expect(lambda r: "number" in r)
        assert again == {"address": 2, "number": "42", "blink": False}  # the same number, not blinking anew
        fake.stop()  # switched off between calls
        status = _wait_for(board, "board-2", lambda s: not s.ok)
        assert (status.state, status.reason) == (DeviceState.DISCONNECTED, "device.port_missing")
    finally:
        driver.close()
