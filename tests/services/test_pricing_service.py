"""Price lists, promotions and vouchers through the application: commands, limits, races.

The shop of conftest.py: TSHIRT-RED-M at Rp150,000 and CAP-BLK at Rp49,999.50, tax included
(PPN 12% on 11/12 of the price, so 11% effective), customers C1 and C2.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from conftest import BANDUNG, Snapshot

from salesorder import (
    Customer,
    Funder,
    Money,
    NotFound,
    PriceEntry,
    PriceList,
    PriceListCurrencyMismatch,
    Promotion,
    SalesApp,
    TaxMode,
    Voucher,
    VoucherUsedUp,
    commands,
)
from salesorder.domain.pricing import TraceKind


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def place(app: SalesApp, customer: str = "C1", *, vouchers: tuple[str, ...] = ()) -> str:
    return app.execute(
        commands.PlaceOrder(
            customer_id=customer,
            lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=2),),
            shipping_address=BANDUNG,
            vouchers=vouchers,
        )
    )


def pricing_of(app: SalesApp, order_id: str) -> Any:
    with app.uow() as uow:
        return uow.orders.get(order_id).pricing


def test_a_group_price_list_and_an_automatic_promotion_price_new_orders(app: SalesApp) -> None:
    app.execute(
        commands.AddCustomer(
            customer=Customer(id="C-VIP", name="Sari", group="vip", addresses=(BANDUNG,))
        )
    )
    app.execute(
        commands.AddPriceList(
            price_list=PriceList(
                code="VIP",
                name="VIP prices",
                currency="IDR",
                tax_mode=TaxMode.INCLUDED,
                customer_group="vip",
                entries=[PriceEntry(sku="TSHIRT-RED-M", unit_price=idr("140000"))],
            )
        )
    )
    app.execute(commands.AddPromotion(promotion=Promotion.percent_off("TEN", "10")))
    vip = pricing_of(app, place(app, "C-VIP"))
    # 2 x 140,000 = 280,000, 10% off: 252,000 gross.
    assert vip.gross == idr("252000")
    assert vip.line("1").unit_price == idr("140000")
    plain = pricing_of(app, place(app, "C1"))
    # 2 x 150,000 = 300,000, 10% off: 270,000.
    assert plain.gross == idr("270000")
    assert [s.source for s in plain.trace.of_kind(TraceKind.DISCOUNT)] == ["TEN"]


def test_voucher_uses_are_counted_once_per_order_and_limited(app: SalesApp) -> None:
    app.execute(
        commands.AddVoucher(
            voucher=Voucher(
                code="HEMAT",
                promotion=Promotion.order_amount_off(
                    "HEMAT-20K", idr("20000"), automatic=False, funded_by=Funder.PLATFORM
                ),
                usage_limit=2,
                per_customer_limit=1,
            )
        )
    )
    first = place(app, vouchers=("HEMAT",))
    priced = pricing_of(app, first)
    assert priced.gross == idr("280000")
    assert priced.platform_discount == idr("20000")
    # Editing the order prices it again without using the voucher twice.
    app.execute(commands.ChangeQuantity(order_id=first, line_id="1", quantity=3))
    with app.uow() as uow:
        assert uow.vouchers.get("HEMAT").redemptions == {first: "C1"}
    with pytest.raises(VoucherUsedUp, match="customer 'C1'"):
        place(app, vouchers=("HEMAT",))
    app.execute(commands.AddCustomer(customer=Customer(id="C3", name="Dewi", addresses=(BANDUNG,))))
    place(app, "C3", vouchers=("HEMAT",))
    app.execute(commands.AddCustomer(customer=Customer(id="C4", name="Eka", addresses=(BANDUNG,))))
    with pytest.raises(VoucherUsedUp, match="2 of 2 uses taken"):
        place(app, "C4", vouchers=("HEMAT",))
    # Cancelling gives the use back.
    app.execute(commands.CancelOrder(order_id=first, reason="changed mind"))
    place(app, "C4", vouchers=("HEMAT",))


def test_dropping_a_voucher_releases_it(app: SalesApp) -> None:
    app.execute(
        commands.AddVoucher(
            voucher=Voucher(
                code="ONCE",
                promotion=Promotion.order_percent_off("ONCE-5", "5", automatic=False),
                usage_limit=1,
            )
        )
    )
    order_id = place(app, vouchers=("ONCE",))
    app.execute(commands.SetVouchers(order_id=order_id, vouchers=()))
    assert pricing_of(app, order_id).gross == idr("300000")
    place(app, "C1", vouchers=("ONCE",))


def test_two_threads_racing_for_the_last_voucher_use(app: SalesApp) -> None:
    app.execute(
        commands.AddVoucher(
            voucher=Voucher(
                code="LAST",
                promotion=Promotion.order_percent_off("LAST-5", "5", automatic=False),
                usage_limit=1,
            )
        )
    )
    app.backoff = lambda _attempt: None
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def buy() -> None:
        barrier.wait()
        try:
            place(app, vouchers=("LAST",))
            outcomes.append("won")
        except VoucherUsedUp:
            outcomes.append("used up")

    threads = [threading.Thread(target=buy) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["used up", "used up", "used up", "won"]
    with app.uow() as uow:
        assert uow.vouchers.get("LAST").uses == 1
        assert len(uow.orders.list()) == 1


@pytest.mark.parametrize(
    ("setup", "error", "message"),
    [
        (None, NotFound, "voucher 'NOPE' not found"),
        (
            commands.AddVoucher(
                voucher=Voucher(
                    code="NOPE",
                    promotion=Promotion.order_percent_off("OLD", "5", automatic=False),
                    valid_to=dt.date(2020, 1, 1),
                )
            ),
            Exception,
            "'NOPE' is not valid on",
        ),
        (
            commands.AddPriceList(
                price_list=PriceList(
                    code="USD",
                    name="Dollars",
                    currency="USD",
                    entries=[PriceEntry(sku="TSHIRT-RED-M", unit_price=Money.of("9", "USD"))],
                )
            ),
            PriceListCurrencyMismatch,
            "list 'USD'",
        ),
    ],
)
def test_bad_pricing_input_leaves_everything_as_it_was(
    app: SalesApp, snapshot: Snapshot, setup: Any, error: type[Exception], message: str
) -> None:
    if setup is not None:
        app.execute(setup)
    before = snapshot()
    with app.uow() as uow:
        vouchers_before = uow.vouchers.list()
    with pytest.raises(error, match=message):
        place(app, vouchers=("NOPE",) if setup is None or "NOPE" in repr(setup) else ())
    assert snapshot() == before
    with app.uow() as uow:
        assert uow.vouchers.list() == vouchers_before
