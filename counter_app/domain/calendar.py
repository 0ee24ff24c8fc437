"""Working calendar of a centre and the appointment (due date) computation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum

from counter_app.domain.catalog import Duration, DurationUnit
from counter_app.domain.errors import DomainError

# Vietnam has one time zone and no daylight saving; office hours are read in it.
VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")

DEFAULT_SESSIONS: tuple[tuple[time, time], ...] = (
    (time(7, 0), time(11, 30)),
    (time(13, 30), time(17, 0)),
)

_US_PER_HOUR = 3_600_000_000
_NO_WORKING_DAY_LIMIT = 3 * 366  # days to look ahead before declaring the calendar empty
_MARGIN_DAYS = 2 * 366  # how far beyond a requested day the precomputed range reaches


def _time_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def _us_time(us: int) -> time:
    seconds, micro = divmod(us, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, second, micro)


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Office sessions of one working day, in order, not overlapping."""

    sessions: tuple[tuple[time, time], ...] = DEFAULT_SESSIONS

    def __post_init__(self) -> None:
        if not self.sessions:
            raise DomainError("calendar.office_hours_invalid", sessions="")
        previous_end: time | None = None
        for start, end in self.sessions:
            if not start < end or (previous_end is not None and start < previous_end):
                raise DomainError("calendar.office_hours_invalid", sessions=self.describe())
            previous_end = end

    def describe(self) -> str:
        """``07:00–11:30, 13:30–17:00``."""
        return ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in self.sessions)

    @property
    def opening(self) -> time:
        return self.sessions[0][0]

    @property
    def closing(self) -> time:
        return self.sessions[-1][1]

    @property
    def working_time_per_day(self) -> timedelta:
        return timedelta(microseconds=sum(_time_us(e) - _time_us(s) for s, e in self.sessions))


