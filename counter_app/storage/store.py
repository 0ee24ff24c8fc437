"""Life of the store file: locate, check, back up, migrate (Alembic), refuse newer schemas."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from counter_app.domain.errors import DomainError
from counter_app.services.resources import migrations_root

STORE_FILE = "counter.sqlite3"
BACKUP_DIR = "backups"
_log = logging.getLogger(__name__)


def migrations_dir() -> Path:
    """Alembic's scripts: in the installed package, the PyInstaller bundle or the checkout."""
    return migrations_root()


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
    exposed: tuple[tuple[str, str], ...] = ()  # (path, mode) readable by other accounts (POSIX)

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
    except sqlite3.DatabaseError as exc:
        raise _read_error(path, exc) from exc
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
        raw = json.loads(mark_path(path).read_text(encoding="utf-8").strip())
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


MARK_SIZE = 128  # one fixed-size record, rewritten in place: no new file, no rename per commit


class CommitMarkFile:
    """The mark of one store, kept open and rewritten in place after each commit.

    A rename per commit made every intake about 3 ms slower on ext4 (the rename joins the
    journal commit of SQLite's next fsync); an in-place write of one small record does not.
    A record torn by a power cut reads as unreadable and is ignored (the check weakens, it
    never refuses a sound store).
    """

    def __init__(self, path: Path) -> None:
        self.path = mark_path(path)
        self._fd: int | None = None

    def write(self, device_id: str, seq: int) -> None:
        import json

        record = json.dumps({"device_id": device_id, "seq": seq}).encode().ljust(MARK_SIZE)
        try:
            if self._fd is None:
                import weakref

                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                self._closer = weakref.finalize(self, _close_quietly, self._fd)  # closed with this object
                os.ftruncate(self._fd, MARK_SIZE)
            os.pwrite(self._fd, record, 0)
        except OSError as exc:  # the store is committed; only the extra check is weaker
            _log.warning("commit mark %s not written (%s)", self.path, exc)
            self.close()

    def close(self) -> None:
        if self._fd is not None:
            self._closer()
            self._fd = None


def _close_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


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


def _read_error(path: Path, exc: sqlite3.DatabaseError) -> DomainError:
    """A read of the store at opening failed: busy in another program, or damaged."""
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return DomainError("store.locked", path=str(path))
    return DomainError("store.corrupt", path=str(path), reason=str(exc))


# -- quick check at opening ----------------------------------------------------------------------
def quick_check(path: Path) -> tuple[str, ...]:
    """SQLite's ``PRAGMA quick_check`` (every page and index structure, not the index contents)."""
    conn = _connect_readonly(path)
    try:
        return tuple(r[0] for r in conn.execute("PRAGMA quick_check").fetchall())
    except sqlite3.DatabaseError as exc:
        raise _read_error(path, exc) from exc
    finally:
        conn.close()


def _read_ahead(path: Path) -> None:
    """Read the file once, in order: quick_check then finds its pages in the OS cache.

    quick_check visits pages in b-tree order, which on a cold cache (the first start after the
    PC boots) is random reads: 11 s on a year's store against 2 s to read it straight through.
    """
    try:
        with path.open("rb", buffering=0) as f:
            while f.read(4 << 20):
                pass
    except OSError as exc:  # quick_check itself says what is wrong with the file
        _log.warning("read-ahead of %s failed: %s", path, exc)


def require_sound(path: Path) -> None:
    """Refuse a store that ``PRAGMA quick_check`` finds damaged, before anything writes to it."""
    _read_ahead(path)
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


