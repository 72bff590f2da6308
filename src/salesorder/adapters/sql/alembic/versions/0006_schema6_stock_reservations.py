"""Salesorder schema 6: each stock reservation a row of ``so_stock_reservations``.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

from salesorder.adapters.sql.migrate import step
from salesorder.exceptions import PersistenceError

revision = "0006"
down_revision: str | None = "0005"
branch_labels: tuple[str, ...] | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Schema 5 -> 6: see :mod:`salesorder.adapters.sql.migrate`."""
    step(op.get_bind(), 5)


def downgrade() -> None:
    """Refused: salesorder's migrations go forward only (restore a backup to go back)."""
    raise PersistenceError("salesorder's migrations go forward only: restore a backup")
