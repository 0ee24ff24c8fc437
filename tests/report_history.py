"""Generated history for the report tests and benchmarks/bench_reports.py: dossiers with their events,
payments and postal items, queue tickets with ratings, duty periods — written straight into a store
made by ``init_store`` (columns named, defaults from the schema), shaped like what the use cases write.

Includes what the reports must survive: results stamped before receipt (clock skew), returns by a
staff account that no longer exists, a disabled account.
"""

from __future__ import annotations

import random
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from counter_app.domain.calendar import VIETNAM_TIME

GONE_STAFF = "s-gone"  # a staff id found in history whose account was removed


def _at(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


class _Writer:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.columns: dict[str, list[tuple[str, object]]] = {}
        self.pending: dict[str, list[tuple[object, ...]]] = {}

    def add(self, table: str, **values: object) -> None:
        if table not in self.columns:
            info = self.db.execute(f"PRAGMA table_info({table})").fetchall()
            self.columns[table] = [(r[1], _default(r[2], r[3], r[4])) for r in info]
            self.pending[table] = []
        self.pending[table].append(tuple(values.get(name, default) for name, default in self.columns[table]))
        if len(self.pending[table]) >= 5000:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.pending):
            rows = self.pending[name]
            if rows:
                marks = ",".join("?" * len(self.columns[name]))
                cols = ",".join(c for c, _ in self.columns[name])
                self.db.executemany(f"INSERT INTO {name} ({cols}) VALUES ({marks})", rows)
                self.pending[name] = []


def _default(kind: str, notnull: int, default: object) -> object:
    if default is not None:
        text = str(default).strip("'")
        return int(text) if text.lstrip("-").isdigit() else text
    if not notnull:
        return None
    return 0 if "INT" in kind.upper() or "BOOL" in kind.upper() else ""


