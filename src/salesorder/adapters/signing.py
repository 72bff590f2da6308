"""Document signers: XAdES for MyInvois with a certificate and key, and a no-op for v1.0.

:class:`XadesSigner` follows LHDN's "Document Signature Creation" guide (SDK, signature
creation page) for the XML form:

1. the document without ``ext:UBLExtensions`` and ``cac:Signature`` is canonicalised
   (C14N; the library's documents carry no ``xml:`` attributes, so C14N 1.0 and 1.1 give
   the same bytes) and hashed with SHA-256: ``DocDigest`` (base64);
2. those canonical bytes are signed with RSA-SHA256 (PKCS #1 v1.5): ``Sig`` (base64);
3. the certificate's DER bytes are hashed: ``CertDigest`` (base64);
4. the XAdES signed properties (signing time in UTC, the certificate digest, issuer name
   and serial number) are hashed, canonicalised with exclusive C14N so the digest is the
   same wherever the element stands: ``PropsDigest`` (base64; LHDN's guide only says the
   block is "linearised", this is our reading);
5. ``ext:UBLExtensions`` (``ds:Signature`` with both references, the signature value, the
   certificate and the signed properties) is put first in the document and
   ``cac:Signature`` before the supplier.

It needs the ``signing`` extra (cryptography) and lxml (the ``einvoice`` extra), imported
when a signer is made.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

from salesorder.documents.safexml import parse_xml
from salesorder.exceptions import DocumentRuleError, ValidationError
from salesorder.ports.clock import Clock

__all__ = ["UNSIGNED", "UnsignedSigner", "XadesSigner"]

_NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "sig": "urn:oasis:names:specification:ubl:schema:xsd:CommonSignatureComponents-2",
    "sac": "urn:oasis:names:specification:ubl:schema:xsd:SignatureAggregateComponents-2",
    "sbc": "urn:oasis:names:specification:ubl:schema:xsd:SignatureBasicComponents-2",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "xades": "http://uri.etsi.org/01903/v1.3.2#",
}
_XADES = "urn:oasis:names:specification:ubl:dsig:enveloped:xades"
_SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
_C14N11 = "http://www.w3.org/2006/12/xml-c14n11"
_XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
_PROPS_ID = "id-xades-signed-props"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _q(tag: str) -> str:
    prefix, _, local = tag.partition(":")
    return f"{{{_NS[prefix]}}}{local}"


class UnsignedSigner:
    """Returns the document unchanged: for MyInvois version 1.0, validated unsigned."""

    def sign(self, document: bytes) -> bytes:
        """``document`` itself."""
        return document


#: The signer of unsigned documents.
UNSIGNED = UnsignedSigner()


class XadesSigner:
    """Signs MyInvois XML documents (version 1.1) with a certificate and its RSA key.

    ``certificate`` is the X.509 certificate (PEM or DER), ``private_key`` its key (PEM or
    DER, ``password`` when encrypted); ``clock`` gives the signing time.

    Raises:
        ValidationError: the certificate or key cannot be read, or the key is not RSA.
    """

    def __init__(
        self,
        *,
        certificate: bytes,
        private_key: bytes,
        clock: Clock,
        password: bytes | None = None,
    ) -> None:
        from cryptography import x509  # noqa: PLC0415 - the signing extra
        from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
        from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: PLC0415

        try:
            if certificate.lstrip().startswith(b"-----"):
                cert = x509.load_pem_x509_certificate(certificate)
            else:
                cert = x509.load_der_x509_certificate(certificate)
            if private_key.lstrip().startswith(b"-----"):
                key = serialization.load_pem_private_key(private_key, password)
            else:
                key = serialization.load_der_private_key(private_key, password)
        except (ValueError, TypeError) as error:
            raise ValidationError(
                f"the signing certificate or key cannot be read: {error}"
            ) from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValidationError(
                f"MyInvois signs with RSA-SHA256; the key is {type(key).__name__}, not RSA"
            )
        self._certificate: Any = cert
        self._key: Any = key
        self._clock = clock

    @property
    def certificate_der(self) -> bytes:
        """The signing certificate's DER bytes, as written in ``ds:X509Certificate``."""
        from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

        der: bytes = self._certificate.public_bytes(serialization.Encoding.DER)
        return der

    def sign(self, document: bytes) -> bytes:
        """``document`` signed as LHDN's guide describes (see the module docstring).

        Raises:
            DocumentRuleError: rule ``MY-VERSION``: the document is not an ``Invoice`` of
                version 1.1 (``cbc:InvoiceTypeCode/@listVersionID``).
            UnsafeXml: the document is not well-formed or declares a DTD.
        """
        from lxml import etree  # noqa: PLC0415 - the einvoice extra

        parse_xml(document)  # refuses DTDs and entities before lxml sees the bytes
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(document, parser)
        self._check(root)
        for tag in ("ext:UBLExtensions", "cac:Signature"):
            for old in root.findall(_q(tag)):
                root.remove(old)
        canonical = etree.tostring(root, method="c14n")
        doc_digest = _b64(hashlib.sha256(canonical).digest())
        signature = _b64(self._rsa_sign(canonical))
        der = self.certificate_der
        properties = self._signed_properties(etree, _b64(hashlib.sha256(der).digest()))
        props_digest = _b64(
            hashlib.sha256(etree.tostring(properties, method="c14n", exclusive=True)).digest()
        )
        extensions, qualifying = self._extensions(etree, doc_digest, props_digest, signature, der)
        qualifying.append(properties)
        root.insert(0, extensions)
        supplier = root.find(_q("cac:AccountingSupplierParty"))
        place = list(root).index(supplier) if supplier is not None else len(root)
        marker = etree.Element(_q("cac:Signature"))
        etree.SubElement(
            marker, _q("cbc:ID")
        ).text = "urn:oasis:names:specification:ubl:signature:Invoice"
        etree.SubElement(marker, _q("cbc:SignatureMethod")).text = _XADES
        root.insert(place, marker)
        signed: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        return signed

    @staticmethod
    def _check(root: Any) -> None:
        code = root.find(_q("cbc:InvoiceTypeCode"))
        number = root.findtext(_q("cbc:ID")) or "?"
        version = code.get("listVersionID") if code is not None else None
        if root.tag != _q("inv:Invoice") or version != "1.1":
            raise DocumentRuleError(
                f"e-invoice {number!r}",
                "MY-VERSION",
                f"is of version {version!r}; only a MyInvois Invoice of version 1.1 is "
                "signed (write it with MyInvoisOptions(signed=True))",
            )

    def _rsa_sign(self, data: bytes) -> bytes:
        from cryptography.hazmat.primitives import hashes  # noqa: PLC0415
        from cryptography.hazmat.primitives.asymmetric import padding  # noqa: PLC0415

        signature: bytes = self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return signature

    def _signed_properties(self, etree: Any, cert_digest: str) -> Any:
        now = self._clock.now().astimezone(dt.timezone.utc)
        nsmap = {"xades": _NS["xades"], "ds": _NS["ds"]}
        properties = etree.Element(_q("xades:SignedProperties"), nsmap=nsmap, Id=_PROPS_ID)
        signature_props = etree.SubElement(properties, _q("xades:SignedSignatureProperties"))
        etree.SubElement(signature_props, _q("xades:SigningTime")).text = now.strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        cert = etree.SubElement(
            etree.SubElement(signature_props, _q("xades:SigningCertificate")), _q("xades:Cert")
        )
        digest = etree.SubElement(cert, _q("xades:CertDigest"))
        etree.SubElement(digest, _q("ds:DigestMethod"), Algorithm=_SHA256)
        etree.SubElement(digest, _q("ds:DigestValue")).text = cert_digest
        serial = etree.SubElement(cert, _q("xades:IssuerSerial"))
        etree.SubElement(
            serial, _q("ds:X509IssuerName")
        ).text = self._certificate.issuer.rfc4514_string()
        etree.SubElement(serial, _q("ds:X509SerialNumber")).text = str(
            self._certificate.serial_number
        )
        return properties

    def _extensions(
        self, etree: Any, doc_digest: str, props_digest: str, signature: str, der: bytes
    ) -> tuple[Any, Any]:
        nsmap = {key: _NS[key] for key in ("ext", "sig", "sac", "sbc", "ds", "cbc")}
        extensions = etree.Element(_q("ext:UBLExtensions"), nsmap={"ext": _NS["ext"]})
        extension = etree.SubElement(extensions, _q("ext:UBLExtension"))
        etree.SubElement(extension, _q("ext:ExtensionURI")).text = _XADES
        content = etree.SubElement(extension, _q("ext:ExtensionContent"))
        signatures = etree.SubElement(content, _q("sig:UBLDocumentSignatures"), nsmap=nsmap)
        information = etree.SubElement(signatures, _q("sac:SignatureInformation"))
        etree.SubElement(
            information, _q("cbc:ID")
        ).text = "urn:oasis:names:specification:ubl:signature:1"
        etree.SubElement(
            information, _q("sbc:ReferencedSignatureID")
        ).text = "urn:oasis:names:specification:ubl:signature:Invoice"
        ds = etree.SubElement(information, _q("ds:Signature"), Id="signature")
        info = etree.SubElement(ds, _q("ds:SignedInfo"))
        etree.SubElement(info, _q("ds:CanonicalizationMethod"), Algorithm=_C14N11)
        etree.SubElement(
            info,
            _q("ds:SignatureMethod"),
            Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        )
        document = etree.SubElement(info, _q("ds:Reference"), Id="id-doc-signed-data", URI="")
        transforms = etree.SubElement(document, _q("ds:Transforms"))
        for path in (
            "not(//ancestor-or-self::ext:UBLExtensions)",
            "not(//ancestor-or-self::cac:Signature)",
        ):
            transform = etree.SubElement(transforms, _q("ds:Transform"), Algorithm=_XPATH)
            etree.SubElement(transform, _q("ds:XPath")).text = path
        etree.SubElement(transforms, _q("ds:Transform"), Algorithm=_C14N11)
        etree.SubElement(document, _q("ds:DigestMethod"), Algorithm=_SHA256)
        etree.SubElement(document, _q("ds:DigestValue")).text = doc_digest
        props = etree.SubElement(
            info,
            _q("ds:Reference"),
            Type="http://www.w3.org/2000/09/xmldsig#SignatureProperties",
            URI=f"#{_PROPS_ID}",
        )
        etree.SubElement(props, _q("ds:DigestMethod"), Algorithm=_SHA256)
        etree.SubElement(props, _q("ds:DigestValue")).text = props_digest
        etree.SubElement(ds, _q("ds:SignatureValue")).text = signature
        x509 = etree.SubElement(etree.SubElement(ds, _q("ds:KeyInfo")), _q("ds:X509Data"))
        etree.SubElement(x509, _q("ds:X509Certificate")).text = _b64(der)
        qualifying = etree.SubElement(
            etree.SubElement(ds, _q("ds:Object")),
            _q("xades:QualifyingProperties"),
            nsmap={"xades": _NS["xades"]},
            Target="signature",
        )
        return extensions, qualifying
