"""Device roles, URIs and their assignments in the PC's settings (issue 11): what an installer
types is understood, or refused with words that say what to change."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_app.domain.errors import DomainError
from counter_app.services.devices import (
    DeviceBoard,
    DeviceState,
    DeviceStatus,
    assignments,
    check_role_accepts,
    parse_device_uri,
    parse_role,
)
from counter_app.services.i18n import describe_error
from counter_app.services.settings import Settings, load_settings, save_settings

GOOD = [
    ("serial:///dev/ttyUSB0?baud=115200&flow=rtscts", "serial", "/dev/ttyUSB0", None),
    ("serial://COM3?baud=9600", "serial", "COM3", None),
    ("serial:///com12", "serial", "COM12", None),
    ("usb://04b8:0e15", "usb", "04b8:0e15", None),
    ("USB://04B8:0E15?interface=0", "usb", "04b8:0e15", None),
    ("tcp://192.168.1.50:9100", "tcp", "192.168.1.50", 9100),
    ("tcp://192.168.1.50", "tcp", "192.168.1.50", 9100),
    ("tcp://may-in-quay-3.local:9101", "tcp", "may-in-quay-3.local", 9101),
    ("win32://EPSON TM-T82", "win32", "EPSON TM-T82", None),
    ("win32://EPSON%20TM-T82%20Receipt", "win32", "EPSON TM-T82 Receipt", None),
    ("cups://queue-name", "cups", "queue-name", None),
    ("file:///tmp/job.bin", "file", "/tmp/job.bin", None),
    ("system://Canon LBP2900", "system", "Canon LBP2900", None),
]


@pytest.mark.parametrize(("text", "scheme", "target", "port"), GOOD)
def test_the_uris_of_the_issue_are_understood(text: str, scheme: str, target: str, port: int | None) -> None:
    uri = parse_device_uri(text)
    assert (uri.scheme, uri.target, uri.port) == (scheme, target, port)
    assert str(uri) == text.strip()


def test_a_serial_uri_gives_its_line_settings() -> None:
    line = parse_device_uri("serial:///dev/ttyS0?baud=19200&parity=e&flow=XONXOFF&stopbits=2").serial_line()
    assert (line.port, line.baud, line.parity, line.bytesize, line.stopbits, line.flow) == (
        "/dev/ttyS0", 19200, "E", 8, 2, "xonxoff")
    default = parse_device_uri("serial://COM3").serial_line()
    assert (default.baud, default.parity, default.flow) == (9600, "N", "none")


BAD = [
    ("", "uri.empty", "địa chỉ trống"),
    ("COM3", "uri.no_scheme", "serial://"),
    ("seral:///dev/ttyUSB0", "uri.scheme", "không thuộc"),
    ("serial:///dev/ttyUSB0?baud=115201", "uri.baud", "115200"),
    ("serial:///dev/ttyUSB0?baud=fast", "uri.baud", "tốc độ"),
    ("serial:///dev/ttyUSB0?flow=hardware", "uri.flow", "rtscts"),
    ("serial:///dev/ttyUSB0?parity=X", "uri.parity", "parity"),
    ("serial:///dev/ttyUSB0?speed=9600", "uri.param", "không nhận"),
    ("serial://", "uri.target", "thiếu cổng"),
    ("usb://4b8:e15", "uri.usb_id", "04b8:0e15"),
    ("usb://epson", "uri.usb_id", "hệ mười sáu"),
    ("tcp://192.168.1.50:99999", "uri.tcp_port", "65535"),
    ("tcp://192.168.1.50:port", "uri.tcp_port", "65535"),
    ("tcp://:9100", "uri.target", "thiếu"),
    ("win32://", "uri.target", "tên máy in"),
    ("serial:///dev/ttyUSB0?baud", "uri.query", "tên=giá_trị"),
    ("tcp://1.2.3.4\x1b[2J:9100", "uri.characters", "quá dài hoặc có ký tự"),
]


@pytest.mark.usefixtures("vi")
@pytest.mark.parametrize(("text", "reason", "words"), BAD)
def test_a_typo_in_a_uri_is_refused_with_what_to_change(text: str, reason: str, words: str) -> None:
    with pytest.raises(DomainError) as raised:
        parse_device_uri(text)
    assert raised.value.code == "device.bad_uri"
    assert raised.value.params["reason"] == reason
    said = describe_error(raised.value)
    assert said.startswith("Không dùng được địa chỉ thiết bị") and words in said, said


def test_roles_are_the_five_kinds_of_the_issue() -> None:
    assert [parse_role(r).kind for r in ("ticket-printer", "receipt-printer", "office-printer", "scanner", "board-3")] \
        == ["printer", "printer", "office-printer", "scanner", "board"]
    assert parse_role("BOARD-12").board_number == 12
    for bad in ("board-0", "board-", "board-1000", "printer", "scanner2"):
        with pytest.raises(DomainError) as raised:
            parse_role(bad)
        assert raised.value.code == "device.unknown_role"


@pytest.mark.usefixtures("vi")
def test_a_role_refuses_a_connection_it_cannot_use() -> None:
    with pytest.raises(DomainError) as raised:
        check_role_accepts(parse_role("scanner"), parse_device_uri("tcp://10.0.0.5:9100"))
    assert "serial://" in describe_error(raised.value)
    check_role_accepts(parse_role("board-2"), parse_device_uri("tcp://10.0.0.9:4001"))
    check_role_accepts(parse_role("receipt-printer"), parse_device_uri("win32://EPSON TM-T82"))


def test_assignments_survive_the_settings_file_and_a_broken_one_is_reported_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(path, Settings(devices={
        "receipt-printer": {"uri": "tcp://192.168.1.50:9100", "profile": "TM-T82", "protocol": None, "address": None},
        "board-3": {"uri": "serial:///dev/ttyUSB1?baud=9600", "profile": None, "protocol": "framed", "address": 3},
        "scanner": {"uri": "usb://04b8:0e15"},  # a scanner cannot be read over raw USB: refused
        "board-4": "serial:///dev/ttyUSB2",  # damaged by hand
    }))
    errors: dict[str, str] = {}
    found = assignments(load_settings(path).devices, on_error=lambda role, exc: errors.update({role: exc.code}))
    assert sorted(found) == ["board-3", "receipt-printer"]
    assert found["receipt-printer"].uri.port == 9100 and found["receipt-printer"].profile == "TM-T82"
    assert (found["board-3"].protocol, found["board-3"].address) == ("framed", 3)
    assert errors == {"scanner": "device.wrong_kind", "board-4": "device.bad_setting"}


def test_the_device_board_tells_listeners_of_changes_only() -> None:
    board = DeviceBoard()
    heard: list[DeviceState] = []
    stop = board.listen(lambda status: heard.append(status.state))
    board.report(DeviceStatus("receipt-printer", DeviceState.CONNECTED))
    board.report(DeviceStatus("receipt-printer", DeviceState.CONNECTED))  # the same again: no news
    board.report(DeviceStatus("receipt-printer", DeviceState.ERROR, "device.paper_out", (("printer", "TM-T82"),)))
    stop()
    board.report(DeviceStatus("receipt-printer", DeviceState.CONNECTED))
    assert heard == [DeviceState.CONNECTED, DeviceState.ERROR]
    assert board.statuses()["receipt-printer"].ok
