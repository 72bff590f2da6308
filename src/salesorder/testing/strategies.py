"""Hypothesis strategies for salesorder's values, shipped so you can test your own code with them.

Every strategy builds valid objects through the public constructors and domain methods, so
whatever it draws keeps the models' invariants. They compose: most take a ``currency`` (a
code, a strategy of codes, or None for any of :func:`currencies`), and the aggregates are
built from the smaller strategies::

    from hypothesis import given
    from salesorder.testing import strategies as sst

    @given(sst.orders(currency="IDR"))
    def test_my_report_adds_up(order):
        assert my_report(order).total == order.total

Amounts are drawn as whole numbers of minor units (then scaled), which is fast and shrinks
to small, readable values. Default bounds keep amounts below ten million major units, so
Decimal arithmetic on them is exact at the default 28-digit precision.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias, TypeVar

from hypothesis import strategies as st

from salesorder.domain.catalog import Dimensions, Product, VariantAttribute
from salesorder.domain.channels import (
    Channel,
    ChannelKind,
    MarketplaceLine,
    MarketplaceOrder,
    MarketplacePage,
)
from salesorder.domain.customers import Address, Customer, CustomerKind, GeoPoint, Warehouse
from salesorder.domain.inventory import Reservation, StockItem
from salesorder.domain.invoicing import (
    EInvoiceState,
    EInvoiceStatus,
    Invoice,
    InvoiceKind,
    InvoiceSeries,
    Party,
)
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.orders import Order, OrderLine
from salesorder.domain.payments import Payment, PaymentMethod
from salesorder.domain.pricelists import PriceEntry, PriceList
from salesorder.domain.pricing import (
    Discount,
    LineToPrice,
    PricedOrder,
    TaxMode,
    price_lines,
)
from salesorder.domain.promotions import Funder, Promotion, PromotionKind
from salesorder.domain.shipping import (
    FeePayer,
    ServiceLevel,
    Shipment,
    ShipmentRequest,
    ShipmentStatus,
    TrackingEvent,
    TrackingStatus,
)
from salesorder.domain.tax import TaxRate
from salesorder.money import (
    Money,
    RoundingMode,
    RoundingPlace,
    RoundingPolicy,
    currency_info,
    to_decimal,
)

__all__ = [
    "CURRENCIES",
    "KNOWN_TAX_RATES",
    "addresses",
    "channels",
    "codes",
    "currencies",
    "customers",
    "decimals_for",
    "dimensions",
    "discounts",
    "einvoice_statuses",
    "invoice_series",
    "invoices",
    "lines_to_price",
    "marketplace_orders",
    "marketplace_pages",
    "money",
    "order_lines",
    "orders",
    "payments",
    "price_lists",
    "priced_orders",
    "products",
    "promotions",
    "reservations",
    "rounding_modes",
    "rounding_policies",
    "shipment_requests",
    "shipments",
    "stock_items",
    "tax_modes",
    "tax_rates",
    "texts",
    "timestamps",
    "tracking_events",
    "warehouses",
    "weights",
    "weights_kg",
]

T = TypeVar("T")

#: A value, a strategy for such values, or None for "any".
Spec: TypeAlias = T | st.SearchStrategy[T] | None

#: The currencies drawn by default, with 0 digits (VND, JPY, KRW), 2 digits (IDR, USD, MYR, CHF with
#: its 0.05 cash step, EUR, SGD, THB, PHP) and 3 digits (KWD, BHD).
CURRENCIES: tuple[str, ...] = (
    "IDR",
    "VND",
    "JPY",
    "KWD",
    "USD",
    "MYR",
    "CHF",
    "EUR",
    "SGD",
    "THB",
    "PHP",
    "BHD",
    "KRW",
)

#: Real rates of the region, as Indonesia's 12% on an 11/12 base, 11% and 12% full base,
#: Vietnam's 10%, 8%, 5% and 0%, Malaysia's sales tax 5% and 10% and service tax 8%.
KNOWN_TAX_RATES: tuple[TaxRate, ...] = (
    TaxRate(
        code="ID-PPN-12-DPP",
        name="PPN 12% (DPP 11/12)",
        rate=Decimal("0.12"),
        base_factor=Fraction(11, 12),
    ),
    TaxRate(code="ID-PPN-11", name="PPN 11%", rate=Decimal("0.11")),
    TaxRate(code="ID-PPN-12", name="PPN 12%", rate=Decimal("0.12")),
    TaxRate(code="VN-VAT-10", name="VAT 10%", rate=Decimal("0.10")),
    TaxRate(code="VN-VAT-8", name="VAT 8%", rate=Decimal("0.08")),
    TaxRate(code="VN-VAT-5", name="VAT 5%", rate=Decimal("0.05")),
    TaxRate(code="VN-VAT-0", name="VAT 0%", rate=Decimal(0)),
    TaxRate(code="MY-SST-5", name="Sales tax 5%", rate=Decimal("0.05")),
    TaxRate(code="MY-SST-10", name="Sales tax 10%", rate=Decimal("0.10")),
    TaxRate(code="MY-SVC-8", name="Service tax 8%", rate=Decimal("0.08")),
)

_DEFAULT_MAX = Decimal(10_000_000)
_CODE_ALPHABET = string.ascii_uppercase + string.digits + "-_."
_COUNTRIES = ("ID", "VN", "MY", "SG", "TH", "PH")
_TIMEZONES = (
    dt.timezone.utc,
    dt.timezone(dt.timedelta(hours=7)),  # WIB, Indochina time
    dt.timezone(dt.timedelta(hours=8)),  # Malaysia, Singapore, WITA
    dt.timezone(dt.timedelta(hours=-5)),
)


def _spec(value: Spec[T], default: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    if value is None:
        return default
    if isinstance(value, st.SearchStrategy):
        return value
    return st.just(value)


# ---------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------


def codes(*, max_size: int = 12) -> st.SearchStrategy[str]:
    """Identifier-like codes (SKUs, ids, warehouse codes): no white space, never empty."""
    return st.text(alphabet=_CODE_ALPHABET, min_size=1, max_size=max_size)


def texts(*, max_size: int = 24) -> st.SearchStrategy[str]:
    """Non-blank human text (names, cities), with letters beyond ASCII (Vietnamese, Malay)."""
    alphabet = st.characters(categories=("L", "N"), max_codepoint=0x1EFF) | st.sampled_from(" -.'")
    return st.text(alphabet=alphabet, min_size=1, max_size=max_size).filter(
        lambda s: bool(s.strip())
    )


def timestamps(
    *,
    min_value: dt.datetime | None = None,
    max_value: dt.datetime | None = None,
) -> st.SearchStrategy[dt.datetime]:
    """Timezone-aware datetimes (UTC and a few fixed offsets of the region).

    ``min_value`` and ``max_value`` are naive bounds, as :func:`hypothesis.strategies.datetimes`
    takes them (default 2020 to 2035).
    """
    return st.datetimes(
        min_value=min_value or dt.datetime(2020, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds
        max_value=max_value or dt.datetime(2035, 12, 31),  # noqa: DTZ001 - hypothesis takes naive bounds
        timezones=st.sampled_from(_TIMEZONES),
    )


# ---------------------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------------------


def currencies() -> st.SearchStrategy[str]:
    """ISO 4217 codes with 0, 2 and 3 minor digits (see :data:`CURRENCIES`)."""
    return st.sampled_from(CURRENCIES)


def rounding_modes() -> st.SearchStrategy[RoundingMode]:
    """Every :class:`~salesorder.money.RoundingMode`."""
    return st.sampled_from(list(RoundingMode))


def rounding_policies() -> st.SearchStrategy[RoundingPolicy]:
    """Rounding policies: any mode, per line or per document."""
    return st.builds(
        RoundingPolicy, mode=rounding_modes(), place=st.sampled_from(list(RoundingPlace))
    )


def decimals_for(
    currency: str,
    *,
    min_value: Decimal | int | str | None = None,
    max_value: Decimal | int | str | None = None,
    places: int | None = None,
) -> st.SearchStrategy[Decimal]:
    """Decimals with exactly the currency's minor digits (or ``places``) between the bounds.

    Bounds default to 0 and ten million; they are rounded inwards to whole minor units.
    """
    digits = currency_info(currency).digits if places is None else places
    quantum = Decimal(1).scaleb(-digits)
    low = Decimal(0) if min_value is None else to_decimal(min_value, what="min_value")
    high = _DEFAULT_MAX if max_value is None else to_decimal(max_value, what="max_value")
    low_units = int((low / quantum).to_integral_value(rounding="ROUND_CEILING"))
    high_units = int((high / quantum).to_integral_value(rounding="ROUND_FLOOR"))
    if low_units > high_units:
        raise ValueError(f"no {currency} amount with {digits} places between {low} and {high}")
    return st.integers(low_units, high_units).map(lambda units: Decimal(units) * quantum)


def money(
    currency: Spec[str] = None,
    min_value: Decimal | int | str | None = None,
    max_value: Decimal | int | str | None = None,
    *,
    rounded: bool = True,
) -> st.SearchStrategy[Money]:
    """Money in ``currency`` (any of :func:`currencies` when None) between the bounds.

    With ``rounded=False`` amounts carry up to three digits more than the currency allows,
    as unit prices and intermediate results do.
    """

    def in_currency(code: str) -> st.SearchStrategy[Money]:
        extra = 0 if rounded else 3
        digits = currency_info(code).digits + extra
        return decimals_for(code, min_value=min_value, max_value=max_value, places=digits).map(
            lambda amount: Money(amount=amount, currency=code)
        )

    if isinstance(currency, str):
        return in_currency(currency)
    return _spec(currency, currencies()).flatmap(in_currency)


def weights(*, min_size: int = 1, max_size: int = 8) -> st.SearchStrategy[list[Decimal]]:
    """Apportionment weights: non-negative Decimals, at least one of them positive.

    Some weights are zero and some have decimals, as :func:`salesorder.money.apportion` takes.
    """
    weight = st.one_of(
        st.integers(0, 1000).map(Decimal),
        st.integers(0, 100_000).map(lambda n: Decimal(n).scaleb(-3)),
        st.just(Decimal(0)),
    )

    @st.composite
    def draw_weights(draw: st.DrawFn) -> list[Decimal]:
        values = draw(st.lists(weight, min_size=min_size, max_size=max_size))
        if not any(values):
            index = draw(st.integers(0, len(values) - 1))
            values[index] = Decimal(draw(st.integers(1, 1000)))
        return values

    return draw_weights()


def weights_kg() -> st.SearchStrategy[Decimal]:
    """Parcel and product weights in kilograms, to the gram, from 0 to 50 kg."""
    return st.integers(0, 50_000).map(lambda grams: Decimal(grams).scaleb(-3))


# ---------------------------------------------------------------------------------------
# Catalog, customers, warehouses
# ---------------------------------------------------------------------------------------


def addresses(country: Spec[str] = None) -> st.SearchStrategy[Address]:
    """Postal addresses in the region's countries (or ``country``)."""
    optional = st.one_of(st.just(""), texts())
    return st.builds(
        Address,
        line1=texts(),
        city=texts(),
        country=_spec(country, st.sampled_from(_COUNTRIES)),
        line2=optional,
        region=optional,
        postal_code=st.one_of(st.just(""), st.text(string.digits, min_size=5, max_size=6)),
        recipient=optional,
        phone=st.one_of(st.just(""), st.text(string.digits, min_size=8, max_size=13)),
    )


