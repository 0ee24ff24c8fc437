"""The sync_link table: this PC's enrolment on the provincial server and its sync state (migration 0015)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from counter_app.storage.models import Base
from counter_app.storage.types import AwareDateTime


class SyncLinkRow(Base):
    """One row once the PC is enrolled. ``token`` is secret: never logged, never printed."""

    __tablename__ = "sync_link"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    server_url: Mapped[str] = mapped_column(String(500))
    device_id: Mapped[str] = mapped_column(String(36))
    centre_id: Mapped[str] = mapped_column(String(64))
    slot: Mapped[int] = mapped_column(Integer)
    token: Mapped[str] = mapped_column(String(200))
    enrolled_at: Mapped[datetime] = mapped_column(AwareDateTime())
    cursor: Mapped[str | None] = mapped_column(String(64))  # the server's pull cursor, saved with each page
    last_push_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    last_pull_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    last_contact_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    offline_since: Mapped[datetime | None] = mapped_column(AwareDateTime())
    last_error: Mapped[str] = mapped_column(String(64), default="", server_default="")  # a message code
    last_error_detail: Mapped[str] = mapped_column(Text, default="", server_default="")
    last_error_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    rejected: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # ops the server rejected
    last_reject: Mapped[str] = mapped_column(Text, default="", server_default="")
