"""Commands of orders: taking, changing, holding, cancelling and closing them.

Also what orders are taken against (products, customers, price lists, promotions and
vouchers) and the retry of customer messages. Handled in :mod:`salesorder.services.ordering`,
:mod:`~salesorder.services.catalog`, :mod:`~salesorder.services.pricing` and
:mod:`~salesorder.services.notifications`; import them from :mod:`salesorder.services.commands`.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from salesorder.domain.catalog import Product
from salesorder.domain.channels import Channel
from salesorder.domain.common import (
    as_tuple,
    code,
    date,
    each,
    instance_of,
    member_of,
    money,
    non_empty,
    not_empty,
    optional_code,
    reference,
    text,
)
from salesorder.domain.common import (
    reason as reason_text,
)
from salesorder.domain.customers import Address, Customer
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.pricelists import PriceList
from salesorder.domain.pricing import Discount
from salesorder.domain.promotions import Promotion, Voucher
from salesorder.domain.units import Quantity, positive_quantity, quantity
from salesorder.money import Money
from salesorder.services.commands.base import Command, LineQuantity, to_payment_method

__all__ = [
    "AddCustomer",
    "AddLine",
    "AddOrderCharge",
    "AddPriceList",
    "AddProduct",
    "AddPromotion",
    "AddVoucher",
    "AmendOrder",
    "CancelLines",
    "CancelOrder",
    "ChangeAddress",
    "ChangeQuantity",
    "CompleteOrder",
    "ConfirmOrder",
    "HoldOrder",
    "NewLine",
    "PlaceOrder",
    "ReleaseOrder",
    "RemoveLine",
    "RetryNotifications",
    "SetVouchers",
]


# -- the catalog and customers orders are taken against (services.catalog) --------------------


@attrs.frozen(kw_only=True)
class AddProduct(Command[None]):
    """Add a product to the catalog; its ``initial_stock`` goes into ``warehouse``."""

    tag: ClassVar[str] = "add_product"
    product: Product = attrs.field(validator=instance_of(Product))
    warehouse: str | None = attrs.field(default=None, validator=optional_code)


@attrs.frozen(kw_only=True)
class AddCustomer(Command[None]):
    """Register a customer."""

    tag: ClassVar[str] = "add_customer"
    customer: Customer = attrs.field(validator=instance_of(Customer))


# -- prices, promotions and vouchers (services.pricing) ---------------------------------------


@attrs.frozen(kw_only=True)
class AddPriceList(Command[None]):
    """Register a price list (see :mod:`salesorder.domain.pricelists`)."""

    tag: ClassVar[str] = "add_price_list"
    price_list: PriceList = attrs.field(validator=instance_of(PriceList))


@attrs.frozen(kw_only=True)
class AddPromotion(Command[None]):
    """Register a promotion; automatic ones apply to every order they fit from now on."""

    tag: ClassVar[str] = "add_promotion"
    promotion: Promotion = attrs.field(validator=instance_of(Promotion))


@attrs.frozen(kw_only=True)
class AddVoucher(Command[None]):
    """Register a voucher code with its usage limits."""

    tag: ClassVar[str] = "add_voucher"
    voucher: Voucher = attrs.field(validator=instance_of(Voucher))


@attrs.frozen(kw_only=True)
class SetVouchers(Command[None]):
    """Replace the voucher codes of a new order and price it again (empty: drop them all)."""

    tag: ClassVar[str] = "set_vouchers"
    order_id: str = attrs.field(validator=reference)
    vouchers: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=each(code))


# -- an order's life (services.ordering) ------------------------------------------------------


@attrs.frozen(kw_only=True)
class NewLine:
    """A line to add to an order. ``unit_price`` defaults to the catalog price.

    ``quantity`` is exact, in the product's unit (0.25 for 250 g of a product sold by the
    kilogram); it may have no more decimals than that unit allows, which is checked when
    the line is made (:class:`~salesorder.domain.units.TooManyDecimals`).
    """

    sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=quantity, validator=positive_quantity)
    unit_price: Money | None = attrs.field(default=None, validator=attrs.validators.optional(money))
    discount: Discount | None = attrs.field(
        default=None, validator=attrs.validators.optional(instance_of(Discount))
    )


@attrs.frozen(kw_only=True)
class PlaceOrder(Command[str]):
    """Capture an order (web shop, manual entry...); returns the new order's id.

    The shipping address defaults to the customer's first address. The order is priced at
    once with the application's settings.
    """

    tag: ClassVar[str] = "place_order"
    customer_id: str = attrs.field(validator=code)
    lines: tuple[NewLine, ...] = attrs.field(
        converter=as_tuple, validator=each(instance_of(NewLine))
    )
    channel: Channel = attrs.field(factory=Channel.web, validator=instance_of(Channel))
    external_ref: str = attrs.field(default="", validator=reference)
    shipping_address: Address | None = attrs.field(
        default=None, validator=attrs.validators.optional(instance_of(Address))
    )
    requested_delivery_date: dt.date | None = attrs.field(
        default=None, validator=attrs.validators.optional(date)
    )
    notes: str = attrs.field(default="", validator=text)
    payment_method: PaymentMethod = attrs.field(
        default=PaymentMethod.BANK_TRANSFER,
        converter=to_payment_method,
        validator=member_of(PaymentMethod),
    )
    #: Voucher codes the buyer gave; each must apply, or the order is refused.
    vouchers: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=each(code))


@attrs.frozen(kw_only=True)
class AddLine(Command[str]):
    """Add a line to a new order; returns the line id."""

    tag: ClassVar[str] = "add_line"
    order_id: str = attrs.field(validator=reference)
    line: NewLine = attrs.field(validator=instance_of(NewLine))


@attrs.frozen(kw_only=True)
class RemoveLine(Command[None]):
    """Remove a line from a new order."""

    tag: ClassVar[str] = "remove_line"
    order_id: str = attrs.field(validator=reference)
    line_id: str = attrs.field(validator=reference)


@attrs.frozen(kw_only=True)
class ChangeQuantity(Command[None]):
    """Change a line's quantity on a new order (exact, in the line's unit)."""

    tag: ClassVar[str] = "change_quantity"
    order_id: str = attrs.field(validator=reference)
    line_id: str = attrs.field(validator=reference)
    quantity: Quantity = attrs.field(converter=quantity, validator=positive_quantity)


@attrs.frozen(kw_only=True)
class ChangeAddress(Command[None]):
    """Change the shipping address of a new order."""

    tag: ClassVar[str] = "change_address"
    order_id: str = attrs.field(validator=reference)
    address: Address = attrs.field(validator=instance_of(Address))


@attrs.frozen(kw_only=True)
class ConfirmOrder(Command[None]):
    """Verify and confirm an order (it has lines, an address and a price)."""

    tag: ClassVar[str] = "confirm_order"
    order_id: str = attrs.field(validator=reference)


@attrs.frozen(kw_only=True)
class CompleteOrder(Command[None]):
    """Close a delivered, fully paid order."""

    tag: ClassVar[str] = "complete_order"
    order_id: str = attrs.field(validator=reference)


@attrs.frozen(kw_only=True)
class CancelOrder(Command[None]):
    """Cancel an order before shipping (or after a return to sender).

    Its reservations are released and its vouchers' uses given back; payments are refunded
    and issued invoices credited in full, in the same unit of work.
    """

    tag: ClassVar[str] = "cancel_order"
    order_id: str = attrs.field(validator=reference)
    reason: str = attrs.field(default="", validator=reason_text)


@attrs.frozen(kw_only=True)
class HoldOrder(Command[None]):
    """Put an order on hold (new, confirmed or processing); ``ReleaseOrder`` ends it."""

    tag: ClassVar[str] = "hold_order"
    order_id: str = attrs.field(validator=reference)
    reason: str = attrs.field(default="", validator=reason_text)


@attrs.frozen(kw_only=True)
class ReleaseOrder(Command[None]):
    """Release a hold: the order returns to the status it was held in."""

    tag: ClassVar[str] = "release_order"
    order_id: str = attrs.field(validator=reference)


@attrs.frozen(kw_only=True)
class AmendOrder(Command[int]):
    """Change a confirmed order: add, remove or re-quantify unshipped lines, change the address.

    The order is priced again (as of its placement date) and its stock reserved again; the
    whole amendment is refused when any part cannot be carried out. Returns the amendment's
    version; the same ``key`` again returns the same version and changes nothing. What must
    happen to invoices already issued and money already paid is listed in the amendment's
    ``consequences``.
    """

    tag: ClassVar[str] = "amend_order"
    order_id: str = attrs.field(validator=reference)
    add: tuple[NewLine, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(NewLine))
    )
    remove: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=each(reference))
    quantities: tuple[LineQuantity, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(LineQuantity))
    )
    address: Address | None = attrs.field(
        default=None, validator=attrs.validators.optional(instance_of(Address))
    )
    reason: str = attrs.field(default="", validator=reason_text)
    key: str = attrs.field(default="", validator=reference)


@attrs.frozen(kw_only=True)
class CancelLines(Command[int]):
    """Cancel part of an order: ``quantity`` units of each line, not yet shipped.

    Reservations are released, the order priced again; what was paid beyond the new amount
    due is refunded and issued invoices are credited for the difference. Returns the
    amendment version; the same ``key`` again changes nothing.
    """

    tag: ClassVar[str] = "cancel_lines"
    order_id: str = attrs.field(validator=reference)
    lines: tuple[LineQuantity, ...] = attrs.field(
        converter=as_tuple, validator=[not_empty, each(instance_of(LineQuantity))]
    )
    reason: str = attrs.field(default="", validator=reason_text)
    key: str = attrs.field(default="", validator=reference)


@attrs.frozen(kw_only=True)
class AddOrderCharge(Command[None]):
    """Charge the buyer for something besides goods and shipping: a COD fee, packaging...

    ``amount`` is what the buyer pays, tax included, in the order's currency; ``code`` the
    UNCL 7161 reason code (``"ABL"`` packaging, ``"ABK"`` miscellaneous, ``"IN"``
    insurance) or the shop's own, once per order; ``tax_category`` its category in the
    shop's tax table (None: ``Settings.shipping_tax_category``, the shop's category for
    what it charges besides goods). The order owes it at once, the next invoice lists it
    as a charge line, and a COD parcel shipped after it collects it. Refused for an order
    cancelled, closed or invoiced in full.
    """

    tag: ClassVar[str] = "add_order_charge"
    order_id: str = attrs.field(validator=reference)
    code: str = attrs.field(validator=code)
    description: str = attrs.field(validator=non_empty)
    amount: Money = attrs.field(validator=money)
    tax_category: str | None = attrs.field(default=None, validator=optional_code)


# -- customer messages (services.notifications) -----------------------------------------------


@attrs.frozen(kw_only=True)
class RetryNotifications(Command[int]):
    """Send again the customer messages whose sending failed; returns how many went out."""

    tag: ClassVar[str] = "retry_notifications"
