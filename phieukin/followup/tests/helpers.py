"""Test helpers: read the QR code printed on a poster PDF."""

from __future__ import annotations


def poster_qr_text(pdf: bytes) -> str:
    """Rasterise the poster's first page and decode its QR code."""
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=3).to_pil()
    finally:
        document.close()
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code on the poster"
    return str(found[0].text)
