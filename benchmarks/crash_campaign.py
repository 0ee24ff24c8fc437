"""Crash campaign: SIGKILL a process doing real ticket, intake, payment, call and finish use cases on a
real SQLite store, again and again; after every kill reopen the store and check that nothing it
confirmed is lost or duplicated, every confirmed operation has its outbox op, and device_seq runs
1, 2, 3 … with no gap (issue 9). A negative control shows the checker catches a deleted ticket, a
missing outbox op and a rewound counter.

    .venv/bin/python benchmarks/crash_campaign.py [--kills 300] [--seed 9] [--keep DIR]

The child writes one line to a journal after each operation returns (after its commit): the
journal is what the citizen holds on paper. An operation committed but killed before its line is
not "confirmed" and may or may not be in the store; a confirmed one must be.
``tests/integration/test_crash_campaign.py`` runs a bounded campaign (a few dozen kills) in
``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WARD, LINE, COUNTER, CLERK = "c-p-thanh-sen", "c-p-thanh-sen-line-a", "c-p-thanh-sen-q1", "s-nv03"
SIGNATURE = "2.000884.000.00.31.H27"  # Chứng thực chữ ký at phường Thành Sen: 10.000 đ due on filing
FEE = 10_000
FIRST_DAY = date(2026, 11, 30)  # a Monday
RUNS_PER_DAY = 25  # a new working day every so many runs: a day's codes stay inside the device's lease
TICK = timedelta(milliseconds=10)  # the child's clock moves this much at every reading


# -- the child: real use cases until it is killed ------------------------------------------------------


class CampaignClock:
    """Starts just after the store's clock mark (a real clock never goes back) and ticks on each read."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        self._now += TICK
        return self._now


def _store_mark(data_dir: Path) -> datetime | None:
    from counter_app.domain.calendar import VIETNAM_TIME
    from counter_app.storage.store import store_path

    with sqlite3.connect(store_path(data_dir)) as db:
        value = db.execute("SELECT clock_mark FROM device").fetchone()[0]
    db.close()
    return datetime.fromisoformat(value).astimezone(VIETNAM_TIME) if value else None


def child(data_dir: Path, journal: Path, run: int, day: date) -> int:
    from counter_app.bootstrap import open_services
    from counter_app.domain.calendar import VIETNAM_TIME
    from counter_app.domain.dossier import Outcome
    from counter_app.services.dossiers import Desk, IntakeComponent, IntakePayment, IntakeRequest

    start = datetime.combine(day, datetime.min.time(), VIETNAM_TIME).replace(hour=7, minute=30)
    mark = _store_mark(data_dir)
    clock = CampaignClock(max(start, mark) if mark else start)
    services = open_services(data_dir, clock=clock)
    queue, dossiers = services.queue, services.dossiers
    session, counter = services.demo_session()
    desk = Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)
    guide = services.procedure_guide(SIGNATURE)
    components = tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components)
    fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def confirm(*words: str) -> None:
        os.write(fd, (" ".join(words) + "\n").encode())

    confirm("START", str(run))
    current = queue.current_ticket(COUNTER)
    if current is not None:  # the previous run was killed while a citizen was at the counter
        confirm("F", queue.finish_service(COUNTER, CLERK).id)
    i = 0
    while True:
        i += 1
        ticket = queue.issue_ticket(LINE, request_key=f"r{run}-t{i}")
        confirm("T", ticket.id, ticket.number, ticket.issued_at.date().isoformat())
        paid_on_filing = i % 2 == 0
        result = dossiers.receive(IntakeRequest(
            request_key=f"r{run}-d{i}", procedure_code=guide.code, outcome=Outcome.COMPLETE,
            applicant_type="citizen", applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123",
            phone="0912345678", components=components,
            payment=IntakePayment(FEE, "cash") if paid_on_filing else None,
        ), desk)
        confirm("D", result.code)
        if paid_on_filing:
            confirm("P", result.receipt_number)
        else:
            payment = dossiers.pay(result.code, desk, amount=FEE, method="cash", request_key=f"r{run}-p{i}")
            confirm("P", payment.receipt_number)
        called = queue.call_next(COUNTER, CLERK)
        if called is not None:
            confirm("C", called.id)
            confirm("F", queue.finish_service(COUNTER, CLERK, dossier_code=result.code).id)


