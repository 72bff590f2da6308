"""Install the example plugin package (example_pkg) for the tests in this directory.

The example package's own tests (example_pkg/tests) import it at collection, as a third
party's suite would with its package installed; so it goes on sys.path when this conftest is
registered, before those modules are collected, and comes off when the run ends.
"""

from __future__ import annotations

import contextlib

import pytest
from acme_site import installed

_STACK = contextlib.ExitStack()


def pytest_configure(config: pytest.Config) -> None:
    del config
    _STACK.enter_context(installed())


def pytest_unconfigure(config: pytest.Config) -> None:
    del config
    _STACK.close()
