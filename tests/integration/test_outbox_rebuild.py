"""The outbox alone rebuilds every row that leaves the PC (issue 12 §"an outbox that can rebuild
everything"); the clock stamp survives a restart; ids and numbers that leave the PC do not collide."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from counter_app.bootstrap import DEMO_FILE, VIETNAM_TIME
from counter_app.domain.dossier import Outcome
from counter_app.services.catalog_data import load_province_data
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from counter_app.services.queue import LocalQueueService
from counter_app.services.resources import resource_path
from counter_app.storage.db import make_engine
from counter_app.storage.outbox_rows import SYNCED_TABLES, apply_rows
from counter_app.storage.queue_seed import seed_queue
from counter_app.storage.repositories import next_hlc
from counter_app.storage.store import store_path

FOOD_SAFETY = "2.000595"  # 30.000 đ due on filing, 5 working days
ELECTRICITY = "2.002180"  # free, 5 working days
K, Q1, Q8 = "c-tinh-line-k", "c-tinh-q1", "c-tinh-q8"
NV01, NV02 = "s-nv01", "s-nv02"


@pytest.fixture
def desk(services) -> Desk:  # type: ignore[no-untyped-def]
    session = services.login("nv01", "demo123")
    counter = services.counters(session.centre_id)[0]
    return Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)


def _request(services: Any, key: str, procedure_code: str, **overrides: Any) -> IntakeRequest:
    procedure = services.guide_service.procedure(procedure_code)
    values: dict[str, Any] = dict(
        request_key=key, procedure_code=procedure.code, outcome=Outcome.COMPLETE, applicant_type="citizen",
        applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123", phone="0912345678",
        email="tuyet@example.vn", address_line="Số 5, đường Phan Đình Phùng", owner_name="Hộ bà Tuyết",
        components=tuple(IntakeComponent(c.name, max(c.originals, 1 if c.required else 0), c.certified_copies,
                                         c.photocopies) for c in procedure.components),
        request_summary="Đề nghị cấp giấy xác nhận cho cơ sở bán bún",
    )
    values.update(overrides)
    return IntakeRequest(**values)


def _a_day_of_work(services: Any, desk: Desk, clock: Any) -> None:
    """Dossiers through every step (payments, hand-over, supplement, extension, post), and the queue."""
    dossiers = services.dossiers
    first = dossiers.receive(_request(services, "k1", FOOD_SAFETY, result_delivery="post", delivery_receiver="Trần Văn Bình",
                                      delivery_address="Số 5 đường Phan Đình Phùng, phường Thành Sen",
                                      delivery_phone="0239 3 999 000"), desk).code
    second = dossiers.receive(_request(services, "k2", ELECTRICITY), desk).code
    dossiers.receive(_request(services, "k3", ELECTRICITY, outcome=Outcome.INCOMPLETE,
                              reason="Thiếu giấy tờ", missing_components=("Bản vẽ",)), desk)
    dossiers.hand_over([first], desk, receiver_name="Lê Văn Cường")
    dossiers.hand_over([second], desk)
    clock.advance(hours=2)
    dossiers.request_supplement(second, desk, reason="Thiếu bản vẽ", missing=["Bản vẽ mặt bằng"])
    clock.advance(days=1)
    dossiers.supplement_provided(second, desk)  # moves the appointment
    dossiers.extend(second, desk, new_appointment=datetime(2026, 12, 18, 9, 0, tzinfo=VIETNAM_TIME),
                    reason="Cần xác minh thêm")
    dossiers.result_ready(first, desk)
    dossiers.pay(first, desk, amount=30_000, method="cash", request_key="fee")
    dossiers.send_by_post(first, desk, item_code="EB123456785VN", receiver_name="Trần Văn Bình",
                          address="Số 5, Phan Đình Phùng, phường Thành Sen", phone="0912345678", charge=20_000)
    dossiers.postal_status("EB123456785VN", desk, status="delivered")
    dossiers.pay(first, desk, amount=20_000, method="transfer", request_key="post-charge")
    dossiers.result_ready(second, desk)
    dossiers.return_result(second, desk, recipient_name="Nguyễn Thị Ánh Tuyết", recipient_id="042301000123")

    with services.uow() as uow:  # the queue lines come down from the province (pull), never in the outbox
        seed_queue(uow.session, load_province_data(resource_path(*DEMO_FILE)))
        uow.commit()
    duties = [services.open_counter(services.login(user, "demo123"), counter_id)
              for user, counter_id in (("nv01", Q8), ("nv02", Q1))]
    queue = LocalQueueService(services.uow, clock, services.device_id)
    for i in range(3):
        queue.issue_ticket(K, request_key=f"tap-{i}")
    queue.call_next(Q8, NV01)
    queue.start_service(Q8, NV01)
    done = queue.finish_service(Q8, NV01, dossier_code=first)
    queue.rate(done.id, 4, "Nhanh")
    queue.call_next(Q8, NV01)
    queue.transfer(Q8, NV01, to_counter_id=Q1)
    queue.pause_counter(Q8, NV01, True)
    queue.pause_counter(Q8, NV01, False)
    services.close_counter(duties[0])


def _table(path: Path, table: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(path)
    try:
        return sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
    finally:
        db.close()


def _ops(path: Path) -> list[tuple[str, str, dict[str, Any]]]:
    db = sqlite3.connect(path)
    try:
        return [(e, o, json.loads(p)) for e, o, p in
                db.execute("SELECT entity, op, payload FROM outbox ORDER BY device_seq")]
    finally:
        db.close()


def test_a_fresh_store_rebuilt_from_the_outbox_alone_equals_the_original(
        services, desk, clock, demo_data_dir, demo_store_template, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _a_day_of_work(services, desk, clock)
    original = store_path(demo_data_dir)
    fresh_dir = tmp_path / "fresh"
    fresh_dir.mkdir()
    for f in demo_store_template.glob("counter.sqlite3*"):  # the same reference data, none of the work
        shutil.copy2(f, fresh_dir / f.name)
    fresh = store_path(fresh_dir)
    with sqlite3.connect(fresh) as db:  # the queue lines come down from the province, not up in the outbox
        db.execute("ATTACH DATABASE ? AS o", (str(original),))
        for table in ("queue_lines", "queue_counter_lines"):
            db.execute(f"INSERT OR REPLACE INTO {table} SELECT * FROM o.{table}")
        db.commit()
        db.execute("DETACH DATABASE o")
    assert all(_table(fresh, t) == [] for t in SYNCED_TABLES)

    engine = make_engine(fresh)
    with engine.begin() as conn:
        for _entity, _op, payload in _ops(original):
            apply_rows(conn, payload.get("rows", {}))
    engine.dispose()

    for table in SYNCED_TABLES:
        rows = _table(original, table)
        assert rows, f"the day of work wrote no {table}"
        assert _table(fresh, table) == rows, table


def test_ops_carry_what_the_receiving_side_needs(services, desk, clock, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    _a_day_of_work(services, desk, clock)
    ops = _ops(store_path(demo_data_dir))
    created = next(p for e, o, p in ops if (e, o) == ("dossier", "created"))
    dossier = created["rows"]["dossiers"][0]
    assert (dossier["email"], dossier["owner_name"], dossier["request_summary"]) == (
        "tuyet@example.vn", "Hộ bà Tuyết", "Đề nghị cấp giấy xác nhận cho cơ sở bán bún")
    assert dossier["delivery_receiver"] == "Trần Văn Bình" and dossier["delivery_phone"]
    assert [c["name"] for c in created["rows"]["dossier_components"]]
    assert [e["type"] for e in created["rows"]["dossier_events"]] == ["received"]
    provided = next(p for e, o, p in ops if (e, o) == ("dossier_event", "supplement_provided"))
    assert provided["rows"]["dossiers"][0]["appointment"] and provided["rows"]["dossiers"][0]["status"] == "processing"
    sent = next(p for e, o, p in ops if (e, o) == ("dossier_event", "postal_sent"))
    item = sent["rows"]["postal_items"][0]
    assert (item["receiver_name"], item["phone"], item["status"]) == ("Trần Văn Bình", "0912345678", "sent")
    assert "Phan Đình Phùng" in item["address"]
    delivered = next(p for e, o, p in ops if (e, o) == ("dossier_event", "postal_delivered"))
    assert delivered["rows"]["postal_items"][0]["status"] == "delivered"
    call = next(p for e, o, p in ops if (e, o) == ("queue_ticket", "called"))
    assert call["rows"]["queue_events"][0]["id"] == call["event_id"]


_SECOND_START = """
import sys
from datetime import datetime, timedelta
from pathlib import Path
from counter_app.bootstrap import VIETNAM_TIME, open_services
from counter_app.services.dossiers import Desk

