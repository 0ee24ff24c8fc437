"""Repository of the print jobs this PC owes: added in a use case's transaction, worked off by the printer."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from counter_app.services.documents import DocumentKind
from counter_app.services.print_jobs import OWED_STATUSES, PrintJobRecord, PrintJobStatus
from counter_app.storage.ids import new_id
from counter_app.storage.print_job_models import PrintJobRow

_STILL_OWED = tuple(s.value for s in OWED_STATUSES)
_log = logging.getLogger(__name__)


def _dump(params: Sequence[tuple[str, str]]) -> str:
    return json.dumps(dict(params), ensure_ascii=False, sort_keys=True)[:2000] if params else ""


def _record(row: PrintJobRow) -> PrintJobRecord:
    return PrintJobRecord(
        id=row.id, device=row.device, kind=DocumentKind(row.kind), key=row.key, created_at=row.created_at,
        status=PrintJobStatus(row.status), attempts=row.attempts, last_error=row.last_error,
        printed_at=row.printed_at, error_code=row.error_code or "", error_params=_params(row.error_params),
    )


def _params(text: str | None) -> tuple[tuple[str, str], ...]:
    if not text:
        return ()
    try:
        raw = json.loads(text)
    except ValueError:
        _log.error("print job reason params are damaged: %r", text[:200])
        return ()
    return tuple(sorted((str(k), str(v)) for k, v in raw.items())) if isinstance(raw, dict) else ()


class SqlPrintJobRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, *, device: str, kind: DocumentKind, key: str, created_at: datetime) -> PrintJobRecord:
        row = PrintJobRow(
            id=new_id(), device=device, kind=kind.value, key=key, created_at=created_at,
            status=PrintJobStatus.OWED.value, attempts=0, last_error="", printed_at=None, error_code="",
            error_params="",
        )
        self._s.add(row)
        self._s.flush()
        return _record(row)

    def get(self, job_id: str) -> PrintJobRecord | None:
        row = self._s.get(PrintJobRow, job_id)
        return _record(row) if row is not None else None

    def owed(self, device: str) -> list[PrintJobRecord]:
        """Owed or failed (still owed to the paper), oldest first."""
        rows = self._s.scalars(
            select(PrintJobRow)
            .where(PrintJobRow.device == device, PrintJobRow.status.in_(_STILL_OWED))
            .order_by(PrintJobRow.created_at, PrintJobRow.id)
        )
        return [_record(r) for r in rows]

    def owed_for(self, device: str, kind: DocumentKind, key: str) -> list[PrintJobRecord]:
        rows = self._s.scalars(
            select(PrintJobRow).where(
                PrintJobRow.device == device, PrintJobRow.kind == kind.value, PrintJobRow.key == key,
                PrintJobRow.status.in_(_STILL_OWED),
            )
        )
        return [_record(r) for r in rows]

    def _settle(self, job_id: str, **values: object) -> bool:
        """Change a job that is still owed; False when it was settled already (printed or cancelled)."""
        result = self._s.execute(
            update(PrintJobRow)
            .where(PrintJobRow.id == job_id, PrintJobRow.status.in_(_STILL_OWED))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]  # CursorResult of an UPDATE

    def mark_printed(self, job_id: str, at: datetime) -> bool:
        return self._settle(
            job_id, status=PrintJobStatus.PRINTED.value, printed_at=at, attempts=PrintJobRow.attempts + 1
        )

    def mark_failed(self, job_id: str, error: str, code: str = "", params: Sequence[tuple[str, str]] = ()) -> bool:
        return self._settle(
            job_id, status=PrintJobStatus.FAILED.value, last_error=error[:2000], attempts=PrintJobRow.attempts + 1,
            error_code=code[:64], error_params=_dump(params),
        )

    def cancel(self, job_id: str, reason: str, code: str = "", params: Sequence[tuple[str, str]] = ()) -> bool:
        return self._settle(job_id, status=PrintJobStatus.CANCELLED.value, last_error=reason[:2000],
                            error_code=code[:64], error_params=_dump(params))

    def count_owed(self, device: str) -> int:
        return len(self.owed(device))

    def all_of(self, device: str) -> Sequence[PrintJobRecord]:
        rows = self._s.scalars(select(PrintJobRow).where(PrintJobRow.device == device).order_by(PrintJobRow.created_at))
        return [_record(r) for r in rows]
