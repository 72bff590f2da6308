"""The command line and the scenario files it runs: exit codes, output, error messages."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, inspect, select
from tests.sql.conftest import fresh_postgres

import salesorder
from salesorder.adapters.sql import SqlStore, metadata
from salesorder.bootstrap import build
from salesorder.cli import main
from salesorder.domain.outbox import Call, CallKind, OutboxItem, OutboxState
from salesorder.exceptions import ScenarioError
from salesorder.scenario import (
    dump_scenario,
    load_demo,
    load_scenario,
    parse_scenario,
    run_scenario,
)
from salesorder.scenario import run as scenario_run
from salesorder.services.app import SalesApp

ADDRESS = {"line1": "Jl. Asia Afrika 8", "city": "Bandung", "country": "ID"}


def idr(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "IDR"}


# A COD web order, as /tmp/smoke.py ran it by hand: 3 T-shirts at Rp150.000 (tax included),
# 0.9 kg -> 1 started kg -> fee 9.000 + 2.000 = 11.000 paid by the buyer, COD 461.000.
SMALL: dict[str, Any] = {
    "format": "salesorder/scenario",
    "version": 1,
    "start": "2026-01-05T09:00:00+07:00",
    "warehouses": [{"code": "JKT-1", "name": "Jakarta main", "address": ADDRESS}],
    "products": [
        {
            "sku": "TSHIRT-RED-M",
            "name": "T-shirt red M",
            "price": idr("150000"),
            "unit_cost": idr("80000"),
            "weight_kg": "0.3",
            "initial_stock": 2,
            "warehouse": "JKT-1",
        }
    ],
    "customers": [{"id": "C1", "name": "Budi", "addresses": [ADDRESS]}],
    "stock": [{"warehouse": "JKT-1", "sku": "TSHIRT-RED-M", "quantity": 8}],
    "commands": [
        {
            "type": "place_order",
            "as": "o1",
            "customer_id": "C1",
            "lines": [{"sku": "TSHIRT-RED-M", "quantity": 3}],
            "payment_method": "cod",
        },
        {"type": "confirm_order", "order_id": "$o1"},
        {"type": "reserve_stock", "order_id": "$o1"},
        {"type": "ship_order", "as": "s1", "order_id": "$o1", "courier": "jnt"},
        {"type": "advance_clock", "days": 2},
        {"type": "courier_update", "order_id": "$o1", "status": "delivered"},
        {"type": "sync_tracking", "shipment_id": "$s1"},
        {
            "type": "record_payment",
            "order_id": "$o1",
            "amount": idr("461000"),
            "method": "cod",
            "reference": "COD-1",
        },
        {"type": "complete_order", "order_id": "$o1"},
    ],
}


def small() -> dict[str, Any]:
    return copy.deepcopy(SMALL)


def write(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "scenario.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def fails(capsys: pytest.CaptureFixture[str], tmp_path: Path, data: Any, exit_code: int = 2) -> str:
    """Run ``salesorder run`` on ``data``, check it fails with ``exit_code``; the error line."""
    assert main(["run", write(tmp_path, data)]) == exit_code
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    return err.strip()


# -- demo --------------------------------------------------------------------------------------


def test_demo_tells_the_story_with_real_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    # Web order: 3 T-shirts (PPN 12% on 11/12 of the price, effectively 11%, tax included):
    # 450.000 / 1.11 = 405.405,41 net, 44.594,59 tax; a luxury watch at 12% on the full price:
    # 2.500.000 / 1.12 = 2.232.142,86 net, 267.857,14 tax. Gross 2.950.000, net 2.637.548,27.
    assert "gross Rp2.950.000,00  [ORD-000001 new]" in out
    assert "net      Rp2.637.548,27" in out
    assert "PPN 12% (DPP 11/12) on Rp405.405,41: Rp44.594,59" in out
    assert "PPN 12% on Rp2.232.142,86: Rp267.857,14" in out
    assert "VAT-000001 (vat), e-invoice accepted, tax authority code M1-26-00000001" in out
    # Shopee COD order: 2 x 145.000 + 75.000 = 365.000 gross; 1,1 kg -> 2 started kg ->
    # fee 9.000 + 2 x 2.000 = 13.000 paid by the buyer; COD 378.000.
    assert "shopee: imported ORD-000002" in out
    assert "shopee: nothing new (already imported, no duplicate)" in out
    assert "fee Rp13.000,00 paid by buyer, COD Rp378.000,00  [ORD-000002 shipped]" in out
    assert "COD      Rp378.000,00 collected" in out
    assert "net      Rp328.828,83" in out
    assert out.count(": completed\n") == 2
    assert "JKT-1  TSHIRT-RED-M     15 on hand" in out
    assert "time     new 20m, confirmed 0m, processing 1h, shipped 1d 7h 45m" in out


def test_demo_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--json"]) == 0
    state = json.loads(capsys.readouterr().out)
    assert [o["status"] for o in state["orders"]] == ["completed", "completed"]
    assert [o["channel"]["code"] for o in state["orders"]] == ["web", "shopee"]
    assert state["names"]["shopee"] == "ORD-000002"


def test_python_dash_m_demo() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "salesorder", "demo"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Rp2.950.000,00" in done.stdout
    assert done.stderr == ""


def test_a_reader_that_leaves_early_is_no_traceback() -> None:
    """``salesorder demo | head -1``: the pipe closes; exit 1, nothing on stderr."""
    with subprocess.Popen(
        [sys.executable, "-m", "salesorder", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as done:
        assert done.stdout is not None
        assert done.stderr is not None
        done.stdout.close()  # before the command writes anything
        err = done.stderr.read()
        assert done.wait(timeout=120) == 1
    assert err == b""


def test_the_demo_file_round_trips() -> None:
    demo = load_demo()
    assert load_scenario(json.loads(json.dumps(dump_scenario(demo)))) == demo


# -- run -----------------------------------------------------------------------------------------


def test_run_prints_the_resulting_state(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["run", write(tmp_path, SMALL)]) == 0
    state = json.loads(capsys.readouterr().out)
    (order,) = state["orders"]
    assert order["id"] == "ORD-000001"
    assert order["status"] == "completed"
    assert order["pricing"]["gross"] == idr("450000.00")
    assert order["pricing"]["tax"] == idr("44594.59")
    (shipment,) = state["shipments"]
    assert shipment["cod_amount"] == idr("461000")
    assert shipment["status"] == "delivered"
    assert [(s["sku"], s["on_hand"]) for s in state["stock"]] == [("TSHIRT-RED-M", 7)]
    assert state["payments"][0]["amount"] == idr("461000")
    assert state["names"] == {"o1": "ORD-000001", "s1": "SHP-000001"}
    assert state["events"][0]["type"] == "OrderPriced"
    assert state["events"][-1] == {
        "type": "OrderCompleted",
        "order_id": "ORD-000001",
        "at": "2026-01-07T09:00:00+07:00",
    }
    assert state["clock"] == "2026-01-07T09:00:00+07:00"


def test_check_validates_without_running(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = small()
    data["commands"][2]["type"] = "cancel_order"  # valid, though the run would differ
    assert main(["check", write(tmp_path, data)]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


# -- invalid files: exit 2, nothing run --------------------------------------------------------


def test_quantity_zero_names_the_field(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = small()
    data["commands"][0]["lines"].append({"sku": "TSHIRT-RED-M", "quantity": 0})
    assert fails(capsys, tmp_path, data) == (
        "error: commands[0].lines[1].quantity: NewLine.quantity must be > 0, got 0"
    )


def test_unknown_key(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = small()
    data["commands"][3]["colour"] = "red"
    error = fails(capsys, tmp_path, data)
    assert error.startswith("error: commands[3].colour: unknown key 'colour' in ShipOrder")


def test_unknown_top_level_key(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = small()
    data["orders"] = []
    assert fails(capsys, tmp_path, data).startswith("error: orders: unknown key 'orders'")


def test_wrong_version(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = small()
    data["version"] = 2
    assert fails(capsys, tmp_path, data) == (
        "error: version: unsupported version 2; this salesorder reads version 1"
    )


def test_wrong_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = small()
    del data["format"]
    assert fails(capsys, tmp_path, data) == "error: format: required field missing"


def test_bad_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = json.dumps(SMALL, indent=2).replace('"version": 1,', '"version": 1')
    error = fails(capsys, tmp_path, text)
    assert error.startswith("error: $: invalid JSON at line 4, column 3: Expecting ','")


def test_not_an_object(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert fails(capsys, tmp_path, [SMALL]) == "error: $: a scenario is a JSON object"


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    assert main(["run", str(missing)]) == 2
    assert capsys.readouterr().err == f"error: {missing}: no such file\n"


def test_float_money_in_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = small()
    data["products"][0]["price"]["amount"] = 150000.5
    error = fails(capsys, tmp_path, data)
    assert error.startswith("error: products[0].price.amount: expected a decimal string")
    assert "float 150000.5" in error


def test_naive_start_time(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = small()
    data["start"] = "2026-01-05T09:00:00"
    assert fails(capsys, tmp_path, data).startswith("error: start: a date and time must be")


def test_unknown_step_type(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = small()
    data["commands"][1] = {"type": "teleport", "order_id": "$o1"}
    assert fails(capsys, tmp_path, data).startswith(
        "error: commands[1].type: unknown step type 'teleport'; expected one of 'add_customer'"
    )


def test_reference_to_a_later_or_unknown_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = small()
    data["commands"][1]["order_id"] = "$s1"  # defined by commands[3], later
    assert fails(capsys, tmp_path, data) == (
        "error: commands[1].order_id: unknown reference '$s1': no earlier step has \"as\": 's1'"
    )


def test_a_name_given_twice(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = small()
    data["commands"][3]["as"] = "o1"
    assert fails(capsys, tmp_path, data) == (
        "error: commands[3].as: the name 'o1' is already given to commands[0]"
    )


def test_bad_setting(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = small()
    data["settings"] = {"rounding": {"mode": "bankers"}}
    assert fails(capsys, tmp_path, data).startswith(
        "error: settings.rounding.mode: expected one of 'half_up', 'half_even'"
    )


# -- a valid file whose run fails: exit 1 -------------------------------------------------------


def test_insufficient_stock_fails_the_step(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = small()
    data["commands"][0]["lines"][0]["quantity"] = 11
    assert fails(capsys, tmp_path, data, exit_code=1) == (
        "error: commands[2]: SKU 'TSHIRT-RED-M' has 10 available in 'JKT-1', 11 requested"
    )


def test_a_refused_setup_entry(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = small()
    data["stock"][0]["warehouse"] = "SBY-1"
    assert (
        fails(capsys, tmp_path, data, exit_code=1) == "error: stock[0]: warehouse 'SBY-1' not found"
    )


def test_run_scenario_raises_scenario_error_with_the_step_path() -> None:
    data = small()
    data["commands"].insert(1, {"type": "complete_order", "order_id": "$o1"})
    scenario = load_scenario(data)
    with pytest.raises(ScenarioError) as info:
        run_scenario(scenario)
    assert info.value.path == "commands[1]"
    assert "cannot complete order 'ORD-000001' in status 'new'" in str(info.value)


def test_parse_scenario_reads_text() -> None:
    assert parse_scenario(json.dumps(SMALL)) == load_scenario(SMALL)


# -- the command line itself ------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"salesorder {salesorder.__version__}\n"


def test_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: salesorder" in capsys.readouterr().err


# -- standard input ------------------------------------------------------------------------------


def stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode()), "utf-8"))


def test_run_dash_reads_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin(monkeypatch, json.dumps(SMALL))
    assert main(["run", "-"]) == 0
    (order,) = json.loads(capsys.readouterr().out)["orders"]
    assert order["status"] == "completed"


def test_check_dash_reports_bad_json_on_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin(monkeypatch, "{")
    assert main(["check", "-"]) == 2
    assert capsys.readouterr().err.startswith("error: $: invalid JSON at line 1, column 2")


# -- run --database: a database that cannot be used, exit 2, nothing written ---------------------


def refused(capsys: pytest.CaptureFixture[str], args: list[str], exit_code: int = 2) -> str:
    """Run ``salesorder args``, check it fails with one line on stderr; that line."""
    assert main(args) == exit_code
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    return err.strip()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("notaurl", "not a database URL: 'notaurl'; use one such as sqlite:///shop.db or "),
        ("foo://x", "unknown kind of database 'foo': use a URL such as sqlite:///shop.db or "),
        ("postgres://u@h/db", "unknown kind of database 'postgres': use a URL such as "),
        (
            "postgresql+psycopg2://u@h/db",
            "the database driver 'psycopg2' is not installed: "
            'pip install "salesorder[postgres]" and write postgresql+psycopg://',
        ),
        ("sqlite:////no/such/dir/shop.db", "cannot use the database: no directory '/no/such/dir'"),
        # port 1: nothing listens, so the connection is refused at once (psycopg words the
        # rest of the message differently from release to release)
        (
            "postgresql+psycopg://nobody@127.0.0.1:1/shop",
            "cannot use the database: connection failed: ",
        ),
    ],
)
def test_a_database_that_cannot_be_used(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, url: str, message: str
) -> None:
    error = refused(capsys, ["run", write(tmp_path, SMALL), "--database", url])
    assert error.startswith(f"error: --database: {message}")


@pytest.mark.parametrize(
    ("url", "extra"),
    [("sqlite:///shop.db", "sql"), ("postgresql+psycopg://u@h/shop", "postgres")],
)
def test_the_sql_extra_missing(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    url: str,
    extra: str,
) -> None:
    monkeypatch.setitem(sys.modules, "sqlalchemy", None)  # as if it were not installed
    assert refused(capsys, ["run", write(tmp_path, SMALL), "--database", url]) == (
        f'error: --database: the sql extra is not installed: pip install "salesorder[{extra}]"'
    )


def test_the_postgres_driver_missing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    url = "postgresql+psycopg://u@h/shop"
    assert refused(capsys, ["demo", "--database", url]) == (
        "error: --database: the database driver 'psycopg' is not installed: "
        'pip install "salesorder[postgres]"'
    )


def test_a_bad_setting_names_the_field_not_the_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = small()
    data["settings"] = {"currency": "XXX1"}
    database = tmp_path / "shop.db"
    args = ["run", write(tmp_path, data), "--database", sqlite_url(database)]
    assert refused(capsys, args) == (
        "error: settings.currency: unknown currency code 'XXX1': "
        "expected an ISO 4217 code such as 'IDR'"
    )
    assert not database.exists()


def test_a_database_with_data_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    database = tmp_path / "shop.db"
    args = ["run", write(tmp_path, SMALL), "--database", sqlite_url(database)]
    assert main(args) == 0
    capsys.readouterr()
    assert refused(capsys, args) == (
        "error: --database: the database already holds data (products); a scenario runs only "
        "into an empty database, since its ids count up from the first"
    )
    store = SqlStore(sqlite_url(database), create=False)
    with store() as uow:  # the first run's data is untouched
        assert [order.status.value for order in uow.orders.list()] == ["completed"]
    store.dispose()


def test_demo_into_a_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["demo", "--database", sqlite_url(tmp_path / "demo.db")]) == 0
    assert "Rp2.950.000,00" in capsys.readouterr().out


# -- run --database: all or nothing --------------------------------------------------------------


def tables(url: str) -> dict[str, int]:
    """The salesorder tables in the database at ``url`` and their numbers of rows."""
    engine = create_engine(url)
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names()) & set(metadata.tables)
        counts = {
            name: conn.execute(select(func.count()).select_from(metadata.tables[name])).scalar_one()
            for name in names
        }
    engine.dispose()
    return counts


def test_a_failed_step_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = small()
    data["commands"][0]["lines"][0]["quantity"] = 11
    database = tmp_path / "shop.db"
    url = sqlite_url(database)
    assert refused(capsys, ["run", write(tmp_path, data), "--database", url], exit_code=1) == (
        "error: commands[2]: SKU 'TSHIRT-RED-M' has 10 available in 'JKT-1', 11 requested; "
        "nothing was written to the database"
    )
    assert not database.exists()
    assert main(["run", write(tmp_path, SMALL), "--database", url]) == 0  # not "already exists"


# The rehearsal in memory passes; these traps make the database itself refuse the first order.
SQLITE_TRAP = (
    "CREATE TRIGGER trap BEFORE INSERT ON so_orders BEGIN SELECT RAISE(ABORT, 'trap'); END"
)
POSTGRES_TRAP = (
    "CREATE OR REPLACE FUNCTION so_test_trap() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'trap'; END $$; "
    "CREATE TRIGGER trap BEFORE INSERT ON so_orders FOR EACH ROW EXECUTE FUNCTION so_test_trap()"
)


def trap_the_database(monkeypatch: pytest.MonkeyPatch, trap: str) -> None:
    """Set ``trap`` in the database the run's application is built on, once its schema is made."""

    def build_with_a_trap(*args: Any, **kwargs: Any) -> SalesApp:
        app = build(*args, **kwargs)
        if isinstance(app.uow, SqlStore):
            with app.uow.engine.begin() as conn:
                conn.exec_driver_sql(trap)
        return app

    monkeypatch.setattr(scenario_run, "build", build_with_a_trap)


