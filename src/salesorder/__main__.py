"""``python -m salesorder``: the same as the ``salesorder`` command (see :mod:`salesorder.cli`)."""

from salesorder.cli import main

raise SystemExit(main())
