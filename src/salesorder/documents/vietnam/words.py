"""An amount in Vietnamese words, as an e-invoice writes its total (``TgTTTBChu``).

The numbers 0 to 999 come from ``num2words`` (``lang="vi"``: "một trăm lẻ năm", "hai
mươi mốt", "mười lăm"); the larger units are put together here, because ``num2words``
0.5.14 reads a group of three digits that follows a higher one as if it stood alone: it
writes 21,554,071 as "... năm mươi bốn nghìn lẻ bảy mươi mốt" and 1,010,000 as "một triệu
mười nghìn", where Vietnamese (and every invoice) reads "... nghìn không trăm bảy mươi mốt"
and "một triệu không trăm mười nghìn". So the amount is split into groups of three digits
(nghìn, triệu, tỷ; above a thousand tỷ the scales repeat: "nghìn tỷ"), each group after
the first is read in full ("không trăm", and "không trăm lẻ" before a single digit), and
an empty group is left out. ``num2words`` also reads -5 as "mười lăm" (it drops the sign
into the digits), so the sign is handled here: a negative amount (a downward adjustment)
starts with "Âm" ("minus").

The post-processing, all of it: the first letter is capitalised, and the currency's name
follows ("đồng" for VND; see :data:`CURRENCY_NAMES`). An amount with minor units (USD
12.50) reads its fraction after "phẩy" (the decimal comma) as it is written with the
currency's digits, each leading zero as "không": "Mười hai phẩy năm mươi đô la Mỹ", and
12.05 "Mười hai phẩy không năm đô la Mỹ" (``num2words`` reads 12.05 as 12.5).
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import Any

from salesorder.exceptions import InvalidType
from salesorder.money import Money

__all__ = ["CURRENCY_NAMES", "amount_in_words", "number_in_words"]

#: The Vietnamese names of the currencies an invoice's total in words may end with; any
#: other currency ends with its ISO 4217 code.
CURRENCY_NAMES = MappingProxyType(
    {
        "VND": "đồng",
        "USD": "đô la Mỹ",
        "EUR": "euro",
        "JPY": "yên Nhật",
        "CNY": "nhân dân tệ",
        "GBP": "bảng Anh",
        "SGD": "đô la Singapore",
        "KRW": "won Hàn Quốc",
    }
)

_BILLION = 10**9
_SCALES = ((10**6, "triệu"), (10**3, "nghìn"), (1, ""))


def _n2w() -> Any:
    from num2words import (  # type: ignore[import-untyped]  # noqa: PLC0415 - the vietnam extra
        num2words,
    )

    return num2words


def _group(value: int, *, full: bool) -> str:
    """0 < ``value`` < 1000 in words; ``full`` reads its hundreds even when they are 0."""
    words = str(_n2w()(value, lang="vi"))
    if not full or value >= 100:
        return words
    return f"không trăm lẻ {words}" if value < 10 else f"không trăm {words}"


def _below_billion(value: int, *, full: bool) -> list[str]:
    parts: list[str] = []
    for scale, name in _SCALES:
        group, value = divmod(value, scale)
        if group:
            parts.append(_group(group, full=full))
            if name:
                parts.append(name)
            full = True
    return parts


def _words(value: int, *, full: bool = False) -> list[str]:
    if value >= _BILLION:
        high, low = divmod(value, _BILLION)
        return [*_words(high, full=full), "tỷ", *_below_billion(low, full=True)]
    return _below_billion(value, full=full)


def number_in_words(value: int) -> str:
    """A whole number in Vietnamese words, lower case (``1005`` -> "một nghìn không trăm lẻ năm").

    Raises:
        InvalidType: ``value`` is not an ``int`` (also a ``TypeError``).
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidType(f"number_in_words takes an int, got {type(value).__name__}")
    if value == 0:
        return str(_n2w()(0, lang="vi"))
    words = " ".join(_words(abs(value)))
    return f"âm {words}" if value < 0 else words


def amount_in_words(amount: Money) -> str:
    """``amount`` as the invoice writes it in words, capitalised, with its currency's name.

    ``Money.of("21554071", "VND")`` gives "Hai mươi mốt triệu năm trăm năm mươi bốn nghìn
    không trăm bảy mươi mốt đồng"; see the module docstring for the rules.
    """
    digits = amount.info.digits
    whole = int(abs(amount.amount))
    fraction = int((abs(amount.amount) - whole).scaleb(digits)) if digits else 0
    text = number_in_words(whole)
    if fraction:
        # read as written with the currency's digits: 12.05 is "phẩy không năm", 12.50
        # "phẩy năm mươi" (num2words 0.5.14 reads 12.05 as "phẩy năm", which is 12.5)
        zeros = digits - len(str(fraction))
        text += " phẩy " + "không " * zeros + number_in_words(fraction)
    if amount.amount < Decimal(0):
        text = f"âm {text}"
    name = CURRENCY_NAMES.get(amount.currency, amount.currency)
    return f"{text[0].upper()}{text[1:]} {name}"
