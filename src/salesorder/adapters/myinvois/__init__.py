"""Malaysia's MyInvois (LHDN) e-invoice API, as an e-invoice provider.

:class:`MyInvoisProvider` implements :class:`~salesorder.ports.einvoice.EInvoiceProvider`.

Needs the ``myinvois`` extra (``httpx``): ``pip install 'salesorder[myinvois]'``. Nothing
here is imported by ``import salesorder``.
"""

from __future__ import annotations

from salesorder.adapters.myinvois.config import (
    PREPROD,
    PRODUCTION,
    DocumentFormat,
    MyInvoisCredentials,
    MyInvoisEnvironment,
)
from salesorder.adapters.myinvois.errors import (
    MyInvoisError,
    MyInvoisRefused,
    MyInvoisUnavailable,
)
from salesorder.adapters.myinvois.provider import CANCELLATION_WINDOW, MyInvoisProvider
from salesorder.adapters.myinvois.session import MyInvoisSession

__all__ = [
    "CANCELLATION_WINDOW",
    "PREPROD",
    "PRODUCTION",
    "DocumentFormat",
    "MyInvoisCredentials",
    "MyInvoisEnvironment",
    "MyInvoisError",
    "MyInvoisProvider",
    "MyInvoisRefused",
    "MyInvoisSession",
    "MyInvoisUnavailable",
]
