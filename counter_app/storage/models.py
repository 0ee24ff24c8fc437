"""SQLAlchemy 2 typed models of the local store (units, catalog, staff, counters, calendar, outbox)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from counter_app.storage.types import AwareDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class DeviceRow(Base):
    """This PC's identity: one row, made on first start."""

    __tablename__ = "device"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slot: Mapped[int] = mapped_column(Integer)  # small number used to hand out sequence leases
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    next_seq: Mapped[int] = mapped_column(Integer, default=1)  # outbox device_seq counter
    next_receipt: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # payment receipts
    # the newest time this store wrote (raised with every outbox op, lowered only by an admin's
    # clock confirmation): a PC clock behind it or far ahead of it stops numbering (issue 9 §1)
    clock_mark: Mapped[datetime | None] = mapped_column(AwareDateTime())
    # the hybrid logical clock of the last outbox op ("<ms>.<counter>"), so stamps never go back
    # across restarts (repositories.next_hlc)
    hlc: Mapped[str | None] = mapped_column(String(24))


class UnitRow(Base):
    __tablename__ = "units"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class CentreRow(Base):
    __tablename__ = "centres"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")


class CentreAgencyRow(Base):
    """Agencies whose dossiers a centre receives."""

    __tablename__ = "centre_agencies"
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id"), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), primary_key=True)


class CounterRow(Base):
    __tablename__ = "counters"
    __table_args__ = (UniqueConstraint("centre_id", "number"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class FieldRow(Base):
    __tablename__ = "fields"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))


