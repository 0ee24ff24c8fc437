"""In-memory fakes of the ports, for tests of the layers above them (the ui first)."""

from __future__ import annotations

import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from counter_app.domain.catalog import Channel, Duration, DurationUnit, FeeKind, ProcedureLevel
from counter_app.domain.errors import DomainError
from counter_app.services.read_models import (
    ComponentLine,
    CounterView,
    FeeLine,
    ProcedureGuide,
    ProcedureSummary,
    StaffSession,
)

VN_TZ = timezone(timedelta(hours=7), "ICT")
DEMO_USERNAME = "nv.lan"
DEMO_PASSWORD = "matkhau-demo"
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15


def fold(text: str) -> str:
    """Lower case without Vietnamese accents: "Cấp lại Giấy" → "cap lai giay"."""
    text = text.casefold().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass
class FakeStaff:
    id: str
    username: str
    password: str
    full_name: str
    centre_id: str
    role: str = "clerk"
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = None


@dataclass(frozen=True)
class FakeProcedure:
    guide: ProcedureGuide

    def summary(self) -> ProcedureSummary:
        g = self.guide
        return ProcedureSummary(
            code=g.code,
            name=g.name,
            agency_name=g.agency_name,
            field_name=g.field_name,
            level=g.level,
            duration=g.duration,
            post_dossier=g.post_dossier,
            post_result=g.post_result,
        )


CENTRE_PROVINCE = ("c-ht", "Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh")
CENTRE_WARD = ("c-ts", "Bộ phận một cửa phường Thành Sen")

_PROVINCE = "UBND tỉnh Hà Tĩnh"
_WARD = "UBND phường Thành Sen"
_BIRTH_DOCS = (
    ComponentLine("Tờ khai đăng ký khai sinh (theo mẫu)", 1, 0, 0, True, ""),
    ComponentLine("Giấy chứng sinh", 1, 0, 0, True, "Không có thì nộp văn bản của người làm chứng"),
    ComponentLine("Giấy tờ tùy thân của người đi đăng ký", 0, 0, 1, True, "Xuất trình bản chính để đối chiếu"),
)


def _guide(
    code: str,
    name: str,
    path: tuple[str, ...],
    field_name: str,
    level: ProcedureLevel,
    duration: Duration,
    components: tuple[ComponentLine, ...] = (),
    fees: tuple[FeeLine, ...] = (),
    channels: frozenset[Channel] = frozenset({Channel.IN_PERSON, Channel.ONLINE, Channel.POST}),
    post_dossier: bool = True,
    post_result: bool = True,
    requires_in_person: bool = False,
    result: str = "",
    legal: str = "",
) -> FakeProcedure:
    placeholder = datetime(2000, 1, 1, tzinfo=VN_TZ)
    return FakeProcedure(
        ProcedureGuide(
            code=code,
            name=name,
            agency_name=path[-1],
            agency_path=path,
            field_name=field_name,
            level=level,
            duration=duration,
            components=components,
            fees=fees,
            total_fee=sum(f.amount for f in fees),
            channels=channels,
            post_dossier=post_dossier,
            post_result=post_result,
            requires_in_person=requires_in_person,
            result_description=result,
            legal_basis=legal,
            catalog_version=3,
            centre_name="",
            received_at=placeholder,
            appointment=placeholder,
        )
    )


