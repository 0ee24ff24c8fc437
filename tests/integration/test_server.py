"""The provincial server on real databases: the embedded SQLite and a real PostgreSQL.

PostgreSQL comes from the ``pgserver`` wheel (a bundled PostgreSQL started without a system
install; as root it runs postgres as its own ``pgserver`` system user), or from a server named by
``COUNTER_TEST_POSTGRES_URL`` (an administrator URL: each test makes its own database there).
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from counter_app.server import commands, devices, sync
from counter_app.server.app import create_app
from counter_app.server.db import ServerDatabase, upgrade
from counter_app.server.models import (
    ChangeRow,
    EnrolmentCode,
    OpLogRow,
    PaymentRow,
    RecordRow,
    RejectRow,
)
from counter_app.server.reference import load_province
from counter_app.services.catalog_data import load_province_data
from counter_app.services.resources import resource_path
from counter_app.storage.security import Argon2PasswordHasher

pytestmark = pytest.mark.xdist_group("server")

CENTRE, OTHER_CENTRE = "c-tinh", "c-x-cam-xuyen"
SCHEMA = max(sync.supported_schema_versions())
FAST_HASHER = Argon2PasswordHasher(time_cost=1, memory_cost=64)


# --- databases (postgres_admin_url: tests/conftest.py) ---------------------------------------------


def _new_postgres(admin_url: str, template: str | None = None) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _loaded(url: str) -> str:
    """The database at ``url`` at the current schema with the sample province loaded (done once per backend)."""
    database = ServerDatabase.open(url)
    upgrade(database.engine)
    with database.transaction() as session:
        load_province(session, load_province_data(resource_path("demo", "province.json")), hasher=FAST_HASHER,
                      years=range(2026, 2028), postgres=database.postgres)
    database.dispose()
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("server-template") / "server.sqlite3"
    _loaded(f"sqlite+pysqlite:///{path}")
    return str(path)


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url: str) -> str:
    return make_url(_loaded(_new_postgres(postgres_admin_url))).database or ""


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path) -> Iterator[ServerDatabase]:  # type: ignore[no-untyped-def]
    """A server database of its own, at the current schema, with the sample province loaded."""
    if request.param == "sqlite":
        shutil.copy(request.getfixturevalue("sqlite_template"), tmp_path / "server.sqlite3")
        url = f"sqlite+pysqlite:///{tmp_path / 'server.sqlite3'}"
    else:
        url = _new_postgres(request.getfixturevalue("postgres_admin_url"), request.getfixturevalue("postgres_template"))
    database = ServerDatabase.open(url)
    yield database
    database.dispose()


@pytest.fixture
def client(db: ServerDatabase) -> TestClient:
    return TestClient(create_app(db))


def _code(db: ServerDatabase, centre: str = CENTRE, slot: int = 1, ttl: timedelta = timedelta(hours=1)) -> str:
    with db.transaction() as session:
        return devices.new_enrolment_code(session, centre, slot, datetime.now(UTC), ttl)


def _enrol(client: TestClient, db: ServerDatabase, centre: str = CENTRE) -> tuple[str, dict[str, str]]:
    device_id = str(uuid.uuid4())
    answer = client.post("/api/v1/enrol", json={"code": _code(db, centre), "device_id": device_id, "name": "PC 1"})
    assert answer.status_code == 200, answer.text
    return device_id, {"Authorization": f"Bearer {answer.json()['token']}"}


def _op(device_id: str, seq: int, entity: str = "queue_ticket", payload: dict[str, Any] | None = None,
        **fields: Any) -> dict[str, Any]:
    op = {
        "op_id": str(uuid.uuid4()), "device_id": device_id, "device_seq": seq, "entity": entity,
        "entity_id": f"t-{seq}", "op": "issued", "schema_version": SCHEMA,
        "hlc": f"{1_800_000_000_000 + seq:013d}.00000.{device_id}",
        "payload": json.dumps(payload if payload is not None else {"ticket": {"centre_id": CENTRE}, "seq": seq}),
    }
    op.update(fields)
    return op


def _push(client: TestClient, auth: dict[str, str], ops: list[dict[str, Any]], batch: str | None = None):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/push", headers=auth, json={"batch_id": batch or str(uuid.uuid4()), "ops": ops})


def _count(db: ServerDatabase, model: Any) -> int:
    with db.transaction(readonly=True) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


# --- enrolment and authentication ---------------------------------------------------------------


def test_a_code_enrols_one_pc_once_and_the_token_is_stored_only_as_a_digest(client: TestClient, db: ServerDatabase) -> None:
    code = _code(db, slot=2)
    device_id = str(uuid.uuid4())
    first = client.post("/api/v1/enrol", json={"code": code.lower(), "device_id": device_id})
    assert first.status_code == 200, first.text
    assert first.json()["centre_id"] == CENTRE and first.json()["slot"] == 2
    token = first.json()["token"]
    again = client.post("/api/v1/enrol", json={"code": code, "device_id": str(uuid.uuid4())})
    assert again.status_code == 409 and again.json()["error"] == "server.code_used"
    assert "đã được dùng" in again.json()["message"]  # Vietnamese words, not a traceback
    me = client.get("/api/v1/device", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"device_id": device_id, "centre_id": CENTRE, "slot": 2, "last_seq": 0}
    with db.transaction(readonly=True) as session:
        stored = json.dumps([str(v) for row in session.execute(text("SELECT * FROM devices")) for v in row])
        codes = json.dumps([str(v) for row in session.execute(select(EnrolmentCode)) for v in row])
    assert token not in stored and code.replace("-", "") not in codes


def test_an_expired_or_unknown_code_is_refused(client: TestClient, db: ServerDatabase) -> None:
    expired = _code(db, ttl=timedelta(seconds=-1))
    answer = client.post("/api/v1/enrol", json={"code": expired, "device_id": str(uuid.uuid4())})
    assert answer.status_code == 410 and answer.json()["error"] == "server.code_expired"
    answer = client.post("/api/v1/enrol", json={"code": "AAAA-BBBB-CCCC", "device_id": str(uuid.uuid4())})
    assert answer.status_code == 404
    with db.transaction() as session, pytest.raises(Exception, match="server.unknown_centre"):
        devices.new_enrolment_code(session, "no-such-centre", 1, datetime.now(UTC))


def test_requests_without_a_valid_token_or_as_another_device_are_refused(client: TestClient, db: ServerDatabase) -> None:
    device_id, auth = _enrol(client, db)
    assert _push(client, {}, [_op(device_id, 1)]).status_code == 401
    assert _push(client, {"Authorization": "Bearer not-a-token"}, [_op(device_id, 1)]).status_code == 401
    assert client.get("/api/v1/pull", headers={"Authorization": "Basic x"}).status_code == 401
    other = _push(client, auth, [_op(str(uuid.uuid4()), 1)])
    assert other.status_code == 403 and other.json()["error"] == "sync.other_device"
    assert _count(db, OpLogRow) == 0


def test_a_revoked_device_is_refused_on_its_very_next_request(client: TestClient, db: ServerDatabase) -> None:
    device_id, auth = _enrol(client, db)
    assert _push(client, auth, [_op(device_id, 1)]).json()["results"][0]["status"] == "applied"
    with db.transaction() as session:
        devices.revoke(session, device_id, datetime.now(UTC))
    refused = _push(client, auth, [_op(device_id, 2)])
    assert refused.status_code == 401 and refused.json()["error"] == "server.device_revoked"
    assert client.get("/api/v1/pull", headers=auth).status_code == 401
    assert _count(db, OpLogRow) == 1


# --- push ---------------------------------------------------------------------------------------


def test_push_applies_in_order_and_a_replay_answers_duplicate(client: TestClient, db: ServerDatabase) -> None:
    device_id, auth = _enrol(client, db)
    pay = {"receipt": "R-1", "dossier_code": "X-1", "amount": 50_000, "method": "cash", "paid_at": "2026-12-01T09:00:00+07:00"}
    ops = [_op(device_id, 1), _op(device_id, 2, "payment", pay, entity_id="pay-1"), _op(device_id, 3)]
    first = _push(client, auth, ops, batch="b-1")
    assert [r["status"] for r in first.json()["results"]] == ["applied"] * 3
    assert first.json()["last_seq"] == 3
    replayed = _push(client, auth, ops, batch="b-1")  # the same batch again: the same answer
    assert replayed.json()["replayed"] is True
    assert replayed.json()["results"] == first.json()["results"]
    resent = _push(client, auth, ops, batch="b-2")  # the same ops in a new batch: each a duplicate
    assert [(r["status"], r["first"]) for r in resent.json()["results"]] == [("duplicate", "applied")] * 3
    assert _count(db, OpLogRow) == 3 and _count(db, PaymentRow) == 1


def test_a_gap_in_device_seq_is_answered_and_nothing_after_it_is_applied(client: TestClient, db: ServerDatabase) -> None:
    device_id, auth = _enrol(client, db)
    ops = [_op(device_id, seq) for seq in (1, 2, 3, 4)]
    assert _push(client, auth, ops[:1]).json()["last_seq"] == 1
    gap = _push(client, auth, ops[2:]).json()
    assert gap["gap"] == {"expected_seq": 2, "received_seq": 3}
    assert [r["status"] for r in gap["results"]] == ["gap", "not_applied"]
    assert _count(db, OpLogRow) == 1
    filled = _push(client, auth, ops[1:]).json()
    assert [r["status"] for r in filled["results"]] == ["applied"] * 3 and filled["last_seq"] == 4
    assert _push(client, auth, [ops[2], ops[1]]).status_code == 422  # out of order: refused whole


def test_rejected_ops_are_answered_kept_for_review_and_do_not_block_the_rest(client: TestClient, db: ServerDatabase) -> None:
    device_id, auth = _enrol(client, db)
    ops = [
        _op(device_id, 1, schema_version="9999-unknown"),
        _op(device_id, 2, payload={"ticket": {"centre_id": OTHER_CENTRE}}),
        _op(device_id, 3, "payment", {"amount": 1}),
        _op(device_id, 4, payload=None),
    ]
    answer = _push(client, auth, ops).json()
    assert [(r["status"], r.get("reason")) for r in answer["results"]] == [
        ("rejected", "schema_version"), ("rejected", "other_centre"), ("rejected", "missing_fields"), ("applied", None),
    ]
    assert answer["last_seq"] == 4
    stolen = _op(device_id, 2)  # another op claiming a seq the server holds already
    assert _push(client, auth, [stolen]).json()["results"][0]["reason"] == "seq_taken"
    with db.transaction(readonly=True) as session:
        kept = list(session.scalars(select(RejectRow).order_by(RejectRow.id)))
    assert [r.reason for r in kept] == ["schema_version", "other_centre", "missing_fields", "seq_taken"]
    assert json.loads(kept[1].op_json)["op_id"] == ops[1]["op_id"]  # the whole op is kept
    again = _push(client, auth, ops[:1]).json()["results"][0]
    assert (again["status"], again["first"]) == ("duplicate", "rejected")  # rejected once, not twice
    assert _count(db, RejectRow) == 4


def test_bad_input_gets_clear_4xx_answers(client: TestClient, db: ServerDatabase) -> None:
    device_id, auth = _enrol(client, db)
    broken = client.post("/api/v1/push", headers={**auth, "Content-Type": "application/json"}, content=b"{not json")
    assert broken.status_code == 422
    too_many = _push(client, auth, [_op(device_id, n) for n in range(1, sync.MAX_BATCH + 2)])
    assert too_many.status_code == 422
    huge = client.post("/api/v1/push", headers={**auth, "Content-Length": str(10**9)}, content=b"{}")
    assert huge.status_code == 413
    assert client.get("/api/v1/pull", headers=auth, params={"cursor": "x.y"}).status_code == 422
    future = client.get("/api/v1/pull", headers=auth, params={"cursor": "999999999.999999999"})
    assert future.status_code == 409 and future.json()["error"] == "sync.cursor_unknown"
    assert _count(db, OpLogRow) == 0


# --- pull ---------------------------------------------------------------------------------------


def _pull_all(client: TestClient, auth: dict[str, str], cursor: str | None = None, limit: int = 400) -> tuple[list[dict[str, Any]], str | None]:
    changes: list[dict[str, Any]] = []
    while True:
        page = client.get("/api/v1/pull", headers=auth, params={"limit": limit, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        changes += page.json()["changes"]
        cursor = page.json()["cursor"]
        if not page.json()["more"]:
            return changes, cursor


def test_pull_pages_the_province_and_the_centres_own_rows(client: TestClient, db: ServerDatabase) -> None:
    _device_id, auth = _enrol(client, db)
    changes, cursor = _pull_all(client, auth)
    seen = {(c["entity"], c["entity_id"]) for c in changes}
    assert len(seen) == len(changes)  # each row once
    with db.transaction(readonly=True) as session:
        wanted = {(r.entity, r.entity_id) for r in session.scalars(
            select(RecordRow).where((RecordRow.centre_id.is_(None)) | (RecordRow.centre_id == CENTRE)))}
    assert seen == wanted
    entities = {c["entity"] for c in changes}
    assert {"units", "procedures", "staff", "calendar_days", "counters", "queue_lines"} <= entities
    counters = [c["payload"] for c in changes if c["entity"] == "counters"]
    assert counters and {c["centre_id"] for c in counters} == {CENTRE}
    staff = [c["payload"] for c in changes if c["entity"] == "staff"]
    assert staff and all(s["password_hash"].startswith("$argon2id$") for s in staff)
    assert not any("failed_logins" in s for s in staff)
    # a change made later comes after the cursor, alone
    with db.transaction() as session:
        sync.publish(session, "calendar_days", "2027-01-02", None, {"day": "2027-01-02", "kind": "off"}, postgres=db.postgres)
    later, after = _pull_all(client, auth, cursor)
    assert [(c["entity"], c["entity_id"]) for c in later] == [("calendar_days", "2027-01-02")]
    assert _pull_all(client, auth, after) == ([], after)  # nothing new: the cursor stays


def test_pull_never_skips_a_change_committed_late(db: ServerDatabase, client: TestClient) -> None:
    """The writer that took the smaller id commits last: a bare id cursor would pass its row by."""
    _device_id, auth = _enrol(client, db)
    _all, cursor = _pull_all(client, auth)
    if not db.postgres:
        pytest.skip("SQLite has one writer at a time (BEGIN IMMEDIATE): ids are taken in commit order")
    slow = db.session()
    slow.begin()
    sync.publish(slow, "calendar_days", "2027-05-01", None, {"day": "2027-05-01"}, postgres=True)
    slow.flush()  # its change row has its id now, and its transaction is still open
    with db.transaction() as fast:
        sync.publish(fast, "calendar_days", "2027-05-02", None, {"day": "2027-05-02"}, postgres=True)
    while_open, cursor_open = _pull_all(client, auth, cursor)
    assert while_open == []  # the later-committed row waits behind the open transaction's horizon
    slow.commit()
    slow.close()
    after, _ = _pull_all(client, auth, cursor_open)
    assert [c["entity_id"] for c in after] == ["2027-05-01", "2027-05-02"]


def test_publishing_the_same_rows_again_changes_nothing(db: ServerDatabase) -> None:
    before = _count(db, ChangeRow)
    assert before > 1000
    with db.transaction() as session:
        # the same rows again (new salts would differ: keep the stored staff hashes out of it)
        for record in session.scalars(select(RecordRow).where(RecordRow.entity != "staff")).all():
            assert not sync.publish(session, record.entity, record.entity_id, record.centre_id,
                                    json.loads(record.payload), postgres=db.postgres)
    assert _count(db, ChangeRow) == before


# --- citizens -----------------------------------------------------------------------------------


def test_citizen_status_page_shows_status_in_vietnamese_with_a_masked_name(client: TestClient, db: ServerDatabase, vi: None) -> None:
    device_id, auth = _enrol(client, db)
    created = {"code": "STP-261201-0001", "centre_id": CENTRE, "applicant_name": "Nguyễn Văn An", "status": "received",
               "procedure_code": "1.001", "appointment": "2026-12-08T16:00:00+07:00", "phone": "0912345678"}
    handed = {"dossier_code": "STP-261201-0001", "seq": 2, "status_after": "processing"}
    answer = _push(client, auth, [_op(device_id, 1, "dossier", created, entity_id="d-1", op="created"),
                                  _op(device_id, 2, "dossier_event", handed, entity_id="d-1", op="handed_over")])
    assert [r["status"] for r in answer.json()["results"]] == ["applied", "applied"]
    page = client.get("/tra-cuu", params={"ma": " stp-261201-0001 "})
    assert page.status_code == 200 and "width=device-width" in page.text
    assert "N***** V** A*" in page.text and "Nguyễn Văn An" not in page.text and "0912345678" not in page.text
    assert "Tra cứu tình trạng hồ sơ" in page.text and "Nơi nhận kết quả" in page.text
    from counter_app.services.dossier_words import status_text

    assert status_text("processing") in page.text and status_text("received") not in page.text
    assert "08/12/2026" in page.text
    missing = client.get("/tra-cuu", params={"ma": "<script>"})
    assert missing.status_code == 404 and "<script>" not in missing.text and "Không tìm thấy hồ sơ" in missing.text


def test_a_step_that_moves_the_appointment_moves_it_on_the_citizen_page(client: TestClient, db: ServerDatabase) -> None:
    device_id, auth = _enrol(client, db)
    created = {"code": "STP-261201-0002", "centre_id": CENTRE, "applicant_name": "Nguyễn Văn An", "status": "received",
               "appointment": "2026-12-08T16:00:00+07:00"}
    # a 0014 op: the event carries no appointment of its own, the dossier as the step left it does
    provided = {"dossier_code": "STP-261201-0002", "seq": 2, "status_after": "processing",
                "rows": {"dossiers": [{"code": "STP-261201-0002", "appointment": "2026-12-15T09:00:00.000000+00:00"}]}}
    answer = _push(client, auth, [_op(device_id, 1, "dossier", created, entity_id="d-2", op="created"),
                                  _op(device_id, 2, "dossier_event", provided, entity_id="d-2", op="supplement_provided")])
    assert [r["status"] for r in answer.json()["results"]] == ["applied", "applied"]
    assert "15/12/2026" in client.get("/tra-cuu", params={"ma": "STP-261201-0002"}).text


def test_openapi_describes_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/enrol", "/api/v1/push", "/api/v1/pull", "/api/v1/device", "/tra-cuu", "/health"} <= set(paths)
    assert "409" in paths["/api/v1/enrol"]["post"]["responses"]


# --- schema -------------------------------------------------------------------------------------


def test_server_migrations_describe_the_models(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from counter_app.server.models import ServerBase

    database = ServerDatabase.open(f"sqlite+pysqlite:///{tmp_path / 's.sqlite3'}")
    upgrade(database.engine)
    with database.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), ServerBase.metadata) == []
    database.dispose()


def test_commands_refuse_a_database_of_another_version(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Exception, match="server.schema_mismatch"):
        commands.enrol_code(tmp_path, None, CENTRE, 1)
