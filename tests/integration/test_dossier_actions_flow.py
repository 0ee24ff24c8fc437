"""The service's answer of what can be done with a dossier, along a real dossier's life in a real store,
in the list of dossiers at their agencies, and on the command line (issue 10: allowed actions)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from counter_app.cli import main
from counter_app.domain.dossier import Outcome
from counter_app.domain.errors import DomainError
from counter_app.services.documents import DocumentKind
from counter_app.services.dossier_actions import Action, allowed_actions, at_agencies
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest

FOOD_SAFETY = "2.000595"  # 30.000 đ paid before the result, 5 working days, result by post allowed
ITEM = "EB123456785VN"
ADDRESS = "Số 5 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh"
A, K = Action, DocumentKind


def desk_of(services: Any) -> Desk:
    session, counter = services.demo_session()
    return Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)


def receive(services: Any, desk: Desk, outcome: Outcome = Outcome.COMPLETE, name: str = "Nguyễn Văn An") -> str:
    guide = services.procedure_guide(FOOD_SAFETY)
    request = IntakeRequest(
        request_key=uuid.uuid4().hex, procedure_code=FOOD_SAFETY, outcome=outcome,
        applicant_type="citizen", applicant_name=name, id_number="042301000123", phone="0912345678",
        components=tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components),
        reason="Thiếu giấy khám sức khỏe" if outcome is not Outcome.COMPLETE else "",
        missing_components=("Giấy khám sức khỏe",) if outcome is not Outcome.COMPLETE else (),
    )
    return str(services.dossiers.receive(request, desk).code)


# Written from DOMAIN.md: after each step of a dossier's life, the steps allowed next and the
# dossier forms that can be printed again.
LIFE: list[tuple[str, frozenset[Action], tuple[DocumentKind, ...]]] = [
    ("received", frozenset({A.HAND_OVER, A.PAY}), (K.RECEIPT, K.CONTROL)),
    ("handed over", frozenset({A.RESULT_READY, A.REQUEST_SUPPLEMENT, A.EXTEND, A.STOP, A.PAY}),
     (K.RECEIPT, K.CONTROL)),
    ("supplement requested", frozenset({A.SUPPLEMENT_PROVIDED, A.STOP, A.PAY}), (K.RECEIPT, K.SUPPLEMENT, K.CONTROL)),
    ("supplement provided", frozenset({A.RESULT_READY, A.EXTEND, A.STOP, A.PAY}), (K.RECEIPT, K.SUPPLEMENT, K.CONTROL)),
    ("extended", frozenset({A.RESULT_READY, A.STOP, A.PAY}), (K.RECEIPT, K.SUPPLEMENT, K.APOLOGY, K.CONTROL)),
    ("result ready", frozenset({A.PAY}), (K.RECEIPT, K.SUPPLEMENT, K.APOLOGY, K.CONTROL)),
    ("paid", frozenset({A.RETURN_AT_COUNTER, A.SEND_BY_POST}), (K.RECEIPT, K.SUPPLEMENT, K.APOLOGY, K.CONTROL)),
    ("sent by post", frozenset({A.PAY, A.POSTAL_DELIVERED, A.POSTAL_RETURNED}),
     (K.RECEIPT, K.SUPPLEMENT, K.APOLOGY, K.CONTROL)),
    ("returned to sender", frozenset({A.PAY}), (K.RECEIPT, K.SUPPLEMENT, K.APOLOGY, K.CONTROL)),
    ("charge paid", frozenset({A.RETURN_AT_COUNTER, A.SEND_BY_POST}), (K.RECEIPT, K.SUPPLEMENT, K.APOLOGY, K.CONTROL)),
    ("returned", frozenset(), (K.RECEIPT, K.SUPPLEMENT, K.APOLOGY, K.CONTROL)),
]


def test_the_answer_follows_a_dossier_through_its_life(services: Any, clock: Any) -> None:
    desk = desk_of(services)
    code = receive(services, desk)
    d = services.dossiers
    steps = {
        "received": lambda: None,
        "handed over": lambda: d.hand_over([code], desk),
        "supplement requested": lambda: d.request_supplement(code, desk, reason="Thiếu", missing=["Sơ đồ"]),
        "supplement provided": lambda: d.supplement_provided(code, desk),
        "extended": lambda: d.extend(code, desk, new_appointment=d.find(code).appointment + timedelta(days=3), reason="Chờ"),
        "result ready": lambda: d.result_ready(code, desk),
        "paid": lambda: d.pay(code, desk, amount=30_000, method="cash", request_key=uuid.uuid4().hex),
        "sent by post": lambda: d.send_by_post(code, desk, item_code=ITEM, receiver_name="Nguyễn Văn An",
                                               address=ADDRESS, phone="0912345678", charge=25_000),
        "returned to sender": lambda: d.postal_status(ITEM, desk, status="returned"),
        "charge paid": lambda: d.pay(code, desk, amount=25_000, method="cash", request_key=uuid.uuid4().hex),
        "returned": lambda: d.return_result(code, desk, recipient_name="Nguyễn Văn An", recipient_id="042301000123"),
    }
    assert [name for name, _a, _f in LIFE] == list(steps)

    for name, allowed, forms in LIFE:
        steps[name]()
        clock.advance(minutes=5)
        actions = allowed_actions(services, code)
        assert frozenset(actions.allowed) == allowed, name
        assert actions.printable_forms == forms, name

    # Every step the answer refuses is refused by the service too, with the same reason.
    reason = allowed_actions(services, code).why_not(A.RESULT_READY)
    assert reason is not None
    with pytest.raises(DomainError) as refused:
        d.result_ready(code, desk)
    assert refused.value.code == reason.code == "dossier.illegal_transition"


def test_a_dossier_incomplete_at_intake_offers_nothing_but_its_form_02(services: Any) -> None:
    code = receive(services, desk_of(services), Outcome.INCOMPLETE)

    actions = allowed_actions(services, code)

    assert actions.allowed == () and actions.offered == frozenset()
    assert actions.printable_forms == (K.SUPPLEMENT,)


def test_dossiers_at_their_agencies_come_with_their_actions(services: Any, clock: Any) -> None:
    desk = desk_of(services)
    waiting, extended, still_here = (receive(services, desk, name=n) for n in ("Lê A", "Lê B", "Lê C"))
    services.dossiers.hand_over([waiting, extended], desk)
    services.dossiers.request_supplement(waiting, desk, reason="Thiếu", missing=[])
    appointment = services.dossiers.find(extended).appointment
    services.dossiers.extend(extended, desk, new_appointment=appointment + timedelta(days=2), reason="Chờ")

    rows = at_agencies(services, desk)

    assert [r.summary.code for r in rows] == [waiting, extended]  # soonest appointment first; not the one here
    by_code = {r.summary.code: r.actions for r in rows}
    assert by_code[waiting].allowed == (A.SUPPLEMENT_PROVIDED, A.STOP, A.PAY)
    assert by_code[extended].offers(A.EXTEND) and not by_code[extended].can(A.EXTEND)
    assert by_code[extended].why_not(A.EXTEND).code == "dossier.extension_only_once"  # type: ignore[union-attr]
    assert still_here not in by_code


def test_counter_dossier_show_prints_the_next_steps_in_vietnamese(
    services: Any, demo_data_dir: Path, capsys: pytest.CaptureFixture[str], vi: None
) -> None:
    desk = desk_of(services)
    code = receive(services, desk)
    returned = receive(services, desk, name="Lê D")
    services.dossiers.hand_over([returned], desk)
    services.dossiers.result_ready(returned, desk)
    services.dossiers.pay(returned, desk, amount=30_000, method="cash", request_key=uuid.uuid4().hex)
    services.dossiers.return_result(returned, desk, recipient_name="Lê D", recipient_id="042301000123")

    assert main(["dossier", "show", code, "--data-dir", str(demo_data_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == "Việc có thể làm: bàn giao cho cơ quan giải quyết, thu phí"

    assert main(["dossier", "show", returned, "--data-dir", str(demo_data_dir)]) == 0
    assert "Việc có thể làm: không còn việc nào" in capsys.readouterr().out.splitlines()