def generate(data_dir: Path, *, dossiers: int, days: int, start: datetime, tickets_per_day: int = 0,
             seed: int = 1, now: datetime | None = None) -> None:
    """Write ``dossiers`` dossiers received over ``days`` days from ``start`` (with events up to ``now``)
    and ``tickets_per_day`` tickets per centre and day."""
    rng = random.Random(seed)
    now = now or start + timedelta(days=days)
    db = sqlite3.connect(data_dir / "counter.sqlite3")
    db.execute("PRAGMA synchronous=OFF")
    w = _Writer(db)
    procedures = db.execute("SELECT p.id, p.code, p.name, p.agency_unit_id, u.code FROM procedures p"
                            " JOIN units u ON u.id = p.agency_unit_id ORDER BY p.code LIMIT 40").fetchall()
    centres = [r[0] for r in db.execute("SELECT id FROM centres ORDER BY id")]
    staff = {c: [r[0] for r in db.execute("SELECT id FROM staff WHERE centre_id = ? ORDER BY id", (c,))] for c in centres}
    counters = {c: [r[0] for r in db.execute("SELECT id FROM counters WHERE centre_id = ? ORDER BY number", (c,))]
                for c in centres}
    lines = {c: [r[0] for r in db.execute("SELECT id FROM queue_lines WHERE centre_id = ? ORDER BY id", (c,))]
             for c in centres}
    codes: dict[str, int] = {}
    dossier_codes: dict[tuple[str, int], list[tuple[str, datetime]]] = {}
    for i in range(dossiers):
        centre = centres[i % len(centres)] if rng.random() < 0.5 else rng.choice(centres)
        pid, pcode, pname, agency, agency_code = rng.choice(procedures)
        day = rng.randrange(days)
        received = start + timedelta(days=day, hours=rng.randint(0, 9), minutes=rng.randint(0, 59))
        if received > now:
            continue
        prefix = f"{agency_code}-{received:%y%m%d}"
        codes[prefix] = codes.get(prefix, 0) + 1
        code = f"{prefix}-{codes[prefix]:05d}"
        did = str(uuid.UUID(int=rng.getrandbits(128)))
        clerk = rng.choice(staff[centre] or ["s-nv01"])
        counter = rng.choice(counters[centre]) if counters[centre] else None
        events: list[tuple[str, str, datetime, str]] = []
        roll = rng.random()
        row: dict[str, object] = dict(
            id=did, code=code, request_key=f"gen-{seed}-{i}", centre_id=centre, procedure_id=pid, procedure_code=pcode,
            procedure_name=pname, catalog_version=1, agency_unit_id=agency, agency_code=agency_code, form_set="2025",
            applicant_type="citizen", applicant_name="Nguyễn Văn An", applicant_key="nguyen van an",
            channel=rng.choice(["in_person"] * 6 + ["post", "online"]), result_delivery="counter", sets=1,
            received_at=_at(received), staff_id=clerk, counter_id=counter, device_id="gen", fee_due=0,
            missing_components="[]", updated_at=_at(received),
        )
        if roll < 0.05 or roll < 0.10:
            status = "refused" if roll < 0.05 else "incomplete"
            events.append(("intake_refused" if status == "refused" else "intake_incomplete", status, received, clerk))
        else:
            appointment = received + timedelta(days=rng.randint(2, 15))
            row["appointment"] = row["original_appointment"] = _at(appointment)
            status = "received"
            events.append(("received", status, received, clerk))
            t = received + timedelta(hours=rng.randint(1, 30))
            if rng.random() < 0.08 and t <= now:
                status = "withdrawn"
                events.append(("withdrawn", status, t, clerk))
            elif t <= now:
                status = "processing"
                events.append(("handed_over", status, t, clerk))
                t += timedelta(days=rng.randint(1, 4))
                if rng.random() < 0.15 and t <= now:
                    status = "supplement_requested"
                    row["supplement_requests"] = 1
                    events.append(("supplement_requested", status, t, clerk))
                    t += timedelta(days=rng.randint(1, 6))
                    if rng.random() < 0.7 and t <= now:
                        status = "processing"
                        appointment += timedelta(days=2)
                        row["appointment"] = _at(appointment)
                        events.append(("supplement_provided", status, t, clerk))
                if status == "processing" and rng.random() < 0.05 and t <= now:
                    status = "stopped"
                    events.append(("stop_requested", status, t, clerk))
                ready = max(t, received + timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8)))
                if rng.random() < 0.03:
                    ready = received - timedelta(hours=2)  # a PC clock behind: stamped before receipt
                if status == "processing" and ready <= now and rng.random() < 0.85:
                    status = "result_ready"
                    row["result_ready_at"] = _at(ready)
                    events.append(("result_ready", status, ready, clerk))
                    back = max(ready, t) + timedelta(days=rng.randint(0, 3), hours=1)
                    if back <= now and rng.random() < 0.75:
                        status = "returned"
                        returner = GONE_STAFF if rng.random() < 0.15 else clerk
                        by_post = rng.random() < 0.3
                        events.append(("postal_sent" if by_post else "returned", status, back, returner))
                        row["returned_at"] = _at(back)
                        if by_post:
                            delivered = back + timedelta(days=2)
                            final = "delivered" if delivered <= now and rng.random() < 0.8 else "sent"
                            w.add("postal_items", id=str(uuid.UUID(int=rng.getrandbits(128))),
                                  item_code=f"E{i % 10**8:08d}{seed % 10}VN", dossier_id=did, receiver_name="A",
                                  address="x", phone="0912345678", charge=0, status=final, sent_at=_at(back),
                                  updated_at=_at(delivered if final == "delivered" else back))
                            if final == "delivered":
                                events.append(("postal_delivered", status, delivered, returner))
                if rng.random() < 0.4:
                    w.add("payments", id=str(uuid.UUID(int=rng.getrandbits(128))), receipt_number=f"G{seed}-{i}",
                          dossier_id=did, payer_name="A", method=rng.choice(["cash", "transfer"]),
                          total=rng.choice([20000, 30000, 50000]), lines="[]", paid_at=_at(received), staff_id=clerk,
                          counter_id=counter, device_id="gen", request_key=f"gpay-{seed}-{i}")
        row["status"] = status
        row["event_count"] = len(events)
        w.add("dossiers", **row)
        for seq, (type_, after, at, who) in enumerate(events, start=1):
            w.add("dossier_events", id=str(uuid.UUID(int=rng.getrandbits(128))), dossier_id=did, seq=seq, type=type_,
                  status_after=after, at=_at(at), staff_id=who, counter_id=counter or "", device_id="gen", data="{}")
        dossier_codes.setdefault((centre, (received.date() - start.date()).days), []).append((code, received))
    w.flush()
    _tickets(w, rng, start, days, now, centres, staff, counters, lines, dossier_codes, tickets_per_day, seed)
    w.flush()
    db.commit()
    db.close()