def demo_catalog() -> list[FakeProcedure]:
    days = DurationUnit.WORKING_DAYS
    return [
        _guide(
            "1.001193", "Đăng ký khai sinh", (_PROVINCE, _WARD), "Hộ tịch", ProcedureLevel.COMMUNE,
            Duration(DurationUnit.WORKING_HOURS, 4), _BIRTH_DOCS,
            result="Giấy khai sinh (bản chính) và trích lục khai sinh", legal="Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP",
        ),
        _guide(
            "1.004884", "Đăng ký lại khai sinh", (_PROVINCE, _WARD), "Hộ tịch", ProcedureLevel.COMMUNE,
            Duration(days, 5), _BIRTH_DOCS, result="Giấy khai sinh (bản chính)",
        ),
        _guide(
            "2.000528", "Cấp lại bản chính Giấy khai sinh", (_PROVINCE, _WARD), "Hộ tịch",
            ProcedureLevel.COMMUNE, Duration(days, 3),
            (ComponentLine("Tờ khai cấp lại bản chính Giấy khai sinh", 1, 0, 0, True, ""),
             ComponentLine("Bản sao Giấy khai sinh", 0, 1, 0, False, "Nếu có")),
            (FeeLine("Lệ phí cấp lại bản chính Giấy khai sinh", 8_000, FeeKind.CHARGE, ""),),
            result="Bản chính Giấy khai sinh",
        ),
        _guide(
            "1.001022", "Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất",
            (_PROVINCE, "Sở Nông nghiệp và Môi trường"), "Đất đai", ProcedureLevel.PROVINCE,
            Duration(days, 10),
            (ComponentLine("Đơn đề nghị cấp lại Giấy chứng nhận", 1, 0, 0, True, ""),),
            (FeeLine("Phí thẩm định hồ sơ", 150_000, FeeKind.FEE, ""),
             FeeLine("Lệ phí cấp Giấy chứng nhận", 25_000, FeeKind.CHARGE, "")),
            post_dossier=False,
        ),
        _guide(
            "1.000894", "Đăng ký kết hôn", (_PROVINCE, _WARD), "Hộ tịch", ProcedureLevel.COMMUNE,
            Duration(DurationUnit.WORKING_HOURS, 4),
            (ComponentLine("Tờ khai đăng ký kết hôn", 1, 0, 0, True, "Hai bên cùng ký"),),
            channels=frozenset({Channel.IN_PERSON}), post_dossier=False, post_result=False,
            requires_in_person=True, result="Giấy chứng nhận kết hôn",
        ),
        _guide(
            "2.001417", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            (_PROVINCE, "Sở Tư pháp"), "Lý lịch tư pháp", ProcedureLevel.PROVINCE, Duration(days, 10),
            (ComponentLine("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", 1, 0, 0, True, ""),
             ComponentLine("Căn cước công dân", 0, 0, 1, True, "")),
            (FeeLine("Phí cung cấp thông tin lý lịch tư pháp", 200_000, FeeKind.FEE, ""),),
        ),
        _guide(
            "2.002290", "Cấp điện mới từ lưới điện hạ áp",
            ("Tập đoàn Điện lực Việt Nam", "Công ty Điện lực Hà Tĩnh"), "Điện", ProcedureLevel.PROVINCE,
            Duration(days, 4), (ComponentLine("Giấy đề nghị mua điện", 1, 0, 0, True, ""),),
            post_result=False,
        ),
    ]


def add_working_time(start: datetime, duration: Duration) -> datetime:
    """Rough appointment for tests: weekends skipped, no holidays, no office hours."""
    if duration.unit is DurationUnit.CALENDAR_DAYS:
        return start + timedelta(days=duration.amount)
    if duration.unit is DurationUnit.WORKING_HOURS:
        days, hours = divmod(duration.amount, 8)
    else:
        days, hours = duration.amount, 0
    moment = start + timedelta(hours=hours)
    while days > 0 or moment.weekday() >= 5:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


