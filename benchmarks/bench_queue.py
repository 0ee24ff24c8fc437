"""Queue: issue a ticket (commit + outbox, FULL) vs a bare sqlite3 insert; call next with 5,000 waiting in 20 lines."""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from counter_app.bootstrap import DEMO_FILE, init_store, open_services  # noqa: E402
from counter_app.domain.calendar import VIETNAM_TIME  # noqa: E402
from counter_app.domain.queue import Line  # noqa: E402
from counter_app.services.catalog_data import load_province_data  # noqa: E402
from counter_app.services.queue import LocalQueueService  # noqa: E402
from counter_app.services.queue_port import Priority  # noqa: E402
from counter_app.services.resources import resource_path  # noqa: E402
from counter_app.storage.db import apply_pragmas  # noqa: E402
from counter_app.storage.queue_seed import seed_queue  # noqa: E402

ISSUES = int(os.environ.get("BENCH_QUEUE_ISSUES", "1000"))
CALLS = int(os.environ.get("BENCH_QUEUE_CALLS", "1000"))
WAITING, LINES = 5000, 20
ISSUE_TARGET_MS, CALL_TARGET_MS = 10.0, 5.0
CENTRE, COUNTER, STAFF = "c-tinh", "c-tinh-q1", "s-nv01"


class TickingClock:
    """A Vietnam-time clock that moves 1 s per reading, so a day's tickets spread over the morning."""

    def __init__(self) -> None:
        self.current = datetime(2026, 11, 30, 7, 30, tzinfo=VIETNAM_TIME)

    def now(self) -> datetime:
        self.current += timedelta(milliseconds=50)
        return self.current


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


def ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def figures(name: str, values: list[float]) -> str:
    return f"{name}: p50 {statistics.median(values):.2f} ms, p99 {p(values, 0.99):.2f} ms (n={len(values)})"


def build(data: Path, clock: TickingClock) -> LocalQueueService:
    init_store(data, demo=True, clock=clock, demo_dossiers=0)  # type: ignore[arg-type]
    services = open_services(data, clock=clock)
    with services.uow() as uow:
        seed_queue(uow.session, load_province_data(resource_path(*DEMO_FILE)))
        # 20 lines at the provincial centre, all served by counter 1 (weights 1–3), wide number ranges
        existing = uow.queue.lines(CENTRE)
        for i in range(LINES - len(existing)):
            code = "ABCDEGHLKMNPQRSTUVXY"[len(existing) + i]
            uow.queue.add_line(Line(f"bench-{code}", CENTRE, code, f"Bench {code}", "Bench", "submit", 1, 9999, 100 + i))
        uow.session.execute(text("UPDATE queue_lines SET last_number = 9999"))
        assigned = uow.queue.counter_lines(COUNTER)
        for i, line in enumerate(uow.queue.lines(CENTRE)):
            if line.id not in assigned:
                uow.queue.assign(COUNTER, line.id, 1 + i % 3)
        uow.commit()
    return LocalQueueService(services.uow, clock, services.device_id)


def bare_insert_floor(folder: Path, n: int) -> list[float]:
    """sqlite3 with the store's pragmas: BEGIN IMMEDIATE, one insert, COMMIT — the cost of durability."""
    conn = sqlite3.connect(folder / "bare.sqlite3", isolation_level=None, check_same_thread=False)
    apply_pragmas(conn)
    conn.execute("CREATE TABLE IF NOT EXISTS t (id TEXT PRIMARY KEY, line TEXT, number INTEGER, at TEXT)")
    times = []
    for i in range(n):
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?, ?, ?, ?)", (uuid.uuid4().hex, "K", i, datetime.now().isoformat()))
        conn.execute("COMMIT")
        times.append(ms(started))
    conn.close()
    return times


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="bench-queue-", dir=os.environ.get("BENCH_DATA")))
    try:
        clock = TickingClock()
        queue = build(folder / "data", clock)
        lines = [line.id for line in queue.lines(CENTRE)]

        # 1. issue a ticket, interleaved with the bare floor so both see the same disk
        for i in range(50):  # warm-up
            queue.issue_ticket(lines[i % len(lines)], request_key=f"warm-{i}")
        bare_insert_floor(folder, 50)
        issue: list[float] = []
        floor: list[float] = []
        for block in range(ISSUES // 100):
            for i in range(100):
                key = f"issue-{block}-{i}"
                started = time.perf_counter()
                queue.issue_ticket(lines[i % len(lines)], request_key=key,
                                   priority=Priority.ELDERLY if i % 10 == 0 else Priority.NONE)
                issue.append(ms(started))
            floor += bare_insert_floor(folder, 100)

        # 2. call next with 5,000 waiting in 20 lines; each call is topped up (not timed) to stay at 5,000
        waiting = sum(v.waiting for v in queue.lines(CENTRE))
        i = 0
        while waiting < WAITING:
            queue.issue_ticket(lines[i % len(lines)], request_key=f"fill-{i}",
                               priority=Priority.PREGNANT if i % 10 == 0 else Priority.NONE)
            i += 1
            waiting += 1
        calls: list[float] = []
        call_floor: list[float] = []
        for n in range(CALLS):
            started = time.perf_counter()
            ticket = queue.call_next(COUNTER, STAFF)
            calls.append(ms(started))
            assert ticket is not None
            queue.finish_service(COUNTER, STAFF)
            queue.issue_ticket(ticket.line_id, request_key=f"top-{n}")
            if n % 100 == 99:
                call_floor += bare_insert_floor(folder, 100)
        still = sum(v.waiting for v in queue.lines(CENTRE))
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    issue_p99, call_p99 = p(issue, 0.99), p(calls, 0.99)
    print("queue benchmark (SQLite WAL, synchronous=FULL, BEGIN IMMEDIATE)")
    print(f"{figures('issue_ticket (ticket + event + outbox, commit)', issue)} "
          f"(target p99 <= {ISSUE_TARGET_MS:.0f} ms) {'PASS' if issue_p99 <= ISSUE_TARGET_MS else 'FAIL'}")
    print(f"{figures('floor_bare_sqlite3_insert_commit', floor)} [floor]")
    print(f"{figures(f'call_next with {WAITING:,} waiting in {LINES} lines', calls)} "
          f"(target p99 <= {CALL_TARGET_MS:.0f} ms) {'PASS' if call_p99 <= CALL_TARGET_MS else 'FAIL'}")
    print(f"{figures('floor_bare_sqlite3_insert_commit (during the calls)', call_floor)} [floor]")
    print(f"waiting after the calls: {still}; machine load average: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
