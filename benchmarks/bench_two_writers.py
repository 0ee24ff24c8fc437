"""Writers sharing one store: a kiosk issuing tickets, a counter receiving dossiers and taking fees,
and a second counter calling and finishing tickets, all at once and without pause, each in its own
process as on a centre's PC (issue 9 §4).

A writer that finds the store busy waits its turn (SQLite's busy timeout, storage/db.py
BUSY_TIMEOUT_MS); it must never be refused as "store busy" under this load, and its worst wait must
stay well under that timeout. Each role alone on the same store is the floor in the same run.

    .venv/bin/python benchmarks/bench_two_writers.py [--seconds 10] [--keep DIR]

``tests/integration/test_two_writers.py`` runs a short round in ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CENTRE = "c-p-thanh-sen"
INTAKE_COUNTER, CALL_COUNTER = f"{CENTRE}-q1", f"{CENTRE}-q2"
CLERK = "s-nv03"
SIGNATURE = "2.000884.000.00.31.H27"  # Chứng thực chữ ký at phường Thành Sen: 10.000 đ due on filing
FEE = 10_000
DAY = date(2026, 11, 30)  # a Monday, a working day in the demo calendar
ROLES = ("kiosk", "counter", "caller")


class SharedClock:
    """Every process reads the same time: a working Monday from 08:00 plus the real seconds since
    the round started (the store's clock guard refuses a process whose clock lags the others)."""

    def __init__(self) -> None:
        from counter_app.domain.calendar import VIETNAM_TIME

        self._base = datetime.combine(DAY, datetime.min.time(), VIETNAM_TIME).replace(hour=8)
        self._started: float | None = None  # until the round starts, it is 08:00 sharp

    def start(self, started: float) -> None:
        self._started = started

    def now(self) -> datetime:
        if self._started is None:
            return self._base
        return self._base + timedelta(seconds=max(0.0, time.time() - self._started))


def worker(role: str, data_dir: Path, go: Path, seconds: float, out: Path, pause: float = 0.0) -> int:
    """One role's loop; writes {"ms": [...], "refused": {code: n}, "other": [...]} to ``out``."""
    from counter_app.bootstrap import open_services
    from counter_app.domain.dossier import Outcome
    from counter_app.domain.errors import DomainError
    from counter_app.services.dossiers import Desk, IntakeComponent, IntakePayment, IntakeRequest

    clock = SharedClock()
    services = open_services(data_dir, clock=clock)
    queue, dossiers = services.queue, services.dossiers
    session, counter = services.demo_session()
    desk = Desk(session.staff_id, session.full_name, session.centre_id, INTAKE_COUNTER, counter.name)
    guide = services.procedure_guide(SIGNATURE)
    components = tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components)
    lines = [line.id for line in queue.lines(CENTRE)]  # taps spread over the kiosk's services
    dossiers.address_book(DAY)  # what a window loads before its first use: not part of a writer's wait
    dossiers.preview_appointment(guide.code, CENTRE)
    out.with_suffix(".ready").touch()  # this process is open and warm: wait for the others
    while not go.exists():
        time.sleep(0.01)
    started = float(go.read_text(encoding="utf-8"))
    clock.start(started)
    latencies: list[float] = []
    refused: dict[str, int] = {}
    other: list[str] = []
    i = 0

    def timed(operation, *args, **kwargs):  # type: ignore[no-untyped-def]
        begin = time.perf_counter()
        try:
            return operation(*args, **kwargs)
        except DomainError as exc:
            refused[exc.code] = refused.get(exc.code, 0) + 1
            return None
        finally:
            latencies.append((time.perf_counter() - begin) * 1000)

    while time.time() < started + seconds:
        i += 1
        if pause:
            time.sleep(pause)  # a busy centre rather than a saturated one (make test)
        try:
            if role == "kiosk":
                timed(queue.issue_ticket, lines[i % len(lines)], request_key=f"k{i}")
            elif role == "counter":
                result = timed(dossiers.receive, IntakeRequest(
                    request_key=f"d{i}", procedure_code=guide.code, outcome=Outcome.COMPLETE,
                    applicant_type="citizen", applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123",
                    phone="0912345678", components=components,
                    payment=IntakePayment(FEE, "cash") if i % 2 else None,
                ), desk)
                if result is not None and i % 2 == 0:
                    timed(dossiers.pay, result.code, desk, amount=FEE, method="cash", request_key=f"p{i}")
            else:
                called = timed(queue.call_next, CALL_COUNTER, CLERK)
                if called is not None:
                    timed(queue.finish_service, CALL_COUNTER, CLERK)
        except Exception as exc:  # noqa: BLE001 - anything else is reported, not hidden
            other.append(f"{type(exc).__name__}: {exc}")
            break
    services.uow.engine.dispose()
    out.write_text(json.dumps({"ms": latencies, "refused": refused, "other": other}), encoding="utf-8")
    return 0


