"""In-memory fakes of the ports, for tests of the layers above them (the ui first)."""

from __future__ import annotations

import copy
import json
import threading
import time
import unicodedata
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from counter_app.domain.calendar import WorkingCalendar
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
from counter_app.services.settings import Settings
from tests.fakes_queue import FakeQueueRepository, FakeQueueState

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
    # the rest of CounterAppServices: no dossier, printing or queue work unless a test adds it
    store_path: Path | None = None  # data_dir/counter.sqlite3 (never created)
    settings: Settings = field(default_factory=Settings)
    announcer: Any = None
    dossiers: Any = None
    printing: Any = None
    queue: Any = None
    ticket_printer: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.store_path is None:
            self.store_path = self.data_dir / "counter.sqlite3"
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

    def start_scanner(self, on_scan: Any) -> None:
        """No serial scanner on the fake PC (scans come through the keyboard-wedge filter)."""
        return None

    def start_boards(self) -> None:
        """No queue-number boards on the fake PC."""
        return None

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


# -- the unit of work in memory ----------------------------------------------------------------------
# ``FakeUnitOfWork`` implements services.ports.UnitOfWork over a ``FakeStore``: each unit of work works
# on a deep copy of the committed state and replaces it on commit (leaving without commit rolls back),
# so the services' transaction rules hold as on SQLite. tests/unit/test_fakes_contract.py runs the
# same scenarios on the fakes and on the real store.


@dataclass
class FakeStaffRecord:
    """services.ports.StaffRecord in memory (the password is kept as its "hash")."""

    id: str
    username: str
    full_name: str
    centre_id: str
    role: str = "clerk"
    password_hash: str = ""
    phone: str = ""
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = None
    last_login_at: datetime | None = None


@dataclass
class FakePayment:
    id: str
    receipt_number: str
    dossier_id: str
    payer_name: str
    method: str
    total: int
    lines: str  # JSON, as the store keeps it
    paid_at: datetime
    staff_id: str
    device_id: str
    request_key: str
    counter_id: str | None = None


@dataclass
class FakeBatch:
    id: str
    code: str
    centre_id: str
    agency_unit_id: str
    day: date
    created_at: datetime
    staff_id: str
    handed_at: datetime | None = None
    receiver_name: str = ""


@dataclass
class FakePostalItem:
    id: str
    item_code: str
    dossier_id: str
    receiver_name: str
    address: str
    phone: str
    status: str
    sent_at: datetime
    updated_at: datetime
    charge: int = 0


@dataclass
class FakeState:
    """Everything a transaction may change (deep-copied per unit of work)."""

    staff: dict[str, FakeStaffRecord] = field(default_factory=dict)
    duties: dict[str, tuple[str, str, datetime | None]] = field(default_factory=dict)  # id -> staff, counter, ended
    last_used: dict[tuple[str, date], int] = field(default_factory=dict)
    outbox: list[tuple[str, str, str, dict[str, object]]] = field(default_factory=list)
    clock_mark: datetime | None = None
    dossiers: dict[str, Any] = field(default_factory=dict)  # id -> DossierRecord, in insertion order
    events: dict[str, list[tuple[int, Any, Any]]] = field(default_factory=dict)  # id -> (seq, event, status)
    next_receipt: int = 1
    payments: list[FakePayment] = field(default_factory=list)
    batches: list[FakeBatch] = field(default_factory=list)
    batch_items: list[tuple[str, str]] = field(default_factory=list)  # (batch id, dossier id)
    postal_items: list[FakePostalItem] = field(default_factory=list)
    print_jobs: dict[str, Any] = field(default_factory=dict)  # id -> PrintJobRecord (services/print_jobs.py)
    queue: Any = None  # tests.fakes_queue.FakeQueueState


