"""What can be done with a dossier now (services/dossier_actions.py), from a table written by hand.

The table is written from DOMAIN.md (Decree 118 life cycle, Circular 01/2018 forms), not from the
code: each row is a situation of one dossier. "offered" are the steps its state has (the screens
enable their buttons); "refused by a rule" are offered steps a rule forbids now, with the reason's
code; everything else offered is allowed now. "not offered" names some of the other steps with
the reason they are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from counter_app.domain.dossier import DossierRecord, DossierStatus
from counter_app.services.dossier_actions import Action, decide, next_steps_text

TZ = timezone(timedelta(hours=7))
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=TZ)
FEE = 30_000

SHORT = {
    "handover": Action.HAND_OVER,
    "ready": Action.RESULT_READY,
    "supplement": Action.REQUEST_SUPPLEMENT,
    "provided": Action.SUPPLEMENT_PROVIDED,
    "extend": Action.EXTEND,
    "stop": Action.STOP,
    "pay": Action.PAY,
    "return": Action.RETURN_AT_COUNTER,
    "post": Action.SEND_BY_POST,
    "delivered": Action.POSTAL_DELIVERED,
    "returned": Action.POSTAL_RETURNED,
}

#  situation                       offered                           refused by a rule                               not offered (sample)
TABLE = """
received_unpaid                    handover pay                      -                                               stop=dossier.illegal_transition return=dossier.illegal_transition
received_paid                      handover                          -                                               pay=payment.already_paid
processing                         ready supplement extend stop      -                                               provided=dossier.illegal_transition handover=dossier.illegal_transition
processing_unpaid                  ready supplement extend stop pay  -                                               post=dossier.illegal_transition
processing_supplemented_once       ready supplement extend stop      supplement=dossier.supplement_only_once        -
processing_extended_once           ready supplement extend stop      extend=dossier.extension_only_once             -
processing_deadline_in_20_hours    ready supplement extend stop      extend=dossier.extension_too_late              -
processing_deadline_in_25_hours    ready supplement extend stop      -                                               -
supplement_requested               provided stop                     -                                               ready=dossier.illegal_transition extend=dossier.illegal_transition
result_ready_unpaid                pay return post                   return=return.fees_outstanding post=return.fees_outstanding  ready=dossier.illegal_transition
result_ready_paid                  return post                       -                                               stop=dossier.illegal_transition pay=payment.already_paid
returned_at_counter                -                                 -                                               delivered=dossier.illegal_transition returned=dossier.illegal_transition
posted_charge_unpaid               pay delivered returned            -                                               return=dossier.illegal_transition post=dossier.illegal_transition
posted_delivered                   -                                 -                                               delivered=postal.already_final returned=postal.already_final
incomplete                         -                                 -                                               pay=payment.not_registered handover=dossier.illegal_transition
refused                            -                                 -                                               pay=payment.not_registered
stopped                            -                                 -                                               ready=dossier.illegal_transition stop=dossier.illegal_transition
stopped_unpaid                     pay                               -                                               -
withdrawn                          -                                 -                                               handover=dossier.illegal_transition
"""


@dataclass(frozen=True)
class Item:
    item_code: str
    status: str


def record(**changes: Any) -> DossierRecord:
    base = DossierRecord(
        id="d1", code="000.00.06.H27-261130-0001", request_key="k", centre_id="c", procedure_id="p",
        procedure_code="2.000595", procedure_name="Thủ tục", catalog_version=1, agency_unit_id="a",
        agency_code="A", form_set="circular_03_2025", status=DossierStatus.PROCESSING, applicant_type="citizen",
        applicant_name="Nguyễn Văn An", applicant_key="nguyen van an", id_number="042301000123",
        phone="0912345678", email="", province_unit_id=None, commune_unit_id=None, address_line="",
        owner_name="", channel="direct", request_summary="", sets=1, result_delivery="counter",
        delivery_receiver="", delivery_address="", delivery_phone="", reason="", missing_components=(),
        received_at=NOW - timedelta(days=2), appointment=NOW + timedelta(days=5), original_appointment=None,
        paused_at=None, supplement_requests=0, extensions=0, handover_due=None, result_ready_at=None,
        returned_at=None, timeliness="", recipient_name="", staff_id="s", counter_id=None, device_id="dev",
        fee_due=FEE, event_count=3, updated_at=NOW,
    )
    return replace(base, **changes)


S = DossierStatus
SITUATIONS: dict[str, tuple[DossierRecord, int, tuple[Item, ...]]] = {
    "received_unpaid": (record(status=S.RECEIVED), 0, ()),
    "received_paid": (record(status=S.RECEIVED), FEE, ()),
    "processing": (record(), FEE, ()),
    "processing_unpaid": (record(), 10_000, ()),
    "processing_supplemented_once": (record(supplement_requests=1), FEE, ()),
    "processing_extended_once": (record(extensions=1), FEE, ()),
    "processing_deadline_in_20_hours": (record(appointment=NOW + timedelta(hours=20)), FEE, ()),
    "processing_deadline_in_25_hours": (record(appointment=NOW + timedelta(hours=25)), FEE, ()),
    "supplement_requested": (record(status=S.SUPPLEMENT_REQUESTED, supplement_requests=1, paused_at=NOW), FEE, ()),
    "result_ready_unpaid": (record(status=S.RESULT_READY), 0, ()),
    "result_ready_paid": (record(status=S.RESULT_READY), FEE, ()),
    "returned_at_counter": (record(status=S.RETURNED), FEE, ()),
    "posted_charge_unpaid": (record(status=S.RETURNED, fee_due=FEE + 25_000), FEE, (Item("EB123456785VN", "sent"),)),
    "posted_delivered": (record(status=S.RETURNED), FEE, (Item("EB123456785VN", "delivered"),)),
    "incomplete": (record(status=S.INCOMPLETE, fee_due=0, appointment=None), 0, ()),
    "refused": (record(status=S.REFUSED, fee_due=0, appointment=None), 0, ()),
    "stopped": (record(status=S.STOPPED), FEE, ()),
    "stopped_unpaid": (record(status=S.STOPPED), 0, ()),
    "withdrawn": (record(status=S.WITHDRAWN), FEE, ()),
}


def _actions(words: str) -> frozenset[Action]:
    return frozenset() if words == "-" else frozenset(SHORT[w] for w in words.split())


def _reasons(words: str) -> dict[Action, str]:
    return {} if words == "-" else {SHORT[k]: v for k, v in (w.split("=") for w in words.split())}


Row = tuple[str, frozenset[Action], dict[Action, str], dict[Action, str]]


def _rows() -> list[Row]:
    rows: list[Row] = []
    for line in TABLE.strip().splitlines():
        name, offered, refused, not_offered = re.split(r"\s{2,}", line.strip())
        rows.append((name, _actions(offered), _reasons(refused), _reasons(not_offered)))
    return rows


def test_the_table_covers_every_situation() -> None:
    assert [row[0] for row in _rows()] == list(SITUATIONS)


@pytest.mark.parametrize(("name", "offered", "refused", "not_offered"), _rows(), ids=[r[0] for r in _rows()])
def test_actions_follow_the_written_table(
    name: str, offered: frozenset[Action], refused: dict[Action, str], not_offered: dict[Action, str]
) -> None:
    rec, paid, items = SITUATIONS[name]

    actions = decide(rec, now=NOW, paid=paid, postal_items=items)

    assert actions.offered == offered
    assert set(refused) <= offered and not set(not_offered) & offered  # the table itself is consistent
    assert frozenset(actions.allowed) == offered - set(refused)
    for action in Action:
        assert actions.offers(action) is (action in offered)
        assert actions.can(action) is (action in offered and action not in refused)
        assert (actions.why_not(action) is None) is actions.can(action)
    for action, code in {**refused, **not_offered}.items():
        error = actions.why_not(action)
        assert error is not None and error.code == code, (action, error)


def test_outstanding_and_items_in_transit_come_with_the_answer() -> None:
    rec, paid, items = SITUATIONS["posted_charge_unpaid"]

    actions = decide(rec, now=NOW, paid=paid, postal_items=(Item("EB000000000VN", "returned"), *items))

    assert actions.outstanding == 25_000
    assert actions.postal_in_transit == ("EB123456785VN",)
    assert actions.code == rec.code and actions.status is DossierStatus.RETURNED


def test_the_command_line_words_list_the_allowed_actions_in_vietnamese(vi: None) -> None:
    rec, paid, items = SITUATIONS["processing_unpaid"]

    line = next_steps_text(decide(rec, now=NOW, paid=paid, postal_items=items))

    assert line == (
        "Việc có thể làm: nhận kết quả từ cơ quan, cơ quan yêu cầu bổ sung, xin lỗi và gia hạn, "
        "công dân xin dừng, thu phí"
    )
    assert next_steps_text(decide(SITUATIONS["returned_at_counter"][0], now=NOW, paid=FEE)) == "Việc có thể làm: không còn việc nào"
