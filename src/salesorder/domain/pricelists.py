"""Price lists: per channel, customer group and customer, dated, with quantity tiers.

A :class:`PriceList` is in one currency and says whether its prices include tax. Its
:class:`PriceEntry` rows give a unit price per SKU from a minimum quantity (break prices:
the entry with the highest ``min_quantity`` not above the line's quantity wins). Quantities
are exact, in the product's unit; a line of less than one unit (0.25 kg) that no tier
reaches takes the tier from one unit (the default), so a list of prices per kilogram
prices a quarter kilogram too.

Which list prices a line (:func:`choose_price`), in this order:

1. only lists that *apply*: valid on the pricing date, and whose channel, customer group and
   customer are unset or equal to the order's, and that have an entry for the SKU at that
   quantity;
2. the most specific wins: a customer's contract list beats a customer group's list, which
   beats a channel's list, which beats a general list (specificity counts customer, then
   group, then channel);
3. among equally specific lists, the higher ``priority`` wins;
4. two lists still equal are a :class:`~salesorder.exceptions.PriceListConflict` naming
   both: the shop must rank them, salesorder does not guess.

No list applies: the catalog price is used. The winner in another currency than the order
raises :class:`~salesorder.exceptions.PriceListCurrencyMismatch`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from salesorder.domain.common import (
    as_tuple,
    code,
    member_of,
    money,
    non_empty,
    optional_code,
    spelled,
    text,
)
from salesorder.domain.tax import TaxMode
from salesorder.domain.units import Quantity, positive_quantity, quantity
from salesorder.exceptions import (
    CurrencyMismatch,
    PriceListConflict,
    PriceListCurrencyMismatch,
    ValidationError,
)
from salesorder.money import Money, currency_info

__all__ = ["PriceChoice", "PriceEntry", "PriceList", "PricingContext", "choose_price"]


@attrs.frozen(kw_only=True)
class PriceEntry:
    """A unit price for ``sku`` from ``min_quantity`` units on (a quantity tier).

    ``min_quantity`` is exact, in the product's unit (a tier from 2.5 kg is ``"2.5"``).
    """

    sku: str = attrs.field(validator=code)
    unit_price: Money = attrs.field(validator=money)
    min_quantity: Quantity = attrs.field(default=1, converter=quantity, validator=positive_quantity)

    def __attrs_post_init__(self) -> None:
        if self.unit_price.is_negative:
            raise ValidationError(
                f"price entry for SKU {self.sku!r} has a negative unit price {self.unit_price}"
            )


def _currency(_instance: object, _attribute: object, value: str) -> None:
    currency_info(value)


def _tax_mode(value: TaxMode | str) -> TaxMode:
    return spelled(TaxMode, value)


@attrs.frozen(kw_only=True)
class PriceList:
    """Prices in one currency for a scope (channel, customer group, customer) and a period.

    Attributes:
        code: the list's identity.
        name: for people.
        currency: every entry is in it.
        tax_mode: whether the prices include tax (converted when the order's mode differs).
        channel, customer_group, customer_id: the scope; None applies to any.
        valid_from, valid_to: inclusive dates; None is open-ended.
        priority: breaks ties between equally specific lists (higher wins).
        entries: the prices, several per SKU for quantity tiers.
    """

    code: str = attrs.field(validator=code)
    name: str = attrs.field(validator=non_empty)
    currency: str = attrs.field(validator=_currency)
    tax_mode: TaxMode = attrs.field(
        default=TaxMode.INCLUDED, converter=_tax_mode, validator=member_of(TaxMode)
    )
    channel: str | None = attrs.field(default=None, validator=optional_code)
    customer_group: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(text)
    )
    customer_id: str | None = attrs.field(default=None, validator=optional_code)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    priority: int = 0
    entries: tuple[PriceEntry, ...] = attrs.field(default=(), converter=as_tuple)
    # Entries by SKU, built once (a list is an immutable value); not part of its identity
    # or its JSON shape.
    _by_sku: dict[str, tuple[PriceEntry, ...]] = attrs.field(
        init=False, eq=False, repr=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError(
                f"price list {self.code!r} ends ({self.valid_to}) before it starts "
                f"({self.valid_from})"
            )
        seen: set[tuple[str, Quantity]] = set()
        for entry in self.entries:
            if entry.unit_price.currency != self.currency:
                raise CurrencyMismatch(
                    self.currency,
                    entry.unit_price.currency,
                    f"the entry of SKU {entry.sku!r}",
                    against=f"price list {self.code!r}",
                )
            key = (entry.sku, entry.min_quantity)
            if key in seen:
                raise ValidationError(
                    f"price list {self.code!r} has two prices for SKU {entry.sku!r} from "
                    f"{entry.min_quantity} units"
                )
            seen.add(key)
        index: dict[str, list[PriceEntry]] = {}
        for entry in self.entries:
            index.setdefault(entry.sku, []).append(entry)
        object.__setattr__(self, "_by_sku", {sku: tuple(found) for sku, found in index.items()})

    @property
    def specificity(self) -> tuple[bool, bool, bool]:
        """Whether customer, group and channel are set; as a tuple, a contract list ranks first."""
        return (
            self.customer_id is not None,
            self.customer_group is not None,
            self.channel is not None,
        )

    def applies(self, context: PricingContext) -> bool:
        """True when the list's scope and validity cover ``context``."""
        return (
            (self.valid_from is None or self.valid_from <= context.on)
            and (self.valid_to is None or context.on <= self.valid_to)
            and (self.channel is None or self.channel == context.channel)
            and (self.customer_group is None or self.customer_group == context.customer_group)
            and (self.customer_id is None or self.customer_id == context.customer_id)
        )

    def entry_for(self, sku: str, quantity: Quantity) -> PriceEntry | None:
        """The tier for ``quantity`` units of ``sku``: highest ``min_quantity <= quantity``.

        Less than one unit that no tier reaches takes the tier from one unit, if any.
        """
        best: PriceEntry | None = None
        entries = self._by_sku.get(sku, ())
        for entry in entries:
            if entry.min_quantity <= quantity and (
                best is None or entry.min_quantity > best.min_quantity
            ):
                best = entry
        if best is None and quantity < 1:
            best = next((entry for entry in entries if entry.min_quantity == 1), None)
        return best


@attrs.frozen(kw_only=True)
class PricingContext:
    """Who buys, where and when: what list selection, promotions and vouchers look at.

    ``on`` is the pricing date (the order's date); ``order_id`` lets a voucher already
    redeemed by this order be used again when the order is re-priced.
    """

    on: dt.date
    channel: str = "web"
    customer_id: str = ""
    customer_group: str = ""
    order_id: str = ""


@attrs.frozen(kw_only=True)
class PriceChoice:
    """The list price chosen for a line, and why (for the trace)."""

    unit_price: Money
    tax_mode: TaxMode | None
    price_list: str | None
    min_quantity: Quantity
    reason: str


def choose_price(
    lists: Sequence[PriceList],
    sku: str,
    quantity: Quantity,
    context: PricingContext,
    *,
    fallback: Money,
    currency: str,
) -> PriceChoice:
    """The unit price of ``quantity`` x ``sku``; see the module docstring for the rule.

    ``fallback`` (the catalog price) is used when no list applies; its tax mode is the
    order's (``tax_mode`` None).

    Raises:
        PriceListConflict: two applicable lists tie on specificity and priority.
        PriceListCurrencyMismatch: the winning list is in another currency than ``currency``.
    """
    ranked = _ranked([pl for pl in lists if pl.applies(context)], sku, quantity, context, currency)
    if not ranked:
        return PriceChoice(
            unit_price=fallback,
            tax_mode=None,
            price_list=None,
            min_quantity=1,
            reason="catalog price: no price list applies",
        )
    best, entry = ranked[0]
    return PriceChoice(
        unit_price=entry.unit_price,
        tax_mode=best.tax_mode,
        price_list=best.code,
        min_quantity=entry.min_quantity,
        reason=_reason(ranked),
    )


def _ranked(
    applicable: Sequence[PriceList],
    sku: str,
    quantity: Quantity,
    context: PricingContext,
    currency: str,
) -> list[tuple[PriceList, PriceEntry]]:
    """The lists of ``applicable`` that price the SKU, the winner first; empty when none does.

    Checked: no tie for the first place, the winner in ``currency``. The pricing engine
    filters the lists that apply to its context once per order and calls this per line.
    """
    candidates: list[tuple[PriceList, PriceEntry]] = []
    for price_list in applicable:
        entry = price_list.entry_for(sku, quantity)
        if entry is not None:
            candidates.append((price_list, entry))
    if len(candidates) > 1:
        candidates.sort(key=lambda c: (c[0].specificity, c[0].priority), reverse=True)
        best, other = candidates[0][0], candidates[1][0]
        if (other.specificity, other.priority) == (best.specificity, best.priority):
            raise PriceListConflict(
                f"price lists {best.code!r} and {other.code!r} both price SKU {sku!r} on "
                f"{context.on.isoformat()} with the same scope and priority {best.priority}; "
                "give one a higher priority"
            )
    if candidates and candidates[0][0].currency != currency:
        best = candidates[0][0]
        raise PriceListCurrencyMismatch(
            currency,
            best.currency,
            f"price list {best.code!r}, the one that prices SKU {sku!r},",
            against="the order",
        )
    return candidates


def _reason(ranked: Sequence[tuple[PriceList, PriceEntry]]) -> str:
    """Why the first of ``ranked`` won, for the trace."""
    best, entry = ranked[0]
    scope = _describe(best)
    tier = f", tier from {entry.min_quantity} units" if entry.min_quantity > 1 else ""
    beaten = f"; beat {', '.join(repr(c[0].code) for c in ranked[1:])}" if len(ranked) > 1 else ""
    return f"list {best.code!r} ({scope}{tier}){beaten}"


def _describe(price_list: PriceList) -> str:
    parts = [
        f"customer {price_list.customer_id!r}" if price_list.customer_id else "",
        f"group {price_list.customer_group!r}" if price_list.customer_group else "",
        f"channel {price_list.channel!r}" if price_list.channel else "",
    ]
    scope = ", ".join(p for p in parts if p) or "general"
    return f"{scope}, priority {price_list.priority}"


def lists_in(lists: Iterable[PriceList]) -> tuple[PriceList, ...]:
    """``lists`` as a tuple ordered by code (a stable order for traces)."""
    return tuple(sorted(lists, key=lambda p: p.code))