def dimensions() -> st.SearchStrategy[Dimensions]:
    """Parcel dimensions in centimetres, to the millimetre."""
    cm = st.integers(0, 2000).map(lambda mm: Decimal(mm).scaleb(-1))
    return st.builds(Dimensions, length_cm=cm, width_cm=cm, height_cm=cm)


@st.composite
def _variant_attributes(draw: st.DrawFn) -> tuple[VariantAttribute, ...]:
    names = draw(
        st.lists(st.sampled_from(["colour", "size", "material", "style"]), max_size=3, unique=True)
    )
    return tuple(VariantAttribute(name=name, value=draw(texts(max_size=8))) for name in names)


@st.composite
def _products(draw: st.DrawFn, currency: Spec[str], sku: Spec[str]) -> Product:
    code = draw(_spec(currency, currencies()))
    return Product(
        sku=draw(_spec(sku, codes())),
        name=draw(texts()),
        price=draw(money(code)),
        unit_cost=draw(money(code)),
        tax_category=draw(st.sampled_from(["standard", "reduced", "luxury", "zero"])),
        category=draw(st.one_of(st.just(""), texts())),
        brand=draw(st.one_of(st.just(""), texts(max_size=10))),
        attributes=draw(_variant_attributes()),
        weight_kg=draw(weights_kg()),
        dimensions=draw(st.none() | dimensions()),
        initial_stock=draw(st.integers(0, 1000)),
    )


