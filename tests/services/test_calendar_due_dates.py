"""Settings.calendar moves an invoice's due dates off the shop's closed days.

The clock starts on Monday 2026-01-05. Net 5 ends on Saturday 10 January; the shop also
closes on Monday 12 January (a stock take). With the calendar, the invoice is due on
Tuesday 13 January (``next``) or Friday 9 January (``previous``); without one, on Saturday.

These tests run once ``Invoice.issue`` takes the calendar (the wiring in
``services/billing.py`` and ``domain/invoicing/invoice.py``); until then they are skipped.
"""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
from tests.services.conftest import stock_shop

from salesorder import SalesApp, commands, in_memory
from salesorder.domain.calendar import BusinessCalendar
from salesorder.domain.invoicing import Invoice
from salesorder.domain.terms import TermsKind
from salesorder.services.app import Settings

pytestmark = pytest.mark.skipif(
    "calendar" not in inspect.signature(Invoice.issue).parameters,
    reason="Invoice.issue does not take the shop's calendar yet",
)

STOCK_TAKE = dt.date(2026, 1, 12)


def due_dates(app: SalesApp, **terms: object) -> tuple[dt.date | None, list[dt.date]]:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1", lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=1),)
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id, **terms))  # type: ignore[arg-type]
    with app.uow() as uow:
        invoice = uow.invoices.get(invoice_id)
    return invoice.due_date, [part.due_date for part in invoice.schedule]


@pytest.mark.parametrize(
    ("calendar", "due"),
    [
        (None, dt.date(2026, 1, 10)),
        (BusinessCalendar(closed=(STOCK_TAKE,)), dt.date(2026, 1, 13)),
        (BusinessCalendar(closed=(STOCK_TAKE,), due_date_rule="previous"), dt.date(2026, 1, 9)),
        (BusinessCalendar(due_date_rule="unchanged"), dt.date(2026, 1, 10)),
    ],
)
def test_a_net_term_ending_on_a_closed_day_moves_as_the_shop_says(
    calendar: BusinessCalendar | None, due: dt.date
) -> None:
    app = stock_shop(in_memory(Settings(calendar=calendar)))
    assert due_dates(app, terms=TermsKind.NET, terms_days=5) == (due, [due])


def test_each_instalment_moves() -> None:
    app = stock_shop(in_memory(Settings(calendar=BusinessCalendar(closed=(STOCK_TAKE,)))))
    last, parts = due_dates(app, instalment_days=(0, 5, 7))
    assert parts == [dt.date(2026, 1, 5), dt.date(2026, 1, 13), dt.date(2026, 1, 13)]
    assert last == dt.date(2026, 1, 13)
