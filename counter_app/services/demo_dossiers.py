"""Sample dossiers in every state for the demo store, made through the real use cases (so every rule holds)."""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from counter_app.domain.catalog import Procedure
from counter_app.domain.dossier import Outcome
from counter_app.domain.errors import DomainError
from counter_app.domain.identity import s10_check_digit
from counter_app.services.addresses import AddressBook, Place, full_address
from counter_app.services.dossiers import (
    Desk,
    DossierService,
    IntakeComponent,
    IntakePayment,
    IntakeRequest,
)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Xuân", "Đình"]
MIDDLE_F = ["Thị", "Thị", "Ngọc", "Thu", "Hồng", "Kim", "Thanh", "Mai"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn", "Tuấn", "Vinh"]
GIVEN_F = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hương", "Lan", "Linh", "Mai", "Nga", "Phương", "Thảo", "Tuyết", "Yến"]
STREETS = ["Phan Đình Phùng", "Trần Phú", "Nguyễn Du", "Hà Huy Tập", "Lê Duẩn", "Xuân Diệu", "Nguyễn Huy Tự"]
HAMLETS = ["Thôn", "Xóm", "Tổ dân phố"]


class ManualClock:
    """A clock the generator moves; aware, in the zone of the start time."""

    # it replays a made-up history, back and forth on purpose: the store's clock mark does not apply
    clock_policy = None

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current


@dataclass(frozen=True, slots=True)
class DemoStaff:
    desk: Desk
    procedures: tuple[Procedure, ...]


def _person(rng: random.Random, today: datetime) -> tuple[str, str, str]:
    female = rng.random() < 0.55
    name = " ".join(
        [rng.choice(FAMILY), rng.choice(MIDDLE_F if female else MIDDLE_M), rng.choice(GIVEN_F if female else GIVEN_M)]
    )
    year = rng.randint(1950, today.year - 18)
    century_digit = (0 if year < 2000 else 2) + (1 if female else 0)
    cccd = f"042{century_digit}{year % 100:02d}{rng.randint(0, 999999):06d}"
    phone = "09" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    return name, cccd, phone


def _address(rng: random.Random, book: AddressBook) -> tuple[str, Place, Place]:
    """Street/house + commune + province (2025 units): mostly the centre's own province, some from elsewhere."""
    provinces = book.provinces()
    home = provinces[0]
    province = home if rng.random() < 0.9 else rng.choice(provinces[1:])
    communes = book.communes(province)
    known = [c for c in communes if c.unit_id]  # the communes the store's own tree has (with their centres)
    commune = rng.choice(known) if known and rng.random() < 0.7 else rng.choice(communes)
    if commune.name.startswith("phường"):
        street = f"Số {rng.randint(1, 200)}, đường {rng.choice(STREETS)}"
    else:
        street = f"{rng.choice(HAMLETS)} {rng.randint(1, 12)}"
    return street, commune, province


def _at(day: datetime, rng: random.Random) -> datetime:
    minutes = rng.choice([rng.randint(7 * 60 + 5, 11 * 60 + 20), rng.randint(13 * 60 + 35, 16 * 60 + 50)])
    return datetime.combine(day.date(), time(minutes // 60, minutes % 60), day.tzinfo)


def populate(
    service: DossierService, clock: ManualClock, staff: list[DemoStaff], *, today: datetime, count: int = 300,
    seed: int = 2025,
) -> dict[str, int]:
    """Make ``count`` dossiers received over the last weeks, moved on through their life by age."""
    rng = random.Random(seed)
    calendar = service._calendar_for(staff[0].desk.centre_id)  # noqa: SLF001  (same layer)
    working_days: list[datetime] = []
    day = today
    while len(working_days) < 30:
        if calendar.is_working_day(day.date()):
            working_days.append(day)
        day -= timedelta(days=1)
    made: dict[str, int] = {}
    book = service.address_book(today.date())
    for i in range(count):
        member = staff[0] if rng.random() < 0.6 else rng.choice(staff)
        desk = member.desk
        procedure = rng.choice(member.procedures)
        received = _at(working_days[min(int(rng.expovariate(1 / 7)), len(working_days) - 1)], rng)
        if received > today:  # later today than now: the previous working day (always in office hours)
            received = _at(working_days[1], rng)
        clock.current = received
        name, cccd, phone = _person(rng, today)
        roll = rng.random()
        outcome = Outcome.COMPLETE if roll < 0.9 else Outcome.INCOMPLETE if roll < 0.96 else Outcome.REFUSED
        by_post = procedure.post_result and rng.random() < 0.25
        street, commune, province = _address(rng, book)
        address = full_address(street, commune.name, province.name)
        request = IntakeRequest(
            request_key=f"demo-{seed}-{i}", procedure_code=procedure.code, outcome=outcome, applicant_type="citizen",
            applicant_name=name, id_number=cccd, phone=phone, address_line=street,
            province_code=province.code, province_unit_id=province.unit_id,
            commune_code=commune.code, commune_unit_id=commune.unit_id,
            components=tuple(IntakeComponent(c.name, max(c.originals, 1 if c.required else 0), c.certified_copies,
                                             c.photocopies, provided=c.required or rng.random() < 0.5)
                             for c in procedure.components),
            request_summary=procedure.name,
            result_delivery="post" if by_post and outcome is Outcome.COMPLETE else "counter",
            delivery_receiver=name if by_post else "", delivery_address=address if by_post else "",
            delivery_phone=phone if by_post else "",
            reason="" if outcome is Outcome.COMPLETE else (
                "Thiếu thành phần hồ sơ theo quy định" if outcome is Outcome.INCOMPLETE
                else "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan"
            ),
            missing_components=(procedure.components[0].name,) if outcome is Outcome.INCOMPLETE else (),
            # a fee due on filing is taken with the dossier, as at a real counter
            payment=IntakePayment(sum(f.amount for f in procedure.fees_on_filing), "cash")
            if outcome is Outcome.COMPLETE and procedure.fees_on_filing else None,
        )
        try:
            result = service.receive(request, desk)
            if outcome is Outcome.COMPLETE:
                _advance(service, clock, desk, result.code, received, result.appointment, today, rng, by_post, name, phone, address)
            status = service.find(result.code).status.value
        except DomainError as exc:  # a sample that breaks a rule is skipped, not forced
            status = f"skipped:{exc.code}"
        made[status] = made.get(status, 0) + 1
    return made


def _advance(
    service: DossierService, clock: ManualClock, desk: Desk, code: str, received: datetime,
    appointment: datetime | None, today: datetime, rng: random.Random, by_post: bool, name: str, phone: str,
    address: str,
) -> None:
    calendar = service._calendar_for(desk.centre_id)  # noqa: SLF001

    def in_office_hours(moment: datetime) -> datetime:
        """Staff act during office hours on working days: move a moment into the next session."""
        day, at = moment.date(), moment.time()
        if calendar.is_working_day(day) and (time(7, 0) <= at < time(11, 30) or time(13, 30) <= at < time(17, 0)):
            return moment
        if calendar.is_working_day(day) and at < time(7, 0):
            return datetime.combine(day, time(7, 15), moment.tzinfo)
        if calendar.is_working_day(day) and time(11, 30) <= at < time(13, 30):
            return datetime.combine(day, time(13, 45), moment.tzinfo)
        return datetime.combine(calendar.next_working_day(day), time(7, 20), moment.tzinfo)

    def move_to(moment: datetime) -> bool:
        moment = in_office_hours(moment)
        if moment >= today:
            return False
        clock.current = max(moment, clock.current + timedelta(minutes=1))
        return clock.current < today

    handover_at = datetime.combine(
        (received.date() if received.time() < time(15) else calendar.next_working_day(received.date())),
        time(15, 30) if received.time() < time(15) else time(8, 0), received.tzinfo,
    )
    if rng.random() < 0.03:
        return  # forgotten at the counter: still waiting
    if not move_to(handover_at):
        return
    service.hand_over([code], desk, receiver_name="Văn thư " + service.find(code).agency_name)
    span = (appointment - received) if appointment else timedelta(days=3)
    if rng.random() < 0.08 and move_to(received + span * 0.3):
        service.request_supplement(code, desk, reason="Cơ quan yêu cầu bổ sung giấy tờ", missing=["Bản sao giấy tờ liên quan"])
        if not move_to(received + span * 0.5):
            return
        service.supplement_provided(code, desk)
    if rng.random() < 0.05 and appointment and move_to(appointment - timedelta(days=2)):
        with contextlib.suppress(DomainError):
            service.extend(code, desk, new_appointment=appointment + timedelta(days=3), reason="Cần thêm thời gian xác minh")
    finish = received + span * rng.choice([0.4, 0.6, 0.75, 0.85, 0.9, 0.95, 1.08])
    if not move_to(finish):
        return
    service.result_ready(code, desk)
    summary = service.find(code)
    if summary.fee_due:
        method = rng.choice(["cash", "cash", "transfer"])  # drawn even when paid at intake: same sample set
        if summary.fee_due > summary.paid:
            service.pay(code, desk, amount=summary.fee_due - summary.paid, method=method, request_key=f"{code}-pay")
    collect = clock.current + timedelta(hours=rng.randint(1, 40))
    if appointment and collect > appointment and rng.random() < 0.85:
        collect = max(clock.current + timedelta(minutes=10), appointment - timedelta(minutes=30))
    if rng.random() < 0.2 or not move_to(collect):
        return  # result waiting at the counter
    if by_post:
        serial = f"{rng.randint(0, 99_999_999):08d}"
        service.send_by_post(code, desk, item_code=f"RR{serial}{s10_check_digit(serial)}VN", receiver_name=name,
                             address=address, phone=phone, charge=rng.choice([18_000, 22_000, 25_000]))
        if rng.random() < 0.7 and move_to(clock.current + timedelta(days=1)):
            service.postal_status(f"RR{serial}{s10_check_digit(serial)}VN", desk, status="delivered")
    else:
        service.return_result(code, desk, recipient_name=name, recipient_id=service.detail(code).record.id_number)
