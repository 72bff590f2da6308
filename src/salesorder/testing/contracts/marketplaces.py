"""Contract of the marketplace gateway port.

Orders come from the marketplace's side, so the kit needs a way to put one there: implement
:meth:`MarketplaceGatewayContract.put_order` (for a sandbox shop, create a test order)::

    class TestShopeeSandbox(MarketplaceGatewayContract):
        def make_marketplace(self):
            return ShopeeShop(sandbox_partner, shop_id=...)

        def put_order(self, marketplace, order):
            shopee_sandbox.create_test_order(order)

Optional hooks (:meth:`~MarketplaceGatewayContract.pushed_stock`,
:meth:`~MarketplaceGatewayContract.pushed_tracking`,
:meth:`~MarketplaceGatewayContract.acknowledged`) let the kit check what reached the
marketplace; leave them returning None when your adapter cannot tell. Likewise
:meth:`~MarketplaceGatewayContract.put_settlement` and
:meth:`~MarketplaceGatewayContract.signed_push` (return False / None when a sandbox cannot
make payout reports or signed pushes) enable the settlement and webhook checks.
"""

# ruff: noqa: S101, D102
# These modules are test kits shipped in the package: assert is how they check, and each
# test_* method is documented by its name, as in tests/ (where these rules are off too).

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Collection
from typing import ClassVar

from salesorder.domain.catalog import VariantAttribute
from salesorder.domain.channels import (
    Channel,
    Listing,
    ListingVariant,
    MarketplaceLine,
    MarketplaceOrder,
    SettlementLine,
    SettlementReport,
)
from salesorder.exceptions import MalformedPayload, NotFound, ValidationError
from salesorder.money import Money
from salesorder.ports.marketplaces import MarketplaceGateway
from salesorder.testing.contracts._support import ADDRESS, T0, raises

__all__ = ["MarketplaceGatewayContract"]


