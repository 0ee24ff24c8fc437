"""Vietnam's working calendar: the province's yearly calendars, with the ``holidays`` package as default.

One source of truth per year: a year the province has published a yearly calendar for follows
that calendar alone (every day off and every make-up working day, each with its issuer and
document). A year with no yearly calendar follows the ``holidays`` package, with two
corrections: a day the package swaps ("Ngày nghỉ (thay cho ngày 26/04/2025)") brings its
make-up working day along, and a holiday the package adds ahead of the law (24/11 "Ngày Văn
hóa Việt Nam", from a Party resolution, not yet in Labour Code Art. 112) is held back until a
yearly calendar confirms it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from datetime import date

import holidays

from counter_app.domain.calendar import (
    CalendarDay,
    DayIssuer,
    OfficeHours,
    WorkingCalendar,
    YearCalendar,
)

COUNTRY = "VN"

_log = logging.getLogger(__name__)

# The holidays of Labour Code 2019 Art. 112 as the package names them (its Vietnamese source
# strings), with the days it adds around Tết when one falls on a weekend. A package holiday
# with any other name is not in the law yet.
STATUTORY_NAMES = frozenset({
    "Tết Dương lịch", "29 Tết", "Giao thừa Tết Nguyên Đán", "Tết Nguyên Đán",
    "Mùng hai Tết Nguyên Đán", "Mùng ba Tết Nguyên Đán", "Mùng bốn Tết Nguyên Đán",
    "Mùng năm Tết Nguyên Đán", "Mùng sáu Tết Nguyên Đán", "Ngày Giỗ Tổ Hùng Vương",
    "Ngày Chiến thắng", "Ngày Quốc tế Lao động", "Quốc khánh",
})  # fmt: skip
_SUFFIX = re.compile(r"\s*\((?:nghỉ bù|dự kiến|nghỉ bù, dự kiến)\)$")
_SWAP = re.compile(r"^Ngày nghỉ \(thay cho ngày (\d{2})/(\d{2})/(\d{4})\)$")


def public_holidays(years: Iterable[int]) -> dict[date, str]:
    """Everything the package generates for the given years (holidays, nghỉ bù, swapped days)."""
    year_list = sorted(set(years))
    if not year_list:
        return {}
    generated = holidays.country_holidays(COUNTRY, years=year_list, language="vi")
    return {day: str(name) for day, name in sorted(generated.items())}


def package_days(years: Iterable[int]) -> dict[date, CalendarDay]:
    """The package's default calendar of ``years``: statutory days off, swaps with their make-up days.

    A holiday the law does not have yet is left out (and logged); see :func:`pending_holidays`.
    """
    result: dict[date, CalendarDay] = {}
    for day, name in public_holidays(years).items():
        swap = _SWAP.match(name)
        if swap:
            make_up = date(int(swap[3]), int(swap[2]), int(swap[1]))
            result[day] = CalendarDay(day, False, name, DayIssuer.PACKAGE)
            result[make_up] = CalendarDay(
                make_up, True, f"Làm việc bù cho ngày {day:%d/%m/%Y}", DayIssuer.PACKAGE
            )
        elif _SUFFIX.sub("", name) in STATUTORY_NAMES:
            result.setdefault(day, CalendarDay(day, False, name, DayIssuer.PACKAGE))
        else:
            _log.info("holiday %s %s awaits the province's yearly calendar; not counted", day, name)
    return result


def pending_holidays(years: Iterable[int]) -> dict[date, str]:
    """Package holidays that are not in the law yet: not days off until a yearly calendar lists them."""
    return {
        day: name
        for day, name in public_holidays(years).items()
        if not _SWAP.match(name) and _SUFFIX.sub("", name) not in STATUTORY_NAMES
    }


def calendar_days(
    years: Iterable[int], yearly: Mapping[int, YearCalendar] | None = None
) -> dict[date, CalendarDay]:
    """Every special day of ``years``: from the year's calendar when published, else the package."""
    yearly = yearly or {}
    year_list = sorted(set(years))
    result: dict[date, CalendarDay] = {}
    default_years = [y for y in year_list if y not in yearly]
    for day, entry in package_days(default_years).items():
        # a package swap may name a make-up day in a neighbouring year (2014 for 02/01/2015)
        if day.year not in yearly:
            result[day] = entry
    for year in year_list:
        if year in yearly:
            result.update((d.day, d) for d in yearly[year].days)
    return dict(sorted(result.items()))


def build_calendar(
    office_hours: OfficeHours,
    weekend: Iterable[int],
    years: Iterable[int],
    yearly: Mapping[int, YearCalendar] | None = None,
) -> WorkingCalendar:
    """A working calendar of ``years``: the yearly calendars where published, else the package."""
    days = calendar_days(years, yearly)
    return WorkingCalendar(
        office_hours=office_hours,
        weekend=frozenset(weekend),
        days_off=frozenset(d for d, e in days.items() if not e.working),
        extra_working_days=frozenset(d for d, e in days.items() if e.working),
    )
