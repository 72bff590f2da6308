"""The measures over an application's orders: :func:`salesorder.services.views.measure`.

Every read lives in :mod:`salesorder.services.views`; ``measure`` stays importable from here.
"""

from __future__ import annotations

from salesorder.services.views import measure

__all__ = ["measure"]
