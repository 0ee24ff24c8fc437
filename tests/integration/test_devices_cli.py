"""`counter devices list|set|test|listen` against real settings files, ptys and sockets (issue 11)."""

from __future__ import annotations

import importlib.util
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_app.cli import main
from tests.escpos_decoder import decode_escpos
from tests.fake_printer import FakeSerialPrinter, PrinterModel
from tests.fake_serial_scanner import FakeScanner
from tests.integration.test_boards import Fake as FakeBoardProcess


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse refuses bad arguments by exiting (code 2)
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def settings_file() -> Path:
    return Path(os.environ["COUNTER_CONFIG_DIR"]) / "settings.json"


@pytest.fixture
def printer() -> Iterator[FakeSerialPrinter]:
    fake = FakeSerialPrinter()
    yield fake
    fake.close()


@pytest.fixture
def lpstat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A CUPS ``lpstat`` on PATH that knows two printers, as ``lpstat -e`` prints them."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "lpstat"
    script.write_text('#!/bin/sh\n[ "$1" = "-e" ] || exit 3\nprintf "Canon_LBP2900\\nHP_LaserJet_M402\\n"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return script


def test_set_keeps_each_role_in_the_pc_settings_and_list_shows_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, lpstat: Path
) -> None:
    code, out, err = run(capsys, "devices", "set", "receipt-printer", "serial:///dev/ttyUSB0?baud=115200&flow=rtscts",
                         "--profile", "TM-T20II", "--data-dir", str(tmp_path))
    assert (code, err) == (0, "") and "receipt-printer" in out and "serial:///dev/ttyUSB0" in out
    code, _, err = run(capsys, "devices", "set", "board-2", "tcp://127.0.0.1:4001", "--protocol", "Sum-Frame",
                       "--address", "3", "--data-dir", str(tmp_path))
    assert (code, err) == (0, "")
    code, _, _ = run(capsys, "devices", "set", "office-printer", "system://Canon_LBP2900", "--data-dir", str(tmp_path))
    assert code == 0
    saved = json.loads(settings_file().read_text(encoding="utf-8"))["devices"]
    assert saved["receipt-printer"] == {"uri": "serial:///dev/ttyUSB0?baud=115200&flow=rtscts", "profile": "TM-T20II",
                                        "protocol": None, "address": None}
    assert saved["board-2"] == {"uri": "tcp://127.0.0.1:4001", "profile": None, "protocol": "sum-frame", "address": 3}

    code, out, err = run(capsys, "devices", "list", "--data-dir", str(tmp_path))
    assert code == 0, err
    assert "Máy in của máy tính này:" in out and "system://Canon_LBP2900\tcups://Canon_LBP2900" in out
    lines = out.splitlines()
    mine = lines[lines.index("Thiết bị của máy này:") + 1:]
    assert [line.split("\t")[0].strip() for line in mine[:3]] == ["receipt-printer", "office-printer", "board-2"]
    assert "TM-T20II" in mine[0] and "không tìm thấy" in mine[0]  # no /dev/ttyUSB0 on this machine
    assert mine[1].endswith("có kết nối")  # the system has that printer
    assert "sum-frame #3" in mine[2] and "counter devices test board-2" in mine[2]
    if importlib.util.find_spec("usb") is None:  # pyusb missing: said, never a crash
        assert "chưa cài thư viện pyusb" in out


