"""The reports' reads (``services/report_port.ReportRepository``): plain SQL through SQLAlchemy Core.

Runs on SQLite (a counter PC) and PostgreSQL (the provincial server). Times are stored as UTC
ISO-8601 text of one fixed shape (``storage/types.AwareDateTime``), so comparing them as text
compares instants on both. The one dialect-specific piece is ``_epoch``: seconds since 1970 of such
a text, ``strftime('%s', …)`` on SQLite and ``EXTRACT(EPOCH FROM …::timestamptz)`` on PostgreSQL;
durations, Vietnam days and hours are integer arithmetic over it, the same on both.

Aggregation happens here where it is a count (one grouped row per centre × agency × field ×
procedure × channel); durations come back per visit as whole seconds for the service's medians.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, bindparam, text
from sqlalchemy.orm import Session

from counter_app.services.report_port import (
    DossierGroupRow,
    DurationRow,
    DutyRow,
    PostalGroupRow,
    QueueFacts,
    RatingFact,
    ReceivedDayRow,
    ReportNames,
    ReportScope,
    ServiceTimeFact,
    StaffActivityRow,
    TicketGroupRow,
)
from counter_app.storage.types import VIETNAM_TIME

VIETNAM_OFFSET_S = 7 * 3600  # Vietnam has no daylight saving time
WAIT_BIN_S = 6  # per-group waiting-time histograms: 6-second bins, read at their middle


def stamp(at: datetime) -> str:
    """An aware datetime as the store keeps it (UTC text), for comparing with stored times."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


class SqlReportRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._dialect = session.get_bind().dialect.name

    # -- helpers ------------------------------------------------------------------------------
    def _epoch(self, column: str) -> str:
        """Whole seconds since 1970 (UTC) of a stored time: the only dialect-specific SQL here."""
        if self._dialect == "postgresql":
            return f"CAST(EXTRACT(EPOCH FROM CAST({column} AS TIMESTAMPTZ)) AS BIGINT)"
        return f"CAST(strftime('%s', {column}) AS INTEGER)"

    def _day_number(self, column: str) -> str:
        """Days since 1970-01-01 in Vietnam time (integer division of whole seconds)."""
        return f"(({self._epoch(column)} + {VIETNAM_OFFSET_S}) / 86400)"

    def _rows(self, sql: str, params: dict[str, Any], *, dates: tuple[str, ...] = ()) -> list[Any]:
        statement = text(sql)
        if dates:
            statement = statement.bindparams(*(bindparam(name, type_=Date) for name in dates))
        return list(self._session.execute(statement, params).all())

    @staticmethod
    def _dossier_scope(scope: ReportScope, params: dict[str, Any], alias: str = "d") -> str:
        where = []
        if scope.centre_id is not None:
            where.append(f"{alias}.centre_id = :centre")
            params["centre"] = scope.centre_id
        if scope.agency_id is not None:
            where.append(f"{alias}.agency_unit_id = :agency")
            params["agency"] = scope.agency_id
        if scope.procedure_code is not None:
            where.append(f"{alias}.procedure_code = :procedure")
            params["procedure"] = scope.procedure_code
        return "".join(f" AND {w}" for w in where)

    # -- dossiers -----------------------------------------------------------------------------
    def dossier_groups(self, start: datetime, end: datetime, scope: ReportScope) -> list[DossierGroupRow]:
        """Dossiers that can count in [start, end): received before its end and either received in it,
        with a result or a return since its start, or without a result (open, stopped, withdrawn); the
        rest had their result before the start and count nowhere (the same figures, fewer rows read)."""
        params: dict[str, Any] = {"s": stamp(start), "e": stamp(end)}
        where = self._dossier_scope(scope, params)

        def first(event: str) -> str:
            return (f"(SELECT MIN(ev.at) FROM dossier_events ev WHERE ev.dossier_id = d.id"
                    f" AND ev.type = '{event}')")

        registered = "x.status NOT IN ('incomplete', 'refused')"
        in_period = "x.end_at >= :s AND x.end_at < :e"
        open_at_end = f"{registered} AND (x.end_at IS NULL OR x.end_at >= :e)"
        paused = "x.sup_at IS NOT NULL AND x.sup_at < :e AND (x.back_at IS NULL OR x.back_at >= :e)"
        released = f"{registered} AND x.rr IS NOT NULL AND {in_period}"
        late = "x.appointment IS NOT NULL AND x.end_at > x.appointment"
        early = f"x.appointment IS NOT NULL AND {self._day_number('x.end_at')} < {self._day_number('x.appointment')}"
        sql = f"""
        WITH base AS (
            SELECT d.id, d.centre_id, d.agency_unit_id, d.procedure_id, d.procedure_code, d.channel, d.status,
                   d.received_at, d.appointment, d.returned_at, d.result_ready_at AS rr_raw,
                   CASE WHEN d.status = 'stopped' THEN {first('stop_requested')}
                        WHEN d.status = 'withdrawn' THEN {first('withdrawn')} END AS closed_raw,
                   CASE WHEN d.supplement_requests > 0 THEN {first('supplement_requested')} END AS sup_at,
                   CASE WHEN d.supplement_requests > 0 THEN {first('supplement_provided')} END AS back_at
            FROM dossiers d
            WHERE d.received_at < :e{where}
              AND (d.received_at >= :s OR d.result_ready_at >= :s OR d.returned_at >= :s
                   OR (d.result_ready_at IS NULL AND d.status NOT IN ('refused', 'incomplete')))
        ), x AS (
            SELECT base.*,
                   CASE WHEN rr_raw < received_at THEN received_at ELSE rr_raw END AS rr,
                   CASE WHEN COALESCE(rr_raw, closed_raw) < received_at THEN received_at
                        ELSE COALESCE(rr_raw, closed_raw) END AS end_at,
                   CASE WHEN COALESCE(rr_raw, closed_raw) < received_at THEN 1 ELSE 0 END AS skewed
            FROM base
        )
        SELECT x.centre_id, x.agency_unit_id, COALESCE(p.field_id, ''), x.procedure_code, x.channel,
          SUM(CASE WHEN {registered} AND x.received_at < :s AND (x.end_at IS NULL OR x.end_at >= :s) THEN 1 ELSE 0 END),
          SUM(CASE WHEN {registered} AND x.received_at >= :s THEN 1 ELSE 0 END),
          SUM(CASE WHEN {released} AND NOT ({late}) AND {early} THEN 1 ELSE 0 END),
          SUM(CASE WHEN {released} AND NOT ({late}) AND NOT ({early}) THEN 1 ELSE 0 END),
          SUM(CASE WHEN {released} AND {late} THEN 1 ELSE 0 END),
          SUM(CASE WHEN x.status = 'stopped' AND x.rr IS NULL AND {in_period} THEN 1 ELSE 0 END),
          SUM(CASE WHEN x.status = 'withdrawn' AND x.rr IS NULL AND {in_period} THEN 1 ELSE 0 END),
          SUM(CASE WHEN {open_at_end} AND NOT ({paused}) AND NOT (x.appointment IS NOT NULL AND x.appointment < :e)
                   THEN 1 ELSE 0 END),
          SUM(CASE WHEN {open_at_end} AND NOT ({paused}) AND x.appointment IS NOT NULL AND x.appointment < :e
                   THEN 1 ELSE 0 END),
          SUM(CASE WHEN {open_at_end} AND {paused} THEN 1 ELSE 0 END),
          SUM(CASE WHEN x.returned_at >= :s AND x.returned_at < :e THEN 1 ELSE 0 END),
          SUM(CASE WHEN x.status = 'refused' AND x.received_at >= :s THEN 1 ELSE 0 END),
          SUM(CASE WHEN x.status = 'incomplete' AND x.received_at >= :s THEN 1 ELSE 0 END),
          SUM(CASE WHEN x.skewed = 1 AND (x.received_at >= :s OR x.end_at >= :s) THEN 1 ELSE 0 END)
        FROM x LEFT JOIN procedures p ON p.id = x.procedure_id
        GROUP BY x.centre_id, x.agency_unit_id, COALESCE(p.field_id, ''), x.procedure_code, x.channel
        """
        rows = []
        for r in self._rows(sql, params):
            counts = [int(v or 0) for v in r[5:]]
            if any(counts):
                rows.append(DossierGroupRow(r[0], r[1], r[2], r[3], r[4], *counts))
        return rows

    def postal_groups(self, start: datetime, end: datetime, scope: ReportScope) -> list[PostalGroupRow]:
        params: dict[str, Any] = {"s": stamp(start), "e": stamp(end)}
        where = self._dossier_scope(scope, params)
        sql = f"""
        SELECT d.centre_id, d.agency_unit_id, COALESCE(p.field_id, ''), d.procedure_code, d.channel,
          SUM(CASE WHEN i.sent_at >= :s AND i.sent_at < :e THEN 1 ELSE 0 END),
          SUM(CASE WHEN i.status = 'delivered' AND i.updated_at >= :s AND i.updated_at < :e THEN 1 ELSE 0 END),
          SUM(CASE WHEN i.status = 'returned' AND i.updated_at >= :s AND i.updated_at < :e THEN 1 ELSE 0 END)
        FROM postal_items i JOIN dossiers d ON d.id = i.dossier_id LEFT JOIN procedures p ON p.id = d.procedure_id
        WHERE i.sent_at < :e AND i.updated_at >= :s{where}
        GROUP BY d.centre_id, d.agency_unit_id, COALESCE(p.field_id, ''), d.procedure_code, d.channel
        """
        return [PostalGroupRow(r[0], r[1], r[2], r[3], r[4], int(r[5] or 0), int(r[6] or 0), int(r[7] or 0))
                for r in self._rows(sql, params)]

    def received_by_day(self, start: datetime, end: datetime, scope: ReportScope) -> list[ReceivedDayRow]:
        params: dict[str, Any] = {"s": stamp(start), "e": stamp(end)}
        where = self._dossier_scope(scope, params)
        day = self._day_number("d.received_at")
        sql = f"""
        SELECT d.agency_unit_id, d.procedure_code, {day}, COUNT(*)
        FROM dossiers d WHERE d.received_at >= :s AND d.received_at < :e{where}
        GROUP BY d.agency_unit_id, d.procedure_code, {day}
        """
        return [ReceivedDayRow(r[0], r[1], int(r[2]), int(r[3])) for r in self._rows(sql, params)]

    # -- queue ---------------------------------------------------------------------------------
    def queue_facts(self, first_day: date, last_day: date, scope: ReportScope, target_wait_s: int) -> QueueFacts:
        """One pass over the period's ticket rows (each time parsed once into a materialized CTE), then the
        groups, the duration histograms and the issue hours from it, in one statement."""
        params: dict[str, Any] = {"d0": first_day, "d1": last_day, "target": target_wait_s, "no": False, "yes": True}
        where = ""
        if scope.centre_id is not None:
            where = " AND t.centre_id = :centre"
            params["centre"] = scope.centre_id
        ep = self._epoch
        called = ep("t.called_at")
        started = ep("t.started_at")
        seconds = "CASE WHEN {0} < 0 THEN 0 ELSE {0} END"
        pad = ", 0, 0, 0, 0, 0, 0, 0, 0, 0"
        # per centre, line and counter: waits in bins of BIN_S seconds (their medians to the tenth of a minute)
        binned = f"({seconds.format('wait')}) / {WAIT_BIN_S} * {WAIT_BIN_S} + {WAIT_BIN_S // 2}"
        sql = f"""
        WITH s AS MATERIALIZED (
            SELECT t.centre_id AS c, t.line_id AS l, COALESCE(t.counter_id, '') AS k, t.hop AS hop,
                   CASE WHEN t.walk_in = :yes THEN 1 ELSE 0 END AS wi, COALESCE(t.outcome, '') AS o,
                   CASE WHEN t.walk_in = :no AND t.called_at IS NOT NULL THEN {called} - {ep('t.queued_at')} END AS wait,
                   CASE WHEN t.walk_in = :no AND t.called_at IS NOT NULL AND t.started_at IS NOT NULL
                        THEN {started} - {called} END AS walk,
                   CASE WHEN t.outcome IN ('served', 'walk_in') AND t.started_at IS NOT NULL AND t.ended_at IS NOT NULL
                        THEN {ep('t.ended_at')} - {started} END AS service,
                   CASE WHEN t.hop = 0 THEN ({ep('t.issued_at')} + {VIETNAM_OFFSET_S}) / 3600 END AS hour
            FROM queue_tickets t WHERE t.day >= :d0 AND t.day <= :d1{where}
        )
        SELECT 'group', c, l, k, 0,
               SUM(CASE WHEN hop = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN hop = 0 AND wi = 1 THEN 1 ELSE 0 END),
               SUM(CASE WHEN o IN ('served', 'walk_in') THEN 1 ELSE 0 END),
               SUM(CASE WHEN o = 'no_show' THEN 1 ELSE 0 END), SUM(CASE WHEN o = 'transferred' THEN 1 ELSE 0 END),
               SUM(CASE WHEN o IN ('removed', 'removed_at_reset') THEN 1 ELSE 0 END),
               SUM(CASE WHEN wait IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN wait <= :target THEN 1 ELSE 0 END),
               SUM(CASE WHEN wait < 0 THEN 1 ELSE 0 END + CASE WHEN walk < 0 THEN 1 ELSE 0 END
                   + CASE WHEN service < 0 THEN 1 ELSE 0 END)
        FROM s GROUP BY c, l, k
        UNION ALL SELECT 'wait', '', '', '', {seconds.format('wait')}, COUNT(*){pad[:-3]}
        FROM s WHERE wait IS NOT NULL GROUP BY {seconds.format('wait')}
        UNION ALL SELECT 'walk', '', '', '', {seconds.format('walk')}, COUNT(*){pad[:-3]}
        FROM s WHERE walk IS NOT NULL GROUP BY {seconds.format('walk')}
        UNION ALL SELECT 'service', '', '', '', {seconds.format('service')}, COUNT(*){pad[:-3]}
        FROM s WHERE service IS NOT NULL GROUP BY {seconds.format('service')}
        UNION ALL SELECT 'wait_group', c, l, k, {binned}, COUNT(*){pad[:-3]}
        FROM s WHERE wait IS NOT NULL GROUP BY c, l, k, {binned}
        UNION ALL SELECT 'hour', '', '', '', hour, COUNT(*){pad[:-3]}
        FROM s WHERE hour IS NOT NULL GROUP BY hour
        """
        groups: list[TicketGroupRow] = []
        durations: list[DurationRow] = []
        issued: list[tuple[int, int]] = []
        for r in self._rows(sql, params, dates=("d0", "d1")):
            if r[0] == "group":
                groups.append(TicketGroupRow(r[1], r[2], r[3], *(int(v or 0) for v in r[5:])))
            elif r[0] == "hour":
                issued.append((int(r[4]), int(r[5])))
            else:
                durations.append(DurationRow(r[0], r[1], r[2], r[3], int(r[4]), int(r[5])))
        return QueueFacts(groups, durations, issued)

    def service_times(self, first_day: date, last_day: date, scope: ReportScope) -> list[ServiceTimeFact]:
        params: dict[str, Any] = {"d0": first_day, "d1": last_day}
        where = self._dossier_scope(scope, params)
        ep = self._epoch
        sql = f"""
        SELECT d.procedure_code, COALESCE(p.field_id, ''),
               CASE WHEN d.received_at >= t.started_at AND d.received_at <= t.ended_at THEN 'intake' ELSE 'return' END,
               {ep('t.ended_at')} - {ep('t.started_at')}
        FROM queue_tickets t JOIN dossiers d ON d.code = t.dossier_code
             LEFT JOIN procedures p ON p.id = d.procedure_id
        WHERE t.day >= :d0 AND t.day <= :d1 AND t.dossier_code <> '' AND t.outcome IN ('served', 'walk_in')
              AND t.started_at IS NOT NULL AND t.ended_at IS NOT NULL{where.replace('d.centre_id', 't.centre_id')}
        """
        return [ServiceTimeFact(r[0], r[1], r[2], int(r[3])) for r in self._rows(sql, params, dates=("d0", "d1"))]

    # -- staff ---------------------------------------------------------------------------------
    def staff_activity(self, start: datetime, end: datetime, scope: ReportScope) -> list[StaffActivityRow]:
        params: dict[str, Any] = {"s": stamp(start), "e": stamp(end),
                                  "d0": start.astimezone(VIETNAM_TIME).date(), "d1": end.astimezone(VIETNAM_TIME).date()}
        centre = ""
        if scope.centre_id is not None:
            centre = " AND {alias}.centre_id = :centre"
            params["centre"] = scope.centre_id
        figures: dict[tuple[str, str], list[int]] = {}

        def add(rows: list[Any], index: int) -> None:
            """Columns from the third on are added to the figures from ``index`` on."""
            for r in rows:
                figure = figures.setdefault((r[0], r[1]), [0] * 8)
                for offset, value in enumerate(r[2:]):
                    figure[index + offset] += int(value or 0)

        add(self._rows(
            "SELECT d.staff_id, d.centre_id, COUNT(*) FROM dossiers d WHERE d.received_at >= :s AND d.received_at < :e"
            + centre.format(alias="d") + " GROUP BY d.staff_id, d.centre_id", params), 0)
        add(self._rows(
            "SELECT ev.staff_id, d.centre_id, COUNT(*) FROM dossier_events ev JOIN dossiers d ON d.id = ev.dossier_id"
            " WHERE d.returned_at >= :s AND d.returned_at < :e AND ev.type IN ('returned', 'postal_sent')"
            " AND ev.at >= :s AND ev.at < :e" + centre.format(alias="d") + " GROUP BY ev.staff_id, d.centre_id",
            params), 1)
        ep = self._epoch
        add(self._rows(
            f"SELECT t.staff_id, t.centre_id, COUNT(*), SUM(CASE WHEN t.started_at IS NOT NULL AND t.ended_at IS NOT NULL"
            f" AND t.ended_at >= t.started_at THEN {ep('t.ended_at')} - {ep('t.started_at')} ELSE 0 END)"
            " FROM queue_tickets t WHERE t.day >= :d0 AND t.day < :d1 AND t.staff_id IS NOT NULL"
            " AND t.outcome IN ('served', 'walk_in')" + centre.format(alias="t") + " GROUP BY t.staff_id, t.centre_id",
            params, dates=("d0", "d1")), 2)
        add(self._rows(
            "SELECT r.staff_id, r.centre_id, COUNT(*), SUM(r.level) FROM queue_ratings r WHERE r.at >= :s AND r.at < :e"
            " AND r.staff_id IS NOT NULL" + centre.format(alias="r") + " GROUP BY r.staff_id, r.centre_id", params), 4)
        add(self._rows(
            "SELECT pm.staff_id, d.centre_id, SUM(pm.total) FROM payments pm JOIN dossiers d ON d.id = pm.dossier_id"
            " WHERE pm.paid_at >= :s AND pm.paid_at < :e AND pm.method = 'cash'" + centre.format(alias="d")
            + " GROUP BY pm.staff_id, d.centre_id", params), 6)
        return [StaffActivityRow(staff, centre_id, f[0], f[1], f[2], f[3], f[4], f[5], f[6])
                for (staff, centre_id), f in sorted(figures.items())]

    def duty_periods(self, start: datetime, end: datetime, scope: ReportScope) -> list[DutyRow]:
        params: dict[str, Any] = {"s": stamp(start), "e": stamp(end)}
        where = ""
        if scope.centre_id is not None:
            where = " AND c.centre_id = :centre"
            params["centre"] = scope.centre_id
        sql = ("SELECT cs.staff_id, c.centre_id, cs.counter_id, cs.started_at, cs.ended_at"
               " FROM counter_sessions cs JOIN counters c ON c.id = cs.counter_id"
               " WHERE cs.started_at < :e AND (cs.ended_at IS NULL OR cs.ended_at >= :s)" + where
               + " ORDER BY cs.started_at")
        return [DutyRow(r[0], r[1], r[2], _aware(r[3]), _aware(r[4]) if r[4] else None) for r in self._rows(sql, params)]

    def ratings(self, start: datetime, end: datetime, scope: ReportScope) -> list[RatingFact]:
        params: dict[str, Any] = {"s": stamp(start), "e": stamp(end)}
        where = ""
        if scope.centre_id is not None:
            where = " AND r.centre_id = :centre"
            params["centre"] = scope.centre_id
        if scope.procedure_code is not None:
            where += " AND d.procedure_code = :procedure"
            params["procedure"] = scope.procedure_code
        if scope.agency_id is not None:
            where += " AND d.agency_unit_id = :agency"
            params["agency"] = scope.agency_id
        sql = ("SELECT r.centre_id, COALESCE(r.counter_id, ''), COALESCE(r.staff_id, ''), COALESCE(d.procedure_code, ''),"
               " r.level, r.reason FROM queue_ratings r LEFT JOIN dossiers d ON d.code = r.dossier_code AND r.dossier_code <> ''"
               " WHERE r.at >= :s AND r.at < :e" + where)
        return [RatingFact(r[0], r[1], r[2], r[3], int(r[4]), r[5] or "") for r in self._rows(sql, params)]

    # -- names -----------------------------------------------------------------------------------
    def names(self, procedure_codes: frozenset[str] = frozenset()) -> ReportNames:
        def pairs(sql: str) -> dict[str, str]:
            return {r[0]: r[1] for r in self._rows(sql, {})}

        procedures = pairs("SELECT code, name FROM procedures")
        for code in sorted(procedure_codes):
            if code not in procedures:  # left the catalog: the latest name it was received under
                latest = self._rows("SELECT procedure_name FROM dossiers WHERE procedure_code = :c"
                                    " ORDER BY received_at DESC LIMIT 1", {"c": code})
                procedures[code] = latest[0][0] if latest else code
        return ReportNames(
            centres=pairs("SELECT id, name FROM centres"),
            agencies=pairs("SELECT id, COALESCE(NULLIF(short_name, ''), name) FROM units"),
            fields=pairs("SELECT id, name FROM fields"),
            procedures=procedures,
            staff=pairs("SELECT id, full_name FROM staff"),
            counters=pairs("SELECT id, name FROM counters"),
            lines=pairs("SELECT id, name FROM queue_lines"),
            staff_centre=pairs("SELECT id, centre_id FROM staff"),
        )


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _aware(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).astimezone(VIETNAM_TIME)
