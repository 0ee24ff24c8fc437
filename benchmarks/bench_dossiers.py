"""Dossier store at scale: 1,000,000 dossiers; scan lookup, search, intake commit vs a bare sqlite3 floor."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from counter_app.bootstrap import init_store, open_services  # noqa: E402
from counter_app.domain.calendar import VIETNAM_TIME  # noqa: E402
from counter_app.domain.dossier import Outcome  # noqa: E402
from counter_app.domain.text import search_key  # noqa: E402
from counter_app.services.demo_dossiers import FAMILY, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M  # noqa: E402
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest  # noqa: E402
from counter_app.storage.store import store_path  # noqa: E402

N = int(os.environ.get("BENCH_DOSSIERS", "1000000"))
DATA = Path(os.environ.get("BENCH_DATA", ROOT / "benchmarks" / ".data")) / f"dossiers-{N}"
QUERIES = 2000
PROCEDURE = "2.000595"


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def build_store() -> None:
    """Demo store plus N generated dossiers (one component pair and one event each), cached on disk."""
    if (DATA / "counter.sqlite3").exists():
        return
    DATA.mkdir(parents=True, exist_ok=True)
    clock = FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=VIETNAM_TIME))
    init_store(DATA, demo=True, clock=clock, demo_dossiers=0)
    db = sqlite3.connect(store_path(DATA))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")  # generation only; the measurements use the app's FULL
    proc = db.execute("SELECT id, code, name, agency_unit_id FROM procedures WHERE code = ?", (PROCEDURE,)).fetchone()
    agency_code = db.execute("SELECT code FROM units WHERE id = ?", (proc[3],)).fetchone()[0]
    staff = db.execute("SELECT id FROM staff WHERE username = 'nv01'").fetchone()[0]
    rng = random.Random(1)
    start = datetime(2022, 1, 3, 8, 0, tzinfo=VIETNAM_TIME)
    batch_d, batch_c, batch_e = [], [], []
    per_day: dict[str, int] = {}
    t0 = time.perf_counter()
    for i in range(N):
        received = start + timedelta(minutes=i * 2)
        day = received.strftime("%y%m%d")
        per_day[day] = per_day.get(day, 0) + 1
        code = f"{agency_code}-{day}-{per_day[day]:04d}"
        if per_day[day] > 9999:
            code = f"{agency_code}-{day}-{per_day[day]:05d}"
        female = rng.random() < 0.55
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F if female else MIDDLE_M)} {rng.choice(GIVEN_F if female else GIVEN_M)}"
        did = str(uuid.UUID(int=rng.getrandbits(128)))
        at = received.astimezone(UTC).isoformat(timespec="microseconds")  # as AwareDateTime stores it
        batch_d.append((
            did, code, f"gen-{i}", "c-tinh", proc[0], PROCEDURE, proc[2], 1, proc[3], agency_code, "2025",
            "returned", "citizen", name, search_key(name), f"042{rng.randint(0, 3)}{rng.randint(50, 99)}{i:06d}",
            f"09{i:08d}", "", None, None, "", "", "in_person", "", 1, "counter", "", "", "", "", "[]", at, at, at,
            None, 0, 0, None, None, None, "on_time", name, staff, "c-tinh-q1", "bench", 30000, 1, at,
        ))
        batch_c.append((did, 1, "Đơn đề nghị", 1, 0, 0, 1))
        batch_c.append((did, 2, "Danh sách người đề nghị", 1, 0, 0, 1))
        batch_e.append((str(uuid.UUID(int=rng.getrandbits(128))), did, 1, "received", "received", at, staff, "c-tinh-q1", "bench", "{}"))
        if len(batch_d) == 20000 or i == N - 1:
            db.executemany(f"INSERT INTO dossiers VALUES ({','.join('?' * 48)})", batch_d)
            db.executemany(
                "INSERT INTO dossier_components (dossier_id, position, name, originals, certified_copies, photocopies, provided) VALUES (?,?,?,?,?,?,?)",
                batch_c,
            )
            db.executemany("INSERT INTO dossier_events VALUES (?,?,?,?,?,?,?,?,?,?)", batch_e)
            db.commit()
            batch_d, batch_c, batch_e = [], [], []
    db.execute("ANALYZE")
    db.commit()
    db.close()
    print(f"generated {N} dossiers in {time.perf_counter() - t0:.0f} s at {DATA}")


def bare_floor(path: Path, n: int) -> list[float]:
    """A bare sqlite3 transaction writing the same rows as an intake, same pragmas, in the same store."""
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=5000"):
        db.execute(f"PRAGMA {pragma}")
    row = db.execute("SELECT * FROM dossiers LIMIT 1").fetchone()
    times = []
    for i in range(n):
        did = str(uuid.uuid4())
        values = (did, f"BARE-{did}", f"bare-{did}", *row[3:])
        started = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute(f"INSERT INTO dossiers VALUES ({','.join('?' * 48)})", values)
        for position in (1, 2):
            db.execute(
                "INSERT INTO dossier_components (dossier_id, position, name, originals, certified_copies, photocopies, provided)"
                " VALUES (?, ?, 'Đơn đề nghị', 1, 0, 0, 1)", (did, position),
            )
        db.execute("INSERT INTO dossier_events VALUES (?,?,?,?,?,?,?,?,?,?)",
                   (str(uuid.uuid4()), did, 1, "received", "received", row[31], row[42], "", "bench", "{}"))
        db.execute("UPDATE device SET next_seq = next_seq + 1")
        db.execute(
            "INSERT INTO outbox VALUES (?, 'bench', ?, 'dossier', ?, 'created', ?, '0002', '0', ?, NULL)",
            (str(uuid.uuid4()), 10_000_000 + i, did, json.dumps({"code": did}), row[31]),
        )
        db.execute("COMMIT")
        times.append((time.perf_counter() - started) * 1000)
    db.execute("DELETE FROM outbox WHERE device_id = 'bench'")
    db.close()
    return times


def main() -> int:
    build_store()
    db_file = store_path(DATA)
    print(f"store: {db_file} ({db_file.stat().st_size / 1e6:.0f} MB, {N} dossiers)")
    clock = FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=VIETNAM_TIME))
    services = open_services(DATA, clock=clock)
    svc = services.dossiers
    desk = Desk("s-nv01", "bench", "c-tinh", "c-tinh-q1", "Quầy 1")
    rng = random.Random(2)
    db = sqlite3.connect(db_file)
    sample = db.execute(
        "SELECT code, id_number, phone, applicant_name FROM dossiers WHERE request_key LIKE 'gen-%' ORDER BY random() LIMIT ?",
        (QUERIES,),
    ).fetchall()
    db.close()

    cold = []
    for code, *_ in sample:  # first touch of each dossier: pages may come from disk
        started = time.perf_counter()
        svc.find(code, desk)
        cold.append((time.perf_counter() - started) * 1000)
    print(f"lookup_first_touch_ms: p50 {statistics.median(cold):.3f} p99 {p(cold, 0.99):.3f} (info: cold pages)")
    lookup = []
    for code, *_ in sample:
        started = time.perf_counter()
        svc.find(code, desk)
        lookup.append((time.perf_counter() - started) * 1000)
    print(f"lookup_by_scanned_code_ms: p50 {statistics.median(lookup):.3f} p99 {p(lookup, 0.99):.3f} (target p99 <= 2) "
          f"{'PASS' if p(lookup, 0.99) <= 2 else 'FAIL'}")

    for label, index in (("name", 3), ("cccd", 1), ("phone", 2)):
        for row in sample[:500]:  # warm-up pass, as on a counter PC that has been running
            svc.search(row[index], desk, limit=50)
        times = []
        for row in sample[:500]:
            query = row[index]
            if label == "name":
                query = search_key(query) if rng.random() < 0.5 else query
            started = time.perf_counter()
            found = svc.search(query, desk, limit=50)
            times.append((time.perf_counter() - started) * 1000)
            assert found, query
        print(f"search_by_{label}_ms: p50 {statistics.median(times):.3f} p99 {p(times, 0.99):.3f} (target p99 <= 50) "
              f"{'PASS' if p(times, 0.99) <= 50 else 'FAIL'}")

    procedure = services.guide_service.procedure(PROCEDURE)
    intake = []
    for _ in range(300):
        request = IntakeRequest(
            request_key=f"bench-{uuid.uuid4()}", procedure_code=PROCEDURE, outcome=Outcome.COMPLETE,
            applicant_type="citizen", applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123",
            phone="0912345678", components=tuple(IntakeComponent(c.name, 1) for c in procedure.components),
        )
        started = time.perf_counter()
        svc.receive(request, desk)
        intake.append((time.perf_counter() - started) * 1000)
    floor = bare_floor(db_file, 300)
    print(f"intake_commit_ms: p50 {statistics.median(intake):.2f} p99 {p(intake, 0.99):.2f} (target p99 <= 20) "
          f"{'PASS' if p(intake, 0.99) <= 20 else 'FAIL'}")
    print(f"floor_bare_sqlite3_same_rows_ms: p50 {statistics.median(floor):.2f} p99 {p(floor, 0.99):.2f} [floor]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
