"""The PC clock against the newest time the store wrote: numbering and intake stop on a clock that lies.

The store keeps a mark, the newest time it wrote (``device.clock_mark``, raised with every outbox
op in the same statement as ``device_seq``, so in the same transaction as every ticket, code,
receipt and intake). Before anything is numbered the clock is compared with it:

- **behind**: more than ``behind_tolerance`` (5 minutes) before the mark. Set back a day, the
  kiosk would hand out A001 again while citizens hold today's A001; a dossier code or receipt of
  yesterday's series would follow. Refused (``clock.behind``).
- **far ahead**: the clock's day is more than ``far_ahead_days`` (3) calendar days after the mark's
  day **and** after the first working day that follows the mark's day. The second half is what
  lets a PC switched off over Tết (9 days off) or a long weekend start normally on the first
  working day after it; the first half lets a PC that was off on a normal weekend, or a clerk who
  forgot to switch off for two days, work without a call. A year ahead (next year's codes) or a
  week ahead on working days is refused (``clock.far_ahead``).

Both errors name what the administrator does: fix the PC's date, or confirm a real date change
(``confirm_clock``: an administrator's staff id, recorded with an outbox op; ``counter clock
confirm`` on the command line). When the server exists (sync), its time is the reference.

A clock set forward by one day onto a working day cannot be told from a real new day with the
store and the wall clock alone; it is taken as a new day (the mark then catches the clock being
put right, as "behind", until the administrator confirms).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from counter_app.domain.calendar import VIETNAM_TIME, WorkingCalendar
from counter_app.domain.errors import DomainError
from counter_app.services.formatting import format_datetime
from counter_app.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

BEHIND = "clock.behind"
FAR_AHEAD = "clock.far_ahead"
NOT_ADMIN = "clock.not_admin"
ADMIN_ROLES = frozenset({"admin"})


@dataclass(frozen=True, slots=True)
class ClockPolicy:
    behind_tolerance: timedelta = timedelta(minutes=5)  # two PCs of one store a little apart, NTP steps
    far_ahead_days: int = 3  # calendar days after the mark's day (a normal weekend + one)


DEFAULT_POLICY = ClockPolicy()


def policy_of(clock: Any) -> ClockPolicy | None:
    """The clock's own policy: a clock that replays a made-up history (the demo generator moves its
    clock back and forth on purpose) says ``clock_policy = None``; a PC's clock has the default."""
    return getattr(clock, "clock_policy", DEFAULT_POLICY)


@dataclass(frozen=True, slots=True)
class ClockState:
    """What the administrator is shown: the PC's time, the store's mark and the verdict (None = trusted)."""

    now: datetime
    mark: datetime | None
    problem: str | None


def judge(now: datetime, mark: datetime | None, calendar: WorkingCalendar | None,
          policy: ClockPolicy = DEFAULT_POLICY) -> str | None:
    """``clock.behind``, ``clock.far_ahead`` or None (trusted) for a clock reading ``now``."""
    if mark is None:
        return None  # a store that never wrote: nothing to compare with
    now = now.astimezone(VIETNAM_TIME)
    mark = mark.astimezone(VIETNAM_TIME)
    if mark - now > policy.behind_tolerance:
        return BEHIND
    days_ahead = (now.date() - mark.date()).days
    if days_ahead > policy.far_ahead_days:
        next_working = None
        if calendar is not None:
            try:
                next_working = calendar.next_working_day(mark.date())
            except DomainError:
                next_working = None  # a calendar with no working day ahead: calendar days alone decide
        if next_working is None or now.date() > next_working:
            return FAR_AHEAD
    return None


def require_trusted_clock(uow: UnitOfWork, now: datetime, calendar: WorkingCalendar | None,
                          policy: ClockPolicy | None = DEFAULT_POLICY) -> None:
    """Refuse numbering / intake in the caller's open write transaction when the clock lies."""
    if policy is None:
        return
    mark = uow.outbox.clock_mark()
    problem = judge(now, mark, calendar, policy)
    if problem is not None:
        assert mark is not None
        raise DomainError(problem, now=format_datetime(now), mark=format_datetime(mark))


def clock_state(uow_factory: UnitOfWorkFactory, clock: Clock, calendar: WorkingCalendar | None,
                policy: ClockPolicy = DEFAULT_POLICY) -> ClockState:
    now = clock.now().astimezone(VIETNAM_TIME)
    with uow_factory(readonly=True) as uow:
        mark = uow.outbox.clock_mark()
    return ClockState(now=now, mark=mark, problem=judge(now, mark, calendar, policy))


def confirm_clock(staff_id: str, *, uow_factory: UnitOfWorkFactory, clock: Clock) -> ClockState:
    """An administrator confirms that the PC's date and time are right: the mark moves to now (also back).

    Recorded as an outbox op (``store_clock``/``confirmed``) with the administrator, the old mark
    and the new one, in the same transaction.
    """
    now = clock.now().astimezone(VIETNAM_TIME)
    with uow_factory() as uow:
        staff = uow.staff.by_id(staff_id)
        if staff is None or not staff.active or staff.role not in ADMIN_ROLES:
            raise DomainError(NOT_ADMIN)
        before = uow.outbox.clock_mark()
        uow.outbox.set_clock_mark(now)
        uow.outbox.add("store_clock", uow.new_id(), "confirmed", {
            "staff_id": staff_id, "previous_mark": before.isoformat() if before else None,
            "confirmed_now": now.isoformat(),
        })
        uow.commit()
    return ClockState(now=now, mark=now, problem=None)
