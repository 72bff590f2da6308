"""Sphinx configuration: MyST markdown pages, API reference from docstrings (Google style)."""

from __future__ import annotations

from importlib.metadata import version as _dist_version

project = "salesorder"
author = "salesorder developers"
project_copyright = "salesorder developers"
# The version comes from the installed distribution, never from a hand-kept string.
release = _dist_version("salesorder")
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinxcontrib.mermaid",
    # No sphinx.ext.intersphinx: the docs must build offline, so links to the Python,
    # attrs and cattrs inventories cannot be fetched (see nitpick_ignore_regex below).
]

source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]

# -- MyST ------------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]
# ```mermaid fences are diagrams (sphinxcontrib-mermaid), not code to highlight.
myst_fence_as_directive = ["mermaid"]
myst_heading_anchors = 3

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
    r"|os|collections\.abc|xml\.etree\.ElementTree"
)
_THIRD_PARTY = (
    r"attrs|attr|cattrs|babel|dateutil|stdnum|hypothesis|sqlalchemy|psycopg"
    r"|httpx|num2words|cryptography|lxml"
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
