"""Salesorder schema 2: orders waiting for stock, returns, channels, warehouse work, notifications.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

from salesorder.adapters.sql.migrate import step
from salesorder.exceptions import PersistenceError

revision = "0002"
down_revision: str | None = "0001"
branch_labels: tuple[str, ...] | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Schema 1 -> 2: see :mod:`salesorder.adapters.sql.migrate`."""
    step(op.get_bind(), 1)


def downgrade() -> None:
    """Refused: salesorder's migrations go forward only (restore a backup to go back)."""
    raise PersistenceError("salesorder's migrations go forward only: restore a backup")