def test_a_run_failing_in_a_new_sqlite_file_removes_the_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    database = tmp_path / "shop.db"
    args = ["run", write(tmp_path, SMALL), "--database", sqlite_url(database)]
    with monkeypatch.context() as patch:
        trap_the_database(patch, SQLITE_TRAP)
        error = refused(capsys, args, exit_code=1)
    assert error.startswith(
        "error: commands[0]: the database refused the write (integrity constraint); "
        "nothing was written: trap"
    )
    assert error.endswith(f"; nothing was kept: the database file {str(database)!r} was removed")
    assert not database.exists()
    assert main(args) == 0


def test_a_run_failing_in_an_empty_schema_deletes_its_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = sqlite_url(tmp_path / "shop.db")
    SqlStore(url).dispose()  # an empty schema, made beforehand
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(SQLITE_TRAP)
    args = ["run", write(tmp_path, SMALL), "--database", url]
    error = refused(capsys, args, exit_code=1)
    assert error.startswith("error: commands[0]: ")
    assert error.endswith("; nothing was kept: the rows the run wrote were deleted")
    counts = tables(url)
    assert counts.pop("so_schema") == 1
    assert set(counts.values()) == {0}  # the warehouse, product, customer and stock are gone
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER trap")
    engine.dispose()
    assert main(args) == 0


