"""Private by default (issue 9 §6): the store, backups, prints and logs are this account's only,
`db check` warns when they are not, and what the command line echoes carries no control characters."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from test_store_opening import _desk, _intake

from counter_app.bootstrap import open_services
from counter_app.cli import main as counter
from counter_app.storage.store import store_path

pytestmark = [
    pytest.mark.usefixtures("vi"),
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes; Windows keeps the user's own folder"),
]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The PC's umask lets everyone read new files (022), as on a stock Linux desktop."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_a_new_store_its_logs_backups_and_prints_are_this_accounts_only(
    tmp_path: Path, open_umask: None, capsys: pytest.CaptureFixture[str], clock  # type: ignore[no-untyped-def]
) -> None:
    data = tmp_path / "data"
    assert counter(["init", "--data-dir", str(data)]) == 0
    assert counter(["backup", "--data-dir", str(data)]) == 0
    open_services(data, clock=clock)  # the counter starts: its prints folder is made
    capsys.readouterr()

    assert _mode(data) == 0o700
    for f in data.glob("counter.sqlite3*"):
        assert _mode(f) == 0o600, f
    assert _mode(data / "logs") == 0o700
    assert _mode(data / "logs" / "counter.log") == 0o600
    backups = list((data / "backups").glob("*.sqlite3"))
    assert backups and all(_mode(b) == 0o600 for b in backups)
    assert _mode(data / "backups") == 0o700
    assert _mode(data / "prints") == 0o700  # printed documents land in a folder only this account opens

    day = data / "prints" / "2026-11-30"
    day.mkdir()  # a printer's own day folder and file, with the umask's modes (0755 / 0644) ...
    (day / "bien-nhan.pdf").write_bytes(b"%PDF-1.4")
    assert counter(["db", "check", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "Cảnh báo" not in out  # ... cannot be reached inside the private data folder: no warning


def test_db_check_warns_about_a_store_other_accounts_can_read(
    demo_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo_data_dir.chmod(0o755)
    store_path(demo_data_dir).chmod(0o644)  # as the store used to be made

    assert counter(["db", "check", "--data-dir", str(demo_data_dir)]) == 0
    out = capsys.readouterr().out
    warnings = [line for line in out.splitlines() if line.startswith("Cảnh báo")]
    assert any(str(store_path(demo_data_dir)) in line and "644" in line for line in warnings)
    assert any(f"{demo_data_dir} " in line and "755" in line for line in warnings)
    assert "dữ liệu cá nhân" in out and "chmod 700" in out


def test_control_characters_in_stored_names_are_not_echoed(
    services, demo_data_dir: Path, capsys: pytest.CaptureFixture[str]  # type: ignore[no-untyped-def]
) -> None:
    """A name typed with a right-to-left override (or an escape sequence) is shown as plain letters."""
    desk = _desk(services)
    tricky = "Lê\u202eVăn\u2066 Tám\x1b[2J\u200f"
    code = services.dossiers.receive(replace(_intake(services, "rlo"), applicant_name=tricky), desk).code
    capsys.readouterr()

    assert counter(["dossier", "show", code, "--data-dir", str(demo_data_dir)]) == 0
    shown = capsys.readouterr().out
    assert counter(["dossier", "list", "--status", "received", "--data-dir", str(demo_data_dir)]) == 0
    listed = capsys.readouterr().out

    for out in (shown, listed):
        assert "LêVăn Tám[2J" in out
        for bad in ("\u202e", "\u2066", "\x1b", "\u200f"):
            assert bad not in out



def test_on_windows_the_data_folder_gets_an_access_list_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """POSIX modes mean nothing on Windows: there the folder is made private with icacls (no
    inheritance from a shared parent; this account, SYSTEM and Administrators only)."""
    from counter_app.storage import store as store_module

    made_private: list[tuple[Path, bool]] = []
    monkeypatch.setattr(store_module, "_private_acl", lambda path, *, directory: made_private.append((path, directory)))
    monkeypatch.setattr(store_module.os, "name", "nt")
    store_module.private_mode(tmp_path, directory=True)
    store_module.private_mode(tmp_path / "counter.sqlite3")
    monkeypatch.undo()
    assert made_private == [(tmp_path, True), (tmp_path / "counter.sqlite3", False)]

    ran: list[list[str]] = []

    class Done:
        returncode, stdout, stderr = 0, "processed 1 files", ""

    monkeypatch.setenv("USERNAME", "buudien01")
    monkeypatch.setenv("USERDOMAIN", "TTPVHCC")
    store_module._private_acl(tmp_path, directory=True, run=lambda command, **_: ran.append(command) or Done())
    assert ran == [[
        "icacls", str(tmp_path), "/inheritance:r",
        "/grant:r", "TTPVHCC\\buudien01:(OI)(CI)F",
        "/grant:r", "*S-1-5-18:(OI)(CI)F",  # SYSTEM, by its SID: the same on a Vietnamese Windows
        "/grant:r", "*S-1-5-32-544:(OI)(CI)F",  # Administrators
    ]]


def test_a_failed_icacls_is_said_in_the_log_and_the_store_still_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from counter_app.storage import store as store_module

    class Refused:
        returncode, stdout, stderr = 5, "", "Access is denied."

    monkeypatch.setenv("USERNAME", "buudien01")
    store_module._private_acl(tmp_path, directory=True, run=lambda command, **_: Refused())
    assert "cannot make" in caplog.text and "Access is denied." in caplog.text
