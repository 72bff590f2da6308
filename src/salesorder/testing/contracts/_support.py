"""Helpers shared by the contract kits: an assertion on exceptions and worked sample data."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from salesorder.domain.catalog import Product
from salesorder.domain.channels import Channel
from salesorder.domain.customers import Address, Customer, Warehouse
from salesorder.domain.invoicing import CreditNote, Invoice, InvoiceKind, InvoiceSeries, Party
from salesorder.domain.orders import Order, OrderLine
from salesorder.domain.payments import CustomerCredit, Payment, PaymentMethod
from salesorder.domain.pricing import LineToPrice, TaxMode, price_lines
from salesorder.domain.shipping import FeePayer, ServiceLevel, Shipment
from salesorder.domain.tax import TaxRate
from salesorder.money import Money, RoundingPolicy

__all__ = [
    "ADDRESS",
    "CURRENCY",
    "T0",
    "credit_note",
    "customer",
    "customer_credit",
    "invoice",
    "invoice_series",
    "order",
    "payment",
    "product",
    "raises",
    "run_threads",
    "shipment",
    "warehouse",
]

T = TypeVar("T")

#: The time every sample is stamped with (a Monday morning in UTC).
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
CURRENCY = "IDR"
ADDRESS = Address(line1="Jl. Asia Afrika 8", city="Bandung", country="ID", postal_code="40111")
PPN = TaxRate(
    code="ID-PPN-12-DPP",
    name="PPN 12% (DPP 11/12)",
    rate=Decimal("0.12"),
    base_factor=Fraction(11, 12),
)


@contextlib.contextmanager
def raises(
    expected: type[BaseException] | tuple[type[BaseException], ...], what: str
) -> Iterator[list[BaseException]]:
    """Assert that the block raises ``expected``; the caught error is appended to the list.

    A tiny stand-in for ``pytest.raises`` so the kits import without pytest.
    """
    caught: list[BaseException] = []
    try:
        yield caught
    except expected as error:
        caught.append(error)
    else:
        names = (
            expected.__name__
            if isinstance(expected, type)
            else " or ".join(e.__name__ for e in expected)
        )
        raise AssertionError(f"{what}: expected {names} to be raised, nothing was")


def run_threads(count: int, target: Callable[[int], T], *, timeout: float = 60.0) -> list[T]:
    """Run ``target(i)`` in ``count`` threads started together; return results in order.

    Raises:
        AssertionError: a thread raised (the first error is chained) or did not finish.
    """
    barrier = threading.Barrier(count)
    results: dict[int, T] = {}
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout)
            results[index] = target(index)
        except BaseException as error:  # reported to the main thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if any(thread.is_alive() for thread in threads):
        raise AssertionError(f"threads did not finish within {timeout} s")
    if errors:
        raise AssertionError(f"{len(errors)} thread(s) failed: {errors[0]!r}") from errors[0]
    return [results[i] for i in range(count)]


def warehouse(code: str, name: str = "Gudang") -> Warehouse:
    """A warehouse in Bandung."""
    return Warehouse(code=code, name=name, address=ADDRESS, person_in_charge="Sari")


def product(sku: str, name: str = "Kaos merah M", price: str = "150000") -> Product:
    """A T-shirt priced in IDR."""
    return Product(
        sku=sku,
        name=name,
        price=Money.of(price, CURRENCY),
        unit_cost=Money.of("80000", CURRENCY),
        weight_kg=Decimal("0.3"),
    )


def customer(customer_id: str, name: str = "Budi") -> Customer:
    """An individual buyer with one address."""
    return Customer(id=customer_id, name=name, addresses=(ADDRESS,))


def order(
    order_id: str,
    *,
    customer_id: str,
    skus: Sequence[str],
    channel: Channel | None = None,
    external_ref: str = "",
) -> Order:
    """A NEW order, priced (tax included, PPN 12% on 11/12), one unit of each SKU."""
    lines = [
        OrderLine(
            line_id=str(number),
            sku=sku,
            quantity=number,
            unit_price=Money.of("150000", CURRENCY),
            name=f"Item {sku}",
        )
        for number, sku in enumerate(skus, 1)
    ]
    result = Order.new(
        id=order_id,
        channel=channel or Channel.web(),
        customer_id=customer_id,
        currency=CURRENCY,
        placed_at=T0,
        lines=lines,
        shipping_address=ADDRESS,
        external_ref=external_ref,
        payment_method=PaymentMethod.COD,
    )
    result.apply_pricing(
        price_lines(
            [
                LineToPrice(
                    line_id=line.line_id,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    tax_rate=PPN,
                )
                for line in lines
            ],
            currency=CURRENCY,
            tax_mode=TaxMode.INCLUDED,
            policy=RoundingPolicy(),
        )
    )
    return result


def shipment(shipment_id: str, *, order_id: str, warehouse_code: str, label: str = "") -> Shipment:
    """A booked economy parcel, COD."""
    return Shipment(
        id=shipment_id,
        order_id=order_id,
        warehouse=warehouse_code,
        courier="jnt",
        service=ServiceLevel.ECONOMY,
        tracking_number=f"JNT-{shipment_id}",
        label=label or f"label of {shipment_id}",
        fee=Money.of("11000", CURRENCY),
        fee_payer=FeePayer.BUYER,
        weight_kg=Decimal("0.3"),
        cod_amount=Money.of("161000", CURRENCY),
    )


def invoice(invoice_id: str, *, of: Order, series: str) -> Invoice:
    """A draft sales invoice for the priced order ``of``."""
    assert of.pricing is not None  # noqa: S101 - samples are always priced
    return Invoice.draft_from_order(
        id=invoice_id,
        order_id=of.id,
        pricing=of.pricing,
        descriptions={line.line_id: (line.sku, line.name) for line in of.lines},
        kind=InvoiceKind.SALES,
        series=series,
        seller=Party(name="Toko Contoh", address=ADDRESS, tax_id="01.300.066.6-091.000"),
        buyer=Party(name="Budi"),
    )


def credit_note(
    note_id: str, *, of: Order, series: str, number: str = "CN-000001", amount: str = "1000"
) -> CreditNote:
    """A partial credit note of ``amount`` IDR on an issued invoice of order ``of``."""
    issued = invoice(f"{note_id}-INV", of=of, series=series)
    issued.issue("INV-000001", T0, T0.date())
    return CreditNote.for_invoice(
        issued,
        id=note_id,
        series=series,
        number=number,
        at=T0,
        amount=Money.of(amount, CURRENCY),
        reason="damaged",
    )


def customer_credit(customer_id: str, amount: str = "5000") -> CustomerCredit:
    """A customer's credit in IDR with one entry."""
    credit = CustomerCredit(customer_id=customer_id, currency=CURRENCY)
    credit.add(Money.of(amount, CURRENCY), "overpayment", T0)
    return credit


def invoice_series(code: str, prefix: str = "INV-") -> InvoiceSeries:
    """A numbering series."""
    return InvoiceSeries(code=code, prefix=prefix)


def payment(payment_id: str, *, order_id: str, reference: str, amount: str = "1000") -> Payment:
    """A bank transfer in IDR."""
    return Payment(
        id=payment_id,
        order_id=order_id,
        method=PaymentMethod.BANK_TRANSFER,
        amount=Money.of(amount, CURRENCY),
        reference=reference,
        received_at=T0,
    )
