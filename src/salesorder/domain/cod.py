"""Cash on delivery: couriers' remittance statements, reconciled per shipment.

A courier collects COD cash from buyers and pays it to the seller later, less its fees, with a
remittance statement listing one line per tracking number: what was collected, the courier's
fee, and what was remitted. :func:`reconcile_cod` sets the statements against what each COD
shipment should bring (``Shipment.cod_amount``) and lists every difference:

- a shortfall (collected less than expected) or an overpayment (more),
- a line that does not add up (remitted differs from collected minus fee: withheld),
- a delivered COD shipment no statement mentions (missing),
- a line for a tracking number the seller never shipped with COD (unknown),
- a tracking number a second time, in the same or another statement (duplicate: listed,
  never counted twice),
- a line in another currency than the shipments' (listed, not converted or counted).

Per shipment the figures add up exactly, in the shipment's currency::

    expected = collected + shortfall          (shortfall < 0 is an overpayment)
    collected = fee + remitted + withheld     (withheld != 0: the line does not add up)
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence

import attrs

from salesorder.domain.common import (
    as_tuple,
    code,
    date,
    each,
    instance_of,
    money,
    non_empty,
    reference,
)
from salesorder.exceptions import CurrencyMismatch, DuplicateError, ValidationError
from salesorder.money import Money

__all__ = [
    "CodDifference",
    "CodDifferenceKind",
    "CodExpectation",
    "CodReconciliation",
    "RemittanceLine",
    "RemittanceStatement",
    "ShipmentCod",
    "reconcile_cod",
]


@attrs.frozen(kw_only=True)
class RemittanceLine:
    """One parcel on a courier's statement: cash collected, the courier's fee, cash remitted."""

    tracking_number: str = attrs.field(validator=[non_empty, reference])
    collected: Money = attrs.field(validator=money)
    fee: Money = attrs.field(validator=money)
    remitted: Money = attrs.field(validator=money)

    def __attrs_post_init__(self) -> None:
        for amount in (self.fee, self.remitted):
            if amount.currency != self.collected.currency:
                raise CurrencyMismatch(
                    self.collected.currency,
                    amount.currency,
                    f"the fee or remittance of parcel {self.tracking_number!r}",
                    against="the cash it collected",
                )
        for name, amount in (("collected", self.collected), ("fee", self.fee)):
            if amount.is_negative:
                raise ValidationError(
                    f"remittance line {self.tracking_number!r}: {name} is negative ({amount})"
                )

    @property
    def currency(self) -> str:
        """The line's currency."""
        return self.collected.currency

    @property
    def withheld(self) -> Money:
        """Collected minus fee minus remitted, zero when the line adds up."""
        return self.collected - self.fee - self.remitted


@attrs.frozen(kw_only=True)
class RemittanceStatement:
    """A courier's COD remittance statement; ``id`` is the courier's statement number.

    Importing the same statement twice is a no-op; a different statement under the same id
    is refused (see :meth:`same_as`).
    """

    id: str = attrs.field(validator=code)
    courier: str = attrs.field(validator=code)
    currency: str = attrs.field(validator=code)
    paid_on: dt.date = attrs.field(validator=date)
    lines: tuple[RemittanceLine, ...] = attrs.field(
        converter=as_tuple, validator=each(instance_of(RemittanceLine))
    )

    @property
    def key(self) -> tuple[str, str]:
        """The courier and the statement id, which is unique per courier."""
        return (self.courier, self.id)

    def same_as(self, other: RemittanceStatement) -> bool:
        """True when ``other`` is this statement delivered again."""
        return self == other


class CodDifferenceKind(str, enum.Enum):
    """What kind of difference a reconciliation found."""

    SHORTFALL = "shortfall"
    OVERPAYMENT = "overpayment"
    WITHHELD = "withheld"
    MISSING = "missing"
    UNKNOWN_SHIPMENT = "unknown_shipment"
    DUPLICATE = "duplicate"
    OTHER_CURRENCY = "other_currency"


