"""The SQL store keeps an invoice's per-line credit state (in its JSON document)."""

from __future__ import annotations

from tests.unit.test_credit_lines import credit, idr, mixed

from salesorder.adapters.sql import SqlStore


def test_credited_lines_survive_a_round_trip_through_the_database(sql_store: SqlStore) -> None:
    invoice = mixed()
    credit(invoice, lines={"1": idr("100000"), "2": idr("111000")})
    with sql_store.unit_of_work() as uow:
        uow.invoices.add(invoice)
        uow.commit()
    with sql_store.unit_of_work() as uow:
        stored = uow.invoices.get(invoice.id)
        assert stored == invoice
        assert stored.credited_lines == {"1": idr("100000"), "2": idr("111000")}
        credit(stored, amount=idr("50000"))
        uow.commit()
    with sql_store.unit_of_work() as uow:
        again = uow.invoices.get(invoice.id)
    assert again.credited == idr("261000")
    assert again.credited_lines == {"1": idr("100000"), "2": idr("161000")}
