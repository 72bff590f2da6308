"""What a read costs the client: a document compared as text, a finder's rows in one statement.

A row is read with its document as the text the database gives (``CAST(doc AS TEXT)``), and
a write returns that text, so a read of a row the store wrote compares two strings and
neither decodes nor structures the document; a document that differs is structured afresh.
A finder (``list``, ``for_order``, ``with_status``...) reads the rows it finds with its own
statement instead of one statement per row, except where a read locks its row. These tests
count statements and structurings; they never time anything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import update

from salesorder.adapters.sql import SqlStore, repositories, schema
from salesorder.domain.invoicing import InvoiceSeries
from salesorder.domain.payments import CustomerCredit
from salesorder.exceptions import ConcurrencyConflict
from salesorder.money import Money

AT = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)
BUDI, SARI, DEWI = ("C1", "IDR"), ("C2", "IDR"), ("C3", "IDR")


def _credit(customer_id: str, amount: str) -> CustomerCredit:
    credit = CustomerCredit(customer_id=customer_id, currency="IDR")
    credit.add(Money.of(amount, "IDR"), "overpayment", AT)
    return credit


def _balance(credit: CustomerCredit) -> str:
    return str(credit.balance.amount)


@pytest.fixture
def store(sql_store: SqlStore) -> SqlStore:
    with sql_store.unit_of_work() as uow:
        uow.customer_credits.add(_credit("C1", "100"))
        uow.customer_credits.add(_credit("C2", "250"))
        uow.invoice_series.add(InvoiceSeries(code="INV"))
        uow.invoice_series.add(InvoiceSeries(code="CN"))
        uow.commit()
    return sql_store


@pytest.fixture
def structured(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The documents the repositories structure from now on."""
    seen: list[object] = []
    real = repositories.structure

    def counting(data: Any, cls: type[Any]) -> Any:
        seen.append(data)
        return real(data, cls)

    monkeypatch.setattr(repositories, "structure", counting)
    return seen


def _no_returning(store: SqlStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's database as one that cannot return what a write stored (SQLite < 3.35)."""
    monkeypatch.setattr(store.engine.dialect, "insert_returning", False)
    monkeypatch.setattr(store.engine.dialect, "update_returning", False)


def test_a_row_the_store_wrote_is_read_without_structuring_it(
    store: SqlStore, structured: list[object]
) -> None:
    # Added (INSERT ... RETURNING) in the fixture, then changed (UPDATE ... RETURNING) here:
    # each time the text remembered is the one the next read gives.
    with store.unit_of_work() as uow:
        uow.customer_credits.get(BUDI).add(Money.of("20", "IDR"), "overpayment", AT)
        uow.commit()
    with store.unit_of_work() as uow:
        assert _balance(uow.customer_credits.get(BUDI)) == "120"
        assert _balance(uow.customer_credits.get(SARI)) == "250"
    assert structured == []


def test_a_row_rewritten_behind_the_store_at_its_version_is_structured_again(
    store: SqlStore, structured: list[object]
) -> None:
    other = SqlStore(store.engine)
    with other.unit_of_work() as uow:
        uow.customer_credits.get(BUDI).add(Money.of("20", "IDR"), "overpayment", AT)
        uow.commit()
    structured.clear()  # what the other store structured
    table = schema.tables["customer_credits"]
    with store.engine.begin() as conn:  # back to version 1, as a restore would
        conn.execute(update(table).where(table.c.customer_id == "C1").values(version=1))
    with store.unit_of_work() as uow:
        assert _balance(uow.customer_credits.get(BUDI)) == "120"
    assert len(structured) == 1


def test_where_a_write_cannot_return_its_text_the_next_read_structures_the_row(
    store: SqlStore, structured: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_returning(store, monkeypatch)
    with store.unit_of_work() as uow:
        uow.customer_credits.get(BUDI).add(Money.of("20", "IDR"), "overpayment", AT)
        uow.customer_credits.add(_credit("C3", "5"))
        uow.commit()
    with store.unit_of_work() as uow:
        assert _balance(uow.customer_credits.get(BUDI)) == "120"
        assert _balance(uow.customer_credits.get(DEWI)) == "5"
    assert len(structured) == 2


@pytest.mark.parametrize("returning", [True, False], ids=["returning", "no-returning"])
def test_the_version_check_still_refuses_a_stale_write(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch, returning: bool
) -> None:
    if not returning:
        _no_returning(store, monkeypatch)
    first, second = store.unit_of_work(), store.unit_of_work()
    with first, second:
        first.customer_credits.get(BUDI).add(Money.of("20", "IDR"), "first", AT)
        second.customer_credits.get(BUDI).add(Money.of("30", "IDR"), "second", AT)
        first.commit()
        with pytest.raises(ConcurrencyConflict, match="'C1'"):
            second.commit()
    with store.unit_of_work() as uow:
        assert _balance(uow.customer_credits.get(BUDI)) == "120"


def test_a_finder_reads_the_rows_it_finds_in_one_statement(
    store: SqlStore, statements: list[str]
) -> None:
    with store.unit_of_work() as uow:
        assert [_balance(c) for c in uow.customer_credits.list()] == ["100", "250"]
        assert _balance(uow.customer_credits.get(SARI)) == "250"  # held since the finder read it
    assert statements == ["SELECT"]


def test_a_finder_keeps_the_working_copy_the_unit_holds(store: SqlStore) -> None:
    with store.unit_of_work() as uow:
        credit = uow.customer_credits.get(BUDI)
        credit.add(Money.of("20", "IDR"), "overpayment", AT)
        found = uow.customer_credits.list()
        assert found[0] is credit
        assert _balance(found[0]) == "120"
        uow.commit()
    with store.unit_of_work() as uow:
        assert _balance(uow.customer_credits.get(BUDI)) == "120"


def test_a_finder_of_rows_that_lock_reads_each_row_with_its_lock(
    store: SqlStore, statements: list[str]
) -> None:
    # A numbering series is read with SELECT ... FOR UPDATE, which the finder's own
    # statement does not take: the finder reads its keys, then each row with the lock.
    with store.unit_of_work() as uow:
        assert [s.code for s in uow.invoice_series.list()] == ["CN", "INV"]
    assert statements == ["SELECT", "SELECT", "SELECT"]
