"""`counter init --demo` gives a realistic counter: sample dossiers in every state, made by the real rules."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from counter_app.bootstrap import init_store
from counter_app.storage.store import check_store, store_path


def test_demo_store_has_dossiers_in_every_state(tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    init_store(tmp_path, demo=True, clock=clock, demo_dossiers=160)
    db = sqlite3.connect(store_path(tmp_path))
    statuses = dict(db.execute("SELECT status, count(*) FROM dossiers GROUP BY status").fetchall())
    assert sum(statuses.values()) == 160
    for status in ("received", "processing", "result_ready", "returned", "incomplete", "refused"):
        assert statuses.get(status, 0) > 0, statuses
    timeliness = dict(db.execute("SELECT timeliness, count(*) FROM dossiers GROUP BY timeliness").fetchall())
    assert timeliness.get("early", 0) and timeliness.get("on_time", 0) and timeliness.get("late", 0)
    assert db.execute("SELECT count(*) FROM payments").fetchone()[0] > 0
    assert db.execute("SELECT count(*) FROM handover_batches").fetchone()[0] > 0
    assert db.execute("SELECT count(*) FROM postal_items").fetchone()[0] > 0
    # every dossier's history starts with its intake and ends in its current status
    bad = db.execute(
        """SELECT d.code FROM dossiers d JOIN dossier_events e ON e.dossier_id = d.id
           WHERE e.seq = d.event_count AND e.status_after != d.status"""
    ).fetchall()
    assert bad == []
    # every applicant has a 2025 address: street/house + commune + province; home deliveries in full (issue 8 §4)
    missing = db.execute(
        "SELECT count(*) FROM dossiers WHERE address_line = '' OR commune_name = '' OR province_name = '' OR commune_code = ''"
    ).fetchone()[0]
    assert missing == 0
    provinces = dict(db.execute("SELECT province_name, count(*) FROM dossiers GROUP BY province_name").fetchall())
    assert provinces.get("tỉnh Hà Tĩnh", 0) > 100 and len(provinces) > 2, provinces
    posted = db.execute(
        "SELECT delivery_address, address_line, commune_name, province_name FROM dossiers WHERE result_delivery = 'post'"
    ).fetchall()
    assert posted and all(d == f"{a}, {c}, {p}" for d, a, c, p in posted)
    labels = db.execute("SELECT address FROM postal_items").fetchall()
    assert labels and all(a.count(",") >= 2 for (a,) in labels)
    assert check_store(tmp_path).ok
