"""What `counter serve` and `counter server …` do (cli.py parses the arguments and prints the words)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import OperationalError

from counter_app.domain.errors import DomainError
from counter_app.server import db as server_db
from counter_app.server.db import ServerDatabase

_log = logging.getLogger(__name__)
CALENDAR_YEARS_BACK, CALENDAR_YEARS_AHEAD = 1, 4  # as the counters' stores (bootstrap.calendar_years)
DEMO_FILE = ("demo", "province.json")


def open_database(data_dir: Path | None, database: str | None) -> ServerDatabase:
    return ServerDatabase.open(server_db.database_url(data_dir, database))


@contextmanager
def _opened(data_dir: Path | None, database: str | None, *, current: bool = True) -> Iterator[ServerDatabase]:
    """The server's database for one command; unreachable or of another version: said in words."""
    database_ = open_database(data_dir, database)
    try:
        if current:
            server_db.require_current(database_.engine)
        yield database_
    except OperationalError as exc:
        _log.error("server database %s: %s", _shown(database_.url), exc.orig)
        raise DomainError("server.unreachable", url=_shown(database_.url)) from exc
    finally:
        database_.dispose()


@dataclass(frozen=True)
class InitResult:
    url: str
    upgraded_from: str | None
    published: dict[str, int] | None  # None: the province was there already, nothing overwritten


def init(data_dir: Path | None, database: str | None, *, demo: bool, hasher: object | None = None) -> InitResult:
    """Create or upgrade the server's database; with ``demo`` load the sample province once."""
    from counter_app.server.reference import is_initialised, load_province
    from counter_app.services.catalog_data import load_province_data
    from counter_app.services.resources import resource_path
    from counter_app.storage.security import Argon2PasswordHasher

    with _opened(data_dir, database, current=False) as database_:
        before, _after = server_db.upgrade(database_.engine)
        published = None
        if demo:
            with database_.transaction() as session:
                if not is_initialised(session):
                    year = datetime.now(UTC).year
                    published = load_province(
                        session, load_province_data(resource_path(*DEMO_FILE)),
                        hasher=hasher or Argon2PasswordHasher(),  # type: ignore[arg-type]
                        years=range(year - CALENDAR_YEARS_BACK, year + CALENDAR_YEARS_AHEAD + 1),
                        postgres=database_.postgres,
                    )
        return InitResult(_shown(database_.url), before, published)


def upgrade(data_dir: Path | None, database: str | None) -> tuple[str | None, str]:
    with _opened(data_dir, database, current=False) as database_:
        return server_db.upgrade(database_.engine)


def check(data_dir: Path | None, database: str | None) -> server_db.DatabaseCheck:
    with _opened(data_dir, database, current=False) as database_:
        return server_db.check(database_.engine)


def enrol_code(data_dir: Path | None, database: str | None, centre_id: str, slot: int) -> str:
    from counter_app.server.devices import new_enrolment_code

    with _opened(data_dir, database) as database_, database_.transaction() as session:
        code = new_enrolment_code(session, centre_id, slot, datetime.now(UTC))
    _log.info("enrolment code made for centre %s, slot %s", centre_id, slot)  # never the code itself
    return code


def revoke(data_dir: Path | None, database: str | None, device_id: str) -> str:
    """Revoke a device at once (its next request is refused); returns its centre."""
    from counter_app.server.devices import revoke as revoke_device

    with _opened(data_dir, database) as database_, database_.transaction() as session:
        centre = revoke_device(session, device_id.strip(), datetime.now(UTC)).centre_id
    _log.info("device %s revoked", device_id)
    return centre


@dataclass(frozen=True)
class Reject:
    received_at: datetime
    device_id: str
    device_seq: int
    op_id: str
    reason: str
    detail: str


def rejects(data_dir: Path | None, database: str | None, limit: int) -> list[Reject]:
    from counter_app.server.sync import rejects as stored_rejects

    with _opened(data_dir, database) as database_, database_.transaction(readonly=True) as session:
        return [Reject(r.received_at, r.device_id, r.device_seq, r.op_id, r.reason, r.detail)
                for r in stored_rejects(session, limit)]


def serve(data_dir: Path | None, database: str | None, *, host: str, port: int, workers: int) -> None:
    """Run uvicorn until stopped; each worker builds its app from COUNTER_SERVER_DATABASE."""
    import uvicorn

    url = server_db.database_url(data_dir, database)
    with _opened(data_dir, database, current=False) as database_:
        if database_.postgres or server_db.current_revision(database_.engine) is not None:
            server_db.require_current(database_.engine)
        else:  # a new embedded server: make its tables
            server_db.upgrade(database_.engine)
    os.environ[server_db.DATABASE_ENV] = url
    _log.info("serving %s on %s:%s with %s worker(s)", _shown(url), host, port, workers)
    uvicorn.run("counter_app.server.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="warning", proxy_headers=True)


def _shown(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)  # database_url() checked it
