"""Alembic's environment for salesorder's migrations; run by Alembic, never imported.

:func:`salesorder.adapters.sql.alembic.config` puts the engine in ``config.attributes``.
``target_metadata`` is salesorder's schema, so ``alembic revision --autogenerate`` compares
a database with the tables this salesorder reads and writes (docs/persistence.md).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from salesorder.adapters.sql import schema
from salesorder.adapters.sql.migrate import ALEMBIC_VERSION_TABLE
from salesorder.exceptions import PersistenceError

target_metadata = schema.metadata


def _run() -> None:
    if context.is_offline_mode():
        raise PersistenceError(
            "salesorder's migrations read and rewrite rows, so they need a database "
            "connection: SQL scripts (offline mode, --sql) are not supported"
        )
    engine = context.config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise PersistenceError(
            "no database engine: build the configuration with "
            "salesorder.adapters.sql.alembic.config(url)"
        )
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table=ALEMBIC_VERSION_TABLE,
            # One transaction per revision (DDL too, see migrate.step): a failed revision
            # leaves the database at the one before it.
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()


_run()
