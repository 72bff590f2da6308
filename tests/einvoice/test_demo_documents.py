"""Every invoice and credit note the demo issues is valid EN 16931 UBL and CII by default."""

from __future__ import annotations

from salesorder import to_cii, to_ubl, validate_cii, validate_ubl
from salesorder.scenario import ScenarioRun, load_demo


def test_the_demos_documents_are_valid_in_both_syntaxes_and_charge_what_was_paid() -> None:
    run = ScenarioRun(load_demo())
    run.run()
    with run.app.uow() as uow:
        invoices = [i for i in uow.invoices.list() if i.number is not None]
        notes = uow.credit_notes.list()
        orders = {o.id: o for o in uow.orders.list()}
    assert invoices
    for document in [*invoices, *notes]:
        assert validate_ubl(to_ubl(document)) == [], document.number
        assert validate_cii(to_cii(document)) == [], document.number
    for invoice in invoices:
        order = orders[invoice.order_id]
        if len(order.invoice_ids) == 1 and not notes:
            # one invoice per order: it shows all the buyer paid, shipping and rounding in
            assert invoice.gross + invoice.rounding == order.amount_due == order.paid
            assert invoice.amount_due.is_zero
