"""Is the centre open now? One rule for intake, hand-over and the kiosk, read off the working calendar.

Outside office hours a citizen's ticket is refused (the kiosk says when the centre opens next),
and a clerk's intake or hand-over goes ahead only when the clerk confirms it explicitly; the
confirmation is recorded with the action. The appointment of a dossier received then counts
from the next session, as the calendar already does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from counter_app.domain.calendar import VIETNAM_TIME, WorkingCalendar
from counter_app.domain.errors import DomainError
from counter_app.services.formatting import format_datetime
from counter_app.services.i18n import _

# Error codes (worded in services/messages.py)
CLOSED_FOR_CLERK = "office_hours.closed"  # intake / hand-over without the clerk's confirmation
CLOSED_FOR_CITIZEN = "office_hours.kiosk_closed"  # a kiosk ticket


class OfficeState(StrEnum):
    OPEN = "open"
    BEFORE_OPENING = "before_opening"
    LUNCH_BREAK = "lunch_break"
    AFTER_CLOSING = "after_closing"
    DAY_OFF = "day_off"


@dataclass(frozen=True, slots=True)
class OfficeVerdict:
    """Where ``at`` (Vietnam time) falls in the centre's office hours, and when the next session opens."""

    state: OfficeState
    at: datetime
    next_opening: datetime | None  # None while open

    @property
    def is_open(self) -> bool:
        return self.state is OfficeState.OPEN


def verdict(calendar: WorkingCalendar, moment: datetime) -> OfficeVerdict:
    """Open, before opening, lunch break, after closing or a day off, with the next opening time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DomainError("calendar.naive_datetime", moment=moment.isoformat())
    at = moment.astimezone(VIETNAM_TIME)
    day, now = at.date(), at.time()
    sessions = calendar.office_hours.sessions

    def opening(on: date, start: time) -> datetime:
        return datetime.combine(on, start, VIETNAM_TIME)

    if not calendar.is_working_day(day):
        nxt = calendar.next_working_day(day)
        return OfficeVerdict(OfficeState.DAY_OFF, at, opening(nxt, calendar.office_hours.opening))
    if now < sessions[0][0]:
        return OfficeVerdict(OfficeState.BEFORE_OPENING, at, opening(day, sessions[0][0]))
    for i, (start, end) in enumerate(sessions):
        if start <= now < end:
            return OfficeVerdict(OfficeState.OPEN, at, None)
        if i + 1 < len(sessions) and end <= now < sessions[i + 1][0]:
            return OfficeVerdict(OfficeState.LUNCH_BREAK, at, opening(day, sessions[i + 1][0]))
    nxt = calendar.next_working_day(day)
    return OfficeVerdict(OfficeState.AFTER_CLOSING, at, opening(nxt, calendar.office_hours.opening))


def require_open_or_confirmed(calendar: WorkingCalendar, moment: datetime, *, confirmed: bool) -> OfficeVerdict:
    """A clerk's action (intake, hand-over): refused out of hours unless the clerk confirmed it."""
    found = verdict(calendar, moment)
    if not found.is_open and not confirmed:
        raise closed_error(found, CLOSED_FOR_CLERK)
    return found


def require_open(calendar: WorkingCalendar, moment: datetime) -> OfficeVerdict:
    """A citizen's own action (a kiosk ticket): refused out of hours, nobody can confirm it."""
    found = verdict(calendar, moment)
    if not found.is_open:
        raise closed_error(found, CLOSED_FOR_CITIZEN)
    return found


def closed_error(found: OfficeVerdict, code: str) -> DomainError:
    """The refusal: the reason (a state code, worded by PARAM_WORDS) and the next opening."""
    assert found.next_opening is not None
    return DomainError(code, reason=f"office.{found.state.value}", opens=opening_text(found.next_opening),
                       state=found.state.value, next_opening=found.next_opening.isoformat())


def confirmation_record(found: OfficeVerdict, *, staff_id: str, staff_name: str = "") -> dict[str, Any] | None:
    """What is stored with an action the clerk confirmed out of hours (None when it was in hours)."""
    if found.is_open:
        return None
    return {
        "confirmed": True,
        "state": found.state.value,
        "at": found.at.isoformat(),
        "next_opening": found.next_opening.isoformat() if found.next_opening else None,
        "staff_id": staff_id,
        "staff_name": staff_name,
    }


# The same words fill the {reason} of the refusals (PARAM_WORDS "office.<state>").
_STATES = {
    OfficeState.BEFORE_OPENING: "the centre has not opened yet",
    OfficeState.LUNCH_BREAK: "it is the lunch break",
    OfficeState.AFTER_CLOSING: "the centre has closed for the day",
    OfficeState.DAY_OFF: "today is not a working day",
    OfficeState.OPEN: "the centre is open",
}


def opening_text(moment: datetime) -> str:
    """``07:00, thứ Hai, 07/12/2026`` (Vietnam time)."""
    return format_datetime(moment.astimezone(VIETNAM_TIME))


def state_text(state: OfficeState) -> str:
    return _(_STATES[state])


def describe(found: OfficeVerdict) -> str:
    """One sentence for a screen: why it is closed and when the next session opens."""
    if found.is_open or found.next_opening is None:
        return state_text(found.state)
    return _("Outside office hours: {reason}. The next session opens at {opens}.").format(
        reason=state_text(found.state), opens=opening_text(found.next_opening)
    )
