"""outbox complete: ops carry their rows, the clock stamp is kept, queue events keyed with the device

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

- device.hlc: the hybrid logical clock of the last op, so stamps never go back across restarts
  (it was a process global); starts from the newest stamp in the outbox.
- queue_events is keyed by (centre, seq, device): the seq is per PC, and a centre has several PCs.
- Ops written by older versions are upgraded once (issue 12): an op not pushed yet gets the rows it
  is about, as they stand now (``payload["rows"]``, storage/outbox_rows.py) and this schema version;
  for an op already pushed, a new op ``resnapshot`` (next device_seq) carries them instead. No op
  is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from counter_app.storage.ids import new_id
from counter_app.storage.outbox_rows import carries_rows, rows_for
from counter_app.storage.repositories import next_hlc

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EVENT_COLUMNS = "centre_id, seq, id, ticket_id, type, at, day, counter_id, staff_id, device_id, data"


def _queue_events(with_device_in_key: bool) -> None:
    op.create_table(
        "queue_events_new",
        sa.Column("centre_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=True),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("counter_id", sa.String(length=64), nullable=True),
        sa.Column("staff_id", sa.String(length=64), nullable=True),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"], name="fk_queue_events_centre_id_centres"),
        sa.ForeignKeyConstraint(["counter_id"], ["counters.id"], name="fk_queue_events_counter_id_counters"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name="fk_queue_events_staff_id_staff"),
        sa.ForeignKeyConstraint(["ticket_id"], ["queue_tickets.id"], name="fk_queue_events_ticket_id_queue_tickets"),
        sa.PrimaryKeyConstraint(*(("centre_id", "seq", "device_id") if with_device_in_key else ("centre_id", "seq")),
                                name="pk_queue_events"),
        sqlite_with_rowid=False,
    )
    op.execute(f"INSERT INTO queue_events_new ({_EVENT_COLUMNS}) SELECT {_EVENT_COLUMNS} FROM queue_events")
    op.drop_table("queue_events")
    op.rename_table("queue_events_new", "queue_events")


def _upgrade_ops(conn: sa.Connection) -> None:
    device = conn.execute(sa.text("SELECT id, next_seq, hlc FROM device LIMIT 1")).first()
    if device is None:
        return
    device_id, next_seq, stamp = str(device[0]), int(device[1]), device[2]
    old = conn.execute(sa.text(
        "SELECT op_id, entity, entity_id, payload, pushed_at FROM outbox WHERE schema_version != :v ORDER BY device_seq"
    ), {"v": revision}).all()
    done = {r[0] for r in conn.execute(sa.text(
        "SELECT json_extract(payload, '$.of_op') FROM outbox WHERE op = 'resnapshot'"))}  # (a re-run upgrade)
    now = datetime.now(UTC)
    for op_id, entity, entity_id, body, pushed_at in old:
        payload = json.loads(body)
        if not carries_rows(entity) or "rows" in payload or op_id in done:
            continue
        rows = rows_for(conn, entity, entity_id, payload, device_id)
        if pushed_at is None:
            conn.execute(sa.text("UPDATE outbox SET payload = :p, schema_version = :v WHERE op_id = :id"), {
                "p": json.dumps({**payload, "rows": rows}, ensure_ascii=False, sort_keys=True, default=str),
                "v": revision, "id": op_id})
            continue
        stamp = next_hlc(stamp, now)
        conn.execute(sa.text(
            "INSERT INTO outbox (op_id, device_id, device_seq, entity, entity_id, op, payload, schema_version, hlc,"
            " created_at) VALUES (:op_id, :device, :seq, :entity, :entity_id, 'resnapshot', :payload, :v, :hlc, :at)"
        ), {"op_id": new_id(), "device": device_id, "seq": next_seq, "entity": entity, "entity_id": entity_id,
            "payload": json.dumps({"of_op": op_id, "rows": rows}, ensure_ascii=False, sort_keys=True, default=str),
            "v": revision, "hlc": f"{stamp}.{device_id}", "at": now.isoformat(timespec="microseconds")})
        next_seq += 1
    conn.execute(sa.text("UPDATE device SET next_seq = :n, hlc = :h WHERE id = :id"),
                 {"n": next_seq, "h": stamp, "id": device_id})


def upgrade() -> None:
    conn = op.get_bind()
    if "hlc" not in {c["name"] for c in sa.inspect(conn).get_columns("device")}:
        with op.batch_alter_table("device", schema=None) as batch_op:
            batch_op.add_column(sa.Column("hlc", sa.String(length=24), nullable=True))
    # the newest stamp written ("<13-digit ms>.<5-digit counter>.<device>" → "<ms>.<counter>")
    op.execute("UPDATE device SET hlc = (SELECT substr(max(hlc), 1, 19) FROM outbox) WHERE hlc IS NULL")
    if sa.inspect(conn).get_pk_constraint("queue_events")["constrained_columns"] == ["centre_id", "seq"]:
        _queue_events(with_device_in_key=True)
    _upgrade_ops(conn)


def downgrade() -> None:
    _queue_events(with_device_in_key=False)
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("hlc")
