"""Stock values with fractional quantities: exact arithmetic, ints when whole, refusals.

Worked by hand, in kilograms: 2.5 on hand, 1.25 reserved, 0.25 safety stock leave 1 kg
available (an int); pick lists, parcels and fulfilment records add up the same way.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from salesorder import Money, Product
from salesorder.domain.allocation import Pick
from salesorder.domain.fulfilment import FulfilmentRecord
from salesorder.domain.inventory import (
    ChannelStockRule,
    Reservation,
    StockItem,
    available_to_sell,
)
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.outbox import Call, CallKind
from salesorder.domain.purchasing import PurchaseLine, ReceiptLine, in_stock_unit
from salesorder.domain.units import (
    KILOGRAM,
    METRE,
    InexactConversion,
    TooManyDecimals,
    UnitConversion,
)
from salesorder.domain.warehouse import (
    ParcelItem,
    PickRequest,
    WarehouseLayout,
    packable,
    plan_wave,
)
from salesorder.exceptions import (
    FloatMoneyError,
    InsufficientStock,
    InvalidQuantity,
    PackExceedsPicked,
    ValidationError,
)

D = Decimal
T0 = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)


def _item() -> StockItem:
    return StockItem(warehouse="JKT-1", sku="COFFEE", on_hand=D("2.5"), safety_stock=D("0.25"))


def test_levels_add_up_exactly_and_whole_results_are_ints() -> None:
    item = _item()
    assert item.reserve(Reservation.for_line("O1", "1", D("1.25"), T0))
    assert (item.on_hand, item.reserved, item.available) == (D("2.5"), D("1.25"), 1)
    assert type(item.available) is int
    item.receive(D("0.5"))
    assert item.on_hand == 3
    assert type(item.on_hand) is int
    item.take_out(D("0.125"))
    assert item.on_hand == D("2.875")
    assert item.count(D("3.000"), T0) == D("0.125")
    assert type(item.on_hand) is int
    assert item.ship("O1/1").quantity == D("1.25")
    assert (item.on_hand, item.reserved) == (D("1.75"), 0)


def test_a_reservation_of_more_than_is_available_names_the_fractions() -> None:
    with pytest.raises(
        InsufficientStock, match=r"SKU 'COFFEE' has 2\.25 available in 'JKT-1', 2\.5 requested"
    ):
        _item().reserve(Reservation.for_line("O1", "1", D("2.5"), T0))


def test_stock_refuses_floats_and_more_than_six_decimals() -> None:
    item = _item()
    with pytest.raises(FloatMoneyError):
        item.receive(0.5)  # type: ignore[arg-type]
    with pytest.raises(TooManyDecimals, match="receipt of SKU 'COFFEE' in 'JKT-1'"):
        item.receive(D("0.0000001"))
    with pytest.raises(InvalidQuantity, match="must be > 0"):
        item.take_out(D("-0.5"))
    item.reserve(Reservation.for_line("O1", "1", D("1.25"), T0))
    with pytest.raises(InvalidQuantity, match=r"found 0\.5, below the 1\.25 reserved"):
        item.count(D("0.5"), T0)
    with pytest.raises(InsufficientStock, match=r"has 1\.25 available"):
        item.take_out(D("1.5"))
    assert (item.on_hand, item.reserved) == (D("2.5"), D("1.25"))


def test_whole_decimals_become_ints_everywhere() -> None:
    reservation = Reservation.for_line("O1", "1", D("2.000"), T0)
    assert type(reservation.quantity) is int
    assert type(StockItem(warehouse="W", sku="S", on_hand="5.0").on_hand) is int
    assert type(Pick(line_id="1", sku="S", warehouse="W", quantity=D("1.0")).quantity) is int
    assert Call(
        kind=CallKind.PUSH_STOCK, target="shopee", subject="S", quantity="1.50"
    ).quantity == D("1.5")


def test_channels_offer_whole_units_unless_given_decimals() -> None:
    """12.5 kg available, a buffer of 0.5 and half of the rest: 6 kg whole, 6.000 to the gram."""
    rule = ChannelStockRule(channel="shopee", buffer=D("0.5"), share=D("0.5"))
    assert available_to_sell(D("12.5"), rule) == 6
    assert available_to_sell(D("12.7"), rule, decimals=3) == D("6.1")
    assert available_to_sell(D("12.777"), rule, decimals=2) == D("6.13")
    with pytest.raises(ValidationError, match="decimals must be a whole number"):
        available_to_sell(D("1"), rule, decimals=-1)


def test_a_wave_of_kilograms_picks_and_shorts_exactly() -> None:
    """1.25 + 0.75 kg of COFFEE on one line; 1.875 found: the later order is 0.125 short."""
    wave = plan_wave(
        "WAVE-1",
        WarehouseLayout(warehouse="JKT-1"),
        [
            PickRequest(order_id="O1", line_id="1", sku="COFFEE", quantity=D("1.25")),
            PickRequest(order_id="O2", line_id="1", sku="COFFEE", quantity=D("0.75")),
        ],
        T0,
    )
    assert wave.line("COFFEE").quantity == 2
    assert type(wave.line("COFFEE").quantity) is int
    with pytest.raises(InvalidQuantity, match=r"picked 2\.001, the list asks for 2"):
        wave.confirm("COFFEE", D("2.001"))
    shorts = wave.confirm("COFFEE", D("1.875"))
    assert [(s.order_id, s.short) for s in shorts] == [("O2", D("0.125"))]
    assert wave.picked("O2") == {"1": D("0.625")}
    assert wave.line("COFFEE").short == D("0.125")


def test_parcels_hold_no_more_than_was_picked_to_the_gram() -> None:
    items = [ParcelItem(line_id="1", sku="COFFEE", quantity=D("0.625"))]
    packable("O1", {"1": D("1.25")}, {"1": D("0.625")}, items)
    more = [ParcelItem(line_id="1", sku="COFFEE", quantity=D("0.626"))]
    with pytest.raises(PackExceedsPicked, match=r"0\.626 unit\(s\) to pack, 0\.625 picked"):
        packable("O1", {"1": D("1.25")}, {"1": D("0.625")}, more)


def test_a_fulfilment_record_counts_kilograms_exactly() -> None:
    """2 kg ordered, 1.25 + 0.75 reserved, 1.25 shipped, 0.5 returned."""
    ordered = {"1": 2}
    picks = [
        Pick(line_id="1", sku="COFFEE", warehouse="JKT-1", quantity=D("1.25")),
        Pick(line_id="1", sku="COFFEE", warehouse="SBY-1", quantity=D("0.75")),
    ]
    record = FulfilmentRecord(picks=picks)
    assert record.reserved == {"1": 2}
    assert type(record.reserved["1"]) is int
    assert record.unreserved(ordered, "1") == 0
    shipped = record.dispatching(
        "JKT-1", thing="order 'O1'", status=OrderStatus.PROCESSING, action="ship"
    ).receiving_back({"1": D("0.5")})
    assert (shipped.outstanding(ordered, "1"), shipped.returnable("1")) == (D("0.75"), D("0.75"))
    assert shipped.lines(ordered)[0].waiting == 0


def _cups() -> Product:
    return Product(
        sku="CUP",
        name="Cup",
        price=Money.of("30000", "IDR"),
        unit_cost=Money.of("12000", "IDR"),
        weight_kg="0.25",
        purchase_units=(UnitConversion(unit="box", un_code="XBX", factor=12),),
    )


def _fabric() -> Product:
    return Product(
        sku="FABRIC",
        name="Fabric",
        price=Money.of("50000", "IDR"),
        unit_cost=Money.of("20000", "IDR"),
        weight_kg="0.2",
        unit=METRE,
        purchase_units=(UnitConversion(unit="roll", un_code="XRO", factor=D("12.5")),),
    )


def test_purchase_units_convert_exactly_or_not_at_all() -> None:
    """1.5 boxes of 12 are 18 cups; 0.25 of a 12.5 m roll is 3.125 m, finer than centimetres."""
    assert in_stock_unit(_cups(), D("1.5"), "box", what="line 1") == 18
    assert in_stock_unit(_cups(), 7, None, what="line 1") == 7
    assert in_stock_unit(_cups(), 7, "pcs", what="line 1") == 7
    assert in_stock_unit(_fabric(), D("0.5"), "roll", what="line 1") == D("6.25")
    with pytest.raises(
        InexactConversion,
        match=r"line 2: 0\.25 roll of 12\.5 m is 3\.125 m, m allows 2 decimals",
    ):
        in_stock_unit(_fabric(), D("0.25"), "roll", what="line 2")
    with pytest.raises(
        InexactConversion, match=r"line 3: 0\.000001 box of 12 pcs is 0\.000012 pcs"
    ):
        in_stock_unit(_cups(), D("0.000001"), "box", what="line 3")
    with pytest.raises(InexactConversion, match=r"line 3: 0\.000001 roll of 12\.5 m is"):
        in_stock_unit(_fabric(), D("0.000001"), "roll", what="line 3")
    with pytest.raises(TooManyDecimals, match=r"line 4: 1\.005 m has 3 decimals"):
        in_stock_unit(_fabric(), D("1.005"), None, what="line 4")
    with pytest.raises(ValidationError, match="product 'CUP' has no unit 'crate'"):
        in_stock_unit(_cups(), 1, "crate", what="line 5")


def test_purchase_lines_and_receipts_hold_exact_quantities() -> None:
    line = PurchaseLine(sku="COFFEE", quantity=D("2.5"), unit_cost=Money.of("1", "IDR"))
    assert line.outstanding == D("2.5")
    assert (
        PurchaseLine(
            sku="COFFEE", quantity=D("2.5"), unit_cost=Money.of("1", "IDR"), received=D("1.5")
        ).outstanding
        == 1
    )
    receipt = ReceiptLine(sku="CUP", quantity=D("1.5"), unit="box")
    assert (receipt.quantity, receipt.unit) == (D("1.5"), "box")
    with pytest.raises(InvalidQuantity, match="has no units"):
        ReceiptLine(sku="CUP", quantity=D("0.000"))


def test_a_kilogram_product_takes_its_unit_check() -> None:
    assert KILOGRAM.check(D("1.250"), what="x") == D("1.25")


def test_a_callers_decimal_context_never_rounds_a_quantity() -> None:
    # A caller working at two significant digits: 12.5 kg + 0.125 kg must stay 12.625 kg,
    # and reading, checking and converting quantities must neither round nor raise.
    import decimal

    from salesorder.domain.inventory import ChannelStockRule, StockItem, available_to_sell
    from salesorder.domain.units import KILOGRAM, UnitConversion, decimals_of, to_quantity

    item = StockItem(warehouse="W", sku="COFFEE", on_hand=Decimal("12.5"))
    rule = ChannelStockRule(channel="shopee", share=Decimal("0.5"))
    with decimal.localcontext() as context:
        context.prec = 2
        context.traps[decimal.Inexact] = True
        assert to_quantity("0.125") == Decimal("0.125")
        assert decimals_of(Decimal("0.125")) == 3
        assert KILOGRAM.check("12.625") == Decimal("12.625")
        assert UnitConversion(unit="sack", un_code="XSA", factor="2.5").from_base("12.5") == 5
        item.receive(Decimal("0.125"))
        item.take_out(Decimal("0.001"))
        assert item.available == Decimal("12.624")
        assert available_to_sell(item.available, rule, decimals=3) == Decimal("6.312")
    assert item.on_hand == Decimal("12.624")


def test_a_unit_name_that_no_database_can_store_is_refused() -> None:
    from salesorder.domain.units import Unit, UnitConversion
    from salesorder.exceptions import ValidationError

    with pytest.raises(ValidationError, match="NUL"):
        Unit(code="kg", un_code="KGM", name="kilo\x00gram")
    with pytest.raises(ValidationError, match="NUL"):
        UnitConversion(unit="box", un_code="XBX", factor=12, name="box\x00")


def test_wave_and_parcel_arithmetic_ignores_the_callers_decimal_context() -> None:
    # The same caller at two significant digits, on the warehouse floor: waves, picks and
    # parcels add fractional quantities without rounding them.
    import decimal

    from salesorder.domain.warehouse import (
        Parcel,
        ParcelItem,
        PickRequest,
        WarehouseLayout,
        packable,
        plan_wave,
    )
    from salesorder.exceptions import PackExceedsPicked

    at = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)
    requests = [
        PickRequest(order_id="O1", line_id="L1", sku="COFFEE", quantity=Decimal("12.5")),
        PickRequest(order_id="O2", line_id="L1", sku="COFFEE", quantity=Decimal("0.125")),
    ]
    parcel_items = (
        ParcelItem(line_id="L1", sku="COFFEE", quantity=Decimal("12.4")),
        ParcelItem(line_id="L1", sku="COFFEE", quantity=Decimal("0.1")),
    )
    with decimal.localcontext() as context:
        context.prec = 2
        wave = plan_wave("W1", WarehouseLayout(warehouse="JKT-1"), requests, at)
        line = wave.line("COFFEE")
        assert line.quantity == Decimal("12.625")
        short = wave.confirm("COFFEE", Decimal("12.501"))
        assert [item.short for item in short] == [Decimal("0.124")]
        assert line.quantity == Decimal("12.625")
        assert wave.line("COFFEE").picked == Decimal("12.501")
        assert wave.line("COFFEE").short == Decimal("0.124")
        assert wave.reserved() == {("O1", "L1"): Decimal("12.5"), ("O2", "L1"): Decimal("0.125")}
        assert wave.picked("O2") == {"L1": Decimal("0.001")}
        parcel = Parcel(
            id="P1",
            order_id="O1",
            warehouse="JKT-1",
            packed_at=at,
            items=parcel_items,
            weight_kg="1.5",
            volume_cm3="12345",
        )
        assert parcel.units() == {"L1": Decimal("12.5")}
        assert parcel.volumetric_weight_kg(6000) == Decimal("2.058")
        packable("O1", {"L1": Decimal("12.5")}, {}, parcel_items)
        with pytest.raises(PackExceedsPicked):
            packable("O1", {"L1": Decimal("12.5")}, {"L1": Decimal("0.001")}, parcel_items)
