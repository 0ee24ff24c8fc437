"""Vietnamese holidays: the province's yearly calendars, with the real ``holidays`` package as default."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from counter_app.domain.calendar import (
    CalendarDay,
    DayIssuer,
    OfficeHours,
    WorkingCalendar,
    YearCalendar,
)
from counter_app.domain.catalog import Duration, DurationUnit
from counter_app.domain.errors import DomainError
from counter_app.storage.holidays_vn import (
    build_calendar,
    calendar_days,
    pending_holidays,
    public_holidays,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKEND = frozenset({5, 6})


@pytest.fixture(scope="module")
def calendar_2026() -> WorkingCalendar:
    return build_calendar(OfficeHours(), WEEKEND, [2025, 2026, 2027], {})


def test_public_holidays_2026() -> None:
    days = public_holidays([2026])
    assert date(2026, 1, 1) in days
    assert date(2026, 4, 30) in days
    assert date(2026, 5, 1) in days
    assert date(2026, 9, 2) in days
    assert all(d.year == 2026 for d in days)
    assert all(isinstance(name, str) and name for name in days.values())


def test_names_are_vietnamese() -> None:
    names = public_holidays([2026]).values()
    assert any("Tết" in name for name in names)


def test_no_years_no_holidays() -> None:
    assert public_holidays([]) == {}


def test_fixed_holidays_are_days_off(calendar_2026: WorkingCalendar) -> None:
    for day in [date(2026, 1, 1), date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 2)]:
        assert day.weekday() < 5  # weekdays in 2026, so only the holiday makes them off
        assert not calendar_2026.is_working_day(day), day


def test_tet_2026_is_off(calendar_2026: WorkingCalendar) -> None:
    # Lunar New Year 2026 falls on 17 February; the package gives 16–20 February off
    for day in range(16, 21):
        assert not calendar_2026.is_working_day(date(2026, 2, day)), day
    assert calendar_2026.is_working_day(date(2026, 2, 13))
    assert calendar_2026.is_working_day(date(2026, 2, 23))


def test_hung_kings_2026_is_off(calendar_2026: WorkingCalendar) -> None:
    # 10th day of the 3rd lunar month 2026 is Sunday 26 April; Monday 27 April is in lieu
    assert not calendar_2026.is_working_day(date(2026, 4, 27))


def test_deadline_skips_tet(calendar_2026: WorkingCalendar) -> None:
    received = datetime(2026, 2, 13, 9, 0, tzinfo=VN)  # Friday before Tết
    due = calendar_2026.appointment(received, Duration(DurationUnit.WORKING_DAYS, 1))
    assert due == datetime(2026, 2, 23, 9, 0, tzinfo=VN)


def _year(year: int, *days: CalendarDay) -> dict[int, YearCalendar]:
    return {year: YearCalendar(year, "test", days)}


def test_yearly_calendar_makes_saturday_a_working_day() -> None:
    saturday = date(2026, 1, 10)
    assert saturday.weekday() == 5
    plain = build_calendar(OfficeHours(), WEEKEND, [2026], {})
    assert not plain.is_working_day(saturday)
    cal = build_calendar(
        OfficeHours(), WEEKEND, [2026],
        _year(2026, CalendarDay(saturday, True, "Làm bù", DayIssuer.GOVERNMENT, "12729/VPCP-KGVX")),
    )
    assert cal.is_working_day(saturday)
    received = datetime(2026, 1, 9, 15, 0, tzinfo=VN)  # Friday
    due = cal.appointment(received, Duration(DurationUnit.WORKING_DAYS, 1))
    assert due == datetime(2026, 1, 10, 15, 0, tzinfo=VN)


def test_yearly_calendar_is_the_whole_truth_for_its_year() -> None:
    # a yearly calendar that does not list 01/05/2026 makes it a working day, whatever the package says
    cal = build_calendar(OfficeHours(), WEEKEND, [2026], _year(2026))
    assert cal.is_working_day(date(2026, 5, 1))
    assert date(2026, 5, 1) not in cal.days_off
    # the next year, with no yearly calendar, still follows the package
    cal = build_calendar(OfficeHours(), WEEKEND, [2026, 2027], _year(2026))
    assert not cal.is_working_day(date(2027, 4, 30))


def test_yearly_calendar_adds_days_off() -> None:
    bridge = date(2026, 1, 2)  # Friday after New Year
    cal = build_calendar(
        OfficeHours(), WEEKEND, [2026],
        _year(2026, CalendarDay(bridge, False, "Nghỉ hoán đổi", DayIssuer.GOVERNMENT, "12729/VPCP-KGVX")),
    )
    assert not cal.is_working_day(bridge)
    assert cal.is_working_day(date(2026, 1, 5))


def test_package_swap_brings_its_make_up_working_day() -> None:
    # holidays 0.109: 02/05/2025 "Ngày nghỉ (thay cho ngày 26/04/2025)" — Saturday 26/04 was worked
    days = calendar_days([2025])
    assert not days[date(2025, 5, 2)].working
    assert days[date(2025, 4, 26)].working
    assert days[date(2025, 4, 26)].issuer is DayIssuer.PACKAGE
    cal = build_calendar(OfficeHours(), WEEKEND, [2025], {})
    due = cal.appointment(datetime(2025, 4, 25, 9, 0, tzinfo=VN), Duration(DurationUnit.WORKING_DAYS, 1))
    assert due == datetime(2025, 4, 26, 9, 0, tzinfo=VN)
    # 2026: the package's 31/08 swap comes with Saturday 22/08 (as 9859/VPCP-KGVX decided)
    assert calendar_days([2026])[date(2026, 8, 22)].working


def test_holiday_ahead_of_the_law_waits_for_the_yearly_calendar() -> None:
    # holidays 0.109 adds 24/11 "Ngày Văn hóa Việt Nam" from 2026 (Resolution 80-NQ/TW, not yet
    # in Labour Code Art. 112): it is not a day off until a yearly calendar lists it
    assert date(2026, 11, 24) in public_holidays([2026])
    assert pending_holidays([2026]) == {date(2026, 11, 24): "Ngày Văn hóa Việt Nam"}
    assert build_calendar(OfficeHours(), WEEKEND, [2026], {}).is_working_day(date(2026, 11, 24))
    confirmed = build_calendar(
        OfficeHours(), WEEKEND, [2026],
        _year(2026, CalendarDay(date(2026, 11, 24), False, "Ngày Văn hóa Việt Nam", DayIssuer.PROVINCE, "QĐ của tỉnh")),
    )
    assert not confirmed.is_working_day(date(2026, 11, 24))


def test_every_package_day_of_2025_to_2027_is_understood() -> None:
    # a package day is a statutory holiday, a swap or pending; a renamed holiday would fail here
    generated = public_holidays([2025, 2026, 2027])
    kept = calendar_days([2025, 2026, 2027])
    pending = pending_holidays([2025, 2026, 2027])
    assert set(generated) == {d for d, e in kept.items() if not e.working} | set(pending)


def test_custom_hours_and_weekend_kept() -> None:
    hours = OfficeHours(((time(7, 30), time(11, 30)), (time(13, 30), time(17, 30))))
    cal = build_calendar(hours, frozenset({6}), [2026], {})
    assert cal.office_hours == hours
    assert cal.is_working_day(date(2026, 1, 3))  # Saturday works with a Sunday-only weekend
    assert not cal.is_working_day(date(2026, 1, 1))


def test_a_day_listed_twice_is_rejected() -> None:
    day = date(2026, 1, 2)
    with pytest.raises(DomainError) as err:
        YearCalendar(2026, "x", (
            CalendarDay(day, False, "a", DayIssuer.PROVINCE), CalendarDay(day, True, "b", DayIssuer.PROVINCE),
        ))
    assert err.value.code == "calendar.override_conflict"


def test_a_store_seeded_before_gets_its_calendar_corrected_on_upgrade(
    demo_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a store seeded by the previous version: package swaps without make-up days, 24/11 off, the
    # demo's sample list (12/09/2026 worked, 02/01 and 10/01/2026 labelled as the province's)
    import sqlite3

    from counter_app.cli import main
    from counter_app.storage.store import head_revision, store_path

    db = sqlite3.connect(store_path(demo_data_dir))
    with db:
        db.execute("DELETE FROM calendar_days WHERE day IN ('2025-04-26', '2026-08-22')")
        old = [
            ("2025-05-02", "off", "Ngày nghỉ (thay cho ngày 26/04/2025)", "holidays"),
            ("2026-08-31", "off", "Ngày nghỉ (thay cho ngày 22/08/2026)", "province"),
            ("2026-09-12", "working", "Làm việc bù theo quyết định của tỉnh", "province"),
            ("2026-01-02", "off", "Nghỉ theo quyết định của tỉnh", "province"),
            ("2026-01-10", "working", "Làm việc bù theo quyết định của tỉnh", "province"),
            ("2026-11-24", "off", "Ngày Văn hóa Việt Nam", "holidays"),
        ]
        db.executemany("INSERT OR REPLACE INTO calendar_days (day, kind, name, source) VALUES (?, ?, ?, ?)", old)
        db.execute("UPDATE alembic_version SET version_num = '0007'")
    db.close()

    def due(received: str) -> str:
        assert main(["calendar", "due", "--working-days", "1", "--received", received, "--data-dir", str(demo_data_dir)]) == 0
        return capsys.readouterr().out.strip().splitlines()[-1]

    assert main(["db", "upgrade", "--data-dir", str(demo_data_dir)]) == 0
    capsys.readouterr()
    version = sqlite3.connect(store_path(demo_data_dir)).execute("SELECT version_num FROM alembic_version")
    assert version.fetchone()[0] == head_revision()

    assert due("2025-04-25 09:00") == "2025-04-26 09:00"  # Saturday 26/04/2025 worked
    assert due("2026-08-21 10:00") == "2026-08-22 10:00"  # Saturday 22/08/2026 worked
    assert due("2026-09-11 10:00") == "2026-09-14 10:00"  # Saturday 12/09/2026 is not
    assert due("2026-11-23 10:00") == "2026-11-24 10:00"  # 24/11 waits for the yearly calendar
    assert due("2026-01-09 15:00") == "2026-01-10 15:00"  # the Government's make-up Saturday kept
    db = sqlite3.connect(store_path(demo_data_dir))
    issuers = dict(db.execute("SELECT day, source FROM calendar_days WHERE day IN ('2026-01-02', '2026-08-31')"))
    assert issuers == {"2026-01-02": "government", "2026-08-31": "prime_minister"}
