"""Billing: e-invoice answers, invoices drafted from orders, numbering series, payments."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from salesorder.domain.invoicing import (
    EInvoiceState,
    EInvoiceStatus,
    Invoice,
    InvoiceKind,
    InvoiceSeries,
    Party,
    PaymentMeans,
)
from salesorder.domain.payments import Payment, PaymentMethod
from salesorder.money import currency_info
from salesorder.testing.strategies.amounts import currencies, money
from salesorder.testing.strategies.basics import (
    _CODE_ALPHABET,
    Spec,
    _spec,
    codes,
    texts,
    timestamps,
)
from salesorder.testing.strategies.catalog import addresses
from salesorder.testing.strategies.ordering import orders

__all__ = ["SAMPLE_TAX_IDS", "einvoice_statuses", "invoice_series", "invoices", "payments"]


def einvoice_statuses() -> st.SearchStrategy[EInvoiceStatus]:
    """E-invoice provider answers: pending, accepted with a code, rejected with reasons."""
    return st.one_of(
        st.builds(
            EInvoiceStatus,
            provider=codes(),
            provider_ref=codes(),
            state=st.just(EInvoiceState.PENDING),
        ),
        st.builds(
            EInvoiceStatus,
            provider=codes(),
            provider_ref=codes(),
            state=st.just(EInvoiceState.ACCEPTED),
            authority_code=codes(),
        ),
        st.builds(
            EInvoiceStatus,
            provider=codes(),
            provider_ref=codes(),
            state=st.just(EInvoiceState.REJECTED),
            reasons=st.lists(texts(), min_size=1, max_size=3),
        ),
    )


#: Valid tax identifiers per country (checked at issue by salesorder.domain.taxids).
SAMPLE_TAX_IDS = {
    "ID": "01.300.066.6-091.000",
    "VN": "0100233488",
    "MY": "C2584563202",
    "DE": "DE136695976",
    "SG": "200312345A",
}


@st.composite
def _party(draw: st.DrawFn) -> Party:
    country = draw(st.sampled_from(sorted(SAMPLE_TAX_IDS)))
    return Party(
        name=draw(texts()),
        address=draw(addresses(country)),
        tax_id=SAMPLE_TAX_IDS[country],
    )


def _parties() -> st.SearchStrategy[Party]:
    """Sellers and buyers with an address and a valid tax identifier."""
    return _party()


@st.composite
def _invoices(draw: st.DrawFn, currency: Spec[str], issued: bool | None) -> Invoice:
    order = draw(orders(currency))
    assert order.pricing is not None  # noqa: S101 - orders() always prices
    invoice = Invoice.draft_from_order(
        id=draw(codes()),
        order_id=order.id,
        pricing=order.pricing,
        descriptions={line.line_id: (line.sku, line.name or line.sku) for line in order.lines},
        kind=draw(st.sampled_from(list(InvoiceKind))),
        series=draw(codes(max_size=6)),
        seller=draw(_parties()),
        buyer=draw(_parties()),
        payment_means=draw(
            st.none()
            | st.builds(
                PaymentMeans.for_method,
                st.sampled_from(list(PaymentMethod)),
                account=st.sampled_from(["", "BCA 1234567890"]),
                account_name=texts(),
            )
        ),
        rounding=draw(money(order.currency, min_value=-50, max_value=50)),
    )
    if issued if issued is not None else draw(st.booleans()):
        at = draw(timestamps())
        invoice.issue(draw(codes()), at, at.date() + dt.timedelta(days=draw(st.integers(0, 60))))
        status = draw(st.none() | einvoice_statuses())
        if status is not None:
            invoice.record_einvoice(status)
    return invoice


def invoices(
    currency: Spec[str] = None, *, issued: bool | None = None
) -> st.SearchStrategy[Invoice]:
    """Invoices drafted from priced orders.

    Issued ones (maybe with an e-invoice status) when ``issued`` is True, drafts when False,
    either when None.
    """
    return _invoices(currency, issued)


def invoice_series() -> st.SearchStrategy[InvoiceSeries]:
    """Numbering series with a prefix and a next number."""
    return st.builds(
        InvoiceSeries,
        code=codes(max_size=6),
        prefix=st.text(_CODE_ALPHABET, max_size=8),
        next_number=st.integers(1, 10**6),
        width=st.integers(1, 8),
    )


def payments(currency: Spec[str] = None) -> st.SearchStrategy[Payment]:
    """Payments above zero, rounded to the currency's minor units."""

    def in_currency(code: str) -> st.SearchStrategy[Payment]:
        unit = currency_info(code).quantum
        return st.builds(
            Payment,
            id=codes(),
            order_id=codes(),
            method=st.sampled_from(list(PaymentMethod)),
            amount=money(code, min_value=unit),
            reference=codes(),
            received_at=timestamps(),
        )

    return _spec(currency, currencies()).flatmap(in_currency)
