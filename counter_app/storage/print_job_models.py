"""The print_jobs table: documents a committed use case owes this PC's printer (migration 0013)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.storage.models import Base
from counter_app.storage.types import AwareDateTime


class PrintJobRow(Base):
    """One document owed to a printer: owed → printed | failed (still owed, with the reason) | cancelled."""

    __tablename__ = "print_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('owed', 'printed', 'failed', 'cancelled')", name="status"),
        Index("ix_print_jobs_device_status", "device", "status", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device: Mapped[str] = mapped_column(String(36))  # the PC whose printer owes it
    kind: Mapped[str] = mapped_column(String(30))  # services.documents.DocumentKind value
    key: Mapped[str] = mapped_column(String(80))  # dossier code, receipt number or batch code
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")  # English, for the log and support
    # why, for the screens (migration 0016): a device.* / print.* message code and its params as JSON
    error_code: Mapped[str] = mapped_column(String(64), default="", server_default="")
    error_params: Mapped[str] = mapped_column(Text, default="", server_default="")
    printed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
