"""Salesorder schema 1, the tables of salesorder 0.1.0, on an empty database.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

from salesorder.adapters.sql.migrate import step
from salesorder.exceptions import PersistenceError

revision = "0001"
down_revision: str | None = None
branch_labels: tuple[str, ...] | None = ("salesorder",)
depends_on: str | None = None


def upgrade() -> None:
    """Schema 0 -> 1: see :mod:`salesorder.adapters.sql.migrate`."""
    step(op.get_bind(), 0)


def downgrade() -> None:
    """Refused: salesorder's migrations go forward only (restore a backup to go back)."""
    raise PersistenceError("salesorder's migrations go forward only: restore a backup")
