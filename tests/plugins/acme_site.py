"""Make a distribution look installed without pip: its metadata and code put on sys.path.

importlib.metadata finds a distribution by a ``<name>-<version>.dist-info`` directory on
sys.path; :func:`write_dist` writes one (METADATA and entry_points.txt), and :func:`installed`
puts it and the package's source first on sys.path for a while. The example package
(``example_pkg``) is described by its own pyproject.toml, so its entry points are declared
once. A fresh clone where only ``pip install -e ".[test]"`` ran needs nothing else.
"""

from __future__ import annotations

import contextlib
import importlib
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest depends on tomli before 3.11
    import tomli as tomllib

EXAMPLE = Path(__file__).resolve().parent / "example_pkg"
EXAMPLE_MODULE = "salesorder_acme"


def write_dist(
    into: Path, name: str, version: str, entry_points: Mapping[str, Mapping[str, str]]
) -> Path:
    """Write ``<name>-<version>.dist-info`` with ``entry_points`` (group -> name -> value)."""
    dist = into / f"{name.replace('-', '_')}-{version}.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = []
    for group, names in entry_points.items():
        lines.append(f"[{group}]")
        lines.extend(f"{key} = {value}" for key, value in names.items())
        lines.append("")
    (dist / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")
    return dist


def example_dist(into: Path) -> Path:
    """The example package's dist-info, from its pyproject.toml, written under ``into``."""
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return write_dist(into, project["name"], project["version"], project["entry-points"])


@contextlib.contextmanager
def on_path(*paths: Path) -> Iterator[None]:
    """Put ``paths`` first on sys.path for the block (and make importlib look again)."""
    added = [str(path) for path in paths]
    sys.path[:0] = added
    importlib.invalidate_caches()
    try:
        yield
    finally:
        for path in added:
            sys.path.remove(path)
        importlib.invalidate_caches()


@contextlib.contextmanager
def installed() -> Iterator[Path]:
    """The example package, installed for the block; yields the directory on sys.path."""
    site = Path(tempfile.mkdtemp(prefix="salesorder-plugins-"))
    try:
        example_dist(site)
        with on_path(site, EXAMPLE / "src"):
            yield site
    finally:
        for module in [m for m in sys.modules if m.partition(".")[0] == EXAMPLE_MODULE]:
            del sys.modules[module]
        shutil.rmtree(site, ignore_errors=True)
