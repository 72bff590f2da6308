"""ChannelAvailability: what each channel may offer, by its buffer and share."""

from __future__ import annotations

import pytest
from tests.services.test_bad_input import confirmed

from salesorder import SalesApp, commands
from salesorder.exceptions import UnknownSKU


def test_a_channel_without_a_rule_may_offer_everything_available(app: SalesApp) -> None:
    assert app.execute(commands.ChannelAvailability(channel="web")) == {
        "CAP-BLK": 5,
        "TSHIRT-RED-M": 10,
    }


def test_buffer_then_share_over_all_warehouses(app: SalesApp) -> None:
    app.execute(commands.SetChannelStockRule(channel="shopee", buffer=2, share="0.5"))
    app.execute(commands.ReceiveStock(warehouse="SBY-1", sku="TSHIRT-RED-M", quantity=5))
    # (10 + 5 - 2) * 0.5 = 6.5, rounded down; the caps: (5 - 2) * 0.5 = 1.5.
    assert app.execute(commands.ChannelAvailability(channel="shopee")) == {
        "CAP-BLK": 1,
        "TSHIRT-RED-M": 6,
    }
    # Other channels keep their own rule (none here).
    assert app.execute(commands.ChannelAvailability(channel="web", skus=("TSHIRT-RED-M",))) == {
        "TSHIRT-RED-M": 15
    }


def test_reserved_and_written_off_stock_is_not_offered(app: SalesApp) -> None:
    before = app.execute(commands.ChannelAvailability(channel="web", skus=("CAP-BLK",)))
    order_id = confirmed(app, ("CAP-BLK", 2))
    app.execute(commands.ReserveStock(order_id=order_id))
    app.execute(commands.WriteOffStock(warehouse="SBY-1", sku="CAP-BLK", quantity=1, reason="wet"))
    after = app.execute(commands.ChannelAvailability(channel="web", skus=("CAP-BLK",)))
    assert (before, after) == ({"CAP-BLK": 5}, {"CAP-BLK": 2})


def test_a_sku_without_stock_offers_zero_and_an_unknown_sku_is_refused(app: SalesApp) -> None:
    app.execute(commands.WriteOffStock(warehouse="SBY-1", sku="CAP-BLK", quantity=5, reason="x"))
    query = commands.ChannelAvailability(channel="web", skus=("CAP-BLK", "CAP-BLK"))
    assert app.execute(query) == {"CAP-BLK": 0}
    with pytest.raises(UnknownSKU, match="NO-SUCH"):
        app.execute(commands.ChannelAvailability(channel="web", skus=("CAP-BLK", "NO-SUCH")))


def test_an_order_counts_against_what_is_offered_from_the_moment_it_is_placed(
    app: SalesApp,
) -> None:
    def offered() -> tuple[int, int]:
        one = app.execute(commands.ChannelAvailability(channel="web", skus=("CAP-BLK",)))
        every = app.execute(commands.ChannelAvailability(channel="web"))
        return one["CAP-BLK"], every["CAP-BLK"]

    order_id = confirmed(app, ("CAP-BLK", 2))  # confirmed, nothing reserved yet
    assert offered() == (3, 3)
    app.execute(commands.ReserveStock(order_id=order_id))  # now its reservation counts
    assert offered() == (3, 3)
    app.execute(commands.CancelOrder(order_id=order_id))
    assert offered() == (5, 5)
    confirmed(app, ("CAP-BLK", 9))  # more than there is: never below zero
    assert offered() == (0, 0)
