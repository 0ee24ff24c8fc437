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
