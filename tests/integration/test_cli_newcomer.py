"""The command line as a newcomer meets it: --data-dir everywhere, argparse in Vietnamese, logs in Vietnam time."""

from __future__ import annotations

import logging
import os
import re
import time
from datetime import datetime
from pathlib import Path

import pytest

from counter_app.bootstrap import configure_logging
from counter_app.cli import main
from counter_app.domain.calendar import VIETNAM_TIME
from counter_app.ui import desktop_libs

pytestmark = pytest.mark.usefixtures("vi")  # the catalog compiled from the .po under test


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_voice_say_accepts_the_data_dir_like_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "voice", "say", "A012", "--counter", "3", "--dry-run", "--data-dir", str(tmp_path))
    assert (code, err) == (0, "")
    assert "moi_cong_dan_co_so=" in out and "den_quay_so=" in out


def test_a_centres_own_recording_in_the_data_dir_is_used_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundled = dict(c.split("=", 1) for c in run(capsys, "voice", "say", "A012", "--counter", "3", "--dry-run")[1].split())
    own = tmp_path / "voice"
    own.mkdir()
    mine = own / Path(bundled["moi_cong_dan_co_so"]).name  # the centre recorded its own invitation
    mine.write_bytes(Path(bundled["moi_cong_dan_co_so"]).read_bytes())

    code, out, _err = run(capsys, "voice", "say", "A012", "--counter", "3", "--dry-run", "--data-dir", str(tmp_path))

    clips = dict(c.split("=", 1) for c in out.split())
    assert code == 0
    assert clips["moi_cong_dan_co_so"] == str(mine)
    assert clips["den_quay_so"] == bundled["den_quay_so"]


def test_the_data_dir_may_come_before_the_command(
    demo_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(capsys, "--data-dir", str(demo_data_dir), "catalog", "search", "khai", "sinh")
    assert code == 0 and "Đăng ký khai sinh" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["voice", "say", "A012", "--counter", "3", "--volume", "9"], "không hiểu các tham số: --volume 9"),
        (["dossier", "list", "--status", "lost"], "tham số --status: giá trị không hợp lệ: 'lost' (chọn một trong:"),
        (["render", "receipt"], "thiếu các tham số bắt buộc: code, --out"),
        (["calendar", "due", "--working-days", "1", "--received", "x", "--procedure", "1"], "không dùng cùng được với tham số --working-days"),
        (["calendar", "due", "--received", "2026-11-30 09:00"], "cần một trong các tham số --procedure --working-days"),
        (["catalog", "search", "x", "--limit", "nhieu"], "tham số --limit: “nhieu” không phải là số nguyên từ 1 đến 10000"),
    ],
)
def test_bad_arguments_are_explained_in_vietnamese(
    capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(args)
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert words in err
    assert re.match("counter[ :]", err) and ": lỗi: " in err and err.count("\n") == 1  # one line
    assert "argument" not in err and "unrecognized" not in err and "invalid" not in err


def test_help_is_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["voice", "say", "--help"])
    out = capsys.readouterr().out
    assert "tham số theo vị trí" in out and "hiện hướng dẫn này rồi thoát" in out


def test_log_lines_are_in_vietnam_time_with_the_offset_whatever_the_pcs_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        log_path = configure_logging(tmp_path)
        assert log_path is not None
        before = datetime.now(VIETNAM_TIME)
        logging.getLogger("counter_app.test").warning("receipt printed")
        for handler in logging.getLogger().handlers:
            handler.flush()
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
        configure_logging(None)
    line = next(x for x in log_path.read_text(encoding="utf-8").splitlines() if "receipt printed" in x)
    stamp = re.match(r"(\S+) WARNING", line)
    assert stamp is not None, line
    logged = datetime.fromisoformat(stamp.group(1))
    assert stamp.group(1).endswith("+07:00")
    assert abs((logged - before).total_seconds()) < 5


def test_make_run_names_every_missing_qt_library_in_one_install_line() -> None:
    printed: list[str] = []
    missing = {"xcb-icccm", "xcb-keysyms"}  # what a bare Debian lacked; Qt blamed xcb-cursor0
    code = desktop_libs.check(
        find=lambda name: None if name in missing else f"lib{name}.so",
        environ={"DISPLAY": ":0"},
        out=printed.append,
    )
    assert code == 1
    (line,) = printed
    assert "libxcb-icccm4, libxcb-keysyms1)" in line
    assert "apt-get install libxcb-cursor0 libxcb-icccm4" in line and "libxkbcommon-x11-0" in line


def test_the_library_check_stays_quiet_offscreen_and_when_all_is_there() -> None:
    printed: list[str] = []
    assert desktop_libs.check(find=lambda _n: None, environ={"QT_QPA_PLATFORM": "offscreen"}, out=printed.append) == 0
    assert desktop_libs.check(find=lambda n: f"lib{n}.so", environ={"DISPLAY": ":0"}, out=printed.append) == 0
    assert printed == []
    assert os.environ.get("QT_QPA_PLATFORM") == "offscreen"  # the suite itself runs offscreen


def test_output_cut_short_by_head_is_not_an_error_with_a_traceback(demo_data_dir: Path) -> None:
    import subprocess
    import sys

    script = (
        f'"{sys.executable}" -m counter_app.cli catalog search thu tuc --limit 200 '
        f'--data-dir "{demo_data_dir}" | true'  # the reader is gone before the first line comes
    )
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr and "lỗi" not in done.stderr, done.stderr
    assert not list((demo_data_dir / "logs").glob("*.log")) or "Broken pipe" not in (
        demo_data_dir / "logs" / "counter.log"
    ).read_text(encoding="utf-8")
