"""SQLAlchemy models of the queue: lines, counter assignments, tickets, events, counter state, ratings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.storage.models import Base
from counter_app.storage.types import AwareDateTime


class QueueLineRow(Base):
    """A line (dòng số) of a centre: prefix, daily number range, where the kiosk shows it."""

    __tablename__ = "queue_lines"
    __table_args__ = (
        UniqueConstraint("centre_id", "code"),
        CheckConstraint("first_number >= 0 AND last_number >= first_number", name="number_range"),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id"), index=True)
    code: Mapped[str] = mapped_column(String(3))
    name: Mapped[str] = mapped_column(String(300))
    group_name: Mapped[str] = mapped_column(String(300))
    service: Mapped[str] = mapped_column(String(20))
    first_number: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class QueueCounterLineRow(Base):
    """A counter serves a line with a weight (0 = only when its weighted lines are empty)."""

    __tablename__ = "queue_counter_lines"
    __table_args__ = (CheckConstraint("weight >= 0", name="weight_not_negative"),)
    counter_id: Mapped[str] = mapped_column(ForeignKey("counters.id"), primary_key=True)
    line_id: Mapped[str] = mapped_column(ForeignKey("queue_lines.id"), primary_key=True, index=True)
    weight: Mapped[int] = mapped_column(Integer, default=1)


class QueueCentreRow(Base):
    """Per-centre sequence: every ticket row and event takes the next number (order never uses wall time)."""

    __tablename__ = "queue_centres"
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id"), primary_key=True)
    next_seq: Mapped[int] = mapped_column(Integer, default=1)


class QueueTicketRow(Base):
    """One queue visit; a transfer ends it and a new row (next hop, same number) continues it."""

    __tablename__ = "queue_tickets"
    __table_args__ = (
        # Few indexes on purpose: every index is written by each insert (issue p99 ≤ 10 ms). The two
        # queue indexes are partial: they hold only waiting tickets, so they stay as small as the hall
        # and a call removes one entry. Queries must spell status = 'waiting' literally to use them.
        UniqueConstraint("issued_line_id", "day", "number", "hop"),  # also the day's last number
        Index(
            "ix_queue_tickets_line_queue", "service_day", "line_id", "is_priority", "order_key",
            sqlite_where=text("status = 'waiting'"),
        ),
        Index(
            "ix_queue_tickets_counter_queue", "target_counter_id", "order_key",
            sqlite_where=text("status = 'waiting' AND target_counter_id IS NOT NULL"),
        ),
        Index("ix_queue_tickets_centre_number", "centre_id", "prefix", "number"),
        Index("ix_queue_tickets_centre_day", "centre_id", "day"),
        CheckConstraint("hop >= 0", name="hop_not_negative"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id"))
    line_id: Mapped[str] = mapped_column(ForeignKey("queue_lines.id"))
    issued_line_id: Mapped[str] = mapped_column(ForeignKey("queue_lines.id"))
    prefix: Mapped[str] = mapped_column(String(3))
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(8))
    day: Mapped[date] = mapped_column(Date)
    service_day: Mapped[date] = mapped_column(Date)
    hop: Mapped[int] = mapped_column(Integer, default=0)
    previous_id: Mapped[str | None] = mapped_column(ForeignKey("queue_tickets.id"))
    seq: Mapped[int] = mapped_column(Integer)  # from queue_centres.next_seq, so unique per centre
    order_key: Mapped[int] = mapped_column(Integer)
    priority: Mapped[str] = mapped_column(String(20))
    is_priority: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str | None] = mapped_column(String(20))
    target_counter_id: Mapped[str | None] = mapped_column(ForeignKey("counters.id"))
    counter_id: Mapped[str | None] = mapped_column(ForeignKey("counters.id"))
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    request_key: Mapped[str | None] = mapped_column(String(64), unique=True)  # one kiosk tap, one ticket
    issued_at: Mapped[datetime] = mapped_column(AwareDateTime())
    queued_at: Mapped[datetime] = mapped_column(AwareDateTime())
    called_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    started_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    no_show_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    recalls: Mapped[int] = mapped_column(Integer, default=0)
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    waiting_ahead: Mapped[int] = mapped_column(Integer, default=0)
    estimated_wait_minutes: Mapped[int] = mapped_column(Integer, default=0)
    dossier_code: Mapped[str] = mapped_column(String(64), default="")
    device_id: Mapped[str] = mapped_column(String(36))


class QueueEventRow(Base):
    """Append-only history of the queue: ticket steps, and counter pause/resume (ticket_id empty).

    Keyed by (centre, seq, device) in a WITHOUT ROWID table: one b-tree written per event (events are
    written by every call). The seq is this PC's (queue_centres), so the device is part of the key:
    the events of a centre's several PCs never collide. ``id`` is the event's UUIDv7, carried to the
    server in the outbox op (its identity there).
    """

    __tablename__ = "queue_events"
    __table_args__ = ({"sqlite_with_rowid": False},)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(36))
    ticket_id: Mapped[str | None] = mapped_column(ForeignKey("queue_tickets.id"))  # no index: written per call
    type: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    day: Mapped[date] = mapped_column(Date)
    counter_id: Mapped[str | None] = mapped_column(ForeignKey("counters.id"))
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    data: Mapped[str] = mapped_column(Text, default="{}")  # JSON


class QueueCounterStateRow(Base):
    """What a counter is doing and remembers: current ticket, pause, priority streak, fairness credits."""

    __tablename__ = "queue_counter_state"
    counter_id: Mapped[str] = mapped_column(ForeignKey("counters.id"), primary_key=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id"), index=True)
    # unique: one ticket is never held by two counters, whatever the code above does
    current_ticket_id: Mapped[str | None] = mapped_column(ForeignKey("queue_tickets.id"), unique=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    priority_streak: Mapped[int] = mapped_column(Integer, default=0)
    credits: Mapped[str] = mapped_column(Text, default="{}")  # JSON {line_id: current weight}
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    last_ticket_id: Mapped[str | None] = mapped_column(ForeignKey("queue_tickets.id"))  # finished last
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())


class QueueRatingRow(Base):
    """A citizen's rating of one service (5 levels), tied to ticket, counter, staff and dossier."""

    __tablename__ = "queue_ratings"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
        Index("ix_queue_ratings_centre_at", "centre_id", "at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("queue_tickets.id"), unique=True)
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id"))
    counter_id: Mapped[str | None] = mapped_column(ForeignKey("counters.id"))
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"), index=True)
    dossier_code: Mapped[str] = mapped_column(String(64), default="")
    level: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    device_id: Mapped[str] = mapped_column(String(36))