# -- the checker ---------------------------------------------------------------------------------------


@dataclass
class Confirmed:
    tickets: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (number, day)
    codes: set[str] = field(default_factory=set)
    receipts: set[str] = field(default_factory=set)
    called: set[str] = field(default_factory=set)
    finished: set[str] = field(default_factory=set)

    @property
    def operations(self) -> int:
        return len(self.tickets) + len(self.codes) + len(self.receipts) + len(self.called) + len(self.finished)


def read_journal(journal: Path) -> Confirmed:
    confirmed = Confirmed()
    if not journal.exists():
        return confirmed
    for line in journal.read_text(encoding="utf-8").splitlines():
        kind, *rest = line.split()
        if kind == "T":
            confirmed.tickets[rest[0]] = (rest[1], rest[2])
        elif kind == "D":
            confirmed.codes.add(rest[0])
        elif kind == "P":
            confirmed.receipts.add(rest[0])
        elif kind == "C":
            confirmed.called.add(rest[0])
        elif kind == "F":
            confirmed.finished.add(rest[0])
    return confirmed


def check_store(db_path: Path, confirmed: Confirmed) -> list[str]:
    """What is wrong with the store against what was confirmed (empty: nothing lost or duplicated)."""
    problems: list[str] = []
    db = sqlite3.connect(db_path)
    try:
        tickets = {tid: (label, day, status) for tid, label, day, status in
                   db.execute("SELECT id, label, day, status FROM queue_tickets")}
        for tid, (number, day) in confirmed.tickets.items():
            if tid not in tickets:
                problems.append(f"confirmed ticket {number} ({tid}) is lost")
            elif (tickets[tid][0], tickets[tid][1]) != (number, day):
                problems.append(f"ticket {tid} reads {tickets[tid][:2]}, confirmed {number} {day}")
        problems += [f"ticket number {label} given {n} times on {day}" for label, day, n in db.execute(
            "SELECT label, day, count(*) FROM queue_tickets GROUP BY issued_line_id, day, number HAVING count(*) > 1")]
        for tid in confirmed.called:
            if tickets.get(tid, ("", "", "waiting"))[2] == "waiting":
                problems.append(f"confirmed call of {tid} is lost")
        for tid in confirmed.finished:
            if tickets.get(tid, ("", "", ""))[2] != "done":
                problems.append(f"confirmed finish of {tid} is lost")
        codes = {code: did for code, did in db.execute("SELECT code, id FROM dossiers")}
        problems += [f"confirmed dossier {c} is lost" for c in sorted(confirmed.codes - set(codes))]
        receipts = [r for (r,) in db.execute("SELECT receipt_number FROM payments")]
        problems += [f"confirmed receipt {r} is lost" for r in sorted(confirmed.receipts - set(receipts))]
        if len(receipts) != len(set(receipts)):
            problems.append("a receipt number was given twice")

        ops: dict[tuple[str, str], set[str]] = {}
        receipts_in_ops: set[str] = set()
        for entity, entity_id, op, payload in db.execute("SELECT entity, entity_id, op, payload FROM outbox"):
            ops.setdefault((entity, entity_id), set()).add(op)
            if entity == "payment":
                receipts_in_ops.add(json.loads(payload)["receipt"])
        for tid in confirmed.tickets:
            if "issued" not in ops.get(("queue_ticket", tid), set()):
                problems.append(f"confirmed ticket {tid} has no outbox op")
        for tid in confirmed.called:
            if "called" not in ops.get(("queue_ticket", tid), set()):
                problems.append(f"confirmed call of {tid} has no outbox op")
        for tid in confirmed.finished:
            if "finished" not in ops.get(("queue_ticket", tid), set()):
                problems.append(f"confirmed finish of {tid} has no outbox op")
        for code in confirmed.codes & set(codes):
            if "created" not in ops.get(("dossier", codes[code]), set()):
                problems.append(f"confirmed dossier {code} has no outbox op")
        problems += [f"confirmed receipt {r} has no outbox op" for r in sorted(confirmed.receipts - receipts_in_ops)]

        seqs = [s for (s,) in db.execute("SELECT device_seq FROM outbox ORDER BY device_seq")]
        if seqs and seqs != list(range(seqs[0], seqs[0] + len(seqs))):
            problems.append(f"device_seq has gaps or repeats ({len(seqs)} ops from {seqs[0]} to {seqs[-1]})")
        next_seq = db.execute("SELECT next_seq FROM device").fetchone()[0]
        if seqs and next_seq != seqs[-1] + 1:
            problems.append(f"device.next_seq is {next_seq}, the newest op is {seqs[-1]}: the counter was rewound")
        mark, newest = db.execute("SELECT (SELECT clock_mark FROM device), (SELECT max(created_at) FROM outbox)").fetchone()
        if newest and (mark is None or mark < newest):
            problems.append(f"the clock mark {mark} is older than the newest op {newest}")
    finally:
        db.close()
    return problems