@dataclass
class FakeStore:
    """The committed state and the reference data (units, catalog, leases) of an in-memory store."""

    device_id: str = "fake-device"
    now: Any = None  # () -> datetime for the outbox's clock mark; set by the caller
    units: list[Any] = field(default_factory=list)
    centres: list[Any] = field(default_factory=list)
    counters: list[Any] = field(default_factory=list)
    centre_agencies: dict[str, list[str]] = field(default_factory=dict)
    fields: list[Any] = field(default_factory=list)
    procedures: list[Any] = field(default_factory=list)
    leases: list[Any] = field(default_factory=list)
    calendar: Any = None  # a WorkingCalendar; None = the plain one (weekends off, no holidays)
    calendars: dict[str, Any] = field(default_factory=dict)  # centre id -> its own WorkingCalendar
    state: FakeState = field(default_factory=FakeState)
    commits: int = 0

    def __post_init__(self) -> None:
        if self.state.queue is None:
            self.state.queue = FakeQueueState()

    def uow(self, *, readonly: bool = False) -> FakeUnitOfWork:
        """The UnitOfWorkFactory of this store."""
        return FakeUnitOfWork(self, readonly=readonly)

    @classmethod
    def copy_of(cls, factory: Any, *, device_id: str, usernames: tuple[str, ...] = (), now: Any = None) -> FakeStore:
        """Reference data and the named staff read through a real unit of work (services.ports only)."""
        store = cls(device_id=device_id, now=now)
        with factory(readonly=True) as uow:
            store.units = list(uow.units.all())
            store.centres = list(uow.units.centres())
            for centre in store.centres:
                store.counters += list(uow.units.counters(centre.id))
                store.centre_agencies[centre.id] = list(uow.units.centre_agencies(centre.id))
                for line in uow.queue.lines(centre.id, active_only=False):
                    store.state.queue.lines[line.id] = line
                store.state.queue.assignments += uow.queue.assignments(centre.id)
            store.fields = list(uow.catalog.fields())
            store.procedures = list(uow.catalog.procedures())
            store.leases = list(uow.sequences.leases(device_id))
            store.calendar = uow.calendars.calendar(None)
            store.calendars = {c.id: uow.calendars.calendar(c.id) for c in store.centres}
            for name in usernames:
                s = uow.staff.by_username(name)
                assert s is not None, name
                store.state.staff[s.id] = FakeStaffRecord(
                    s.id, s.username, s.full_name, s.centre_id, s.role, s.password_hash, s.phone, s.active,
                )
        return store


class FakeUnitRepository:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    def all(self) -> list[Any]:
        return list(self._store.units)

    def centres(self) -> list[Any]:
        return list(self._store.centres)

    def centre(self, centre_id: str) -> Any:
        return next((c for c in self._store.centres if c.id == centre_id), None)

    def counters(self, centre_id: str) -> list[Any]:
        return sorted((c for c in self._store.counters if c.centre_id == centre_id), key=lambda c: c.number)

    def counter(self, counter_id: str) -> Any:
        return next((c for c in self._store.counters if c.id == counter_id), None)

    def centre_agencies(self, centre_id: str) -> list[str]:
        return list(self._store.centre_agencies.get(centre_id, []))


class FakeCatalogRepository:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    def fields(self) -> list[Any]:
        return list(self._store.fields)

    def procedures(self) -> list[Any]:
        return list(self._store.procedures)

    def procedure_by_code(self, code: str) -> Any:
        return next((p for p in self._store.procedures if p.code == code), None)


class FakeStaffRepository:
    def __init__(self, state: FakeState, new_id: Any) -> None:
        self._state = state
        self._new_id = new_id

    def by_username(self, username: str) -> FakeStaffRecord | None:
        return next((s for s in self._state.staff.values() if s.username == username), None)

    def by_id(self, staff_id: str) -> FakeStaffRecord | None:
        return self._state.staff.get(staff_id)

    def first_active(self) -> FakeStaffRecord | None:
        active = sorted((s for s in self._state.staff.values() if s.active), key=lambda s: s.username)
        return active[0] if active else None

    def record_login_failure(self, staff_id: str, failed_logins: int, locked_until: datetime | None) -> None:
        staff = self._state.staff[staff_id]
        staff.failed_logins, staff.locked_until = failed_logins, locked_until

    def record_login_success(self, staff_id: str, at: datetime, new_hash: str | None) -> None:
        staff = self._state.staff[staff_id]
        staff.failed_logins, staff.locked_until, staff.last_login_at = 0, None, at
        if new_hash:
            staff.password_hash = new_hash

    def open_counter_session(self, staff_id: str, counter_id: str, device_id: str, at: datetime) -> str:
        duty_id = self._new_id()
        self._state.duties[duty_id] = (staff_id, counter_id, None)
        return duty_id

    def close_counter_session(self, session_id: str, at: datetime) -> bool:
        duty = self._state.duties.get(session_id)
        if duty is None or duty[2] is not None:
            return False
        self._state.duties[session_id] = (duty[0], duty[1], at)
        return True


class FakeCalendarRepository:
    def __init__(self, store: FakeStore) -> None:
        self._store = store

    def calendar(self, centre_id: str | None = None) -> Any:
        return self._store.calendars.get(centre_id or "") or self._store.calendar or WorkingCalendar()


