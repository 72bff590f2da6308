"""Indonesia's Coretax e-Faktur import file (``TaxInvoiceBulk``) from issued invoices.

:func:`~salesorder.documents.coretax.writer.to_coretax` writes one XML file for one invoice
or many of one seller, the file a seller (PKP) uploads to DJP's Coretax to create its output
tax invoices (faktur pajak keluaran). Coretax numbers each tax invoice (NSFP) when it is
uploaded and signed, so writing a file takes no number of anything.

The mapping (field by field in ``docs/einvoice-indonesia.md``):

- ``TIN``: the seller's NPWP as 16 digits (a 15-digit NPWP takes a leading 0);
  ``SellerIDTKU``: the seller's 22-digit ID TKU (NPWP and place of business).
- One ``TaxInvoice`` per invoice and transaction code: ``04`` for PPN at 12% on 11/12 of
  the price ("DPP nilai lain", the library's ``ID-PPN-12-DPP``), ``01`` (or the caller's
  ``02``/``03``) for PPN on the full price (luxury goods, ``ID-PPN-12``), ``08`` for an
  exempt supply (``ID-PPN-EXEMPT``, PP 49/2022) with its facility codes, ``07`` for a
  supply whose PPN is not collected. An invoice whose lines need two codes is two tax
  invoices, both with the invoice number as ``RefDesc``.
- The buyer by NPWP (``TIN``), else NIK (``National ID``), else passport.
- A ``GoodService`` per line (charges such as shipping too): goods or service (``Opt``),
  the Coretax goods/service code (``Code``, per SKU from
  :class:`~salesorder.documents.coretax.model.CoretaxOptions`), name, unit (``UM.00xx``
  from the line's unit), price and discount without tax, quantity, the line's net as DPP
  (``TaxBase``), its legal base as DPP nilai lain (``OtherTaxBase``), PPN rate and amount,
  PPnBM rate and amount.

What the format cannot say is refused before anything is written (see
:func:`~salesorder.documents.coretax.build.build_coretax`): credit notes, adjustment and
replacement invoices, other currencies than IDR, a seller without NPWP or ID TKU, a buyer
without identity, taxes and rates no transaction code expresses.
:func:`~salesorder.documents.coretax.rules.validate_coretax` checks a written file against
the published field rules (DJP publishes no XML Schema for it).
"""

from __future__ import annotations

from salesorder.documents.coretax.build import HEAD_OFFICE, NO_TIN, build_coretax
from salesorder.documents.coretax.model import (
    DEFAULT_FACILITIES,
    UNIT_CODES,
    BuyerDocument,
    CoretaxFile,
    CoretaxItem,
    CoretaxOptions,
    Facility,
    GoodService,
    TaxInvoice,
    TransactionCode,
)
from salesorder.documents.coretax.rules import validate_coretax
from salesorder.documents.coretax.writer import to_coretax, write_coretax

__all__ = [
    "DEFAULT_FACILITIES",
    "HEAD_OFFICE",
    "NO_TIN",
    "UNIT_CODES",
    "BuyerDocument",
    "CoretaxFile",
    "CoretaxItem",
    "CoretaxOptions",
    "Facility",
    "GoodService",
    "TaxInvoice",
    "TransactionCode",
    "build_coretax",
    "to_coretax",
    "validate_coretax",
    "write_coretax",
]