# -- the parent: kill, reopen, check --------------------------------------------------------------------


@dataclass
class Figures:
    kills: int = 0
    confirmed: Confirmed = field(default_factory=Confirmed)
    problems: list[str] = field(default_factory=list)
    child_failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    controls: dict[str, bool] = field(default_factory=dict)


def make_store(data_dir: Path) -> None:
    from counter_app.bootstrap import init_store

    class _Clock:
        def now(self) -> datetime:
            from counter_app.domain.calendar import VIETNAM_TIME

            return datetime.combine(FIRST_DAY, datetime.min.time(), VIETNAM_TIME).replace(hour=7, minute=0)

    init_store(data_dir, demo=True, clock=_Clock(), demo_dossiers=0)


def working_days(data_dir: Path, n: int) -> list[date]:
    """The first ``n`` working days of the ward's calendar from FIRST_DAY (holidays and make-up days included)."""
    from counter_app.bootstrap import open_services
    from counter_app.domain.calendar import VIETNAM_TIME

    start = datetime.combine(FIRST_DAY, datetime.min.time(), VIETNAM_TIME).replace(hour=7)
    services = open_services(data_dir, clock=CampaignClock(start))
    with services.uow(readonly=True) as uow:
        calendar = uow.calendars.calendar(WARD)
    services.uow.engine.dispose()
    days = [FIRST_DAY if calendar.is_working_day(FIRST_DAY) else calendar.next_working_day(FIRST_DAY)]
    while len(days) < n:
        days.append(calendar.next_working_day(days[-1]))
    return days


def _reopen(data_dir: Path, day: date) -> None:
    """Open the store as the application does after a crash (upgrade check, WAL recovery), then close it."""
    from counter_app.bootstrap import open_services
    from counter_app.domain.calendar import VIETNAM_TIME

    mark = _store_mark(data_dir)
    start = datetime.combine(day, datetime.min.time(), VIETNAM_TIME).replace(hour=7, minute=30)
    services = open_services(data_dir, clock=CampaignClock(max(start, mark) if mark else start))
    with services.uow(readonly=True) as uow:
        uow.units.centres()
    services.uow.engine.dispose()


def _started(journal: Path, offset: int, run: int) -> bool:
    if not journal.exists():
        return False
    with journal.open("rb") as f:
        f.seek(offset)
        return f"START {run}\n".encode() in f.read(200)


