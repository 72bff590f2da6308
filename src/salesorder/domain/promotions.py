"""Promotions and vouchers: what is discounted, for whom, when, and who pays for it.

A :class:`Promotion` is a rule: percent or fixed off eligible lines, percent or fixed off the
order (spread over the lines with :func:`~salesorder.money.apportion`), buy X get Y free,
a bundle price, or a shipping discount (percent, fixed, or free shipping). It has a
validity window, eligible channels, customer groups and SKUs, a minimum spend, a maximum
discount, a ``priority`` and an ``exclusive`` flag, and says who funds it: the seller, or
the marketplace platform (a platform-funded discount lowers what the buyer pays, not the
seller's revenue).

Automatic promotions apply by themselves; a :class:`Voucher` unlocks its promotion when the
buyer gives its code. A voucher is an aggregate: it counts its redemptions (per order, so
re-pricing an order never counts twice) and refuses a use beyond its limits overall or per
customer. Stored with optimistic versions, two orders taking the last use cannot both win.

Stacking (the order of application, see :func:`salesorder.domain.pricing.price_order`):
applicable promotions are ranked by ``priority`` (higher first), then code. If any of them
is exclusive, only the first exclusive one applies; otherwise all apply, line promotions
first, then order promotions, then shipping promotions, each on what the previous ones left,
so no line ever goes below zero.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import attrs

from salesorder.domain.common import (
    MAX_QUANTITY,
    as_tuple,
    boolean,
    code,
    date,
    each,
    instance_of,
    int_between,
    member_of,
    non_empty,
    non_negative_int,
    positive_int,
    spelled,
    text,
)
from salesorder.domain.common import money as money_value
from salesorder.exceptions import (
    CurrencyMismatch,
    InvalidPromotion,
    VoucherExpired,
    VoucherUsedUp,
)
from salesorder.money import Money, to_decimal

__all__ = ["Funder", "Promotion", "PromotionKind", "PromotionScope", "Voucher"]

_HUNDRED = Decimal(100)


class PromotionKind(str, enum.Enum):
    """What a promotion takes off."""

    LINE_PERCENT = "line_percent"
    LINE_FIXED = "line_fixed"
    ORDER_PERCENT = "order_percent"
    ORDER_FIXED = "order_fixed"
    BUY_X_GET_Y = "buy_x_get_y"
    BUNDLE_PRICE = "bundle_price"
    SHIPPING_PERCENT = "shipping_percent"
    SHIPPING_FIXED = "shipping_fixed"
    FREE_SHIPPING = "free_shipping"


class PromotionScope(str, enum.Enum):
    """Where a promotion applies, which fixes its place in the order of application."""

    LINE = "line"
    ORDER = "order"
    SHIPPING = "shipping"


_SCOPES = {
    PromotionKind.LINE_PERCENT: PromotionScope.LINE,
    PromotionKind.LINE_FIXED: PromotionScope.LINE,
    PromotionKind.BUY_X_GET_Y: PromotionScope.LINE,
    PromotionKind.BUNDLE_PRICE: PromotionScope.LINE,
    PromotionKind.ORDER_PERCENT: PromotionScope.ORDER,
    PromotionKind.ORDER_FIXED: PromotionScope.ORDER,
    PromotionKind.SHIPPING_PERCENT: PromotionScope.SHIPPING,
    PromotionKind.SHIPPING_FIXED: PromotionScope.SHIPPING,
    PromotionKind.FREE_SHIPPING: PromotionScope.SHIPPING,
}
_PERCENT_KINDS = {
    PromotionKind.LINE_PERCENT,
    PromotionKind.ORDER_PERCENT,
    PromotionKind.SHIPPING_PERCENT,
}
_AMOUNT_KINDS = {
    PromotionKind.LINE_FIXED,
    PromotionKind.ORDER_FIXED,
    PromotionKind.SHIPPING_FIXED,
    PromotionKind.BUNDLE_PRICE,
}


class Funder(str, enum.Enum):
    """Who pays for a discount: the seller, or the marketplace platform."""

    SELLER = "seller"
    PLATFORM = "platform"


def _percent(value: object) -> Decimal:
    return to_decimal(value, what="promotion percent")


def _kind(value: PromotionKind | str) -> PromotionKind:
    return spelled(PromotionKind, value)


def _funder(value: Funder | str) -> Funder:
    return spelled(Funder, value)


_optional_money = attrs.validators.optional(money_value)
_codes = each(code)
_optional_date = attrs.validators.optional(date)
_optional_limit = attrs.validators.optional(positive_int)


@attrs.frozen(kw_only=True)
class Promotion:
    """A discount rule; see the module docstring.

    Attributes:
        code: identity, shown in traces.
        name: for people.
        kind: what it takes off.
        percent: for the percent kinds, 0 < percent <= 100.
        amount: for the fixed kinds, the amount off (per eligible line for
            ``line_fixed``, off the order for ``order_fixed``); for ``bundle_price``, the
            price of one bundle (one unit of each of ``skus``; whole bundles only).
        buy_quantity, get_quantity: buy X get Y free, per eligible line (same SKU). Only
            whole groups of X + Y count: a line of a fractional quantity (2.5 kg, buy 1 get
            1) gets the floor of its groups (one kilogram free), never a part of a group.
        skus: eligible SKUs (empty: every SKU); for a bundle, its members.
        min_spend: the order's goods at list prices (before any discount) must reach it,
            so that one discount never switches another off.
        max_discount: caps what the promotion takes off in all.
        channels, customer_groups: eligible ones (empty: any).
        valid_from, valid_to: inclusive dates (None: open-ended).
        priority: higher applies first; see the stacking rule.
        exclusive: applies alone (the first exclusive promotion wins).
        funded_by: the seller or the platform.
        automatic: applies without a code; False for a promotion only a voucher unlocks.
    """

    code: str = attrs.field(validator=code)
    name: str = attrs.field(validator=non_empty)
    kind: PromotionKind = attrs.field(converter=_kind, validator=member_of(PromotionKind))
    percent: Decimal = attrs.field(default=Decimal(0), converter=_percent)
    amount: Money | None = attrs.field(default=None, validator=_optional_money)
    buy_quantity: int = attrs.field(default=0, validator=non_negative_int)
    get_quantity: int = attrs.field(default=0, validator=non_negative_int)
    skus: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=_codes)
    min_spend: Money | None = attrs.field(default=None, validator=_optional_money)
    max_discount: Money | None = attrs.field(default=None, validator=_optional_money)
    channels: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=_codes)
    customer_groups: tuple[str, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(text)
    )
    valid_from: dt.date | None = attrs.field(default=None, validator=_optional_date)
    valid_to: dt.date | None = attrs.field(default=None, validator=_optional_date)
    priority: int = attrs.field(default=0, validator=int_between(-MAX_QUANTITY, MAX_QUANTITY))
    exclusive: bool = attrs.field(default=False, validator=boolean)
    funded_by: Funder = attrs.field(
        default=Funder.SELLER, converter=_funder, validator=member_of(Funder)
    )
    automatic: bool = attrs.field(default=True, validator=boolean)

    def __attrs_post_init__(self) -> None:
        what = f"promotion {self.code!r} ({self.kind.value})"
        if self.kind in _PERCENT_KINDS and not Decimal(0) < self.percent <= _HUNDRED:
            raise InvalidPromotion(f"{what} needs 0 < percent <= 100, got {self.percent}")
        if self.kind in _AMOUNT_KINDS and self.amount is None:
            raise InvalidPromotion(f"{what} needs an amount")
        for label, money in (
            ("amount", self.amount),
            ("min_spend", self.min_spend),
            ("max_discount", self.max_discount),
        ):
            if money is not None and money.is_negative:
                raise InvalidPromotion(f"{what} has a negative {label} {money}")
        if self.kind is PromotionKind.BUY_X_GET_Y and (
            self.buy_quantity < 1 or self.get_quantity < 1
        ):
            raise InvalidPromotion(
                f"{what} needs buy_quantity and get_quantity >= 1, got "
                f"{self.buy_quantity} and {self.get_quantity}"
            )
        if self.kind is PromotionKind.BUNDLE_PRICE and len(set(self.skus)) < 2:
            raise InvalidPromotion(f"{what} needs at least two distinct SKUs, got {self.skus}")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise InvalidPromotion(
                f"{what} ends ({self.valid_to}) before it starts ({self.valid_from})"
            )

    # -- named constructors ---------------------------------------------------------------

    @classmethod
    def percent_off(cls, code: str, percent: Decimal | int | str, **options: object) -> Promotion:
        """Percent off every eligible line."""
        return cls(code=code, name=f"{percent}% off", kind=PromotionKind.LINE_PERCENT,
                   percent=percent, **options)  # type: ignore[arg-type]  # fmt: skip

    @classmethod
    def order_percent_off(
        cls, code: str, percent: Decimal | int | str, **options: object
    ) -> Promotion:
        """Percent off the order's goods, spread over the lines."""
        return cls(code=code, name=f"{percent}% off the order", kind=PromotionKind.ORDER_PERCENT,
                   percent=percent, **options)  # type: ignore[arg-type]  # fmt: skip

    @classmethod
    def order_amount_off(cls, code: str, amount: Money, **options: object) -> Promotion:
        """A fixed amount off the order's goods, spread over the lines."""
        return cls(code=code, name=f"{amount} off the order", kind=PromotionKind.ORDER_FIXED,
                   amount=amount, **options)  # type: ignore[arg-type]  # fmt: skip

    # -- facts ------------------------------------------------------------------------------

    @property
    def scope(self) -> PromotionScope:
        """Line, order or shipping."""
        return _SCOPES[self.kind]

    @property
    def thing(self) -> str:
        """How messages name it."""
        return f"promotion {self.code!r}"

    def is_valid_on(self, on: dt.date) -> bool:
        """True when ``on`` is inside the validity window."""
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )

    def eligible_for(self, channel: str, customer_group: str) -> bool:
        """True when the channel and the customer group may use it."""
        return (not self.channels or channel in self.channels) and (
            not self.customer_groups or customer_group in self.customer_groups
        )

    def covers(self, sku: str) -> bool:
        """True when ``sku`` is eligible."""
        return not self.skus or sku in self.skus

    def check_currency(self, currency: str) -> None:
        """Every amount is in ``currency``.

        Raises:
            CurrencyMismatch: one is not.
        """
        for name in ("amount", "min_spend", "max_discount"):
            money: Money | None = getattr(self, name)
            if money is not None and money.currency != currency:
                what = f"the {name} of {self.thing}"
                raise CurrencyMismatch(currency, money.currency, what, against="the order")


