"""Office hours verdict: open, before opening, lunch break, after closing, day off, and the next opening."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from counter_app.domain.calendar import VIETNAM_TIME, OfficeHours, WorkingCalendar
from counter_app.domain.errors import DomainError
from counter_app.services.i18n import describe_error
from counter_app.services.office_hours import (
    OfficeState,
    confirmation_record,
    describe,
    require_open,
    require_open_or_confirmed,
    verdict,
)

# Default sessions 07:00–11:30 and 13:30–17:00, Saturday and Sunday off; 2026-11-30 is a Monday.
CALENDAR = WorkingCalendar(days_off=frozenset({date(2026, 12, 2)}))


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VIETNAM_TIME)


@pytest.mark.parametrize(
    ("moment", "state", "opens"),
    [
        (at(1, 6, 59), OfficeState.BEFORE_OPENING, at(1, 7)),
        (at(1, 7), OfficeState.OPEN, None),  # the opening minute is open
        (at(1, 11, 29), OfficeState.OPEN, None),
        (at(1, 11, 30), OfficeState.LUNCH_BREAK, at(1, 13, 30)),
        (at(1, 13, 30), OfficeState.OPEN, None),
        (at(1, 16, 59), OfficeState.OPEN, None),
        (at(1, 17), OfficeState.AFTER_CLOSING, at(3, 7)),  # 2 December is a day off here
        (at(1, 17, 45), OfficeState.AFTER_CLOSING, at(3, 7)),
        (at(2, 9), OfficeState.DAY_OFF, at(3, 7)),
        (at(4, 18), OfficeState.AFTER_CLOSING, at(7, 7)),  # Friday evening → Monday
        (at(6, 10), OfficeState.DAY_OFF, at(7, 7)),  # Sunday
    ],
)
def test_the_verdict_and_the_next_opening(moment: datetime, state: OfficeState, opens: datetime | None) -> None:
    found = verdict(CALENDAR, moment)
    assert found.state is state
    assert found.next_opening == opens
    assert found.is_open is (state is OfficeState.OPEN)


def test_a_moment_in_another_zone_is_read_in_vietnam_time() -> None:
    utc_evening = datetime(2026, 12, 1, 10, 45, tzinfo=UTC)  # 17:45 in Hà Tĩnh
    assert verdict(CALENDAR, utc_evening).state is OfficeState.AFTER_CLOSING
    utc_morning = datetime(2026, 12, 1, 2, 0, tzinfo=timezone(timedelta(0)))  # 09:00 in Hà Tĩnh
    assert verdict(CALENDAR, utc_morning).is_open


def test_a_centre_with_its_own_hours() -> None:
    saturday_morning = WorkingCalendar(
        office_hours=OfficeHours(((time(7, 30), time(11, 30)), (time(13, 0), time(16, 30)))),
        weekend=frozenset({6}),
    )
    assert verdict(saturday_morning, at(5, 7, 15)).next_opening == at(5, 7, 30)  # a working Saturday
    assert verdict(saturday_morning, at(5, 16, 45)).next_opening == at(7, 7, 30)  # Sunday off


def test_a_clerk_is_refused_in_vietnamese_unless_confirmed() -> None:
    with pytest.raises(DomainError) as refused:
        require_open_or_confirmed(CALENDAR, at(1, 17, 45), confirmed=False)
    assert refused.value.code == "office_hours.closed"
    assert describe_error(refused.value) == (
        "Ngoài giờ làm việc: đã hết giờ làm việc trong ngày. Phiên làm việc tiếp theo bắt đầu lúc "
        "07:00, thứ Năm, 03/12/2026. Nếu vẫn tiếp tục, hãy xác nhận; việc xác nhận được ghi lại kèm tên của bạn."
    )
    confirmed = require_open_or_confirmed(CALENDAR, at(1, 17, 45), confirmed=True)
    assert confirmation_record(confirmed, staff_id="s-1", staff_name="Lê Văn Hùng") == {
        "confirmed": True, "state": "after_closing", "at": "2026-12-01T17:45:00+07:00",
        "next_opening": "2026-12-03T07:00:00+07:00", "staff_id": "s-1", "staff_name": "Lê Văn Hùng",
    }
    in_hours = require_open_or_confirmed(CALENDAR, at(1, 9), confirmed=False)
    assert confirmation_record(in_hours, staff_id="s-1") is None  # nothing to record in office hours


def test_a_citizen_is_refused_with_the_next_opening() -> None:
    with pytest.raises(DomainError) as refused:
        require_open(CALENDAR, at(1, 12))
    assert refused.value.code == "office_hours.kiosk_closed"
    assert describe_error(refused.value) == (
        "Trung tâm hiện không làm việc: đang giờ nghỉ trưa. Xin mời quay lại lúc 13:30, thứ Ba, 01/12/2026."
    )
    assert describe(verdict(CALENDAR, at(6, 10))) == (
        "Ngoài giờ làm việc: hôm nay là ngày nghỉ. Phiên làm việc tiếp theo bắt đầu lúc 07:00, thứ Hai, 07/12/2026."
    )
    assert require_open(CALENDAR, at(1, 8)).is_open


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        verdict(CALENDAR, datetime(2026, 12, 1, 9, 0))
    assert refused.value.code == "calendar.naive_datetime"
