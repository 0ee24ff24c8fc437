"""Push and pull: the server side of the sync (see docs/SYNC.md).

Push: a device sends its outbox ops in ``device_seq`` order, in batches with an idempotency key.
One transaction per batch, with the device row locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
has one writer at a time): each ``op_id`` is recorded once in ``op_log`` (a replay answers
``duplicate``); the next op must carry ``last_seq + 1``, a later one is a gap, answered and never
skipped over (the rest of the batch waits); an op the server will not apply is answered
``rejected`` with a reason, kept in ``rejects`` for a supervisor, and still takes its seq (it is not
lost, and the ops after it are not held up).

Apply, at this stage: the op log, plus the append-only facts (queue ticket events, payments,
ratings) and the dossier status the citizen page shows. The dossier event-history merge (conflicts
as review items) comes with the dossier sync; its ops are all in ``op_log`` already.

Pull: ``changes`` read by a cursor ``"<txid>.<id>"`` in (txid, id) order.
- PostgreSQL: each change row stores ``pg_current_xact_id()`` of the transaction that wrote it, and a
  pull serves only rows whose txid is below the xmin of its snapshot: every transaction below xmin
  has ended, so no row can later appear before the cursor. A bare serial would skip the row of a
  transaction that took its id first and committed after a reader had passed it.
- SQLite: one writer at a time (``BEGIN IMMEDIATE``), so ids are handed out in commit order and
  txid is 0: the id alone is a safe cursor.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, literal_column, or_, select, text, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from counter_app.domain.errors import DomainError
from counter_app.server.models import (
    ChangeRow,
    DeviceRecord,
    DossierStatusRow,
    OpLogRow,
    PaymentRow,
    PushBatchRow,
    QueueTicketEventRow,
    RatingRow,
    RecordRow,
    RejectRow,
)

_log = logging.getLogger(__name__)
MAX_BATCH = 1000
MAX_PULL = 1000
APPLIED, DUPLICATE, REJECTED, GAP, NOT_APPLIED = "applied", "duplicate", "rejected", "gap", "not_applied"


@functools.cache
def supported_schema_versions() -> frozenset[str]:
    """The local store's schema revisions this server understands (its own migrations' ids)."""
    from alembic.script import ScriptDirectory

    from counter_app.services.resources import migrations_root

    return frozenset(s.revision for s in ScriptDirectory(str(migrations_root())).walk_revisions())


@dataclass(frozen=True)
class Op:
    """One outbox op as pushed (storage/models.py OutboxRow); payload is the JSON text as written."""

    op_id: str
    device_id: str
    device_seq: int
    entity: str
    entity_id: str
    op: str
    payload: str
    schema_version: str
    hlc: str

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def push(session: Session, device: DeviceRecord, batch_id: str, ops: list[Op], now: datetime) -> dict[str, Any]:
    """Record and apply one batch in the caller's transaction; the answer per op (see module doc)."""
    if len(ops) > MAX_BATCH:
        raise DomainError("sync.batch_too_large", limit=MAX_BATCH)
    if any(op.device_id != device.id for op in ops):
        raise DomainError("sync.other_device")
    seqs = [op.device_seq for op in ops]
    if any(b <= a for a, b in zip(seqs, seqs[1:], strict=False)):
        raise DomainError("sync.unordered")
    locked = session.get(DeviceRecord, device.id, with_for_update=True, populate_existing=True)
    if locked is None or locked.revoked_at is not None:
        raise DomainError("server.device_revoked")
    earlier = session.get(PushBatchRow, (device.id, batch_id))
    if earlier is not None:
        answer = json.loads(earlier.answer)
        answer["replayed"] = True
        return answer
    results: list[dict[str, Any]] = []
    gap_at: int | None = None
    for op in ops:
        if gap_at is not None:
            results.append({"op_id": op.op_id, "status": NOT_APPLIED})
            continue
        results.append(_one(session, locked, op, batch_id, now))
        if results[-1]["status"] == GAP:
            gap_at = op.device_seq
    answer: dict[str, Any] = {"batch_id": batch_id, "results": results, "last_seq": locked.last_seq,
                              "expected_seq": locked.last_seq + 1}
    if gap_at is not None:
        answer["gap"] = {"expected_seq": locked.last_seq + 1, "received_seq": gap_at}
    session.add(PushBatchRow(device_id=device.id, batch_id=batch_id, answer=json.dumps(answer), received_at=now))
    session.flush()
    return answer


