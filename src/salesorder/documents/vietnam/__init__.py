"""Vietnam's e-invoice: the XML of Decree 123/2020/ND-CP and Circular 78/2021/TT-BTC.

:func:`~salesorder.documents.vietnam.xml.to_vn_einvoice` writes an issued invoice, an
adjustment or replacement invoice, or a credit note (as an adjustment invoice: Vietnam has
none) in the data standard of the General Department of Taxation (Decision 1450/QD-TCT);
:func:`~salesorder.documents.vietnam.xml.read_authority_code` reads the authority's code
(MCCQT) back from the document it returns;
:func:`~salesorder.documents.vietnam.checks.validate_vn_einvoice` checks a written document
against the standard's field rules (no official XML Schema was found to validate against).
What each field holds and which documents are refused is decided once, in
:class:`~salesorder.documents.vietnam.model.VnInvoice`; the total in words comes from
:mod:`salesorder.documents.vietnam.words` (``num2words``, the ``vietnam`` extra, imported
when a document is written).

Import from this package; its modules are how it is built: ``model`` the figures and the
rules, ``fields`` their value types, ``checks`` the rules on the XML, ``xml`` the XML,
``words`` the amount in Vietnamese words.
"""

from salesorder.documents.vietnam.checks import validate_vn_einvoice
from salesorder.documents.vietnam.fields import (
    VnExchangeRateMissing,
    VnInvoiceOptions,
    VnLine,
    VnLineKind,
    VnParty,
    VnRateTotal,
    VnReference,
    VnTemplate,
    VnVatRate,
)
from salesorder.documents.vietnam.model import VN_TIMEZONE, VnInvoice
from salesorder.documents.vietnam.words import CURRENCY_NAMES, amount_in_words, number_in_words
from salesorder.documents.vietnam.xml import (
    AUTHORITY_CODE_LENGTH,
    read_authority_code,
    to_vn_einvoice,
)

__all__ = [
    "AUTHORITY_CODE_LENGTH",
    "CURRENCY_NAMES",
    "VN_TIMEZONE",
    "VnExchangeRateMissing",
    "VnInvoice",
    "VnInvoiceOptions",
    "VnLine",
    "VnLineKind",
    "VnParty",
    "VnRateTotal",
    "VnReference",
    "VnTemplate",
    "VnVatRate",
    "amount_in_words",
    "number_in_words",
    "read_authority_code",
    "to_vn_einvoice",
    "validate_vn_einvoice",
]
