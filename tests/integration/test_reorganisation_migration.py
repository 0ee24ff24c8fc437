"""Migration 0012: a demo store made before the 2025 reorganisation gets it on upgrade (issue 8 §6).

The store is made from the sample province as it was before (the merged departments still valid,
their procedures and counters, "Bộ phận Một cửa …" commune centres, no sample flags), taken back to
the previous release's schema and upgraded. Its catalog, units, centres, counters, queue lines and
number blocks must then be those of a demo store made today; its dossiers keep their agency.
"""

from __future__ import annotations

import copy
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from counter_app.bootstrap import init_store, open_services
from counter_app.domain.dossier import Outcome
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from counter_app.services.resources import resource_path, resources_root
from counter_app.storage import store as store_module
from counter_app.storage.store import check_store, head_revision, store_path, upgrade_store

MERGED = ("u-so-tttt", "u-so-ldtbxh")
OLD_COUNTERS = {2: "Quầy 2 — Sở Thông tin và Truyền thông", 6: "Quầy 6 — Sở Lao động - Thương binh và Xã hội"}

SNAPSHOT = {
    "units": "SELECT id, code, name, short_name, kind, parent_id, valid_from, valid_to FROM units ORDER BY id",
    "procedures": "SELECT id, code, name, field_id, agency_unit_id, level, duration_unit, duration_amount, "
    "duration_cutoff, channels, post_dossier, post_result, requires_in_person, result_description, legal_basis, "
    "catalog_version, valid_from, valid_to, sample FROM procedures ORDER BY id",
    "components": "SELECT procedure_id, position, name, originals, certified_copies, photocopies, required, note "
    "FROM procedure_components ORDER BY procedure_id, position",
    "fees": "SELECT procedure_id, position, name, amount, kind, note, due FROM procedure_fees "
    "ORDER BY procedure_id, position",
    "centres": "SELECT id, code, name, unit_id, address, phone FROM centres ORDER BY id",
    "centre_agencies": "SELECT centre_id, unit_id FROM centre_agencies ORDER BY centre_id, unit_id",
    "counters": "SELECT id, centre_id, number, name, active FROM counters ORDER BY id",
    "queue_lines": "SELECT id, centre_id, code, name, group_name, service, position FROM queue_lines ORDER BY id",
    "leases": "SELECT agency_code, first, last, valid_from, valid_to FROM sequence_leases ORDER BY agency_code",
}


def _before_the_reorganisation(raw: dict[str, Any]) -> dict[str, Any]:
    """The sample province as the demo had it before issue 8 §6."""
    old = copy.deepcopy(raw)
    old["units"] = [u for u in old["units"] if u["id"] != "u-so-y-te"]
    for unit in old["units"]:
        if unit["id"] in MERGED:
            unit["valid_to"] = None
    for p in old["procedures"]:
        p.pop("sample", None)
        former = p.pop("former_agencies", None)
        if former:
            p["agency"] = former[0]["agency"]
    for centre in old["centres"]:
        if centre["id"] == "c-tinh":
            for counter in centre["counters"]:
                counter["name"] = OLD_COUNTERS.get(counter["number"], counter["name"])
            centre["agencies"] = [a for a in centre["agencies"] if a != "u-so-y-te"] + list(MERGED)
        elif centre["name"].startswith("Trung tâm Phục vụ hành chính công "):
            centre["name"] = "Bộ phận Một cửa " + centre["name"].removeprefix("Trung tâm Phục vụ hành chính công ")
            centre["code"] = "BPMC." + centre["code"].removeprefix("TTPVHCC.")
    return old


def _snapshot(data_dir: Path) -> dict[str, list[tuple[Any, ...]]]:
    db = sqlite3.connect(store_path(data_dir))
    try:
        return {name: db.execute(sql).fetchall() for name, sql in SNAPSHOT.items()}
    finally:
        db.close()


def test_a_demo_store_from_before_the_reorganisation_gets_it_on_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock  # type: ignore[no-untyped-def]
) -> None:
    old_resources = tmp_path / "resources-2024"
    shutil.copytree(resources_root(), old_resources)
    raw = json.loads(resource_path("demo", "province.json").read_text(encoding="utf-8"))
    (old_resources / "demo" / "province.json").write_text(
        json.dumps(_before_the_reorganisation(raw), ensure_ascii=False), encoding="utf-8"
    )
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    with monkeypatch.context() as m:
        m.setenv("COUNTER_RESOURCES", str(old_resources))
        init_store(old_dir, demo=True, clock=clock, demo_dossiers=0)
    services = open_services(old_dir, clock=clock)
    session = services.login("nv01", "demo123")
    counter = services.counters(session.centre_id)[0]
    desk = Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)
    permit = services.guide_service.procedure("1.000105")
    assert permit.agency_unit_id == "u-so-ldtbxh"  # the store as the demo made it before
    received = services.dossiers.receive(
        IntakeRequest(
            request_key="before", procedure_code=permit.code, outcome=Outcome.COMPLETE, applicant_type="citizen",
            applicant_name="Trần Văn Bình", id_number="042085000123", phone="0912345678",
            components=tuple(IntakeComponent(c.name, 1) for c in permit.components),
        ),
        desk,
    ).code
    store_module._run_alembic(store_path(old_dir), "downgrade", "0011")  # as the previous release left it
    before = _snapshot(old_dir)

    upgrade_store(old_dir, now=clock.now(), create=False)
    init_store(new_dir, demo=True, clock=clock, demo_dossiers=0)

    after, fresh = _snapshot(old_dir), _snapshot(new_dir)
    assert before != fresh
    for table in SNAPSHOT:
        assert after[table] == fresh[table], table
    db = sqlite3.connect(store_path(old_dir))
    assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
    db.close()
    assert check_store(old_dir).ok
    reopened = open_services(old_dir, clock=clock)
    assert reopened.dossiers.find(received).agency_name == "Sở Lao động - Thương binh và Xã hội tỉnh Hà Tĩnh"
    assert reopened.guide_service.procedure("1.000105").agency_unit_id == "u-so-noi-vu"


def test_the_migration_leaves_a_store_already_in_the_new_structure_alone(
    demo_data_dir: Path, clock  # type: ignore[no-untyped-def]
) -> None:
    before = _snapshot(demo_data_dir)
    store_module._run_alembic(store_path(demo_data_dir), "downgrade", "0011")
    upgrade_store(demo_data_dir, now=clock.now(), create=False)
    assert _snapshot(demo_data_dir) == before
