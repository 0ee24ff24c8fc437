"""The rows an outbox op carries, and rebuilding a store from them (docs/SYNC.md, "Op formats").

Every op about a row that leaves the PC carries, under ``payload["rows"]``, those rows exactly as
the store holds them once the op's step is done: ``{table: [{column: value, …}, …]}`` with the
stored values (times as UTC ISO-8601 text, days as ``YYYY-MM-DD``, booleans as 0/1, JSON columns as
their text). Applying the ops' rows in ``device_seq`` order to an empty store (``apply_rows``)
gives back the same rows, table by table; the test in tests/integration/test_outbox_rebuild.py
holds it to that.

Plain SQL over a Connection, so the migration that upgrades older ops (0014) reads rows the same
way the running app does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection, text

Rows = dict[str, list[dict[str, Any]]]

# The tables whose rows leave the PC (the others are this PC's own: print jobs, counter state …),
# in an order that satisfies their foreign keys when applied.
SYNCED_TABLES = (
    "dossiers", "dossier_components", "dossier_events", "payments", "handover_batches", "handover_items",
    "postal_items", "counter_sessions", "queue_tickets", "queue_events", "queue_ratings",
)


def _select(conn: Connection, table: str, where: str, params: Mapping[str, Any], order: str = "") -> list[dict[str, Any]]:
    sql = f"SELECT * FROM {table} WHERE {where}" + (f" ORDER BY {order}" if order else "")  # names are ours
    return [dict(r._mapping) for r in conn.execute(text(sql), dict(params))]


def _dossier(conn: Connection, entity_id: str, payload: Mapping[str, Any], device_id: str) -> Rows:
    """A new dossier: the dossier, its components and its history so far (the intake event)."""
    key = {"id": entity_id}
    return {"dossiers": _select(conn, "dossiers", "id = :id", key),
            "dossier_components": _select(conn, "dossier_components", "dossier_id = :id", key, "position"),
            "dossier_events": _select(conn, "dossier_events", "dossier_id = :id", key, "seq"),
            "postal_items": _select(conn, "postal_items", "dossier_id = :id", key, "sent_at")}


def _dossier_event(conn: Connection, entity_id: str, payload: Mapping[str, Any], device_id: str) -> Rows:
    """One step: the event, the dossier as the step left it, and its postal items (receiver, address)."""
    key = {"id": entity_id}
    rows: Rows = {"dossiers": _select(conn, "dossiers", "id = :id", key)}
    if isinstance(payload.get("seq"), int):
        rows["dossier_events"] = _select(conn, "dossier_events", "dossier_id = :id AND seq = :seq",
                                         {"id": entity_id, "seq": payload["seq"]})
    else:  # an op of an older version without its seq: the whole history
        rows["dossier_events"] = _select(conn, "dossier_events", "dossier_id = :id", key, "seq")
    postal = _select(conn, "postal_items", "dossier_id = :id", key, "sent_at")
    if postal:
        rows["postal_items"] = postal
    return rows


def _by_id(table: str) -> Callable[[Connection, str, Mapping[str, Any], str], Rows]:
    def rows(conn: Connection, entity_id: str, payload: Mapping[str, Any], device_id: str) -> Rows:
        return {table: _select(conn, table, "id = :id", {"id": entity_id})}
    return rows


def _batch(conn: Connection, entity_id: str, payload: Mapping[str, Any], device_id: str) -> Rows:
    key = {"id": entity_id}
    return {"handover_batches": _select(conn, "handover_batches", "id = :id", key),
            "handover_items": _select(conn, "handover_items", "batch_id = :id", key, "dossier_id")}


def _queue_event(conn: Connection, payload: Mapping[str, Any], device_id: str) -> list[dict[str, Any]]:
    centre = payload.get("centre_id") or (payload.get("ticket") or {}).get("centre_id")
    if centre and isinstance(payload.get("event_seq"), int):
        return _select(conn, "queue_events", "centre_id = :c AND seq = :s AND device_id = :d",
                       {"c": centre, "s": payload["event_seq"], "d": device_id})
    if payload.get("event_id"):
        return _select(conn, "queue_events", "id = :id", {"id": payload["event_id"]})
    return []


def _queue_ticket(conn: Connection, entity_id: str, payload: Mapping[str, Any], device_id: str) -> Rows:
    """A ticket's step: the ticket as the step left it, and the event."""
    return {"queue_tickets": _select(conn, "queue_tickets", "id = :id", {"id": entity_id}),
            "queue_events": _queue_event(conn, payload, device_id)}


def _queue_counter(conn: Connection, entity_id: str, payload: Mapping[str, Any], device_id: str) -> Rows:
    return {"queue_events": _queue_event(conn, payload, device_id)}


ROWS_OF: dict[str, Callable[[Connection, str, Mapping[str, Any], str], Rows]] = {
    "dossier": _dossier,
    "dossier_event": _dossier_event,
    "payment": _by_id("payments"),
    "handover_batch": _batch,
    "counter_session": _by_id("counter_sessions"),
    "queue_ticket": _queue_ticket,
    "queue_counter": _queue_counter,
    "queue_rating": _by_id("queue_ratings"),
}


def carries_rows(entity: str) -> bool:
    return entity in ROWS_OF


def rows_for(conn: Connection, entity: str, entity_id: str, payload: Mapping[str, Any], device_id: str) -> Rows:
    """The rows an op about ``entity``/``entity_id`` carries, read now; tables with no row left out."""
    found = ROWS_OF[entity](conn, entity_id, payload, device_id)
    return {table: rows for table, rows in found.items() if rows}


def apply_rows(conn: Connection, rows: Mapping[str, list[Mapping[str, Any]]]) -> int:
    """Put the rows in the store as they are (insert, or replace the row with the same key); how many."""
    unknown = set(rows) - set(SYNCED_TABLES)
    if unknown:
        raise ValueError(f"rows of tables that do not leave the PC: {sorted(unknown)}")
    done = 0
    for table in SYNCED_TABLES:
        if not rows.get(table):
            continue
        key = _key(conn, table)
        for row in rows[table]:
            names = list(row)
            rest = [n for n in names if n not in key]
            # an upsert on the key, never INSERT OR REPLACE: a replaced dossier would cascade-delete its components
            conn.execute(text(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})"
                f" ON CONFLICT ({', '.join(key)}) DO "
                + (f"UPDATE SET {', '.join(f'{n} = excluded.{n}' for n in rest)}" if rest else "NOTHING")
            ), dict(row))
            done += 1
    return done


def _key(conn: Connection, table: str) -> list[str]:
    info = conn.execute(text(f"PRAGMA table_info({table})")).all()
    return [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
