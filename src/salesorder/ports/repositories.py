"""The registry of repositories: every kind of aggregate the persistence port stores, once.

Each :class:`RepositorySpec` says what one repository of
:class:`~salesorder.ports.persistence.UnitOfWork` holds: its attribute name, the aggregate
class, the fields that make an aggregate's identity, the word errors use for it, and the
uniqueness rules the port promises beyond the identity. :data:`REPOSITORIES` lists them in the
order every adapter writes them at commit (kind of aggregate, then key), so two units never
wait on each other's row locks in opposite orders.

Everything that used to list the repositories is driven from here: the in-memory adapter's
tables, checks and write order; the SQL adapter's tables (``so_<name>``, keyed by the identity
fields), mappings and write order; the contract kit's case table. Adding a repository is one
entry here, plus what cannot be derived from it: its typed property on ``UnitOfWork`` (a
Protocol declares its attributes; a test keeps the names in step), its sample aggregates in
the contract kit, and, only when the database must query or guard some of its fields, those
columns in :mod:`salesorder.adapters.sql.mappings`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable
from typing import Any

import attrs

from salesorder.domain.catalog import Product
from salesorder.domain.channels import ChannelAccount, MarketplaceRecord, RefusalSlot
from salesorder.domain.cod import RemittanceStatement
from salesorder.domain.customers import Customer, Warehouse
from salesorder.domain.inventory import StockItem
from salesorder.domain.invoicing import CreditNote, Invoice, InvoiceSeries
from salesorder.domain.orders import Order
from salesorder.domain.outbox import OutboxItem
from salesorder.domain.payments import CustomerCredit, Payment
from salesorder.domain.pricelists import PriceList
from salesorder.domain.promotions import Promotion, Voucher
from salesorder.domain.purchasing import PurchaseOrder, Supplier
from salesorder.domain.returns import ReturnRequest
from salesorder.domain.shipping import Shipment
from salesorder.domain.warehouse import Manifest, Parcel, WarehouseLayout, Wave

__all__ = ["REPOSITORIES", "RepositorySpec", "UniqueRule", "repository"]


@attrs.frozen(kw_only=True)
class UniqueRule:
    """A value no two aggregates of one repository may share; None is never a duplicate.

    A violation at commit raises :class:`~salesorder.exceptions.UniquenessConflict`.
    """

    #: What the value is, as an error message names it ("payment reference").
    what: str
    value: Callable[[Any], Hashable | None]


def _getter(spec: RepositorySpec) -> Callable[[Any], Hashable]:
    return operator.attrgetter(*spec.key_fields)


@attrs.frozen(kw_only=True)
class RepositorySpec:
    """One repository of a unit of work."""

    #: The attribute of :class:`~salesorder.ports.persistence.UnitOfWork` that holds it.
    name: str
    #: The aggregate, in the singular, as errors name it ("stock item").
    kind: str
    aggregate: type[Any]
    #: The aggregate's attributes that make its identity; one field is the key itself, several
    #: make a tuple (``("warehouse", "sku")`` for stock). The SQL tables use them as columns.
    key_fields: tuple[str, ...]
    unique: tuple[UniqueRule, ...] = ()
    #: Gives an aggregate's identity, its key field or the tuple of its key fields.
    key: Callable[[Any], Hashable] = attrs.field(
        init=False, eq=False, repr=False, default=attrs.Factory(_getter, takes_self=True)
    )


def _spec(
    name: str,
    kind: str,
    aggregate: type[Any],
    *key_fields: str,
    unique: tuple[UniqueRule, ...] = (),
) -> RepositorySpec:
    return RepositorySpec(
        name=name, kind=kind, aggregate=aggregate, key_fields=key_fields, unique=unique
    )


#: Every repository, in write order. A numbering series goes first, so concurrent issuers
#: queue on its row (read ``FOR UPDATE`` by the SQL adapter) before inserting invoices.
REPOSITORIES: tuple[RepositorySpec, ...] = (
    _spec("invoice_series", "invoice series", InvoiceSeries, "code"),
    _spec("bin_layouts", "bin layout", WarehouseLayout, "warehouse"),
    _spec("waves", "wave", Wave, "id"),
    _spec("parcels", "parcel", Parcel, "id"),
    _spec("manifests", "manifest", Manifest, "id"),
    _spec("products", "product", Product, "sku"),
    _spec("customers", "customer", Customer, "id"),
    _spec("warehouses", "warehouse", Warehouse, "code"),
    _spec(
        "orders",
        "order",
        Order,
        "id",
        unique=(
            UniqueRule(
                what="order of (channel, external ref)",
                value=lambda o: (o.channel.code, o.external_ref) if o.external_ref else None,
            ),
        ),
    ),
    _spec("stock", "stock item", StockItem, "warehouse", "sku"),
    _spec("suppliers", "supplier", Supplier, "code"),
    _spec("purchase_orders", "purchase order", PurchaseOrder, "id"),
    _spec("shipments", "shipment", Shipment, "id"),
    _spec("invoices", "invoice", Invoice, "id"),
    _spec(
        "payments",
        "payment",
        Payment,
        "id",
        unique=(UniqueRule(what="payment reference", value=lambda p: p.reference),),
    ),
    _spec(
        "credit_notes",
        "credit note",
        CreditNote,
        "id",
        unique=(UniqueRule(what="credit note number", value=lambda n: (n.series, n.number)),),
    ),
    _spec("customer_credits", "customer credit", CustomerCredit, "customer_id", "currency"),
    _spec("price_lists", "price list", PriceList, "code"),
    _spec("promotions", "promotion", Promotion, "code"),
    _spec("vouchers", "voucher", Voucher, "code"),
    _spec("channel_accounts", "channel account", ChannelAccount, "channel"),
    _spec("marketplace_orders", "marketplace order", MarketplaceRecord, "channel", "external_id"),
    _spec(
        "returns",
        "return",
        ReturnRequest,
        "id",
        unique=(
            UniqueRule(
                what="return of (order, key)",
                value=lambda r: (r.order_id, r.key) if r.key else None,
            ),
        ),
    ),
    _spec("cod_statements", "COD remittance statement", RemittanceStatement, "courier", "id"),
    # Calls to the outside world and customer messages, written last in every unit.
    _spec("outbox", "outbox item", OutboxItem, "key"),
    # Refused webhook deliveries: a log of its own, written by nothing legitimate.
    _spec("refused_deliveries", "refused delivery slot", RefusalSlot, "channel", "slot"),
)


def repository(name: str) -> RepositorySpec:
    """The entry of :data:`REPOSITORIES` called ``name``.

    Raises:
        KeyError: there is no repository of that name.
    """
    for spec in REPOSITORIES:
        if spec.name == name:
            return spec
    raise KeyError(f"no repository {name!r} in salesorder.ports.repositories.REPOSITORIES")
