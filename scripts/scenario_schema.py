"""Regenerate ``src/salesorder/scenario/scenario.schema.json`` from the models.

The JSON Schema of scenario files is generated from the attrs classes the loader builds
(:func:`salesorder.scenario.generate_scenario_schema`) and shipped as a file, which
``salesorder schema`` prints without building anything. Run this after changing a model
that a scenario holds (a command, a product, the settings...), and commit the file with the
change; tests/unit/test_scenario_schema.py fails until the two agree::

    python scripts/scenario_schema.py          # writes the file
    python scripts/scenario_schema.py --check  # exit 1 if the file would change
"""

from __future__ import annotations

import argparse
from pathlib import Path

from salesorder.scenario.schema import SCHEMA_RESOURCE, generate_scenario_schema, render_schema

TARGET = Path(__file__).resolve().parents[1] / "src" / "salesorder" / "scenario" / SCHEMA_RESOURCE


def main() -> int:
    """Write the schema file, or with ``--check`` say whether it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file would change")
    args = parser.parse_args()
    text = render_schema(generate_scenario_schema())
    if args.check:
        same = TARGET.exists() and TARGET.read_text(encoding="utf-8") == text
        print(f"{TARGET.name}: {'up to date' if same else 'out of date: run without --check'}")
        return 0 if same else 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
