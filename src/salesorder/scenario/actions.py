"""The steps that script the in-memory world (the clock, the courier, the marketplace).

A step of a scenario is one of the application's commands or one of these actions; ``Action``
is that union, tagged by ``type`` in the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, ClassVar, Union

import attrs

from salesorder.adapters.memory.couriers import Journey
from salesorder.domain.channels import Listing, MarketplaceOrder, SettlementReport
from salesorder.domain.common import code, non_negative_int
from salesorder.domain.customers import Address
from salesorder.domain.shipping import TrackingStatus
from salesorder.exceptions import ValidationError
from salesorder.services import commands as c

__all__ = [
    "Action",
    "AdvanceClock",
    "CourierJourney",
    "CourierUpdate",
    "MarketplaceListing",
    "MarketplaceOrderArrives",
    "MarketplaceOrderUpdated",
    "MarketplacePush",
    "MarketplaceSettlement",
    "ScenarioAction",
]


@attrs.frozen(kw_only=True)
class ScenarioAction:
    """Base of the steps that script the in-memory world rather than run a command."""

    tag: ClassVar[str] = ""


@attrs.frozen(kw_only=True)
class AdvanceClock(ScenarioAction):
    """Move the manual clock forward (``{"type": "advance_clock", "hours": 2}``)."""

    tag: ClassVar[str] = "advance_clock"
    days: int = attrs.field(default=0, validator=non_negative_int)
    hours: int = attrs.field(default=0, validator=non_negative_int)
    minutes: int = attrs.field(default=0, validator=non_negative_int)

    def __attrs_post_init__(self) -> None:
        if not self.delta:
            raise ValidationError("advance_clock needs days, hours or minutes above zero")

    @property
    def delta(self) -> dt.timedelta:
        """How far the clock moves."""
        return dt.timedelta(days=self.days, hours=self.hours, minutes=self.minutes)


@attrs.frozen(kw_only=True)
class CourierUpdate(ScenarioAction):
    """The courier reports on the latest shipment of an order, at the clock's time.

    Only the courier's side changes; a ``sync_tracking`` step pulls the update into the
    shipment and the order. ``courier``, when given, must be the shipment's courier.
    ``minutes_earlier`` stamps the update that long before the clock (a late, out-of-order
    report); ``event_id`` gives the courier's id, so the same id twice is a repeated report.
    """

    tag: ClassVar[str] = "courier_update"
    order_id: str = attrs.field(validator=code)
    status: TrackingStatus
    courier: str | None = None
    note: str = ""
    event_id: str | None = None
    minutes_earlier: int = attrs.field(default=0, validator=non_negative_int)


@attrs.frozen(kw_only=True)
class CourierJourney(ScenarioAction):
    """The courier reports a whole journey for the latest shipment of an order.

    The updates of ``journey`` (see ``salesorder.adapters.memory.couriers.JOURNEYS``)
    are stamped ``hours_apart`` apart, the first at the clock's time; ``shuffled`` reports
    them out of order, ``repeated`` reports each twice. A ``sync_tracking`` step pulls them.
    """

    tag: ClassVar[str] = "courier_journey"
    order_id: str = attrs.field(validator=code)
    journey: Journey
    hours_apart: int = attrs.field(default=6, validator=non_negative_int)
    shuffled: bool = False
    repeated: bool = False


@attrs.frozen(kw_only=True)
class MarketplaceOrderArrives(ScenarioAction):
    """A marketplace delivers an order (or delivers it again) to the shop's feed.

    An ``import_marketplace_orders`` step fetches it. A name given to this step (``"as"``)
    refers to the order captured from it, once imported.
    """

    tag: ClassVar[str] = "marketplace_order"
    channel: str = attrs.field(validator=code)
    order: MarketplaceOrder


@attrs.frozen(kw_only=True)
class MarketplaceOrderUpdated(ScenarioAction):
    """The buyer changes a marketplace order: a new revision with a new status or address.

    ``status`` is the marketplace's own name (``"CANCELLED"`` on Shopee, ``"canceled"`` on
    Lazada). An ``import_marketplace_orders`` step fetches the new revision.
    """

    tag: ClassVar[str] = "marketplace_update"
    channel: str = attrs.field(validator=code)
    external_id: str = attrs.field(validator=code)
    status: str | None = None
    shipping_address: Address | None = None


@attrs.frozen(kw_only=True)
class MarketplacePush(ScenarioAction):
    """The marketplace pushes an order by webhook, signed with the shop's secret.

    The push is received at once (a ``receive_webhook`` with the raw body and signature);
    ``forged`` signs it with another secret, so it is rejected and recorded. The step's
    result is the ingest result.
    """

    tag: ClassVar[str] = "marketplace_push"
    channel: str = attrs.field(validator=code)
    order: MarketplaceOrder
    forged: bool = False


@attrs.frozen(kw_only=True)
class MarketplaceSettlement(ScenarioAction):
    """The marketplace issues a payout report; an ``import_settlements`` step imports it."""

    tag: ClassVar[str] = "marketplace_settlement"
    channel: str = attrs.field(validator=code)
    report: SettlementReport


@attrs.frozen(kw_only=True)
class MarketplaceListing(ScenarioAction):
    """A listing made on the marketplace's side; a ``pull_listings`` step fetches it."""

    tag: ClassVar[str] = "marketplace_listing"
    channel: str = attrs.field(validator=code)
    listing: Listing


_MARKETPLACE_STEPS = (
    MarketplaceOrderUpdated,
    MarketplacePush,
    MarketplaceSettlement,
    MarketplaceListing,
)

#: What a step does, one of the application's commands or a scenario-only action.
Action = Union[c.Command[Any], ScenarioAction]  # noqa: UP007 - a runtime value for cattrs


def _references(action: Action) -> Iterator[tuple[str, str]]:
    """(field, name) for each ``"$name"`` in a field of ``action`` whose name ends in ``_id``.

    A list field whose name ends in ``_ids`` may hold names too; its field is ``"field[i]"``.
    """
    for field in attrs.fields(type(action)):
        value = getattr(action, field.name)
        if field.name.endswith("_id") and isinstance(value, str) and value.startswith("$"):
            yield field.name, value[1:]
        elif field.name.endswith("_ids") and isinstance(value, tuple):
            for index, item in enumerate(value):
                if isinstance(item, str) and item.startswith("$"):
                    yield f"{field.name}[{index}]", item[1:]
