"""Development sessions: ``nox`` runs tests, lint, typecheck and docs; ``nox -s bench`` on request.

Each session installs what it needs from the extras in pyproject.toml, so a fresh
clone needs nothing but nox. To run the tests on another interpreter (the package
supports Python >= 3.10): ``nox -s tests --force-python 3.10``. ``nox -s tests_lowest`` runs
them against the lowest versions of the dependencies that pyproject.toml declares.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nox
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # nox itself depends on tomli there
    import tomli as tomllib

DEFAULT_PYTHON = "3.11"

# uv is not guaranteed on every machine; the stdlib venv always is.
nox.options.default_venv_backend = "venv"
# Interpreters come from the machine; fetching a Python build from the internet is not allowed.
nox.options.download_python = "never"
# A session must not run a tool it did not install (e.g. a ruff from the user's PATH).
nox.options.error_on_external_run = True
# `bench` is left out: timings are read by a person, they don't gate anything.
nox.options.sessions = ["tests", "lint", "typecheck", "docs"]


@nox.session(python=DEFAULT_PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite, the executable docs and README included."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session(python=DEFAULT_PYTHON)
def lint(session: nox.Session) -> None:
    """Check lint rules and formatting (ruff; configured in pyproject.toml)."""
    session.install(".[lint]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=DEFAULT_PYTHON)
def typecheck(session: nox.Session) -> None:
    """Run mypy --strict over src and tests/typing (configured in pyproject.toml)."""
    session.install("-e", ".[typecheck]")
    session.run("mypy", *session.posargs)


@nox.session(python=DEFAULT_PYTHON)
def docs(session: nox.Session) -> None:
    """Build the HTML docs; any warning, including an unresolved reference (-n), fails."""
    session.install("-e", ".[docs]")
    session.run(
        "sphinx-build", "-W", "--keep-going", "-n", "-b", "html", "docs", "docs/_build/html"
    )


@nox.session(python=DEFAULT_PYTHON)
def bench(session: nox.Session) -> None:
    """Run the benchmarks in benchmarks/ against a regular (non-editable) install."""
    session.install(".[bench,postgres,optimize]")
    session.run("python", "benchmarks/run.py", *session.posargs)


def _lowest_pins(extra: str) -> list[str]:
    """``name==version``: the lower bound of each direct dependency that ``.[extra]`` pulls in.

    Read from pyproject.toml at each run, so the pins can never drift from the declared
    bounds: the core dependencies, the extra's own and those of the extras it names
    (``salesorder[sql,...]``), recursively. A constraint is on a distribution, not on its
    extras: ``psycopg[binary]>=3.1.4`` pins ``psycopg==3.1.4``, whose extra pins the rest.
    """
    project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    pins: dict[str, str] = {}
    seen = {extra}

    def visit(requirements: list[str]) -> None:
        for text in requirements:
            req = Requirement(text)
            if canonicalize_name(req.name) == canonicalize_name(project["name"]):
                for sub in sorted(req.extras - seen):
                    seen.add(sub)
                    visit(extras[sub])
                continue
            bounds = [
                Version(spec.version)
                for spec in req.specifier
                if spec.operator in (">=", "~=", "==") and not spec.version.endswith("*")
            ]
            if not bounds:
                raise ValueError(f"{text!r} declares no lower bound to test against")
            pin = f"{canonicalize_name(req.name)}=={max(bounds)}"
            if pins.setdefault(canonicalize_name(req.name), pin) != pin:
                raise ValueError(f"{req.name} is declared with two lower bounds")

    visit(project.get("dependencies", []))
    visit(extras[extra])
    return sorted(pins.values())


@nox.session(python=DEFAULT_PYTHON)
def tests_lowest(session: nox.Session) -> None:
    """Run the test suite against the lowest versions pyproject.toml declares.

    Each direct dependency of ``.[test]`` (the core ones, and those of the extras it pulls
    in) is pinned to its declared lower bound by a constraints file made from pyproject.toml;
    transitive dependencies resolve as usual. A lower bound that fails here is raised in
    pyproject.toml, never capped. The oldest Python: ``nox -s tests_lowest --force-python 3.10``.
    """
    pins = _lowest_pins("test")
    session.log("Lowest declared versions: %s", " ".join(pins))
    constraints = Path(session.create_tmp()) / "lowest-constraints.txt"
    constraints.write_text("\n".join(pins) + "\n", encoding="utf-8")
    session.install("-c", str(constraints), "-e", ".[test]")
    session.run("pytest", *session.posargs)
