"""I/O faults met while the store is in use (issue 9 §4): a full disk, a read-only file, two writers.

Each fault reaches the person as words with the action to take; nothing half-written stays in the
store; the same request works once the cause is gone.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from counter_app.bootstrap import open_services
from counter_app.domain.errors import DomainError
from counter_app.services.i18n import describe_error
from counter_app.storage.store import store_path
from tests.integration.test_store_opening import ROOT, _desk, _intake, _without_root_override

pytestmark = pytest.mark.usefixtures("vi")


class DiskLimit:
    """Every connection the services check out gets ``PRAGMA max_page_count``: SQLite then fails
    exactly as on a full disk (SQLITE_FULL, "database or disk is full") when the store must grow."""

    def __init__(self, engine: Any) -> None:
        self.pages: int | None = None
        event.listen(engine, "checkout", self._on_checkout)

    def _on_checkout(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        limit = 1 if self.pages is None else self.pages  # below the page count: set to the page count
        dbapi_connection.execute(f"PRAGMA max_page_count={limit}")

    def lift(self) -> None:
        self.pages = 1_073_741_823


def _rows(path: Path, sql: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def test_disk_full_during_an_intake_is_said_in_words_leaves_nothing_and_recovers(
    demo_data_dir: Path, clock  # type: ignore[no-untyped-def]
) -> None:
    path = store_path(demo_data_dir)
    services = open_services(demo_data_dir, clock=clock)
    desk = _desk(services)
    disk = DiskLimit(services.uow.engine)  # the store may not grow any more: the disk is full
    failure: DomainError | None = None
    for n in range(500):  # intakes go on until one needs a new page of the file
        request = _intake(services, f"full-{n}")
        dossiers_before = _rows(path, "SELECT count(*) FROM dossiers")
        outbox_before = _rows(path, "SELECT count(*) FROM outbox")
        try:
            services.dossiers.receive(request, desk)
        except DomainError as exc:
            failure = exc
            break
    else:  # pragma: no cover - the limit never bit
        pytest.fail("500 intakes fitted without the store growing")

    assert failure.code == "store.disk_full"
    words = describe_error(failure)
    assert "đã đầy" in words and "giải phóng dung lượng" in words and "thử lại" in words
    assert "database or disk is full" not in words
    assert _rows(path, "SELECT count(*) FROM dossiers") == dossiers_before  # nothing half-written
    assert _rows(path, "SELECT count(*) FROM outbox") == outbox_before

    disk.lift()  # space was freed
    result = services.dossiers.receive(request, desk)
    assert result.code
    assert _rows(path, "SELECT count(*) FROM dossiers") == dossiers_before + 1
    assert _rows(path, "SELECT count(*) FROM outbox") > outbox_before


_INTAKE_ON_A_READONLY_STORE = """
import sys
sys.path.insert(0, {root!r})
sys.path.insert(0, {tests!r})
from pathlib import Path
from conftest import FakeClock
from counter_app.services import i18n
i18n.locale_dir = lambda: Path({locale!r})
from counter_app.bootstrap import open_services
from counter_app.domain.errors import DomainError
from counter_app.services.i18n import describe_error
from counter_app.storage.store import store_path
from integration.test_store_opening import _desk, _intake
services = open_services(Path({data!r}), clock=FakeClock())
desk = _desk(services)
for f in Path({data!r}).glob("counter.sqlite3*"):
    f.chmod(0o444)  # the administrator (or a copy tool) made the store read-only while it was open
services.uow.engine.dispose()  # the next use opens the file again, as after a restart of the window
try:
    services.dossiers.receive(_intake(services, "ro-1"), desk)
except DomainError as exc:
    print(exc.code)
    print(describe_error(exc))
else:
    print("saved")
"""


@pytest.mark.skipif(sys.platform != "linux", reason="POSIX file modes (and Linux capabilities for root)")
def test_a_store_file_made_read_only_is_named_with_what_to_do(
    demo_data_dir: Path, compiled_locale: Path
) -> None:
    os.chmod(demo_data_dir, 0o777)
    script = textwrap.dedent(_INTAKE_ON_A_READONLY_STORE).format(
        root=str(ROOT), tests=str(ROOT / "tests"), locale=str(compiled_locale), data=str(demo_data_dir))
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          preexec_fn=_without_root_override)

    assert done.returncode == 0, done.stderr
    code, words = done.stdout.strip().split("\n", 1)
    assert code == "store.file_readonly", done.stdout
    assert "chỉ được đọc" in words and "readonly database" not in words
    assert "bị hỏng" not in words  # a sound store: never "restore a backup"
    assert _rows(store_path(demo_data_dir), "SELECT count(*) FROM dossiers WHERE request_key = 'ro-1'") == 0


def test_db_upgrade_on_a_full_disk_says_the_disk_is_full_not_damaged(
    demo_data_dir: Path, clock  # type: ignore[no-untyped-def]
) -> None:
    """`counter db upgrade` met a full disk and called the sound store "damaged, restore a backup"."""
    from sqlalchemy.engine import Engine

    from counter_app.storage import store as store_module
    from counter_app.storage.store import upgrade_store

    path = store_path(demo_data_dir)
    store_module._run_alembic(path, "downgrade", "0002")  # as an older release left it (no queue tables)
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")  # no free pages left over for the upgrade to reuse
    conn.close()
    before = _rows(path, "SELECT count(*) FROM dossiers")

    def full_disk(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA max_page_count=1")  # clamps to the current size: no page more

    event.listen(Engine, "connect", full_disk)
    try:
        with pytest.raises(DomainError) as raised:
            upgrade_store(demo_data_dir, now=clock.now(), create=False)
    finally:
        event.remove(Engine, "connect", full_disk)

    assert raised.value.code == "store.disk_full"
    words = describe_error(raised.value)
    assert "đã đầy" in words and "bị hỏng" not in words
    assert _rows(path, "SELECT count(*) FROM dossiers") == before  # nothing lost, the store still opens

    upgrade_store(demo_data_dir, now=clock.now(), create=False)  # space freed: the upgrade goes through
    assert _rows(path, "SELECT count(*) FROM dossiers") == before
