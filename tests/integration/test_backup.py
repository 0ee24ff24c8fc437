"""Backups and restore (issue 9 §3): `counter backup` / `counter restore` on a real store in use."""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_store_opening import _CLI_WITH_LOCALE, ROOT, _desk, _intake

from counter_app.bootstrap import init_store, open_services, settings_path
from counter_app.cli import main as counter
from counter_app.services.settings import Settings, save_settings
from counter_app.storage.store import store_path

pytestmark = pytest.mark.usefixtures("vi")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = counter(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _codes(path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT code FROM dossiers")}
    finally:
        conn.close()


def _received(services, key: str) -> str:  # type: ignore[no-untyped-def]
    return services.dossiers.receive(_intake(services, key), _desk(services)).code


def test_backup_while_the_counter_works_holds_the_last_intake_and_keeps_n_generations(
    services, demo_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]  # type: ignore[no-untyped-def]
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    save_settings(settings_path(), Settings(backup_keep=2))
    code = _received(services, "b1")  # committed, still in the WAL: the counter is open

    made = []
    for _ in range(3):
        status, out, err = _cli(capsys, "backup", "--to", str(usb), "--data-dir", str(demo_data_dir))
        assert status == 0, err
        assert "Đã ghi và kiểm tra bản sao lưu" in out
        made.append(Path(out.strip().split(": ", 1)[1]))
        time.sleep(0.01)

    left = sorted(usb.iterdir())
    assert left == sorted(made[1:])  # the two newest generations, nothing else (no .partial)
    newest = made[-1]
    assert code in _codes(newest)
    assert not newest.with_name(newest.name + "-wal").exists()  # one self-contained file
    assert sqlite3.connect(newest).execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_daily_backup_goes_to_the_configured_folder_once_a_day(
    demo_data_dir: Path, tmp_path: Path, clock  # type: ignore[no-untyped-def]
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    save_settings(settings_path(), Settings(backup_dir=str(usb)))
    open_services(demo_data_dir, clock=clock, daily_backup=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(usb.glob("*.sqlite3")):
        time.sleep(0.05)
    first = list(usb.glob("*.sqlite3"))
    assert [p.name for p in first] == [f"counter-{clock.now():%Y%m%d-%H%M%S}-daily.sqlite3"]
    clock.advance(hours=3)
    open_services(demo_data_dir, clock=clock, daily_backup=True)  # same day: no second copy
    time.sleep(0.3)
    assert list(usb.glob("*.sqlite3")) == first


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))  # the disk fills after 256 KB


def test_backup_on_a_full_disk_leaves_no_partial_file_and_says_so(
    demo_data_dir: Path, tmp_path: Path, compiled_locale: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    assert store_path(demo_data_dir).stat().st_size > 512 * 1024
    done = subprocess.run(
        [sys.executable, "-c", _CLI_WITH_LOCALE.format(locale=str(compiled_locale)),
         "backup", "--to", str(usb), "--data-dir", str(demo_data_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, preexec_fn=_limit_file_size,
        env=dict(os.environ),
    )
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Không ghi được bản sao lưu" in done.stderr
    assert "Không để lại tệp dở dang" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert list(usb.iterdir()) == []  # no .partial, no journal


def test_restore_refuses_to_lose_unsent_changes_then_keeps_the_current_store_aside(
    services, demo_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], clock  # type: ignore[no-untyped-def]
) -> None:
    before = _received(services, "r1")
    status, out, _err = _cli(capsys, "backup", "--to", str(tmp_path), "--data-dir", str(demo_data_dir))
    backup = Path(out.strip().split(": ", 1)[1])
    after = _received(services, "r2")  # not in the backup, not sent to the server
    services.uow.engine.dispose()  # the counter is closed for the restore
    store = store_path(demo_data_dir)

    status, out, err = _cli(capsys, "restore", str(backup), "--data-dir", str(demo_data_dir))
    assert status == 1
    assert "chưa gửi lên máy chủ" in err and "--force" in err
    count = int(err.split("có ")[1].split(" thay đổi")[0])
    assert count >= 1
    assert after in _codes(store)  # nothing changed

    status, out, err = _cli(capsys, "restore", str(backup), "--force", "--data-dir", str(demo_data_dir))
    assert status == 0, err
    assert "Đã khôi phục kho dữ liệu" in out and "được cất giữ tại" in out
    kept = Path(out.strip().splitlines()[-1].split(" tại ", 1)[1])
    assert after in _codes(kept) and before in _codes(kept)  # the replaced store is kept, whole
    assert _codes(store) == _codes(backup)
    reopened = open_services(demo_data_dir, clock=clock)  # the restored store opens (its mark follows it)
    assert reopened.dossiers.find(before, _desk(reopened)).code == before


def test_restore_refuses_a_backup_of_another_computer_unless_forced(
    demo_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], clock  # type: ignore[no-untyped-def]
) -> None:
    other = tmp_path / "other-pc"
    init_store(other, demo=False, clock=clock)
    status, out, _err = _cli(capsys, "backup", "--to", str(tmp_path), "--data-dir", str(other))
    foreign = Path(out.strip().split(": ", 1)[1])
    mine = _codes(store_path(demo_data_dir))

    status, _out, err = _cli(capsys, "restore", str(foreign), "--data-dir", str(demo_data_dir))
    assert status == 1 and "của máy khác" in err
    assert _codes(store_path(demo_data_dir)) == mine

    status, _out, err = _cli(capsys, "restore", str(foreign), "--force", "--data-dir", str(demo_data_dir))
    assert status == 0, err


def test_restore_after_a_disk_failure(
    services, demo_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], clock  # type: ignore[no-untyped-def]
) -> None:
    """The old disk died: a new data folder, the backup from the USB disk, the counter works again."""
    code = _received(services, "d1")
    _cli(capsys, "backup", "--to", str(tmp_path), "--data-dir", str(demo_data_dir))
    backup = next(tmp_path.glob("counter-*-daily.sqlite3"))
    new_disk = tmp_path / "new-disk" / "data"

    status, out, err = _cli(capsys, "restore", str(backup), "--data-dir", str(new_disk))
    assert status == 0, err
    restored = open_services(new_disk, clock=clock)
    assert restored.dossiers.find(code, _desk(restored)).code == code
    assert _received(restored, "d2") != code  # the next intake gets a new code


def test_restore_of_a_file_that_is_not_a_backup_changes_nothing(
    demo_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "photo.sqlite3"
    junk.write_bytes(b"not a store" * 50)
    mine = _codes(store_path(demo_data_dir))
    status, _out, err = _cli(capsys, "restore", str(junk), "--data-dir", str(demo_data_dir))
    assert status == 1 and "không phải bản sao lưu nguyên vẹn" in err
    assert _codes(store_path(demo_data_dir)) == mine