class Clock:  # 5 seconds behind the first start's clock (within the clock guard)
    def now(self):
        return datetime(2026, 11, 30, 9, 0, tzinfo=VIETNAM_TIME) - timedelta(seconds=5)

services = open_services(Path(sys.argv[1]), clock=Clock())
session = services.login("nv01", "demo123")
counter = services.counters(session.centre_id)[0]
services.open_counter(session, counter.id)
"""


def test_the_clock_stamp_never_goes_back_across_a_restart(services, desk, clock, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    services.dossiers.receive(_request(services, "k1", ELECTRICITY), desk)
    path = store_path(demo_data_dir)
    before = sqlite3.connect(path).execute("SELECT max(hlc) FROM outbox").fetchone()[0]
    # a new start in a new process (nothing in memory) with the PC clock a little behind
    subprocess.run([sys.executable, "-c", _SECOND_START, str(demo_data_dir)], check=True, timeout=120,
                   cwd=Path(__file__).parents[2])
    stamps = [r[0] for r in sqlite3.connect(path).execute("SELECT hlc FROM outbox ORDER BY device_seq")]
    assert stamps[-1] > before and stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_next_hlc_moves_with_the_clock_or_counts_when_it_does_not() -> None:
    t = datetime(2026, 12, 5, 8, 0, tzinfo=VIETNAM_TIME)
    first = next_hlc(None, t)
    assert next_hlc(first, t) == first[:-5] + "00001"
    assert next_hlc(first, t - timedelta(hours=1)) == first[:-5] + "00001"
    assert next_hlc(first, t + timedelta(milliseconds=1)) > first


def test_receipts_and_batches_carry_the_pc_number_of_the_province(services, desk, clock, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    sqlite3.connect(store_path(demo_data_dir)).execute("UPDATE device SET slot = 7").connection.commit()
    code = services.dossiers.receive(_request(services, "k1", FOOD_SAFETY), desk).code
    batch = services.dossiers.hand_over([code], desk)
    assert batch.batch_code.endswith("-M07-01")
    paid = services.dossiers.pay(code, desk, amount=30_000, method="cash", request_key="fee")
    assert paid.receipt_number == f"BL-M07-{clock.now():%y}-000001"


def test_queue_events_of_two_pcs_with_the_same_seq_live_side_by_side(services, desk, clock, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    _a_day_of_work(services, desk, clock)
    path = store_path(demo_data_dir)
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    mine = dict(db.execute("SELECT * FROM queue_events ORDER BY seq LIMIT 1").fetchone())
    db.close()
    other = {**mine, "id": "0193a000-0000-7000-8000-000000000001", "device_id": "another-pc"}
    engine = make_engine(path)
    with engine.begin() as conn:
        apply_rows(conn, {"queue_events": [other]})
    engine.dispose()
    same_seq = sqlite3.connect(path).execute(
        "SELECT device_id FROM queue_events WHERE centre_id = ? AND seq = ?", (mine["centre_id"], mine["seq"])).fetchall()
    assert sorted(d for (d,) in same_seq) == sorted([mine["device_id"], "another-pc"])


def test_ops_of_older_versions_are_upgraded_once_and_none_is_lost(services, desk, clock, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    import importlib.util

    _a_day_of_work(services, desk, clock)
    path = store_path(demo_data_dir)
    db = sqlite3.connect(path)
    expected = {op_id: json.loads(p) for op_id, p in db.execute("SELECT op_id, payload FROM outbox")}
    for op_id, payload in expected.items():  # as version 0013 wrote them: no rows
        thin = {k: v for k, v in payload.items() if k != "rows"}
        db.execute("UPDATE outbox SET payload = ?, schema_version = '0013' WHERE op_id = ?", (json.dumps(thin), op_id))
    pushed = db.execute("SELECT op_id FROM outbox WHERE entity = 'dossier' ORDER BY device_seq LIMIT 1").fetchone()[0]
    db.execute("UPDATE outbox SET pushed_at = '2026-11-30T02:00:00.000000+00:00' WHERE op_id = ?", (pushed,))
    db.commit()
    count, last_seq = db.execute("SELECT count(*), max(device_seq) FROM outbox").fetchone()
    db.close()

    spec = importlib.util.spec_from_file_location(
        "m0014", Path(__file__).parents[2] / "migrations" / "versions" / "0014_outbox_complete.py")
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    engine = make_engine(path)
    with engine.begin() as conn:
        migration._upgrade_ops(conn)
    with engine.begin() as conn:  # once: a second run changes nothing
        migration._upgrade_ops(conn)
    engine.dispose()

    db = sqlite3.connect(path)
    rows = {op_id: (json.loads(p), v, s) for op_id, p, v, s in
            db.execute("SELECT op_id, payload, schema_version, device_seq FROM outbox")}
    assert len(rows) == count + 1  # nothing lost, one resnapshot for the op already pushed
    for op_id, payload in expected.items():
        if op_id == pushed:
            assert "rows" not in rows[op_id][0] and rows[op_id][1] == "0013"  # pushed: left as it went
        elif "rows" in payload:
            # the rows as they stand at the upgrade (a later step's postal item may be there too)
            assert set(rows[op_id][0]["rows"]) >= set(payload["rows"]) and rows[op_id][1] == "0014"
    [(again, version, seq)] = [r for op_id, r in rows.items() if op_id not in expected]
    assert again["of_op"] == pushed and again["rows"]["dossiers"] and seq == last_seq + 1
    assert db.execute("SELECT next_seq FROM device").fetchone()[0] == last_seq + 2