def products(currency: Spec[str] = None, *, sku: Spec[str] = None) -> st.SearchStrategy[Product]:
    """Products priced in ``currency`` (price and cost in the same currency)."""
    return _products(currency, sku)


@st.composite
def _customers(draw: st.DrawFn, customer_id: Spec[str]) -> Customer:
    kind = draw(st.sampled_from(list(CustomerKind)))
    business = kind is CustomerKind.BUSINESS
    return Customer(
        id=draw(_spec(customer_id, codes())),
        name=draw(texts()),
        kind=kind,
        company_name=draw(texts()) if business else "",
        tax_id=draw(st.text(string.digits, min_size=10, max_size=16)) if business else "",
        email=draw(st.one_of(st.just(""), _emails())),
        phone=draw(st.one_of(st.just(""), st.text(string.digits, min_size=8, max_size=13))),
        addresses=draw(st.lists(addresses(), max_size=2)),
    )


def _emails() -> st.SearchStrategy[str]:
    local = st.text(string.ascii_lowercase + string.digits + "._", min_size=1, max_size=12)
    return st.builds("{}@{}".format, local, st.sampled_from(["example.com", "contoh.co.id"]))


def customers(*, customer_id: Spec[str] = None) -> st.SearchStrategy[Customer]:
    """Individual and business customers (a business always has a company name)."""
    return _customers(customer_id)


