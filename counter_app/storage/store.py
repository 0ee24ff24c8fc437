"""Life of the store file: locate, check, back up, migrate (Alembic), refuse newer schemas."""

from __future__ import annotations

import contextlib
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


MIN_FREE_BYTES = 1 << 20  # below this the store cannot even grow its journal: "disk full" before a write fails


def ensure_data_dir(data_dir: Path, *, create: bool) -> None:
    """The data dir exists and is writable, or a DomainError says why (and what to do)."""
    data_dir = Path(data_dir)
    if not data_dir.exists():
        if not create:
            raise DomainError("store.missing", path=str(data_dir))
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _folder_error(data_dir, exc) from exc
    if not data_dir.is_dir():
        raise DomainError("store.not_a_directory", path=str(data_dir))
    try:
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".write-test-") as probe:
            probe.write(b"\0" * 4096)  # a block, not just an inode: a full disk fails here
            probe.flush()
    except OSError as exc:
        raise _folder_error(data_dir, exc) from exc
    if free_bytes(data_dir) < MIN_FREE_BYTES:
        raise DomainError("store.disk_full", path=str(data_dir))


def free_bytes(folder: Path) -> int:
    """Bytes this account may still write on the disk of ``folder``."""
    try:
        stats = os.statvfs(folder)
    except (AttributeError, OSError):  # Windows has no statvfs
        import shutil

        return shutil.disk_usage(folder).free
    return stats.f_bavail * stats.f_frsize


def _folder_error(folder: Path, exc: OSError) -> DomainError:
    """A folder that cannot be written: full disk, read-only medium or missing rights, each in its words."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DomainError("store.disk_full", path=str(folder))
    if exc.errno == errno.EROFS:
        return DomainError("store.readonly_medium", path=str(folder))
    return DomainError("store.readonly", path=str(folder), reason=_os_reason(exc))


def check_store_file(path: Path, *, write: bool = True) -> None:
    """Refuse, before SQLite touches it, a store file this account cannot use or that is empty.

    SQLite would report a file it may not open as "unable to open database file" (read as
    damaged) and would quietly make a new store of a zero-byte file; both are told apart here.
    """
    try:
        fd = os.open(path, os.O_RDWR if write else os.O_RDONLY)
    except OSError as exc:
        if exc.errno == errno.EROFS:
            raise DomainError("store.readonly_medium", path=str(path)) from exc
        if exc.errno not in (errno.EACCES, errno.EPERM) or not write:
            if not write and exc.errno in (errno.EACCES, errno.EPERM):
                raise DomainError("store.no_permission", path=str(path)) from exc
            raise DomainError("store.corrupt", path=str(path), reason=_os_reason(exc)) from exc
        try:
            os.close(os.open(path, os.O_RDONLY))
        except OSError:
            raise DomainError("store.no_permission", path=str(path)) from exc
        raise DomainError("store.file_readonly", path=str(path)) from exc
    try:
        size = os.fstat(fd).st_size
    finally:
        os.close(fd)
    if size == 0:
        raise DomainError("store.empty_file", path=str(path), backups=str(path.parent / BACKUP_DIR))


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
        _check_commit_mark(path, conn)
        return row[0] if row else None
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise DomainError("store.locked", path=str(path)) from exc
        raise DomainError("store.corrupt", path=str(path), reason=str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise DomainError("store.corrupt", path=str(path), reason=str(exc)) from exc
    finally:
        conn.close()


# -- the commit mark: what the store last committed, kept beside it ------------------------------
#
# Deleting counter.sqlite3-wal after a crash drops the transactions not yet checkpointed into
# the main file, and SQLite then opens the older file without a word: the next intake would
# reuse a dossier code a citizen already holds. Every committed change raises the device's
# outbox counter (device.next_seq) in the same transaction, so that counter is "the last
# committed sequence". After each commit it is copied into a small file beside the store
# (counter.sqlite3-mark: device id and counter). At opening, a store whose counter is below the
# mark lost committed work and is refused. The mark is written only after a commit, so it can
# lag the store (a crash between commit and mark, two programs racing) but never lead it:
# a lag only weakens the check, it never refuses a sound store. The mark is not part of the
# data: a store copied without it (restored, moved to another PC) simply gets a new one.
MARK_SUFFIX = "-mark"


def mark_path(path: Path) -> Path:
    return path.with_name(path.name + MARK_SUFFIX)


def read_commit_mark(path: Path) -> tuple[str, int] | None:
    """(device id, last committed sequence) recorded beside the store, or None."""
    import json

    try:
        raw = json.loads(mark_path(path).read_text(encoding="utf-8"))
        return str(raw["device_id"]), int(raw["seq"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        _log.warning("commit mark of %s unreadable (%s); not used", path, exc)
        return None


def write_commit_mark(path: Path, device_id: str, seq: int) -> None:
    """Record (atomically: temp file + rename) that the store committed up to ``seq``."""
    import json

    target = mark_path(path)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"device_id": device_id, "seq": seq}, out)
        os.replace(tmp, target)
    except OSError as exc:  # the store is committed; only the extra check is weaker
        _log.warning("commit mark of %s not written (%s)", path, exc)
        with contextlib.suppress(OSError):
            tmp.unlink()


def store_sequence(conn: sqlite3.Connection) -> tuple[str, int] | None:
    """(device id, last committed sequence) as the store itself says, or None before a device exists."""
    try:
        row = conn.execute("SELECT id, next_seq FROM device LIMIT 1").fetchone()
    except sqlite3.OperationalError:  # a store from before the device table
        return None
    return (str(row[0]), int(row[1]) - 1) if row else None


def _check_commit_mark(path: Path, conn: sqlite3.Connection) -> None:
    mark = read_commit_mark(path)
    current = store_sequence(conn)
    if mark is None or current is None or mark[0] != current[0]:
        return
    if current[1] < mark[1]:
        raise DomainError(
            "store.lost_changes", path=str(path), count=mark[1] - current[1], mark=str(mark_path(path)),
        )


# -- quick check at opening ----------------------------------------------------------------------
def quick_check(path: Path) -> tuple[str, ...]:
    """SQLite's ``PRAGMA quick_check`` (every page and index structure, not the index contents)."""
    conn = _connect_readonly(path)
    try:
        return tuple(r[0] for r in conn.execute("PRAGMA quick_check").fetchall())
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise DomainError("store.locked", path=str(path)) from exc
        raise DomainError("store.corrupt", path=str(path), reason=str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise DomainError("store.corrupt", path=str(path), reason=str(exc)) from exc
    finally:
        conn.close()


def require_sound(path: Path) -> None:
    """Refuse a store that ``PRAGMA quick_check`` finds damaged, before anything writes to it."""
    problems = quick_check(path)
    if problems != ("ok",):
        _log.error("store %s fails quick_check: %s", path, "; ".join(problems[:20]))
        raise DomainError("store.corrupt", path=str(path), reason=problems[0])


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


def upgrade_store(
    data_dir: Path, *, now: datetime, create: bool, check_at_open: bool = True
) -> tuple[Path, Path | None]:
    """Bring the store to the head schema; returns (store path, backup path or None).

    An existing store is first checked: a file this account cannot use, an empty file, a store
    that lost committed changes (its -wal deleted) or one that ``PRAGMA quick_check`` finds
    damaged is refused, untouched, with words that say which and what to do.

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
        check_store_file(path)
        revision = read_revision(path)
        if check_at_open:
            require_sound(path)
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
    check_store_file(path, write=False)
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