@attrs.frozen(kw_only=True)
class CodDifference:
    """One difference: its kind, the parcel, the statement (if any) and the amount."""

    kind: CodDifferenceKind
    tracking_number: str
    amount: Money
    statement_id: str = ""
    detail: str = ""


@attrs.frozen(kw_only=True)
class CodExpectation:
    """What one COD shipment should bring: from ``Shipment``, with whether it was delivered."""

    shipment_id: str = attrs.field(validator=code)
    order_id: str = attrs.field(validator=code)
    tracking_number: str = attrs.field(validator=non_empty)
    expected: Money
    delivered: bool


@attrs.frozen(kw_only=True)
class ShipmentCod:
    """The reconciled figures of one COD shipment (all in its currency).

    ``expected == collected + shortfall`` and ``collected == fees + remitted + withheld``.
    """

    shipment_id: str
    order_id: str
    tracking_number: str
    expected: Money
    collected: Money
    fees: Money
    remitted: Money
    statement_ids: tuple[str, ...] = ()

    @property
    def shortfall(self) -> Money:
        """Expected minus collected, negative when more was collected than expected."""
        return self.expected - self.collected

    @property
    def withheld(self) -> Money:
        """Collected minus fees minus remitted."""
        return self.collected - self.fees - self.remitted


@attrs.frozen(kw_only=True)
class CodReconciliation:
    """Every COD shipment reconciled, and every difference listed.

    Totals are over ``shipments`` (what was matched); lines not matched to a shipment
    (unknown, duplicate, other currency) appear only in ``differences``.
    """

    courier: str
    currency: str
    shipments: tuple[ShipmentCod, ...]
    differences: tuple[CodDifference, ...]

    def _total(self, field: str) -> Money:
        return Money.sum((getattr(s, field) for s in self.shipments), self.currency)

    @property
    def expected(self) -> Money:
        """Expected over every reconciled shipment."""
        return self._total("expected")

    @property
    def collected(self) -> Money:
        """Collected over every reconciled shipment."""
        return self._total("collected")

    @property
    def fees(self) -> Money:
        """Courier fees over every reconciled shipment."""
        return self._total("fees")

    @property
    def remitted(self) -> Money:
        """Remitted over every reconciled shipment."""
        return self._total("remitted")

    @property
    def shortfall(self) -> Money:
        """Expected minus collected, over every reconciled shipment."""
        return self._total("shortfall")

    @property
    def withheld(self) -> Money:
        """Collected minus fees minus remitted, over every reconciled shipment."""
        return self._total("withheld")

    def of_kind(self, kind: CodDifferenceKind) -> list[CodDifference]:
        """The differences of one kind."""
        return [d for d in self.differences if d.kind is kind]

    @property
    def is_clean(self) -> bool:
        """True when nothing differs."""
        return not self.differences


def _check_statements(statements: Sequence[RemittanceStatement], courier: str) -> None:
    ids: set[str] = set()
    for statement in statements:
        if statement.courier != courier:
            raise ValidationError(
                f"statement {statement.id!r} is from courier {statement.courier!r}, not {courier!r}"
            )
        if statement.id in ids:
            raise DuplicateError(f"statement {statement.id!r} of {courier!r} is given twice")
        ids.add(statement.id)


