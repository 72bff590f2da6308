"""Salesorder schema 4: the outbox takes in the notifications; refused webhook deliveries.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

from salesorder.adapters.sql.migrate import step
from salesorder.exceptions import PersistenceError

revision = "0004"
down_revision: str | None = "0003"
branch_labels: tuple[str, ...] | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Schema 3 -> 4: see :mod:`salesorder.adapters.sql.migrate`."""
    step(op.get_bind(), 3)


def downgrade() -> None:
    """Refused: salesorder's migrations go forward only (restore a backup to go back)."""
    raise PersistenceError("salesorder's migrations go forward only: restore a backup")
