"""Vietnamese holidays from the real ``holidays`` package and the province's yearly overrides."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from counter_app.domain.calendar import OfficeHours, WorkingCalendar, YearOverride
from counter_app.domain.catalog import Duration, DurationUnit
from counter_app.domain.errors import DomainError
from counter_app.storage.holidays_vn import build_calendar, public_holidays

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


def test_override_makes_saturday_a_working_day() -> None:
    saturday = date(2026, 1, 10)
    assert saturday.weekday() == 5
    plain = build_calendar(OfficeHours(), WEEKEND, [2026], {})
    assert not plain.is_working_day(saturday)
    cal = build_calendar(
        OfficeHours(), WEEKEND, [2026], {2026: YearOverride(working_days=frozenset({saturday}))}
    )
    assert cal.is_working_day(saturday)
    received = datetime(2026, 1, 9, 15, 0, tzinfo=VN)  # Friday
    due = cal.appointment(received, Duration(DurationUnit.WORKING_DAYS, 1))
    assert due == datetime(2026, 1, 10, 15, 0, tzinfo=VN)


def test_override_working_day_cancels_generated_holiday() -> None:
    cal = build_calendar(
        OfficeHours(),
        WEEKEND,
        [2026],
        {2026: YearOverride(working_days=frozenset({date(2026, 5, 1)}))},
    )
    assert cal.is_working_day(date(2026, 5, 1))
    assert date(2026, 5, 1) not in cal.days_off


def test_override_adds_days_off() -> None:
    bridge = date(2026, 1, 2)  # Friday after New Year
    cal = build_calendar(
        OfficeHours(), WEEKEND, [2026], {2026: YearOverride(days_off=frozenset({bridge}))}
    )
    assert not cal.is_working_day(bridge)
    assert cal.is_working_day(date(2026, 1, 5))


def test_custom_hours_and_weekend_kept() -> None:
    hours = OfficeHours(((time(7, 30), time(11, 30)), (time(13, 30), time(17, 30))))
    cal = build_calendar(hours, frozenset({6}), [2026], {})
    assert cal.office_hours == hours
    assert cal.is_working_day(date(2026, 1, 3))  # Saturday works with a Sunday-only weekend
    assert not cal.is_working_day(date(2026, 1, 1))


def test_conflicting_override_rejected() -> None:
    with pytest.raises(DomainError) as err:
        YearOverride(
            days_off=frozenset({date(2026, 1, 2)}), working_days=frozenset({date(2026, 1, 2)})
        )
    assert err.value.code == "calendar.override_conflict"