def test_postgresql_all_or_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A run that fails on PostgreSQL drops the tables it made; a run into data is refused."""
    url = fresh_postgres()
    args = ["run", write(tmp_path, SMALL), "--database", url]
    with monkeypatch.context() as patch:
        trap_the_database(patch, POSTGRES_TRAP)
        error = refused(capsys, args, exit_code=1)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP FUNCTION so_test_trap")
    engine.dispose()
    assert error.startswith(
        "error: commands[0]: the database failed; nothing was written: trap CONTEXT:"
    )
    assert error.endswith("; nothing was kept: the tables the run created were dropped")
    assert tables(url) == {}
    assert main(args) == 0
    capsys.readouterr()
    error = refused(capsys, args)
    assert error.startswith("error: --database: the database already holds data (products)")


# -- outbox --------------------------------------------------------------------------------


def _dead_call(url: str) -> str:
    """Put one dead-lettered courier booking in the database at ``url``; returns its key."""
    app = build(database_url=url)
    call = Call(kind=CallKind.BOOK_COURIER, target="jnt", subject="SHP-9", reference="R-9")
    with app.transaction() as tx:
        item = OutboxItem(call=call, written_at=tx.now, state=OutboxState.DEAD, attempts=8)
        tx.uow.outbox.add(item)
    assert isinstance(app.uow, SqlStore)
    app.uow.dispose()
    return item.key


def test_outbox_lists_retries_and_discards_calls_in_a_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    key = _dead_call(url)
    assert main(["outbox", "list", "--database", url]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{key}  dead  attempts 8")
    # retry makes it due again with a fresh count; the shop's dispatcher sends it
    assert main(["outbox", "retry", "--database", url]) == 0
    capsys.readouterr()
    assert main(["outbox", "list", "--database", url]) == 0
    assert f"{key}  pending  attempts 0  due now" in capsys.readouterr().out
    assert (
        main(["outbox", "discard", key, "--reason", "parcel sent by hand", "--database", url]) == 0
    )
    capsys.readouterr()
    assert main(["outbox", "list", "--database", url]) == 0
    assert capsys.readouterr().out == ""
    assert main(["outbox", "list", "--all", "--database", url]) == 0
    assert f"{key}  discarded" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (["discard", "K"], 2, "error: outbox discard: give exactly one KEY and a --reason"),
        (["retry", "no-such-key"], 1, "error: outbox retry: "),
    ],
)
def test_outbox_refuses_what_it_cannot_do(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], status: int, message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    _dead_call(url)
    assert main(["outbox", *argv, "--database", url]) == status
    assert capsys.readouterr().err.startswith(message)


def test_outbox_never_creates_a_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    assert main(["outbox", "list", "--database", url]) == 2
    assert "has no salesorder schema" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()
