"""Sphinx configuration: MyST markdown pages, API reference from docstrings (Google style)."""

from __future__ import annotations

from importlib.metadata import version as _dist_version
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

project = "salesorder"
author = "salesorder developers"
project_copyright = "salesorder developers"
# The version comes from the installed distribution, never from a hand-kept string.
release = _dist_version("salesorder")
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_nb",  # myst-parser and notebooks (docs/notebooks), see "myst-nb" below
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    # No sphinx.ext.intersphinx: the docs must build offline, so links to the Python,
    # attrs and cattrs inventories cannot be fetched (see nitpick_ignore_regex below).
]

source_suffix = {".md": "myst-nb"}  # myst-nb parses every page (see "myst-nb" below)
exclude_patterns = ["_build"]

# -- MyST ------------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# -- myst-nb ---------------------------------------------------------------------------
# myst-nb includes myst-parser. A page is a notebook only when its front matter names a
# kernel (docs/notebooks/*.md, jupytext's MyST format); the other pages stay plain MyST and
# are never executed. Notebooks are executed at every build, and a failing cell (one of
# their assertions) fails it.
nb_execution_mode = "force"
nb_execution_timeout = 120
nb_execution_raise_on_error = True
nb_execution_show_tb = True

# -- autodoc / napoleon ----------------------------------------------------------------
autodoc_typehints = "description"
autodoc_member_order = "bysource"
autodoc_default_options = {"show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

# -- nitpicky (-n) ---------------------------------------------------------------------
# Without intersphinx, a reference to a name outside salesorder (decimal.Decimal in every
# Money signature, enum.Enum as a base class, attrs/cattrs types) cannot resolve. Those are
# ignored here by module, so -n still catches broken references to salesorder's own API,
# which is what it is for. (Builtins such as int or ValueError resolve without help.)
_STDLIB = (
    r"abc|decimal|datetime|dt|enum|fractions|pathlib|uuid|types|typing|typing_extensions"
    r"|os|collections\.abc|xml\.etree\.ElementTree|logging"
)
_THIRD_PARTY = (
    r"attrs|attr|cattrs|babel|dateutil|stdnum|hypothesis|sqlalchemy|psycopg"
    r"|httpx|num2words|cryptography|lxml|pandas|polars|alembic"
)
nitpick_ignore_regex = [
    (r"py:.*", rf"({_STDLIB})\..*"),
    (r"py:.*", rf"({_THIRD_PARTY})(\..*)?"),
    # Annotations autodoc reads as strings (``from __future__ import annotations``) keep the
    # name as written: ``Decimal``, ``dt.datetime``, ``list[str]``.
    (r"py:.*", r"Decimal|Fraction|Engine|Connection"),
    (r"py:.*", r"(list|tuple|dict|set|frozenset|type)\[.*\]"),
    # Type variables (``Command[R]``, ``Repository[T, K_contra]``) have no page of their own.
    (r"py:.*", r"salesorder\..*\.(R|T|K|K_contra|T_co)"),
    # decimal_isolated's ParamSpec, as autodoc renders it.
    (r"py:.*", r"~?P"),
    # Private names in signatures and bases (a structural Protocol, a kit's mixins in a
    # private module) have no page of their own: they are not the public API.
    (r"py:.*", r"salesorder\.(.*\.)?_\w+(\..*)?"),
]

# -- HTML ------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"salesorder {release}"


# -- Images drawn at build time (salesorder.plots) -------------------------------------
# The lifecycle diagram (lifecycle.md) and the plots (plots.md) are drawn by the library
# when the docs build, before any page is read: nothing is fetched (no CDN, no network),
# nothing drawn is committed, so no image can show an older table or API than the code.
# They go to docs/_generated/ (gitignored); a file is rewritten only when its bytes change.
# matplotlib types in signatures (TYPE_CHECKING imports) have no inventory to link to.
nitpick_ignore_regex += [(r"py:.*", r"(matplotlib\.\S*|Axes)")]

_GENERATED = Path(__file__).parent / "_generated"


def _write(name: str, data: bytes) -> None:
    path = _GENERATED / name
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def _draw_images(app: Sphinx) -> None:  # noqa: ARG001 - the event passes the app
    """Draw docs/_generated/*: the lifecycle SVG and the plots of a seeded sample month."""
    import datetime as dt  # noqa: PLC0415 - the docs build's own imports, on its first event
    import io  # noqa: PLC0415
    import logging  # noqa: PLC0415

    from salesorder import plots  # noqa: PLC0415
    from salesorder.domain.allocation import allocate_batch  # noqa: PLC0415
    from salesorder.services.views import measure  # noqa: PLC0415
    from salesorder.testing.sample import month_of_orders  # noqa: PLC0415

    # Sphinx shows INFO records: the sample month's thousands of commands would fill the log.
    logging.getLogger("salesorder").setLevel(logging.WARNING)
    _GENERATED.mkdir(exist_ok=True)
    _write("lifecycle.svg", plots.lifecycle_svg().encode())
    # The month plots.md works with: the same seed, the same orders, the same pictures.
    month = month_of_orders(seed=0, orders=200)
    measures = measure(month.app, promised_lead_time=dt.timedelta(days=4))
    demands = month.demands(month.order_ids[:40])
    batch = allocate_batch(demands, month.warehouses, month.par, month.app.allocation)
    drawn = {
        "cycle_times": plots.cycle_times(measures),
        "stage_times": plots.stage_times(measures),
        "rates_over_time": plots.rates_over_time(measures),
        "profit_by_channel": plots.profit_by_channel(measures),
        "allocation_map": plots.allocation_map(batch, demands, month.warehouses, cost=month.cost),
    }
    for name, ax in drawn.items():
        png = io.BytesIO()
        ax.figure.savefig(png, format="png", dpi=96, metadata={"Software": None})
        _write(f"{name}.png", png.getvalue())


def setup(app: Sphinx) -> None:
    """Draw the generated images once the builder is ready, before pages are read."""
    app.connect("builder-inited", _draw_images)
