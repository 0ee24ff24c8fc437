"""DossierService use cases on the in-memory unit of work (tests/fakes.py): no SQLite, milliseconds each."""

from __future__ import annotations

from datetime import datetime

import pytest

from counter_app.domain.dossier import DossierStatus, EventType, Outcome
from counter_app.domain.errors import DomainError
from counter_app.services.dossiers import IntakeComponent, IntakeRequest
from tests.fakes import AGENCY_CODE, VN_TZ, DossierWorld, dossier_world


@pytest.fixture
def world() -> DossierWorld:
    return dossier_world()


def intake(world: DossierWorld, key: str = "k1", **overrides: object) -> IntakeRequest:
    values: dict[str, object] = dict(
        request_key=key, procedure_code=world.procedure.code, outcome=Outcome.COMPLETE, applicant_type="citizen",
        applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123", phone="0912345678",
        address_line="Số 5, đường Phan Đình Phùng", components=(IntakeComponent("Đơn đề nghị", 1),),
        request_summary="Xác nhận kiến thức an toàn thực phẩm",
    )
    values.update(overrides)
    return IntakeRequest(**values)  # type: ignore[arg-type]


def ops(world: DossierWorld) -> list[tuple[str, str]]:
    return [(entity, op) for entity, _, op, _ in world.store.state.outbox]


def test_intake_registers_the_dossier_its_event_and_its_sync_ops_in_one_commit(world: DossierWorld) -> None:
    result = world.service.receive(intake(world), world.desk)
    assert result.created and result.status is DossierStatus.RECEIVED
    assert result.code == f"{AGENCY_CODE}-261130-0001"
    assert result.appointment == datetime(2026, 12, 7, 9, 0, tzinfo=VN_TZ)  # 5 working days
    assert world.store.commits == 1
    (record,) = world.store.state.dossiers.values()
    assert record.code == result.code and record.fee_due == 30_000 and record.event_count == 1
    assert ops(world) == [("dossier", "created")]  # the intake event travels inside the snapshot
    assert world.store.state.clock_mark == world.clock.now()
    (job,) = world.store.state.print_jobs.values()  # the receipt is owed to the printer, same commit
    assert job.key == result.code and job.owed and result.print_jobs == (job.id,)


def test_the_same_save_twice_gives_one_dossier(world: DossierWorld) -> None:
    first = world.service.receive(intake(world, "same"), world.desk)
    second = world.service.receive(intake(world, "same"), world.desk)
    assert second.code == first.code and not second.created
    assert len(world.store.state.dossiers) == 1 and world.store.commits == 1


def test_numbers_follow_on_within_a_day_and_restart_the_next(world: DossierWorld) -> None:
    assert world.service.receive(intake(world, "a"), world.desk).code.endswith("-261130-0001")
    assert world.service.receive(intake(world, "b"), world.desk).code.endswith("-261130-0002")
    world.clock.advance(days=1)
    assert world.service.receive(intake(world, "c"), world.desk).code.endswith("-261201-0001")


def test_a_refused_intake_leaves_nothing_behind(world: DossierWorld) -> None:
    world.store.leases.clear()  # no numbers leased to this PC
    with pytest.raises(DomainError) as caught:
        world.service.receive(intake(world), world.desk)
    assert caught.value.code == "dossier_code.no_lease"
    assert world.store.state.dossiers == {} and world.store.state.outbox == [] and world.store.commits == 0


def test_a_clock_set_back_behind_the_store_is_refused(world: DossierWorld) -> None:
    world.service.receive(intake(world, "a"), world.desk)
    world.clock.advance(hours=-2)
    with pytest.raises(DomainError) as caught:
        world.service.receive(intake(world, "b"), world.desk)
    assert caught.value.code == "clock.behind"
    assert len(world.store.state.dossiers) == 1


def test_an_incomplete_intake_has_no_appointment_and_no_fee(world: DossierWorld) -> None:
    result = world.service.receive(
        intake(world, outcome=Outcome.INCOMPLETE, reason="Thiếu đơn", components=(IntakeComponent("Đơn đề nghị", 0),)),
        world.desk,
    )
    assert result.status is DossierStatus.INCOMPLETE and result.appointment is None and result.fee_due == 0


def test_the_whole_life_of_a_dossier(world: DossierWorld) -> None:
    service, desk = world.service, world.desk
    code = service.receive(intake(world), desk).code
    with pytest.raises(DomainError, match="dossier.illegal_transition"):  # return before the result
        service.return_result(code, desk, recipient_name="Nguyễn Thị Ánh Tuyết", recipient_id="042301000123")
    batch = service.hand_over([code], desk, receiver_name="Trần Văn Bình")
    assert batch.dossier_codes == (code,)
    world.clock.advance(days=2)
    assert service.result_ready(code, desk).status is DossierStatus.RESULT_READY
    with pytest.raises(DomainError, match="return.fees_outstanding"):
        service.return_result(code, desk, recipient_name="Nguyễn Thị Ánh Tuyết", recipient_id="042301000123")
    paid = service.pay(code, desk, amount=30_000, method="cash", request_key="pay-1")
    again = service.pay(code, desk, amount=30_000, method="cash", request_key="pay-1")
    assert again.receipt_number == paid.receipt_number and not again.created
    assert service.find(code, desk).paid == 30_000
    returned = service.return_result(code, desk, recipient_name="NGUYEN THI ANH TUYET", recipient_id="042301000123")
    assert returned.status is DossierStatus.RETURNED
    detail = service.detail(code)
    types = [h.type for h in detail.history]
    assert types[0] is EventType.RECEIVED and types[-1] is EventType.RETURNED
    assert {EventType.HANDED_OVER, EventType.RESULT_READY, EventType.PAYMENT} <= set(types)
    assert all(h.staff_name == "Nguyễn Thị Lan" for h in detail.history)
    assert detail.record.timeliness == "early" and batch.batch_code in detail.batches


def test_search_finds_by_code_prefix_phone_and_name(world: DossierWorld) -> None:
    code = world.service.receive(intake(world), world.desk).code
    assert [s.code for s in world.service.search(code[:-2], world.desk)] == [code]
    assert [s.code for s in world.service.search("0912345678", world.desk)] == [code]
    assert [s.code for s in world.service.search("nguyen thi anh", world.desk)] == [code]
    assert world.service.search("Trần Văn", world.desk) == []


def test_stop_and_supplement_follow_the_rules(world: DossierWorld) -> None:
    service, desk = world.service, world.desk
    code = service.receive(intake(world), desk).code
    service.hand_over([code], desk)
    before = service.find(code, desk).appointment
    service.request_supplement(code, desk, reason="Thiếu bản sao", missing=["Bản sao CCCD"])
    world.clock.advance(days=1)
    resumed = service.supplement_provided(code, desk)
    assert resumed.status is DossierStatus.PROCESSING and before is not None
    assert resumed.appointment is not None and resumed.appointment > before
    with pytest.raises(DomainError, match="dossier.supplement_only_once"):
        service.request_supplement(code, desk, reason="Lần hai", missing=["Đơn"])
    stopped = service.stop(code, desk, requested_on=world.clock.now().date(), reason="Người nộp rút")
    assert stopped.status is DossierStatus.STOPPED