@dataclass
class FakeCounterAppServices:
    """``CounterAppServices`` in memory: two centres, a handful of procedures, lockout after 5 failures.

    ``now`` is the fake clock; ``login_delay`` makes ``login`` slow like argon2. Calls are
    counted so tests can check what the ui asked for.
    """

    data_dir: Path
    device_id: str = "fake-device"
    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 9, 30, tzinfo=VN_TZ))
    login_delay: float = 0.0
    staff: dict[str, FakeStaff] = field(default_factory=dict)
    centres: dict[str, str] = field(default_factory=lambda: dict([CENTRE_PROVINCE, CENTRE_WARD]))
    counter_views: list[CounterView] = field(default_factory=list)
    procedures: list[FakeProcedure] = field(default_factory=demo_catalog)
    login_calls: int = 0
    search_calls: int = 0
    guide_calls: int = 0
    printed: list[str] = field(default_factory=list)
    duties: list[tuple[str, str]] = field(default_factory=list)
    closed_duties: list[str] = field(default_factory=list)
    print_error: Exception | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if not self.staff:
            for s in (
                FakeStaff("s1", DEMO_USERNAME, DEMO_PASSWORD, "Nguyễn Thị Lan", CENTRE_PROVINCE[0]),
                FakeStaff("s2", "nv.hoa", DEMO_PASSWORD, "Trần Văn Hòa", CENTRE_WARD[0]),
                FakeStaff("s3", "nv.cu", DEMO_PASSWORD, "Lê Văn Cũ", CENTRE_PROVINCE[0], active=False),
            ):
                self.staff[s.username] = s
        if not self.counter_views:
            self.counter_views = [
                CounterView("k1", CENTRE_PROVINCE[0], 1, "Quầy 1"),
                CounterView("k2", CENTRE_PROVINCE[0], 2, "Tư pháp – Hộ tịch"),
                CounterView("k3", CENTRE_PROVINCE[0], 3, ""),
                CounterView("k9", CENTRE_WARD[0], 1, "Quầy 1"),
            ]

    # -- CounterAppServices ------------------------------------------------------------------

    def login(self, username: str, password: str) -> StaffSession:
        with self._lock:
            self.login_calls += 1
        if self.login_delay:
            time.sleep(self.login_delay)
        with self._lock:
            staff = self.staff.get(username.strip())
            if staff is None:
                raise DomainError("auth.bad_credentials")
            if staff.locked_until is not None and self.now < staff.locked_until:
                raise DomainError("auth.locked", until=staff.locked_until)
            if staff.password != password:
                staff.failed_logins += 1
                if staff.failed_logins >= MAX_FAILED_LOGINS:
                    staff.locked_until = self.now + timedelta(minutes=LOCK_MINUTES)
                    raise DomainError("auth.locked", until=staff.locked_until)
                raise DomainError("auth.bad_credentials")
            if not staff.active:
                raise DomainError("auth.inactive")
            staff.failed_logins = 0
            staff.locked_until = None
            return self._session(staff)

    def counters(self, centre_id: str) -> list[CounterView]:
        return sorted((c for c in self.counter_views if c.centre_id == centre_id), key=lambda c: c.number)

    def search_procedures(self, text: str, limit: int = 50, *, centre_id: str | None = None) -> list[ProcedureSummary]:
        with self._lock:
            self.search_calls += 1
        words = fold(text).split()
        if not words:
            return []
        scored: list[tuple[int, int, ProcedureSummary]] = []
        for i, p in enumerate(self.procedures):
            g = p.guide
            name = fold(g.name)
            haystack = " ".join((name, g.code, fold(g.field_name), fold(g.agency_name)))
            if all(w in haystack for w in words):
                in_name = sum(1 for w in words if w in name.split())
                scored.append((-in_name, i, p.summary()))
        scored.sort(key=lambda t: (t[0], t[1]))
        return [s for _, _, s in scored[:limit]]

    def procedure_guide(self, code: str, *, centre_id: str | None = None) -> ProcedureGuide:
        with self._lock:
            self.guide_calls += 1
        for p in self.procedures:
            if p.guide.code == code:
                g = p.guide
                received = self.now
                return ProcedureGuide(
                    **{
                        **{f: getattr(g, f) for f in ProcedureGuide.__dataclass_fields__},
                        "centre_name": self.centres.get(centre_id or "", ""),
                        "received_at": received,
                        "appointment": add_working_time(received, g.duration),
                    }
                )
        raise DomainError("catalog.unknown_procedure", code=code)

    def print_guidance_sheet(
        self, code: str, *, centre_id: str | None, staff_name: str, counter_name: str
    ) -> Path:
        if self.print_error is not None:
            raise self.print_error
        guide = self.procedure_guide(code, centre_id=centre_id)
        folder = self.data_dir / "guidance"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"huong-dan-{guide.code}.pdf"
        path.write_bytes(b"%PDF-1.4\n% fake guidance sheet\n")
        with self._lock:
            self.printed.append(code)
        return path

    def open_counter(self, session: StaffSession, counter_id: str) -> str:
        if counter_id not in {c.id for c in self.counters(session.centre_id)}:
            raise DomainError("counter.unknown", counter_id=counter_id)
        with self._lock:
            self.duties.append((session.staff_id, counter_id))
        return f"duty-{len(self.duties)}"

    def close_counter(self, duty_id: str) -> None:
        with self._lock:
            self.closed_duties.append(duty_id)

    def demo_session(self) -> tuple[StaffSession, CounterView]:
        staff = next(s for s in self.staff.values() if s.active)
        return self._session(staff), self.counters(staff.centre_id)[0]

    # -- helpers -----------------------------------------------------------------------------

    def advance(self, delta: timedelta) -> None:
        self.now += delta

    def _session(self, staff: FakeStaff) -> StaffSession:
        return StaffSession(
            staff_id=staff.id,
            username=staff.username,
            full_name=staff.full_name,
            role=staff.role,
            centre_id=staff.centre_id,
            centre_name=self.centres[staff.centre_id],
        )
