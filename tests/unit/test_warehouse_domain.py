"""The warehouse domain: serpentine routes, walking distance, waves, parcels, manifests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from salesorder.domain.notifications import (
    Message,
    NotificationChannel,
    NotificationKind,
    OutboxEntry,
)
from salesorder.domain.warehouse import (
    BinLocation,
    Manifest,
    ManifestEntry,
    Parcel,
    ParcelItem,
    PickRequest,
    WarehouseLayout,
    WaveStatus,
    packable,
    plan_wave,
    serpentine,
)
from salesorder.exceptions import (
    IllegalTransition,
    InvalidQuantity,
    NotOnPickList,
    PackExceedsPicked,
    ValidationError,
)
from salesorder.serialization import structure, unstructure

AT = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)


def b(aisle: int, position: int) -> BinLocation:
    return BinLocation(aisle=aisle, position=position)


def test_serpentine_walks_every_other_aisle_backwards() -> None:
    bins = [b(3, 2), b(1, 9), b(3, 8), b(1, 2), b(5, 4), b(5, 1), b(1, 2)]
    assert serpentine(bins) == [b(1, 2), b(1, 9), b(3, 8), b(3, 2), b(5, 1), b(5, 4)]


def test_route_metres_use_the_nearer_cross_aisle() -> None:
    layout = WarehouseLayout(
        warehouse="JKT-1", bins={"A": b(1, 2), "B": b(2, 9)}, aisle_spacing_m=3
    )
    assert layout.back == 10
    # Depot (1, 0) -> (1, 2): 2 m; -> (2, 9): over the back, 8 + 3 + 1 = 12 m (the front
    # would be 2 + 3 + 9 = 14 m); back to the depot over the front: 9 + 3 + 0 = 12 m.
    assert layout.route_m([b(1, 2), b(2, 9)]) == 26
    assert layout.walk_m([b(2, 9), b(1, 2)]) == 26
    assert layout.route_m([b(2, 9), b(1, 2)]) == 26
    assert layout.route_m([]) == 0


def test_a_wave_groups_skus_in_walking_order_and_shares_shortfalls_last_first() -> None:
    layout = WarehouseLayout(warehouse="JKT-1", bins={"A": b(2, 5), "B": b(1, 9)})
    wave = plan_wave(
        "W1",
        layout,
        [
            PickRequest(order_id="O1", line_id="1", sku="A", quantity=2),
            PickRequest(order_id="O2", line_id="1", sku="A", quantity=3),
            PickRequest(order_id="O2", line_id="2", sku="B", quantity=1),
            PickRequest(order_id="O2", line_id="3", sku="NO-BIN", quantity=1),
        ],
        AT,
    )
    assert [(line.sku, line.quantity) for line in wave.lines] == [
        ("B", 1),
        ("A", 5),
        ("NO-BIN", 1),
    ]
    assert "no bin" in wave.pick_list()
    short = wave.confirm("A", 3)
    assert [(i.order_id, i.picked, i.short) for i in short] == [("O2", 1, 2)]
    assert wave.line("A").picked + wave.line("A").short == 5
    assert wave.picked("O1") == {"1": 2}
    assert wave.status == WaveStatus.OPEN
    wave.confirm("B", 1)
    wave.confirm("NO-BIN", 0)
    assert wave.status == WaveStatus.PICKED  # type: ignore[comparison-overlap]


def test_bad_confirmations_change_nothing() -> None:
    layout = WarehouseLayout(warehouse="JKT-1")
    wave = plan_wave(
        "W1", layout, [PickRequest(order_id="O1", line_id="1", sku="A", quantity=2)], AT
    )
    with pytest.raises(NotOnPickList, match=r"wave 'W1'.*SKU 'B'"):
        wave.confirm("B", 1)
    with pytest.raises(InvalidQuantity):
        wave.confirm("A", 3)
    assert wave.line("A").confirmed is False
    wave.confirm("A", 2)
    with pytest.raises(IllegalTransition, match="it is done"):
        wave.confirm("A", 2)


def test_a_wave_needs_requests_and_lists_each_line_once() -> None:
    layout = WarehouseLayout(warehouse="JKT-1")
    with pytest.raises(ValidationError, match="nothing to pick"):
        plan_wave("W1", layout, [], AT)
    twice = PickRequest(order_id="O1", line_id="1", sku="A", quantity=1)
    with pytest.raises(ValidationError, match="twice"):
        plan_wave("W1", layout, [twice, twice], AT)


def parcel(**fields: object) -> Parcel:
    values: dict[str, object] = {
        "id": "P1",
        "order_id": "O1",
        "warehouse": "JKT-1",
        "packed_at": AT,
        "items": (ParcelItem(line_id="1", sku="A", quantity=2),),
        "weight_kg": "1.2",
        "volume_cm3": "12001",
    }
    return Parcel(**(values | fields))  # type: ignore[arg-type]


def test_volumetric_weight_uses_the_couriers_divisor() -> None:
    box = parcel()
    assert box.volumetric_weight_kg(6000) == Decimal("2.001")  # 2.000166... rounded up
    assert box.volumetric_weight_kg(5000) == Decimal("2.401")
    assert box.chargeable_weight_kg(6000) == Decimal("2.001")
    assert parcel(volume_cm3="600").chargeable_weight_kg() == Decimal("1.2")
    with pytest.raises(ValidationError, match="divisor"):
        box.volumetric_weight_kg(0)
    with pytest.raises(ValidationError, match="empty"):
        parcel(items=())


def test_packing_more_than_picked_names_the_line() -> None:
    items = [ParcelItem(line_id="1", sku="A", quantity=2)]
    packable("O1", {"1": 3}, {"1": 1}, items)
    with pytest.raises(PackExceedsPicked, match=r"order 'O1' line '1': 2 unit.*1 picked"):
        packable("O1", {"1": 3}, {"1": 2}, items)


def test_a_parcel_is_handed_over_once() -> None:
    box = parcel()
    box.hand_over("M1", "S1", "JNT1")
    with pytest.raises(IllegalTransition, match="on 'M1'"):
        box.hand_over("M2", "S2", "JNT2")
    assert "x2" in box.packing_slip({"A": "Cap"})


def test_warehouse_models_round_trip() -> None:
    layout = WarehouseLayout(warehouse="JKT-1", bins={"A": b(2, 5)}, aisle_spacing_m=4)
    wave = plan_wave(
        "W1", layout, [PickRequest(order_id="O1", line_id="1", sku="A", quantity=2)], AT
    )
    wave.confirm("A", 1)
    manifest = Manifest(
        id="M1",
        courier="jnt",
        warehouse="JKT-1",
        created_at=AT,
        entries=(
            ManifestEntry(
                parcel_id="P1", order_id="O1", shipment_id="S1", tracking_number="T", weight_kg=1
            ),
        ),
    )
    entry = OutboxEntry(
        message=Message(
            key="k",
            channel=NotificationChannel.SMS,
            recipient="+62",
            order_id="O1",
            kind=NotificationKind.ORDER_SHIPPED,
            locale="id_ID",
            subject="",
            body="b",
        )
    )
    entry.failed("down")
    for value in (layout, wave, parcel(), manifest, entry):
        assert structure(unstructure(value), type(value)) == value
    with pytest.raises(ValidationError, match="no parcel"):
        Manifest(id="M2", courier="jnt", warehouse="JKT-1", created_at=AT, entries=())