class FakeSequenceRepository:
    def __init__(self, store: FakeStore, state: FakeState) -> None:
        self._store = store
        self._state = state

    def leases(self, device_id: str) -> list[Any]:
        return [lease for lease in self._store.leases if lease.device_id == device_id]

    def last_used(self, agency_code: str, day: date) -> int | None:
        return self._state.last_used.get((agency_code, day))

    def set_last_used(self, agency_code: str, day: date, seq: int) -> None:
        self._state.last_used[(agency_code, day)] = seq


class FakeOutbox:
    """Ops in commit order; the clock mark rises with each op as the store's does (never lowers)."""

    def __init__(self, store: FakeStore, state: FakeState) -> None:
        self._store = store
        self._state = state

    def add(self, entity: str, entity_id: str, op: str, payload: dict[str, object]) -> str:
        if self._store.now is not None:
            now = self._store.now()
            if self._state.clock_mark is None or self._state.clock_mark < now:
                self._state.clock_mark = now
        self._state.outbox.append((entity, entity_id, op, dict(payload)))
        return f"op-{len(self._state.outbox)}"

    def clock_mark(self) -> datetime | None:
        return self._state.clock_mark

    def set_clock_mark(self, at: datetime) -> None:
        self._state.clock_mark = at


class FakeDossierRepository:
    """services.ports.DossierRepository over a FakeState."""

    def __init__(self, state: FakeState) -> None:
        self._s = state

    # -- dossiers
    def add(self, record: Any) -> None:
        if record.id in self._s.dossiers or any(
            d.code == record.code or d.request_key == record.request_key for d in self._s.dossiers.values()
        ):
            raise ValueError(f"dossier {record.code} exists")  # the store's unique constraints
        self._s.dossiers[record.id] = record
        self._s.events[record.id] = []

    def save(self, record: Any) -> None:
        assert record.id in self._s.dossiers, record.id
        self._s.dossiers[record.id] = record

    def _without_components(self, record: Any) -> Any:
        return replace(record, components=())

    def by_code(self, code: str, *, with_components: bool = True) -> Any:
        found = next((d for d in self._s.dossiers.values() if d.code == code), None)
        if found is None or with_components:
            return found
        return self._without_components(found)

    def by_id(self, dossier_id: str) -> Any:
        return self._s.dossiers[dossier_id]

    def by_request_key(self, request_key: str) -> Any:
        return next((d for d in self._s.dossiers.values() if d.request_key == request_key), None)

    def search(
        self, *, code_prefix: str = "", id_number: str = "", phone: str = "", name_prefix: str = "",
        centre_id: str | None = None, limit: int = 50,
    ) -> list[Any]:
        found = [
            d for d in self._s.dossiers.values()
            if d.code.startswith(code_prefix) and (not id_number or d.id_number == id_number)
            and (not phone or d.phone == phone) and d.applicant_key.startswith(name_prefix)
            and (not centre_id or d.centre_id == centre_id)
        ]
        return [self._without_components(d) for d in found[:limit]]

    def by_status(self, status: Any, *, centre_id: str | None = None, limit: int = 500) -> list[Any]:
        found = [d for d in self._s.dossiers.values() if d.status is status and (not centre_id or d.centre_id == centre_id)]
        return [self._without_components(d) for d in sorted(found, key=lambda d: d.received_at)[:limit]]

    def received_between(self, centre_id: str | None, start: datetime, end: datetime) -> list[Any]:
        found = [
            d for d in self._s.dossiers.values()
            if start <= d.received_at < end and (not centre_id or d.centre_id == centre_id)
        ]
        return [self._without_components(d) for d in sorted(found, key=lambda d: d.received_at)]

    def count_received_before(self, centre_id: str | None, start: datetime, at: datetime, code: str = "") -> int:
        return sum(
            1 for d in self._s.dossiers.values()
            if d.received_at >= start and (d.received_at < at or (d.received_at == at and d.code < code))
            and (not centre_id or d.centre_id == centre_id)
        )

    def count(self) -> int:
        return len(self._s.dossiers)

    # -- events
    def append_event(self, record: Any, event: Any, status_after: Any) -> int:
        seq = record.event_count + 1
        history = self._s.events.setdefault(record.id, [])
        if any(s == seq for s, _, _ in history):
            raise ValueError(f"event {seq} of {record.code} exists")  # (dossier_id, seq) is unique
        history.append((seq, event, status_after))
        return seq

    def events(self, dossier_id: str) -> list[tuple[int, Any, Any, str]]:
        names = {s.id: s.full_name for s in self._s.staff.values()}
        return [(seq, e, status, names.get(e.staff_id, "")) for seq, e, status in sorted(
            self._s.events.get(dossier_id, []), key=lambda t: t[0])]

    def last_event_at(self, dossier_id: str, type_: Any) -> datetime | None:
        times = [e.at for _, e, _ in self._s.events.get(dossier_id, []) if e.type is type_]
        return max(times) if times else None

    # -- payments
    def next_receipt_seq(self, device_id: str) -> int:
        self._s.next_receipt += 1
        return self._s.next_receipt - 1

    def device_slot(self, device_id: str) -> int:
        return 1  # the fake store is one PC, slot 1

    def add_payment(self, **values: Any) -> None:
        values["lines"] = json.dumps(values["lines"], ensure_ascii=False)
        payment = FakePayment(**values)
        if any(p.request_key == payment.request_key or p.receipt_number == payment.receipt_number
               for p in self._s.payments):
            raise ValueError(f"payment {payment.receipt_number} exists")
        self._s.payments.append(payment)

    def payment_by_request_key(self, key: str) -> FakePayment | None:
        return next((p for p in self._s.payments if p.request_key == key), None)

    def payment_by_number(self, receipt_number: str) -> dict[str, Any] | None:
        p = next((p for p in self._s.payments if p.receipt_number == receipt_number), None)
        if p is None:
            return None
        return {"dossier_id": p.dossier_id, "staff_id": p.staff_id, "payer_name": p.payer_name,
                "lines": json.loads(p.lines), "method": p.method, "paid_at": p.paid_at, "total": p.total}

    def payments(self, dossier_id: str) -> list[FakePayment]:
        return sorted((p for p in self._s.payments if p.dossier_id == dossier_id), key=lambda p: p.paid_at)

    def paid_total(self, dossier_id: str) -> int:
        return sum(p.total for p in self._s.payments if p.dossier_id == dossier_id)

    def paid_totals(self, dossier_ids: Any) -> dict[str, int]:
        totals: dict[str, int] = {}
        for p in self._s.payments:
            if p.dossier_id in dossier_ids:
                totals[p.dossier_id] = totals.get(p.dossier_id, 0) + p.total
        return totals

    def payments_between(self, staff_id: str | None, start: datetime, end: datetime) -> list[FakePayment]:
        return sorted(
            (p for p in self._s.payments if start <= p.paid_at < end and (not staff_id or p.staff_id == staff_id)),
            key=lambda p: p.paid_at,
        )

    # -- hand-over
    def add_batch(self, dossier_ids: Any, **values: Any) -> None:
        batch = FakeBatch(**values)
        self._s.batches.append(batch)
        self._s.batch_items += [(batch.id, d) for d in dossier_ids]

    def batch(self, batch_id: str) -> FakeBatch | None:
        return next((b for b in self._s.batches if b.id == batch_id), None)

    def batch_by_code(self, code: str) -> FakeBatch | None:
        return next((b for b in self._s.batches if b.code == code), None)

    def batch_dossiers(self, batch_id: str) -> list[Any]:
        found = [self._s.dossiers[d] for b, d in self._s.batch_items if b == batch_id]
        return [self._without_components(d) for d in sorted(found, key=lambda d: d.received_at)]

    def batches_of(self, dossier_id: str) -> list[FakeBatch]:
        ids = {b for b, d in self._s.batch_items if d == dossier_id}
        return sorted((b for b in self._s.batches if b.id in ids), key=lambda b: b.created_at)

    def batches_between(self, centre_id: str, start: date, end: date) -> list[FakeBatch]:
        return sorted((b for b in self._s.batches if b.centre_id == centre_id and start <= b.day <= end),
                      key=lambda b: b.created_at)

    def count_batches_on(self, agency_unit_id: str, day: date) -> int:
        return sum(1 for b in self._s.batches if b.agency_unit_id == agency_unit_id and b.day == day)

    # -- postal items
    def add_postal_item(self, **values: Any) -> None:
        item = FakePostalItem(**values)
        if self.postal_item(item.item_code) is not None:
            raise ValueError(f"postal item {item.item_code} exists")
        self._s.postal_items.append(item)

    def set_postal_status(self, item_code: str, status: str, at: datetime) -> None:
        for item in self._s.postal_items:
            if item.item_code == item_code:
                item.status, item.updated_at = status, at

    def postal_item(self, item_code: str) -> FakePostalItem | None:
        return next((i for i in self._s.postal_items if i.item_code == item_code), None)

    def postal_items_of(self, dossier_id: str) -> list[FakePostalItem]:
        return sorted((i for i in self._s.postal_items if i.dossier_id == dossier_id), key=lambda i: i.sent_at)


