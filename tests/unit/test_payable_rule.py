"""Whether fees can be taken for a dossier is one rule (domain/dossier.require_payable): the payment use
case and the service's answer of allowed actions both ask it (issue 10: it lived twice)."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.domain import dossier as rules
from counter_app.domain.dossier import DossierStatus
from counter_app.domain.errors import DomainError
from counter_app.services import dossier_actions
from counter_app.services.dossier_actions import Action
from counter_app.services.dossiers import IntakeComponent, IntakeRequest
from tests.fakes import DossierWorld, dossier_world

# status, outstanding -> the refusal's code ("" = money can be taken)
TABLE = """
received               30000  -
received                   0  payment.already_paid
processing             30000  -
result_ready               1  -
result_ready               0  payment.already_paid
result_ready            -500  payment.already_paid
incomplete             30000  payment.not_registered
incomplete                 0  payment.not_registered
refused                30000  payment.not_registered
"""


@pytest.mark.parametrize("line", TABLE.strip().splitlines())
def test_the_written_table_of_when_fees_can_be_taken(line: str) -> None:
    status, outstanding, expected = line.split()
    if expected == "-":
        rules.require_payable(DossierStatus(status), "X-1", int(outstanding))
        return
    with pytest.raises(DomainError) as caught:
        rules.require_payable(DossierStatus(status), "X-1", int(outstanding))
    assert caught.value.code == expected and caught.value.params["code"] == "X-1"


def _received(world: DossierWorld) -> str:
    req = IntakeRequest(
        request_key="k1", procedure_code=world.procedure.code, outcome=rules.Outcome.COMPLETE, applicant_type="citizen",
        applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123", phone="0912345678",
        address_line="Số 5, đường Phan Đình Phùng", components=(IntakeComponent("Đơn đề nghị", 1),),
        request_summary="Xác nhận kiến thức an toàn thực phẩm",
    )
    return world.service.receive(req, world.desk).code


def test_payment_and_the_allowed_actions_ask_the_same_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    world = dossier_world()
    code = _received(world)
    asked: list[tuple[Any, ...]] = []

    def refuse_all(status: DossierStatus, code: str, outstanding: int) -> None:
        asked.append((status, code, outstanding))
        raise DomainError("payment.test_rule", code=code)

    monkeypatch.setattr(rules, "require_payable", refuse_all)  # a changed rule changes both callers

    with pytest.raises(DomainError) as caught:
        world.service.pay(code, world.desk, amount=10_000, method="cash", request_key="p1")
    assert caught.value.code == "payment.test_rule"
    assert world.store.state.payments == []

    detail = world.service.detail(code)
    answer = dossier_actions.actions_of(detail, world.clock.now())
    refusal = answer.why_not(Action.PAY)
    assert refusal is not None and refusal.code == "payment.test_rule"
    assert asked == [(DossierStatus.RECEIVED, code, 30_000)] * 2
    assert dossier_actions.NOT_REGISTERED is rules.NOT_REGISTERED  # one set of statuses, re-exported
