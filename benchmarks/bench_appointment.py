"""Benchmark: appointment (due date) computations per second over a realistic mix."""

from __future__ import annotations

import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from counter_app.domain.calendar import WorkingCalendar  # noqa: E402
from counter_app.domain.catalog import Duration, DurationUnit  # noqa: E402

TARGET = 50_000
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def realistic_calendar() -> WorkingCalendar:
    """Weekends plus roughly the Vietnamese holidays of 2025–2027 and two make-up Saturdays."""
    days_off = {
        date(2025, 1, 1),
        *(date(2025, 1, 25) + timedelta(days=i) for i in range(9)),
        date(2025, 4, 7),
        date(2025, 4, 30),
        date(2025, 5, 1),
        date(2025, 5, 2),
        date(2025, 9, 1),
        date(2025, 9, 2),
        date(2026, 1, 1),
        *(date(2026, 2, 14) + timedelta(days=i) for i in range(9)),
        date(2026, 4, 27),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),
        date(2026, 9, 1),
        date(2026, 9, 2),
        date(2027, 1, 1),
        *(date(2027, 2, 5) + timedelta(days=i) for i in range(9)),
        date(2027, 4, 16),
        date(2027, 4, 30),
        date(2027, 9, 2),
        date(2027, 9, 3),
    }
    extra = {date(2025, 4, 26), date(2026, 8, 22)}
    return WorkingCalendar(days_off=frozenset(days_off), extra_working_days=frozenset(extra))


def workload(n: int, seed: int = 2026) -> list[tuple[datetime, Duration]]:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=VN)
    durations = (
        [Duration(DurationUnit.WORKING_DAYS, d) for d in (1, 2, 3, 5, 7, 10, 12, 15, 20, 30, 45)]
        * 6
        + [Duration(DurationUnit.WORKING_HOURS, h) for h in (1, 2, 4, 8, 16, 24)] * 2
        + [Duration(DurationUnit.CALENDAR_DAYS, d) for d in (7, 15, 30, 60)]
        + [Duration(DurationUnit.WORKING_DAYS, 0)]
    )
    items = []
    for _ in range(n):
        day = start + timedelta(days=rng.randrange(0, 3 * 365))
        # most dossiers arrive during office hours, some at lunch, after closing or at weekends
        minute = rng.choice([rng.randrange(7 * 60, 17 * 60)] * 8 + [rng.randrange(0, 24 * 60)] * 2)
        received = day + timedelta(minutes=minute, seconds=rng.randrange(60))
        items.append((received, rng.choice(durations)))
    return items


def main() -> int:
    items = workload(200_000)
    calendar = realistic_calendar()
    for received, duration in items[:1000]:  # warm-up builds the lazy tables
        calendar.appointment(received, duration)
    best = 0.0
    for _ in range(3):
        started = time.perf_counter()
        for received, duration in items:
            calendar.appointment(received, duration)
        elapsed = time.perf_counter() - started
        best = max(best, len(items) / elapsed)
    fresh = WorkingCalendar(
        days_off=calendar.days_off, extra_working_days=calendar.extra_working_days
    )
    started = time.perf_counter()
    fresh.appointment(items[0][0], items[0][1])
    first_call_ms = (time.perf_counter() - started) * 1000
    print(f"computations: {len(items)} x 3 runs (best run reported)")
    print(f"first call on a fresh calendar: {first_call_ms:.2f} ms")
    # Floor, same run: plain datetime arithmetic (received + n days), no calendar at all.
    floor = 0.0
    for _ in range(3):
        started = time.perf_counter()
        for received, duration in items:
            received + timedelta(days=duration.amount)
        floor = max(floor, len(items) / (time.perf_counter() - started))
    print(f"appointments_per_second: {best:.0f} (target >= {TARGET}) {'PASS' if best >= TARGET else 'FAIL'}")
    print(f"floor_datetime_plus_timedelta_per_second: {floor:.0f} [floor]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
