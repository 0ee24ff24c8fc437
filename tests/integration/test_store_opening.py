"""Opening the store (issue 9 §2): an empty file, a damaged page, rights, a full disk, a lost WAL.

Each case is refused before anything writes, the file is left byte for byte, and the words say
which cause it is and what to do (never "restore a backup" for a store that is only unreadable).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from counter_app.bootstrap import init_store, open_services
from counter_app.cli import main as counter
from counter_app.domain.errors import DomainError
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from counter_app.services.i18n import describe_error
from counter_app.storage import db as db_module
from counter_app.storage import store as store_module
from counter_app.storage.store import store_path

ROOT = Path(__file__).resolve().parents[2]
ELECTRICITY = "2.002180"
pytestmark = pytest.mark.usefixtures("vi")  # the catalog compiled from the .po under test


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _intake(services, key: str) -> IntakeRequest:  # type: ignore[no-untyped-def]
    procedure = services.guide_service.procedure(ELECTRICITY)
    return IntakeRequest(
        request_key=key, procedure_code=procedure.code, outcome=__import__(
            "counter_app.domain.dossier", fromlist=["Outcome"]).Outcome.COMPLETE,
        applicant_type="citizen", applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123",
        phone="0912345678", address_line="Số 5, đường Phan Đình Phùng",
        components=tuple(IntakeComponent(c.name, max(c.originals, 1 if c.required else 0), c.certified_copies,
                                         c.photocopies) for c in procedure.components),
        request_summary="Đề nghị cấp điện sinh hoạt cho hộ gia đình",
    )


def _desk(services) -> Desk:  # type: ignore[no-untyped-def]
    session = services.login("nv01", "demo123")
    counter_row = services.counters(session.centre_id)[0]
    return Desk(session.staff_id, session.full_name, session.centre_id, counter_row.id, counter_row.name)


def _run_cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = counter(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- a zero-byte store ----------------------------------------------------------------------------
def test_zero_byte_store_is_refused_kept_and_points_to_the_backups(
    tmp_path: Path, clock, capsys: pytest.CaptureFixture[str]  # type: ignore[no-untyped-def]
) -> None:
    path = store_path(tmp_path)
    path.write_bytes(b"")

    with pytest.raises(DomainError) as opening:
        open_services(tmp_path, clock=clock)  # the app starting
    words = describe_error(opening.value)
    assert "tệp rỗng" in words and "backups" in words and "counter restore" in words
    with pytest.raises(DomainError):
        init_store(tmp_path, demo=True, clock=clock)  # `counter init` does not make a new store of it either
    code, out, err = _run_cli("db", "check", "--data-dir", str(tmp_path), capsys=capsys)
    assert code == 1 and "tệp rỗng" in err and "OK" not in out

    assert path.read_bytes() == b""  # kept, byte for byte
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("counter")) == ["counter.sqlite3"]


# -- a page damaged in the middle ------------------------------------------------------------------
def _damage_a_page_in_the_middle(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'procedures'").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    assert 1 < root < pages
    with path.open("r+b") as f:  # the b-tree page of a table read at every intake: its header scrambled
        f.seek((root - 1) * page_size)
        f.write(b"\x0d\xff\xff\xff\xff\x7f\xff\xff" * 8)


def test_store_damaged_in_the_middle_is_refused_at_opening_and_not_written(
    demo_data_dir: Path, clock, capsys: pytest.CaptureFixture[str]  # type: ignore[no-untyped-def]
) -> None:
    path = store_path(demo_data_dir)
    _damage_a_page_in_the_middle(path)
    before = _digest(path)

    with pytest.raises(DomainError) as opening:
        open_services(demo_data_dir, clock=clock)
    assert opening.value.code == "store.corrupt"
    assert "bị hỏng" in describe_error(opening.value)
    code, _out, err = _run_cli("dossier", "list", "--status", "received", "--data-dir", str(demo_data_dir),
                               capsys=capsys)
    assert code == 1 and "bị hỏng" in err
    assert _digest(path) == before  # nothing wrote into the damaged store


# -- rights, read-only file, full disk: told apart from damage -------------------------------------
_CLI_WITH_LOCALE = """
import sys
from pathlib import Path
from counter_app.services import i18n
i18n.locale_dir = lambda: Path({locale!r})
from counter_app.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _without_root_override() -> None:
    """In the child: root loses the right to ignore file modes (as any clerk's account has)."""
    if os.geteuid() == 0:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP, effective at exec
                raise OSError(ctypes.get_errno(), "prctl")


def _cli_as_a_clerk(locale: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _CLI_WITH_LOCALE.format(locale=str(locale)), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120, preexec_fn=_without_root_override,
    )


