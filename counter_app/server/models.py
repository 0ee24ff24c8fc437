"""Tables of the provincial server (its own metadata and Alembic environment, beside the local store's).

Nothing here is kept in process memory: several server processes share one database.

- ``devices``, ``enrolment_codes``: who may push and pull (secrets stored as SHA-256 digests only).
- ``op_log``: every op a device pushed, once per ``op_id``; ``(device_id, device_seq)`` is unique,
  so a device's ops are a gap-free sequence (``devices.last_seq`` is its high-water mark).
- ``rejects``: ops the server would not apply, kept for a supervisor (``counter server rejects``).
- ``push_batches``: the answer to each batch, by its idempotency key.
- ``queue_ticket_events``, ``payments``, ``ratings``: append-only facts rebuilt from the op log.
- ``dossier_status``: what the citizen status page shows (provisional: the newest event by seq;
  the full event-history merge comes with the dossier sync).
- ``records`` and ``changes``: the data that flows down (unit tree, catalog, staff, calendar,
  counters and queue lines); ``changes`` is the pull log read by a cursor (see ``sync.pull``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from counter_app.storage.models import NAMING


class ServerBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class DeviceRecord(ServerBase):
    """An enrolled counter PC: its centre, its token's digest, and its contiguous device_seq."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    centre_id: Mapped[str] = mapped_column(String(64), index=True)
    slot: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # every seq up to here is in op_log


class EnrolmentCode(ServerBase):
    """A one-time code an administrator gives a PC (expires, single use); stored as a digest."""

    __tablename__ = "enrolment_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    centre_id: Mapped[str] = mapped_column(String(64))
    slot: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    device_id: Mapped[str | None] = mapped_column(String(36))


class OpLogRow(ServerBase):
    __tablename__ = "op_log"
    __table_args__ = (UniqueConstraint("device_id", "device_seq"),)
    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    device_seq: Mapped[int] = mapped_column(BigInteger)
    centre_id: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    schema_version: Mapped[str] = mapped_column(String(32))
    hlc: Mapped[str] = mapped_column(String(80))
    result: Mapped[str] = mapped_column(String(10))  # applied | rejected
    batch_id: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RejectRow(ServerBase):
    __tablename__ = "rejects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_id: Mapped[str] = mapped_column(String(36), index=True)
    device_id: Mapped[str] = mapped_column(String(36))
    device_seq: Mapped[int] = mapped_column(BigInteger)
    centre_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    op_json: Mapped[str] = mapped_column(Text)  # the op as it came, whole
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PushBatchRow(ServerBase):
    __tablename__ = "push_batches"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    answer: Mapped[str] = mapped_column(Text)  # JSON of the answer given the first time
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class QueueTicketEventRow(ServerBase):
    __tablename__ = "queue_ticket_events"
    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(64), index=True)
    centre_id: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(36))
    event: Mapped[str] = mapped_column(String(40))
    hlc: Mapped[str] = mapped_column(String(80))
    payload: Mapped[str] = mapped_column(Text)


class PaymentRow(ServerBase):
    __tablename__ = "payments"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    centre_id: Mapped[str] = mapped_column(String(64), index=True)
    device_id: Mapped[str] = mapped_column(String(36))
    receipt: Mapped[str] = mapped_column(String(64))
    dossier_code: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(20))
    paid_at: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)


class RatingRow(ServerBase):
    """Each rating op (created, then possibly updated) as it came; the newest by HLC counts."""

    __tablename__ = "ratings"
    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    rating_id: Mapped[str] = mapped_column(String(64), index=True)
    centre_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer)
    hlc: Mapped[str] = mapped_column(String(80))
    payload: Mapped[str] = mapped_column(Text)


class DossierStatusRow(ServerBase):
    __tablename__ = "dossier_status"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(String(36), unique=True)
    centre_id: Mapped[str] = mapped_column(String(64))
    applicant_name: Mapped[str] = mapped_column(String(200))
    procedure_code: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(40))
    appointment: Mapped[str | None] = mapped_column(String(40))
    event_seq: Mapped[int] = mapped_column(Integer, default=0)


class RecordRow(ServerBase):
    """The current value of one row that flows down (``entity`` is the local table's name)."""

    __tablename__ = "records"
    entity: Mapped[str] = mapped_column(String(50), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    centre_id: Mapped[str | None] = mapped_column(String(64))  # None: every centre receives it
    payload: Mapped[str] = mapped_column(Text)


class ChangeRow(ServerBase):
    """One change that flows down; read in (txid, id) order by the pull cursor."""

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_cursor", "txid", "id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    # PostgreSQL: pg_current_xact_id() of the writing transaction; SQLite: 0 (one writer at a time)
    txid: Mapped[int] = mapped_column(BigInteger, default=0)
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(200))
    centre_id: Mapped[str | None] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(10))  # upsert | delete
    payload: Mapped[str] = mapped_column(Text)
