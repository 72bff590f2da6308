"""matplotlib, imported on first use, and the Axes every plot draws on.

Nothing here imports matplotlib at import time: ``import salesorder.plots`` stays cheap, and
a missing extra is reported when a plot is asked for, as :class:`PlotsUnavailable`.

A plot given no ``ax`` draws on a new :class:`matplotlib.figure.Figure` made directly, not
through ``pyplot``: no backend is chosen, no window can open, and no figure is kept in
pyplot's registry (which warns past 20 open figures). ``Figure.savefig`` writes PNG, SVG or
PDF under any backend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesorder.exceptions import SalesOrderError
from salesorder.plots._args import instance

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["EXTRA", "PlotsUnavailable"]

#: What to install for the plots.
EXTRA = "pip install 'salesorder[plots]'"


class PlotsUnavailable(SalesOrderError, ImportError):
    """Plots need the ``plots`` extra (matplotlib): ``pip install 'salesorder[plots]'``."""


def _require(what: str) -> Any:
    """The ``matplotlib`` package with the modules the plots use, or PlotsUnavailable.

    Raises:
        PlotsUnavailable: matplotlib cannot be imported.
    """
    try:
        import matplotlib  # noqa: PLC0415 - the optional extra loads on first use
        import matplotlib.axes  # noqa: PLC0415
        import matplotlib.cm  # noqa: PLC0415
        import matplotlib.colors  # noqa: PLC0415
        import matplotlib.figure  # noqa: PLC0415
        import matplotlib.patches  # noqa: PLC0415
        import matplotlib.ticker  # noqa: PLC0415
    except ImportError as exc:
        raise PlotsUnavailable(f"{what} needs matplotlib: {EXTRA}") from exc
    return matplotlib


def _axes(ax: Axes | None, what: str, *, size: tuple[float, float] = (6.4, 4.0)) -> Axes:
    """``ax``, or the Axes of a new Figure of ``size`` inches (see the module docstring).

    Raises:
        PlotsUnavailable: matplotlib cannot be imported.
        ValidationError: ``ax`` is neither None nor a matplotlib Axes.
    """
    matplotlib = _require(what)
    if ax is not None:
        return instance(ax, matplotlib.axes.Axes, f"the ax of {what}")  # type: ignore[no-any-return]
    figure = matplotlib.figure.Figure(figsize=size, layout="constrained")
    return figure.add_subplot()  # type: ignore[no-any-return]