def backup_store(path: Path, *, now: datetime, label: str, folder: Path | None = None, keep: int = 0) -> Path:
    """Copy the store with SQLite's online backup (safe with WAL, while the store is in use).

    Written as ``.partial`` beside its final name, verified (quick_check and the same row counts
    as the store at the moment of the copy), then renamed: a name without ``.partial`` is always
    a whole, sound backup. Any failure (a full disk, a USB disk pulled out) removes the partial
    file and raises ``store.backup_failed`` / ``store.backup_unverified`` in words. With ``keep``,
    only the newest ``keep`` backups of this label stay in the folder.
    """
    backups = Path(folder) if folder is not None else path.parent / BACKUP_DIR
    try:
        backups.mkdir(parents=folder is None, exist_ok=True)
        if not backups.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(backups))
        private_mode(backups, directory=True)
    except OSError as exc:
        raise DomainError("store.backup_no_folder", folder=str(backups), reason=_os_reason(exc)) from exc
    target = backups / f"{path.stem}-{now:%Y%m%d-%H%M%S}-{label}.sqlite3"
    n = 1
    while target.exists():
        n += 1
        target = backups / f"{path.stem}-{now:%Y%m%d-%H%M%S}-{label}-{n}.sqlite3"
    partial = target.with_name(target.name + ".partial")
    try:
        counts = _copy_online(path, partial)
        private_mode(partial)
        problems = _verify_copy(partial, counts)
        if problems:
            raise DomainError("store.backup_unverified", path=str(target), reason=problems)
        os.replace(partial, target)
        _fsync_folder(backups)
    except BaseException as exc:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        if isinstance(exc, DomainError):
            raise
        if isinstance(exc, (OSError, sqlite3.Error)):
            _log.error("backup to %s failed: %s", backups, exc)
            raise DomainError("store.backup_failed", folder=str(backups), reason=_write_reason(exc)) from exc
        raise
    _log.info("store backed up to %s", target)
    if keep > 0:
        _prune(backups, f"{path.stem}-*-{label}*.sqlite3", keep)
    return target


# the tables whose row counts a backup must reproduce (all of the store's own tables)
def _table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _copy_online(path: Path, target: Path) -> dict[str, int]:
    """One consistent snapshot: counted and copied inside the same read transaction."""
    src = _connect_readonly(path)
    try:
        src.isolation_level = None
        src.execute("BEGIN")
        counts = _table_counts(src)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            dst.close()
        src.execute("COMMIT")
    finally:
        src.close()
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return counts