def make_store(data_dir: Path) -> None:
    from counter_app.bootstrap import init_store

    class _Clock:
        def now(self) -> datetime:
            from counter_app.domain.calendar import VIETNAM_TIME

            return datetime.combine(DAY, datetime.min.time(), VIETNAM_TIME).replace(hour=7)

    init_store(data_dir, demo=True, clock=_Clock(), demo_dossiers=0)


def run_round(data_dir: Path, roles: tuple[str, ...], seconds: float, pause: float = 0.0) -> dict[str, dict]:
    """Start ``roles`` at once on the store in ``data_dir`` for ``seconds``; each role's figures."""
    outs = {role: data_dir.parent / f"{data_dir.name}-{role}.json" for role in roles}
    go = data_dir.parent / f"{data_dir.name}-go"
    procs = [
        subprocess.Popen([sys.executable, __file__, "--worker", role, str(data_dir), str(go), repr(seconds),
                          str(outs[role]), repr(pause)], cwd=ROOT)
        for role in roles
    ]
    deadline = time.time() + 120
    while not all(out.with_suffix(".ready").exists() for out in outs.values()):  # a loaded PC starts slowly
        if time.time() > deadline or any(proc.poll() not in (None, 0) for proc in procs):
            break
        time.sleep(0.02)
    ready = go.with_suffix(".tmp")
    ready.write_text(repr(time.time()), encoding="utf-8")
    os.replace(ready, go)  # all start together, on the same clock (never an empty file to read)
    for proc in procs:
        proc.wait(timeout=seconds + 120)
    figures = {}
    for role, out in outs.items():
        raw = json.loads(out.read_text(encoding="utf-8"))
        ms = sorted(raw["ms"])
        figures[role] = {
            "ops": len(ms),
            "p50": statistics.median(ms) if ms else 0.0,
            "p99": ms[int(len(ms) * 0.99)] if ms else 0.0,
            "max": ms[-1] if ms else 0.0,
            "refused": raw["refused"],
            "other": raw["other"],
        }
    return figures


def _print(title: str, figures: dict[str, dict]) -> None:
    print(title)
    for role, f in figures.items():
        print(f"  {role:8} ops {f['ops']:6}  p50 {f['p50']:7.2f} ms  p99 {f['p99']:7.2f} ms  "
              f"max {f['max']:7.1f} ms  refused {f['refused'] or 0}  other {f['other'] or 0}")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        role, data_dir, go, seconds, out, pause = sys.argv[2:8]
        return worker(role, Path(data_dir), Path(go), float(seconds), Path(out), float(pause))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    from counter_app.storage.db import BUSY_TIMEOUT_MS

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="two-writers-"))
    try:
        alone: dict[str, dict] = {}
        for role in ROLES:
            data_dir = workdir / f"alone-{role}"
            make_store(data_dir)
            alone.update(run_round(data_dir, (role,), args.seconds / 2))
        _print(f"each role alone ({args.seconds / 2:.0f} s each, the floor):", alone)
        data_dir = workdir / "together"
        make_store(data_dir)
        together = run_round(data_dir, ROLES, args.seconds)
        _print(f"kiosk + counter + caller at once, no pause ({args.seconds:.0f} s):", together)
        worst = max(f["max"] for f in together.values())
        refused = sum(n for f in together.values() for code, n in f["refused"].items() if code.startswith("store."))
        print(f"worst wait {worst:.1f} ms against a busy timeout of {BUSY_TIMEOUT_MS} ms; "
              f"operations refused by the store (busy, full …): {refused}")
        return 0 if worst < BUSY_TIMEOUT_MS and refused == 0 else 1
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
