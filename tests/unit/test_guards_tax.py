"""Refusals of :mod:`salesorder.domain.tax`, :mod:`~salesorder.domain.taxids` and
:mod:`~salesorder.domain.terms`, one test per guard that no other test exercised.

Each test triggers one guard clause through the public API and checks the typed error and
that its message names the thing and the value refused.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import pytest

from salesorder import Instalment, PaymentTerms, TaxRate, TermsKind, ValidationError


@pytest.mark.parametrize("factor", [0.9, 1.0])
def test_a_float_base_factor_is_refused_as_inexact(factor: float) -> None:
    # Without the guard the float falls through to the generic "must be a fraction" refusal.
    with pytest.raises(ValidationError, match=rf"base factor must be exact .* not float {factor}"):
        TaxRate(code="ID-PPN-12", name="PPN", rate="0.12", base_factor=factor)


def test_an_exact_base_factor_is_kept() -> None:
    rate = TaxRate(code="ID-PPN-12", name="PPN", rate="0.12", base_factor="11/12")
    assert rate.base_factor == Fraction(11, 12)


# -- payment terms ---------------------------------------------------------------------------


@pytest.mark.parametrize("build", [PaymentTerms.net, PaymentTerms.end_of_month])
def test_payment_terms_refuse_negative_days(build: Callable[[int], PaymentTerms]) -> None:
    with pytest.raises(ValidationError, match="payment terms need days >= 0, got -1"):
        build(-1)


def test_instalment_terms_need_instalments() -> None:
    with pytest.raises(ValidationError, match="instalments terms need instalments"):
        PaymentTerms.in_instalments([])


def test_other_terms_take_no_instalments() -> None:
    with pytest.raises(ValidationError, match="net terms take no instalments"):
        PaymentTerms(kind=TermsKind.NET, days=30, instalments=(Instalment(share=1, days=30),))


@pytest.mark.parametrize(
    ("share", "days", "shown"),
    [(0, 30, "share=0, days=30"), ("-1", 30, "share=-1, days=30"), (1, -1, "share=1, days=-1")],
)
def test_an_instalment_needs_a_positive_share_and_days_from_0(
    share: int | str, days: int, shown: str
) -> None:
    with pytest.raises(
        ValidationError, match=f"an instalment needs a share above 0 and days >= 0, got {shown}"
    ):
        PaymentTerms.in_instalments([(1, 0), (share, days)])