class MarketplaceGatewayContract(abc.ABC):
    """Fetching from a cursor sees new orders and ends, writes back are checked and idempotent."""

    #: Pages followed before the kit decides a cursor repeats forever.
    max_pages: ClassVar[int] = 20

    @abc.abstractmethod
    def make_marketplace(self) -> MarketplaceGateway:
        """A new shop with no orders."""

    @abc.abstractmethod
    def put_order(self, marketplace: MarketplaceGateway, order: MarketplaceOrder) -> None:
        """Make ``order`` (or a new revision of it) appear on the marketplace."""

    def pushed_stock(self, marketplace: MarketplaceGateway, channel_sku: str) -> int | None:
        """The quantity the marketplace now sells of ``channel_sku`` (None: cannot tell)."""
        del marketplace, channel_sku  # the default cannot tell
        return None

    def pushed_tracking(
        self, marketplace: MarketplaceGateway, external_id: str
    ) -> tuple[str, str] | None:
        """(courier, tracking number) the marketplace holds for an order (None: cannot tell)."""
        del marketplace, external_id  # the default cannot tell
        return None

    def acknowledged(self, marketplace: MarketplaceGateway) -> Collection[str] | None:
        """External ids the marketplace has as accepted (None: cannot tell)."""
        del marketplace  # the default cannot tell
        return None

    def put_settlement(self, marketplace: MarketplaceGateway, report: SettlementReport) -> bool:
        """Make the marketplace issue ``report``; False when the adapter cannot."""
        del marketplace, report  # the default cannot
        return False

    def signed_push(
        self, marketplace: MarketplaceGateway, order: MarketplaceOrder
    ) -> tuple[bytes, str] | None:
        """The raw body and signature of a push carrying ``order`` (None: cannot make one)."""
        del marketplace, order  # the default cannot
        return None

    def make_order(
        self, external_id: str, *, revision: int = 1, minute: int = 0
    ) -> MarketplaceOrder:
        """A marketplace order in IDR, created ``minute`` minutes after the kit's start time."""
        return MarketplaceOrder(
            external_id=external_id,
            revision=revision,
            status="READY_TO_SHIP",
            buyer_name="Budi",
            shipping_address=ADDRESS,
            currency="IDR",
            lines=(
                MarketplaceLine(
                    channel_sku="KAOS-MERAH-M", quantity=2, unit_price=Money.of("75000", "IDR")
                ),
            ),
            created_at=T0 + dt.timedelta(minutes=minute),
            cash_on_delivery=True,
        )

    def _drain(
        self, marketplace: MarketplaceGateway, cursor: str | None
    ) -> tuple[list[MarketplaceOrder], str | None]:
        """Follow cursors until a page brings no order; the orders seen and the last cursor."""
        seen: list[MarketplaceOrder] = []
        for _ in range(self.max_pages):
            page = marketplace.fetch_orders(cursor)
            assert isinstance(page.cursor, str)
            cursor = page.cursor
            if not page.orders:
                return seen, cursor
            seen.extend(page.orders)
        raise AssertionError(f"the cursor still brings orders after {self.max_pages} pages")

    # -- tests ----------------------------------------------------------------------------

    def test_is_a_marketplace_gateway_with_a_channel(self) -> None:
        marketplace = self.make_marketplace()
        assert isinstance(marketplace, MarketplaceGateway)
        assert isinstance(marketplace.channel, Channel)

    def test_an_empty_shop_has_no_orders(self) -> None:
        orders, _cursor = self._drain(self.make_marketplace(), None)
        assert orders == []

    def test_fetch_returns_every_order_oldest_first(self) -> None:
        marketplace = self.make_marketplace()
        for minute, external_id in enumerate(["SP-1", "SP-2", "SP-3"]):
            self.put_order(marketplace, self.make_order(external_id, minute=minute))
        orders, _cursor = self._drain(marketplace, None)
        first_seen = list(dict.fromkeys(o.external_id for o in orders))
        assert first_seen == ["SP-1", "SP-2", "SP-3"]

    def test_fetch_from_a_cursor_brings_newer_orders(self) -> None:
        marketplace = self.make_marketplace()
        self.put_order(marketplace, self.make_order("SP-1"))
        self.put_order(marketplace, self.make_order("SP-2", minute=1))
        _orders, cursor = self._drain(marketplace, None)
        self.put_order(marketplace, self.make_order("SP-3", minute=2))
        newer, cursor = self._drain(marketplace, cursor)
        assert "SP-3" in {o.external_id for o in newer}, "an order put after the cursor is missing"
        again, _ = self._drain(marketplace, cursor)
        assert "SP-3" not in {o.external_id for o in again}, "the cursor repeats an order forever"

    def test_a_new_revision_comes_again(self) -> None:
        marketplace = self.make_marketplace()
        self.put_order(marketplace, self.make_order("SP-1"))
        _orders, cursor = self._drain(marketplace, None)
        self.put_order(marketplace, self.make_order("SP-1", revision=2, minute=1))
        newer, _ = self._drain(marketplace, cursor)
        revisions = [o.revision for o in newer if o.external_id == "SP-1"]
        assert revisions, "the new revision did not come"
        assert max(revisions) == 2

    def test_acknowledge_is_idempotent_and_checks_the_order(self) -> None:
        marketplace = self.make_marketplace()
        self.put_order(marketplace, self.make_order("SP-1"))
        marketplace.acknowledge("SP-1")
        marketplace.acknowledge("SP-1")
        acknowledged = self.acknowledged(marketplace)
        if acknowledged is not None:
            assert set(acknowledged) == {"SP-1"}
        with raises(NotFound, "acknowledging an order the marketplace does not have"):
            marketplace.acknowledge("SP-404")

    def test_push_tracking_is_idempotent_and_checks_the_order(self) -> None:
        marketplace = self.make_marketplace()
        self.put_order(marketplace, self.make_order("SP-1"))
        marketplace.push_tracking("SP-1", "jnt", "JNT0000000001")
        marketplace.push_tracking("SP-1", "jnt", "JNT0000000001")
        held = self.pushed_tracking(marketplace, "SP-1")
        if held is not None:
            assert held == ("jnt", "JNT0000000001")
        with raises(NotFound, "pushing tracking for an order the marketplace does not have"):
            marketplace.push_tracking("SP-404", "jnt", "JNT0000000002")
        if self.pushed_tracking(marketplace, "SP-404") is not None:
            raise AssertionError("tracking of an unknown order was stored")

    def test_push_stock_sets_the_quantity_and_refuses_negatives(self) -> None:
        marketplace = self.make_marketplace()
        marketplace.push_stock("KAOS-MERAH-M", 7)
        marketplace.push_stock("KAOS-MERAH-M", 0)
        with raises(ValidationError, "pushing a negative stock quantity"):
            marketplace.push_stock("KAOS-MERAH-M", -1)
        held = self.pushed_stock(marketplace, "KAOS-MERAH-M")
        if held is not None:
            assert held == 0, f"the marketplace sells {held}, the last push was 0"

    def test_fetch_one_order_gives_its_latest_revision(self) -> None:
        marketplace = self.make_marketplace()
        self.put_order(marketplace, self.make_order("SP-1"))
        self.put_order(marketplace, self.make_order("SP-1", revision=2, minute=1))
        assert marketplace.fetch_order("SP-1").revision == 2
        with raises(NotFound, "fetching an order the marketplace does not have"):
            marketplace.fetch_order("SP-404")

    def test_fetch_stock_shows_what_was_pushed(self) -> None:
        marketplace = self.make_marketplace()
        marketplace.push_stock("KAOS-MERAH-M", 4)
        shown = marketplace.fetch_stock(["KAOS-MERAH-M"])
        assert shown.get("KAOS-MERAH-M") == 4, f"pushed 4, the marketplace shows {shown}"
        assert set(shown) <= {"KAOS-MERAH-M"}, "fetch_stock returned SKUs not asked for"

    def test_publish_listing_is_idempotent_and_listed(self) -> None:
        marketplace = self.make_marketplace()
        listing = Listing(
            item_id="ITEM-1",
            name="Kaos Polos",
            category="fashion",
            images=("https://img.example/kaos.jpg",),
            variants=(
                ListingVariant(
                    channel_sku="KAOS-MERAH-M",
                    price=Money.of("75000", "IDR"),
                    attributes=(VariantAttribute(name="size", value="M"),),
                    stock=3,
                ),
            ),
        )
        assert marketplace.publish_listing(listing) == "ITEM-1"
        marketplace.publish_listing(listing)
        items = [item.item_id for item in marketplace.fetch_listings()]
        assert items.count("ITEM-1") == 1, f"listings after publishing twice: {items}"

    def test_settlements_come_back_unchanged(self) -> None:
        marketplace = self.make_marketplace()
        self.put_order(marketplace, self.make_order("SP-1"))
        idr = Money.of("0", "IDR")
        report = SettlementReport(
            report_id="PAYOUT-1",
            currency="IDR",
            paid_at=T0 + dt.timedelta(days=7),
            lines=(
                SettlementLine(
                    external_id="SP-1",
                    revenue=Money.of("150000", "IDR"),
                    commission=Money.of("12000", "IDR"),
                    transaction_fee=Money.of("6000", "IDR"),
                    service_fee=idr,
                    shipping_subsidy=idr,
                    payout=Money.of("132000", "IDR"),
                ),
            ),
        )
        if not self.put_settlement(marketplace, report):
            return
        reports = marketplace.fetch_settlements()
        assert reports.count(report) == 1, f"the report came back as {reports}"
        assert marketplace.fetch_settlements() == reports, "fetching again changed the reports"

    def test_webhooks_are_verified_and_parsed(self) -> None:
        marketplace = self.make_marketplace()
        order = self.make_order("SP-9")
        pushed = self.signed_push(marketplace, order)
        if pushed is None:
            return
        body, signature = pushed
        assert marketplace.verify_webhook(body, signature)
        assert not marketplace.verify_webhook(body + b" ", signature), "a changed body passed"
        assert not marketplace.verify_webhook(body, "0" * len(signature)), "a forged signature"
        assert marketplace.parse_webhook(body) == order
        with raises(MalformedPayload, "parsing a push that is not JSON"):
            marketplace.parse_webhook(b"{not json")
        with raises(MalformedPayload, "parsing a push that is not an order"):
            marketplace.parse_webhook(b'{"external_id": "SP-9"}')
