"""Turn an uploaded file into page images (grayscale uint8 numpy arrays)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from phieukin.paper.omr.types import PageRefused

PDF_DPI = 200
MAX_PIXELS = 60_000_000  # a 600 dpi A3 scan; anything larger is refused, not decoded


def _gray(image: Image.Image) -> np.ndarray:
    if image.mode.startswith("I;16") or image.mode == "I":
        # 16-bit scans: keep the high byte (Pillow's own conversion would clip to white).
        wide = np.asarray(image).astype(np.uint32)
        peak = 65535 if image.mode.startswith("I;16") else max(int(wide.max()), 1)
        return (wide * 255 // peak).astype(np.uint8)
    if image.mode in ("RGBA", "LA", "P"):
        # Transparent areas are paper, not black.
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    if image.mode == "RGB":
        image = image.convert("L")
    return np.asarray(image, dtype=np.uint8)


def _pdf_pages(data: bytes) -> Iterator[np.ndarray]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PageRefused("unreadable", "pdf") from exc
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                bitmap = page.render(scale=PDF_DPI / 72, grayscale=True)
                try:
                    yield _gray(bitmap.to_pil())
                finally:
                    bitmap.close()
            finally:
                page.close()
    finally:
        document.close()


def load_pages(data: bytes, filename: str) -> Iterator[np.ndarray]:
    """Yield the pages of a PDF (rendered at 200 dpi), PNG, JPEG or multi-page TIFF file.

    Raises :class:`PageRefused` (``unreadable``) when the file is none of these.
    """
    if data[:5] == b"%PDF-" or filename.lower().endswith(".pdf"):
        yield from _pdf_pages(data)
        return
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise PageRefused("unreadable", "too large")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise PageRefused("unreadable", filename[-40:]) from exc
    for frame in ImageSequence.Iterator(image):
        yield _gray(frame)
