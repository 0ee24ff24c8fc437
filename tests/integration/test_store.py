"""The store file on a real disk: pragmas, migrations vs models, backups, refusals that touch nothing."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from counter_app.bootstrap import init_store, open_services
from counter_app.domain.errors import DomainError
from counter_app.services.i18n import describe_error
from counter_app.storage import store as store_module
from counter_app.storage.db import make_engine
from counter_app.storage.store import check_store, head_revision, store_path, upgrade_store


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_engine_sets_the_durability_pragmas(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "x.sqlite3")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    engine.dispose()


def test_writes_take_the_lock_at_begin(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: a second writer is refused at BEGIN, not half-way through its work."""
    path = tmp_path / "x.sqlite3"
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x)")
    other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    with engine.begin() as conn:
        conn.execute(text("SELECT 1"))  # transaction open, write lock held
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.close()
    engine.dispose()


def test_migrations_match_the_models(tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from counter_app.storage.models import Base

    path, _ = upgrade_store(tmp_path, now=clock.now(), create=True)
    engine = make_engine(path)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_new_store_is_at_head_and_checks_clean(demo_data_dir: Path) -> None:
    check = check_store(demo_data_dir)
    assert check.revision == head_revision()
    assert check.integrity == ("ok",)
    assert check.foreign_key_problems == 0
    assert check.ok


def test_init_twice_overwrites_nothing(demo_data_dir: Path, clock) -> None:  # type: ignore[no-untyped-def]
    before = sqlite3.connect(store_path(demo_data_dir)).execute("SELECT count(*) FROM procedures").fetchone()[0]
    result = init_store(demo_data_dir, demo=True, clock=clock)
    after = sqlite3.connect(store_path(demo_data_dir)).execute("SELECT count(*) FROM procedures").fetchone()[0]
    assert not result.created and not result.seeded
    assert before == after > 60


def test_store_from_a_newer_version_is_refused_and_untouched(demo_data_dir: Path, clock) -> None:  # type: ignore[no-untyped-def]
    path = store_path(demo_data_dir)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(DomainError) as caught:
        open_services(demo_data_dir, clock=clock)
    assert caught.value.code == "store.newer_schema"
    assert "phiên bản mới hơn" in describe_error(caught.value)
    assert _digest(path) == before
    assert not (demo_data_dir / "backups").exists()


def test_corrupted_store_is_reported_and_untouched(tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    path = store_path(tmp_path)
    path.write_bytes(b"this is not sqlite" * 100)
    before = _digest(path)
    with pytest.raises(DomainError) as caught:
        open_services(tmp_path, clock=clock)
    assert caught.value.code == "store.corrupt"
    assert "bị hỏng" in describe_error(caught.value)
    assert _digest(path) == before


def test_missing_store_says_how_to_create_one(tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        open_services(tmp_path / "nowhere", clock=clock)
    assert caught.value.code == "store.missing"
    assert "counter init" in describe_error(caught.value)


def test_unwritable_data_dir_is_reported(tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(DomainError) as caught:
        init_store(blocker / "data", demo=False, clock=clock)
    assert caught.value.code == "store.readonly"
    message = describe_error(caught.value)
    assert message.startswith("Không ghi được vào thư mục dữ liệu")
    assert "không phải thư mục" in message  # the reason in words, not "Not a directory"


def test_upgrade_backs_up_first_and_keeps_the_data(
    demo_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock  # type: ignore[no-untyped-def]
) -> None:
    """A later migration (made here) runs on a copy-protected store: dated backup, data kept."""
    migrations = tmp_path / "migrations"
    shutil.copytree(store_module.migrations_dir(), migrations)
    head = head_revision()
    (migrations / "versions" / "9001_test_note.py").write_text(
        f'''"""test: add a note to counters"""
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("counters") as batch:
        batch.add_column(sa.Column("note", sa.String(50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("counters") as batch:
        batch.drop_column("note")
''',
        encoding="utf-8",
    )
    monkeypatch.setattr(store_module, "migrations_dir", lambda: migrations)
    path = store_path(demo_data_dir)
    counters_before = sqlite3.connect(path).execute("SELECT count(*) FROM counters").fetchone()[0]

    upgraded, backup = upgrade_store(demo_data_dir, now=clock.now(), create=False)

    assert backup is not None and backup.exists()
    assert backup.parent == demo_data_dir / "backups"
    assert clock.now().strftime("%Y%m%d") in backup.name
    old = sqlite3.connect(backup)
    assert old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
    assert old.execute("SELECT count(*) FROM counters").fetchone()[0] == counters_before
    new = sqlite3.connect(upgraded)
    assert new.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9001"
    assert new.execute("SELECT count(*) FROM counters WHERE note IS NULL").fetchone()[0] == counters_before
    assert new.execute("PRAGMA foreign_key_check").fetchall() == []


def test_store_busy_in_another_program_is_said_in_words(demo_data_dir: Path, clock) -> None:  # type: ignore[no-untyped-def]
    services = open_services(demo_data_dir, clock=clock, busy_timeout_ms=200)
    other = sqlite3.connect(store_path(demo_data_dir), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with pytest.raises(DomainError) as caught:
            services.login("nv01", "demo123")  # a login writes (last login time)
        assert caught.value.code == "store.locked"
        assert "chương trình khác" in describe_error(caught.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert services.login("nv01", "demo123").username == "nv01"  # and works again afterwards