def test_list_says_when_the_printers_cannot_be_listed(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no lpstat at all
    code, out, _ = run(capsys, "devices", "list", "--data-dir", str(tmp_path))
    assert code == 0
    assert "Không liệt kê được máy in của máy tính này: lpstat." in out
    assert "Thiết bị của máy này:\n  (không có)" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["receipt-printer", "seral:///dev/ttyUSB0"], "loại kết nối trước ://"),
        (["receipt-printer", "serial:///dev/ttyUSB0?baud=115201"], "serial:///dev/ttyUSB0?baud=115201"),
        (["scanner", "tcp://10.0.0.2:9100"], "scanner"),
        (["receipt-printer", "tcp://10.0.0.2", "--profile", "TM-T99X"], "TM-T99X"),
        (["scanner", "serial:///dev/ttyACM0", "--profile", "TM-T20II"], "--profile"),
        (["receipt-printer", "tcp://10.0.0.2", "--protocol", "sum-frame"], "--protocol"),
        (["board-1", "serial:///dev/ttyS1", "--protocol", "blinky"], "blinky"),
        (["board-1", "serial:///dev/ttyS1", "--protocol", "cd5220", "--address", "4"], "cd5220"),
        (["printer", "tcp://10.0.0.2"], "ticket-printer, receipt-printer"),
        (["board-1", "serial:///dev/ttyS1", "--address", "256"], "256"),
    ],
)
def test_set_refuses_bad_input_in_one_line_exit_2_and_keeps_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], words: str
) -> None:
    code, out, err = run(capsys, "devices", "set", *args, "--data-dir", str(tmp_path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and words in err and "Traceback" not in err
    assert not settings_file().exists()


def test_test_prints_the_vietnamese_test_receipt_with_a_native_qr_on_a_pty_printer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, printer: FakeSerialPrinter
) -> None:
    run(capsys, "devices", "set", "receipt-printer", f"serial://{printer.port}?baud=115200", "--profile", "TM-T20II",
        "--data-dir", str(tmp_path))
    code, out, err = run(capsys, "devices", "test", "receipt-printer", "--data-dir", str(tmp_path))
    assert (code, err) == (0, ""), err
    assert "Đã gửi trọn phiếu in thử tới receipt-printer" in out
    assert printer.model.queries[:1] == [1]  # asked DLE EOT before the job
    job = decode_escpos(printer.model.job(), width=576)
    assert job.initialised_first and job.cut and job.raster_bytes > 1000  # the Vietnamese lines are raster
    assert [n.kind for n in job.native] == ["QRCode"]
    assert job.native[0].text.startswith(f"TEST:receipt-printer serial://{printer.port}")


def test_a_test_receipt_without_a_model_is_all_raster(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                      printer: FakeSerialPrinter) -> None:
    run(capsys, "devices", "set", "ticket-printer", f"serial://{printer.port}", "--data-dir", str(tmp_path))
    code, out, _ = run(capsys, "devices", "test", "ticket-printer", "--data-dir", str(tmp_path))
    assert code == 0 and "dưới dạng ảnh" in out  # the status says the model is not known
    job = decode_escpos(printer.model.job(), width=576)
    assert job.native == [] and job.raster_bytes > 1000


def test_a_printer_out_of_paper_fails_the_test_with_the_reason_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fake = FakeSerialPrinter(PrinterModel(paper="out"))
    try:
        run(capsys, "devices", "set", "receipt-printer", f"serial://{fake.port}", "--profile", "TM-T20II",
            "--data-dir", str(tmp_path))
        code, out, err = run(capsys, "devices", "test", "receipt-printer", "--data-dir", str(tmp_path))
    finally:
        fake.close()
    assert code == 1 and out == ""
    assert "hết giấy" in err and len(err.strip().splitlines()) == 1
    assert fake.model.job() == b""  # nothing but status questions was sent


def test_a_missing_port_or_an_unset_role_is_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "devices", "test", "scanner", "--data-dir", str(tmp_path))
    assert code == 1 and "Chưa đặt thiết bị cho scanner" in err
    run(capsys, "devices", "set", "board-1", f"serial://{tmp_path}/ttyGone", "--data-dir", str(tmp_path))
    code, _, err = run(capsys, "devices", "test", "board-1", "--timeout", "1", "--data-dir", str(tmp_path))
    assert code == 1 and f"{tmp_path}/ttyGone" in err


def test_test_shows_888_or_the_number_asked_on_a_board(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    board = FakeBoardProcess(["--listen", "0", "--protocol", "sum-frame", "--mode", "ack", "--address", "2"])
    try:
        port = board.expect(lambda r: "port" in r)["port"]
        run(capsys, "devices", "set", "board-2", f"tcp://127.0.0.1:{port}", "--protocol", "sum-frame",
            "--address", "2", "--data-dir", str(tmp_path))
        code, out, err = run(capsys, "devices", "test", "board-2", "--data-dir", str(tmp_path))
        assert (code, err) == (0, "") and "board-2 đang hiện 888" in out
        assert board.expect(lambda r: "number" in r)["number"] == "888"
        code, out, _ = run(capsys, "devices", "test", "board-2", "--show", "42", "--data-dir", str(tmp_path))
        assert code == 0 and "board-2 đang hiện 42" in out
        assert board.expect(lambda r: "number" in r)["number"] == "42"
    finally:
        board.stop()


def test_listen_prints_each_code_the_scanner_reads(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    scanner = FakeScanner(tmp_path / "ttyScanner")
    codes = ["000.00.31.H27-261130-0001", "EB123456785VN"]

    def scan_soon() -> None:
        time.sleep(0.4)
        scanner.scan(codes[0])
        time.sleep(0.15)
        scanner.send(b"\xff\x00garbage\x13 without end")  # noise between the two scans gives no code
        time.sleep(0.15)
        scanner.scan(codes[1], aim="]C0", end=b"\r\n")

    try:
        run(capsys, "devices", "set", "scanner", f"serial://{scanner.link}?baud=115200", "--data-dir", str(tmp_path))
        threading.Thread(target=scan_soon, daemon=True).start()
        code, out, err = run(capsys, "devices", "listen", "scanner", "--count", "2", "--timeout", "5",
                             "--data-dir", str(tmp_path))
    finally:
        scanner.close()
    assert (code, err) == (0, "")
    assert out.splitlines() == codes


def test_listen_that_reads_nothing_or_cannot_open_the_port_is_exit_1(capsys: pytest.CaptureFixture[str],
                                                                     tmp_path: Path) -> None:
    scanner = FakeScanner(tmp_path / "ttyScanner")
    try:
        run(capsys, "devices", "set", "scanner", f"serial://{scanner.link}", "--data-dir", str(tmp_path))
        started = time.monotonic()
        code, out, err = run(capsys, "devices", "listen", "scanner", "--timeout", "1", "--data-dir", str(tmp_path))
        assert code == 1 and out == "" and "Không đọc được mã nào" in err
        assert time.monotonic() - started < 3
    finally:
        scanner.close()
    code, _, err = run(capsys, "devices", "listen", "scanner", "--timeout", "1", "--data-dir", str(tmp_path))
    assert code == 1 and "ttyScanner" in err
    code, _, err = run(capsys, "devices", "listen", "scanner", "--count", "0", "--data-dir", str(tmp_path))
    assert code == 2
