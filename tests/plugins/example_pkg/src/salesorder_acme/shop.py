"""Acme Mall, a marketplace."""

from __future__ import annotations

from salesorder.adapters.memory import InMemoryMarketplace
from salesorder.domain.channels import Channel, ChannelKind


def make_shop(
    *,
    code: str = "acme-mall",
    secret: str = "acme-secret",  # noqa: S107 - the sandbox's published test secret
) -> InMemoryMarketplace:
    """One shop on Acme Mall, booked under channel ``code``."""
    channel = Channel(code=code, kind=ChannelKind.CUSTOM, name="Acme Mall")
    return InMemoryMarketplace(channel, secret=secret.encode())
