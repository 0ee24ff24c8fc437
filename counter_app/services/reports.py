"""Reports and supervision (issue 13): one query layer for the screens, the exports, the CLI and the dashboard.

Definitions (the national one-stop practice, OpenCPS rollups as reference):

- *received*: registered inside the period (refused or incomplete at intake are counted apart, never
  received); by channel in person / post / online.
- *carried over*: registered before the period and still open at its start.
- *released*: processing finished (result ready at the counter) inside the period, judged against the
  due date in force (supplement pauses and the one lawful extension already moved it): *early* before
  the due date's day, *on time* on that day up to the due time, *late* after it
  (``domain/dossier.timeliness``). Stopped and withdrawn dossiers leave the count without a result.
- *open at the period's end*: *paused* (waiting for a supplement), else *overdue* when the due date
  has passed by the end, else *undue*. ``carried over + received = released + stopped + withdrawn +
  open`` always (``DossierFigures.balanced``).
- *on-time rate* = (early + on time) / released; ``None`` ("no data") when nothing was released.
- A record whose end is stamped before its receipt (a PC clock behind) is read as ending at its
  receipt and counted in ``skewed``; a negative queue time is read as 0 and counted the same way.

Every breakdown is rolled up from the one finest-grain read (centre × agency × field × procedure ×
channel), so each sums to the total. Long computations take ``cancelled`` (a callable polled between
steps) and stop with ``report.cancelled``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from counter_app.domain.calendar import VIETNAM_TIME
from counter_app.domain.errors import DomainError
from counter_app.domain.queue import bucket_label, bucket_labels
from counter_app.services.i18n import _
from counter_app.services.permissions import COMMAND_LINE, Permission, require
from counter_app.services.report_port import (
    DossierGroupRow,
    QueueFacts,
    ReportNames,
    ReportRepository,
    ReportScope,
    TicketGroupRow,
)

Cancelled = Callable[[], bool] | None

MAX_PERIOD_DAYS = 3 * 366 + 1  # a report covers at most three years
TARGET_WAIT_MINUTES = 15  # service level: share of visits called within this wait (QueueSettings default)
BUCKET_MINUTES, BUCKET_COUNT = 3, 20  # 0-3 … 57-60, then 60+
NORM_QUANTILE = 0.75  # suggested norm: the 75th percentile of measured counter time, rounded up to the minute
NORM_MIN_SAMPLE = 20  # fewer measurements than this: the norm is flagged as uncertain
NORM_HISTORY_DAYS = 365  # norms (and hours freed) are measured over the year up to the period's end
DEFAULT_NORM_MINUTES = {"intake": 15, "return": 5}  # hours freed for a procedure never measured
FORECAST_SEASON = 12  # seasonal naive: next quarter's month = the same month a year earlier
DEMAND_HISTORY_MONTHS = 24
DIMENSIONS = ("centre", "agency", "field", "procedure", "channel")
DELETED = "deleted"


# -- inputs ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """Whole days, both ends included, in Vietnam time."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise DomainError("report.bad_period", start=self.start.isoformat(), end=self.end.isoformat())
        if (self.end - self.start).days >= MAX_PERIOD_DAYS:
            raise DomainError("report.period_too_long", days=MAX_PERIOD_DAYS)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, the day after the end 00:00) in Vietnam time."""
        return (datetime.combine(self.start, time(), VIETNAM_TIME),
                datetime.combine(self.end + timedelta(days=1), time(), VIETNAM_TIME))

    def before(self) -> Period:
        """The period of the same length just before this one (the before/after comparison)."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


@dataclass(frozen=True, slots=True)
class ReportFilters:
    centre_id: str | None = None  # None: the asker's centre (an administrator or the command line: all)
    agency_id: str | None = None
    procedure_code: str | None = None


