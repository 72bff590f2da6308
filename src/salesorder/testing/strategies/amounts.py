"""Money: currencies, amounts in minor units, rounding policies, apportionment weights."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from salesorder.money import (
    Money,
    RoundingMode,
    RoundingPlace,
    RoundingPolicy,
    currency_info,
    to_decimal,
)
from salesorder.testing.strategies.basics import Spec, _spec

__all__ = [
    "CURRENCIES",
    "currencies",
    "decimals_for",
    "money",
    "rounding_modes",
    "rounding_policies",
    "weights",
    "weights_kg",
]

#: The currencies drawn by default, with 0 digits (VND, JPY, KRW), 2 digits (IDR, USD, MYR, CHF with
#: its 0.05 cash step, EUR, SGD, THB, PHP) and 3 digits (KWD, BHD).
CURRENCIES: tuple[str, ...] = (
    "IDR",
    "VND",
    "JPY",
    "KWD",
    "USD",
    "MYR",
    "CHF",
    "EUR",
    "SGD",
    "THB",
    "PHP",
    "BHD",
    "KRW",
)

_DEFAULT_MAX = Decimal(10_000_000)


def currencies() -> st.SearchStrategy[str]:
    """ISO 4217 codes with 0, 2 and 3 minor digits.

    They are those of :data:`~salesorder.testing.strategies.amounts.CURRENCIES`.
    """
    return st.sampled_from(CURRENCIES)


def rounding_modes() -> st.SearchStrategy[RoundingMode]:
    """Every :class:`~salesorder.money.RoundingMode`."""
    return st.sampled_from(list(RoundingMode))


def rounding_policies() -> st.SearchStrategy[RoundingPolicy]:
    """Rounding policies: any mode, per line or per document."""
    return st.builds(
        RoundingPolicy, mode=rounding_modes(), place=st.sampled_from(list(RoundingPlace))
    )


def decimals_for(
    currency: str,
    *,
    min_value: Decimal | int | str | None = None,
    max_value: Decimal | int | str | None = None,
    places: int | None = None,
) -> st.SearchStrategy[Decimal]:
    """Decimals with exactly the currency's minor digits (or ``places``) between the bounds.

    Bounds default to 0 and ten million; they are rounded inwards to whole minor units.
    """
    digits = currency_info(currency).digits if places is None else places
    quantum = Decimal(1).scaleb(-digits)
    low = Decimal(0) if min_value is None else to_decimal(min_value, what="min_value")
    high = _DEFAULT_MAX if max_value is None else to_decimal(max_value, what="max_value")
    low_units = int((low / quantum).to_integral_value(rounding="ROUND_CEILING"))
    high_units = int((high / quantum).to_integral_value(rounding="ROUND_FLOOR"))
    if low_units > high_units:
        raise ValueError(f"no {currency} amount with {digits} places between {low} and {high}")
    return st.integers(low_units, high_units).map(lambda units: Decimal(units) * quantum)


def money(
    currency: Spec[str] = None,
    min_value: Decimal | int | str | None = None,
    max_value: Decimal | int | str | None = None,
    *,
    rounded: bool = True,
) -> st.SearchStrategy[Money]:
    """Money in ``currency`` (any of :func:`currencies` when None) between the bounds.

    With ``rounded=False`` amounts carry up to three digits more than the currency allows,
    as unit prices and intermediate results do.
    """

    def in_currency(code: str) -> st.SearchStrategy[Money]:
        extra = 0 if rounded else 3
        digits = currency_info(code).digits + extra
        return decimals_for(code, min_value=min_value, max_value=max_value, places=digits).map(
            lambda amount: Money(amount=amount, currency=code)
        )

    if isinstance(currency, str):
        return in_currency(currency)
    return _spec(currency, currencies()).flatmap(in_currency)


def weights(*, min_size: int = 1, max_size: int = 8) -> st.SearchStrategy[list[Decimal]]:
    """Apportionment weights: non-negative Decimals, at least one of them positive.

    Some weights are zero and some have decimals, as :func:`salesorder.money.apportion` takes.
    """
    weight = st.one_of(
        st.integers(0, 1000).map(Decimal),
        st.integers(0, 100_000).map(lambda n: Decimal(n).scaleb(-3)),
        st.just(Decimal(0)),
    )

    @st.composite
    def draw_weights(draw: st.DrawFn) -> list[Decimal]:
        values = draw(st.lists(weight, min_size=min_size, max_size=max_size))
        if not any(values):
            index = draw(st.integers(0, len(values) - 1))
            values[index] = Decimal(draw(st.integers(1, 1000)))
        return values

    return draw_weights()


def weights_kg() -> st.SearchStrategy[Decimal]:
    """Parcel and product weights in kilograms, to the gram, from 0 to 50 kg."""
    return st.integers(0, 50_000).map(lambda grams: Decimal(grams).scaleb(-3))
