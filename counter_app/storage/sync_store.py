"""The local side of the sync (services/sync_port.SyncStore) over the SQLite store.

Pushed ops are marked in one transaction with the push time; a pulled page is upserted into the
tables it names together with its new cursor in one transaction (docs/SYNC.md, "Pull"). Only the
tables the server publishes may be written by a pull (``PULLED_TABLES``); each value is read back
into its column's type (the server sends datetimes and days as ISO text).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Engine, Table, event, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from counter_app.domain.calendar import VIETNAM_TIME
from counter_app.domain.errors import DomainError
from counter_app.services.sync_port import SYNC_NOT_ENROLLED, SyncLink, SyncState
from counter_app.storage.models import Base, DeviceRow, OutboxRow
from counter_app.storage.repositories import device_row
from counter_app.storage.sync_models import SyncLinkRow
from counter_app.storage.types import AwareDateTime

_log = logging.getLogger(__name__)

# what flows down (server/reference.FLOWS_DOWN), parents first
PULLED_TABLES = (
    "units", "centres", "centre_agencies", "counters", "fields", "procedures", "procedure_components",
    "procedure_fees", "staff", "calendar_settings", "calendar_days", "queue_lines", "queue_counter_lines",
)
PUSHED_FIELDS = ("op_id", "device_id", "device_seq", "entity", "entity_id", "op", "payload", "schema_version", "hlc")


class SqlSyncStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._own = threading.local()  # set while this store writes: its commits are no local writes

    # --- helpers -----------------------------------------------------------------------------

    def _write(self) -> Session:
        self._own.active = True
        return self._sessions()

    def _done(self) -> None:
        self._own.active = False

    def _link_row(self, session: Session) -> SyncLinkRow | None:
        return session.get(SyncLinkRow, 1)

    # --- SyncStore ---------------------------------------------------------------------------

    def device(self) -> tuple[str, str]:
        with self._sessions() as session:
            row = device_row(session)
            if row is None:
                raise DomainError("sync.no_device")
            return row.id, row.name

    def link(self) -> SyncLink | None:
        with self._sessions() as session:
            row = self._link_row(session)
            if row is None:
                return None
            return SyncLink(row.server_url, row.device_id, row.centre_id, row.slot, row.token)

    def enrol(self, link: SyncLink, at: datetime) -> None:
        try:
            with self._write() as session, session.begin():
                row = self._link_row(session)
                if row is not None:
                    session.delete(row)
                    session.flush()
                session.add(SyncLinkRow(id=1, server_url=link.server_url, device_id=link.device_id,
                                        centre_id=link.centre_id, slot=link.slot, token=link.token, enrolled_at=at,
                                        last_error="", last_error_detail="", rejected=0, last_reject=""))
                if link.slot:
                    session.execute(update(DeviceRow).where(DeviceRow.id == link.device_id).values(slot=link.slot))
        finally:
            self._done()

    def pending(self, limit: int) -> list[dict[str, Any]]:
        with self._sessions() as session:
            rows = session.scalars(select(OutboxRow).where(OutboxRow.pushed_at.is_(None))
                                   .order_by(OutboxRow.device_seq).limit(limit))
            return [{name: getattr(row, name) for name in PUSHED_FIELDS} for row in rows]

    def has_seq(self, seq: int) -> bool:
        with self._sessions() as session:
            return session.scalar(select(OutboxRow.op_id).where(OutboxRow.device_seq == seq)) is not None

    def send_again_from(self, seq: int) -> int:
        try:
            with self._write() as session, session.begin():
                done = session.execute(update(OutboxRow).where(OutboxRow.device_seq >= seq, OutboxRow.pushed_at.isnot(None))
                                       .values(pushed_at=None))
                return int(done.rowcount or 0)  # type: ignore[attr-defined]
        finally:
            self._done()

    def mark_pushed(self, op_ids: Sequence[str], at: datetime, *, rejected: Sequence[str] = ()) -> None:
        if not op_ids:
            return
        try:
            with self._write() as session, session.begin():
                for start in range(0, len(op_ids), 500):
                    session.execute(update(OutboxRow).where(OutboxRow.op_id.in_(op_ids[start:start + 500]),
                                                            OutboxRow.pushed_at.is_(None)).values(pushed_at=at))
                row = self._link_row(session)
                if row is not None:
                    row.last_push_at = at
                    if rejected:
                        row.rejected += len(rejected)
                        row.last_reject = "; ".join(rejected)[:2000]
        finally:
            self._done()

    def apply_page(self, changes: Sequence[dict[str, Any]], cursor: str | None, at: datetime) -> int:
        tables = Base.metadata.tables
        done = 0
        try:
            with self._write() as session, session.begin():
                for change in changes:
                    name = change.get("entity")
                    if name not in PULLED_TABLES or change.get("op") != "upsert":
                        raise DomainError("sync.unknown_change", entity=str(name), op=str(change.get("op")))
                    _upsert(session, tables[name], change.get("payload") or {})
                    done += 1
                row = self._link_row(session)
                if row is None:
                    raise DomainError(SYNC_NOT_ENROLLED)
                row.cursor, row.last_pull_at = cursor, at
        finally:
            self._done()
        return done

    def reset_cursor(self) -> None:
        try:
            with self._write() as session, session.begin():
                row = self._link_row(session)
                if row is not None:
                    row.cursor = None
        finally:
            self._done()

    def contact(self, at: datetime) -> None:
        try:
            with self._write() as session, session.begin():
                row = self._link_row(session)
                if row is not None:
                    row.last_contact_at, row.offline_since = at, None
                    row.last_error, row.last_error_detail = "", ""
        finally:
            self._done()

    def failed(self, code: str, detail: str, at: datetime) -> None:
        try:
            with self._write() as session, session.begin():
                row = self._link_row(session)
                if row is not None:
                    row.last_error, row.last_error_detail, row.last_error_at = code, detail[:2000], at
                    if row.offline_since is None:
                        row.offline_since = at
        finally:
            self._done()

    def state(self) -> SyncState:
        with self._sessions() as session:
            waiting, oldest = session.execute(
                select(func.count(), func.min(OutboxRow.created_at)).where(OutboxRow.pushed_at.is_(None))).one()
            if isinstance(oldest, str):
                oldest = datetime.fromisoformat(oldest)
            oldest_at = oldest.astimezone(VIETNAM_TIME) if oldest else None
            row = self._link_row(session)
            if row is None:
                return SyncState(enrolled=False, waiting=int(waiting), oldest_waiting_at=oldest_at)
            return SyncState(
                enrolled=True, server_url=row.server_url, centre_id=row.centre_id, device_id=row.device_id,
                waiting=int(waiting), oldest_waiting_at=oldest_at, last_push_at=row.last_push_at,
                last_pull_at=row.last_pull_at, last_contact_at=row.last_contact_at, offline_since=row.offline_since,
                cursor=row.cursor, last_error=row.last_error, last_error_detail=row.last_error_detail,
                last_error_at=row.last_error_at, rejected=row.rejected, last_reject=row.last_reject)

    def on_local_write(self, callback: Callable[[], None]) -> None:
        own = self._own

        def committed(_conn: Any) -> None:
            if getattr(own, "active", False):
                return
            try:
                callback()
            except Exception:  # a nudge must never break the writer's commit
                _log.exception("sync nudge after a local write failed")

        event.listen(self.engine, "commit", committed)



def _upsert(session: Session, table: Table, payload: dict[str, Any]) -> None:
    values = {column.name: _typed(column.type, payload[column.name])
              for column in table.columns if column.name in payload}
    keys = [column.name for column in table.primary_key.columns]
    if any(key not in values for key in keys):
        raise DomainError("sync.unknown_change", entity=table.name, op="upsert")
    statement = sqlite_insert(table).values(values)
    rest = {name: statement.excluded[name] for name in values if name not in keys}
    statement = statement.on_conflict_do_update(index_elements=keys, set_=rest) if rest \
        else statement.on_conflict_do_nothing(index_elements=keys)
    session.execute(statement)


def _typed(column_type: Any, value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    if isinstance(column_type, AwareDateTime):
        return datetime.fromisoformat(value)
    python_type = None
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        return value
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is time:
        return time.fromisoformat(value)
    return value