def _tickets(w: _Writer, rng: random.Random, start: datetime, days: int, now: datetime, centres: list[str],
             staff: dict[str, list[str]], counters: dict[str, list[str]], lines: dict[str, list[str]],
             dossier_codes: dict[tuple[str, int], list[tuple[str, datetime]]], per_day: int, seed: int) -> None:
    number = 0
    for day in range(days):
        date_ = (start + timedelta(days=day)).date()
        for centre in centres:
            if not lines[centre] or not counters[centre]:
                continue
            opened = datetime.combine(date_, datetime.min.time(), VIETNAM_TIME) + timedelta(hours=7, minutes=30)
            if opened > now:
                continue
            for counter in counters[centre][:3]:
                who = rng.choice(staff[centre] or ["s-nv01"])
                w.add("counter_sessions", id=str(uuid.UUID(int=rng.getrandbits(128))), staff_id=who,
                      counter_id=counter, device_id="gen", started_at=_at(opened),
                      ended_at=_at(opened + timedelta(hours=8)))
            linked = list(dossier_codes.get((centre, day), []))
            for k in range(per_day):
                number += 1
                tid = str(uuid.UUID(int=rng.getrandbits(128)))
                issued = opened + timedelta(minutes=rng.randint(0, 540))
                counter = rng.choice(counters[centre])
                who = rng.choice(staff[centre] or ["s-nv01"])
                line = rng.choice(lines[centre])
                roll = rng.random()
                walk_in = roll < 0.05
                called = None if walk_in else issued + timedelta(seconds=rng.randint(0, 2400))
                if roll > 0.97:
                    called = issued - timedelta(seconds=90)  # clock skew between kiosk and counter
                started = (called or issued) + timedelta(seconds=rng.randint(10, 120))
                ended = started + timedelta(seconds=rng.randint(60, 1500))
                outcome = "walk_in" if walk_in else ("no_show" if roll < 0.15 else "served")
                code = ""
                if outcome != "no_show" and linked and rng.random() < 0.6:
                    code, received = linked.pop()
                    started, ended = received - timedelta(minutes=rng.randint(2, 10)), received + timedelta(minutes=1)
                w.add("queue_tickets", id=tid, centre_id=centre, line_id=line, issued_line_id=line, prefix="A",
                      number=k + 1, label=f"A{k + 1:03d}", day=date_.isoformat(), service_day=date_.isoformat(), hop=0,
                      seq=number, order_key=number, priority="none", is_priority=0, status="done", outcome=outcome,
                      counter_id=counter, staff_id=who, issued_at=_at(issued), queued_at=_at(issued),
                      called_at=_at(called) if called else None,
                      started_at=None if outcome == "no_show" else _at(started),
                      ended_at=None if outcome == "no_show" else _at(ended), walk_in=int(walk_in),
                      dossier_code=code, device_id="gen", no_show_at=_at(called) if outcome == "no_show" and called else None)
                if outcome != "no_show" and rng.random() < 0.3:
                    w.add("queue_ratings", id=str(uuid.UUID(int=rng.getrandbits(128))), ticket_id=tid, centre_id=centre,
                          counter_id=counter, staff_id=who, dossier_code=code, level=rng.choice([2, 3, 4, 4, 5, 5, 5]),
                          reason=rng.choice(["", "", "Chờ lâu", "Nhân viên nhiệt tình"]), at=_at(ended),
                          device_id="gen")


def recount(data_dir: Path, start: datetime, end: datetime) -> dict[str, int]:
    """The dossier figures of [start, end) recomputed from the event history alone (not the report's SQL):
    each dossier's events replayed in order, its receipt, finish and status at both ends read off them."""
    db = sqlite3.connect(data_dir / "counter.sqlite3")
    due = {r[0]: datetime.fromisoformat(r[1]) if r[1] else None for r in db.execute("SELECT id, appointment FROM dossiers")}
    history: dict[str, list[tuple[int, str, datetime]]] = {}
    for dossier, seq, type_, at in db.execute("SELECT dossier_id, seq, type, at FROM dossier_events"):
        history.setdefault(dossier, []).append((seq, type_, datetime.fromisoformat(at)))
    db.close()
    out = dict.fromkeys(["carried_over", "received", "early", "on_time", "late", "stopped", "withdrawn", "open"], 0)
    for dossier, events in history.items():
        events.sort()
        first = events[0]
        if first[1] != "received":
            continue  # refused or incomplete at intake: never registered
        received = first[2]
        finish, kind = None, None
        for _, type_, at in events:
            if type_ in ("result_ready", "stop_requested", "withdrawn") and finish is None:
                finish, kind = max(at, received), type_  # stamped before receipt: read as at receipt
        if received < start and (finish is None or finish >= start):
            out["carried_over"] += 1
        if start <= received < end:
            out["received"] += 1
        if finish is not None and start <= finish < end:
            if kind == "result_ready":
                appointment = due[dossier]
                ready = finish.astimezone(VIETNAM_TIME)
                if ready > appointment:
                    out["late"] += 1
                elif ready.date() < appointment.astimezone(VIETNAM_TIME).date():
                    out["early"] += 1
                else:
                    out["on_time"] += 1
            else:
                out["stopped" if kind == "stop_requested" else "withdrawn"] += 1
        if received < end and (finish is None or finish >= end):
            out["open"] += 1
    return out
