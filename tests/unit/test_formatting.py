"""Money, durations, dates and channels as the ui and printed documents show them, in vi and en."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from counter_app.domain.catalog import (
    Channel,
    Duration,
    DurationUnit,
    FeeDue,
    FeeKind,
    ProcedureLevel,
)
from counter_app.domain.errors import DomainError
from counter_app.services.formatting import (
    amount_in_words,
    format_amount,
    format_channels,
    format_date,
    format_datetime,
    format_duration,
    format_fee_due,
    format_fee_kind,
    format_fee_status,
    format_level,
    format_money,
    format_number,
    format_time,
    format_weekday,
    group_typed_amount,
    parse_amount,
)
from counter_app.services.i18n import describe_error

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


class TestAmounts:
    """Amounts as a clerk types them and as papers and screens show them (issue 7 §4)."""

    @pytest.mark.parametrize(
        ("typed", "amount"),
        [
            ("1500000", 1_500_000),
            ("1.500.000", 1_500_000),
            ("1 500 000", 1_500_000),
            ("1\u00a0500\u00a0000", 1_500_000),  # a non-breaking space pasted from a spreadsheet
            ("10.000 đ", 10_000),
            ("10.000đ", 10_000),
            ("25000 đồng", 25_000),
            (" 0 ", 0),
            ("999", 999),
        ],
    )
    def test_parse_what_a_clerk_types(self, typed: str, amount: int) -> None:
        assert parse_amount(typed) == amount

    @pytest.mark.parametrize("typed", ["1,5", "1.50.000", "1.500 000", "-5", "abc", "1.5", "15.0000", "1..000"])
    def test_refuse_what_is_not_whole_dong(self, typed: str) -> None:
        with pytest.raises(DomainError) as caught:
            parse_amount(typed)
        assert caught.value.code == "amount.bad"

    def test_nothing_typed(self) -> None:
        with pytest.raises(DomainError) as caught:
            parse_amount("  ")
        assert caught.value.code == "amount.empty"

    def test_refusal_is_worded_in_vietnamese(self, vi: None) -> None:
        with pytest.raises(DomainError) as caught:
            parse_amount("1,5")
        assert describe_error(caught.value) == (
            "“1,5” không phải là số tiền (đồng): chỉ nhập chữ số, ví dụ 1500000 hoặc 1.500.000."
        )

    @pytest.mark.parametrize(
        ("text", "cursor", "grouped", "after"),
        [
            ("1500000", 7, "1.500.000", 9),
            ("1.500.0000", 10, "15.000.000", 10),  # a fourth zero typed at the end regroups
            ("1 500 000", 9, "1.500.000", 9),
            ("15000", 1, "15.000", 1),  # the cursor stays after the same digit
            ("", 0, "", 0),
            ("0", 1, "0", 1),
            ("0015", 4, "15", 2),  # leading zeros go
        ],
    )
    def test_grouping_as_typed(self, text: str, cursor: int, grouped: str, after: int) -> None:
        assert group_typed_amount(text, cursor) == (grouped, after)

    def test_amount_shows_zero_as_zero_dong(self, vi: None) -> None:
        assert format_amount(0) == "0 đ"
        assert format_amount(10_000) == "10.000 đ"
        assert format_amount(1_500_000) == "1.500.000 đ"

    @pytest.mark.parametrize(
        ("amount", "words"),
        [
            (0, "Không đồng"),
            (8_000, "Tám nghìn đồng"),
            (10_000, "Mười nghìn đồng"),
            (21_000, "Hai mươi mốt nghìn đồng"),
            (105_000, "Một trăm linh năm nghìn đồng"),
            (1_500_000, "Một triệu năm trăm nghìn đồng"),
            (1_050_000, "Một triệu không trăm năm mươi nghìn đồng"),
            (1_001_000, "Một triệu không trăm linh một nghìn đồng"),
            (10_000_000, "Mười triệu đồng"),
            (2_000_000_005, "Hai tỷ không trăm linh năm đồng"),
        ],
    )
    def test_amount_in_words_for_the_slip(self, amount: int, words: str) -> None:
        assert amount_in_words(amount) == words

    def test_fee_status_never_says_paid_free(self, vi: None) -> None:
        # `counter dossier show` printed "10.000 đ, đã nộp Miễn phí" (issue 8 §5)
        assert format_fee_status(10_000, 0) == "Phải thu 10.000 đ, đã thu 0 đ, còn phải thu 10.000 đ"
        assert format_fee_status(10_000, 10_000) == "Phải thu 10.000 đ, đã thu 10.000 đ, còn phải thu 0 đ"
        assert format_fee_status(0, 0) == "Miễn phí"

    def test_when_a_fee_is_paid(self, vi: None) -> None:
        assert format_fee_due(FeeDue.ON_FILING) == "nộp khi nộp hồ sơ"
        assert format_fee_due(FeeDue.BEFORE_RESULT) == "nộp trước khi nhận kết quả"
