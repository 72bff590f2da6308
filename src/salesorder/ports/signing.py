"""Signing an e-invoice before it is submitted: the port a certificate is reached through.

Malaysia's MyInvois wants version 1.1 documents signed by the issuer (XAdES enveloped in
``ext:UBLExtensions``, LHDN's "Document Signature Creation" guide); the signing key lives
in a file, an HSM or a cloud key store, so the library reaches it through this port. The
shipped adapters are in :mod:`salesorder.adapters.signing`.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["DocumentSigner"]


@runtime_checkable
class DocumentSigner(Protocol):
    """Signs a document's exact bytes and returns the signed document's bytes."""

    def sign(self, document: bytes) -> bytes:
        """``document`` with its signature in place, ready to submit.

        Contract: the content of ``document`` is unchanged apart from the signature
        elements the format defines (a signature already there is replaced, never
        doubled); the same input and the same signing time give the same output. Hash
        and submit the returned bytes, not the input
        (:func:`~salesorder.documents.myinvois.document_hash`).

        Raises:
            DocumentRuleError: the document cannot be signed as it is (a MyInvois document
                of version 1.0, which LHDN validates unsigned).
            UnsafeXml: the document is not well-formed or declares a DTD.
        """
        ...
