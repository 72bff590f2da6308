"""``salesorder init``, ``run --show`` and the demo's width: what each prints and refuses."""

from __future__ import annotations

import importlib.resources
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from salesorder.cli import SHOW, main
from salesorder.scenario.story import WIDTH, fit

STARTER = (
    importlib.resources.files("salesorder.scenario")
    .joinpath("starter.json")
    .read_text(encoding="utf-8")
)


def ran(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    """Run ``salesorder args``, check it succeeds quietly on stderr; what it printed."""
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def refused(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    """Run ``salesorder args``, check it exits 2 with nothing on stdout; its stderr."""
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    return err


@pytest.fixture
def starter(tmp_path: Path) -> str:
    path = tmp_path / "shop.json"
    path.write_text(STARTER, encoding="utf-8")
    return str(path)


# -- init --------------------------------------------------------------------------------------


def test_init_writes_a_starter_that_checks_and_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert (
        ran(capsys, ["init"]) == "wrote scenario.json: run it with `salesorder run scenario.json`\n"
    )
    assert (tmp_path / "scenario.json").read_text(encoding="utf-8") == STARTER
    assert ran(capsys, ["check", "scenario.json"]) == "ok: scenario.json: 10 steps\n"
    state = json.loads(ran(capsys, ["run", "scenario.json"]))
    (order,) = state["orders"]
    # 2 x 150.000 + 75.000 = 375.000 gross; 1,1 kg -> 2 started kg -> 9.000 + 2 x 2.000 =
    # 13.000 shipping paid by the buyer, so the courier collects 388.000.
    assert order["status"] == "completed"
    assert order["pricing"]["gross"] == {"amount": "375000.00", "currency": "IDR"}
    assert state["shipments"][0]["cod_amount"] == {"amount": "388000", "currency": "IDR"}
    assert state["names"] == {
        "order": "ORD-000001",
        "parcel": "SHP-000001",
        "invoice": "INV-000001",
    }


def test_init_to_a_path_of_ones_choice(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "shop.json"
    assert ran(capsys, ["init", str(path)]).startswith(f"wrote {path}:")
    assert path.read_text(encoding="utf-8") == STARTER


def test_init_dash_prints_the_starter(capsys: pytest.CaptureFixture[str]) -> None:
    assert ran(capsys, ["init", "-"]) == STARTER


def test_init_never_replaces_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text("my own work", encoding="utf-8")
    err = refused(capsys, ["init", str(path)])
    assert err == f"error: {path}: already exists; give another path, or --force to replace it\n"
    assert path.read_text(encoding="utf-8") == "my own work"


def test_init_force_replaces_the_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text("my own work", encoding="utf-8")
    ran(capsys, ["init", str(path), "--force"])
    assert path.read_text(encoding="utf-8") == STARTER


def test_init_into_a_missing_folder_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "no-such-folder" / "shop.json"
    err = refused(capsys, ["init", str(path)])
    assert err == f"error: {path}: cannot write the file: No such file or directory\n"
    assert not path.parent.exists()


# -- run --show --------------------------------------------------------------------------------


def full_state(capsys: pytest.CaptureFixture[str], path: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ran(capsys, ["run", path]))
    return data


@pytest.mark.parametrize(
    ("show", "key"),
    [(show, key) for show, key in SHOW.items() if key is not None],
)
def test_show_prints_one_part_of_the_state(
    capsys: pytest.CaptureFixture[str], starter: str, show: str, key: str
) -> None:
    state = full_state(capsys, starter)
    part = json.loads(ran(capsys, ["run", starter, "--show", show]))
    assert part == state[key]
    assert part  # the starter has some of each


def test_show_ledger_is_the_stock_ledger(capsys: pytest.CaptureFixture[str], starter: str) -> None:
    ledger = json.loads(ran(capsys, ["run", starter, "--show", "ledger"]))
    # 10 T-shirts and 5 + 5 mugs received, 2 + 1 reserved, then shipped.
    received = [(m["sku"], m["on_hand_change"]) for m in ledger if m["kind"] == "receipt"]
    assert sorted(received) == [("MUG-WHITE", 5), ("MUG-WHITE", 5), ("TSHIRT-RED-M", 10)]
    assert sum(m.get("on_hand_change", 0) for m in ledger) == 10 + 10 - 3


def test_show_all_is_the_default(capsys: pytest.CaptureFixture[str], starter: str) -> None:
    assert ran(capsys, ["run", starter, "--show", "all"]) == ran(capsys, ["run", starter])


def test_show_summary_is_the_demos_summary_as_text(
    capsys: pytest.CaptureFixture[str], starter: str
) -> None:
    out = ran(capsys, ["run", starter, "--show", "summary"])
    lines = out.splitlines()
    assert lines[0] == "ORD-000001  Web shop, Budi Santoso, paid by cod: completed"
    assert "  gross    Rp375.000,00" in lines
    assert "  shipping Rp13.000,00 (paid by the buyer)" in lines
    assert "  COD      Rp388.000,00 collected" in lines
    assert "  invoice  INV-000001 (sales)" in lines
    assert "  JKT-1  MUG-WHITE         9 on hand,    9 available" in lines
    assert lines[-1].startswith("  ")  # the events line, broken to fit
    assert max(map(len, lines)) <= WIDTH


def test_show_measures_is_the_measures_option(
    capsys: pytest.CaptureFixture[str], starter: str
) -> None:
    table = ran(capsys, ["run", starter, "--show", "measures"])
    assert table == ran(capsys, ["run", starter, "--measures"])
    assert not table.lstrip().startswith(("{", "["))


def test_show_reads_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(STARTER.encode()), "utf-8"))
    orders = json.loads(ran(capsys, ["run", "-", "--show", "orders"]))
    assert [order["id"] for order in orders] == ["ORD-000001"]


def test_an_unknown_show_is_refused_before_running(
    capsys: pytest.CaptureFixture[str], starter: str
) -> None:
    err = refused(capsys, ["run", starter, "--show", "everything"])
    assert "argument --show: invalid choice: 'everything'" in err


def test_show_and_measures_together_are_refused(
    capsys: pytest.CaptureFixture[str], starter: str
) -> None:
    err = refused(capsys, ["run", starter, "--show", "stock", "--measures"])
    assert "argument --measures: not allowed with argument --show" in err


# -- the demo fits in 100 columns --------------------------------------------------------------


def test_no_line_of_the_demo_is_wider_than_100_columns(capsys: pytest.CaptureFixture[str]) -> None:
    lines = ran(capsys, ["demo"]).splitlines()
    assert len(lines) > 60
    assert [line for line in lines if len(line) > 100] == []


def test_a_long_step_goes_on_under_its_type_with_its_clauses_whole(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = ran(capsys, ["demo"]).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("18. "))
    assert lines[at : at + 2] == [
        "18. Mon 05 Jan 13:05  ship_order                jnt economy, tracking JNT0000000002,",
        " " * 26 + "fee Rp13.000,00 paid by buyer, COD Rp378.000,00  [ORD-000002 shipped]",
    ]


def test_fit_breaks_after_commas_keeps_the_tail_whole_and_splits_long_clauses() -> None:
    head = "x" * 40
    assert fit(head, "short", tail="[A new]", indent=4, width=60) == [head + "short  [A new]"]
    assert fit(head, "one clause, another clause", tail="[A new]", indent=4, width=60) == [
        head + "one clause,",
        "    another clause  [A new]",
    ]
    # A clause too long for any line is broken between words; no line passes the width.
    words = " ".join(["word"] * 20)
    lines = fit(head, words, indent=4, width=60)
    assert max(map(len, lines)) <= 60
    assert " ".join(line.strip() for line in lines) == head + words