class FakePrintJobRepository:
    """services.ports.PrintJobRepository in memory: owed → printed | failed | cancelled."""

    def __init__(self, state: FakeState) -> None:
        self._s = state

    def add(self, *, device: str, kind: Any, key: str, created_at: datetime) -> Any:
        import uuid

        from counter_app.services.print_jobs import PrintJobRecord, PrintJobStatus

        job = PrintJobRecord(str(uuid.uuid4()), device, kind, key, created_at, PrintJobStatus.OWED)
        self._s.print_jobs[job.id] = job
        return job

    def get(self, job_id: str) -> Any:
        return self._s.print_jobs.get(job_id)

    def owed(self, device: str) -> list[Any]:
        return sorted((j for j in self._s.print_jobs.values() if j.device == device and j.owed),
                      key=lambda j: j.created_at)

    def owed_for(self, device: str, kind: Any, key: str) -> list[Any]:
        return [j for j in self.owed(device) if j.kind == kind and j.key == key]

    def _settle(self, job_id: str, **changes: Any) -> bool:
        import dataclasses

        job = self._s.print_jobs.get(job_id)
        if job is None or not job.owed:
            return False
        self._s.print_jobs[job_id] = dataclasses.replace(job, **changes)
        return True

    def mark_printed(self, job_id: str, at: datetime) -> bool:
        from counter_app.services.print_jobs import PrintJobStatus

        job = self._s.print_jobs.get(job_id)
        attempts = job.attempts + 1 if job is not None else 0
        return self._settle(job_id, status=PrintJobStatus.PRINTED, printed_at=at, attempts=attempts)

    def mark_failed(self, job_id: str, error: str, code: str = "", params: Any = ()) -> bool:
        from counter_app.services.print_jobs import PrintJobStatus

        job = self._s.print_jobs.get(job_id)
        attempts = job.attempts + 1 if job is not None else 0
        return self._settle(job_id, status=PrintJobStatus.FAILED, last_error=error, attempts=attempts,
                            error_code=code, error_params=tuple(params))

    def cancel(self, job_id: str, reason: str, code: str = "", params: Any = ()) -> bool:
        from counter_app.services.print_jobs import PrintJobStatus

        return self._settle(job_id, status=PrintJobStatus.CANCELLED, last_error=reason, error_code=code,
                            error_params=tuple(params))