# -- dossier indicators ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DossierFigures:
    carried_over: int = 0
    received: int = 0
    received_in_person: int = 0
    received_by_post: int = 0
    received_online: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    stopped: int = 0
    withdrawn: int = 0
    open_undue: int = 0
    open_overdue: int = 0
    paused: int = 0
    returned: int = 0
    refused: int = 0
    incomplete: int = 0
    postal_sent: int = 0
    postal_delivered: int = 0
    postal_returned: int = 0
    skewed: int = 0

    def __add__(self, other: DossierFigures) -> DossierFigures:
        return DossierFigures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def released(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def open_at_end(self) -> int:
        return self.open_undue + self.open_overdue + self.paused

    @property
    def on_time_rate(self) -> float | None:
        """(early + on time) / released; None ("no data") when nothing was released."""
        return (self.early + self.on_time) / self.released if self.released else None

    @property
    def balanced(self) -> bool:
        return self.carried_over + self.received == self.released + self.stopped + self.withdrawn + self.open_at_end


@dataclass(frozen=True, slots=True)
class BreakdownLine:
    key: str
    name: str
    figures: DossierFigures


@dataclass(frozen=True, slots=True)
class DossierReport:
    period: Period
    scope: ReportScope
    total: DossierFigures
    breakdowns: dict[str, list[BreakdownLine]]  # DIMENSIONS → lines, each summing to the total
    names: ReportNames


# -- queue ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DurationStats:
    count: int
    median_minutes: float | None
    p90_minutes: float | None
    buckets: dict[str, int]


@dataclass(frozen=True, slots=True)
class QueueLine:
    key: str
    name: str
    visits: int
    served: int
    no_show: int
    median_wait_minutes: float | None  # to the tenth of a minute (from 6-second bins)


@dataclass(frozen=True, slots=True)
class QueueReport:
    period: Period
    scope: ReportScope
    visits: int  # tickets issued (first hop) and walk-ins
    tickets: int
    walk_ins: int
    served: int
    no_show: int
    transferred: int
    removed: int
    wait: DurationStats
    walk: DurationStats
    service: DurationStats
    service_level: float | None  # called within the target / called; None when nobody was called
    target_wait_minutes: int
    no_show_share: float | None
    heat_map: list[list[int]]  # [weekday 0=Monday][hour 0–23]: visits issued
    by_centre: list[QueueLine]
    by_line: list[QueueLine]
    by_counter: list[QueueLine]
    skewed: int


# -- norms -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NormLine:
    procedure_code: str
    procedure_name: str
    field_name: str  # the service group
    kind: str  # intake | return
    sample: int
    median_minutes: float
    p90_minutes: float
    norm_minutes: int  # ceil(p75)
    uncertain: bool  # sample below NORM_MIN_SAMPLE


@dataclass(frozen=True, slots=True)
class NormsReport:
    period: Period
    scope: ReportScope
    rule: str
    procedures: list[NormLine]
    groups: list[NormLine]  # per service group (field), procedure_code ""


# -- demand ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemandLine:
    agency_id: str
    agency_name: str
    procedure_code: str  # "" on an agency's total line
    procedure_name: str
    months: list[int]  # received per month of DemandReport.months
    change: float | None  # last month against the one before, as a share; None without a base
    forecast: list[float]  # DemandReport.forecast_months


@dataclass(frozen=True, slots=True)
class DemandReport:
    period: Period
    scope: ReportScope
    months: list[date]  # first days of the period's months
    forecast_months: list[date]
    method: str
    history_months: int
    short_history: bool
    agencies: list[DemandLine]
    procedures: list[DemandLine]


# -- staff -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaffLine:
    staff_id: str
    name: str
    deleted: bool
    centre_name: str
    on_duty_at: str  # the counter now, "" when not on duty
    duty_hours: float
    dossiers_received: int
    dossiers_returned: int
    tickets_served: int
    average_service_minutes: float | None
    ratings: int
    average_rating: float | None
    cash_collected: int


@dataclass(frozen=True, slots=True)
class StaffReport:
    period: Period
    scope: ReportScope
    lines: list[StaffLine]
    total: StaffLine


# -- satisfaction -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RatingLine:
    key: str
    name: str
    levels: list[int]  # count of levels 1..5
    average: float | None

    @property
    def count(self) -> int:
        return sum(self.levels)


@dataclass(frozen=True, slots=True)
class SatisfactionReport:
    period: Period
    scope: ReportScope
    total: RatingLine
    by_counter: list[RatingLine]
    by_staff: list[RatingLine]
    by_procedure: list[RatingLine]
    reasons: list[tuple[str, int]]  # reason given → times, most given first


# -- effectiveness ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EffectivenessFigures:
    received: int
    returned: int
    handled_by_postal_staff: int  # intakes + returns at the counter
    hours_freed: float  # Σ volume × norm (intake, return), in hours
    postal_sent: int
    postal_share: float | None  # results sent by post / results handed over
    on_time_rate: float | None
    online_share: float | None  # received online / received
    ratings: int
    average_rating: float | None
    satisfied_share: float | None  # ratings 4–5 / ratings


@dataclass(frozen=True, slots=True)
class EffectivenessLine:
    key: str
    name: str
    now: EffectivenessFigures
    before: EffectivenessFigures | None  # the same length just before, when it has data


@dataclass(frozen=True, slots=True)
class EffectivenessReport:
    period: Period
    before_period: Period
    scope: ReportScope
    total: EffectivenessLine
    units: list[EffectivenessLine]
    norm_rule: str


# -- helpers -------------------------------------------------------------------------------------------


def quantile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank quantile (the smallest value with at least q of the values at or below it)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def suggested_norm(seconds: Sequence[int]) -> int:
    """The suggested norm: the 75th percentile of the measured times, rounded up to the minute (≥ 1)."""
    p75 = quantile(seconds, NORM_QUANTILE) or 0
    return max(1, math.ceil(p75 / 60))


def _check(cancelled: Cancelled) -> None:
    if cancelled is not None and cancelled():
        raise DomainError("report.cancelled")


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _month(day: date) -> date:
    return day.replace(day=1)


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def day_of(day_number: int) -> date:
    return date(1970, 1, 1) + timedelta(days=day_number)


def local_weekday_hour(epoch_s: int) -> tuple[int, int]:
    local = epoch_s + 7 * 3600
    return (local // 86400 + 3) % 7, (local % 86400) // 3600


def deleted_name(key: str) -> str:
    return _("(removed: {id})").format(id=key)


def _name(names: dict[str, str], key: str) -> str:
    if not key:
        return _("(none)")
    return names.get(key) or deleted_name(key)


def figures_of(row: DossierGroupRow) -> DossierFigures:
    channel = row.channel
    return DossierFigures(
        carried_over=row.carried_over, received=row.received,
        received_in_person=row.received if channel == "in_person" else 0,
        received_by_post=row.received if channel == "post" else 0,
        received_online=row.received if channel not in ("in_person", "post") else 0,
        early=row.early, on_time=row.on_time, late=row.late, stopped=row.stopped, withdrawn=row.withdrawn,
        open_undue=row.open_undue, open_overdue=row.open_overdue, paused=row.paused, returned=row.returned,
        refused=row.refused, incomplete=row.incomplete, skewed=row.skewed,
    )


class ReportService:
    """Every report of issue 13 over the ``ReportRepository`` port, checked against the asker's role."""

    def __init__(self, uow_factory: Callable[..., Any], clock: Any) -> None:
        self._uow = uow_factory
        self._clock = clock

    # -- who may see what ---------------------------------------------------------------------
    def _scope(self, uow: Any, staff_id: str, filters: ReportFilters) -> ReportScope:
        """The rows the asker may read: their centre's (a supervisor), any centre's (an administrator,
        the command line); another centre's data is refused with ``permission.not_staff_here``."""
        centres = {c.id for c in uow.units.centres()}
        if filters.centre_id is not None and filters.centre_id not in centres:
            raise DomainError("report.unknown_centre", centre_id=filters.centre_id)
        staff = uow.staff.by_id(staff_id) if staff_id and staff_id != COMMAND_LINE else None
        every_centre = staff_id == COMMAND_LINE or (staff is not None and staff.role == "admin")
        centre = filters.centre_id
        if centre is None and not every_centre:
            centre = staff.centre_id if staff is not None else ""
        if every_centre and staff is not None:
            require(uow, staff_id, Permission.SEE_REPORTS, centre_id=staff.centre_id)
        else:
            require(uow, staff_id, Permission.SEE_REPORTS, centre_id=centre or "")
        return ReportScope(centre, filters.agency_id, filters.procedure_code)

    def _read(self, staff_id: str, filters: ReportFilters) -> tuple[Any, ReportScope]:
        uow = self._uow(readonly=True)
        uow.__enter__()
        try:
            return uow, self._scope(uow, staff_id, filters)
        except BaseException:
            uow.__exit__(None, None, None)
            raise

    # -- dossiers ------------------------------------------------------------------------------
    def dossier_indicators(self, period: Period, filters: ReportFilters, *, staff_id: str,
                           cancelled: Cancelled = None) -> DossierReport:
        uow, scope = self._read(staff_id, filters)
        with uow:
            _check(cancelled)
            return self._dossiers(uow.reports, period, scope, cancelled)[0]

    def _dossiers(self, repo: ReportRepository, period: Period, scope: ReportScope,
                  cancelled: Cancelled) -> tuple[DossierReport, list[DossierGroupRow]]:
        start, end = period.bounds()
        end = max(start, min(end, self._clock.now()))  # "open at the end" of a period not over yet: now
        groups = repo.dossier_groups(start, end, scope)
        _check(cancelled)
        postal = repo.postal_groups(start, end, scope)
        _check(cancelled)
        names = repo.names(frozenset(g.procedure_code for g in groups))
        cells: dict[tuple[str, str, str, str, str], DossierFigures] = defaultdict(DossierFigures)
        for g in groups:
            key = (g.centre_id, g.agency_id, g.field_id, g.procedure_code, g.channel)
            cells[key] = cells[key] + figures_of(g)
        for p in postal:
            key = (p.centre_id, p.agency_id, p.field_id, p.procedure_code, p.channel)
            cells[key] = cells[key] + DossierFigures(
                postal_sent=p.sent, postal_delivered=p.delivered, postal_returned=p.returned_to_sender)
        total = sum(cells.values(), DossierFigures())
        lookups = (names.centres, names.agencies, names.fields, names.procedures, None)
        breakdowns: dict[str, list[BreakdownLine]] = {}
        for index, dimension in enumerate(DIMENSIONS):
            sums: dict[str, DossierFigures] = defaultdict(DossierFigures)
            for key, figures in cells.items():
                sums[key[index]] = sums[key[index]] + figures
            lookup = lookups[index]
            breakdowns[dimension] = sorted(
                (BreakdownLine(k, channel_name(k) if lookup is None else _name(lookup, k), f) for k, f in sums.items()),
                key=lambda line: (-(line.figures.received + line.figures.carried_over), line.name, line.key))
        return DossierReport(period, scope, total, breakdowns, names), groups

    # -- queue ----------------------------------------------------------------------------------
    def queue_indicators(self, period: Period, filters: ReportFilters, *, staff_id: str,
                         cancelled: Cancelled = None) -> QueueReport:
        uow, scope = self._read(staff_id, filters)
        with uow:
            facts = uow.reports.queue_facts(period.start, period.end, scope, TARGET_WAIT_MINUTES * 60)
            _check(cancelled)
            names = uow.reports.names(frozenset())
        return queue_report(period, scope, facts, names)

    # -- norms ----------------------------------------------------------------------------------
    def service_norms(self, period: Period, filters: ReportFilters, *, staff_id: str,
                      cancelled: Cancelled = None) -> NormsReport:
        uow, scope = self._read(staff_id, filters)
        with uow:
            facts = uow.reports.service_times(period.start, period.end, scope)
            _check(cancelled)
            names = uow.reports.names(frozenset(f.procedure_code for f in facts))
        by_procedure: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        by_group: dict[tuple[str, str], list[int]] = defaultdict(list)
        skewed = 0
        for f in facts:
            seconds = max(0, f.seconds)
            skewed += f.seconds < 0
            by_procedure[(f.procedure_code, f.field_id, f.kind)].append(seconds)
            by_group[(f.field_id, f.kind)].append(seconds)

        def line(code: str, field_id: str, kind: str, seconds: list[int]) -> NormLine:
            return NormLine(code, names.procedures.get(code, code) if code else "", _name(names.fields, field_id), kind,
                            len(seconds), round((quantile(seconds, 0.5) or 0) / 60, 2),
                            round((quantile(seconds, 0.9) or 0) / 60, 2), suggested_norm(seconds),
                            len(seconds) < NORM_MIN_SAMPLE)

        procedures = sorted((line(c, f, k, s) for (c, f, k), s in by_procedure.items()),
                            key=lambda n: (n.field_name, n.procedure_code, n.kind))
        groups = sorted((line("", f, k, s) for (f, k), s in by_group.items()), key=lambda n: (n.field_name, n.kind))
        return NormsReport(period, scope, norm_rule(), procedures, groups)

    # -- demand ---------------------------------------------------------------------------------
    def demand(self, period: Period, filters: ReportFilters, *, staff_id: str,
               cancelled: Cancelled = None) -> DemandReport:
        uow, scope = self._read(staff_id, filters)
        first_month = _month(period.start)
        history_start = min(first_month, _add_months(_month(period.end), -DEMAND_HISTORY_MONTHS + 1))
        _, end = period.bounds()
        with uow:
            rows = uow.reports.received_by_day(datetime.combine(history_start, time(), VIETNAM_TIME), end, scope)
            _check(cancelled)
            names = uow.reports.names(frozenset(r.procedure_code for r in rows))
        return demand_report(period, scope, rows, names, history_start)

    # -- staff ----------------------------------------------------------------------------------
    def staff_workload(self, period: Period, filters: ReportFilters, *, staff_id: str,
                       cancelled: Cancelled = None) -> StaffReport:
        uow, scope = self._read(staff_id, filters)
        start, end = period.bounds()
        now = self._clock.now()
        with uow:
            activity = uow.reports.staff_activity(start, end, scope)
            _check(cancelled)
            duties = uow.reports.duty_periods(start, end, scope)
            current = uow.reports.duty_periods(now, now + timedelta(microseconds=1), scope)
            names = uow.reports.names(frozenset())
        hours: dict[str, float] = defaultdict(float)
        for d in duties:
            until = min(d.ended_at or now, end, now)
            since = max(d.started_at, start)
            hours[d.staff_id] += max(0.0, (until - since).total_seconds() / 3600)
        on_duty = {d.staff_id: _name(names.counters, d.counter_id) for d in current if d.ended_at is None}
        act = {(a.staff_id): a for a in activity}
        people = sorted(set(act) | set(hours) | set(on_duty))
        lines = []
        for person in people:
            a = act.get(person)
            centre = a.centre_id if a else names.staff_centre.get(person, "")
            lines.append(_staff_line(person, names, centre, on_duty.get(person, ""), hours.get(person, 0.0), a))
        total = _staff_line("", names, "", "", sum(hours.values()), None, lines)
        return StaffReport(period, scope, sorted(lines, key=lambda s: (s.name, s.staff_id)), total)

    # -- satisfaction ------------------------------------------------------------------------------
    def satisfaction(self, period: Period, filters: ReportFilters, *, staff_id: str,
                     cancelled: Cancelled = None) -> SatisfactionReport:
        uow, scope = self._read(staff_id, filters)
        start, end = period.bounds()
        with uow:
            facts = uow.reports.ratings(start, end, scope)
            _check(cancelled)
            names = uow.reports.names(frozenset(f.procedure_code for f in facts))
        return satisfaction_report(period, scope, facts, names)

    # -- effectiveness -------------------------------------------------------------------------------
    def effectiveness(self, period: Period, filters: ReportFilters, *, staff_id: str,
                      cancelled: Cancelled = None) -> EffectivenessReport:
        uow, scope = self._read(staff_id, filters)
        before = period.before()
        norm_from = period.end - timedelta(days=NORM_HISTORY_DAYS - 1)
        with uow:
            repo = uow.reports
            now_report, cells_now = self._dossiers(repo, period, scope, cancelled)
            before_report, cells_before = self._dossiers(repo, before, scope, cancelled)
            times = repo.service_times(norm_from, period.end, replace(scope, procedure_code=None, agency_id=None))
            _check(cancelled)
            ratings_now = repo.ratings(*period.bounds(), scope)
            ratings_before = repo.ratings(*before.bounds(), scope)
            _check(cancelled)
        norms = _norm_table(times)

        def unit_figures(report: DossierReport, cells: list[DossierGroupRow], ratings: list[Any],
                         centre: str | None) -> EffectivenessFigures:
            figures = report.total if centre is None else next(
                (b.figures for b in report.breakdowns["centre"] if b.key == centre), DossierFigures())
            chosen = [c for c in cells if centre is None or c.centre_id == centre]
            minutes = sum(c.received * norms.get((c.procedure_code, "intake"), DEFAULT_NORM_MINUTES["intake"])
                          + c.returned * norms.get((c.procedure_code, "return"), DEFAULT_NORM_MINUTES["return"])
                          for c in chosen)
            levels = [r.level for r in ratings if centre is None or r.centre_id == centre]
            return EffectivenessFigures(
                received=figures.received, returned=figures.returned,
                handled_by_postal_staff=figures.received + figures.returned, hours_freed=round(minutes / 60, 1),
                postal_sent=figures.postal_sent, postal_share=_share(figures.postal_sent, figures.returned),
                on_time_rate=figures.on_time_rate, online_share=_share(figures.received_online, figures.received),
                ratings=len(levels), average_rating=round(sum(levels) / len(levels), 2) if levels else None,
                satisfied_share=_share(sum(1 for v in levels if v >= 4), len(levels)),
            )

        def has_data(f: EffectivenessFigures) -> bool:
            return bool(f.received or f.returned or f.ratings)

        def unit(key: str, name: str, centre: str | None) -> EffectivenessLine:
            earlier = unit_figures(before_report, cells_before, ratings_before, centre)
            return EffectivenessLine(key, name, unit_figures(now_report, cells_now, ratings_now, centre),
                                     earlier if has_data(earlier) else None)

        centres = sorted({c.centre_id for c in cells_now} | {c.centre_id for c in cells_before}
                         | {r.centre_id for r in ratings_now})
        units = [unit(c, _name(now_report.names.centres, c), c) for c in centres]
        total = unit("", _("All units"), None)
        return EffectivenessReport(period, before, scope, total, units, norm_rule())


def norm_rule() -> str:
    return _("Suggested norm = the 75th percentile of the measured counter time, rounded up to the minute; "
             "flagged below {n} measurements.").format(n=NORM_MIN_SAMPLE)


def channel_name(channel: str) -> str:
    return {"in_person": _("In person"), "post": _("By post"), "online": _("Online")}.get(channel, channel)


def _norm_table(facts: Iterable[Any]) -> dict[tuple[str, str], int]:
    seconds: dict[tuple[str, str], list[int]] = defaultdict(list)
    for f in facts:
        seconds[(f.procedure_code, f.kind)].append(max(0, f.seconds))
    return {key: suggested_norm(values) for key, values in seconds.items()}


def _staff_line(person: str, names: ReportNames, centre: str, counter: str, hours: float, a: Any,
                lines: list[StaffLine] | None = None) -> StaffLine:
    if lines is not None:  # the total line
        served = sum(s.tickets_served for s in lines)
        service_min = sum((s.average_service_minutes or 0) * s.tickets_served for s in lines)
        ratings = sum(s.ratings for s in lines)
        rating_sum = sum((s.average_rating or 0) * s.ratings for s in lines)
        return StaffLine("", _("Total"), False, "", "", round(hours, 2),
                         sum(s.dossiers_received for s in lines), sum(s.dossiers_returned for s in lines), served,
                         round(service_min / served, 2) if served else None, ratings,
                         round(rating_sum / ratings, 2) if ratings else None, sum(s.cash_collected for s in lines))
    deleted = person not in names.staff
    name = deleted_name(person) if deleted else names.staff[person]
    if a is None:
        return StaffLine(person, name, deleted, _name(names.centres, centre) if centre else "", counter,
                         round(hours, 2), 0, 0, 0, None, 0, None, 0)
    return StaffLine(
        person, name, deleted, _name(names.centres, centre), counter, round(hours, 2), a.dossiers_received,
        a.dossiers_returned, a.tickets_served,
        round(a.service_seconds / 60 / a.tickets_served, 2) if a.tickets_served else None, a.ratings,
        round(a.rating_sum / a.ratings, 2) if a.ratings else None, a.cash_collected)


def weighted_quantile(histogram: Sequence[tuple[int, int]], q: float) -> float | None:
    """``quantile`` over (value, times) pairs: the same nearest-rank value as over the values spelt out."""
    total = sum(n for _, n in histogram)
    if not total:
        return None
    rank, seen = max(1, math.ceil(q * total)), 0
    for value, n in sorted(histogram):
        seen += n
        if seen >= rank:
            return value
    return None  # not reached


def histogram_stats(histogram: Sequence[tuple[int, int]]) -> DurationStats:
    """Median, p90 (minutes) and 3-minute buckets of a (seconds, times) histogram."""
    buckets = dict.fromkeys(bucket_labels(BUCKET_MINUTES, BUCKET_COUNT), 0)
    for seconds, n in histogram:
        buckets[bucket_label(seconds / 60, BUCKET_MINUTES, BUCKET_COUNT)] += n
    median, p90 = weighted_quantile(histogram, 0.5), weighted_quantile(histogram, 0.9)
    return DurationStats(sum(n for _, n in histogram), None if median is None else round(median / 60, 2),
                         None if p90 is None else round(p90 / 60, 2), buckets)


def queue_report(period: Period, scope: ReportScope, facts: QueueFacts, names: ReportNames) -> QueueReport:
    """The queue figures rolled up from the centre × line × counter groups and duration histograms."""
    kinds: dict[str, Counter[int]] = {"wait": Counter(), "walk": Counter(), "service": Counter()}
    waits_of: dict[str, dict[str, Counter[int]]] = {"centre": defaultdict(Counter), "line": defaultdict(Counter),
                                                     "counter": defaultdict(Counter)}
    for d in facts.durations:
        if d.kind in kinds:
            kinds[d.kind][d.seconds] += d.count
        else:  # wait_group: one group's binned waits, rolled up per centre, line and counter
            waits_of["centre"][d.centre_id][d.seconds] += d.count
            waits_of["line"][d.line_id][d.seconds] += d.count
            if d.counter_id:
                waits_of["counter"][d.counter_id][d.seconds] += d.count
    heat = [[0] * 24 for _ in range(7)]
    for hour_number, n in facts.issued_by_hour:
        weekday, hour = local_weekday_hour(hour_number * 3600 - 7 * 3600)
        heat[weekday][hour] += n

    def total(attr: str, rows: Iterable[TicketGroupRow] = facts.groups) -> int:
        return sum(getattr(g, attr) for g in rows)

    def lines(kind: str, attr: str, lookup: dict[str, str]) -> list[QueueLine]:
        grouped: dict[str, list[TicketGroupRow]] = defaultdict(list)
        for g in facts.groups:
            if getattr(g, attr):
                grouped[getattr(g, attr)].append(g)
        out = []
        for key, rows in grouped.items():
            median = weighted_quantile(list(waits_of[kind][key].items()), 0.5)
            out.append(QueueLine(key, _name(lookup, key), total("visits", rows), total("served", rows),
                                 total("no_show", rows), None if median is None else round(median / 60, 1)))
        return sorted(out, key=lambda q: (q.name, q.key))

    called = total("called")
    visits, walk_ins = total("visits"), total("walk_ins")
    return QueueReport(
        period=period, scope=scope, visits=visits, tickets=visits - walk_ins, walk_ins=walk_ins,
        served=total("served"), no_show=total("no_show"), transferred=total("transferred"), removed=total("removed"),
        wait=histogram_stats(list(kinds["wait"].items())), walk=histogram_stats(list(kinds["walk"].items())),
        service=histogram_stats(list(kinds["service"].items())),
        service_level=_share(total("called_in_time"), called), target_wait_minutes=TARGET_WAIT_MINUTES,
        no_show_share=_share(total("no_show"), called), heat_map=heat,
        by_centre=lines("centre", "centre_id", names.centres), by_line=lines("line", "line_id", names.lines),
        by_counter=lines("counter", "counter_id", names.counters), skewed=total("skewed"),
    )


def demand_report(period: Period, scope: ReportScope, rows: Iterable[Any], names: ReportNames,
                  history_start: date) -> DemandReport:
    months: list[date] = []
    month = _month(period.start)
    while month <= period.end:
        months.append(month)
        month = _add_months(month, 1)
    last = months[-1]
    forecast_months = [_add_months(last, n) for n in (1, 2, 3)]
    history: dict[tuple[str, str], Counter[date]] = defaultdict(Counter)
    first_seen: date | None = None
    for r in rows:
        day = day_of(r.day_number)
        history[(r.agency_id, r.procedure_code)][_month(day)] += r.count
        first_seen = day if first_seen is None or day < first_seen else first_seen
    history_months = 0 if first_seen is None else (
        (last.year - first_seen.year) * 12 + last.month - first_seen.month + 1)
    short = history_months < FORECAST_SEASON

    def forecast(counts: Counter[date]) -> list[float]:
        if not short:  # seasonal naive: the same month a year earlier
            return [float(counts.get(_add_months(m, -FORECAST_SEASON), 0)) for m in forecast_months]
        recent = [counts.get(_add_months(last, -n), 0) for n in range(min(3, max(history_months, 1)))]
        level = round(sum(recent) / len(recent), 1) if recent else 0.0
        return [level] * 3

    def line(agency: str, code: str, counts: Counter[date]) -> DemandLine:
        values = [counts.get(m, 0) for m in months]
        previous = counts.get(_add_months(last, -1), 0)
        change = (counts.get(last, 0) - previous) / previous if previous else None
        return DemandLine(agency, _name(names.agencies, agency), code,
                          names.procedures.get(code, code) if code else "", values, change, forecast(counts))

    procedures = [line(a, c, counts) for (a, c), counts in history.items()]
    agency_counts: dict[str, Counter[date]] = defaultdict(Counter)
    for (a, _c), counts in history.items():
        agency_counts[a].update(counts)
    agencies = [line(a, "", counts) for a, counts in agency_counts.items()]
    method = (_("seasonal naive: each month of the next quarter = the same month a year earlier") if not short else
              _("history shorter than 12 months: the mean of the last 3 months (not seasonal)"))
    return DemandReport(period, scope, months, forecast_months, method, history_months, short,
                        sorted(agencies, key=lambda d: (d.agency_name, d.agency_id)),
                        sorted(procedures, key=lambda d: (d.agency_name, d.agency_id, d.procedure_code)))


def satisfaction_report(period: Period, scope: ReportScope, facts: Sequence[Any], names: ReportNames) -> SatisfactionReport:
    def rating_line(key: str, name: str, levels: list[int]) -> RatingLine:
        counts = [levels.count(v) for v in range(1, 6)]
        return RatingLine(key, name, counts, round(sum(levels) / len(levels), 2) if levels else None)

    def by(attr: str, lookup: dict[str, str]) -> list[RatingLine]:
        grouped: dict[str, list[int]] = defaultdict(list)
        for f in facts:
            grouped[getattr(f, attr)].append(f.level)
        return sorted((rating_line(k, _name(lookup, k), v) for k, v in grouped.items()), key=lambda r: (r.name, r.key))

    reasons = Counter(" ".join(f.reason.split()) for f in facts if f.reason.strip())
    return SatisfactionReport(
        period, scope, rating_line("", _("All"), [f.level for f in facts]), by("counter_id", names.counters),
        by("staff_id", names.staff), by("procedure_code", {**names.procedures}),
        sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])),
    )


REPORT_NAMES = ("dossiers", "queue", "norms", "demand", "staff", "satisfaction", "effectiveness")


def run_report(service: ReportService, name: str, period: Period, filters: ReportFilters, *, staff_id: str,
               cancelled: Cancelled = None) -> Any:
    """The report called ``name`` (one of ``REPORT_NAMES``, as the CLI and the exports name them)."""
    method = {
        "dossiers": service.dossier_indicators, "queue": service.queue_indicators, "norms": service.service_norms,
        "demand": service.demand, "staff": service.staff_workload, "satisfaction": service.satisfaction,
        "effectiveness": service.effectiveness,
    }.get(name)
    if method is None:
        raise DomainError("report.unknown", name=name)
    return method(period, filters, staff_id=staff_id, cancelled=cancelled)

