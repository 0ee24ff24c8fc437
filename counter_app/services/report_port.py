"""The port the reports read through (``services/reports.py``): grouped rows, never whole records.

Implemented by ``storage/report_repo.SqlReportRepository`` with plain SQL through SQLAlchemy Core
(SQLite on a counter PC, PostgreSQL on the provincial server). Every method returns the finest
grain a report needs (centre × agency × field × procedure × channel for dossiers); the service rolls
the rows up, so every breakdown sums to the total by construction.

Times cross this port as aware datetimes (period bounds, half-open ``[start, end)``) or as whole
seconds since 1970-01-01 UTC (``*_s`` fields), which the service reads in Vietnam time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ReportScope:
    """Which rows a report reads: a centre (None: every centre in the store), an agency, a procedure."""

    centre_id: str | None = None
    agency_id: str | None = None
    procedure_code: str | None = None


@dataclass(frozen=True, slots=True)
class DossierGroupRow:
    """Dossier counts of one centre × agency × field × procedure × channel over a period."""

    centre_id: str
    agency_id: str
    field_id: str
    procedure_code: str
    channel: str
    carried_over: int  # registered before the period, still open at its start
    received: int  # registered inside the period
    early: int  # result ready inside the period before the due date's day
    on_time: int  # … on the due date's day, not after the due time
    late: int  # … after the due time
    stopped: int  # processing stopped on request inside the period (Mẫu 05)
    withdrawn: int  # withdrawn inside the period
    open_undue: int  # open at the period's end, due date not passed
    open_overdue: int  # open at the period's end, due date passed
    paused: int  # open at the period's end, waiting for a supplement (clock paused)
    returned: int  # result handed to the applicant or to the post inside the period
    refused: int  # refused at intake inside the period (Mẫu 03), never registered
    incomplete: int  # found incomplete at intake inside the period (Mẫu 02), never registered
    skewed: int  # records whose end is stamped before their receipt (clock skew), read as ending at receipt


@dataclass(frozen=True, slots=True)
class PostalGroupRow:
    """Results sent home by post, per centre × agency × field × procedure × channel."""

    centre_id: str
    agency_id: str
    field_id: str
    procedure_code: str
    channel: str
    sent: int
    delivered: int
    returned_to_sender: int


@dataclass(frozen=True, slots=True)
class TicketGroupRow:
    """Queue visits of one centre × line × counter (a ticket row each: a transfer continues a visit in a
    new row with hop + 1; ``visits`` counts first hops only)."""

    centre_id: str
    line_id: str
    counter_id: str
    visits: int  # first hops: tickets issued plus walk-ins
    walk_ins: int
    served: int  # outcome served or walk_in
    no_show: int
    transferred: int
    removed: int
    called: int  # rows with a waiting time (called, not walk-ins)
    called_in_time: int  # … waited at most the target
    skewed: int  # rows with a negative time (a PC clock changed during the visit)


@dataclass(frozen=True, slots=True)
class DurationRow:
    """How many rows of a group took ``seconds`` (negative times read as 0)."""

    kind: str  # wait | walk | service (whole seconds, all rows, no group); wait_group (the centre × line ×
    # counter group's waits in bins, ``seconds`` the middle of the bin)
    centre_id: str
    line_id: str
    counter_id: str
    seconds: int
    count: int


@dataclass(frozen=True, slots=True)
class QueueFacts:
    groups: list[TicketGroupRow]
    durations: list[DurationRow]
    issued_by_hour: list[tuple[int, int]]  # (hours since 1970 in Vietnam time, first hops issued)


@dataclass(frozen=True, slots=True)
class ServiceTimeFact:
    """A counter service tied to a dossier: intake (the dossier was received during it) or return."""

    procedure_code: str
    field_id: str
    kind: str  # intake | return
    seconds: int


@dataclass(frozen=True, slots=True)
class ReceivedDayRow:
    """Dossiers received (registered or not) on one day (days since 1970-01-01 in Vietnam time)."""

    agency_id: str
    procedure_code: str
    day_number: int
    count: int


@dataclass(frozen=True, slots=True)
class StaffActivityRow:
    staff_id: str
    centre_id: str
    dossiers_received: int
    dossiers_returned: int
    tickets_served: int
    service_seconds: int  # total over the served tickets
    ratings: int
    rating_sum: int
    cash_collected: int  # đồng


@dataclass(frozen=True, slots=True)
class DutyRow:
    staff_id: str
    centre_id: str
    counter_id: str
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class RatingFact:
    centre_id: str
    counter_id: str
    staff_id: str
    procedure_code: str
    level: int
    reason: str


@dataclass(frozen=True, slots=True)
class ReportNames:
    """Display names of what the rows name by id; ids missing here were deleted (shown as such)."""

    centres: dict[str, str]
    agencies: dict[str, str]
    fields: dict[str, str]
    procedures: dict[str, str]  # by code: the catalog's current name, else the latest name received
    staff: dict[str, str]
    counters: dict[str, str]
    lines: dict[str, str]
    staff_centre: dict[str, str]  # staff id → centre id (whose supervisor may see them)


class ReportRepository(Protocol):
    def dossier_groups(self, start: datetime, end: datetime, scope: ReportScope) -> list[DossierGroupRow]: ...

    def postal_groups(self, start: datetime, end: datetime, scope: ReportScope) -> list[PostalGroupRow]: ...

    def queue_facts(self, first_day: date, last_day: date, scope: ReportScope, target_wait_s: int) -> QueueFacts: ...

    def service_times(self, first_day: date, last_day: date, scope: ReportScope) -> list[ServiceTimeFact]: ...

    def received_by_day(self, start: datetime, end: datetime, scope: ReportScope) -> list[ReceivedDayRow]: ...

    def staff_activity(self, start: datetime, end: datetime, scope: ReportScope) -> list[StaffActivityRow]: ...

    def duty_periods(self, start: datetime, end: datetime, scope: ReportScope) -> list[DutyRow]: ...

    def ratings(self, start: datetime, end: datetime, scope: ReportScope) -> list[RatingFact]: ...

    def names(self, procedure_codes: frozenset[str]) -> ReportNames:
        """Names of everything; procedures by code, with the latest name received for ``procedure_codes``
        no longer in the catalog."""
        ...
