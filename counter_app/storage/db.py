"""SQLite engine for the local store: WAL, synchronous=FULL, foreign keys, busy timeout, BEGIN IMMEDIATE."""

from __future__ import annotations

import atexit
import errno
import logging
import os
import sqlite3
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError

from counter_app.domain.errors import DomainError

_log = logging.getLogger(__name__)
IDLE_CHECKPOINT_S = 2.0  # after the last commit, this long without another one: copy the WAL into the store
BUSY_TIMEOUT_MS = 5000  # a writer waits this long for another writer (kiosk, counter) before "store.locked"
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA cache_size=-65536",  # 64 MB page cache per connection: lookups in a big store stay in memory
    "PRAGMA mmap_size=268435456",  # read through a 256 MB memory map (no read() per page)
)


def apply_pragmas(connection: sqlite3.Connection, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    cursor = connection.cursor()
    try:
        for pragma in PRAGMAS:
            cursor.execute(pragma)
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    finally:
        cursor.close()


# SQLite's primary result codes (the low byte of an extended code) that are I/O faults, not bugs
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL = 5, 6, 8, 10, 13


def store_fault(exc: BaseException, path: Path | str | None) -> DomainError | None:
    """The DomainError that words an SQLite I/O fault met while using the store, or None.

    Disk full, read-only file or disk, a disk error and another writer holding the lock past
    the busy timeout each get their own code (and words in services/messages.py); anything
    else is a bug and stays as it is.
    """
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if not isinstance(orig, sqlite3.Error):
        return None
    code = getattr(orig, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    words = str(orig).lower()
    where = str(path or "")
    if primary == SQLITE_FULL or "database or disk is full" in words:
        return DomainError("store.disk_full", path=where)
    if primary == SQLITE_READONLY or "readonly database" in words:
        return DomainError(_readonly_code(where), path=where)
    if primary == SQLITE_IOERR or "disk i/o error" in words:
        return DomainError("store.io_error", path=where)
    if primary in (SQLITE_BUSY, SQLITE_LOCKED) or "database is locked" in words:
        return DomainError("store.locked", path=where)
    return None


def _readonly_code(path: str) -> str:
    """A read-only disk and a read-only file need different actions: tell them apart."""
    if not path:
        return "store.file_readonly"
    try:
        os.close(os.open(path, os.O_RDWR))
    except OSError as exc:
        if exc.errno == errno.EROFS:
            return "store.readonly_medium"
    return "store.file_readonly"


def make_engine(path: Path, *, echo: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine whose writes take the lock up front (BEGIN IMMEDIATE) and whose reads don't.

    A connection with the execution option ``readonly=True`` begins a deferred transaction so
    readers never queue behind a writer in WAL mode.
    """
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        echo=echo,
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        apply_pragmas(dbapi_connection, busy_timeout_ms)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        readonly = connection.get_execution_options().get("readonly", False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    engine._counter_checkpointer = _IdleCheckpointer(engine, Path(path))  # type: ignore[attr-defined]
    return engine


def checkpoint(engine: Engine, *, mode: str = "TRUNCATE", busy_timeout_ms: int | None = None) -> bool:
    """Copy the WAL's committed pages into the store file (and, with TRUNCATE, empty the WAL).

    After this the main file alone holds every confirmed change, so a WAL lost later loses
    nothing. Returns False when another connection kept it from completing (it is retried).
    """
    assert mode in ("PASSIVE", "FULL", "RESTART", "TRUNCATE")
    raw = engine.raw_connection()
    conn = raw.driver_connection
    before = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    try:
        if busy_timeout_ms is not None:  # e.g. at exit: never hold the program up behind a reader
            conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        busy, _log_frames, _moved = conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        return busy == 0
    finally:
        if busy_timeout_ms is not None:
            conn.execute(f"PRAGMA busy_timeout={int(before)}")
        raw.close()


class _IdleCheckpointer:
    """Checkpoints the store when writes pause, and once more when the program ends.

    A commit only notes its time (no thread, no timer per commit: commits stay as cheap as
    before); one background thread for all stores checkpoints each store IDLE_CHECKPOINT_S
    after its last commit.
    """

    _live: weakref.WeakSet[_IdleCheckpointer] = weakref.WeakSet()
    _due: dict[_IdleCheckpointer, float] = {}
    _wake = threading.Condition()
    _thread: threading.Thread | None = None

    def __init__(self, engine: Engine, path: Path) -> None:
        self._engine = weakref.ref(engine)
        self._path = path
        self._closed = False
        event.listen(engine, "commit", self._on_commit)
        event.listen(engine, "engine_disposed", self._on_disposed)
        _IdleCheckpointer._live.add(self)

    def _on_commit(self, _connection: Any) -> None:
        if self._closed:
            return
        cls = _IdleCheckpointer
        with cls._wake:
            first = not cls._due
            cls._due[self] = time.monotonic() + IDLE_CHECKPOINT_S
            if cls._thread is None:
                cls._thread = threading.Thread(target=cls._loop, name="store-checkpoint", daemon=True)
                cls._thread.start()
            elif first:
                cls._wake.notify()

    @classmethod
    def _loop(cls) -> None:
        while True:
            with cls._wake:
                while not cls._due:
                    cls._wake.wait()
                now = time.monotonic()
                ready = [c for c, at in cls._due.items() if at <= now]
                for c in ready:
                    del cls._due[c]
                if not ready:
                    cls._wake.wait(min(cls._due.values()) - now)
                    continue
            for checkpointer in ready:
                checkpointer.run(mode="PASSIVE")

    def _on_disposed(self, _engine: Any) -> None:
        self._closed = True
        with _IdleCheckpointer._wake:
            _IdleCheckpointer._due.pop(self, None)

    def run(self, mode: str = "PASSIVE", busy_timeout_ms: int | None = None) -> None:
        engine = self._engine()
        if engine is None or self._closed or not self._path.exists():  # never make a store by checkpointing
            return
        try:
            checkpoint(engine, mode=mode, busy_timeout_ms=busy_timeout_ms)
        except Exception:  # the WAL stays; the next idle moment or SQLite's own checkpoint retries
            _log.warning("checkpoint of %s failed", self._path, exc_info=True)

    @classmethod
    def at_exit(cls) -> None:
        for checkpointer in list(cls._live):
            checkpointer.run(mode="TRUNCATE", busy_timeout_ms=200)


atexit.register(_IdleCheckpointer.at_exit)
