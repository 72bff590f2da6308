"""The JSON document of an order: one flat object, whatever values the aggregate holds.

Part of :mod:`salesorder.serialization` (the one place that knows JSON shapes), kept in a
module of its own: the order is the one model whose document does not follow its fields.
A line's ``unit`` (an order's, an invoice's or a credit note's) is written only when it is
not the piece, so the documents of a shop that sells pieces look as they always did.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import cattrs
from cattrs.errors import ForbiddenExtraKeysError
from cattrs.gen import make_dict_unstructure_fn, override

from salesorder.domain.balance import OrderBalance
from salesorder.domain.fulfilment import FulfilmentRecord
from salesorder.domain.invoicing import InvoiceLine
from salesorder.domain.order_contents import OrderContents
from salesorder.domain.order_lines import OrderLine
from salesorder.domain.order_progress import OrderProgress
from salesorder.domain.orders import Order

__all__ = ["FLATTENED", "ORDER_KEYS", "flat_keys", "register_order"]

#: The keys of an order's document, in their order. What the order is for
#: (``Order.contents``), where it is in its life (``Order.progress``), its money state
#: (``Order.balance``) and where its units are (``Order.fulfilment_record``) are kept at the
#: top level under their own field names, as they were before the order held them as
#: values, so every document stored since loads and the shape users read does not change.
ORDER_KEYS = (
    "id", "channel", "customer_id", "currency", "placed_at", "tax_mode", "payment_method",
    "external_ref", "shipping_address", "requested_delivery_date", "notes", "lines", "status",
    "history", "pricing", "warehouse", "shipment_ids", "picks", "backordered_since",
    "invoice_ids", "amount_paid", "shipping_charge", "cash_rounding", "credited", "adjusted",
    "cancel_reason", "voucher_codes", "held_from", "hold_reason", "dispatched", "returned",
    "refunded", "amendments", "charges", "shipping",
)  # fmt: skip

#: Order fields whose own fields sit at the top level of the order's document.
FLATTENED = {
    (Order, "contents"): OrderContents,
    (Order, "progress"): OrderProgress,
    (Order, "balance"): OrderBalance,
    (Order, "fulfilment_record"): FulfilmentRecord,
}

#: How the converter builds the structure function of an attrs class (it checks for an
#: object and names the class in its error).
StructureFactory = Callable[[Any, cattrs.Converter], Callable[[Any, Any], Any]]


def flat_keys(cls: type[Any]) -> list[str]:
    """The keys ``cls``'s document has (the fields of flattened values in their place)."""
    if cls is Order:
        return list(ORDER_KEYS)
    return [field.alias or field.name for field in attrs.fields(cls) if field.init]


def register_order(conv: cattrs.Converter, structure_fields: StructureFactory) -> None:
    """Orders (un)structure as one flat document; see :data:`ORDER_KEYS`.

    Order and invoice lines leave out their ``unit`` when it is the piece (the default).
    """
    for line in (OrderLine, InvoiceLine):
        conv.register_unstructure_hook(
            line, make_dict_unstructure_fn(line, conv, unit=override(omit_if_default=True))
        )
    fields_out = make_dict_unstructure_fn(Order, conv)
    fields_in = structure_fields(Order, conv)
    inner = {
        name: [f.name for f in attrs.fields(cls) if f.name != "currency"]
        for (_, name), cls in FLATTENED.items()
    }

    def unstructure(order: Order) -> dict[str, Any]:
        doc = fields_out(order)
        for name, keys in inner.items():
            value = doc.pop(name)
            doc.update((key, value[key]) for key in keys)
        return {key: doc.pop(key) for key in ORDER_KEYS if key in doc} | doc

    def structure(value: Any, cls: Any) -> Order:
        if not isinstance(value, Mapping):
            # Refused as every model is: "expected an object (Order), got ...".
            return typing.cast("Order", fields_in(value, cls))
        doc = {k: v for k, v in value.items() if k not in inner}
        for name, keys in inner.items():
            doc[name] = {key: doc.pop(key) for key in keys if key in doc}
        doc["balance"]["currency"] = value.get("currency")
        extra = sorted(set(value) & set(inner))
        if extra:
            raise ForbiddenExtraKeysError("", Order, set(extra))
        return typing.cast("Order", fields_in(doc, cls))

    conv.register_unstructure_hook(Order, unstructure)
    conv.register_structure_hook(Order, structure)
