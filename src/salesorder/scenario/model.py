"""A scenario file's sections, its format and version, and the steps it lists."""

from __future__ import annotations

import datetime as dt

import attrs

from salesorder.domain.catalog import Product
from salesorder.domain.common import code
from salesorder.domain.customers import Customer, Warehouse
from salesorder.domain.pricelists import PriceList
from salesorder.domain.promotions import Promotion, Voucher
from salesorder.domain.units import Quantity, positive_quantity, quantity
from salesorder.exceptions import ValidationError
from salesorder.scenario.actions import Action
from salesorder.services.app import Settings

__all__ = ["FORMAT", "RESULT_FORMAT", "VERSION", "ProductEntry", "Scenario", "Step", "StockEntry"]

#: The value of a scenario file's ``format`` key.
FORMAT = "salesorder/scenario"
#: The version of the format this module reads and writes.
VERSION = 1
#: The ``format`` of what :func:`run_scenario` returns.
RESULT_FORMAT = "salesorder/scenario-result"


@attrs.frozen(kw_only=True)
class ProductEntry:
    """A product, and the warehouse its ``initial_stock`` goes into.

    In the file the warehouse is one more key of the product: ``{"sku": ..., "warehouse":
    "JKT-1"}``.
    """

    product: Product
    warehouse: str | None = None


@attrs.frozen(kw_only=True)
class StockEntry:
    """Opening stock: a goods receipt of ``quantity`` units of ``sku`` into ``warehouse``.

    ``quantity`` is exact, in the product's unit (``"12.5"`` kg in the file).
    """

    warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=quantity, validator=positive_quantity)


@attrs.frozen(kw_only=True)
class Step:
    """One entry of ``commands``: an action, and optionally a name (``"as"``) for its result."""

    action: Action
    name: str | None = None


def _check_version(_instance: object, _attribute: object, value: int) -> None:
    if value != VERSION:
        raise ValidationError(
            f"unsupported version {value}; this salesorder reads version {VERSION}"
        )


def _check_format(_instance: object, _attribute: object, value: str) -> None:
    if value != FORMAT:
        raise ValidationError(f"expected {FORMAT!r}, got {value!r}")


@attrs.frozen(kw_only=True)
class Scenario:
    """A validated scenario file; see :mod:`salesorder.scenario`, ``docs/scenario-format.md``."""

    format: str = attrs.field(default=FORMAT, validator=_check_format)
    version: int = attrs.field(default=VERSION, validator=_check_version)
    description: str = ""
    settings: Settings = attrs.Factory(Settings)
    start: dt.datetime | None = None
    warehouses: tuple[Warehouse, ...] = ()
    products: tuple[ProductEntry, ...] = ()
    customers: tuple[Customer, ...] = ()
    stock: tuple[StockEntry, ...] = ()
    price_lists: tuple[PriceList, ...] = ()
    promotions: tuple[Promotion, ...] = ()
    vouchers: tuple[Voucher, ...] = ()
    commands: tuple[Step, ...] = ()
