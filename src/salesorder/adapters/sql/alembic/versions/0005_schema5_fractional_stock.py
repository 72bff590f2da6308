"""Salesorder schema 5: exact fractional stock quantities (NUMERIC(16, 6) on PostgreSQL).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

from salesorder.adapters.sql.migrate import step
from salesorder.exceptions import PersistenceError

revision = "0005"
down_revision: str | None = "0004"
branch_labels: tuple[str, ...] | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Schema 4 -> 5: see :mod:`salesorder.adapters.sql.migrate`."""
    step(op.get_bind(), 4)


def downgrade() -> None:
    """Refused: salesorder's migrations go forward only (restore a backup to go back)."""
    raise PersistenceError("salesorder's migrations go forward only: restore a backup")