def reconcile_cod(
    courier: str,
    currency: str,
    expectations: Iterable[CodExpectation],
    statements: Sequence[RemittanceStatement],
) -> CodReconciliation:
    """Reconcile ``statements`` of ``courier`` against the COD shipments in ``expectations``.

    Statements are read in the order given (import order); within a statement, line by line.
    A shipment is reconciled when a line names it or when it was delivered (then a missing
    line is a difference); a COD shipment still on its way with no line is not yet due.

    Raises:
        ValidationError: a statement is from another courier.
        DuplicateError: the same statement id is given twice.
    """
    _check_statements(statements, courier)
    by_tracking: Mapping[str, CodExpectation] = {e.tracking_number: e for e in expectations}
    differences: list[CodDifference] = []
    matched: dict[str, tuple[str, RemittanceLine]] = {}
    for statement in statements:
        for line in statement.lines:
            where = f"statement {statement.id!r}"
            expectation = by_tracking.get(line.tracking_number)
            if line.currency != currency or (
                expectation is not None and expectation.expected.currency != line.currency
            ):
                differences.append(
                    CodDifference(
                        kind=CodDifferenceKind.OTHER_CURRENCY,
                        tracking_number=line.tracking_number,
                        amount=line.collected,
                        statement_id=statement.id,
                        detail=f"{where} lists {line.collected} collected; "
                        f"the shipments are in {currency}",
                    )
                )
                continue
            if expectation is None:
                differences.append(
                    CodDifference(
                        kind=CodDifferenceKind.UNKNOWN_SHIPMENT,
                        tracking_number=line.tracking_number,
                        amount=line.collected,
                        statement_id=statement.id,
                        detail=f"{where} lists a parcel with no COD shipment of {courier!r}",
                    )
                )
                continue
            if line.tracking_number in matched:
                first = matched[line.tracking_number][0]
                differences.append(
                    CodDifference(
                        kind=CodDifferenceKind.DUPLICATE,
                        tracking_number=line.tracking_number,
                        amount=line.collected,
                        statement_id=statement.id,
                        detail=f"{where} lists the parcel again (first in statement {first!r})",
                    )
                )
                continue
            matched[line.tracking_number] = (statement.id, line)
    reconciled: list[ShipmentCod] = []
    for expectation in by_tracking.values():
        found = matched.get(expectation.tracking_number)
        zero = Money.zero(expectation.expected.currency)
        if found is None:
            if expectation.delivered:
                differences.append(
                    CodDifference(
                        kind=CodDifferenceKind.MISSING,
                        tracking_number=expectation.tracking_number,
                        amount=expectation.expected,
                        detail=f"shipment {expectation.shipment_id!r} was delivered and "
                        "no statement lists it",
                    )
                )
                reconciled.append(
                    ShipmentCod(
                        shipment_id=expectation.shipment_id,
                        order_id=expectation.order_id,
                        tracking_number=expectation.tracking_number,
                        expected=expectation.expected,
                        collected=zero,
                        fees=zero,
                        remitted=zero,
                    )
                )
            continue
        statement_id, line = found
        item = ShipmentCod(
            shipment_id=expectation.shipment_id,
            order_id=expectation.order_id,
            tracking_number=expectation.tracking_number,
            expected=expectation.expected,
            collected=line.collected,
            fees=line.fee,
            remitted=line.remitted,
            statement_ids=(statement_id,),
        )
        reconciled.append(item)
        if item.shortfall.is_positive:
            differences.append(
                CodDifference(
                    kind=CodDifferenceKind.SHORTFALL,
                    tracking_number=item.tracking_number,
                    amount=item.shortfall,
                    statement_id=statement_id,
                    detail=f"expected {item.expected}, collected {item.collected}",
                )
            )
        elif item.shortfall.is_negative:
            differences.append(
                CodDifference(
                    kind=CodDifferenceKind.OVERPAYMENT,
                    tracking_number=item.tracking_number,
                    amount=-item.shortfall,
                    statement_id=statement_id,
                    detail=f"expected {item.expected}, collected {item.collected}",
                )
            )
        if not item.withheld.is_zero:
            differences.append(
                CodDifference(
                    kind=CodDifferenceKind.WITHHELD,
                    tracking_number=item.tracking_number,
                    amount=item.withheld,
                    statement_id=statement_id,
                    detail=f"collected {item.collected} less fee {item.fees} is "
                    f"{item.collected - item.fees}, remitted {item.remitted}",
                )
            )
    return CodReconciliation(
        courier=courier,
        currency=currency,
        shipments=tuple(reconciled),
        differences=tuple(differences),
    )
