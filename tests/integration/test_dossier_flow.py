"""A dossier's whole life on a real store: intake → hand-over → result → fees → return, and the refusals."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import pytest

from counter_app.bootstrap import VIETNAM_TIME
from counter_app.domain.dossier import DossierStatus, EventType, Outcome
from counter_app.domain.errors import DomainError
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from counter_app.services.i18n import describe_error
from counter_app.storage.store import store_path

ELECTRICITY = "2.002180"  # Cấp điện mới từ lưới điện hạ áp: 5 working days, free
FOOD_SAFETY = "2.000595"  # Cấp Giấy xác nhận kiến thức về an toàn thực phẩm: 30.000 đ, 5 working days


@pytest.fixture
def desk(services) -> Desk:  # type: ignore[no-untyped-def]
    session = services.login("nv01", "demo123")
    counter = services.counters(session.centre_id)[0]
    return Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)


def intake(services, *, key: str = "k1", outcome: Outcome = Outcome.COMPLETE, **overrides) -> IntakeRequest:  # type: ignore[no-untyped-def]
    procedure = services.guide_service.procedure(overrides.pop("procedure_code", ELECTRICITY))
    values = dict(
        request_key=key, procedure_code=procedure.code, outcome=outcome, applicant_type="citizen",
        applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123", phone="0912345678",
        address_line="Số 5, đường Phan Đình Phùng",
        components=tuple(IntakeComponent(c.name, max(c.originals, 1 if c.required else 0), c.certified_copies, c.photocopies)
                         for c in procedure.components),
        request_summary="Đề nghị cấp điện sinh hoạt cho hộ gia đình",
    )
    values.update(overrides)
    return IntakeRequest(**values)


def test_complete_intake_registers_with_code_and_appointment(services, desk, clock) -> None:  # type: ignore[no-untyped-def]
    result = services.dossiers.receive(intake(services), desk)
    assert result.created and result.status is DossierStatus.RECEIVED
    assert result.code.startswith("000.00.") and result.code.endswith("-261130-0001")
    assert result.appointment == datetime(2026, 12, 7, 9, 0, tzinfo=VIETNAM_TIME)
    found = services.dossiers.find(result.code, desk)
    assert found.applicant_name == "Nguyễn Thị Ánh Tuyết"
    assert found.id_hint == "••••0123" and "042301000123" not in repr(found)


def test_double_click_on_save_gives_one_dossier(services, desk, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    first = services.dossiers.receive(intake(services, key="same"), desk)
    second = services.dossiers.receive(intake(services, key="same"), desk)
    assert second.code == first.code and not second.created
    rows = sqlite3.connect(store_path(demo_data_dir)).execute("SELECT count(*) FROM dossiers").fetchone()[0]
    assert rows == 1


def test_the_whole_life_of_a_dossier(services, desk, clock, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    code = services.dossiers.receive(intake(services, procedure_code=FOOD_SAFETY), desk).code
    with pytest.raises(DomainError) as caught:  # return before the result is ready
        services.dossiers.return_result(code, desk, recipient_name="Nguyễn Thị Ánh Tuyết", recipient_id="042301000123")
    assert caught.value.code == "dossier.illegal_transition"

    proposals = services.dossiers.handover_proposals(desk)
    assert any(code in [d.code for d in p.dossiers] for p in proposals)
    batch = services.dossiers.hand_over([code], desk, receiver_name="Trần Văn Bình")
    assert batch.dossier_codes == (code,)

    clock.advance(days=2)
    services.dossiers.result_ready(code, desk)
    due = services.dossiers.find(code, desk)
    assert due.status is DossierStatus.RESULT_READY
    assert due.fee_due == 30_000
    if due.fee_due:
        with pytest.raises(DomainError, match="return.fees_outstanding"):
            services.dossiers.return_result(code, desk, recipient_name="Nguyễn Thị Ánh Tuyết", recipient_id="042301000123")
        paid = services.dossiers.pay(code, desk, amount=due.fee_due, method="cash", request_key="pay-1")
        again = services.dossiers.pay(code, desk, amount=due.fee_due, method="cash", request_key="pay-1")
        assert again.receipt_number == paid.receipt_number and not again.created
        with pytest.raises(DomainError, match="payment.already_paid"):
            services.dossiers.pay(code, desk, amount=1000, method="cash", request_key="pay-2")
    returned = services.dossiers.return_result(code, desk, recipient_name="NGUYEN THI ANH TUYET", recipient_id="042301000123")
    assert returned.status is DossierStatus.RETURNED

    detail = services.dossiers.detail(code)
    types = [h.type for h in detail.history]
    assert types[0] is EventType.RECEIVED and types[-1] is EventType.RETURNED
    assert EventType.HANDED_OVER in types and EventType.RESULT_READY in types
    assert all(h.staff_name == desk.staff_name for h in detail.history)
    assert detail.record.timeliness == "early"
    assert batch.batch_code in detail.batches

    with pytest.raises(DomainError) as caught:  # return twice
        services.dossiers.return_result(code, desk, recipient_name="Nguyễn Thị Ánh Tuyết", recipient_id="042301000123")
    assert "dossier" in caught.value.code
    ops = sqlite3.connect(store_path(demo_data_dir)).execute(
        "SELECT entity, op FROM outbox WHERE entity IN ('dossier', 'dossier_event') ORDER BY device_seq"
    ).fetchall()
    assert ops[0] == ("dossier", "created") and ("dossier_event", "returned") in ops


def test_someone_else_needs_an_authorisation(services, desk, clock) -> None:  # type: ignore[no-untyped-def]
    request = intake(services, procedure_code=services.search_procedures("dang ky khai tu")[0].code)
    code = services.dossiers.receive(request, desk).code
    services.dossiers.hand_over([code], desk)
    services.dossiers.result_ready(code, desk)
    with pytest.raises(DomainError) as caught:
        services.dossiers.return_result(code, desk, recipient_name="Lê Văn Cường", recipient_id="042099000777")
    assert "Nguyễn Thị Ánh Tuyết" in describe_error(caught.value)
    returned = services.dossiers.return_result(
        code, desk, recipient_name="Lê Văn Cường", recipient_id="042099000777", authorised=True,
        authorisation_note="Giấy ủy quyền số 12/UQ ngày 01/12/2026",
    )
    assert returned.status is DossierStatus.RETURNED


def test_supplement_once_moves_the_appointment(services, desk, clock) -> None:  # type: ignore[no-untyped-def]
    code = services.dossiers.receive(intake(services), desk).code
    services.dossiers.hand_over([code], desk)
    before = services.dossiers.find(code, desk).appointment
    clock.advance(days=1)  # Tuesday 09:00
    services.dossiers.request_supplement(code, desk, reason="Thiếu bản vẽ vị trí", missing=["Sơ đồ vị trí"])
    assert services.dossiers.find(code, desk).status is DossierStatus.SUPPLEMENT_REQUESTED
    clock.advance(days=2)  # Thursday 09:00: two working days paused
    after = services.dossiers.supplement_provided(code, desk).appointment
    assert after is not None and before is not None
    assert after - before >= timedelta(days=2)
    with pytest.raises(DomainError, match="dossier.supplement_only_once"):
        services.dossiers.request_supplement(code, desk, reason="Lần hai", missing=[])


def test_incomplete_and_refused_intakes_are_recorded_not_registered(services, desk) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match="intake.reason_required"):
        services.dossiers.receive(intake(services, key="a", outcome=Outcome.INCOMPLETE), desk)
    inc = services.dossiers.receive(
        intake(services, key="b", outcome=Outcome.INCOMPLETE, reason="Thiếu giấy tờ", missing_components=("Sơ đồ",)), desk
    )
    ref = services.dossiers.receive(intake(services, key="c", outcome=Outcome.REFUSED, reason="Không thuộc thẩm quyền"), desk)
    assert inc.status is DossierStatus.INCOMPLETE and inc.appointment is None
    assert ref.status is DossierStatus.REFUSED
    with pytest.raises(DomainError):
        services.dossiers.hand_over([ref.code], desk)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"id_number": "04230100012"}, "cccd.length"),
        ({"id_number": "999301000123"}, "cccd.province"),
        ({"applicant_name": "   "}, "intake.required"),
        ({"applicant_name": "A" * 10_000}, "intake.too_long"),
        ({"phone": "12345"}, "phone.invalid"),
        ({"phone": "0012345678"}, "phone.invalid"),
        ({"procedure_code": "9.999999"}, "catalog.unknown_procedure"),
        ({"result_delivery": "post"}, "intake.delivery_incomplete"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(services, desk, demo_data_dir, overrides, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        services.dossiers.receive(intake(services, **overrides), desk)
    assert caught.value.code == code
    assert describe_error(caught.value) != "Đã xảy ra lỗi. Chi tiết đã được ghi vào nhật ký."
    assert sqlite3.connect(store_path(demo_data_dir)).execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0


def test_emoji_and_nfd_names_are_kept_searchable(services, desk) -> None:  # type: ignore[no-untyped-def]
    import unicodedata

    name = unicodedata.normalize("NFD", "Phạm Thị Hồng 🌸")
    code = services.dossiers.receive(intake(services, applicant_name=name), desk).code
    found = services.dossiers.search("pham thi hong", desk)
    assert [f.code for f in found] == [code]
    assert found[0].applicant_name == unicodedata.normalize("NFC", name)


def test_search_by_code_cccd_phone_and_name(services, desk) -> None:  # type: ignore[no-untyped-def]
    code = services.dossiers.receive(intake(services), desk).code
    assert [d.code for d in services.dossiers.search(code, desk)] == [code]
    assert [d.code for d in services.dossiers.search("042301000123", desk)] == [code]
    assert [d.code for d in services.dossiers.search("0912 345 678", desk)] == [code]
    assert [d.code for d in services.dossiers.search("nguyen thi anh", desk)] == [code]


def test_unknown_and_other_centre_codes(services, desk) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match="dossier.unknown_code"):
        services.dossiers.find("000.00.06.H27-261130-9999", desk)
    code = services.dossiers.receive(intake(services), desk).code
    elsewhere = Desk(desk.staff_id, desk.staff_name, "c-x-loc-ha")
    with pytest.raises(DomainError) as caught:
        services.dossiers.find(code, elsewhere)
    assert caught.value.code == "dossier.other_centre"


def test_postal_delivery_and_return_to_sender(services, desk, clock) -> None:  # type: ignore[no-untyped-def]
    code = services.dossiers.receive(intake(services, procedure_code=FOOD_SAFETY), desk).code
    services.dossiers.hand_over([code], desk)
    services.dossiers.result_ready(code, desk)
    fee = services.dossiers.find(code, desk).fee_due
    if fee:
        services.dossiers.pay(code, desk, amount=fee, method="transfer", request_key="p")
    with pytest.raises(DomainError, match="s10.check_digit"):
        services.dossiers.send_by_post(code, desk, item_code="EB123456784VN", receiver_name="A", address="B", phone="0912345678", charge=20000)
    sent = services.dossiers.send_by_post(code, desk, item_code="eb123456785vn", receiver_name="Nguyễn Thị Ánh Tuyết",
                                          address="Số 5, Phan Đình Phùng, phường Thành Sen", phone="0912345678", charge=20000)
    assert sent.status is DossierStatus.RETURNED
    back = services.dossiers.postal_status("EB123456785VN", desk, status="returned")
    assert back.status is DossierStatus.RESULT_READY
    with pytest.raises(DomainError, match="postal.already_final"):
        services.dossiers.postal_status("EB123456785VN", desk, status="delivered")


def test_cash_summary_of_the_shift(services, desk) -> None:  # type: ignore[no-untyped-def]
    code = services.dossiers.receive(intake(services, procedure_code=FOOD_SAFETY), desk).code
    fee = services.dossiers.find(code, desk).fee_due
    assert fee == 30_000
    services.dossiers.pay(code, desk, amount=fee, method="cash", request_key="x")
    summary = services.dossiers.cash_summary(desk, date(2026, 11, 30))
    assert (summary.count, summary.cash, summary.transfer) == (1, fee, 0)