def _geo_points() -> st.SearchStrategy[GeoPoint]:
    return st.builds(
        GeoPoint,
        latitude=st.integers(-90_000_000, 90_000_000).map(lambda n: Decimal(n).scaleb(-6)),
        longitude=st.integers(-180_000_000, 180_000_000).map(lambda n: Decimal(n).scaleb(-6)),
    )


def warehouses(*, code: Spec[str] = None) -> st.SearchStrategy[Warehouse]:
    """Warehouses with an address, maybe coordinates, and a priority."""
    return st.builds(
        Warehouse,
        code=_spec(code, codes()),
        name=texts(),
        address=addresses(),
        person_in_charge=st.one_of(st.just(""), texts()),
        coordinates=st.none() | _geo_points(),
        priority=st.integers(0, 10),
    )


# ---------------------------------------------------------------------------------------
# Pricing
# ---------------------------------------------------------------------------------------


def _random_tax_rate(rate: Decimal, factor: Fraction) -> TaxRate:
    # The code is derived from the rate, so equal codes always mean equal rates (pricing and
    # tax summaries group lines by code).
    return TaxRate(
        code=f"T-{rate}-{factor.numerator}-{factor.denominator}",
        name=f"Tax {rate * 100}%",
        rate=rate,
        base_factor=factor,
    )


def tax_rates() -> st.SearchStrategy[TaxRate]:
    """Tax rates: the region's real ones and random ones.

    The real ones include Indonesia's 12% on an 11/12 base; random rates go from 0 to 100%
    with up to four decimals, on a full or reduced base (11/12, 1/2, 2/3).
    """
    random_rates = st.builds(
        _random_tax_rate,
        st.integers(0, 10_000).map(lambda n: Decimal(n).scaleb(-4)),
        st.sampled_from([Fraction(1), Fraction(11, 12), Fraction(1, 2), Fraction(2, 3)]),
    )
    return st.one_of(st.sampled_from(KNOWN_TAX_RATES), random_rates)


def tax_modes() -> st.SearchStrategy[TaxMode]:
    """Tax included in prices or added to them."""
    return st.sampled_from(list(TaxMode))


def discounts(currency: Spec[str] = None) -> st.SearchStrategy[Discount]:
    """Line discounts: a percentage (0 to 100, two decimals) or a fixed amount in ``currency``."""
    percent = st.integers(0, 10_000).map(lambda n: Discount.of_percent(Decimal(n).scaleb(-2)))

    def fixed(code: str) -> st.SearchStrategy[Discount]:
        return money(code, max_value=1_000_000).map(Discount.of_amount)

    if isinstance(currency, str):
        return st.one_of(percent, fixed(currency))
    return st.one_of(percent, _spec(currency, currencies()).flatmap(fixed))


@st.composite
def _lines_to_price(
    draw: st.DrawFn, currency: str, min_size: int, max_size: int, rates: Sequence[TaxRate] | None
) -> list[LineToPrice]:
    count = draw(st.integers(min_size, max_size))
    rate_pool = rates or draw(st.lists(tax_rates(), min_size=1, max_size=3))
    return [
        LineToPrice(
            line_id=str(number),
            quantity=draw(st.integers(1, 100)),
            unit_price=draw(money(currency, max_value=1_000_000, rounded=draw(st.booleans()))),
            tax_rate=draw(st.sampled_from(rate_pool)),
            discount=draw(st.none() | discounts(currency)),
            unit_cost=draw(st.none() | money(currency, max_value=1_000_000)),
        )
        for number in range(1, count + 1)
    ]


