"""Alembic environment of the provincial server (SQLite embedded default, or PostgreSQL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from counter_app.server.models import ServerBase

config = context.config
target_metadata = ServerBase.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine: Engine | None = config.attributes.get("engine")
    owned = engine is None
    if engine is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///server.sqlite3")
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        if owned:
            engine.dispose()


if context.is_offline_mode():
    raise SystemExit("the server's migrations run online only")
run_migrations_online()
