"""Marketplaces: orders and pages of orders as Shopee, Lazada or TikTok Shop deliver them."""

from __future__ import annotations

import string

from hypothesis import strategies as st

from salesorder.domain.channels import MarketplaceLine, MarketplaceOrder, MarketplacePage
from salesorder.testing.strategies.amounts import currencies, money
from salesorder.testing.strategies.basics import Spec, _spec, codes, texts, timestamps
from salesorder.testing.strategies.catalog import addresses

__all__ = ["marketplace_orders", "marketplace_pages"]


@st.composite
def _marketplace_orders(
    draw: st.DrawFn, currency: Spec[str], external_id: Spec[str]
) -> MarketplaceOrder:
    code = draw(_spec(currency, currencies()))
    line = st.builds(
        MarketplaceLine,
        channel_sku=codes(),
        quantity=st.integers(1, 20),
        unit_price=money(code, max_value=1_000_000),
    )
    return MarketplaceOrder(
        external_id=draw(_spec(external_id, codes())),
        revision=draw(st.integers(1, 10)),
        status=draw(st.sampled_from(["UNPAID", "READY_TO_SHIP", "SHIPPED", "CANCELLED"])),
        buyer_name=draw(texts()),
        shipping_address=draw(addresses()),
        currency=code,
        lines=draw(st.lists(line, min_size=1, max_size=4)),
        created_at=draw(timestamps()),
        cash_on_delivery=draw(st.booleans()),
        buyer_phone=draw(st.one_of(st.just(""), st.text(string.digits, min_size=8, max_size=13))),
    )


def marketplace_orders(
    currency: Spec[str] = None, *, external_id: Spec[str] = None
) -> st.SearchStrategy[MarketplaceOrder]:
    """Orders as Shopee, Lazada or TikTok Shop deliver them."""
    return _marketplace_orders(currency, external_id)


def marketplace_pages() -> st.SearchStrategy[MarketplacePage]:
    """Pages of marketplace orders with a cursor."""
    return st.builds(
        MarketplacePage,
        orders=st.lists(marketplace_orders(), max_size=3),
        cursor=st.integers(0, 10**6).map(str),
    )
