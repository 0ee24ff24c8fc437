"""Vietnamese public holidays from the ``holidays`` package, turned into a centre's working calendar."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import holidays

from counter_app.domain.calendar import OfficeHours, WorkingCalendar, YearOverride

COUNTRY = "VN"


def _language() -> str | None:
    """Vietnamese names when the installed ``holidays`` has them, else its default."""
    localized = holidays.list_localized_countries()
    return "vi" if "vi" in localized.get(COUNTRY, ()) else None


def public_holidays(years: Iterable[int]) -> dict[date, str]:
    """Public holidays (with substitute and bridge days the package knows) of the given years."""
    year_list = sorted(set(years))
    if not year_list:
        return {}
    generated = holidays.country_holidays(COUNTRY, years=year_list, language=_language())
    return {day: str(name) for day, name in sorted(generated.items())}


def build_calendar(
    office_hours: OfficeHours,
    weekend: Iterable[int],
    years: Iterable[int],
    overrides: Mapping[int, YearOverride] | None = None,
) -> WorkingCalendar:
    """A working calendar: generated holidays of ``years`` plus the province's yearly lists.

    An override's ``days_off`` are added; its ``working_days`` become working days even on the
    weekend and cancel a generated holiday on the same date.
    """
    days_off = set(public_holidays(years))
    extra_working: set[date] = set()
    for override in (overrides or {}).values():
        days_off |= override.days_off
        extra_working |= override.working_days
    # A make-up working day cancels a holiday, unless a province list also says it is off
    # (YearOverride rejects that within one year; across years the day off wins).
    listed_off = {d for o in (overrides or {}).values() for d in o.days_off}
    days_off -= extra_working - listed_off
    return WorkingCalendar(
        office_hours=office_hours,
        weekend=frozenset(weekend),
        days_off=frozenset(days_off),
        extra_working_days=frozenset(extra_working),
    )
