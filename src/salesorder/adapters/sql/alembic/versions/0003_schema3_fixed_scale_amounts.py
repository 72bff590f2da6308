"""Salesorder schema 3: amounts at a fixed scale (*_minor becomes *_e4).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

from salesorder.adapters.sql.migrate import step
from salesorder.exceptions import PersistenceError

revision = "0003"
down_revision: str | None = "0002"
branch_labels: tuple[str, ...] | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Schema 2 -> 3: see :mod:`salesorder.adapters.sql.migrate`."""
    step(op.get_bind(), 2)


def downgrade() -> None:
    """Refused: salesorder's migrations go forward only (restore a backup to go back)."""
    raise PersistenceError("salesorder's migrations go forward only: restore a backup")
