"""Pick lists for 10,000 orders over 5 warehouses, and the walking they save.

Each warehouse has a generated layout: 20 aisles of 60 bins, 3 m apart, 1,200 SKUs placed
at random (seeded). Orders have 1 to 4 lines, each reserved in one warehouse. The timed
call builds one wave per warehouse (:func:`salesorder.domain.warehouse.plan_wave`: lines
grouped by SKU and put in serpentine bin order); the baseline sorts the same requests by SKU
with plain ``sorted``.

Walking distance is measured on the same layouts with
:meth:`~salesorder.domain.warehouse.WarehouseLayout.route_m` (from the depot at the front
of aisle 1, through the stops, and back): picking each order alone, in serpentine order,
against waves of 20 orders (a picking cart) and against one wave per warehouse.
"""

from __future__ import annotations

import datetime as dt
import random

from _harness import Row, best_of
from salesorder.domain.warehouse import (
    BinLocation,
    PickRequest,
    WarehouseLayout,
    plan_wave,
)

ORDERS = 10_000
WAREHOUSES = 5
AISLES = 20
BINS_PER_AISLE = 60
SKUS = 1_200
CART = 20
AT = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)


def _layouts(rng: random.Random) -> list[WarehouseLayout]:
    skus = [f"SKU-{n:05d}" for n in range(SKUS)]
    layouts = []
    for number in range(1, WAREHOUSES + 1):
        places = [
            BinLocation(aisle=a, position=p)
            for a in range(1, AISLES + 1)
            for p in range(1, BINS_PER_AISLE + 1)
        ]
        rng.shuffle(places)
        layouts.append(
            WarehouseLayout(warehouse=f"WH-{number}", bins=dict(zip(skus, places, strict=True)))
        )
    return layouts


def _orders(rng: random.Random) -> list[list[PickRequest]]:
    """Requests per warehouse, orders in arrival order."""
    per_warehouse: list[list[PickRequest]] = [[] for _ in range(WAREHOUSES)]
    for number in range(ORDERS):
        target = per_warehouse[rng.randrange(WAREHOUSES)]
        skus = rng.sample(range(SKUS), rng.randint(1, 4))
        target.extend(
            PickRequest(
                order_id=f"O-{number:05d}",
                line_id=str(line),
                sku=f"SKU-{sku:05d}",
                quantity=rng.randint(1, 3),
            )
            for line, sku in enumerate(skus, start=1)
        )
    return per_warehouse


def _by_order(requests: list[PickRequest]) -> list[list[PickRequest]]:
    orders: dict[str, list[PickRequest]] = {}
    for request in requests:
        orders.setdefault(request.order_id, []).append(request)
    return list(orders.values())


def _walk(layout: WarehouseLayout, groups: list[list[PickRequest]]) -> int:
    """Metres walked picking each group as one serpentine round trip."""
    total = 0
    for group in groups:
        bins = [layout.bins[r.sku] for r in group]
        total += layout.walk_m(bins)
    return total


def run() -> list[Row]:
    rng = random.Random(20260105)
    layouts = _layouts(rng)
    requests = _orders(rng)

    def plan_all() -> None:
        for index, layout in enumerate(layouts):
            plan_wave(f"W-{index}", layout, requests[index], AT)

    def sort_all() -> None:
        for batch in requests:
            sorted(batch, key=lambda r: r.sku)

    measured = best_of(plan_all, repeat=5) * 1e3
    baseline = best_of(sort_all, repeat=5) * 1e3

    alone = carts = whole = 0
    for layout, batch in zip(layouts, requests, strict=True):
        orders = _by_order(batch)
        alone += _walk(layout, orders)
        carts += _walk(
            layout,
            [
                [r for order in orders[i : i + CART] for r in order]
                for i in range(0, len(orders), CART)
            ],
        )
        whole += _walk(layout, [batch])
    return [
        Row(
            name=f"pick lists, {ORDERS:,} orders / {WAREHOUSES} warehouses",
            measured=measured,
            baseline=baseline,
            unit="ms",
            target="< 1000 ms",
        ),
        Row(
            name=f"walk: waves of {CART} orders vs order by order",
            measured=carts / 1000,
            baseline=alone / 1000,
            unit="km",
            target="< 0.5x",
        ),
        Row(
            name="walk: one wave per warehouse vs order by order",
            measured=whole / 1000,
            baseline=alone / 1000,
            unit="km",
            target="< 0.05x",
        ),
    ]
