"""Catalog of administrative procedures: fields, components, fees, durations, channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum


class DurationUnit(StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"
    # "trong ngày làm việc; nếu tiếp nhận sau HH giờ thì trả kết quả trong ngày làm việc tiếp
    # theo" (e.g. Decree 23/2015 Art. 20, 33 on chứng thực; Decree 123/2015 Art. 64 on trích lục).
    SAME_WORKING_DAY = "same_working_day"


DEFAULT_SAME_DAY_CUTOFF = time(15, 0)


@dataclass(frozen=True, slots=True)
class Duration:
    """Statutory processing time. Half a working day is ``Duration(WORKING_HOURS, 4)``.

    ``SAME_WORKING_DAY`` has no amount (0): the result is due the day the dossier is received,
    or the next working day when it is received after ``cutoff`` (15:00 unless the law says
    otherwise). ``cutoff`` is ``None`` for every other unit.
    """

    unit: DurationUnit
    amount: int
    cutoff: time | None = None

    def __post_init__(self) -> None:
        from counter_app.domain.errors import DomainError

        if self.amount < 0:
            raise DomainError("duration.negative", amount=self.amount)
        if self.unit == DurationUnit.SAME_WORKING_DAY:
            if self.amount != 0:
                raise DomainError("duration.same_day_invalid", unit=self.unit.value)
            if self.cutoff is None:
                object.__setattr__(self, "cutoff", DEFAULT_SAME_DAY_CUTOFF)
        elif self.cutoff is not None:
            raise DomainError("duration.same_day_invalid", unit=self.unit.value)

    @classmethod
    def same_working_day(cls, cutoff: time = DEFAULT_SAME_DAY_CUTOFF) -> Duration:
        return cls(DurationUnit.SAME_WORKING_DAY, 0, cutoff)


class Channel(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    POST = "post"  # public postal service (BCCI)


class FeeKind(StrEnum):
    FEE = "fee"  # phí
    CHARGE = "charge"  # lệ phí


class FeeDue(StrEnum):
    """When the applicant pays a fee or charge."""

    ON_FILING = "on_filing"  # with the dossier, at intake (e.g. phí thẩm định, lệ phí đăng ký)
    BEFORE_RESULT = "before_result"  # any time before the result is handed over (the default)


class ProcedureLevel(StrEnum):
    PROVINCE = "province"
    COMMUNE = "commune"


@dataclass(frozen=True, slots=True)
class Field:
    """Lĩnh vực: the sector a procedure belongs to."""

    id: str
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Component:
    """Thành phần hồ sơ: one document the applicant must bring."""

    name: str
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0
    required: bool = True
    note: str = ""


@dataclass(frozen=True, slots=True)
class Fee:
    """A fee or charge in whole đồng (never float)."""

    name: str
    amount: int
    kind: FeeKind = FeeKind.CHARGE
    note: str = ""
    due: FeeDue = FeeDue.BEFORE_RESULT


@dataclass(frozen=True, slots=True)
class Procedure:
    id: str
    code: str  # national code like 1.002835, local variants may append the agency code
    name: str
    field_id: str
    agency_unit_id: str  # the unit that decides (sở, UBND xã, điện lực …)
    level: ProcedureLevel
    duration: Duration
    components: tuple[Component, ...] = ()
    fees: tuple[Fee, ...] = ()
    channels: frozenset[Channel] = field(default_factory=lambda: frozenset({Channel.IN_PERSON}))
    post_dossier: bool = False  # the post may carry the dossier to the centre
    post_result: bool = False  # the post may carry the result home
    requires_in_person: bool = False  # the applicant must come in person (excluded from post)
    result_description: str = ""
    legal_basis: str = ""
    catalog_version: int = 1
    valid_from: date | None = None
    valid_to: date | None = None
    sample: bool = False  # demo data: the code is illustrative, not checked in the national database

    def is_valid_on(self, day: date) -> bool:
        """In force that day (a procedure moved to a successor agency ends the day before the move)."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day <= self.valid_to

    @property
    def total_fee(self) -> int:
        return sum(f.amount for f in self.fees)

    @property
    def fees_on_filing(self) -> tuple[Fee, ...]:
        """The fees and charges (more than 0 đồng) paid with the dossier, at intake."""
        return tuple(f for f in self.fees if f.due is FeeDue.ON_FILING and f.amount > 0)