class ProcedureRow(Base):
    __tablename__ = "procedures"
    __table_args__ = (
        CheckConstraint("duration_amount >= 0", name="duration_not_negative"),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    field_id: Mapped[str] = mapped_column(ForeignKey("fields.id"), index=True)
    agency_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    level: Mapped[str] = mapped_column(String(20))
    duration_unit: Mapped[str] = mapped_column(String(20))
    duration_amount: Mapped[int] = mapped_column(Integer)
    duration_cutoff: Mapped[str | None] = mapped_column(String(5), nullable=True)  # "15:00", same_working_day only
    channels: Mapped[str] = mapped_column(String(100))  # comma-separated Channel values
    post_dossier: Mapped[bool] = mapped_column(Boolean, default=False)
    post_result: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_in_person: Mapped[bool] = mapped_column(Boolean, default=False)
    result_description: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    catalog_version: Mapped[int] = mapped_column(Integer, default=1)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    # demo data: the code is illustrative, not found in the national database; the guide says "(mẫu)"
    sample: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    components: Mapped[list[ComponentRow]] = relationship(
        order_by="ComponentRow.position", cascade="all, delete-orphan", lazy="raise"
    )
    fees: Mapped[list[FeeRow]] = relationship(
        order_by="FeeRow.position", cascade="all, delete-orphan", lazy="raise"
    )


class ComponentRow(Base):
    __tablename__ = "procedure_components"
    __table_args__ = (UniqueConstraint("procedure_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    procedure_id: Mapped[str] = mapped_column(ForeignKey("procedures.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    originals: Mapped[int] = mapped_column(Integer, default=0)
    certified_copies: Mapped[int] = mapped_column(Integer, default=0)
    photocopies: Mapped[int] = mapped_column(Integer, default=0)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")


class FeeRow(Base):
    __tablename__ = "procedure_fees"
    __table_args__ = (
        UniqueConstraint("procedure_id", "position"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    procedure_id: Mapped[str] = mapped_column(ForeignKey("procedures.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    amount: Mapped[int] = mapped_column(Integer)  # đồng
    kind: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    due: Mapped[str] = mapped_column(String(20), default="before_result", server_default="before_result")


class StaffRow(Base):
    __tablename__ = "staff"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20), default="", server_default="")  # printed on Mẫu 02
    password_hash: Mapped[str] = mapped_column(String(200))
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(AwareDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(AwareDateTime())


class CounterSessionRow(Base):
    """A staff member on duty at a counter (ca trực), from login until logout."""

    __tablename__ = "counter_sessions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"), index=True)
    counter_id: Mapped[str] = mapped_column(ForeignKey("counters.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(36))
    started_at: Mapped[datetime] = mapped_column(AwareDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(AwareDateTime())


class CalendarSettingsRow(Base):
    """Office hours and weekend; centre_id '' is the province default."""

    __tablename__ = "calendar_settings"
    centre_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    office_hours: Mapped[str] = mapped_column(String(200))  # "07:00-11:30,13:30-17:00"
    weekend: Mapped[str] = mapped_column(String(20))  # "5,6"


class CalendarDayRow(Base):
    """A date that differs from the weekly pattern: a day off or an extra working day."""

    __tablename__ = "calendar_days"
    __table_args__ = (CheckConstraint("kind in ('off', 'working')", name="kind_known"),)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(20))  # who decided it: a DayIssuer (law, prime_minister, …)


class SequenceLeaseRow(Base):
    """A block of dossier sequence numbers this device may use (leased in advance)."""

    __tablename__ = "sequence_leases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(String(36), index=True)
    agency_code: Mapped[str] = mapped_column(String(64))
    first: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)


class SequenceCounterRow(Base):
    """Last sequence number used per agency and day on this device."""

    __tablename__ = "sequence_counters"
    agency_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_used: Mapped[int] = mapped_column(Integer)


class OutboxRow(Base):
    """A committed change waiting to be pushed to the centre hub / provincial server."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("device_id", "device_seq"),
        Index("ix_outbox_pending", "pushed_at", "device_seq"),
    )
    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    device_seq: Mapped[int] = mapped_column(Integer)
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(20))
    payload: Mapped[str] = mapped_column(Text)  # JSON
    schema_version: Mapped[str] = mapped_column(String(32))
    hlc: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    pushed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())


# --- dossiers (issue: dossier life cycle) ---------------------------------------------------------


class DossierRow(Base):
    """One application dossier: the registered facts plus its current status (history in events)."""

    __tablename__ = "dossiers"
    __table_args__ = (
        Index("ix_dossiers_applicant_key", "applicant_key"),
        Index("ix_dossiers_id_number", "id_number"),
        Index("ix_dossiers_phone", "phone"),
        Index("ix_dossiers_status_appointment", "status", "appointment"),
        Index("ix_dossiers_centre_received", "centre_id", "received_at"),
        CheckConstraint("sets >= 1", name="sets_positive"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    request_key: Mapped[str] = mapped_column(String(64), unique=True)  # one Save click, one dossier
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id"))
    procedure_id: Mapped[str] = mapped_column(ForeignKey("procedures.id"), index=True)
    procedure_code: Mapped[str] = mapped_column(String(64))
    procedure_name: Mapped[str] = mapped_column(Text)  # as received (catalog may change later)
    catalog_version: Mapped[int] = mapped_column(Integer)
    agency_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    agency_code: Mapped[str] = mapped_column(String(64))
    form_set: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(30))
    applicant_type: Mapped[str] = mapped_column(String(20))
    applicant_name: Mapped[str] = mapped_column(String(300))
    applicant_key: Mapped[str] = mapped_column(String(300))  # accent-free lower case, for search
    id_number: Mapped[str] = mapped_column(String(30), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    province_unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    commune_unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    address_line: Mapped[str] = mapped_column(String(500), default="")
    # The 2025 units of the applicant's address, of any province (official codes and names).
    province_code: Mapped[str] = mapped_column(String(10), default="", server_default="")
    province_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    commune_code: Mapped[str] = mapped_column(String(10), default="", server_default="")
    commune_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    owner_name: Mapped[str] = mapped_column(String(300), default="")
    channel: Mapped[str] = mapped_column(String(20))
    request_summary: Mapped[str] = mapped_column(Text, default="")
    sets: Mapped[int] = mapped_column(Integer, default=1)
    result_delivery: Mapped[str] = mapped_column(String(10))
    delivery_receiver: Mapped[str] = mapped_column(String(300), default="")
    delivery_address: Mapped[str] = mapped_column(String(500), default="")
    delivery_phone: Mapped[str] = mapped_column(String(30), default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # incomplete / refusal / stop reason
    missing_components: Mapped[str] = mapped_column(Text, default="")  # JSON list
    received_at: Mapped[datetime] = mapped_column(AwareDateTime())
    appointment: Mapped[datetime | None] = mapped_column(AwareDateTime())
    original_appointment: Mapped[datetime | None] = mapped_column(AwareDateTime())
    paused_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    supplement_requests: Mapped[int] = mapped_column(Integer, default=0)
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    handover_due: Mapped[date | None] = mapped_column(Date)
    result_ready_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    returned_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    timeliness: Mapped[str] = mapped_column(String(10), default="")
    recipient_name: Mapped[str] = mapped_column(String(300), default="")
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"))
    counter_id: Mapped[str | None] = mapped_column(ForeignKey("counters.id"))
    device_id: Mapped[str] = mapped_column(String(36))
    fee_due: Mapped[int] = mapped_column(Integer, default=0)  # đồng, fees + postal charge
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())


class DossierComponentRow(Base):
    __tablename__ = "dossier_components"
    __table_args__ = (UniqueConstraint("dossier_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    originals: Mapped[int] = mapped_column(Integer, default=0)
    certified_copies: Mapped[int] = mapped_column(Integer, default=0)
    photocopies: Mapped[int] = mapped_column(Integer, default=0)
    provided: Mapped[bool] = mapped_column(Boolean, default=True)


class DossierEventRow(Base):
    """Append-only history of a dossier: never updated, never deleted."""

    __tablename__ = "dossier_events"
    __table_args__ = (UniqueConstraint("dossier_id", "seq"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(30))
    status_after: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    staff_id: Mapped[str] = mapped_column(String(64))
    counter_id: Mapped[str] = mapped_column(String(64), default="")
    device_id: Mapped[str] = mapped_column(String(36))
    data: Mapped[str] = mapped_column(Text, default="{}")  # JSON


class PaymentRow(Base):
    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("total >= 0", name="total_not_negative"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    receipt_number: Mapped[str] = mapped_column(String(40), unique=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    payer_name: Mapped[str] = mapped_column(String(300))
    method: Mapped[str] = mapped_column(String(20))  # cash | transfer
    total: Mapped[int] = mapped_column(Integer)  # đồng
    lines: Mapped[str] = mapped_column(Text)  # JSON [{name, amount}]
    paid_at: Mapped[datetime] = mapped_column(AwareDateTime())
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"), index=True)
    counter_id: Mapped[str | None] = mapped_column(ForeignKey("counters.id"))
    device_id: Mapped[str] = mapped_column(String(36))
    request_key: Mapped[str] = mapped_column(String(64), unique=True)  # idempotency: one click, one payment


class HandoverBatchRow(Base):
    __tablename__ = "handover_batches"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id"))
    agency_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    handed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"))
    receiver_name: Mapped[str] = mapped_column(String(300), default="")


class HandoverItemRow(Base):
    __tablename__ = "handover_items"
    batch_id: Mapped[str] = mapped_column(ForeignKey("handover_batches.id"), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(AwareDateTime())


class PostalItemRow(Base):
    """A result carried home by the public postal service (BCCI)."""

    __tablename__ = "postal_items"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    item_code: Mapped[str] = mapped_column(String(13), unique=True)  # UPU S10
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    receiver_name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(500))
    phone: Mapped[str] = mapped_column(String(30))
    charge: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20))  # sent | delivered | returned
    sent_at: Mapped[datetime] = mapped_column(AwareDateTime())
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())

from counter_app.storage import print_job_models, queue_models, sync_models  # noqa: E402,F401
