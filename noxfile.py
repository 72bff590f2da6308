"""Development sessions: ``nox`` runs tests, lint, typecheck and docs; ``nox -s bench`` on request.

Each session installs what it needs from the extras in pyproject.toml, so a fresh
clone needs nothing but nox. To run the tests on another interpreter (the package
supports Python >= 3.10): ``nox -s tests --force-python 3.10``.
"""

from __future__ import annotations

import nox

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