@attrs.define(kw_only=True)
class Voucher:
    """A code that unlocks a promotion, with usage limits; an aggregate (it counts uses).

    Attributes:
        code: what the buyer types; the voucher's identity.
        promotion: what it grants (its own validity, eligibility and caps apply too).
        valid_from, valid_to: the code's validity window (inclusive dates).
        usage_limit: uses in all (None: unlimited), at most ``MAX_QUANTITY``.
        per_customer_limit: uses per customer (None: unlimited), at most ``MAX_QUANTITY``.
        redemptions: order id -> customer id of every use so far.
    """

    code: str = attrs.field(validator=code)
    promotion: Promotion = attrs.field(validator=instance_of(Promotion))
    valid_from: dt.date | None = attrs.field(default=None, validator=_optional_date)
    valid_to: dt.date | None = attrs.field(default=None, validator=_optional_date)
    usage_limit: int | None = attrs.field(default=None, validator=_optional_limit)
    per_customer_limit: int | None = attrs.field(default=None, validator=_optional_limit)
    redemptions: dict[str, str] = attrs.Factory(dict)

    def __attrs_post_init__(self) -> None:
        for label, limit in (
            ("usage_limit", self.usage_limit),
            ("per_customer_limit", self.per_customer_limit),
        ):
            if limit is not None and limit < 1:
                raise InvalidPromotion(f"voucher {self.code!r} {label} must be >= 1, got {limit}")

    @property
    def uses(self) -> int:
        """Redemptions so far."""
        return len(self.redemptions)

    def uses_by(self, customer_id: str) -> int:
        """Redemptions so far by ``customer_id``."""
        return sum(1 for who in self.redemptions.values() if who == customer_id)

    def check(self, *, order_id: str, customer_id: str, on: dt.date) -> None:
        """Raise unless the voucher may be used on ``order_id`` by ``customer_id`` on ``on``.

        An order that already redeemed the voucher may use it again (re-pricing).

        Raises:
            VoucherExpired: ``on`` is outside the window of the voucher or its promotion.
            VoucherUsedUp: the overall or the customer's limit is reached.
        """
        if not (
            (self.valid_from is None or self.valid_from <= on)
            and (self.valid_to is None or on <= self.valid_to)
            and self.promotion.is_valid_on(on)
        ):
            raise VoucherExpired(
                f"voucher {self.code!r} is not valid on {on.isoformat()} (valid "
                f"{self.valid_from or self.promotion.valid_from or '...'} to "
                f"{self.valid_to or self.promotion.valid_to or '...'})"
            )
        if order_id in self.redemptions:
            return
        if self.usage_limit is not None and self.uses >= self.usage_limit:
            raise VoucherUsedUp(
                f"voucher {self.code!r} is used up: {self.uses} of {self.usage_limit} uses taken"
            )
        if (
            self.per_customer_limit is not None
            and self.uses_by(customer_id) >= self.per_customer_limit
        ):
            raise VoucherUsedUp(
                f"voucher {self.code!r} was used {self.uses_by(customer_id)} times by customer "
                f"{customer_id!r}, the limit per customer is {self.per_customer_limit}"
            )

    def redeem(self, *, order_id: str, customer_id: str, on: dt.date) -> None:
        """Count a use by ``order_id`` (idempotent per order); see :meth:`check`."""
        self.check(order_id=order_id, customer_id=customer_id, on=on)
        self.redemptions[order_id] = customer_id

    def release(self, order_id: str) -> None:
        """Give back the use of ``order_id`` (the order was cancelled or dropped the code)."""
        self.redemptions.pop(order_id, None)
