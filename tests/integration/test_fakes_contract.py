"""The fakes are checked against the real adapter: the same use-case scenarios on the in-memory unit of
work (tests/fakes.py, tests/fakes_queue.py) and on a real SQLite store give the same answers.

Both sides start from the same demo store (the fake copies its reference data through the ports), run
the same services with the same clock, and every observation is compared. A fake that drifts from
storage/ (an order, a filter, a rollback) fails here, not in the fast tests that trust it.
"""

from __future__ import annotations

import inspect
from datetime import timedelta
from typing import Any

import pytest

from counter_app.bootstrap import DEMO_FILE
from counter_app.domain.dossier import Outcome
from counter_app.domain.errors import DomainError
from counter_app.domain.units import UnitTree
from counter_app.services import ports
from counter_app.services.catalog_data import load_province_data
from counter_app.services.dossiers import Desk, DossierService, IntakeComponent, IntakeRequest
from counter_app.services.queue import LocalQueueService
from counter_app.services.queue_port import Priority
from counter_app.services.resources import resource_path
from counter_app.storage.dossier_repo import SqlDossierRepository
from counter_app.storage.queue_repo import SqlQueueRepository
from counter_app.storage.queue_seed import seed_queue
from counter_app.storage.repositories import (
    SqlCalendarRepository,
    SqlCatalogRepository,
    SqlOutbox,
    SqlSequenceRepository,
    SqlStaffRepository,
    SqlUnitRepository,
)
from counter_app.storage.uow import SqlAlchemyUnitOfWork
from tests.fakes import (
    FakeCalendarRepository,
    FakeCatalogRepository,
    FakeDossierRepository,
    FakeOutbox,
    FakeSequenceRepository,
    FakeStaffRepository,
    FakeStore,
    FakeUnitOfWork,
    FakeUnitRepository,
)
from tests.fakes_queue import FakeQueueRepository

ELECTRICITY = "2.002180"  # 5 working days, free
FOOD_SAFETY = "2.000595"  # 30.000 đ, 5 working days
NV01, GS01 = "nv01", "gsat01"
A, K, L = "c-tinh-line-a", "c-tinh-line-k", "c-tinh-line-l"
Q1, Q5, Q8 = "c-tinh-q1", "c-tinh-q5", "c-tinh-q8"
PORTS = [
    (ports.UnitRepository, SqlUnitRepository, FakeUnitRepository),
    (ports.CatalogRepository, SqlCatalogRepository, FakeCatalogRepository),
    (ports.StaffRepository, SqlStaffRepository, FakeStaffRepository),
    (ports.CalendarRepository, SqlCalendarRepository, FakeCalendarRepository),
    (ports.SequenceRepository, SqlSequenceRepository, FakeSequenceRepository),
    (ports.Outbox, SqlOutbox, FakeOutbox),
    (ports.DossierRepository, SqlDossierRepository, FakeDossierRepository),
    (ports.QueueRepository, SqlQueueRepository, FakeQueueRepository),
    (ports.UnitOfWork, SqlAlchemyUnitOfWork, FakeUnitOfWork),
]


def _methods(protocol: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member) for name, member in vars(protocol).items()
        if callable(member) and (not name.startswith("_") or name in ("__enter__", "__exit__"))
    }


@pytest.mark.parametrize(("port", "real", "fake"), PORTS, ids=[p[0].__name__ for p in PORTS])
def test_the_adapter_and_the_fake_have_every_method_of_the_port(port: type, real: type, fake: type) -> None:
    for name, wanted in _methods(port).items():
        for implementation in (real, fake):
            found = getattr(implementation, name, None)
            assert found is not None, f"{implementation.__name__}.{name} is missing"
            params = [p for p in inspect.signature(found).parameters if p != "self"]
            assert params == [p for p in wanted.parameters if p != "self"], f"{implementation.__name__}.{name}{params}"


def test_both_units_of_work_open_every_repository_of_the_port(services) -> None:  # type: ignore[no-untyped-def]
    wanted = [name for name, member in vars(ports.UnitOfWork).items() if isinstance(member, property)]
    assert {"dossiers", "queue", "print_jobs"} <= set(wanted)
    for factory in (services.uow, FakeStore().uow):
        with factory(readonly=True) as uow:
            assert [name for name in wanted if not hasattr(uow, name)] == []


# -- the two backends ---------------------------------------------------------------------------------


def _backends(services: Any, clock: Any) -> dict[str, Any]:
    """The real unit of work factory and a fake one holding a copy of the same store."""
    with services.uow() as uow:
        seed_queue(uow.session, load_province_data(resource_path(*DEMO_FILE)))
        uow.commit()
    fake = FakeStore.copy_of(services.uow, device_id=services.device_id, usernames=(NV01, GS01), now=clock.now)
    return {"sqlite": services.uow, "fake": fake.uow}