def _verify_copy(target: Path, counts: dict[str, int]) -> str:
    """'' when the copy opens, passes quick_check and holds the same rows; else what is wrong."""
    try:
        conn = _connect_readonly(target)
        try:
            check = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
            if check != ["ok"]:
                return check[0]
            copied = _table_counts(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return str(exc)
    if copied != counts:
        differ = sorted(t for t in set(counts) | set(copied) if counts.get(t) != copied.get(t))
        return "rows differ: " + ", ".join(differ)
    return ""


def _write_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return _os_reason(exc)
    text = str(exc)
    if "full" in text:  # SQLITE_FULL: a full disk, or a file larger than the account may write
        return "ENOSPC"
    return text


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _prune(folder: Path, pattern: str, keep: int) -> None:
    def age(p: Path) -> tuple[int, str]:
        try:
            return p.stat().st_mtime_ns, p.name
        except OSError:
            return 0, p.name

    backups = sorted(folder.glob(pattern), key=age, reverse=True)
    for old in backups[keep:]:
        try:
            old.unlink()
            _log.info("old backup %s removed (keeping %d)", old, keep)
        except OSError as exc:
            _log.warning("old backup %s not removed: %s", old, exc)


def private_mode(path: Path, *, directory: bool = False) -> None:
    """Only this account may read it: 0700 folder, 0600 file on POSIX whatever the umask; on Windows
    an access list of its own (no inheritance from a shared parent) for this account, SYSTEM and the
    Administrators group — files made in the folder afterwards inherit it."""
    if os.name == "nt":
        _private_acl(path, directory=directory)
        return
    if os.name != "posix":
        return
    try:
        os.chmod(path, 0o700 if directory else 0o600)
    except OSError as exc:  # a folder of another account (a shared USB disk): said in the log
        _log.warning("cannot make %s private: %s", path, exc)


SYSTEM_SID, ADMINISTRATORS_SID = "*S-1-5-18", "*S-1-5-32-544"  # well-known SIDs: the same on every language of Windows


def private_acl_command(path: Path, *, directory: bool, account: str) -> list[str]:
    """``icacls`` arguments that give ``path`` its own access list: full control for ``account``
    (DOMAIN\\user), SYSTEM and the Administrators group, nothing inherited, nobody else."""
    inherit = "(OI)(CI)" if directory else ""
    return [
        "icacls", str(path), "/inheritance:r",
        "/grant:r", f"{account}:{inherit}F",
        "/grant:r", f"{SYSTEM_SID}:{inherit}F",
        "/grant:r", f"{ADMINISTRATORS_SID}:{inherit}F",
    ]


def _private_acl(path: Path, *, directory: bool, run=None) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    user = os.environ.get("USERNAME", "")
    domain = os.environ.get("USERDOMAIN", "")
    if not user:
        _log.warning("cannot make %s private: the Windows account name is unknown", path)
        return
    command = private_acl_command(path, directory=directory, account=f"{domain}\\{user}" if domain else user)
    run = run or subprocess.run
    try:
        done = run(command, capture_output=True, text=True, timeout=30,
                   creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    except (OSError, subprocess.SubprocessError) as exc:
        _log.warning("cannot make %s private: %s", path, exc)
        return
    if done.returncode != 0:
        _log.warning("cannot make %s private: icacls said %s", path, (done.stdout + done.stderr).strip())


@dataclass(frozen=True, slots=True)
class RestoreResult:
    path: Path
    kept_aside: Path | None
    device_id: str
    sequence: int


def _backup_facts(backup: Path) -> tuple[str | None, tuple[str, int] | None]:
    """(schema revision, (device id, last sequence)) of a backup file, or store.restore_not_a_backup."""
    try:
        check_store_file(backup, write=False)
        revision = read_revision(backup)
        problems = quick_check(backup)
        if problems != ("ok",):
            raise DomainError("store.restore_not_a_backup", path=str(backup), reason=problems[0])
        conn = _connect_readonly(backup)
        try:
            sequence = store_sequence(conn)
        finally:
            conn.close()
    except DomainError as exc:
        if exc.code == "store.restore_not_a_backup":
            raise
        raise DomainError("store.restore_not_a_backup", path=str(backup), reason=exc.code) from exc
    except sqlite3.Error as exc:
        raise DomainError("store.restore_not_a_backup", path=str(backup), reason=str(exc)) from exc
    if sequence is None:
        raise DomainError("store.restore_not_a_backup", path=str(backup), reason="no device")
    return revision, sequence


def _unpushed_after(path: Path, device_id: str, seq: int) -> int | None:
    """Outbox ops of this device newer than ``seq`` and not sent yet; None when the store can't be read."""
    try:
        conn = _connect_readonly(path)
        try:
            return int(conn.execute(
                "SELECT count(*) FROM outbox WHERE device_id = ? AND device_seq > ? AND pushed_at IS NULL",
                (device_id, seq),
            ).fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error as exc:
        _log.warning("current store %s unreadable before restore: %s", path, exc)
        return None


def restore_store(data_dir: Path, backup: Path, *, now: datetime, force: bool = False) -> RestoreResult:
    """Put a backup in place of the store; the store it replaces is kept aside, never deleted.

    Refused unless ``force``: a backup of another device, and a current store holding outbox ops
    newer than the backup that were not pushed yet (they would be lost). The application must
    be closed while this runs.
    """
    data_dir = Path(data_dir)
    backup = Path(backup)
    if not backup.is_file():
        raise DomainError("store.restore_not_a_backup", path=str(backup), reason="ENOENT")
    revision, (device_id, seq) = _backup_facts(backup)
    if revision is not None:
        from alembic.util import CommandError

        try:
            _script_directory().get_revision(revision)
        except CommandError:
            raise DomainError("store.newer_schema", path=str(backup), found=revision, supported=head_revision()) from None
    ensure_data_dir(data_dir, create=True)
    path = store_path(data_dir)
    kept: Path | None = None
    if path.exists() and path.stat().st_size > 0:
        current = None
        try:
            conn = _connect_readonly(path)
            try:
                current = store_sequence(conn)
            finally:
                conn.close()
        except sqlite3.Error as exc:
            _log.warning("current store %s unreadable before restore: %s", path, exc)
        if current is not None and current[0] != device_id and not force:
            raise DomainError("store.restore_other_device", path=str(backup), found=device_id, own=current[0])
        if current is not None and not force:
            unpushed = _unpushed_after(path, current[0], seq if current[0] == device_id else 0)
            if unpushed:
                raise DomainError("store.restore_unpushed", count=unpushed)
    if path.exists():
        kept = _keep_aside(path, now)
    staging = path.with_name(path.name + ".restoring")
    try:
        import shutil

        shutil.copyfile(backup, staging)
        fd = os.open(staging, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        private_mode(staging)
        os.replace(staging, path)
        _fsync_folder(data_dir)
    except OSError as exc:
        with contextlib.suppress(OSError):
            staging.unlink()
        raise DomainError("store.backup_failed", folder=str(data_dir), reason=_os_reason(exc)) from exc
    write_commit_mark(path, device_id, seq)  # the restored store is the reference from now on
    _log.warning("store %s restored from %s (device %s, sequence %d); previous store kept at %s",
                 path, backup, device_id, seq, kept)
    return RestoreResult(path, kept, device_id, seq)


def _keep_aside(path: Path, now: datetime) -> Path:
    """Move the store's files (main, -wal, -shm) together to backups/…-replaced.sqlite3."""
    aside_dir = path.parent / BACKUP_DIR
    aside_dir.mkdir(exist_ok=True)
    private_mode(aside_dir, directory=True)
    aside = aside_dir / f"{path.stem}-{now:%Y%m%d-%H%M%S}-replaced.sqlite3"
    n = 1
    while aside.exists():
        n += 1
        aside = aside_dir / f"{path.stem}-{now:%Y%m%d-%H%M%S}-replaced-{n}.sqlite3"
    for suffix in ("-wal", "-shm"):  # first the journal, so a crash never leaves a main file with a stranger's WAL
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            os.replace(extra, aside.with_name(aside.name + suffix))
    os.replace(path, aside)
    with contextlib.suppress(OSError):
        mark_path(path).unlink()
    return aside


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
    new_store = False
    if not path.exists():
        if not create:
            raise DomainError("store.missing", path=str(path))
        revision = None
        new_store = True
        private_mode(Path(data_dir), directory=True)  # a new store's folder: this account only
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # private before a byte is in it
        os.close(fd)
        private_mode(path)
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
    try:
        _run_alembic(path, "upgrade", "head")
    except BaseException:
        if new_store and path.stat().st_size == 0:  # nothing was made: no empty file left to refuse later
            path.unlink()
        raise
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

    from counter_app.storage.db import store_fault

    try:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            getattr(command, command_name)(cfg, target)
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise DomainError("store.migration_broke_references", count=len(problems))
    except OperationalError as exc:
        fault = store_fault(exc, path)  # a full disk, a read-only file or a lock is not damage
        if fault is not None:
            raise fault from exc
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
    return StoreCheck(path, revision, head_revision(), integrity, fk, journal, exposed_files(Path(data_dir)))


def exposed_files(data_dir: Path) -> tuple[tuple[str, str], ...]:
    """The data folder and the files of personal data in it that other accounts may reach.

    The store holds citizens' ID numbers, phones and addresses and staff password hashes; the
    folder should be 0700 and its files 0600 (POSIX; Windows keeps the user's own folder). What
    lies in a private folder cannot be reached, whatever its own mode, so it is not listed.
    """
    if os.name != "posix":
        return ()
    found: list[tuple[str, str]] = []

    def mode_of(item: Path) -> int | None:
        try:
            return item.stat().st_mode & 0o777
        except OSError:
            return None

    def scan(folder: Path, children: list[Path]) -> None:
        mode = mode_of(folder)
        if mode is None or not mode & 0o077:  # private: nothing below is reachable by others
            return
        found.append((str(folder), f"{mode:o}"))
        for child in children:
            if child.is_dir():
                scan(child, sorted(child.iterdir()))
            else:
                child_mode = mode_of(child)
                if child_mode is not None and child_mode & 0o077:
                    found.append((str(child), f"{child_mode:o}"))

    tops = sorted(data_dir.glob(STORE_FILE + "*"))
    tops += [data_dir / sub for sub in (BACKUP_DIR, "logs", "prints") if (data_dir / sub).is_dir()]
    scan(data_dir, tops)
    return tuple(found)
