"""Working calendar: working days, appointments (due dates) and working time between moments."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from counter_app.domain.calendar import (
    CalendarDay,
    DayIssuer,
    OfficeHours,
    WorkingCalendar,
    YearCalendar,
)
from counter_app.domain.catalog import Duration, DurationUnit
from counter_app.domain.errors import DomainError

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MON = date(2026, 3, 2)  # a Monday
TUE, WED, THU, FRI, SAT, SUN = (MON + timedelta(days=i) for i in range(1, 7))
NEXT_MON = MON + timedelta(days=7)

DAYS = DurationUnit.WORKING_DAYS
HOURS = DurationUnit.WORKING_HOURS
CAL = DurationUnit.CALENDAR_DAYS


def at(day: date, hour: int, minute: int = 0, tz: timezone | ZoneInfo = VN) -> datetime:
    return datetime.combine(day, time(hour, minute), tz)


def appt(cal: WorkingCalendar, received: datetime, unit: DurationUnit, n: int) -> datetime:
    return cal.appointment(received, Duration(unit, n))


PLAIN = WorkingCalendar()


class TestWorkingDays:
    def test_weekend(self) -> None:
        assert [PLAIN.is_working_day(MON + timedelta(days=i)) for i in range(7)] == [
            True,
            True,
            True,
            True,
            True,
            False,
            False,
        ]

    def test_day_off(self) -> None:
        cal = WorkingCalendar(days_off=frozenset({WED}))
        assert not cal.is_working_day(WED)
        assert cal.is_working_day(THU)

    def test_extra_working_day_wins_over_weekend(self) -> None:
        cal = WorkingCalendar(extra_working_days=frozenset({SAT}))
        assert cal.is_working_day(SAT)
        assert not cal.is_working_day(SUN)

    def test_day_off_wins_over_extra_working_day(self) -> None:
        cal = WorkingCalendar(days_off=frozenset({SAT}), extra_working_days=frozenset({SAT}))
        assert not cal.is_working_day(SAT)

    def test_custom_weekend(self) -> None:
        cal = WorkingCalendar(weekend=frozenset({6}))  # Saturday is a working day
        assert cal.is_working_day(SAT)
        assert not cal.is_working_day(SUN)

    def test_datetime_accepted_as_day(self) -> None:
        cal = WorkingCalendar(days_off=frozenset({WED}))
        assert not cal.is_working_day(at(WED, 9))

    def test_next_working_day(self) -> None:
        assert PLAIN.next_working_day(MON) == TUE
        assert PLAIN.next_working_day(FRI) == NEXT_MON
        assert PLAIN.next_working_day(SAT) == NEXT_MON
        cal = WorkingCalendar(days_off=frozenset({NEXT_MON}), extra_working_days=frozenset({SUN}))
        assert cal.next_working_day(FRI) == SUN
        assert cal.next_working_day(SUN) == NEXT_MON + timedelta(days=1)

    def test_working_days_between(self) -> None:
        assert PLAIN.working_days_between(MON, NEXT_MON) == 5
        assert PLAIN.working_days_between(MON, MON) == 0
        assert PLAIN.working_days_between(SAT, NEXT_MON) == 0
        assert PLAIN.working_days_between(NEXT_MON, MON) == -5
        cal = WorkingCalendar(days_off=frozenset({TUE}))
        assert cal.working_days_between(MON, NEXT_MON) == 4

    def test_working_days_between_far_apart(self) -> None:
        # 2024 had 262 weekdays
        assert PLAIN.working_days_between(date(2024, 1, 1), date(2025, 1, 1)) == 262
        assert PLAIN.working_days_between(date(1990, 1, 1), date(2030, 1, 1)) > 10_000


class TestAppointmentWorkedExamples:
    def test_after_closing_one_day(self) -> None:
        assert appt(PLAIN, at(MON, 17, 30), DAYS, 1) == at(TUE, 17)

    def test_morning_three_days(self) -> None:
        assert appt(PLAIN, at(MON, 9), DAYS, 3) == at(THU, 9)

    def test_friday_afternoon_one_day_skips_weekend(self) -> None:
        assert appt(PLAIN, at(FRI, 15), DAYS, 1) == at(NEXT_MON, 15)

    def test_friday_one_day_with_monday_off(self) -> None:
        cal = WorkingCalendar(days_off=frozenset({NEXT_MON}))
        assert appt(cal, at(FRI, 15), DAYS, 1) == at(NEXT_MON + timedelta(days=1), 15)

    def test_received_at_lunch_counts_from_afternoon(self) -> None:
        # counting starts 13:30 with 4.5 h of the day already behind: ends on Tue's session end
        assert appt(PLAIN, at(MON, 12), DAYS, 1) == at(TUE, 11, 30)
        assert appt(PLAIN, at(MON, 12), HOURS, 1) == at(MON, 14, 30)

    def test_received_before_opening_counts_from_opening(self) -> None:
        # a full day from 07:00 ends at 17:00 the same day
        assert appt(PLAIN, at(MON, 6), DAYS, 1) == at(MON, 17)

    def test_received_on_day_off_counts_from_next_morning(self) -> None:
        assert appt(PLAIN, at(SAT, 10), DAYS, 2) == at(NEXT_MON + timedelta(days=1), 17)
        assert appt(PLAIN, at(SUN, 23, 59), HOURS, 1) == at(NEXT_MON, 8)

    def test_received_at_closing_time_is_after_closing(self) -> None:
        assert appt(PLAIN, at(MON, 17), DAYS, 1) == at(TUE, 17)

    def test_received_at_session_start(self) -> None:
        assert appt(PLAIN, at(MON, 7), HOURS, 1) == at(MON, 8)
        assert appt(PLAIN, at(MON, 13, 30), HOURS, 1) == at(MON, 14, 30)

    def test_hours_crossing_lunch(self) -> None:
        assert appt(PLAIN, at(MON, 10), HOURS, 2) == at(MON, 14)

    def test_hours_ending_on_session_end_give_session_end(self) -> None:
        assert appt(PLAIN, at(MON, 9, 30), HOURS, 2) == at(MON, 11, 30)
        assert appt(PLAIN, at(MON, 11), HOURS, 4) == at(MON, 17)

    def test_half_day(self) -> None:
        assert appt(PLAIN, at(MON, 7), HOURS, 4) == at(MON, 11)
        assert appt(PLAIN, at(MON, 15), HOURS, 4) == at(TUE, 9)

    def test_hours_across_days_and_weekend(self) -> None:
        assert appt(PLAIN, at(FRI, 16), HOURS, 8) == at(NEXT_MON, 16)

    def test_ten_working_days_over_holiday(self) -> None:
        cal = WorkingCalendar(days_off=frozenset({THU, FRI}))
        # Mon..Wed (3, counting from Mon 9:00 through Tue 9:00 …), skip Thu, Fri, weekend
        assert appt(cal, at(MON, 9), DAYS, 10) == at(date(2026, 3, 18), 9)

    def test_make_up_saturday_counts(self) -> None:
        cal = WorkingCalendar(extra_working_days=frozenset({SAT}))
        assert appt(cal, at(FRI, 15), DAYS, 1) == at(SAT, 15)

    def test_microseconds_kept(self) -> None:
        received = datetime(2026, 3, 2, 9, 15, 30, 123456, tzinfo=VN)
        assert appt(PLAIN, received, DAYS, 1) == received + timedelta(days=1)


class TestAppointmentZeroDuration:
    def test_inside_session_is_the_received_moment(self) -> None:
        received = at(MON, 9, 41)
        assert appt(PLAIN, received, DAYS, 0) is received

    def test_lunch_gives_afternoon_start(self) -> None:
        assert appt(PLAIN, at(MON, 11, 30), HOURS, 0) == at(MON, 13, 30)

    def test_after_closing_gives_next_morning(self) -> None:
        assert appt(PLAIN, at(FRI, 18), DAYS, 0) == at(NEXT_MON, 7)

    def test_calendar_days_zero_is_start_moment(self) -> None:
        assert appt(PLAIN, at(SAT, 9), CAL, 0) == at(NEXT_MON, 7)


class TestCalendarDays:
    def test_plain(self) -> None:
        assert appt(PLAIN, at(MON, 9), CAL, 3) == at(THU, 17)

    def test_landing_on_weekend_moves_to_monday(self) -> None:
        assert appt(PLAIN, at(MON, 9), CAL, 5) == at(NEXT_MON, 17)

    def test_landing_on_day_off_moves_on(self) -> None:
        cal = WorkingCalendar(days_off=frozenset({NEXT_MON}))
        assert appt(cal, at(MON, 9), CAL, 7) == at(NEXT_MON + timedelta(days=1), 17)

    def test_counts_from_date_even_after_closing(self) -> None:
        assert appt(PLAIN, at(MON, 20), CAL, 1) == at(TUE, 17)

    def test_thirty_days(self) -> None:
        assert appt(PLAIN, at(date(2026, 1, 5), 8), CAL, 30) == at(date(2026, 2, 4), 17)

    def test_closing_of_custom_hours(self) -> None:
        cal = WorkingCalendar(
            office_hours=OfficeHours(((time(8), time(12)), (time(13), time(16, 30))))
        )
        assert appt(cal, at(MON, 9), CAL, 1) == at(TUE, 16, 30)


class TestCustomOfficeHours:
    CAL3 = WorkingCalendar(
        office_hours=OfficeHours(
            ((time(7, 30), time(11, 30)), (time(13), time(15)), (time(15, 30), time(17)))
        )
    )

    def test_day_is_sum_of_sessions(self) -> None:
        assert self.CAL3.office_hours.working_time_per_day == timedelta(hours=7, minutes=30)
        assert appt(self.CAL3, at(MON, 9), DAYS, 1) == at(TUE, 9)

    def test_three_sessions(self) -> None:
        assert appt(self.CAL3, at(MON, 11), HOURS, 3) == at(MON, 15, 30) + timedelta(minutes=30)
        assert appt(self.CAL3, at(MON, 11), HOURS, 2) == at(MON, 15) - timedelta(minutes=30)
        assert appt(self.CAL3, at(MON, 14), HOURS, 1) == at(MON, 15)

    def test_single_session(self) -> None:
        cal = WorkingCalendar(office_hours=OfficeHours(((time(8), time(16)),)))
        assert appt(cal, at(MON, 12), HOURS, 4) == at(MON, 16)
        assert appt(cal, at(MON, 12), HOURS, 5) == at(TUE, 9)


class TestTimeZones:
    def test_keeps_tzinfo(self) -> None:
        received = at(MON, 9)
        result = appt(PLAIN, received, DAYS, 2)
        assert result.tzinfo is VN

    def test_fixed_offset(self) -> None:
        plus7 = timezone(timedelta(hours=7))
        assert appt(PLAIN, at(MON, 17, 30, plus7), DAYS, 1) == at(TUE, 17, 0, plus7)
        assert appt(PLAIN, at(MON, 17, 30, plus7), DAYS, 1).utcoffset() == timedelta(hours=7)

    def test_wall_clock_of_the_given_zone(self) -> None:
        # 09:00 UTC is inside office hours in UTC's wall clock
        assert appt(PLAIN, at(MON, 9, 0, UTC), HOURS, 1) == at(MON, 10, 0, UTC)

    def test_naive_datetime_rejected(self) -> None:
        with pytest.raises(DomainError) as err:
            PLAIN.appointment(datetime(2026, 3, 2, 9), Duration(DAYS, 1))
        assert err.value.code == "calendar.naive_datetime"

    def test_naive_rejected_in_working_time(self) -> None:
        with pytest.raises(DomainError) as err:
            PLAIN.working_time_between(at(MON, 9), datetime(2026, 3, 3, 9))
        assert err.value.code == "calendar.naive_datetime"


class TestWorkingTimeBetween:
    def test_same_session(self) -> None:
        assert PLAIN.working_time_between(at(MON, 8), at(MON, 10)) == timedelta(hours=2)

    def test_over_lunch(self) -> None:
        assert PLAIN.working_time_between(at(MON, 11), at(MON, 14)) == timedelta(hours=1)

    def test_over_weekend(self) -> None:
        assert PLAIN.working_time_between(at(FRI, 16), at(NEXT_MON, 8)) == timedelta(hours=2)

    def test_outside_hours_counts_nothing(self) -> None:
        assert PLAIN.working_time_between(at(SAT, 8), at(SUN, 16)) == timedelta(0)
        assert PLAIN.working_time_between(at(MON, 17, 30), at(TUE, 6)) == timedelta(0)

    def test_full_week(self) -> None:
        assert PLAIN.working_time_between(at(MON, 0), at(NEXT_MON, 0)) == timedelta(hours=40)

    def test_negative_when_reversed(self) -> None:
        assert PLAIN.working_time_between(at(MON, 10), at(MON, 8)) == -timedelta(hours=2)

    def test_other_time_zone_converted(self) -> None:
        start = at(MON, 8)
        end = at(MON, 3, 0, UTC)  # 10:00 in Vietnam
        assert PLAIN.working_time_between(start, end) == timedelta(hours=2)


class TestErrors:
    def test_no_working_days(self) -> None:
        cal = WorkingCalendar(weekend=frozenset(range(7)))
        for unit in (DAYS, HOURS, CAL):
            with pytest.raises(DomainError) as err:
                appt(cal, at(MON, 9), unit, 1)
            assert err.value.code == "calendar.no_working_days"
        with pytest.raises(DomainError) as err:
            cal.next_working_day(MON)
        assert err.value.code == "calendar.no_working_days"

    def test_no_working_days_for_four_years(self) -> None:
        start = date(2026, 1, 1)
        off = frozenset(start + timedelta(days=i) for i in range(4 * 366))
        cal = WorkingCalendar(days_off=off)
        with pytest.raises(DomainError) as err:
            appt(cal, at(date(2026, 1, 5), 9), DAYS, 1)
        assert err.value.code == "calendar.no_working_days"

    def test_long_gap_under_three_years_is_fine(self) -> None:
        start = date(2026, 1, 1)
        off = frozenset(start + timedelta(days=i) for i in range(2 * 365))
        cal = WorkingCalendar(days_off=off)
        result = appt(cal, at(date(2026, 1, 5), 9), DAYS, 1)
        assert result.date() == cal.next_working_day(start + timedelta(days=2 * 365 - 1))

    def test_bad_office_hours(self) -> None:
        for sessions in [(), ((time(9), time(8)),), ((time(7), time(12)), (time(11), time(17)))]:
            with pytest.raises(DomainError) as err:
                OfficeHours(sessions)
            assert err.value.code == "calendar.office_hours_invalid"

    def test_bad_weekday(self) -> None:
        with pytest.raises(DomainError) as err:
            WorkingCalendar(weekend=frozenset({7}))
        assert err.value.code == "calendar.bad_weekday"

    def test_year_calendar_conflict(self) -> None:
        with pytest.raises(DomainError) as err:
            YearCalendar(SAT.year, "x", (
                CalendarDay(SAT, False, "off", DayIssuer.PROVINCE),
                CalendarDay(SAT, True, "working", DayIssuer.PROVINCE),
            ))
        assert err.value.code == "calendar.override_conflict"
        assert err.value.params == {"day": SAT}

    def test_year_calendar_day_in_another_year(self) -> None:
        with pytest.raises(DomainError) as err:
            YearCalendar(2027, "x", (CalendarDay(SAT, True, "working", DayIssuer.PROVINCE),))
        assert err.value.code == "calendar.wrong_year"


class TestValueSemantics:
    def test_cache_not_part_of_equality_or_hash(self) -> None:
        used = WorkingCalendar(days_off=frozenset({WED}))
        appt(used, at(MON, 9), DAYS, 1)
        fresh = WorkingCalendar(days_off=frozenset({WED}))
        assert used == fresh
        assert hash(used) == hash(fresh)
        assert "_plan" not in repr(used)

    def test_replace_gives_a_fresh_calendar(self) -> None:
        cal = WorkingCalendar()
        assert appt(cal, at(MON, 9), DAYS, 1) == at(TUE, 9)
        changed = dataclasses.replace(cal, days_off=frozenset({TUE}))
        assert appt(changed, at(MON, 9), DAYS, 1) == at(WED, 9)

    def test_far_past_and_future(self) -> None:
        cal = WorkingCalendar()
        assert appt(cal, at(date(2040, 6, 4), 9), DAYS, 1) == at(date(2040, 6, 5), 9)
        assert appt(cal, at(date(2001, 6, 4), 9), DAYS, 1) == at(date(2001, 6, 5), 9)
        assert appt(cal, at(date(2026, 6, 1), 9), DAYS, 2000).date() > date(2033, 1, 1)


# -- properties ------------------------------------------------------------------------

HOLIDAY_CAL = WorkingCalendar(
    days_off=frozenset(date(2026, 1, 1) + timedelta(days=i * 11) for i in range(40)),
    extra_working_days=frozenset(date(2026, 1, 3) + timedelta(days=i * 28) for i in range(14)),
)
CALENDARS = st.sampled_from(
    [PLAIN, HOLIDAY_CAL, TestCustomOfficeHours.CAL3, WorkingCalendar(weekend=frozenset({6}))]
)
RECEIVED = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 1, 31), timezones=st.just(VN)
)
WORKING_UNITS = st.sampled_from([DAYS, HOURS])


def in_office_hours(cal: WorkingCalendar, moment: datetime, *, closed_end: bool) -> bool:
    if not cal.is_working_day(moment.date()):
        return False
    t = moment.timetz().replace(tzinfo=None)
    return any(
        (start < t <= end) if closed_end else (start <= t < end)
        for start, end in cal.office_hours.sessions
    )


@settings(max_examples=300, deadline=None)
@given(CALENDARS, RECEIVED, st.sampled_from([DAYS, HOURS, CAL]), st.integers(0, 60))
def test_appointment_not_before_received(
    cal: WorkingCalendar, received: datetime, unit: DurationUnit, n: int
) -> None:
    assert appt(cal, received, unit, n) >= received


@settings(max_examples=300, deadline=None)
@given(CALENDARS, RECEIVED, WORKING_UNITS, st.integers(1, 60))
def test_appointment_lands_in_office_hours_of_a_working_day(
    cal: WorkingCalendar, received: datetime, unit: DurationUnit, n: int
) -> None:
    result = appt(cal, received, unit, n)
    assert in_office_hours(cal, result, closed_end=True)
    assert result.tzinfo is received.tzinfo


@settings(max_examples=200, deadline=None)
@given(CALENDARS, RECEIVED, WORKING_UNITS)
def test_zero_duration_is_inside_office_hours(
    cal: WorkingCalendar, received: datetime, unit: DurationUnit
) -> None:
    assert in_office_hours(cal, appt(cal, received, unit, 0), closed_end=False)


@settings(max_examples=300, deadline=None)
@given(
    CALENDARS, RECEIVED, st.sampled_from([DAYS, HOURS, CAL]), st.integers(0, 40), st.integers(0, 40)
)
def test_monotonic_in_duration(
    cal: WorkingCalendar, received: datetime, unit: DurationUnit, a: int, b: int
) -> None:
    low, high = sorted((a, b))
    assert appt(cal, received, unit, low) <= appt(cal, received, unit, high)
    if unit != CAL and low < high:
        assert appt(cal, received, unit, low) < appt(cal, received, unit, high)


@settings(max_examples=300, deadline=None)
@given(CALENDARS, RECEIVED, WORKING_UNITS, st.integers(0, 40))
def test_working_time_to_appointment_is_the_duration(
    cal: WorkingCalendar, received: datetime, unit: DurationUnit, n: int
) -> None:
    result = appt(cal, received, unit, n)
    per_unit = cal.office_hours.working_time_per_day if unit == DAYS else timedelta(hours=1)
    assert cal.working_time_between(received, result) == n * per_unit


@settings(max_examples=200, deadline=None)
@given(CALENDARS, RECEIVED, st.integers(0, 60))
def test_calendar_days_land_at_closing_of_a_working_day(
    cal: WorkingCalendar, received: datetime, n: int
) -> None:
    assume(n > 0)
    result = appt(cal, received, CAL, n)
    assert cal.is_working_day(result.date())
    assert result.timetz().replace(tzinfo=None) == cal.office_hours.closing
    assert result.date() >= received.date() + timedelta(days=n)
    between = [
        result.date() - timedelta(days=i)
        for i in range(1, (result.date() - received.date()).days - n + 1)
    ]
    assert not any(cal.is_working_day(d) for d in between)


@settings(max_examples=200, deadline=None)
@given(CALENDARS, st.dates(date(2025, 1, 1), date(2027, 12, 31)), st.integers(0, 120))
def test_working_days_between_counts_like_a_loop(
    cal: WorkingCalendar, start: date, span: int
) -> None:
    end = start + timedelta(days=span)
    expected = sum(cal.is_working_day(start + timedelta(days=i)) for i in range(span))
    assert cal.working_days_between(start, end) == expected
    nxt = cal.next_working_day(start)
    assert nxt > start and cal.is_working_day(nxt)
    assert cal.working_days_between(start + timedelta(days=1), nxt) == 0


@settings(max_examples=200, deadline=None)
@given(CALENDARS, RECEIVED, RECEIVED)
def test_working_time_is_additive(cal: WorkingCalendar, a: datetime, b: datetime) -> None:
    mid = a + (b - a) / 2
    total = cal.working_time_between(a, b)
    assert total == cal.working_time_between(a, mid) + cal.working_time_between(mid, b)
    assert cal.working_time_between(b, a) == -total


def reference_appointment(cal: WorkingCalendar, received: datetime, minutes: int) -> datetime:
    """Minute-by-minute simulation of the counting rule (slow, obviously right)."""

    def working_minute(t: datetime) -> bool:
        return in_office_hours(cal, t, closed_end=False)

    t = received
    if minutes == 0:
        while not working_minute(t):
            t = (t + timedelta(minutes=1)).replace(second=0, microsecond=0)
        return t
    while minutes:
        if working_minute(t):
            minutes -= 1
        t += timedelta(minutes=1)
    return t


@settings(max_examples=120, deadline=None)
@given(
    CALENDARS,
    RECEIVED.map(lambda d: d.replace(second=0, microsecond=0)),
    st.sampled_from([DAYS, HOURS]),
    st.integers(0, 2),
)
def test_matches_minute_by_minute_reference(
    cal: WorkingCalendar, received: datetime, unit: DurationUnit, n: int
) -> None:
    per_unit = cal.office_hours.working_time_per_day if unit == DAYS else timedelta(hours=1)
    minutes = int(n * per_unit.total_seconds()) // 60
    assert appt(cal, received, unit, n) == reference_appointment(cal, received, minutes)


# -- appointments 2025–2027 on the province's calendar (issue 8 §1–2) ------------------------------
# The calendar the counter uses: the demo province's yearly calendars (2025, 2026, each day with
# its issuer and document) and, for 2027 (no yearly calendar published yet), the holidays package.
# Office hours 07:00–11:30, 13:30–17:00 (8 working hours a day).

SAME = Duration.same_working_day()


def _wd(n: int) -> Duration:
    return Duration(DurationUnit.WORKING_DAYS, n)


@pytest.fixture(scope="module")
def province_calendar() -> WorkingCalendar:
    from counter_app.services.catalog_data import load_province_data
    from counter_app.services.resources import resource_path
    from counter_app.storage.holidays_vn import build_calendar

    data = load_province_data(resource_path("demo", "province.json"))
    return build_calendar(data.office_hours, data.weekend, range(2025, 2028), data.yearly)


def _m(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN)


APPOINTMENTS = [
    # 2025: 8726/VPCP-KGVX (Prime Minister): Tết 25/01–02/02; 30/4–04/05 with Friday 02/05 swapped
    # for Saturday 26/04, which is a working day
    ("2025-04-25 09:00", _wd(1), "2025-04-26 09:00", "Sat 26/04/2025 is the make-up working day"),
    ("2025-04-25 09:00", _wd(5), "2025-05-06 09:00", "26/04, 28/04, 29/04, then 30/04–04/05 off: 05/05, 06/05"),
    ("2025-04-25 16:00", _wd(2), "2025-04-28 16:00", "26/04 then Monday 28/04"),
    ("2025-04-26 10:00", _wd(1), "2025-04-28 10:00", "received on the make-up Saturday, it counts"),
    ("2025-04-27 09:00", _wd(1), "2025-04-28 17:00", "received on Sunday: counting starts Mon 07:00"),
    ("2025-04-28 09:00", _wd(1), "2025-04-29 09:00", "plain Monday to Tuesday"),
    ("2025-04-29 09:00", _wd(1), "2025-05-05 09:00", "30/04, 01/05 (law), 02/05 (swap), weekend"),
    ("2025-05-02 09:00", _wd(1), "2025-05-05 17:00", "received on the swapped day off"),
    ("2025-01-24 10:00", _wd(1), "2025-02-03 10:00", "Tết 27–31/01 and two weekends"),
    ("2025-04-04 10:00", _wd(1), "2025-04-08 10:00", "Hùng Kings Monday 07/04/2025"),
    ("2025-08-29 10:00", _wd(1), "2025-09-03 10:00", "National Day 01–02/09/2025"),
    ("2025-12-31 10:00", _wd(1), "2026-01-05 10:00", "01/01 (law), 02/01/2026 swapped (12729/VPCP-KGVX)"),
    ("2025-04-25 14:30", SAME, "2025-04-25 17:00", "same day before 15:00"),
    ("2025-04-25 16:00", SAME, "2025-04-26 17:00", "after 15:00: the next working day is the make-up Saturday"),
    # 2026: 12729/VPCP-KGVX (Deputy PM for the Government): 02/01 off, Saturday 10/01 worked;
    # 9859/VPCP-KGVX (Prime Minister): Tết 14–22/02; 29/08–02/09 with Monday 31/08 swapped for
    # Saturday 22/08 (not 12/09)
    ("2026-01-09 15:00", _wd(1), "2026-01-10 15:00", "Saturday 10/01/2026 is worked"),
    ("2026-01-09 16:00", SAME, "2026-01-10 17:00", "after 15:00: next working day is Saturday 10/01"),
    ("2026-02-13 09:00", _wd(1), "2026-02-23 09:00", "Tết 16–20/02/2026 and two weekends"),
    ("2026-02-13 16:00", SAME, "2026-02-23 17:00", "after 15:00 on the Friday before Tết"),
    ("2026-02-18 10:00", SAME, "2026-02-23 17:00", "received during Tết: first working day after"),
    ("2026-04-24 10:00", _wd(1), "2026-04-28 10:00", "Hùng Kings Sunday 26/04, nghỉ bù Monday 27/04"),
    ("2026-04-29 10:00", _wd(1), "2026-05-04 10:00", "30/04 Thursday, 01/05 Friday"),
    ("2026-08-21 10:00", _wd(1), "2026-08-22 10:00", "Saturday 22/08/2026 is the make-up day"),
    ("2026-08-22 10:00", _wd(1), "2026-08-24 10:00", "received on the make-up Saturday"),
    ("2026-08-28 10:00", _wd(1), "2026-09-03 10:00", "31/08 (swap), 01/09, 02/09 off"),
    ("2026-08-28 14:00", _wd(3), "2026-09-07 14:00", "03/09, 04/09, then Monday 07/09"),
    ("2026-09-11 10:00", _wd(1), "2026-09-14 10:00", "Saturday 12/09/2026 is NOT a working day"),
    ("2026-09-12 10:00", SAME, "2026-09-14 17:00", "received on Saturday 12/09: Monday"),
    ("2026-08-16 10:00", Duration(CAL, 15), "2026-09-03 17:00", "31/08 falls on a day off: moved to 03/09"),
    ("2026-11-23 10:00", _wd(1), "2026-11-24 10:00", "24/11 not confirmed by the 2026 calendar"),
    ("2026-11-24 10:00", SAME, "2026-11-24 17:00", "24/11/2026 is a working day"),
    ("2026-11-30 14:30", SAME, "2026-11-30 17:00", "the issue's reproduction: same day"),
    ("2026-11-30 14:59", SAME, "2026-11-30 17:00", "before the cut-off"),
    ("2026-11-30 15:00", SAME, "2026-11-30 17:00", "at 15:00 it is not yet 'sau 15 giờ'"),
    ("2026-11-30 15:01", SAME, "2026-12-01 17:00", "after 15:00: next working day"),
    ("2026-11-30 16:45", SAME, "2026-12-01 17:00", "README example"),
    ("2026-11-30 17:30", SAME, "2026-12-01 17:00", "after closing"),
    ("2026-11-30 06:30", SAME, "2026-11-30 17:00", "before opening: the same day"),
    ("2026-12-04 15:30", SAME, "2026-12-07 17:00", "Friday after 15:00: Monday"),
    ("2026-12-05 09:00", SAME, "2026-12-07 17:00", "received on Saturday"),
    ("2026-11-30 09:00", Duration(HOURS, 4), "2026-11-30 15:00", "2.5 h morning + 1.5 h afternoon"),
    ("2026-11-30 09:00", Duration(CAL, 15), "2026-12-15 17:00", "calendar days end at closing"),
    ("2026-12-31 10:00", _wd(1), "2027-01-04 10:00", "01/01/2027 Friday"),
    # 2027: no yearly calendar yet, so the holidays package: Tết 04–10/02 (with the weekend days
    # in lieu), Hùng Kings 16/04, 30/04, 01/05 Saturday with nghỉ bù 03/05, 02–03/09
    ("2027-02-03 10:00", _wd(1), "2027-02-11 10:00", "Tết 2027 04–10/02"),
    ("2027-02-03 16:00", SAME, "2027-02-11 17:00", "after 15:00 before Tết"),
    ("2027-02-10 10:00", SAME, "2027-02-11 17:00", "received during Tết"),
    ("2027-02-11 10:00", _wd(1), "2027-02-12 10:00", "no unsourced swap of 12/02/2027"),
    ("2027-02-19 10:00", _wd(1), "2027-02-22 10:00", "Saturday 20/02/2027 is not a working day"),
    ("2027-04-15 10:00", _wd(1), "2027-04-19 10:00", "Hùng Kings Friday 16/04/2027"),
    ("2027-04-29 10:00", _wd(1), "2027-05-04 10:00", "30/04 Friday, 01/05 Saturday, nghỉ bù 03/05"),
    ("2027-09-01 10:00", _wd(1), "2027-09-06 10:00", "02/09 and 03/09/2027"),
    ("2027-09-01 14:00", _wd(5), "2027-09-10 14:00", "06–10/09"),
    ("2027-11-23 10:00", _wd(1), "2027-11-24 10:00", "24/11/2027 waits for a yearly calendar"),
]


@pytest.mark.parametrize(("received", "duration", "expected", "why"), APPOINTMENTS, ids=[f"{r}-{w}" for r, _d, _e, w in APPOINTMENTS])
def test_appointments_2025_to_2027(
    province_calendar: WorkingCalendar, received: str, duration: Duration, expected: str, why: str
) -> None:
    assert province_calendar.appointment(_m(received), duration) == _m(expected), why


class TestSameWorkingDay:
    def test_cutoff_is_per_procedure(self) -> None:
        early = Duration.same_working_day(time(11, 0))
        assert PLAIN.appointment(at(MON, 10, 59), early) == at(MON, 17)
        assert PLAIN.appointment(at(MON, 11, 1), early) == at(TUE, 17)

    def test_default_cutoff_is_15(self) -> None:
        assert Duration(DurationUnit.SAME_WORKING_DAY, 0).cutoff == time(15, 0)

    def test_no_amount_and_no_cutoff_elsewhere(self) -> None:
        with pytest.raises(DomainError) as err:
            Duration(DurationUnit.SAME_WORKING_DAY, 1)
        assert err.value.code == "duration.same_day_invalid"
        with pytest.raises(DomainError) as err:
            Duration(DAYS, 1, time(15))
        assert err.value.code == "duration.same_day_invalid"