def lines_to_price(
    currency: str,
    *,
    min_size: int = 1,
    max_size: int = 6,
    rates: Sequence[TaxRate] | None = None,
) -> st.SearchStrategy[list[LineToPrice]]:
    """Inputs of :func:`~salesorder.domain.pricing.price_lines`, lines ``"1"``, ``"2"``...

    Unit prices sometimes have more digits than the currency; lines may carry a discount and
    a unit cost; tax rates are a few drawn ones (or drawn from ``rates`` when given).
    """
    return _lines_to_price(currency, min_size, max_size, rates)


@st.composite
def _priced_orders(draw: st.DrawFn, currency: Spec[str]) -> PricedOrder:
    code = draw(_spec(currency, currencies()))
    return price_lines(
        draw(lines_to_price(code)),
        currency=code,
        tax_mode=draw(tax_modes()),
        policy=draw(rounding_policies()),
    )


def priced_orders(currency: Spec[str] = None) -> st.SearchStrategy[PricedOrder]:
    """Results of :func:`~salesorder.domain.pricing.price_lines` on random lines."""
    return _priced_orders(currency)


# ---------------------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------------------


def channels() -> st.SearchStrategy[Channel]:
    """The web shop, manual entry, marketplaces and custom channels."""
    return st.one_of(
        st.just(Channel.web()),
        st.just(Channel.manual()),
        st.builds(
            Channel,
            code=codes(),
            kind=st.sampled_from(list(ChannelKind)),
            name=texts(),
        ),
    )


@st.composite
def _order_lines(
    draw: st.DrawFn, currency: Spec[str], line_id: Spec[str], sku: Spec[str]
) -> OrderLine:
    code = draw(_spec(currency, currencies()))
    return OrderLine(
        line_id=draw(_spec(line_id, codes(max_size=4))),
        sku=draw(_spec(sku, codes())),
        quantity=draw(st.integers(1, 100)),
        unit_price=draw(money(code, max_value=1_000_000, rounded=draw(st.booleans()))),
        name=draw(st.one_of(st.just(""), texts())),
        discount=draw(st.none() | discounts(code)),
        tax_category=draw(st.sampled_from(["standard", "reduced", "luxury"])),
        unit_cost=draw(st.none() | money(code, max_value=1_000_000)),
    )


def order_lines(
    currency: Spec[str] = None, *, line_id: Spec[str] = None, sku: Spec[str] = None
) -> st.SearchStrategy[OrderLine]:
    """Order lines in ``currency``: quantity 1 to 100, maybe a discount and a unit cost."""
    return _order_lines(currency, line_id, sku)


def _step(draw: st.DrawFn, at: dt.datetime) -> dt.datetime:
    return at + dt.timedelta(minutes=draw(st.integers(0, 4 * 24 * 60)))


def _pay(draw: st.DrawFn, order: Order, *, full: bool) -> None:
    balance = order.balance_due
    if not balance.is_positive:
        return
    if full:
        amount = balance
    else:
        amount = draw(money(order.currency, min_value=0, max_value=balance.amount))
        if not amount.is_positive:
            return
    order.record_payment(amount, order.payment_method)


_PATH = (
    OrderStatus.NEW,
    OrderStatus.CONFIRMED,
    OrderStatus.PROCESSING,
    OrderStatus.PICKING,
    OrderStatus.PACKED,
    OrderStatus.SHIPPED,
    OrderStatus.IN_TRANSIT,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
)
#: The statuses :func:`orders` can build (the others need returns or courier failures).
GENERATED_STATUSES = (*_PATH, OrderStatus.CANCELLED, OrderStatus.ON_HOLD)


def _ship(draw: st.DrawFn, order: Order, at: dt.datetime) -> None:
    if order.must_be_paid_to_ship:
        _pay(draw, order, full=True)
    order.mark_shipped(
        draw(codes()),
        at,
        shipping_charge=draw(st.none() | money(order.currency, max_value=100_000)),
    )


def _complete(draw: st.DrawFn, order: Order, at: dt.datetime) -> None:
    _pay(draw, order, full=True)
    order.complete(at)