class DayIssuer(StrEnum):
    """Who made a date a day off or a working day (printed with the date, so it can be checked)."""

    LAW = "law"  # Bộ luật Lao động 2019 Art. 112 (holidays) and Art. 111 (nghỉ bù)
    PRIME_MINISTER = "prime_minister"  # Thủ tướng Chính phủ (văn bản của VPCP truyền đạt ý kiến)
    GOVERNMENT = "government"  # a Deputy Prime Minister for the Government (VPCP letter)
    PROVINCE = "province"  # the province's own decision (UBND tỉnh)
    PACKAGE = "holidays"  # the ``holidays`` package: the default for a year with no yearly calendar


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One date that differs from the weekly pattern, with the reason and who decided it."""

    day: date
    working: bool  # True: a make-up working day (usually a Saturday); False: a day off
    name: str
    issuer: DayIssuer
    source: str = ""  # the document, e.g. "Văn bản 9859/VPCP-KGVX ngày 13/10/2025"


@dataclass(frozen=True, slots=True)
class YearCalendar:
    """The working calendar of one year as the province publishes it: the one truth for that year.

    ``days`` lists every day off that falls on a weekday (public holidays, nghỉ bù, swapped days)
    and every make-up working day; a day off that is not listed is not a day off, whatever a
    package generates. ``source`` names the documents the year follows.
    """

    year: int
    source: str
    days: tuple[CalendarDay, ...] = ()

    def __post_init__(self) -> None:
        seen: dict[date, CalendarDay] = {}
        for entry in self.days:
            if entry.day.year != self.year:
                raise DomainError("calendar.wrong_year", day=entry.day, year=self.year)
            if entry.day in seen:
                raise DomainError("calendar.override_conflict", day=entry.day)
            seen[entry.day] = entry

    @property
    def days_off(self) -> frozenset[date]:
        return frozenset(d.day for d in self.days if not d.working)

    @property
    def working_days(self) -> frozenset[date]:
        return frozenset(d.day for d in self.days if d.working)


# A snapshot of precomputed working days, replaced as a whole (never mutated), so concurrent
# readers always see a consistent one: (lo, ranks, work) where ranks[j] is the number of
# working days in [lo, lo + j) for j in 0..hi-lo and work lists the working ordinals.
_State = tuple[int, list[int], list[int]]


class _Plan:
    """Precomputed data of one calendar: sessions in microseconds and working-day ranks."""

    __slots__ = ("starts", "ends", "cum", "day_us", "close", "weekend", "off", "extra", "state")

    def __init__(self, calendar: WorkingCalendar) -> None:
        sessions = calendar.office_hours.sessions
        self.starts = [_time_us(s) for s, _ in sessions]
        self.ends = [_time_us(e) for _, e in sessions]
        self.cum: list[int] = []
        total = 0
        for start, end in zip(self.starts, self.ends, strict=True):
            self.cum.append(total)
            total += end - start
        self.day_us = total
        self.close = sessions[-1][1]
        self.weekend = frozenset(calendar.weekend)
        self.off = frozenset(d.toordinal() for d in calendar.days_off)
        self.extra = frozenset(d.toordinal() for d in calendar.extra_working_days)
        self.state: _State = (0, [0], [])

    # -- working days -------------------------------------------------------------------

    def is_working(self, ordinal: int) -> bool:
        if ordinal in self.off:
            return False
        # date(1, 1, 1) has ordinal 1 and is a Monday (weekday 0).
        return ordinal in self.extra or (ordinal - 1) % 7 not in self.weekend

    def _build(self, lo: int, hi: int, ranks: list[int], work: list[int], count: int) -> None:
        """Append days lo..hi-1 to ranks/work (ranks already ends with ``count`` at lo).

        Raises ``calendar.no_working_days`` on a gap of more than three years.
        """
        is_working = self.is_working
        last = work[-1] if work else lo - 1
        for o in range(lo, hi):
            if is_working(o):
                if o - last > _NO_WORKING_DAY_LIMIT:
                    raise DomainError("calendar.no_working_days")
                last = o
                work.append(o)
                count += 1
            ranks.append(count)

    def covering(self, first: int, last: int) -> _State:
        """A state whose range holds the days first..last (ordinals) and a margin after."""
        state = self.state
        lo, ranks, work = state
        hi = lo + len(ranks) - 1
        if lo <= first and last < hi:
            return state
        if hi <= lo:  # nothing built yet
            new_lo, new_hi = first - 366, last + _MARGIN_DAYS
        else:
            new_lo, new_hi = min(lo, first - 366), max(hi, last + _MARGIN_DAYS)
        ranks, work = [0], []
        self._build(new_lo, new_hi, ranks, work, 0)
        state = (new_lo, ranks, work)
        self.state = state
        return state

    def extended(self, state: _State, index: int) -> _State:
        """``state`` with the same ``lo``, grown until ``work[index]`` exists."""
        lo, ranks, work = state
        while index >= len(work):
            hi = lo + len(ranks) - 1
            last_working = work[-1] if work else lo - 1
            if hi - last_working > _NO_WORKING_DAY_LIMIT:
                raise DomainError("calendar.no_working_days")
            missing = index - len(work) + 1
            ranks, work = ranks[:], work[:]
            self._build(hi, hi + max(_MARGIN_DAYS, 2 * missing), ranks, work, ranks[-1])
            state = (lo, ranks, work)
        self.state = state
        return state

    def working_ordinal(self, state: _State, index: int) -> tuple[_State, int]:
        """The ``index``-th working day of ``state`` (counting from its ``lo``)."""
        work = state[2]
        if index >= len(work):
            state = self.extended(state, index)
            work = state[2]
        return state, work[index]

    # -- positions in working time --------------------------------------------------------

    def start_position(self, state: _State, ordinal: int, us: int) -> int:
        """Working microseconds from ``lo`` to the moment (day ``ordinal``, ``us`` after midnight).

        A moment outside office hours sits at the next session start.
        """
        lo, ranks, _ = state
        j = ordinal - lo
        index = ranks[j]
        day_us = self.day_us
        if ranks[j + 1] == index:  # not a working day: start of the next one
            return index * day_us
        ends = self.ends
        for i, end in enumerate(ends):
            if us < end:
                start = self.starts[i]
                return index * day_us + self.cum[i] + (us - start if us > start else 0)
        return (index + 1) * day_us  # after closing

    def moment(self, state: _State, position: int, tz: tzinfo | None, *, at_end: bool) -> datetime:
        """The clock time of a working-time position.

        On a boundary between sessions (or days) ``at_end`` picks the end of the earlier
        session, otherwise the start of the later one.
        """
        day_us = self.day_us
        index, rem = divmod(position, day_us)
        if at_end and rem == 0:
            index -= 1
            rem = day_us
        state, ordinal = self.working_ordinal(state, index)
        cum, starts = self.cum, self.starts
        us = starts[0]
        for i in range(len(cum) - 1, -1, -1):
            offset = rem - cum[i]
            if offset > 0 or (offset == 0 and not at_end):
                us = starts[i] + offset
                break
        return datetime.combine(date.fromordinal(ordinal), _us_time(us), tz)

    def appointment(self, received: datetime, duration: Duration) -> datetime:
        tz = received.tzinfo
        ordinal = received.toordinal()
        amount = duration.amount
        unit = duration.unit
        if unit == DurationUnit.SAME_WORKING_DAY:
            return self.same_day_appointment(received, duration.cutoff or time(15, 0))
        if unit == DurationUnit.CALENDAR_DAYS and amount > 0:
            target = ordinal + amount
            state = self.covering(target, target)
            lo, ranks, _ = state
            state, found = self.working_ordinal(state, ranks[target - lo])
            if found - target > _NO_WORKING_DAY_LIMIT:
                raise DomainError("calendar.no_working_days")
            return datetime.combine(date.fromordinal(found), self.close, tz)

        us = _day_us(received)
        state = self.covering(ordinal, ordinal)
        start = self.start_position(state, ordinal, us)
        if amount == 0:
            lo, ranks, _ = state
            j = ordinal - lo
            if ranks[j + 1] > ranks[j] and any(
                s <= us < e for s, e in zip(self.starts, self.ends, strict=True)
            ):
                return received
            return self.moment(state, start, tz, at_end=False)
        per_unit = self.day_us if unit == DurationUnit.WORKING_DAYS else _US_PER_HOUR
        total = amount * per_unit
        return self.moment(state, start + total, tz, at_end=True)

    def same_day_appointment(self, received: datetime, cutoff: time) -> datetime:
        """Closing time of the day counting starts, or of the next working day after the cut-off.

        Counting starts on the day received when it is a working day and the dossier came in
        before closing; otherwise on the next working day, from its opening (so before the
        cut-off). "Sau 15 giờ" is read to the second: 15:00:00 is the same day, 15:00:01 is not.
        """
        ordinal = received.toordinal()
        state = self.covering(ordinal, ordinal)
        lo, ranks, _ = state
        j = ordinal - lo
        index = ranks[j]
        us = _day_us(received)
        if ranks[j + 1] > index and (us >= self.ends[-1] or us > _time_us(cutoff)):
            index += 1  # a working day, but after the cut-off or after closing: the next one
        state, found = self.working_ordinal(state, index)
        return datetime.combine(date.fromordinal(found), self.close, received.tzinfo)

    def add_working_time(self, start: datetime, delta: timedelta) -> datetime:
        ordinal = start.toordinal()
        state = self.covering(ordinal, ordinal)
        position = self.start_position(state, ordinal, _day_us(start))
        return self.moment(state, position + delta // timedelta(microseconds=1), start.tzinfo, at_end=True)

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        first, last = start.toordinal(), end.toordinal()
        state = self.covering(min(first, last), max(first, last))
        a = self.start_position(state, first, _day_us(start))
        b = self.start_position(state, last, _day_us(end))
        return timedelta(microseconds=b - a)


def _day_us(moment: datetime) -> int:
    return (
        (moment.hour * 60 + moment.minute) * 60 + moment.second
    ) * 1_000_000 + moment.microsecond


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DomainError("calendar.naive_datetime", moment=moment.isoformat())


def _as_date(day: date) -> date:
    return day.date() if isinstance(day, datetime) else day


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Built from data: office hours, weekend weekdays, days off, extra working days.

    ``weekend`` holds ``date.weekday()`` numbers (5 = Saturday, 6 = Sunday).
    ``extra_working_days`` wins over the weekend (make-up Saturdays);
    ``days_off`` wins over everything else.

    Office hours are wall-clock times in the time zone of the datetimes passed in; results
    keep that time zone.
    """

    office_hours: OfficeHours = field(default_factory=OfficeHours)
    weekend: frozenset[int] = frozenset({5, 6})
    days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    # Lazily built precomputation; not part of the value (no init, repr, eq or hash).
    _plan: _Plan | None = field(default=None, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        bad = sorted(d for d in self.weekend if not (isinstance(d, int) and 0 <= d <= 6))
        if bad:
            raise DomainError("calendar.bad_weekday", weekday=bad[0])

    def _get_plan(self) -> _Plan:
        plan = self._plan
        if plan is None:
            plan = _Plan(self)
            object.__setattr__(self, "_plan", plan)
        return plan

    def is_working_day(self, day: date) -> bool:
        day = _as_date(day)
        if day in self.days_off:
            return False
        return day in self.extra_working_days or day.weekday() not in self.weekend

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        plan = self._get_plan()
        following = _as_date(day).toordinal() + 1
        state = plan.covering(following, following)
        lo, ranks, _ = state
        _, found = plan.working_ordinal(state, ranks[following - lo])
        if found - following > _NO_WORKING_DAY_LIMIT:
            raise DomainError("calendar.no_working_days")
        return date.fromordinal(found)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``d`` with ``start <= d < end``; negative when ``end`` is before ``start``."""
        first, last = _as_date(start).toordinal(), _as_date(end).toordinal()
        if last < first:
            return -self.working_days_between(end, start)
        lo, ranks, _ = self._get_plan().covering(first, last)
        return ranks[last - lo] - ranks[first - lo]

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time inside office sessions of working days from ``start`` to ``end``.

        Negative when ``end`` is before ``start``. ``end`` is read in ``start``'s time zone.
        """
        _require_aware(start)
        _require_aware(end)
        if end.tzinfo is not start.tzinfo:
            end = end.astimezone(start.tzinfo)
        return self._get_plan().working_time(start, end)

    def appointment(self, received: datetime, duration: Duration) -> datetime:
        """The due moment of a dossier received at ``received`` with ``duration`` to process.

        Working days and hours are counted in office hours (a working day is the sum of the
        sessions), from ``received`` when it is inside a session of a working day, else from
        the next session start; a count ending on a session end returns that session end.
        Calendar days: the day ``received.date() + n``, moved to the next working day, at
        closing time. Same working day: closing time of the day counting starts, or of the next
        working day when the dossier is received after the cut-off. A zero duration gives the
        moment counting starts.
        """
        _require_aware(received)
        return self._get_plan().appointment(received, duration)

    def add_working_time(self, start: datetime, delta: timedelta) -> datetime:
        """``start`` moved on by ``delta`` of working time (office sessions of working days).

        Used when a paused dossier resumes: its appointment moves by the working time of the pause.
        """
        _require_aware(start)
        if delta < timedelta(0):
            raise DomainError("duration.negative", amount=str(delta))
        return self._get_plan().add_working_time(start, delta)