class FakeUnitOfWork:
    """services.ports.UnitOfWork in memory: ``with uow: ...; uow.commit()``, else nothing changes."""

    def __init__(self, store: FakeStore, *, readonly: bool = False) -> None:
        self._store = store
        self._readonly = readonly
        self._ids = 0

    def __enter__(self) -> FakeUnitOfWork:
        self._state = copy.deepcopy(self._store.state)
        self.units = FakeUnitRepository(self._store)
        self.catalog = FakeCatalogRepository(self._store)
        self.staff = FakeStaffRepository(self._state, self.new_id)
        self.calendars = FakeCalendarRepository(self._store)
        self.sequences = FakeSequenceRepository(self._store, self._state)
        self.outbox = FakeOutbox(self._store, self._state)
        self.dossiers = FakeDossierRepository(self._state)
        self.queue = FakeQueueRepository(self._store, self._state)
        self.print_jobs = FakePrintJobRepository(self._state)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self._state = FakeState()  # whatever was not committed is gone

    def commit(self) -> None:
        if self._readonly:
            raise RuntimeError("read-only unit of work cannot commit")
        self._store.state = copy.deepcopy(self._state)
        self._store.commits += 1

    def rollback(self) -> None:
        self.__enter__()  # back to the committed state

    def new_id(self) -> str:
        return str(uuid.uuid4())