def _one(session: Session, device: DeviceRecord, op: Op, batch_id: str, now: datetime) -> dict[str, Any]:
    known = session.get(OpLogRow, op.op_id)
    if known is not None:
        if known.device_id == op.device_id and known.device_seq == op.device_seq:
            return {"op_id": op.op_id, "status": DUPLICATE, "first": known.result}
        return _reject(session, device, op, "op_id_conflict", "another op has this op_id", now, consume=False)
    if op.device_seq <= device.last_seq:
        return _reject(session, device, op, "seq_taken",
                       f"device_seq {op.device_seq} already holds another op", now, consume=False)
    if op.device_seq != device.last_seq + 1:
        return {"op_id": op.op_id, "status": GAP, "expected_seq": device.last_seq + 1}
    reason = _refusal(device, op)
    if reason is not None:
        return _reject(session, device, op, reason[0], reason[1], now, consume=True, batch_id=batch_id)
    _log_op(session, device, op, APPLIED, batch_id, now)
    try:
        with session.begin_nested():
            _apply(session, device, op)
    except IntegrityError as exc:
        _log.warning("op %s of device %s conflicts with stored rows: %s", op.op_id, device.id, exc.orig)
        session.execute(update(OpLogRow).where(OpLogRow.op_id == op.op_id).values(result=REJECTED))
        _add_reject(session, device, op, "conflict", "its row exists already with other contents", now)
        device.last_seq = op.device_seq
        return {"op_id": op.op_id, "status": REJECTED, "reason": "conflict"}
    device.last_seq = op.device_seq
    return {"op_id": op.op_id, "status": APPLIED}


def _refusal(device: DeviceRecord, op: Op) -> tuple[str, str] | None:
    if op.schema_version not in supported_schema_versions():
        return "schema_version", f"schema version {op.schema_version!r} is not one this server knows"
    try:
        payload = json.loads(op.payload)
    except ValueError:
        return "bad_payload", "payload is not JSON"
    if not isinstance(payload, dict):
        return "bad_payload", "payload is not a JSON object"
    centres = {payload.get("centre_id")}
    if isinstance(payload.get("ticket"), dict):
        centres.add(payload["ticket"].get("centre_id"))
    centres.discard(None)
    if centres - {device.centre_id}:
        return "other_centre", f"op of centre {sorted(map(str, centres))} from a device of {device.centre_id}"
    missing = [k for k in _REQUIRED.get(op.entity, ()) if k not in payload]
    if missing:
        return "missing_fields", "missing: " + ", ".join(missing)
    return None


_REQUIRED: dict[str, tuple[str, ...]] = {
    "payment": ("receipt", "dossier_code", "amount", "method", "paid_at"),
    "queue_rating": ("level",),
    "dossier": ("code", "applicant_name", "status"),
}


def _apply(session: Session, device: DeviceRecord, op: Op) -> None:
    payload = json.loads(op.payload)
    if op.entity == "queue_ticket":
        session.add(QueueTicketEventRow(op_id=op.op_id, ticket_id=op.entity_id, centre_id=device.centre_id,
                                        device_id=device.id, event=op.op, hlc=op.hlc, payload=op.payload))
    elif op.entity == "payment":
        session.add(PaymentRow(id=op.entity_id, centre_id=device.centre_id, device_id=device.id,
                               receipt=str(payload["receipt"]), dossier_code=str(payload["dossier_code"]),
                               amount=int(payload["amount"]), method=str(payload["method"]),
                               paid_at=str(payload["paid_at"]), payload=op.payload))
    elif op.entity == "queue_rating":
        session.add(RatingRow(op_id=op.op_id, rating_id=op.entity_id, centre_id=device.centre_id,
                              level=int(payload["level"]), hlc=op.hlc, payload=op.payload))
    elif op.entity == "dossier" and op.op == "created":
        if session.get(DossierStatusRow, payload["code"]) is None:
            session.add(DossierStatusRow(
                code=payload["code"], dossier_id=op.entity_id, centre_id=device.centre_id,
                applicant_name=str(payload["applicant_name"]), procedure_code=str(payload.get("procedure_code", "")),
                status=str(payload["status"]), appointment=payload.get("appointment"), event_seq=0))
    elif op.entity == "dossier_event" and isinstance(payload.get("seq"), int) and payload.get("status_after"):
        values: dict[str, Any] = {"status": payload["status_after"], "event_seq": payload["seq"]}
        after = (payload.get("rows") or {}).get("dossiers") or [{}]  # the dossier as the step left it (0014)
        appointment = after[0].get("appointment") if isinstance(after[0], dict) else None
        if appointment or payload.get("appointment"):
            values["appointment"] = appointment or payload["appointment"]
        session.execute(update(DossierStatusRow).where(
            DossierStatusRow.dossier_id == op.entity_id, DossierStatusRow.event_seq < payload["seq"]).values(**values))
    session.flush()