def run_campaign(workdir: Path, *, kills: int, seed: int = 9, max_wait: float = 0.6,
                 report: Callable[[str], None] | None = None) -> Figures:
    """``kills`` SIGKILLs of the child at random moments; the store is reopened and checked after each."""
    from counter_app.storage.store import store_path

    rng = random.Random(seed)
    data_dir, journal = workdir / "data", workdir / "journal.txt"
    data_dir.mkdir(parents=True, exist_ok=True)
    make_store(data_dir)
    days = working_days(data_dir, kills // RUNS_PER_DAY + 1)
    figures = Figures()
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for run in range(kills):
        day = days[run // RUNS_PER_DAY]
        offset = journal.stat().st_size if journal.exists() else 0
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child", str(data_dir), str(journal), str(run),
             day.isoformat()],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:  # kill only once it is working
            if _started(journal, offset, run):
                break
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, max_wait))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
        if proc.returncode != -signal.SIGKILL:
            figures.child_failures.append(f"run {run} ended by itself ({proc.returncode}): {err.decode()[-500:]}")
        figures.kills += 1
        _reopen(data_dir, day)
        confirmed = read_journal(journal)
        problems = check_store(store_path(data_dir), confirmed)
        if problems:
            figures.problems += [f"after kill {run + 1}: {p}" for p in problems]
        if report and (run + 1) % 25 == 0:
            report(f"{run + 1} kills, {confirmed.operations} operations confirmed, {len(figures.problems)} problems")
    figures.confirmed = read_journal(journal)
    figures.seconds = time.perf_counter() - started
    figures.controls = negative_control(store_path(data_dir), figures.confirmed, workdir)
    return figures


def negative_control(db_path: Path, confirmed: Confirmed, workdir: Path) -> dict[str, bool]:
    """Break a copy of the store three ways; the checker must see each."""
    caught: dict[str, bool] = {}
    damages = {
        "a deleted confirmed ticket": "DELETE FROM queue_tickets WHERE id = '{ticket}'",
        "a missing outbox op": "DELETE FROM outbox WHERE device_seq = (SELECT max(device_seq) - 5 FROM outbox)",
        "a rewound device counter": "UPDATE device SET next_seq = next_seq - 3",
    }
    ticket = next(iter(confirmed.tickets), "")
    for name, statement in damages.items():
        copy = workdir / f"control-{uuid.uuid4().hex}.sqlite3"
        src = sqlite3.connect(db_path)
        dst = sqlite3.connect(copy)
        src.backup(dst)
        src.close()
        dst.execute("PRAGMA foreign_keys = OFF")
        dst.execute(statement.format(ticket=ticket))
        dst.commit()
        dst.close()
        caught[name] = bool(check_store(copy, confirmed))
        copy.unlink()
    return caught


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=300)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    parser.add_argument("--child", nargs=4, metavar=("DATA_DIR", "JOURNAL", "RUN", "DAY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        data_dir, journal, run, day = args.child
        return child(Path(data_dir), Path(journal), int(run), date.fromisoformat(day))
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="crash-campaign-"))
    try:
        figures = run_campaign(workdir, kills=args.kills, seed=args.seed, report=print)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    c = figures.confirmed
    print(f"kills survived: {figures.kills} in {figures.seconds:.0f} s (seed {args.seed})")
    print(f"operations confirmed: {c.operations} (tickets {len(c.tickets)}, intakes {len(c.codes)}, "
          f"payments {len(c.receipts)}, calls {len(c.called)}, finishes {len(c.finished)})")
    print(f"lost or duplicated: {len(figures.problems)}; children that died by themselves: {len(figures.child_failures)}")
    for name, seen in figures.controls.items():
        print(f"negative control, {name}: {'caught' if seen else 'NOT CAUGHT'}")
    for line in (figures.problems + figures.child_failures)[:20]:
        print("  ", line)
    ok = not figures.problems and not figures.child_failures and all(figures.controls.values())
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
