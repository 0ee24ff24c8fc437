"""The province's reference data on the server: what flows down to the counters.

``counter server init --demo`` loads the same sample province as the counters: the same loader
(``services/catalog_data.py``) and the same seeding code (``storage/seed.py``, ``storage/queue_seed.py``)
fill a scratch local store in memory, and each row of the tables below is published as it stands
there (``entity`` = the local table's name, ``entity_id`` = its primary key, ``payload`` = its columns).
A counter applies a change by upserting that row into the same table: no mapping to keep in step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from counter_app.server.models import RecordRow
from counter_app.server.sync import publish
from counter_app.services.catalog_data import ProvinceData
from counter_app.services.ports import PasswordHasher

# parents before children: a counter applying the changes in order never breaks a foreign key
FLOWS_DOWN = (
    "units", "centres", "centre_agencies", "counters", "fields", "procedures", "procedure_components",
    "procedure_fees", "staff", "calendar_settings", "calendar_days", "queue_lines", "queue_counter_lines",
)
LOCAL_ONLY_COLUMNS = {"staff": {"failed_logins", "locked_until", "last_login_at"}}  # each PC's own


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def is_initialised(session: Session) -> bool:
    return session.execute(select(RecordRow.entity).limit(1)).first() is not None


def load_province(session: Session, data: ProvinceData, *, hasher: PasswordHasher, years: Iterable[int],
                  postgres: bool) -> dict[str, int]:
    """Publish the province (units, catalog, staff with argon2 hashes, calendar, counters, queue lines)."""
    from counter_app.storage import queue_models  # noqa: F401  (its tables join the local metadata)
    from counter_app.storage.models import Base
    from counter_app.storage.queue_seed import seed_queue
    from counter_app.storage.seed import ensure_device, seed_province

    scratch = create_engine("sqlite://", poolclass=StaticPool)
    try:
        Base.metadata.create_all(scratch)
        with Session(scratch) as local:
            device = ensure_device(local, dt.datetime.now(dt.UTC), slot=1)
            seed_province(local, data, hasher=hasher, device=device, years=years)
            seed_queue(local, data)
            local.flush()
            return _publish_tables(session, local, Base, postgres=postgres)
    finally:
        scratch.dispose()


def _publish_tables(session: Session, local: Session, base: Any, *, postgres: bool) -> dict[str, int]:
    tables = base.metadata.tables
    counter_centre = {row.id: row.centre_id for row in local.execute(select(tables["counters"]))}
    published: dict[str, int] = {}
    for name in FLOWS_DOWN:
        table = tables[name]
        keys = [c.name for c in table.primary_key.columns]
        skip = LOCAL_ONLY_COLUMNS.get(name, set())
        count = 0
        for row in local.execute(select(table)).mappings():
            payload = {k: _value(v) for k, v in row.items() if k not in skip}
            entity_id = "|".join(str(payload[k]) for k in keys)
            count += publish(session, name, entity_id, _centre_of(name, payload, counter_centre), payload,
                             postgres=postgres)
        published[name] = count
    session.flush()
    return published


def _centre_of(table: str, payload: dict[str, Any], counter_centre: dict[str, str]) -> str | None:
    """The centre whose counters receive the row; None: every centre (units, catalog, calendar, centres)."""
    if table == "queue_counter_lines":
        return counter_centre.get(payload["counter_id"])
    if table in ("centres", "units", "fields", "procedures", "procedure_components", "procedure_fees",
                 "calendar_days"):
        return None
    return payload.get("centre_id") or None