class ManualClock:
    """A services.ports.Clock the test moves (aware, Vietnam time)."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


@dataclass
class DossierWorld:
    """A DossierService over a FakeStore: one province, one department, one centre, one clerk."""

    store: FakeStore
    clock: ManualClock
    service: Any  # DossierService
    desk: Any  # Desk
    procedure: Any  # Procedure (5 working days, 30.000 đ before the result)


AGENCY_CODE = "000.00.20.H28"


def dossier_world(now: datetime | None = None) -> DossierWorld:
    from counter_app.domain.catalog import Component, Fee, Field, Procedure
    from counter_app.domain.codes import SequenceLease
    from counter_app.domain.units import Centre, Counter, Unit, UnitKind, UnitTree
    from counter_app.services.dossiers import Desk, DossierService

    clock = ManualClock(now or datetime(2026, 11, 30, 9, 0, tzinfo=VN_TZ))  # a Monday morning
    province = Unit("u-ht", "42", "Tỉnh Hà Tĩnh", UnitKind.PROVINCE)
    agency = Unit("u-sct", AGENCY_CODE, "Sở Công Thương", UnitKind.DEPARTMENT, "u-ht")
    procedure = Procedure(
        id="p-1", code="2.000595", name="Cấp Giấy xác nhận kiến thức về an toàn thực phẩm", field_id="f-1",
        agency_unit_id=agency.id, level=ProcedureLevel.PROVINCE, duration=Duration(DurationUnit.WORKING_DAYS, 5),
        components=(Component("Đơn đề nghị", originals=1),), fees=(Fee("Phí thẩm định", 30_000, FeeKind.FEE),),
    )
    store = FakeStore(
        device_id="dev-1", now=clock.now, units=[province, agency],
        centres=[Centre("c-ht", "HT", "Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh", province.id)],
        counters=[Counter("k1", "c-ht", 1, "Quầy 1")], centre_agencies={"c-ht": [agency.id]},
        fields=[Field("f-1", "ATTP", "An toàn thực phẩm")], procedures=[procedure],
        leases=[SequenceLease(AGENCY_CODE, 1, 9999, date(2026, 1, 1), date(2027, 12, 31), "dev-1")],
    )
    store.state.staff["s1"] = FakeStaffRecord("s1", "nv01", "Nguyễn Thị Lan", "c-ht", role="clerk")

    def procedure_by_code(code: str) -> Procedure:
        if code != procedure.code:
            raise DomainError("catalog.unknown_procedure", code=code)
        return procedure

    service = DossierService(
        uow=store.uow, clock=clock, calendar_for=lambda centre_id: WorkingCalendar(),
        units=UnitTree(store.units), procedures=procedure_by_code, device_id=store.device_id,
    )
    desk = Desk("s1", "Nguyễn Thị Lan", "c-ht", "k1", "Quầy 1")
    return DossierWorld(store, clock, service, desk, procedure)


@dataclass
class QueueWorld:
    """A LocalQueueService over a FakeStore: one centre, lines A (submit) and B (collect), counters 1 and 2."""

    store: FakeStore
    clock: ManualClock
    queue: Any  # LocalQueueService


def queue_world(now: datetime | None = None) -> QueueWorld:
    from counter_app.domain.queue import Line
    from counter_app.domain.units import Centre, Counter, Unit, UnitKind
    from counter_app.services.queue import LocalQueueService

    clock = ManualClock(now or datetime(2026, 11, 30, 9, 0, tzinfo=VN_TZ))  # a Monday morning
    store = FakeStore(
        device_id="dev-1", now=clock.now, units=[Unit("u-ht", "42", "Tỉnh Hà Tĩnh", UnitKind.PROVINCE)],
        centres=[Centre("c-ht", "HT", "Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh", "u-ht")],
        counters=[Counter("k1", "c-ht", 1, "Quầy 1"), Counter("k2", "c-ht", 2, "Quầy 2")],
    )
    q = store.state.queue
    for line in (Line("l-a", "c-ht", "A", "Nộp hồ sơ", "Tư pháp"),
                 Line("l-b", "c-ht", "B", "Nhận kết quả", "Tư pháp", service="collect", position=1)):
        q.lines[line.id] = line
    q.assignments += [("k1", "l-a", 1), ("k1", "l-b", 0), ("k2", "l-b", 1), ("k2", "l-a", 0)]
    store.state.staff["s1"] = FakeStaffRecord("s1", "nv01", "Nguyễn Thị Lan", "c-ht")
    store.state.staff["s2"] = FakeStaffRecord("s2", "nv02", "Trần Văn Hòa", "c-ht")
    store.state.staff["g1"] = FakeStaffRecord("g1", "gs01", "Lê Thị Giám", "c-ht", role="supervisor")
    for staff_id, counter_id in (("s1", "k1"), ("s2", "k2")):
        store.state.duties[f"duty-{counter_id}"] = (staff_id, counter_id, None)
    return QueueWorld(store, clock, LocalQueueService(store.uow, clock, store.device_id))