def _dossier_service(uow: Any, clock: Any, store: FakeStore) -> DossierService:
    procedures = {p.code: p for p in store.procedures}

    def procedure(code: str) -> Any:
        if code not in procedures:
            raise DomainError("catalog.unknown_procedure", code=code)
        return procedures[code]

    return DossierService(
        uow=uow, clock=clock, calendar_for=lambda centre_id: store.calendars.get(centre_id) or store.calendar,
        units=UnitTree(store.units), procedures=procedure, device_id=store.device_id,
    )


def _intake(store: FakeStore, key: str, code: str = ELECTRICITY, **overrides: Any) -> IntakeRequest:
    procedure = next(p for p in store.procedures if p.code == code)
    values: dict[str, Any] = dict(
        request_key=key, procedure_code=code, outcome=Outcome.COMPLETE, applicant_type="citizen",
        applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123", phone="0912345678",
        address_line="Số 5, đường Phan Đình Phùng",
        components=tuple(IntakeComponent(c.name, max(c.originals, 1 if c.required else 0), c.certified_copies,
                                         c.photocopies) for c in procedure.components),
        request_summary="Đề nghị",
    )
    values.update(overrides)
    return IntakeRequest(**values)


def _refusal(action: Any) -> str:
    try:
        action()
    except DomainError as exc:
        return exc.code
    return "done"


def dossier_scenario(service: DossierService, store: FakeStore, desk: Desk, clock: Any) -> list[Any]:
    seen: list[Any] = []
    first = service.receive(_intake(store, "k1", FOOD_SAFETY), desk)
    again = service.receive(_intake(store, "k1", FOOD_SAFETY), desk)
    second = service.receive(_intake(store, "k2", FOOD_SAFETY, phone="0987654321", applicant_name="Lê Văn Cường"), desk)
    incomplete = service.receive(_intake(store, "k3", outcome=Outcome.INCOMPLETE, reason="Thiếu tờ khai"), desk)
    seen += [(r.code, r.status, r.appointment, r.fee_due, r.created) for r in (first, again, second, incomplete)]
    seen.append(_refusal(lambda: service.receive(_intake(store, "k4", phone="12"), desk)))
    seen.append([s.code for s in service.search("nguyen thi anh", desk)])
    seen.append([s.code for s in service.search("0987654321", desk)])
    seen.append([s.code for s in service.search(first.code[:-3], desk)])
    seen.append([(p.agency_name, [d.code for d in p.dossiers]) for p in service.handover_proposals(desk)])
    batch = service.hand_over([first.code, second.code], desk, receiver_name="Trần Văn Bình")
    seen.append((batch.batch_code, batch.dossier_codes))
    seen.append(_refusal(lambda: service.return_result(first.code, desk, recipient_name="X")))
    clock.advance(days=1)
    service.request_supplement(second.code, desk, reason="Thiếu bản sao", missing=["Bản sao CCCD"])
    clock.advance(days=1)
    seen.append(service.supplement_provided(second.code, desk).appointment)
    seen.append(service.result_ready(first.code, desk).status)
    seen.append(_refusal(lambda: service.return_result(
        first.code, desk, recipient_name="Nguyễn Thị Ánh Tuyết", recipient_id="042301000123")))
    paid = service.pay(first.code, desk, amount=30_000, method="cash", request_key="pay-1")
    again_paid = service.pay(first.code, desk, amount=30_000, method="cash", request_key="pay-1")
    seen.append((paid.receipt_number, paid.created, again_paid.receipt_number, again_paid.created))
    seen.append(_refusal(lambda: service.pay(first.code, desk, amount=1000, method="cash", request_key="pay-2")))
    returned = service.return_result(first.code, desk, recipient_name="NGUYEN THI ANH TUYET",
                                     recipient_id="042301000123")
    seen.append((returned.status, returned.paid))
    detail = service.detail(first.code)
    seen.append([(h.type, h.staff_name) for h in detail.history])
    seen.append((detail.record.timeliness, detail.batches, [p.receipt_number for p in detail.payments]))
    seen.append([(s.code, s.status) for s in service.received_on(desk, clock.now().date() - timedelta(days=2))])
    cash = service.cash_summary(desk)
    seen.append((cash.count, cash.cash, cash.transfer))
    return seen


def _outbox(factory: Any) -> list[tuple[str, str]]:
    with factory(readonly=True) as uow:
        if isinstance(uow, FakeUnitOfWork):
            return [(entity, op) for entity, _, op, _ in uow._state.outbox]
        from counter_app.storage.models import OutboxRow

        return [(r.entity, r.op) for r in uow.session.query(OutboxRow).order_by(OutboxRow.device_seq)]