#: How :func:`orders` moves an order into each status of ``_PATH``.
_STEPS: dict[OrderStatus, Callable[[st.DrawFn, Order, dt.datetime], None]] = {
    OrderStatus.CONFIRMED: lambda _draw, order, at: order.confirm(at),
    OrderStatus.PROCESSING: lambda draw, order, at: order.mark_reserved(draw(codes()), at),
    OrderStatus.PICKING: lambda _draw, order, at: order.start_picking(at),
    OrderStatus.PACKED: lambda _draw, order, at: order.mark_packed(at),
    OrderStatus.SHIPPED: _ship,
    OrderStatus.IN_TRANSIT: lambda _draw, order, at: order.mark_in_transit(at),
    OrderStatus.DELIVERED: lambda _draw, order, at: order.mark_delivered(at),
    OrderStatus.COMPLETED: _complete,
}


@st.composite
def _orders(
    draw: st.DrawFn,
    *,
    currency: Spec[str],
    status: Spec[OrderStatus],
    min_lines: int,
    max_lines: int,
    tax_mode: Spec[TaxMode],
    policy: Spec[RoundingPolicy],
    order_id: Spec[str],
) -> Order:
    code = draw(_spec(currency, currencies()))
    target = draw(_spec(status, st.sampled_from(GENERATED_STATUSES)))
    count = draw(st.integers(min_lines, max_lines))
    lines = [
        draw(order_lines(code, line_id=str(number), sku=codes())) for number in range(1, count + 1)
    ]
    if target is not OrderStatus.NEW and not lines:
        lines = [draw(order_lines(code, line_id="1", sku=codes()))]
    at = draw(timestamps())
    mode = draw(_spec(tax_mode, tax_modes()))
    order = Order.new(
        id=draw(_spec(order_id, codes())),
        channel=draw(channels()),
        customer_id=draw(codes()),
        currency=code,
        placed_at=at,
        lines=lines,
        shipping_address=draw(addresses()),
        tax_mode=mode,
        payment_method=draw(st.sampled_from(list(PaymentMethod))),
        external_ref=draw(st.one_of(st.just(""), codes())),
        notes=draw(st.one_of(st.just(""), texts())),
    )
    rates = {category: draw(tax_rates()) for category in ("standard", "reduced", "luxury")}
    order.apply_pricing(
        price_lines(
            [
                LineToPrice(
                    line_id=line.line_id,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    tax_rate=rates[line.tax_category],
                    discount=line.discount,
                    unit_cost=line.unit_cost,
                )
                for line in lines
            ],
            currency=code,
            tax_mode=mode,
            policy=draw(_spec(policy, rounding_policies())),
        )
    )
    if target is OrderStatus.NEW:
        return order
    early = target in (OrderStatus.CANCELLED, OrderStatus.ON_HOLD)
    stop = draw(st.sampled_from(_PATH[:3])) if early else target
    cod = order.payment_method is PaymentMethod.COD
    for status_now in _PATH[1 : _PATH.index(stop) + 1]:
        at = _step(draw, at)
        _STEPS[status_now](draw, order, at)
        if not early and not cod and draw(st.booleans()):
            _pay(draw, order, full=False)
    if target is OrderStatus.CANCELLED:
        order.cancel(_step(draw, at), draw(st.one_of(st.just(""), texts())))
    elif target is OrderStatus.ON_HOLD:
        order.hold(_step(draw, at), draw(st.one_of(st.just(""), texts())))
    return order


def orders(
    currency: Spec[str] = None,
    *,
    status: Spec[OrderStatus] = OrderStatus.NEW,
    min_lines: int = 1,
    max_lines: int = 5,
    tax_mode: Spec[TaxMode] = None,
    policy: Spec[RoundingPolicy] = None,
    order_id: Spec[str] = None,
) -> st.SearchStrategy[Order]:
    """Order aggregates, priced with :func:`~salesorder.domain.pricing.price_lines`.

    Orders are built as a real one lives: placed (status NEW, with lines ``"1"``, ``"2"``...,
    a shipping address and current pricing), then moved with the aggregate's own methods to
    ``status`` (confirmed, reserved, picking, packed, shipped, in transit, delivered,
    completed after full payment, or cancelled or on hold from one of the first three; see
    ``GENERATED_STATUSES``). Prepaid orders are paid before they ship; other non-COD orders
    may carry partial payments.
    ``status=None`` draws any status. ``min_lines=0`` allows NEW orders without lines.
    """
    return _orders(
        currency=currency,
        status=status,
        min_lines=min_lines,
        max_lines=max_lines,
        tax_mode=tax_mode,
        policy=policy,
        order_id=order_id,
    )


