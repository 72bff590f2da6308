"""Acme e-Faktur, an e-invoice provider."""

from __future__ import annotations

from salesorder.adapters.memory import InMemoryEInvoiceProvider


def make_provider(*, prefix: str = "ACME-") -> InMemoryEInvoiceProvider:
    """Acme's e-invoice gateway; the authority's codes start with ``prefix``."""
    return InMemoryEInvoiceProvider("acme", authority_prefix=prefix)
