"""Shipping promotions through the app, and an order's other charges on its invoice.

Figures: the shop of ``conftest.py`` (IDR, prices include PPN 12% on DPP 11/12, an
effective 11%). J&T charges Rp9,000 + Rp2,000 per started kg, so one T-shirt (0.3 kg) or
one cap (0.2 kg) ships for Rp11,000; the buyer pays it (``fee_payer`` defaults to the
buyer). A T-shirt lists at Rp150,000, a cap at Rp49,999.50.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from tests.services.conftest import stock_shop

from salesorder import Money, PaymentMethod, SalesApp, Settings, commands, in_memory
from salesorder.bootstrap import build
from salesorder.domain.balance import OrderBalance
from salesorder.domain.dispatch import plan_shipment
from salesorder.domain.invoicing import SHIPPING_LINE, Invoice
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.order_charges import OrderCharge
from salesorder.domain.orders import Order
from salesorder.domain.pricelists import PricingContext
from salesorder.domain.pricing import (
    LineToPrice,
    PricedShipping,
    TaxMode,
    TraceKind,
    price_order,
    price_shipping,
)
from salesorder.domain.promotions import Funder, Promotion, PromotionKind, Voucher
from salesorder.domain.shipping import FeePayer
from salesorder.exceptions import (
    CurrencyMismatch,
    DuplicateError,
    IllegalTransition,
    TaxRateNotFound,
    TooManyDigits,
    ValidationError,
)
from salesorder.money import RoundingMode, RoundingPolicy
from salesorder.serialization import make_converter, structure, unstructure
from salesorder.services.billing import invoiced_in_full
from salesorder.services.pricing import price_shipping_of


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def _promote(app: SalesApp, code: str, kind: PromotionKind, **options: object) -> None:
    promotion = Promotion(code=code, name=code, kind=kind, **options)  # type: ignore[arg-type]
    app.execute(commands.AddPromotion(promotion=promotion))


def _confirmed(
    app: SalesApp, *lines: tuple[str, int], method: PaymentMethod = PaymentMethod.COD
) -> str:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=tuple(commands.NewLine(sku=sku, quantity=qty) for sku, qty in lines),
            payment_method=method,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    return order_id


def _ship(app: SalesApp, order_id: str, **options: object) -> None:
    app.execute(commands.ReserveStock(order_id=order_id))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt", **options))  # type: ignore[arg-type]


def _order(app: SalesApp, order_id: str) -> Order:
    with app.uow() as uow:
        return uow.orders.get(order_id)


def _collected(app: SalesApp, order_id: str) -> Money | None:
    with app.uow() as uow:
        return uow.shipments.get(uow.orders.get(order_id).shipment_ids[-1]).cod_amount


def _invoice(app: SalesApp, order_id: str) -> Invoice:
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    with app.uow() as uow:
        return uow.invoices.get(invoice_id)


def _line(invoice: Invoice, line_id: str) -> list[Money]:
    return [line.gross for line in invoice.lines if line.line_id == line_id]


# -- shipping promotions ----------------------------------------------------------------------


def test_free_shipping_over_a_minimum_charges_the_buyer_nothing_for_shipping(
    app: SalesApp,
) -> None:
    # Rp150,000 of goods reach the Rp100,000 minimum: the Rp11,000 fee is free. COD: the
    # courier collects the goods only, and the invoice has no shipping line.
    _promote(app, "FREESHIP", PromotionKind.FREE_SHIPPING, min_spend=idr("100000"))
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    _ship(app, order_id)
    order = _order(app, order_id)
    assert order.shipping_charge == idr("0")
    assert order.shipping is not None
    assert (order.shipping.fee, order.shipping.discount) == (idr("11000"), idr("11000"))
    assert order.shipping.promotions == ("FREESHIP",)
    assert "FREESHIP" in str(order.shipping.trace)
    assert order.amount_due == idr("150000")
    assert _collected(app, order_id) == idr("150000")
    invoice = _invoice(app, order_id)
    assert _line(invoice, SHIPPING_LINE) == []
    assert invoice.gross == idr("150000")


def test_free_shipping_below_its_minimum_does_not_apply_and_the_trace_says_why(
    app: SalesApp,
) -> None:
    # A cap lists at Rp49,999.50, below the minimum: the buyer pays the whole Rp11,000.
    _promote(app, "FREESHIP", PromotionKind.FREE_SHIPPING, min_spend=idr("100000"))
    order_id = _confirmed(app, ("CAP-BLK", 1))
    _ship(app, order_id)
    order = _order(app, order_id)
    assert order.shipping_charge == idr("11000")
    assert order.shipping is not None
    assert order.shipping.discount == idr("0")
    notes = order.shipping.trace.of_kind(TraceKind.NOTE)
    assert [(n.source, n.detail) for n in notes] == [
        ("FREESHIP", "not applied: spend 49999.50 is below the minimum 100000")
    ]
    assert _invoice(app, order_id).gross == idr("60999.50")


def test_percent_off_shipping_takes_its_share_off_the_charge_cod_and_invoice(
    app: SalesApp,
) -> None:
    # 50% of Rp11,000 = Rp5,500 off: the buyer pays Rp5,500 for shipping.
    _promote(app, "HALFSHIP", PromotionKind.SHIPPING_PERCENT, percent=50)
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    _ship(app, order_id)
    assert _order(app, order_id).shipping_charge == idr("5500")
    assert _collected(app, order_id) == idr("155500")
    invoice = _invoice(app, order_id)
    assert _line(invoice, SHIPPING_LINE) == [idr("5500")]
    assert invoice.gross + invoice.rounding == idr("155500")


def test_a_promotion_for_another_channel_or_an_inactive_one_takes_nothing_off(
    app: SalesApp,
) -> None:
    _promote(app, "SHOPEE", PromotionKind.FREE_SHIPPING, channels=("shopee",))
    _promote(app, "CODE", PromotionKind.FREE_SHIPPING, automatic=False)
    _promote(app, "OLD", PromotionKind.FREE_SHIPPING, valid_to=dt.date(2025, 12, 31))
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    _ship(app, order_id)
    assert _order(app, order_id).shipping_charge == idr("11000")


def test_the_promotion_is_chosen_for_the_day_the_order_was_placed(app: SalesApp) -> None:
    # The promotion ends the day the order is placed; the order ships two days later.
    placed = app.clock.now().date()
    _promote(app, "TODAY", PromotionKind.FREE_SHIPPING, valid_to=placed)
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    app.clock.advance(days=2)  # type: ignore[attr-defined]
    _ship(app, order_id)
    assert _order(app, order_id).shipping_charge == idr("0")


def test_an_exclusive_goods_promotion_leaves_shipping_promotions_out(app: SalesApp) -> None:
    # As price_order ranks them: the exclusive 10% off the goods applies alone.
    _promote(app, "FREESHIP", PromotionKind.FREE_SHIPPING)
    _promote(app, "TENOFF", PromotionKind.LINE_PERCENT, percent=10, exclusive=True)
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    _ship(app, order_id)
    order = _order(app, order_id)
    assert order.total == idr("135000")
    assert order.shipping_charge == idr("11000")
    assert order.shipping is not None
    assert "exclusive" in str(order.shipping.trace)


def test_a_platform_funded_shipping_promotion_is_kept_apart(app: SalesApp) -> None:
    _promote(app, "PLATFORM", PromotionKind.FREE_SHIPPING, funded_by=Funder.PLATFORM)
    _promote(app, "SELLER", PromotionKind.SHIPPING_FIXED, amount=idr("1000"), priority=1)
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    _ship(app, order_id)
    shipping = _order(app, order_id).shipping
    assert shipping is not None
    # Higher priority first: the seller's Rp1,000, then the platform's Rp10,000 left.
    assert shipping.promotions == ("SELLER", "PLATFORM")
    assert (shipping.discount, shipping.platform_discount) == (idr("11000"), idr("10000"))
    assert shipping.seller_discount == idr("1000")
    assert shipping.charge == idr("0")


def test_the_seller_paying_the_fee_takes_no_promotion(app: SalesApp) -> None:
    _promote(app, "FREESHIP", PromotionKind.FREE_SHIPPING)
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    _ship(app, order_id, fee_payer=FeePayer.SELLER)
    order = _order(app, order_id)
    assert (order.shipping_charge, order.shipping) == (idr("0"), None)


def test_a_split_order_takes_a_fixed_amount_off_its_shipping_once(app: SalesApp) -> None:
    # Rp15,000 off the order's shipping: the first parcel's Rp11,000 is free, the second
    # gets the Rp4,000 left (Rp22,000 - Rp15,000 = Rp7,000 paid in all), not Rp11,000 more.
    _promote(app, "FIFTEEN", PromotionKind.SHIPPING_FIXED, amount=idr("15000"))
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1), ("CAP-BLK", 1))
    app.execute(commands.ReserveStock(order_id=order_id))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt", warehouse="JKT-1"))
    assert _order(app, order_id).shipping_charge == idr("0")
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt", warehouse="SBY-1"))
    order = _order(app, order_id)
    assert order.shipping_charge == idr("7000")
    assert order.shipping is not None
    assert (order.shipping.fee, order.shipping.discount) == (idr("22000"), idr("15000"))
    assert _collected(app, order_id) == order.amount_due


def test_pricing_shipping_needs_a_priced_order(app: SalesApp) -> None:
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    with app.transaction() as tx:
        order = tx.uow.orders.get(order_id)
        order.contents = attrs.evolve(order.contents, pricing=None)
        with pytest.raises(IllegalTransition, match="price the shipping of"):
            price_shipping_of(app, tx, order, idr("11000"))


# -- the domain rules behind them -------------------------------------------------------------

_POLICY = RoundingPolicy(mode=RoundingMode.HALF_UP)
_ON = PricingContext(on=dt.date(2026, 1, 5))


def test_a_later_charge_never_gives_back_what_an_earlier_one_took_off() -> None:
    # The earlier parcel got Rp11,000 off; the promotion has ended since: nothing more comes
    # off, nothing is charged back, and the trace says so.
    earlier = PricedShipping(fee=idr("11000"), discount=idr("11000"))
    priced = price_shipping(
        idr("11000"), goods=idr("1"), context=_ON, promotions=(), policy=_POLICY, earlier=earlier
    )
    assert (priced.fee, priced.discount, priced.charge) == (
        idr("22000"),
        idr("11000"),
        idr("11000"),
    )
    assert "earlier shipping charges took 11000 IDR off" in str(priced.trace)


def test_pricing_shipping_refuses_another_currency() -> None:
    with pytest.raises(CurrencyMismatch):
        price_shipping(
            idr("1"), goods=Money.of("1", "USD"), context=_ON, promotions=(), policy=_POLICY
        )
    with pytest.raises(CurrencyMismatch):
        price_shipping(
            idr("1"),
            goods=idr("1"),
            context=_ON,
            promotions=(),
            policy=_POLICY,
            earlier=PricedShipping(fee=Money.of("1", "USD")),
        )


@pytest.mark.parametrize(
    ("discount", "platform"),
    [("12", "0"), ("5", "6"), ("-1", "0"), ("5", "-1")],
)
def test_a_priced_shipping_discount_fits_its_fee(discount: str, platform: str) -> None:
    with pytest.raises(ValidationError, match="does not fit"):
        PricedShipping(fee=idr("11"), discount=idr(discount), platform_discount=idr(platform))
    with pytest.raises(CurrencyMismatch):
        PricedShipping(fee=idr("11"), discount=Money.of("1", "USD"))


def test_a_balance_refuses_shipping_priced_to_charge_something_else() -> None:
    balance = OrderBalance(currency="IDR")
    priced = PricedShipping(fee=idr("11000"), discount=idr("1000"))
    assert balance.charging(idr("10000"), None, what="ship", shipping=priced).shipping == priced
    with pytest.raises(ValidationError, match="charges 10000 IDR"):
        balance.charging(idr("11000"), None, what="ship", shipping=priced)
    with pytest.raises(CurrencyMismatch):
        OrderBalance(currency="IDR", shipping=PricedShipping(fee=Money.of("1", "USD")))
    charge = OrderCharge(code="ABL", description="Box", amount=Money.of("1", "USD"))
    with pytest.raises(CurrencyMismatch):
        OrderBalance(currency="IDR", charges=(charge,))


def test_a_shipping_charge_from_before_shipping_was_priced_counts_as_earlier_fees() -> None:
    balance = OrderBalance(currency="IDR", shipping_charge=idr("9000"))
    assert balance.shipping_so_far == PricedShipping(fee=idr("9000"))
    assert OrderBalance(currency="IDR").shipping_so_far is None


def test_the_plan_refuses_shipping_priced_beyond_the_fees(app: SalesApp) -> None:
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    app.execute(commands.ReserveStock(order_id=order_id))
    plan = plan_shipment(_order(app, order_id))
    # More than the fee, or less than the order charged before (Rp1,000 here).
    for charged, wrong in ((None, "12000"), ("1000", "500")):
        with pytest.raises(ValidationError, match="does not fit"):
            attrs.evolve(plan, shipping_charged=charged and idr(charged)).charges(
                [idr("11000")],
                FeePayer.BUYER,
                mode=RoundingMode.HALF_UP,
                cash=Settings().cash,
                shipping=PricedShipping(fee=idr(wrong)),
            )


# -- other charges ----------------------------------------------------------------------------


def test_a_packaging_charge_is_owed_and_invoiced_with_its_own_tax(app: SalesApp) -> None:
    # Rp5,000 gift wrap, standard rate: net 5,000 / 1.11 = Rp4,504.50, PPN Rp495.50.
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1), method=PaymentMethod.BANK_TRANSFER)
    app.execute(
        commands.AddOrderCharge(
            order_id=order_id, code="ABL", description="Gift wrap", amount=idr("5000")
        )
    )
    order = _order(app, order_id)
    assert order.amount_due == idr("155000")
    assert [c.tax_category for c in order.charges] == ["standard"]
    invoice = _invoice(app, order_id)
    charge = next(line for line in invoice.lines if line.line_id == "charge-ABL")
    assert (charge.charge, charge.description) == ("ABL", "Gift wrap")
    assert (charge.net, charge.tax, charge.gross) == (idr("4504.50"), idr("495.50"), idr("5000"))
    assert invoice.gross == order.amount_due


def test_a_charge_outside_tax_added_after_a_first_invoice_goes_on_the_next(
    app: SalesApp,
) -> None:
    # The T-shirt is invoiced first; insurance outside tax is added while the cap is still
    # to invoice: the next invoice lists the cap and the insurance, and only once.
    app = stock_shop(in_memory(Settings(shipping_tax_category=None)))
    order_id = _confirmed(
        app, ("TSHIRT-RED-M", 1), ("CAP-BLK", 1), method=PaymentMethod.BANK_TRANSFER
    )
    first_id = app.execute(commands.IssueInvoice(order_id=order_id, line_ids=("1",)))
    app.execute(
        commands.AddOrderCharge(
            order_id=order_id, code="IN", description="Insurance", amount=idr("2500")
        )
    )
    assert _order(app, order_id).amount_due == idr("202499.50")
    second = _invoice(app, order_id)
    assert [line.line_id for line in second.lines] == ["2", "charge-IN"]
    assert _line(second, "charge-IN") == [idr("2500")]
    assert second.lines[1].tax == idr("0")
    with app.uow() as uow:
        first = uow.invoices.get(first_id)
    assert first.gross + second.gross == _order(app, order_id).amount_due
    with pytest.raises(DuplicateError, match="invoiced in full"):
        app.execute(commands.IssueInvoice(order_id=order_id))


def test_a_cod_parcel_shipped_after_a_charge_collects_it(app: SalesApp) -> None:
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    app.execute(
        commands.AddOrderCharge(
            order_id=order_id,
            code="COD",
            description="COD fee",
            amount=idr("3000"),
            tax_category="standard",
        )
    )
    _ship(app, order_id)
    # Rp150,000 goods + Rp3,000 COD fee + Rp11,000 shipping.
    assert _collected(app, order_id) == idr("164000")
    invoice = _invoice(app, order_id)
    assert invoice.gross + invoice.rounding == idr("164000")
    assert _line(invoice, "charge-COD") == [idr("3000")]


def _charge(app: SalesApp, order_id: str, amount: Money, **options: object) -> None:
    fields: dict[str, object] = {"code": "ABL", "description": "Box", **options}
    app.execute(commands.AddOrderCharge(order_id=order_id, amount=amount, **fields))  # type: ignore[arg-type]


def test_a_charge_in_another_currency_is_refused(app: SalesApp) -> None:
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    with pytest.raises(CurrencyMismatch, match=f"order '{order_id}'"):
        _charge(app, order_id, Money.of("1", "USD"))
    assert _order(app, order_id).charges == []


@pytest.mark.parametrize("amount", ["0", "-5000"])
def test_a_charge_not_above_zero_is_refused(app: SalesApp, amount: str) -> None:
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    with pytest.raises(ValidationError, match=f"order '{order_id}'.*above zero"):
        _charge(app, order_id, idr(amount))


def test_a_charge_in_fractions_of_the_minor_unit_is_refused(app: SalesApp) -> None:
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    with pytest.raises(TooManyDigits, match=f"order '{order_id}' charge 'ABL'"):
        _charge(app, order_id, idr("5000.005"))


def test_a_charge_with_an_unknown_tax_category_is_refused(app: SalesApp) -> None:
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    with pytest.raises(TaxRateNotFound, match=f"order '{order_id}', charge 'ABL'.*'gift'"):
        _charge(app, order_id, idr("5000"), tax_category="gift")
    assert _order(app, order_id).charges == []


def test_a_repeated_charge_code_is_refused(app: SalesApp) -> None:
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    _charge(app, order_id, idr("5000"))
    with pytest.raises(DuplicateError, match=f"order '{order_id}' already has a charge 'ABL'"):
        _charge(app, order_id, idr("6000"))
    assert _order(app, order_id).balance.charged == idr("5000")


def test_a_cancelled_order_takes_no_charge(app: SalesApp) -> None:
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    app.execute(commands.CancelOrder(order_id=order_id))
    with pytest.raises(IllegalTransition, match="'cancelled'"):
        _charge(app, order_id, idr("5000"))


def test_a_completed_order_takes_no_charge() -> None:
    order = _order_in(OrderStatus.COMPLETED)
    with pytest.raises(IllegalTransition, match="'completed'"):
        order.add_charge("ABL", "Box", idr("5000"), None)


def test_an_order_invoiced_in_full_takes_no_charge(app: SalesApp) -> None:
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1), method=PaymentMethod.BANK_TRANSFER)
    _invoice(app, order_id)
    with pytest.raises(IllegalTransition, match="invoiced in full"):
        _charge(app, order_id, idr("5000"))
    with app.transaction() as tx:
        order = tx.uow.orders.get(order_id)
        order.contents = attrs.evolve(order.contents, pricing=None)
        assert not invoiced_in_full(app, tx.uow, order)


def test_a_charge_itself_is_valid_or_cannot_exist() -> None:
    with pytest.raises(ValidationError, match="above zero"):
        OrderCharge(code="ABL", description="Box", amount=idr("0"))
    with pytest.raises(ValidationError, match="spaces"):
        OrderCharge(code="ABL", description="Box", amount=idr("1"), tax_category="a b")
    with pytest.raises(ValidationError, match="spaces"):
        commands.AddOrderCharge(order_id="O", code="A B", description="Box", amount=idr("1"))
    with pytest.raises(ValidationError, match="non-empty"):
        commands.AddOrderCharge(order_id="O", code="ABL", description=" ", amount=idr("1"))


def _order_in(status: OrderStatus) -> Order:
    app = stock_shop(in_memory())
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    order = _order(app, order_id)
    order.progress = attrs.evolve(order.progress, status=status)
    return order


# -- stored as they were ----------------------------------------------------------------------


def _charged_and_shipped(app: SalesApp) -> str:
    _promote(app, "HALFSHIP", PromotionKind.SHIPPING_PERCENT, percent=Decimal(50))
    order_id = _confirmed(app, ("TSHIRT-RED-M", 1))
    _charge(app, order_id, idr("5000"))
    _ship(app, order_id)
    return order_id


def test_charges_and_priced_shipping_round_trip_through_json(app: SalesApp) -> None:
    order = _order(app, _charged_and_shipped(app))
    converter = make_converter()
    document = converter.unstructure(order)
    assert document["charges"][0]["code"] == "ABL"
    assert Decimal(document["shipping"]["discount"]["amount"]) == Decimal(5500)
    assert converter.structure(document, Order) == order


def test_charges_and_priced_shipping_are_stored_in_sql() -> None:
    app = stock_shop(build(database_url="sqlite://"))
    order_id = _charged_and_shipped(app)
    order = _order(app, order_id)
    assert [c.code for c in order.charges] == ["ABL"]
    assert order.shipping is not None
    assert order.shipping.discount == idr("5500")
    assert order.amount_due == idr("160500")


def test_the_command_round_trips_with_its_tag() -> None:
    command = commands.AddOrderCharge(
        order_id="ORD-1", code="ABL", description="Box", amount=idr("5000"), tax_category="zero"
    )
    data = unstructure(command)
    assert data["type"] == "add_order_charge"
    assert structure(data, commands.Command) == command


def test_a_free_shipping_voucher_takes_the_fee_off_when_the_order_ships(app: SalesApp) -> None:
    # The voucher is checked and used when the order is priced; the fee, known only at
    # shipping, is what it takes off then.
    promotion = Promotion(
        code="ONGKIR", name="Gratis ongkir", kind=PromotionKind.FREE_SHIPPING, automatic=False
    )
    app.execute(commands.AddVoucher(voucher=Voucher(code="GRATIS", promotion=promotion)))
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=1),),
            payment_method=PaymentMethod.COD,
            vouchers=("GRATIS",),
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    _ship(app, order_id)
    order = _order(app, order_id)
    assert order.shipping is not None
    assert (order.shipping.fee, order.shipping.discount) == (idr("11000"), idr("11000"))
    assert order.shipping_charge == idr("0")
    assert _collected(app, order_id) == idr("150000")


def test_price_order_applies_a_shipping_promotion_only_above_its_minimum() -> None:
    free = Promotion(
        code="FREESHIP",
        name="Free shipping",
        kind=PromotionKind.FREE_SHIPPING,
        min_spend=idr("200000"),
    )

    def shipping_off(quantity: int) -> tuple[Money | None, list[str]]:
        line = LineToPrice(
            line_id="1", sku="TSHIRT-RED-M", quantity=quantity, unit_price=idr("150000")
        )
        priced = price_order(
            [line],
            currency="IDR",
            tax_mode=TaxMode.INCLUDED,
            policy=RoundingPolicy(),
            context=PricingContext(on=dt.date(2026, 1, 5)),
            promotions=[free],
            shipping=idr("11000"),
        )
        return priced.shipping_discount, [s.detail for s in priced.trace.of_kind(TraceKind.NOTE)]

    assert shipping_off(1) == (
        idr("0"),
        ["not applied: spend 150000.00 is below the minimum 200000"],
    )
    assert shipping_off(2) == (idr("11000"), [])