def _log_op(session: Session, device: DeviceRecord, op: Op, result: str, batch_id: str, now: datetime) -> None:
    session.add(OpLogRow(op_id=op.op_id, device_id=op.device_id, device_seq=op.device_seq, centre_id=device.centre_id,
                         entity=op.entity, entity_id=op.entity_id, op=op.op, payload=op.payload,
                         schema_version=op.schema_version, hlc=op.hlc, result=result, batch_id=batch_id,
                         received_at=now))
    session.flush()


def _add_reject(session: Session, device: DeviceRecord, op: Op, reason: str, detail: str, now: datetime) -> None:
    session.add(RejectRow(op_id=op.op_id, device_id=device.id, device_seq=op.device_seq, centre_id=device.centre_id,
                          reason=reason, detail=detail, op_json=json.dumps(op.as_dict(), ensure_ascii=False),
                          received_at=now))


def _reject(session: Session, device: DeviceRecord, op: Op, reason: str, detail: str, now: datetime, *,
            consume: bool, batch_id: str = "") -> dict[str, Any]:
    """Keep the op for review; ``consume``: it is this seq's op (logged once, the seq moves on)."""
    if consume:
        _log_op(session, device, op, REJECTED, batch_id, now)
        device.last_seq = op.device_seq
    _add_reject(session, device, op, reason, detail, now)
    _log.warning("op %s (seq %s) of device %s rejected: %s, %s", op.op_id, op.device_seq, device.id, reason, detail)
    return {"op_id": op.op_id, "status": REJECTED, "reason": reason, "detail": detail}


# --- what flows down ----------------------------------------------------------------------------


def publish(session: Session, entity: str, entity_id: str, centre_id: str | None, payload: dict[str, Any],
            *, postgres: bool) -> bool:
    """Set the current value of a row that flows down and log the change; False when it is unchanged."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    record = session.get(RecordRow, (entity, entity_id))
    if record is not None and record.payload == body and record.centre_id == centre_id:
        return False
    if record is None:
        session.add(RecordRow(entity=entity, entity_id=entity_id, centre_id=centre_id, payload=body))
    else:
        record.payload, record.centre_id = body, centre_id
    txid = literal_column("pg_current_xact_id()::text::bigint") if postgres else 0
    session.execute(insert(ChangeRow).values(txid=txid, entity=entity, entity_id=entity_id, centre_id=centre_id,
                                             op="upsert", payload=body))
    return True


def parse_cursor(cursor: str | None) -> tuple[int, int]:
    if not cursor:
        return (-1, 0)
    head, dot, tail = cursor.partition(".")
    if not dot or not head.isdigit() or not tail.isdigit() or len(cursor) > 41:
        raise DomainError("sync.bad_cursor")
    return (int(head), int(tail))


def format_cursor(position: tuple[int, int]) -> str | None:
    return None if position[0] < 0 else f"{position[0]}.{position[1]}"


def pull(session: Session, device: DeviceRecord, cursor: str | None, limit: int, *, postgres: bool) -> dict[str, Any]:
    """The next changes for ``device`` after ``cursor`` (None: from the start), and the new cursor."""
    position = parse_cursor(cursor)
    limit = max(1, min(limit, MAX_PULL))
    newest = session.execute(
        select(ChangeRow.txid, ChangeRow.id).order_by(ChangeRow.txid.desc(), ChangeRow.id.desc()).limit(1)
    ).first()
    if position[0] >= 0 and (newest is None or position > (newest[0], newest[1])):
        raise DomainError("sync.cursor_unknown")
    query = select(ChangeRow).where(tuple_(ChangeRow.txid, ChangeRow.id) > tuple_(*position))
    if postgres:
        horizon = session.execute(text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")).scalar_one()
        query = query.where(ChangeRow.txid < horizon)
    query = query.where(or_(ChangeRow.centre_id.is_(None), ChangeRow.centre_id == device.centre_id))
    rows = list(session.scalars(query.order_by(ChangeRow.txid, ChangeRow.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        position = (rows[-1].txid, rows[-1].id)
    return {
        "changes": [{"entity": r.entity, "entity_id": r.entity_id, "op": r.op, "payload": json.loads(r.payload)}
                    for r in rows],
        "cursor": format_cursor(position),
        "more": more,
    }


def rejects(session: Session, limit: int = 100) -> list[RejectRow]:
    return list(session.scalars(select(RejectRow).order_by(RejectRow.id.desc()).limit(limit)))


def counts(session: Session) -> dict[str, int]:
    return {name: session.scalar(select(func.count()).select_from(model)) or 0
            for name, model in (("op_log", OpLogRow), ("rejects", RejectRow), ("changes", ChangeRow))}
