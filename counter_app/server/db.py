"""The server's database: SQLite in its data dir (embedded default) or PostgreSQL named by a URL.

SQLite uses the local store's engine settings (WAL, synchronous=FULL, BEGIN IMMEDIATE for writes,
busy timeout): writers of several worker processes take turns. PostgreSQL is the real deployment
of a province; ``postgresql+psycopg://user:password@host/db``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from counter_app.domain.errors import DomainError

_log = logging.getLogger(__name__)
SERVER_DB_FILE = "server.sqlite3"
DATABASE_ENV = "COUNTER_SERVER_DATABASE"  # the URL, for `counter serve --workers N` children
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url(data_dir: Path | None, database: str | None) -> str:
    """``database`` when given (checked), else SQLite ``<data_dir>/server.sqlite3``."""
    if database:
        try:
            url = make_url(database)
        except ArgumentError:
            raise DomainError("cli.bad_database_url") from None
        if url.get_backend_name() not in ("postgresql", "sqlite"):
            raise DomainError("cli.bad_database_url")
        return database
    if data_dir is None:
        raise DomainError("server.no_data_dir")
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite+pysqlite:///{data_dir / SERVER_DB_FILE}"


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def make_server_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        from counter_app.storage.db import make_engine

        path = make_url(url).database
        assert path, "an in-memory server database would be lost"
        return make_engine(Path(path))
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


@dataclass
class ServerDatabase:
    url: str
    engine: Engine

    @classmethod
    def open(cls, url: str) -> ServerDatabase:
        return cls(url, make_server_engine(url))

    @property
    def postgres(self) -> bool:
        return is_postgres(self.engine)

    def session(self) -> Session:
        return sessionmaker(self.engine, expire_on_commit=False)()

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on an exception."""
        engine = self.engine.execution_options(readonly=True) if readonly and not self.postgres else self.engine
        with sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the server's schema to this program's version; returns (before, after)."""
    before = current_revision(engine)
    command.upgrade(_alembic_config(engine), "head")
    after = head_revision()
    if before != after:
        _log.info("server database upgraded from %s to %s", before, after)
    return before, after


@dataclass(frozen=True)
class DatabaseCheck:
    revision: str | None
    head: str

    @property
    def ok(self) -> bool:
        return self.revision == self.head


def check(engine: Engine) -> DatabaseCheck:
    return DatabaseCheck(current_revision(engine), head_revision())


def require_current(engine: Engine) -> None:
    """Refuse to serve a database of another schema version (run `counter server db upgrade`)."""
    found = check(engine)
    if not found.ok:
        raise DomainError("server.schema_mismatch", found=found.revision or "—", head=found.head)


def url_from_env() -> str:
    url = os.environ.get(DATABASE_ENV)
    if not url:
        raise DomainError("server.no_data_dir")
    return url