# ---------------------------------------------------------------------------------------
# Stock
# ---------------------------------------------------------------------------------------


@st.composite
def _reservations(draw: st.DrawFn, max_quantity: int) -> Reservation:
    created = draw(timestamps())
    expires = draw(st.none() | st.integers(1, 72).map(lambda h: created + dt.timedelta(hours=h)))
    return Reservation.for_line(
        draw(codes()),
        draw(codes(max_size=4)),
        draw(st.integers(1, max_quantity)),
        created,
        expires,
    )


def reservations(*, max_quantity: int = 50) -> st.SearchStrategy[Reservation]:
    """Reservations for one order line, keyed by its order and line."""
    return _reservations(max_quantity)


@st.composite
def _stock_items(draw: st.DrawFn, warehouse: Spec[str], sku: Spec[str]) -> StockItem:
    held = draw(st.lists(reservations(), max_size=4, unique_by=lambda r: r.key))
    reserved = sum(r.quantity for r in held)
    on_hand = reserved + draw(st.integers(0, 1000))
    return StockItem(
        warehouse=draw(_spec(warehouse, codes())),
        sku=draw(_spec(sku, codes())),
        on_hand=on_hand,
        safety_stock=draw(st.integers(0, on_hand - reserved)),
        reservations={r.key: r for r in held},
    )


def stock_items(
    *, warehouse: Spec[str] = None, sku: Spec[str] = None
) -> st.SearchStrategy[StockItem]:
    """Stock items that keep their invariants.

    ``reserved`` is the sum of the reservations, ``0 <= reserved <= on_hand``, and reserved
    plus safety stock is never above on hand.
    """
    return _stock_items(warehouse, sku)


# ---------------------------------------------------------------------------------------
# Shipping, invoicing, payments, marketplaces
# ---------------------------------------------------------------------------------------


@st.composite
def _shipment_requests(
    draw: st.DrawFn, currency: Spec[str], reference: Spec[str]
) -> ShipmentRequest:
    code = draw(_spec(currency, currencies()))
    return ShipmentRequest(
        reference=draw(_spec(reference, codes())),
        origin=draw(addresses()),
        destination=draw(addresses()),
        service=draw(st.sampled_from(list(ServiceLevel))),
        weight_kg=draw(weights_kg()),
        fee_payer=draw(st.sampled_from(list(FeePayer))),
        dimensions=draw(st.none() | dimensions()),
        cod_amount=draw(st.none() | money(code)),
    )


def shipment_requests(
    currency: Spec[str] = None, *, reference: Spec[str] = None
) -> st.SearchStrategy[ShipmentRequest]:
    """What a courier is asked to quote or book."""
    return _shipment_requests(currency, reference)


def tracking_events(tracking_number: Spec[str] = None) -> st.SearchStrategy[TrackingEvent]:
    """Courier status updates."""
    return st.builds(
        TrackingEvent,
        tracking_number=_spec(tracking_number, codes()),
        status=st.sampled_from(list(TrackingStatus)),
        at=timestamps(),
        note=st.one_of(st.just(""), texts()),
    )


@st.composite
def _shipments(draw: st.DrawFn, currency: Spec[str]) -> Shipment:
    code = draw(_spec(currency, currencies()))
    tracking = draw(codes())
    return Shipment(
        id=draw(codes()),
        order_id=draw(codes()),
        warehouse=draw(codes()),
        courier=draw(codes(max_size=6)),
        service=draw(st.sampled_from(list(ServiceLevel))),
        tracking_number=tracking,
        label=draw(texts(max_size=60)),
        fee=draw(money(code, max_value=1_000_000)),
        fee_payer=draw(st.sampled_from(list(FeePayer))),
        weight_kg=draw(weights_kg()),
        cod_amount=draw(st.none() | money(code)),
        status=draw(st.sampled_from(list(ShipmentStatus))),
        events=draw(st.lists(tracking_events(tracking), max_size=3)),
    )


def shipments(currency: Spec[str] = None) -> st.SearchStrategy[Shipment]:
    """Shipment aggregates with tracking events for their own tracking number."""
    return _shipments(currency)


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


