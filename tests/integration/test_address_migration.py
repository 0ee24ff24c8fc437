"""Migration 0005 on an existing store: dossiers received before it keep everything and get empty address units."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from counter_app.domain.dossier import Outcome
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from counter_app.storage import store as store_module
from counter_app.storage.store import check_store, head_revision, store_path, upgrade_store


def test_a_store_from_before_the_address_columns_upgrades_and_keeps_its_dossiers(
    services, demo_data_dir: Path, clock  # type: ignore[no-untyped-def]
) -> None:
    session = services.login("nv01", "demo123")
    counter = services.counters(session.centre_id)[0]
    desk = Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)
    procedure = services.guide_service.procedure("2.000595")
    code = services.dossiers.receive(
        IntakeRequest(
            request_key="old", procedure_code=procedure.code, outcome=Outcome.COMPLETE, applicant_type="citizen",
            applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123", phone="0912345678",
            province_unit_id="u-tinh-ha-tinh", commune_unit_id="u-p-thanh-sen", address_line="Số 5",
            components=tuple(IntakeComponent(c.name, 1) for c in procedure.components),
        ),
        desk,
    ).code
    path = store_path(demo_data_dir)
    store_module._run_alembic(path, "downgrade", "0004")  # the store as the previous release left it
    db = sqlite3.connect(path)
    columns = {row[1] for row in db.execute("PRAGMA table_info(dossiers)")}
    assert "commune_name" not in columns and "address_line" in columns
    db.close()

    upgraded, backup = upgrade_store(demo_data_dir, now=clock.now(), create=False)

    assert backup is not None and backup.exists()
    db = sqlite3.connect(upgraded)
    assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
    row = db.execute(
        "SELECT code, address_line, commune_unit_id, province_code, province_name, commune_code, commune_name "
        "FROM dossiers"
    ).fetchall()
    assert row == [(code, "Số 5", "u-p-thanh-sen", "", "", "", "")]
    assert check_store(demo_data_dir).ok

    from counter_app.bootstrap import open_services
    from counter_app.services.documents import DocumentKind
    from tests.integration.test_intake_addresses import pdf_text

    reopened = open_services(demo_data_dir, clock=clock)
    text = pdf_text(reopened.printing.render(DocumentKind.RECEIPT, code, desk))
    assert "Số 5, phường Thành Sen, tỉnh Hà Tĩnh" in text  # the store's units, worded as an address
