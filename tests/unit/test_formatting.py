"""Money, durations, dates and channels as the ui and printed documents show them, in vi and en."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from counter_app.domain.catalog import Channel, Duration, DurationUnit, FeeKind, ProcedureLevel
from counter_app.services.formatting import (
    format_channels,
    format_date,
    format_datetime,
    format_duration,
    format_fee_kind,
    format_level,
    format_money,
    format_number,
    format_time,
    format_weekday,
)

VIETNAM = timezone(timedelta(hours=7))




class TestMoney:
    @pytest.mark.parametrize(
        ("amount", "expected"),
        [
            (1, "1 đ"),
            (999, "999 đ"),
            (1_000, "1.000 đ"),
            (25_000, "25.000 đ"),
            (1_000_000, "1.000.000 đ"),
            (1_234_567_890, "1.234.567.890 đ"),
            (-50_000, "-50.000 đ"),
        ],
    )
    def test_dot_thousands_and_dong(self, vi: None, amount: int, expected: str) -> None:
        assert format_money(amount) == expected

    def test_zero_is_free_in_vietnamese(self, vi: None) -> None:
        assert format_money(0) == "Miễn phí"

    def test_zero_is_free_in_english(self, en: None) -> None:
        assert format_money(0) == "Free"

    def test_amounts_do_not_depend_on_language(self, en: None) -> None:
        assert format_money(1_000_000) == "1.000.000 đ"

    def test_number(self) -> None:
        assert format_number(0) == "0"
        assert format_number(1000) == "1.000"


class TestDuration:
    @pytest.mark.parametrize(
        ("unit", "amount", "expected"),
        [
            (DurationUnit.WORKING_DAYS, 1, "1 ngày làm việc"),
            (DurationUnit.WORKING_DAYS, 5, "5 ngày làm việc"),
            (DurationUnit.WORKING_HOURS, 4, "4 giờ làm việc"),
            (DurationUnit.CALENDAR_DAYS, 30, "30 ngày"),
            (DurationUnit.CALENDAR_DAYS, 1, "1 ngày"),
        ],
    )
    def test_vietnamese_has_one_plural_form(
        self, vi: None, unit: DurationUnit, amount: int, expected: str
    ) -> None:
        assert format_duration(Duration(unit, amount)) == expected

    @pytest.mark.parametrize(
        ("unit", "amount", "expected"),
        [
            (DurationUnit.WORKING_DAYS, 1, "1 working day"),
            (DurationUnit.WORKING_DAYS, 5, "5 working days"),
            (DurationUnit.WORKING_DAYS, 0, "0 working days"),
            (DurationUnit.WORKING_HOURS, 1, "1 working hour"),
            (DurationUnit.WORKING_HOURS, 4, "4 working hours"),
            (DurationUnit.CALENDAR_DAYS, 1, "1 day"),
            (DurationUnit.CALENDAR_DAYS, 30, "30 days"),
        ],
    )
    def test_english_singular_and_plural(
        self, en: None, unit: DurationUnit, amount: int, expected: str
    ) -> None:
        assert format_duration(Duration(unit, amount)) == expected

    def test_large_amount_is_grouped(self, vi: None) -> None:
        assert format_duration(Duration(DurationUnit.CALENDAR_DAYS, 1000)) == "1.000 ngày"


class TestDates:
    # 30/11/2026 is a Monday.
    WEEK_VI = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]
    WEEK_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    def test_weekday_names_in_vietnamese(self, vi: None) -> None:
        days = [date(2026, 11, 30) + timedelta(days=i) for i in range(7)]
        assert [format_weekday(d) for d in days] == self.WEEK_VI

    def test_weekday_names_in_english(self, en: None) -> None:
        days = [date(2026, 11, 30) + timedelta(days=i) for i in range(7)]
        assert [format_weekday(d) for d in days] == self.WEEK_EN

    def test_date_is_day_month_year_zero_padded(self) -> None:
        assert format_date(date(2026, 11, 30)) == "30/11/2026"
        assert format_date(date(2027, 1, 5)) == "05/01/2027"

    def test_date_of_a_datetime(self) -> None:
        assert format_date(datetime(2026, 11, 30, 23, 59, tzinfo=VIETNAM)) == "30/11/2026"

    def test_datetime_in_vietnamese(self, vi: None) -> None:
        moment = datetime(2026, 11, 30, 14, 30, tzinfo=VIETNAM)
        assert format_datetime(moment) == "14:30, thứ Hai, 30/11/2026"

    def test_datetime_on_sunday_morning(self, vi: None) -> None:
        moment = datetime(2026, 12, 6, 8, 5, tzinfo=VIETNAM)
        assert format_datetime(moment) == "08:05, Chủ nhật, 06/12/2026"

    def test_datetime_in_english(self, en: None) -> None:
        moment = datetime(2026, 11, 30, 14, 30, tzinfo=VIETNAM)
        assert format_datetime(moment) == "14:30, Monday, 30/11/2026"

    def test_datetime_is_shown_in_its_own_timezone(self, vi: None) -> None:
        # 23:30 UTC on Sunday is 06:30 on Monday in Vietnam: the caller picks the zone.
        utc = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
        assert format_datetime(utc) == "23:30, Chủ nhật, 29/11/2026"
        assert format_datetime(utc.astimezone(VIETNAM)) == "06:30, thứ Hai, 30/11/2026"

    def test_time_is_24_hour(self) -> None:
        assert format_time(datetime(2026, 11, 30, 7, 3, tzinfo=VIETNAM)) == "07:03"
        assert format_time(datetime(2026, 11, 30, 19, 45, tzinfo=VIETNAM)) == "19:45"


class TestChannelsAndLabels:
    def test_channels_in_fixed_order_whatever_the_set(self, vi: None) -> None:
        channels = frozenset({Channel.POST, Channel.ONLINE, Channel.IN_PERSON})
        assert format_channels(channels) == (
            "Trực tiếp, Trực tuyến, Qua dịch vụ bưu chính công ích"
        )

    def test_single_channel_in_english(self, en: None) -> None:
        assert format_channels([Channel.ONLINE]) == "Online"

    def test_no_channel_is_a_dash(self, vi: None) -> None:
        assert format_channels(()) == "—"

    def test_fee_kinds(self, vi: None) -> None:
        assert format_fee_kind(FeeKind.FEE) == "Phí"
        assert format_fee_kind(FeeKind.CHARGE) == "Lệ phí"

    def test_levels(self, vi: None) -> None:
        assert format_level(ProcedureLevel.PROVINCE) == "Cấp tỉnh"
        assert format_level(ProcedureLevel.COMMUNE) == "Cấp xã"
