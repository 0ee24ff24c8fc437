"""Who may reset the queue day, see the queue figures, print the tracking book and take payments:
checked by the services on a real store (never the role a screen claims), with the acting staff recorded."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any

import pytest

from counter_app.bootstrap import DEMO_FILE
from counter_app.domain.dossier import Outcome
from counter_app.domain.errors import DomainError
from counter_app.services.catalog_data import load_province_data
from counter_app.services.documents import DocumentKind, TrackingBook
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from counter_app.services.i18n import describe_error
from counter_app.services.permissions import COMMAND_LINE, Permission, PermissionDenied, allows
from counter_app.services.queue import LocalQueueService
from counter_app.services.queue_port import QueueKpis
from counter_app.services.resources import resource_path
from counter_app.storage.models import StaffRow
from counter_app.storage.queue_seed import seed_queue
from counter_app.storage.store import store_path

CENTRE, LINE_K, COUNTER = "c-tinh", "c-tinh-line-k", "c-tinh-q8"
FOOD_SAFETY = "2.000595"  # 30.000 đ
DISABLED = "s-nv-retired"

# Who acts (staff ids of the demo store; the disabled clerk is added) — and the centre's words for them.
ACTORS = {
    "clerk": "s-nv01",
    "supervisor": "s-gsat01",
    "admin": "s-admin01",
    "disabled clerk": DISABLED,
    "clerk of another centre": "s-nv03",
    "command line": COMMAND_LINE,
}
NOT_HERE = "permission.not_staff_here"
# The written table: action → actor → None (allowed) or the refusal's code.
EXPECTED: dict[str, dict[str, str | None]] = {
    "reset the queue day": {
        "clerk": "permission.reset_queue_day", "supervisor": None, "admin": None,
        "disabled clerk": NOT_HERE, "clerk of another centre": NOT_HERE,
        "command line": "permission.reset_queue_day",  # a write naming the staff: needs a staff account
    },
    "see the queue figures": {
        "clerk": "permission.see_queue_kpis", "supervisor": None, "admin": None,
        "disabled clerk": NOT_HERE, "clerk of another centre": NOT_HERE, "command line": None,
    },
    "print the tracking book": {
        "clerk": None, "supervisor": None, "admin": None,
        "disabled clerk": NOT_HERE, "clerk of another centre": NOT_HERE, "command line": None,
    },
    "take a payment": {
        "clerk": None, "supervisor": None, "admin": None,
        "disabled clerk": NOT_HERE, "clerk of another centre": NOT_HERE, "command line": "permission.take_payment",
    },
}
CASES = [(action, actor, refusal) for action, row in EXPECTED.items() for actor, refusal in row.items()]


@pytest.fixture
def stand(services, clock) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    with services.uow() as uow:
        seed_queue(uow.session, load_province_data(resource_path(*DEMO_FILE)))
        uow.session.add(StaffRow(id=DISABLED, username="nv.retired", full_name="Lê Văn Nghỉ", password_hash="x",
                                 centre_id=CENTRE, role="clerk", active=False, failed_logins=0))
        uow.commit()
    clerk = services.login("nv01", "demo123")
    counter = services.counters(CENTRE)[0]
    desk = Desk(clerk.staff_id, clerk.full_name, CENTRE, counter.id, counter.name)
    procedure = services.guide_service.procedure(FOOD_SAFETY)
    code = services.dossiers.receive(IntakeRequest(
        request_key="fee", procedure_code=procedure.code, outcome=Outcome.COMPLETE, applicant_type="citizen",
        applicant_name="Nguyễn Văn An", id_number="042301000123", phone="0912345678",
        address_line="Số 5, đường Phan Đình Phùng", request_summary="Cấp giấy xác nhận kiến thức",
        components=tuple(IntakeComponent(c.name, max(c.originals, 1 if c.required else 0), c.certified_copies,
                                         c.photocopies) for c in procedure.components),
    ), desk).code
    return {"queue": LocalQueueService(services.uow, clock, services.device_id), "code": code, "counter": counter}


def _act(action: str, staff_id: str, services: Any, stand: dict[str, Any]) -> Any:
    desk = Desk(staff_id, "", CENTRE, stand["counter"].id, stand["counter"].name)
    queue: LocalQueueService = stand["queue"]
    if action == "reset the queue day":
        queue.issue_ticket(LINE_K, request_key="waiting")
        return queue.reset_day(CENTRE, staff_id)
    if action == "see the queue figures":
        return queue.kpis(CENTRE, staff_id)
    if action == "print the tracking book":
        return services.printing.document_data(DocumentKind.BOOK, "", desk, period=(date(2026, 11, 30),) * 2)
    return services.dossiers.pay(stand["code"], desk, amount=1_000, method="cash", request_key="p")


def _recorded(action: str, db: sqlite3.Connection) -> list[str]:
    """The staff ids the store recorded for the action (none for reading figures or the book)."""
    if action == "reset the queue day":
        events = db.execute("SELECT staff_id FROM queue_events WHERE type = 'removed_at_reset'").fetchall()
        ops = db.execute("SELECT payload FROM outbox WHERE entity = 'queue_ticket' AND op = 'removed_at_reset'")
        return [s for (s,) in events] + [json.loads(p)["reset_by"] for (p,) in ops]
    if action == "take a payment":
        rows = db.execute("SELECT staff_id FROM payments").fetchall()
        ops = db.execute("SELECT payload FROM outbox WHERE entity = 'payment'")
        return [s for (s,) in rows] + [json.loads(p)["staff_id"] for (p,) in ops]
    return []


@pytest.mark.parametrize(("action", "actor", "refusal"), CASES, ids=[f"{a}-{b}" for a, b, _r in CASES])
def test_who_may_do_what(services, stand, demo_data_dir, action, actor, refusal) -> None:  # type: ignore[no-untyped-def]
    staff_id = ACTORS[actor]
    db = sqlite3.connect(store_path(demo_data_dir))
    if refusal is not None:
        with pytest.raises(PermissionDenied) as caught:
            _act(action, staff_id, services, stand)
        assert caught.value.code == refusal
        assert describe_error(caught.value) != describe_error(DomainError("no.such.code"))  # words, not generic
        assert _recorded(action, db) == []  # nothing was written
        if action == "reset the queue day":
            assert db.execute("SELECT status FROM queue_tickets").fetchall() == [("waiting",)]
        return
    result = _act(action, staff_id, services, stand)
    if action == "reset the queue day":
        assert result == 1
        assert _recorded(action, db) == [staff_id, staff_id]  # the event and its outbox op
    elif action == "see the queue figures":
        assert isinstance(result, QueueKpis)
    elif action == "print the tracking book":
        assert isinstance(result, TrackingBook) and [r.dossier_code for r in result.rows] == [stand["code"]]
    else:
        assert result.created and _recorded(action, db) == [staff_id, staff_id]  # the payment and its op


def test_the_refusals_are_vietnamese_words(services, stand, vi) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied) as caught:
        stand["queue"].reset_day(CENTRE, ACTORS["clerk"])
    assert describe_error(caught.value) == "Tài khoản này không được làm mới hàng đợi trong ngày. Hãy nhờ cán bộ giám sát."
    with pytest.raises(PermissionDenied) as caught:
        stand["queue"].kpis(CENTRE, DISABLED)
    assert describe_error(caught.value).startswith("Tài khoản này đã bị khóa hoặc thuộc trung tâm khác.")


def test_an_unknown_role_may_do_nothing() -> None:
    assert not any(allows("visitor", permission) for permission in Permission)
    assert allows("supervisor", Permission.SEE_QUEUE_KPIS) and not allows("clerk", Permission.SEE_QUEUE_KPIS)