@pytest.mark.skipif(sys.platform != "linux", reason="POSIX file modes (and Linux capabilities for root)")
@pytest.mark.parametrize(
    ("mode", "expected"), [(0o000, "không có quyền đọc"), (0o444, "chỉ được đọc")], ids=["no-rights", "read-only"],
)
def test_rights_problems_are_not_called_damage(
    demo_data_dir: Path, compiled_locale: Path, mode: int, expected: str
) -> None:
    path = store_path(demo_data_dir)
    for f in demo_data_dir.glob("counter.sqlite3*"):
        f.chmod(mode)
    before = _digest(path)

    done = _cli_as_a_clerk(compiled_locale, "dossier", "list", "--status", "received", "--data-dir",
                           str(demo_data_dir))

    assert done.returncode == 1, done.stderr
    assert expected in done.stderr
    assert "bị hỏng" not in done.stderr and "khôi phục bản sao lưu mới nhất" not in done.stderr
    assert "đừng khôi phục" in done.stderr  # the advice is the opposite: the store is sound
    assert "Traceback" not in done.stderr
    assert _digest(path) == before


def test_full_disk_at_opening_is_said_in_words(
    demo_data_dir: Path, clock, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    before = _digest(store_path(demo_data_dir))
    monkeypatch.setattr(store_module, "free_bytes", lambda folder: 12 * 1024, raising=False)  # the disk has 12 KB left
    with pytest.raises(DomainError) as opening:
        open_services(demo_data_dir, clock=clock)
    assert opening.value.code == "store.disk_full"
    words = describe_error(opening.value)
    assert "đã đầy" in words and "giải phóng dung lượng" in words
    assert "bị hỏng" not in words
    assert _digest(store_path(demo_data_dir)) == before


# -- a WAL deleted after a crash -------------------------------------------------------------------
_INTAKE_THEN_CRASH = """
import os, sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from conftest import FakeClock
from integration.test_store_opening import _desk, _intake
from counter_app.bootstrap import open_services
services = open_services(Path({data!r}), clock=FakeClock())
result = services.dossiers.receive(_intake(services, "crash-1"), _desk(services))
print(result.code, flush=True)
os._exit(0)  # the power goes: no close, no checkpoint
"""


def test_deleted_wal_after_a_crash_is_refused_so_no_code_is_given_twice(
    demo_data_dir: Path, clock  # type: ignore[no-untyped-def]
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_INTAKE_THEN_CRASH).format(tests=str(ROOT / "tests"),
                                                                         data=str(demo_data_dir))],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    given_code = done.stdout.split()[-1]  # the code printed on the citizen's receipt
    path = store_path(demo_data_dir)
    wal = path.with_name(path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    wal.unlink()  # someone "cleans up" after the crash
    path.with_name(path.name + "-shm").unlink(missing_ok=True)
    before = _digest(path)

    with pytest.raises(DomainError) as opening:
        open_services(demo_data_dir, clock=clock)
    words = describe_error(opening.value)
    assert opening.value.code == "store.lost_changes"
    assert "-wal" in words and "thiếu" in words
    assert _digest(path) == before  # refused before anything was written

    # support checks, accepts the loss on purpose by removing the mark: the store opens again
    store_module.mark_path(path).unlink()
    services = open_services(demo_data_dir, clock=clock)
    assert services.dossiers.receive(_intake(services, "after"), _desk(services)).code == given_code


def test_writes_reach_the_store_file_when_the_counter_is_idle(
    demo_data_dir: Path, clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    """After a pause the main file alone holds the intake: a WAL lost later loses nothing."""
    monkeypatch.setattr(db_module, "IDLE_CHECKPOINT_S", 0.2, raising=False)
    services = open_services(demo_data_dir, clock=clock)
    code = services.dossiers.receive(_intake(services, "idle"), _desk(services)).code
    deadline = time.monotonic() + 10
    alone = tmp_path / "main-file-only"
    alone.mkdir()
    found = 0
    while time.monotonic() < deadline and not found:
        time.sleep(0.3)
        shutil.copy2(store_path(demo_data_dir), alone / "counter.sqlite3")  # the main file, no WAL
        conn = sqlite3.connect(alone / "counter.sqlite3")
        found = conn.execute("SELECT count(*) FROM dossiers WHERE code = ?", (code,)).fetchone()[0]
        conn.close()
    assert found == 1


@pytest.mark.parametrize(
    ("error", "expected", "code"),
    [(30, "ổ đĩa chỉ đọc", "store.readonly_medium"),  # EROFS: a disk mounted read-only after an error
     (28, "đã đầy", "store.disk_full")],  # ENOSPC: not even one block can be written
    ids=["read-only-disk", "disk-full"],
)
def test_a_disk_that_refuses_writes_is_named_not_called_damage(
    demo_data_dir: Path, clock, monkeypatch: pytest.MonkeyPatch, error: int, expected: str, code: str  # type: ignore[no-untyped-def]
) -> None:
    before = _digest(store_path(demo_data_dir))

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(store_module.tempfile, "NamedTemporaryFile", refuse)  # the data folder's write probe
    with pytest.raises(DomainError) as opening:
        open_services(demo_data_dir, clock=clock)
    assert opening.value.code == code
    words = describe_error(opening.value)
    assert expected in words and "bị hỏng" not in words
    assert _digest(store_path(demo_data_dir)) == before
