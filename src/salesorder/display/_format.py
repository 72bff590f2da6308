"""The locale things are shown in, and how amounts, quantities and long numbers read.

Money is formatted by :func:`salesorder.money.format_money`, the one place the library
formats money for people (the demo's ``Rp2.950.000,00``); this module only chooses the
locale and how many decimal places a figure finer than the currency's minor unit keeps.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from decimal import ROUND_HALF_EVEN, Decimal

from salesorder.exceptions import ValidationError
from salesorder.money import Money, check_locale, currency_info, decimal_isolated, format_money

__all__ = [
    "DEFAULT_LOCALE",
    "EXTRA_PLACES",
    "clip",
    "count",
    "current_locale",
    "moment",
    "money_text",
    "percent",
    "resolve_locale",
    "shorten_numbers",
    "use_locale",
]

#: The locale objects are shown in until :func:`use_locale` picks another: the shop
#: settings' default (:attr:`salesorder.services.app.Settings.locale`) and the demo's.
DEFAULT_LOCALE = "id_ID"
#: Places kept beyond the currency's minor unit for a figure finer than it (a rounding step
#: of a trace): ``-0.0024324324324324324324`` IDR reads ``-0.002432``.
EXTRA_PLACES = 4

_chosen = [DEFAULT_LOCALE]
#: A number with a fractional part: the figures a trace step's words carry.
_DECIMAL = re.compile(r"(?<![\d.])-?\d+\.\d+(?![\d.])")


def _checked(locale: object) -> str:
    """``locale`` as given when babel knows it.

    Raises:
        ValidationError: it is not text, or not a locale babel knows.
    """
    return check_locale(locale, "display locale")


def use_locale(locale: str) -> str:
    """Show objects in ``locale`` from now on (until called again); returns the previous one.

    Raises:
        ValidationError: ``locale`` is not a locale babel knows; the locale is unchanged.
    """
    previous = _chosen[0]
    _chosen[0] = _checked(locale)
    return previous


def current_locale() -> str:
    """The locale objects are shown in: ``DEFAULT_LOCALE`` or :func:`use_locale`'s."""
    return _chosen[0]


def resolve_locale(locale: str | None) -> str:
    """``locale`` checked, or the current locale when it is None.

    Raises:
        ValidationError: ``locale`` is not a locale babel knows.
    """
    return current_locale() if locale is None else _checked(locale)


@decimal_isolated
def _places(amount: Decimal, digits: int) -> tuple[Decimal, int]:
    """``amount`` to at most ``digits + EXTRA_PLACES`` places, and the places it needs.

    Quantized with as many digits as that takes, so a long number in a trace's words is
    cut, not refused by the library's 28-digit context.
    """
    finest = digits + EXTRA_PLACES
    wide = decimal.Context(prec=max(28, amount.adjusted() + finest + 2))
    kept = amount.quantize(Decimal(1).scaleb(-finest), rounding=ROUND_HALF_EVEN, context=wide)
    if not kept:  # a residue that rounds to nothing reads 0.00, not -0.00
        kept = kept.copy_abs()
    exponent = kept.normalize(context=wide).as_tuple().exponent
    needed = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return kept, max(digits, needed)


def money_text(amount: Money, locale: str) -> str:
    """``amount`` formatted for ``locale``, to the currency's minor unit or finer.

    An amount on the minor unit reads as the demo prints it (``Rp150.000,00``); one finer
    than it (a rounding step) keeps up to ``EXTRA_PLACES`` (4) more places, trailing zeros
    trimmed (``-Rp0,002432``), so a 28-digit Decimal never reaches a person; one too
    small to show at all reads zero, without a sign.

    Raises:
        ValidationError: ``amount`` is not :class:`~salesorder.money.Money`, or ``locale``
            is not a locale babel knows.
    """
    if not isinstance(amount, Money):
        raise ValidationError(
            f"money_text formats Money, got {type(amount).__name__} {amount!r:.60}"
        )
    locale = _checked(locale)
    kept, places = _places(amount.amount, amount.info.digits)
    shown = amount if kept else Money.zero(amount.currency)
    return format_money(shown, locale, digits=places)


def shorten_numbers(text: str, currency: str) -> str:
    """``text`` with each number finer than ``currency``'s minor unit + 4 places cut to that.

    ``"324627.4324324324324324324324 rounded to 324627.43"`` in IDR reads
    ``"324627.432432 rounded to 324627.43"``: rounded half-even, trailing zeros trimmed;
    shorter numbers are left as they are.

    Raises:
        ValidationError: ``text`` is not text; ``UnknownCurrency`` (one) when ``currency``
            is not an ISO 4217 code the library knows.
    """
    if not isinstance(text, str):
        raise ValidationError(f"shorten_numbers takes text, got {type(text).__name__} {text!r:.60}")
    digits = currency_info(currency).digits

    def cut(match: re.Match[str]) -> str:
        number = match.group()
        if len(number.partition(".")[2]) <= digits + EXTRA_PLACES:
            return number
        kept, places = _places(Decimal(number), digits)
        return f"{kept:.{places}f}"

    return _DECIMAL.sub(cut, text)


def clip(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters (the last one an ellipsis) for a one-line repr."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def count(number: int | Decimal, word: str, plural: str = "") -> str:
    """``"1 line"``, ``"2 lines"`` (``plural`` when adding an s will not do)."""
    return f"{number} {word if number == 1 else plural or word + 's'}"


def moment(at: dt.datetime | dt.date | None) -> str:
    """A time to the minute with its offset (``2026-01-05 09:00+07:00``), a date, or ''."""
    if at is None:
        return ""
    if isinstance(at, dt.datetime):
        return at.isoformat(sep=" ", timespec="minutes")
    return at.isoformat()


def percent(value: Decimal, locale: str) -> str:
    """A fraction as a percentage for ``locale``, as the invoice preview prints a rate."""
    from babel.numbers import format_percent  # noqa: PLC0415 - babel on first use

    return str(format_percent(value, locale=locale, decimal_quantization=False))
