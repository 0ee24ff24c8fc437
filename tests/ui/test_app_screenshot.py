"""`counter-app --screenshot`: renders the counter window on a store to a PNG of the asked size."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from counter_app.ui import app
from counter_app.ui.counter_role import StoreOpenFailed
from tests.fakes import FakeCounterAppServices

ROOT = Path(__file__).resolve().parents[2]


def _distinct_colours(path: Path) -> int:
    with Image.open(path) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24)
    assert colours is not None
    return len(colours)


def _run_app(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "counter_app.ui.app", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


@pytest.fixture
def no_global_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs must not replace pytest-qt's exception and message hooks."""
    monkeypatch.setattr(app, "install_error_hooks", lambda **_kwargs: None)


@pytest.mark.usefixtures("qapp", "no_global_hooks")
def test_screenshot_of_the_fake_store_has_the_asked_size_and_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = FakeCounterAppServices(tmp_path / "data")
    monkeypatch.setattr(app, "open_store", lambda _options: services)
    out = tmp_path / "shots" / "counter.png"

    code = app.main(["--screenshot", str(out), "--size", "1024x700"])

    assert code == 0
    with Image.open(out) as image:
        assert image.size == (1024, 700)
    assert _distinct_colours(out) > 50  # text, table, appointment box — not a blank window
    assert services.guide_calls >= 1  # the first "khai sinh" result was opened


@pytest.mark.usefixtures("qapp", "no_global_hooks")
def test_screenshot_of_a_store_that_fails_prints_one_line_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from counter_app.domain.errors import DomainError

    def fail(_options: object) -> object:
        raise StoreOpenFailed(tmp_path, DomainError("store.locked"))

    monkeypatch.setattr(app, "open_store", fail)

    code = app.main(["--screenshot", str(tmp_path / "x.png")])

    assert code == 1  # a store problem, as `counter` says it (README)
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["counter-app: " + " ".join(app.store_error_text(DomainError("store.locked")).split())]
    assert not (tmp_path / "x.png").exists()


@pytest.mark.slow
def test_counter_app_screenshot_command_on_the_demo_store(demo_data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "counter.png"

    result = _run_app("--data-dir", str(demo_data_dir), "--screenshot", str(out), "--size", "1366x768")

    assert result.returncode == 0, result.stderr
    with Image.open(out) as image:
        assert image.size == (1366, 768)
    assert _distinct_colours(out) > 100


@pytest.mark.slow
def test_counter_app_screenshot_without_a_store_says_why_in_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co"

    result = _run_app("--data-dir", str(missing), "--screenshot", str(tmp_path / "x.png"))

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("counter-app: Không tìm thấy kho dữ liệu")
    assert str(missing) in lines[0]
    assert not missing.exists()  # looking did not create the folder


@pytest.mark.usefixtures("vi")
def test_bad_size_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        app.main(["--screenshot", "x.png", "--size", "big"])

    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "tham số --size: “big” không phải là kích thước dạng 1366x768" in err
    assert "error" not in err and "usage" not in err


@pytest.mark.usefixtures("vi")
def test_bad_role_is_explained_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        app.main(["--role", "tv"])

    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "counter-app: lỗi: tham số --role: giá trị không hợp lệ: 'tv'" in err
    assert err.startswith("cách dùng: counter-app")


def test_roles_plug_in_by_name() -> None:
    assert "counter" in app.ROLES
    assert app.build_parser().parse_args([]).role == "counter"


def test_a_working_window_makes_today_s_backup_and_a_screenshot_does_not(demo_data_dir: Path) -> None:
    import threading

    working = app.launch_options(app.build_parser().parse_args(["--data-dir", str(demo_data_dir), "--role", "kiosk"]))
    picture = app.launch_options(app.build_parser().parse_args(["--data-dir", str(demo_data_dir), "--screenshot", "x.png"]))
    assert working.daily_backup and not picture.daily_backup

    app.open_store(working)
    for worker in threading.enumerate():
        if worker.name == "daily-backup":
            worker.join(30)

    backups = list((demo_data_dir / "backups").glob("counter-*-daily*.sqlite3"))
    assert len(backups) == 1, backups
    assert backups[0].read_bytes()[:16] == b"SQLite format 3\x00"