@st.composite
def _marketplace_orders(
    draw: st.DrawFn, currency: Spec[str], external_id: Spec[str]
) -> MarketplaceOrder:
    code = draw(_spec(currency, currencies()))
    line = st.builds(
        MarketplaceLine,
        channel_sku=codes(),
        quantity=st.integers(1, 20),
        unit_price=money(code, max_value=1_000_000),
    )
    return MarketplaceOrder(
        external_id=draw(_spec(external_id, codes())),
        revision=draw(st.integers(1, 10)),
        status=draw(st.sampled_from(["UNPAID", "READY_TO_SHIP", "SHIPPED", "CANCELLED"])),
        buyer_name=draw(texts()),
        shipping_address=draw(addresses()),
        currency=code,
        lines=draw(st.lists(line, min_size=1, max_size=4)),
        created_at=draw(timestamps()),
        cash_on_delivery=draw(st.booleans()),
        buyer_phone=draw(st.one_of(st.just(""), st.text(string.digits, min_size=8, max_size=13))),
    )


def marketplace_orders(
    currency: Spec[str] = None, *, external_id: Spec[str] = None
) -> st.SearchStrategy[MarketplaceOrder]:
    """Orders as Shopee, Lazada or TikTok Shop deliver them."""
    return _marketplace_orders(currency, external_id)


def marketplace_pages() -> st.SearchStrategy[MarketplacePage]:
    """Pages of marketplace orders with a cursor."""
    return st.builds(
        MarketplacePage,
        orders=st.lists(marketplace_orders(), max_size=3),
        cursor=st.integers(0, 10**6).map(str),
    )


# ---------------------------------------------------------------------------------------
# Price lists and promotions
# ---------------------------------------------------------------------------------------


@st.composite
def _price_lists(draw: st.DrawFn, currency: str, skus: Sequence[str]) -> PriceList:
    entries = [
        PriceEntry(
            sku=sku,
            unit_price=draw(money(currency, max_value=1_000_000)),
            min_quantity=minimum,
        )
        for sku in draw(st.lists(st.sampled_from(list(skus)), unique=True, max_size=len(skus)))
        for minimum in draw(st.lists(st.integers(1, 20), unique=True, min_size=1, max_size=3))
    ]
    return PriceList(
        code=draw(codes()),
        name="List",
        currency=currency,
        tax_mode=draw(tax_modes()),
        entries=entries,
    )


def price_lists(currency: str, skus: Sequence[str]) -> st.SearchStrategy[PriceList]:
    """General price lists in ``currency`` with quantity tiers for some of ``skus``."""
    return _price_lists(currency, skus)


@st.composite
def _promotions(
    draw: st.DrawFn, currency: str, skus: Sequence[str], exclusive: bool | None
) -> Promotion:
    kind = draw(st.sampled_from(list(PromotionKind)))
    options: dict[str, object] = {}
    amount = money(currency, max_value=500_000)
    if kind in {PromotionKind.LINE_PERCENT, PromotionKind.ORDER_PERCENT,
                PromotionKind.SHIPPING_PERCENT}:  # fmt: skip
        options["percent"] = Decimal(draw(st.integers(1, 10_000))).scaleb(-2)
    elif kind is PromotionKind.BUY_X_GET_Y:
        options["buy_quantity"] = draw(st.integers(1, 4))
        options["get_quantity"] = draw(st.integers(1, 3))
    elif kind is not PromotionKind.FREE_SHIPPING:
        options["amount"] = draw(amount)
    if kind is PromotionKind.BUNDLE_PRICE:
        options["skus"] = tuple(draw(st.lists(st.sampled_from(list(skus)), unique=True,
                                              min_size=2, max_size=len(skus))))  # fmt: skip
    else:
        restrict: bool = draw(st.booleans())
        if restrict and skus:
            options["skus"] = tuple(draw(st.lists(st.sampled_from(list(skus)), min_size=1)))
    return Promotion(
        code=draw(codes()),
        name="Promotion",
        kind=kind,
        min_spend=draw(st.none() | amount),
        max_discount=draw(st.none() | amount),
        priority=draw(st.integers(0, 3)),
        exclusive=draw(st.booleans()) if exclusive is None else exclusive,
        funded_by=draw(st.sampled_from(list(Funder))),
        **options,  # type: ignore[arg-type]
    )


def promotions(
    currency: str, skus: Sequence[str], *, exclusive: bool | None = None
) -> st.SearchStrategy[Promotion]:
    """Promotions of every kind in ``currency`` over ``skus`` (at least two for bundles).

    ``exclusive`` fixes the flag (None draws it).
    """
    return _promotions(currency, skus, exclusive)