def test_the_dossier_use_cases_answer_the_same_on_the_fake_and_on_sqlite(services, clock) -> None:  # type: ignore[no-untyped-def]
    backends = _backends(services, clock)
    store = FakeStore.copy_of(services.uow, device_id=services.device_id, usernames=(NV01,))
    session = services.login(NV01, "demo123")
    counter = services.counters(session.centre_id)[0]
    desk = Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)
    start = clock.now()
    results = {}
    outboxes = {}
    for name, factory in backends.items():
        clock.set(start)
        results[name] = dossier_scenario(_dossier_service(factory, clock, store), store, desk, clock)
        outboxes[name] = [op for op in _outbox(factory) if op[0].startswith("dossier") or op[0] == "payment"]
    assert results["fake"] == results["sqlite"]
    assert outboxes["fake"] == outboxes["sqlite"] and len(outboxes["fake"]) > 5
    assert results["sqlite"][0][4] and not results["sqlite"][1][4]  # created, then the same save again


def queue_scenario(queue: LocalQueueService, factory: Any, clock: Any, staff: str, supervisor: str) -> list[Any]:
    seen: list[Any] = []
    with factory() as uow:
        uow.staff.open_counter_session(staff, Q1, "test", clock.now())
        uow.staff.open_counter_session(staff, Q8, "test", clock.now())
        uow.commit()
    tickets = [queue.issue_ticket(A, request_key=f"a{i}") for i in range(3)]
    tickets.append(queue.issue_ticket(A, priority=Priority.ELDERLY, request_key="prio"))
    tickets += [queue.issue_ticket(K, request_key=f"k{i}") for i in range(2)]
    tickets.append(queue.issue_ticket(K, request_key="k0"))  # a double tap
    seen.append([(t.number, t.status, t.waiting_ahead, t.estimated_wait_minutes) for t in tickets])
    seen.append([(v.code, v.waiting) for v in queue.lines("c-tinh")])
    clock.advance(minutes=4)
    first = queue.call_next(Q1, staff)
    seen.append(first and (first.number, first.status, first.counter_number))
    seen.append(_refusal(lambda: queue.call_next(Q1, staff)))  # busy
    clock.advance(minutes=1)
    queue.recall(Q1, staff)
    clock.advance(minutes=1)
    seen.append(queue.start_service(Q1, staff).status)
    clock.advance(minutes=6)
    seen.append(queue.finish_service(Q1, staff, dossier_code="X-1").outcome)
    second = queue.call_next(Q1, staff)
    seen.append(second and second.number)
    clock.advance(minutes=2)
    seen.append(queue.no_show(Q1, staff).status)
    seen.append(queue.reactivate(second.number if second else "", Q1, staff).status)
    third = queue.call_number(Q1, staff, "A003")
    seen.append((third.number, third.status))
    seen.append(queue.transfer(Q1, staff, to_line_id=K).status)
    clock.advance(minutes=1)
    called = [queue.call_next(Q8, staff) for _ in range(1)]
    seen.append([c and c.number for c in called])
    queue.finish_service(Q8, staff)
    seen.append([c and c.number for c in [queue.call_next(Q8, staff)]])
    queue.finish_service(Q8, staff)
    seen.append([(c.ticket_number, c.counter_number, c.recall) for c in queue.recent_calls("c-tinh", 10)])
    walk_in = queue.walk_in(Q1, staff, A)
    seen.append((walk_in.number, walk_in.status))
    queue.finish_service(Q1, staff)
    queue.pause_counter(Q1, staff, True)
    seen.append(_refusal(lambda: queue.call_next(Q1, staff)))
    queue.pause_counter(Q1, staff, False)
    k = queue.kpis("c-tinh", supervisor)
    seen.append((k.issued, k.served, k.no_show, k.waiting_now, round(k.average_wait_minutes, 3),
                 round(k.average_service_minutes, 3), k.walk_ins, k.transferred, k.wait_buckets,
                 k.idle_minutes_by_counter))
    clock.advance(days=1)
    seen.append(queue.reset_day("c-tinh", supervisor))
    seen.append([(v.code, v.waiting) for v in queue.lines("c-tinh")])
    seen.append(queue.issue_ticket(A, request_key="tomorrow").number)
    return seen


def test_the_queue_use_cases_answer_the_same_on_the_fake_and_on_sqlite(services, clock) -> None:  # type: ignore[no-untyped-def]
    backends = _backends(services, clock)
    with services.uow(readonly=True) as uow:
        staff = uow.staff.by_username(NV01).id
        supervisor = uow.staff.by_username(GS01).id
    start = clock.now()
    results = {}
    for name, factory in backends.items():
        clock.set(start)
        queue = LocalQueueService(factory, clock, services.device_id)
        results[name] = queue_scenario(queue, factory, clock, staff, supervisor)
    assert results["fake"] == results["sqlite"]
    assert results["sqlite"][0][-1][0] == results["sqlite"][0][-3][0]  # the double tap: the same number
