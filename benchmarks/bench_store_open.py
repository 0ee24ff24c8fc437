"""Opening check on a year's store: PRAGMA quick_check (run at every start) vs reading the file.

The store is the demo province with its sample dossiers (made through the real use cases, every
state, payments, hand-overs, queue tickets, outbox ops), whose day-to-day rows are then copied
until the store holds a year of a busy centre: BENCH_YEAR_DOSSIERS dossiers (default 60,000:
240 a working day for 250 days) with their components, events, payments, tickets and outbox
ops. Cached in benchmarks/.data/. Target (issue 9 §2): under 1 s, else the check moves to a
worker after the window shows.
"""

from __future__ import annotations

import math
import os
import sqlite3
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from counter_app.bootstrap import init_store  # noqa: E402
from counter_app.domain.calendar import VIETNAM_TIME  # noqa: E402
from counter_app.storage.store import (  # noqa: E402
    backup_store,
    check_store,
    quick_check,
    store_path,
    upgrade_store,
)

DOSSIERS = int(os.environ.get("BENCH_YEAR_DOSSIERS", "60000"))
DATA = Path(os.environ.get("BENCH_DATA", ROOT / "benchmarks" / ".data")) / f"year-store-{DOSSIERS}"
RUNS = 7
TARGET_S = 1.0
# the rows a year of work adds; the catalog, units, staff and calendar stay as they are
DAILY_TABLES = (
    "dossiers", "dossier_components", "dossier_events", "handover_batches", "handover_items", "payments",
    "postal_items", "queue_tickets", "queue_events", "queue_ratings", "counter_sessions", "outbox",
)


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def _unique_columns(db: sqlite3.Connection, table: str) -> dict[str, str]:
    """Columns in a primary key or unique index: name -> declared type."""
    info = {r[1]: (r[2] or "").upper() for r in db.execute(f"PRAGMA table_info({table})")}
    keyed = {r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[5]}
    for index in db.execute(f"PRAGMA index_list({table})"):
        if index[2]:  # unique
            keyed |= {r[2] for r in db.execute(f"PRAGMA index_info({index[1]})")}
    return {c: info[c] for c in keyed}


def build_store() -> Path:
    path = store_path(DATA)
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    init_store(DATA, demo=True, clock=FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=VIETNAM_TIME)))
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")  # generation only
    db.execute("PRAGMA foreign_keys=OFF")
    sample = db.execute("SELECT count(*) FROM dossiers").fetchone()[0]
    copies = max(0, math.ceil(DOSSIERS / max(sample, 1)) - 1)
    for table in DAILY_TABLES:
        columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
        unique = _unique_columns(db, table)
        db.execute("DROP TABLE IF EXISTS temp.sample")
        db.execute(f"CREATE TEMP TABLE sample AS SELECT * FROM main.{table}")
        if not db.execute("SELECT count(*) FROM temp.sample").fetchone()[0]:
            continue
        for k in range(1, copies + 1):
            select = []
            for c in columns:
                if c not in unique:
                    select.append(f'"{c}"')
                elif "INT" in unique[c]:
                    select.append(f'"{c}" + {k * 10_000_000}')
                else:
                    select.append(f"\"{c}\" || '~{k}'")
            quoted = ", ".join(f'"{c}"' for c in columns)
            db.execute(
                f"INSERT INTO main.{table} ({quoted}) SELECT {', '.join(select)} FROM temp.sample"
            )
        db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("ANALYZE")
    db.commit()
    db.close()
    print(f"generated a year's store ({sample} sample dossiers x {copies + 1}) in {time.perf_counter() - t0:.0f} s")
    return path


def _timed(fn) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def main() -> int:
    path = build_store()
    upgrade_store(DATA, now=datetime.now(VIETNAM_TIME), create=False)  # a cached store gets newer migrations first
    db = sqlite3.connect(path)
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in DAILY_TABLES}
    db.close()
    size = path.stat().st_size
    print(f"store: {size / 1e6:.1f} MB; " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))

    def read_file() -> None:
        with path.open("rb") as f:
            while f.read(1 << 20):
                pass

    floor = _timed(read_file)
    check = _timed(lambda: quick_check(path))
    assert quick_check(path) == ("ok",)
    opening = _timed(lambda: upgrade_store(DATA, now=datetime.now(VIETNAM_TIME), create=False))
    full = _timed(lambda: check_store(DATA))

    def evict() -> None:  # this file's pages out of the OS cache: the first start after the PC boots
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)

    cold: list[float] = []
    cold_floor: list[float] = []
    if hasattr(os, "posix_fadvise"):
        for _ in range(3):
            evict()
            t0 = time.perf_counter()
            read_file()
            cold_floor.append(time.perf_counter() - t0)
            evict()
            t0 = time.perf_counter()
            upgrade_store(DATA, now=datetime.now(VIETNAM_TIME), create=False)
            cold.append(time.perf_counter() - t0)
    med = statistics.median
    print(f"read the whole file (floor):      median {med(floor) * 1000:7.1f} ms  max {max(floor) * 1000:7.1f} ms")
    print(f"PRAGMA quick_check:               median {med(check) * 1000:7.1f} ms  max {max(check) * 1000:7.1f} ms")
    print(f"opening checks (upgrade_store):   median {med(opening) * 1000:7.1f} ms  max {max(opening) * 1000:7.1f} ms")
    print(f"PRAGMA integrity_check (db check): median {med(full) * 1000:7.1f} ms  max {max(full) * 1000:7.1f} ms")
    if cold:
        print(f"opening checks, cold cache:       median {med(cold) * 1000:7.1f} ms  max {max(cold) * 1000:7.1f} ms"
              f"  (floor: cold read of the file median {med(cold_floor) * 1000:.1f} ms)")
    # the daily backup of the same store (online copy + quick_check + row counts), once: info only
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(dir=DATA) as folder:
        t0 = time.perf_counter()
        backup_store(path, now=datetime.now(VIETNAM_TIME), label="bench", folder=Path(folder))
        backup_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        shutil.copyfile(path, Path(folder) / "plain-copy")
        copy_s = time.perf_counter() - t0
    print(f"verified online backup (daily):   {backup_s * 1000:7.0f} ms  (floor: plain file copy {copy_s * 1000:.0f} ms)")
    ok = med(opening) < TARGET_S
    print(f"target: opening check (median, warm) under {TARGET_S:.0f} s on a year's store -> {'PASS' if ok else 'FAIL'} "
          f"({med(opening) / med(floor):.1f}x the floor)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
