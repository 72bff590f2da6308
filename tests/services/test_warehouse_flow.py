"""Waves, pick confirmation with short picks, packing and courier manifests, end to end."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from tests.services.conftest import Snapshot

from salesorder import Dimensions, SalesApp, commands
from salesorder.adapters.memory import InMemoryCourier
from salesorder.domain.inventory import MovementKind
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.outbox import OutboxState
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.shipping import CourierBooking, ShipmentRequest, ShipmentStatus
from salesorder.domain.warehouse import ParcelStatus
from salesorder.exceptions import (
    IllegalTransition,
    NotOnPickList,
    PackExceedsPicked,
    ScenarioError,
    UnknownParcel,
    ValidationError,
)
from salesorder.scenario import load_scenario
from salesorder.services import warehouse as warehouse_service
from salesorder.services.commands import ListOutbox
from salesorder.services.inventory import ledger

LineQuantity = commands.LineQuantity


def reserved(app: SalesApp, *lines: tuple[str, int], cod: bool = True) -> str:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=tuple(commands.NewLine(sku=sku, quantity=qty) for sku, qty in lines),
            payment_method=PaymentMethod.COD if cod else PaymentMethod.BANK_TRANSFER,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    return order_id


def bins(app: SalesApp) -> None:
    app.execute(
        commands.SetBins(
            warehouse="JKT-1",
            bins=(
                commands.BinAssignment(sku="TSHIRT-RED-M", aisle=2, position=5),
                commands.BinAssignment(sku="CAP-BLK", aisle=1, position=9),
            ),
        )
    )
    app.execute(commands.ReceiveStock(warehouse="JKT-1", sku="CAP-BLK", quantity=4))


def status(app: SalesApp, order_id: str) -> OrderStatus:
    with app.uow() as uow:
        return uow.orders.get(order_id).status


def test_a_wave_from_pick_list_to_manifest(app: SalesApp) -> None:
    bins(app)
    first = reserved(app, ("TSHIRT-RED-M", 2), ("CAP-BLK", 1))
    second = reserved(app, ("TSHIRT-RED-M", 3))
    wave_id = app.execute(commands.CreateWave(warehouse="JKT-1"))
    assert status(app, first) is OrderStatus.PICKING
    with app.uow() as uow:
        wave = uow.waves.get(wave_id)
    # One line per SKU, in walking order: aisle 1 before aisle 2.
    assert [(line.sku, line.quantity) for line in wave.lines] == [
        ("CAP-BLK", 1),
        ("TSHIRT-RED-M", 5),
    ]
    assert wave.order_ids == [first, second]
    text = warehouse_service.pick_list(app, wave_id)
    assert "A01-009" in text.splitlines()[2]
    assert app.execute(commands.ConfirmPick(wave_id=wave_id, sku="CAP-BLK", picked=1)) == 0
    assert app.execute(commands.ConfirmPick(wave_id=wave_id, sku="TSHIRT-RED-M", picked=5)) == 0

    parcel_1 = app.execute(commands.PackParcel(order_id=first, warehouse="JKT-1"))
    assert status(app, first) is OrderStatus.PACKED
    parcel_2 = app.execute(
        commands.PackParcel(
            order_id=second,
            warehouse="JKT-1",
            dimensions=Dimensions(length_cm=30, width_cm=20, height_cm=10),
        )
    )
    with app.uow() as uow:
        packed = uow.parcels.get(parcel_2)
    assert packed.weight_kg == Decimal("0.9")  # 3 x 0.3 kg from the catalog
    assert packed.volumetric_weight_kg(5000) == Decimal("1.2")  # 6000 cm3 / 5000
    assert packed.chargeable_weight_kg(6000) == Decimal("1.0")
    assert "TSHIRT-RED-M" in warehouse_service.packing_slip(app, parcel_2)

    manifest_id = app.execute(
        commands.CreateManifest(courier="jnt", warehouse="JKT-1", parcel_ids=(parcel_1, parcel_2))
    )
    with app.uow() as uow:
        manifest = uow.manifests.get(manifest_id)
        parcels = [uow.parcels.get(p) for p in (parcel_1, parcel_2)]
        shipments = {s.order_id: s for s in uow.shipments.list()}
    assert [e.tracking_number for e in manifest.entries] == [
        shipments[first].tracking_number,
        shipments[second].tracking_number,
    ]
    assert all(p.status is ParcelStatus.SHIPPED for p in parcels)
    assert status(app, first) is OrderStatus.SHIPPED
    assert status(app, second) is OrderStatus.SHIPPED


def test_a_parcel_not_on_the_manifest_is_not_shipped(app: SalesApp, snapshot: Snapshot) -> None:
    first = reserved(app, ("TSHIRT-RED-M", 1))
    second = reserved(app, ("TSHIRT-RED-M", 1))
    wave_id = app.execute(commands.CreateWave(warehouse="JKT-1"))
    app.execute(commands.ConfirmPick(wave_id=wave_id, sku="TSHIRT-RED-M", picked=2))
    parcel_1 = app.execute(commands.PackParcel(order_id=first, warehouse="JKT-1"))
    parcel_2 = app.execute(commands.PackParcel(order_id=second, warehouse="JKT-1"))
    app.execute(commands.CreateManifest(courier="jnt", warehouse="JKT-1", parcel_ids=(parcel_1,)))
    assert status(app, first) is OrderStatus.SHIPPED
    assert status(app, second) is OrderStatus.PACKED
    with app.uow() as uow:
        assert uow.parcels.get(parcel_2).status is ParcelStatus.PACKED
    before = snapshot()
    with pytest.raises(UnknownParcel, match="'PCL-NOPE'"):
        app.execute(
            commands.CreateManifest(
                courier="jnt", warehouse="JKT-1", parcel_ids=(parcel_2, "PCL-NOPE")
            )
        )
    with pytest.raises(IllegalTransition, match="hand over"):
        app.execute(
            commands.CreateManifest(courier="jnt", warehouse="JKT-1", parcel_ids=(parcel_1,))
        )
    assert snapshot() == before


def test_an_order_split_over_parcels_hands_over_all_of_them(app: SalesApp) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 3))
    wave_id = app.execute(commands.CreateWave(warehouse="JKT-1", order_ids=(order_id,)))
    app.execute(commands.ConfirmPick(wave_id=wave_id, sku="TSHIRT-RED-M", picked=3))
    one = app.execute(
        commands.PackParcel(
            order_id=order_id, warehouse="JKT-1", lines=(LineQuantity(line_id="1", quantity=2),)
        )
    )
    assert status(app, order_id) is OrderStatus.PICKING
    with pytest.raises(PackExceedsPicked, match="2 unit\\(s\\) to pack, 1 picked"):
        app.execute(
            commands.PackParcel(
                order_id=order_id,
                warehouse="JKT-1",
                lines=(LineQuantity(line_id="1", quantity=2),),
            )
        )
    two = app.execute(commands.PackParcel(order_id=order_id, warehouse="JKT-1"))
    assert status(app, order_id) is OrderStatus.PACKED
    with pytest.raises(ValidationError, match="not on the manifest"):
        app.execute(commands.CreateManifest(courier="jnt", warehouse="JKT-1", parcel_ids=(one,)))
    app.execute(commands.CreateManifest(courier="jnt", warehouse="JKT-1", parcel_ids=(one, two)))
    assert status(app, order_id) is OrderStatus.SHIPPED


def test_a_short_pick_corrects_stock_and_reallocates(app: SalesApp) -> None:
    app.execute(commands.ReceiveStock(warehouse="SBY-1", sku="TSHIRT-RED-M", quantity=4))
    order_id = reserved(app, ("TSHIRT-RED-M", 3))
    wave_id = app.execute(commands.CreateWave(warehouse="JKT-1"))
    short = app.execute(commands.ConfirmPick(wave_id=wave_id, sku="TSHIRT-RED-M", picked=1))
    assert short == 2
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        jkt = uow.stock.get(("JKT-1", "TSHIRT-RED-M"))
        sby = uow.stock.get(("SBY-1", "TSHIRT-RED-M"))
    assert sorted((p.warehouse, p.quantity) for p in order.picks) == [("JKT-1", 1), ("SBY-1", 2)]
    assert (jkt.on_hand, jkt.reserved) == (8, 1)  # 10 - 2 not found; 1 still held
    assert sby.reserved == 2
    kinds = [m.kind for m in ledger(app, "JKT-1", "TSHIRT-RED-M")]
    assert kinds[-2:] == [MovementKind.RELEASE, MovementKind.COUNT_ADJUSTMENT]
    # The re-allocated units go on the next wave of the other warehouse.
    other = app.execute(commands.CreateWave(warehouse="SBY-1"))
    with app.uow() as uow:
        assert uow.waves.get(other).lines[0].quantity == 2


def test_a_short_pick_without_stock_elsewhere_backorders(app: SalesApp) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 2))
    wave_id = app.execute(commands.CreateWave(warehouse="JKT-1"))
    app.execute(
        commands.ConfirmPick(
            wave_id=wave_id, sku="TSHIRT-RED-M", picked=0, reason=commands.ShortPickReason.DAMAGED
        )
    )
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        item = uow.stock.get(("JKT-1", "TSHIRT-RED-M"))
    assert order.picks == []
    assert order.backordered_since is not None
    assert (item.on_hand, item.reserved) == (8, 0)
    assert ledger(app, "JKT-1", "TSHIRT-RED-M")[-1].kind is MovementKind.WRITE_OFF


def test_bad_picks_are_refused_and_change_nothing(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 2))
    wave_id = app.execute(commands.CreateWave(warehouse="JKT-1"))
    before = snapshot()
    with pytest.raises(NotOnPickList, match="SKU 'CAP-BLK'"):
        app.execute(commands.ConfirmPick(wave_id=wave_id, sku="CAP-BLK", picked=1))
    with pytest.raises(ValidationError, match="picked 3, the list asks for 2"):
        app.execute(commands.ConfirmPick(wave_id=wave_id, sku="TSHIRT-RED-M", picked=3))
    with pytest.raises(PackExceedsPicked):
        app.execute(
            commands.PackParcel(
                order_id=order_id,
                warehouse="JKT-1",
                lines=(LineQuantity(line_id="1", quantity=1),),
            )
        )
    with pytest.raises(IllegalTransition, match="nothing reserved in 'JKT-1' is left to pick"):
        app.execute(commands.CreateWave(warehouse="JKT-1", order_ids=(order_id,)))
    assert snapshot() == before


def test_an_urgent_order_is_picked_alone(app: SalesApp) -> None:
    reserved(app, ("TSHIRT-RED-M", 1))
    urgent = reserved(app, ("TSHIRT-RED-M", 2))
    wave_id = app.execute(commands.CreateWave(warehouse="JKT-1", order_ids=(urgent,), urgent=True))
    with app.uow() as uow:
        wave = uow.waves.get(wave_id)
    assert wave.order_ids == [urgent]
    assert "URGENT" in wave.pick_list()
    rest = app.execute(commands.CreateWave(warehouse="JKT-1"))
    with app.uow() as uow:
        assert urgent not in uow.waves.get(rest).order_ids
    with pytest.raises(ValidationError, match="no reserved order has units to pick"):
        app.execute(commands.CreateWave(warehouse="JKT-1"))


def test_a_prepaid_order_is_not_handed_over_unpaid(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 1), cod=False)
    wave_id = app.execute(commands.CreateWave(warehouse="JKT-1"))
    app.execute(commands.ConfirmPick(wave_id=wave_id, sku="TSHIRT-RED-M", picked=1))
    parcel = app.execute(commands.PackParcel(order_id=order_id, warehouse="JKT-1"))
    before = snapshot()
    with pytest.raises(IllegalTransition, match="not fully paid"):
        app.execute(commands.CreateManifest(courier="jnt", warehouse="JKT-1", parcel_ids=(parcel,)))
    assert snapshot() == before


class _RefusesSecondBooking(InMemoryCourier):
    def book(self, request: ShipmentRequest) -> CourierBooking:
        if self.bookings:
            raise ValidationError(f"courier refuses {request.reference!r}")
        return super().book(request)


def test_a_refused_booking_is_dead_lettered_and_the_manifest_keeps_every_parcel(
    app: SalesApp,
) -> None:
    """Bookings are made after the commit (the outbox): a courier that refuses one no longer
    stops the manifest. Both orders ship; the refused booking waits, dead-lettered, for an
    operator, and its shipment has no tracking number yet."""
    app = attrs.evolve(app, couriers={"jnt": _RefusesSecondBooking("jnt")})
    first = reserved(app, ("TSHIRT-RED-M", 1))
    second = reserved(app, ("TSHIRT-RED-M", 1))
    wave_id = app.execute(commands.CreateWave(warehouse="JKT-1"))
    app.execute(commands.ConfirmPick(wave_id=wave_id, sku="TSHIRT-RED-M", picked=2))
    one = app.execute(commands.PackParcel(order_id=first, warehouse="JKT-1"))
    two = app.execute(commands.PackParcel(order_id=second, warehouse="JKT-1"))
    app.execute(commands.CreateManifest(courier="jnt", warehouse="JKT-1", parcel_ids=(one, two)))
    with app.uow() as uow:
        (manifest,) = uow.manifests.list()
        parcels = {p.id: p.status for p in uow.parcels.list()}
        shipments = {s.order_id: s for s in uow.shipments.list()}
    assert manifest.parcel_ids == [one, two]
    assert parcels == {one: ParcelStatus.SHIPPED, two: ParcelStatus.SHIPPED}
    assert shipments[first].status is ShipmentStatus.BOOKED
    assert shipments[second].status is ShipmentStatus.REQUESTED
    assert shipments[second].tracking_number == ""
    (dead,) = app.execute(ListOutbox(states=(OutboxState.DEAD,)))
    assert dead.call.subject == shipments[second].id
    assert "courier refuses" in dead.last_error


def test_a_manifest_step_naming_an_unknown_parcel_is_refused_with_its_path() -> None:
    data = {
        "format": "salesorder/scenario",
        "version": 1,
        "commands": [
            {"type": "create_manifest", "courier": "jnt", "warehouse": "JKT-1",
             "parcel_ids": ["PARCEL-000001", "$box"]},
        ],
    }  # fmt: skip
    with pytest.raises(ScenarioError) as error:
        load_scenario(data)
    assert error.value.path == "commands[0].parcel_ids[1]"
    assert "unknown reference '$box'" in str(error.value)


def test_a_cancelled_order_on_a_wave_is_not_packed(app: SalesApp) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 2))
    wave_id = app.execute(commands.CreateWave(warehouse="JKT-1"))
    app.execute(commands.CancelOrder(order_id=order_id, reason="buyer changed mind"))
    # One unit is missing: the stock is corrected, nothing is re-allocated.
    assert app.execute(commands.ConfirmPick(wave_id=wave_id, sku="TSHIRT-RED-M", picked=1)) == 1
    with app.uow() as uow:
        item = uow.stock.get(("JKT-1", "TSHIRT-RED-M"))
    assert (item.on_hand, item.reserved) == (9, 0)
    with pytest.raises(IllegalTransition, match="cannot pack"):
        app.execute(commands.PackParcel(order_id=order_id, warehouse="JKT-1"))
