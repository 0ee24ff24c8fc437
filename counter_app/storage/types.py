"""Column types for SQLite: timezone-aware datetimes kept as UTC ISO text."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from counter_app.domain.calendar import VIETNAM_TIME


class AwareDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC ISO-8601 text (sorts correctly); refuses naive ones.

    Values come back in Vietnam time, the zone office hours and printed forms are read in.
    """

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"aware datetime required, got {value!r}")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value).astimezone(VIETNAM_TIME)
