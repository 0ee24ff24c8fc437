"""Life of the store file: locate, check, back up, migrate (Alembic), refuse newer schemas."""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from counter_app.domain.errors import DomainError

STORE_FILE = "counter.sqlite3"
BACKUP_DIR = "backups"
_log = logging.getLogger(__name__)


def migrations_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "migrations"
    return Path(__file__).resolve().parents[2] / "migrations"


def store_path(data_dir: Path) -> Path:
    return Path(data_dir) / STORE_FILE


@dataclass(frozen=True, slots=True)
class StoreCheck:
    path: Path
    revision: str | None
    head: str
    integrity: tuple[str, ...]  # ("ok",) when sound
    foreign_key_problems: int
    journal_mode: str

    @property
    def ok(self) -> bool:
        return self.integrity == ("ok",) and self.foreign_key_problems == 0 and self.revision == self.head


def ensure_data_dir(data_dir: Path, *, create: bool) -> None:
    """The data dir exists and is writable, or a DomainError says why."""
    data_dir = Path(data_dir)
    if not data_dir.exists():
        if not create:
            raise DomainError("store.missing", path=str(data_dir))
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DomainError("store.readonly", path=str(data_dir), reason=_os_reason(exc)) from exc
    if not data_dir.is_dir():
        raise DomainError("store.not_a_directory", path=str(data_dir))
    try:
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise DomainError("store.readonly", path=str(data_dir), reason=_os_reason(exc)) from exc


def _os_reason(exc: OSError) -> str:
    """The errno name (EACCES, EROFS …) that the message catalog words for people."""
    return errno.errorcode.get(exc.errno or 0, exc.strerror or str(exc))


def _connect_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)


def read_revision(path: Path) -> str | None:
    """The Alembic revision stamped in the store, without writing to it."""
    try:
        conn = _connect_readonly(path)
    except sqlite3.Error as exc:
        raise DomainError("store.corrupt", path=str(path), reason=str(exc)) from exc
    try:
        tables = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        }
        if "alembic_version" not in tables:
            if tables - {"sqlite_sequence"}:
                raise DomainError("store.foreign_file", path=str(path))
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise DomainError("store.locked", path=str(path)) from exc
        raise DomainError("store.corrupt", path=str(path), reason=str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise DomainError("store.corrupt", path=str(path), reason=str(exc)) from exc
    finally:
        conn.close()


def _script_directory():  # type: ignore[no-untyped-def]
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(migrations_dir()))


def head_revision() -> str:
    head = _script_directory().get_current_head()
    assert head is not None, "migrations have no head"
    return head


def backup_store(path: Path, *, now: datetime, label: str) -> Path:
    """Copy the store with SQLite's online backup (safe with WAL) into data_dir/backups/."""
    backups = path.parent / BACKUP_DIR
    backups.mkdir(exist_ok=True)
    target = backups / f"{path.stem}-{now:%Y%m%d-%H%M%S}-{label}.sqlite3"
    n = 1
    while target.exists():
        n += 1
        target = backups / f"{path.stem}-{now:%Y%m%d-%H%M%S}-{label}-{n}.sqlite3"
    partial = target.with_suffix(".partial")
    src = _connect_readonly(path)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(partial, target)
    _log.info("store backed up to %s", target)
    return target


def upgrade_store(data_dir: Path, *, now: datetime, create: bool) -> tuple[Path, Path | None]:
    """Bring the store to the head schema; returns (store path, backup path or None).

    A store stamped with a revision these migrations don't know was written by a newer
    version of the app: it is refused and left untouched.
    """
    ensure_data_dir(data_dir, create=create)
    path = store_path(data_dir)
    if not path.exists():
        if not create:
            raise DomainError("store.missing", path=str(path))
        revision = None
    else:
        revision = read_revision(path)
    script = _script_directory()
    head = script.get_current_head()
    if revision == head:
        return path, None
    if revision is not None:
        from alembic.util import CommandError

        try:
            script.get_revision(revision)
        except CommandError:
            raise DomainError("store.newer_schema", path=str(path), found=revision, supported=head) from None
    backup = backup_store(path, now=now, label=f"before-{head}") if revision is not None else None
    _run_alembic(path, "upgrade", "head")
    return path, backup


def _run_alembic(path: Path, command_name: str, target: str) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, event

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    # Migrations run with foreign keys off (batch mode rebuilds tables), then are checked.
    engine = create_engine(f"sqlite+pysqlite:///{path}", connect_args={"timeout": 5})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=FULL")
        dbapi_connection.execute("PRAGMA busy_timeout=5000")

    from sqlalchemy.exc import OperationalError

    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            getattr(command, command_name)(cfg, target)
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise DomainError("store.migration_broke_references", count=len(problems))
    except OperationalError as exc:
        if "locked" in str(exc):
            raise DomainError("store.locked", path=str(path)) from exc
        raise DomainError("store.corrupt", path=str(path), reason=str(exc.orig)) from exc
    finally:
        engine.dispose()


def check_store(data_dir: Path) -> StoreCheck:
    """Full integrity check and schema version, read-only (for `counter db check`)."""
    path = store_path(data_dir)
    if not path.exists():
        raise DomainError("store.missing", path=str(path))
    revision = read_revision(path)
    conn = _connect_readonly(path)
    try:
        integrity = tuple(r[0] for r in conn.execute("PRAGMA integrity_check").fetchall())
        fk = len(conn.execute("PRAGMA foreign_key_check").fetchall())
        journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise DomainError("store.corrupt", path=str(path), reason=str(exc)) from exc
    finally:
        conn.close()
    return StoreCheck(path, revision, head_revision(), integrity, fk, journal)
