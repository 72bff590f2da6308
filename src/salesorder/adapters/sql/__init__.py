"""The SQLAlchemy persistence adapter (install the ``sql`` extra; ``postgres`` for PostgreSQL).

See :mod:`salesorder.adapters.sql.store` for the guarantees and docs/persistence.md for
set-up, migrations and concurrency.
"""

from salesorder.adapters.sql.migrate import upgrade
from salesorder.adapters.sql.schema import SCHEMA_VERSION, metadata
from salesorder.adapters.sql.store import SqlStore, SqlUnitOfWork, create_schema

__all__ = ["SCHEMA_VERSION", "SqlStore", "SqlUnitOfWork", "create_schema", "metadata", "upgrade"]
