"""The reports as documents: titled tables of typed cells and charts, what every export renders.

``printing/report_export.py`` turns a ``ReportDocument`` into PDF, Excel or CSV; a Reports screen can
show the same tables. Cells keep their types (int, float, date, None for "no data"), so Excel gets
real numbers and dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from counter_app.services.i18n import _
from counter_app.services.reports import (
    DemandReport,
    DossierFigures,
    DossierReport,
    EffectivenessFigures,
    EffectivenessReport,
    NormsReport,
    QueueReport,
    RatingLine,
    SatisfactionReport,
    StaffReport,
)

TEXT, INT, FLOAT, PERCENT, DATE = "text", "int", "float", "percent", "date"


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    kind: str = INT


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    total: list[Any] | None = None


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    kind: str  # bar | line | heat
    labels: list[str]
    series: list[tuple[str, Sequence[float]]]
    row_labels: list[str] = field(default_factory=list)  # heat: one series per row


@dataclass(frozen=True, slots=True)
class ReportDocument:
    name: str
    title: str
    period: tuple[date, date]
    unit: str
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    one_page: bool = False


def _unit(report: Any, names: dict[str, str] | None = None) -> str:
    centre = report.scope.centre_id
    if centre is None:
        return _("All centres")
    return (names or {}).get(centre, centre)


def _dossier_row(name: str, f: DossierFigures) -> list[Any]:
    return [name, f.carried_over, f.received, f.received_in_person, f.received_by_post, f.received_online,
            f.early, f.on_time, f.late, f.open_undue, f.open_overdue, f.paused, f.stopped, f.withdrawn,
            f.returned, f.refused, f.on_time_rate]


def _dossier_columns(first: str) -> list[Column]:
    return [Column(first, TEXT), Column(_("Carried over")), Column(_("Received")), Column(_("In person")),
            Column(_("By post")), Column(_("Online")), Column(_("Early")), Column(_("On time")), Column(_("Late")),
            Column(_("In progress, within deadline")), Column(_("In progress, past deadline")),
            Column(_("Paused (supplement)")), Column(_("Stopped")), Column(_("Withdrawn")), Column(_("Returned")),
            Column(_("Refused")), Column(_("On-time rate"), PERCENT)]


def dossiers_document(report: DossierReport) -> ReportDocument:
    titles = {"centre": _("Centre"), "agency": _("Agency"), "field": _("Field"), "procedure": _("Procedure"),
              "channel": _("Channel")}
    tables = [Table(_("Dossiers by {dimension}").format(dimension=titles[d].lower()), _dossier_columns(titles[d]),
                    [_dossier_row(line.name, line.figures) for line in lines],
                    _dossier_row(_("Total"), report.total))
              for d, lines in report.breakdowns.items() if d != "channel"]
    t = report.total
    tables.append(Table(_("Results sent home by post"), [Column(_("Agency"), TEXT), Column(_("Sent")),
                                                        Column(_("Delivered")), Column(_("Returned to sender"))],
                        [[line.name, line.figures.postal_sent, line.figures.postal_delivered,
                          line.figures.postal_returned] for line in report.breakdowns["agency"]],
                        [_("Total"), t.postal_sent, t.postal_delivered, t.postal_returned]))
    notes = [_("On-time rate = (early + on time) / released; “no data” when nothing was released.")]
    if t.refused or t.incomplete:
        notes.append(_("Not registered at intake: {refused} refused (Mẫu 03), {incomplete} incomplete (Mẫu 02).").format(
            refused=t.refused, incomplete=t.incomplete))
    if t.skewed:
        notes.append(_("{n} records were stamped before their receipt (a PC clock behind); they are counted as "
                       "finished at receipt.").format(n=t.skewed))
    chart = Chart(_("Dossiers by agency"), "bar", [line.name for line in report.breakdowns["agency"]][:12],
                  [(_("Received"), [line.figures.received for line in report.breakdowns["agency"]][:12]),
                   (_("Released"), [line.figures.released for line in report.breakdowns["agency"]][:12])])
    return ReportDocument("dossiers", _("Dossier handling at the one-stop section"),
                          (report.period.start, report.period.end), _unit(report, report.names.centres),
                          tables, [chart], notes)


def queue_document(report: QueueReport) -> ReportDocument:
    summary = Table(_("Queue"), [Column(_("Indicator"), TEXT), Column(_("Value"), FLOAT)], [
        [_("Visits"), report.visits], [_("Tickets issued"), report.tickets], [_("Walk-ins"), report.walk_ins],
        [_("Served"), report.served], [_("No-shows"), report.no_show], [_("Transferred"), report.transferred],
        [_("Median wait (minutes)"), report.wait.median_minutes], [_("p90 wait (minutes)"), report.wait.p90_minutes],
        [_("Median walk to the counter (minutes)"), report.walk.median_minutes],
        [_("Median service (minutes)"), report.service.median_minutes],
        [_("p90 service (minutes)"), report.service.p90_minutes],
        [_("Service level (called within {n} minutes)").format(n=report.target_wait_minutes), report.service_level],
        [_("No-show share"), report.no_show_share],
    ])
    buckets = Table(_("Waiting and service time"), [Column(_("Minutes"), TEXT), Column(_("Waiting")),
                                                    Column(_("Service"))],
                    [[label, report.wait.buckets[label], report.service.buckets[label]] for label in report.wait.buckets],
                    [_("Total"), report.wait.count, report.service.count])
    columns = [Column(_("Name"), TEXT), Column(_("Visits")), Column(_("Served")), Column(_("No-shows")),
               Column(_("Median wait (minutes)"), FLOAT)]
    lines = [Table(title, columns, [[q.name, q.visits, q.served, q.no_show, q.median_wait_minutes] for q in rows])
             for title, rows in ((_("By centre"), report.by_centre), (_("By line"), report.by_line),
                                 (_("By counter"), report.by_counter))]
    days = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    heat = Table(_("Visits by hour and weekday"), [Column(_("Day"), TEXT)] + [Column(f"{h}h") for h in range(6, 20)],
                 [[days[d]] + report.heat_map[d][6:20] for d in range(7)])
    charts = [
        Chart(_("Waiting time (visits per 3 minutes)"), "bar", list(report.wait.buckets),
              [(_("Waiting"), list(report.wait.buckets.values()))]),
        Chart(_("Visits by hour and weekday"), "heat", [f"{h}h" for h in range(6, 20)],
              [(days[d], [float(v) for v in report.heat_map[d][6:20]]) for d in range(7)], days),
    ]
    notes = []
    if report.skewed:
        notes.append(_("{n} times were negative (a PC clock changed during a visit) and are counted as 0.").format(
            n=report.skewed))
    return ReportDocument("queue", _("Queue at the one-stop section"), (report.period.start, report.period.end),
                          _unit(report), [summary, buckets, heat, *lines], charts, notes)


def norms_document(report: NormsReport) -> ReportDocument:
    columns = [Column(_("Service group"), TEXT), Column(_("Code"), TEXT), Column(_("Procedure"), TEXT),
               Column(_("Step"), TEXT), Column(_("Sample")), Column(_("Median (minutes)"), FLOAT),
               Column(_("p90 (minutes)"), FLOAT), Column(_("Suggested norm (minutes)")),
               Column(_("Uncertain"), TEXT)]

    def row(n: Any) -> list[Any]:
        return [n.field_name, n.procedure_code, n.procedure_name, _("Intake") if n.kind == "intake" else _("Return"),
                n.sample, n.median_minutes, n.p90_minutes, n.norm_minutes, _("few measurements") if n.uncertain else ""]

    return ReportDocument(
        "norms", _("Catalog of services with their counter-time norms"), (report.period.start, report.period.end),
        _unit(report), [Table(_("By procedure"), columns, [row(n) for n in report.procedures]),
                        Table(_("By service group"), columns, [row(n) for n in report.groups])], [], [report.rule])


def demand_document(report: DemandReport) -> ReportDocument:
    months = [m.strftime("%m/%Y") for m in report.months]
    ahead = [m.strftime("%m/%Y") for m in report.forecast_months]
    columns = ([Column(_("Agency"), TEXT), Column(_("Procedure"), TEXT)] + [Column(m) for m in months]
               + [Column(_("Change"), PERCENT)] + [Column(_("Forecast {month}").format(month=m), FLOAT) for m in ahead])

    def row(d: Any) -> list[Any]:
        return [d.agency_name, d.procedure_name, *d.months, d.change, *d.forecast]

    total: list[Any] = [_("Total"), ""] + [sum(d.months[i] for d in report.agencies) for i in range(len(months))] + [None] + [
        round(sum(d.forecast[i] for d in report.agencies), 1) for i in range(3)]
    notes = [_("Forecast: {method}.").format(method=report.method)]
    if report.short_history:
        notes.append(_("Only {n} months of history: the forecast is uncertain.").format(n=report.history_months))
    chart = Chart(_("Dossiers received per month"), "line", months + ahead,
                  [(_("Received"), [float(sum(d.months[i] for d in report.agencies)) for i in range(len(months))]),
                   (_("Forecast"), [float("nan")] * (len(months) - 1)
                    + [float(total[1 + len(months)]) if months else 0.0] + [float(v) for v in total[-3:]])])
    return ReportDocument("demand", _("Demand per agency"), (report.period.start, report.period.end), _unit(report),
                          [Table(_("By agency"), columns, [row(d) for d in report.agencies], total),
                           Table(_("By procedure"), columns, [row(d) for d in report.procedures])], [chart], notes)


def staff_document(report: StaffReport) -> ReportDocument:
    columns = [Column(_("Staff member"), TEXT), Column(_("Centre"), TEXT), Column(_("On duty now at"), TEXT),
               Column(_("Duty hours"), FLOAT), Column(_("Dossiers received")), Column(_("Results returned")),
               Column(_("Tickets served")), Column(_("Average service (minutes)"), FLOAT), Column(_("Ratings")),
               Column(_("Average rating"), FLOAT), Column(_("Cash collected (đồng)"))]

    def row(s: Any) -> list[Any]:
        return [s.name, s.centre_name, s.on_duty_at, s.duty_hours, s.dossiers_received, s.dossiers_returned,
                s.tickets_served, s.average_service_minutes, s.ratings, s.average_rating, s.cash_collected]

    return ReportDocument("staff", _("Staff on duty and workload"), (report.period.start, report.period.end),
                          _unit(report), [Table(_("Workload"), columns, [row(s) for s in report.lines], row(report.total))],
                          [Chart(_("Tickets served per staff member"), "bar", [s.name for s in report.lines][:15],
                                 [(_("Tickets served"), [s.tickets_served for s in report.lines][:15])])])


def satisfaction_document(report: SatisfactionReport) -> ReportDocument:
    columns = [Column(_("Name"), TEXT), Column(_("Very dissatisfied")), Column(_("Dissatisfied")),
               Column(_("Neutral")), Column(_("Satisfied")), Column(_("Very satisfied")), Column(_("Ratings")),
               Column(_("Average"), FLOAT)]

    def row(r: RatingLine) -> list[Any]:
        return [r.name, *r.levels, r.count, r.average]

    tables = [Table(title, columns, [row(r) for r in lines], row(report.total))
              for title, lines in ((_("By counter"), report.by_counter), (_("By staff member"), report.by_staff),
                                   (_("By procedure"), report.by_procedure))]
    tables.append(Table(_("Reasons given"), [Column(_("Reason"), TEXT), Column(_("Times"))],
                        [[reason, n] for reason, n in report.reasons]))
    chart = Chart(_("Ratings"), "bar", [_("Very dissatisfied"), _("Dissatisfied"), _("Neutral"), _("Satisfied"),
                                        _("Very satisfied")], [(_("Ratings"), list(report.total.levels))])
    return ReportDocument("satisfaction", _("Citizens' satisfaction"), (report.period.start, report.period.end),
                          _unit(report), tables, [chart])


def effectiveness_document(report: EffectivenessReport) -> ReportDocument:
    columns = [Column(_("Unit"), TEXT), Column(_("Period"), TEXT), Column(_("Received")), Column(_("Returned")),
               Column(_("Handled by postal staff")), Column(_("Civil-servant hours freed"), FLOAT),
               Column(_("Results by post"), PERCENT), Column(_("On-time rate"), PERCENT), Column(_("Online"), PERCENT),
               Column(_("Average rating"), FLOAT), Column(_("Satisfied"), PERCENT)]

    def row(name: str, label: str, f: EffectivenessFigures) -> list[Any]:
        return [name, label, f.received, f.returned, f.handled_by_postal_staff, f.hours_freed, f.postal_share,
                f.on_time_rate, f.online_share, f.average_rating, f.satisfied_share]

    rows = []
    for line in [*report.units, report.total]:
        rows.append(row(line.name, _("this period"), line.now))
        if line.before is not None:
            rows.append(row("", _("period before"), line.before))
    t = report.total
    chart = Chart(_("Before and after"), "bar", [_("Received"), _("Returned"), _("By post")],
                  [(_("period before"), [float(v) for v in ((t.before.received, t.before.returned, t.before.postal_sent)
                                                            if t.before else (0, 0, 0))]),
                   (_("this period"), [float(t.now.received), float(t.now.returned), float(t.now.postal_sent)])])
    before = report.before_period
    notes = [_("Period before: {start} – {end}.").format(start=before.start.strftime("%d/%m/%Y"),
                                                         end=before.end.strftime("%d/%m/%Y")),
             _("Hours freed = dossiers received × intake norm + results returned × return norm."), report.norm_rule]
    return ReportDocument("effectiveness", _("Effectiveness of the pilot: the one-stop section run by postal staff"),
                          (report.period.start, report.period.end),
                          report.units[0].name if report.scope.centre_id and report.units else _unit(report),
                          [Table(_("Summary per unit"), columns, rows)], [chart], notes, one_page=True)


BUILDERS = {
    "dossiers": dossiers_document, "queue": queue_document, "norms": norms_document, "demand": demand_document,
    "staff": staff_document, "satisfaction": satisfaction_document, "effectiveness": effectiveness_document,
}


def document_of(name: str, report: Any) -> ReportDocument:
    return BUILDERS[name](report)  # type: ignore[operator]
