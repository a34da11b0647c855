"""Turn a scan file into page images (grayscale uint8 numpy arrays), one page at a time.

A file is opened from its path (or bytes) and only the page asked for is decoded, so a
500-page PDF costs the memory of one page. A single-page JPEG or PNG in grey or colour
(what scanners and phones give) is decoded by OpenCV straight to one grey byte per pixel:
a colour photo never exists in memory at three bytes a pixel, nor twice over. Page
sizes are checked before decoding: a tiny PDF may declare a page of several square
metres, and rendering it would take gigabytes. A 1-bit ("black and white", fax) image
is refused as it is opened: light pencil was lost when it was made.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import cv2
import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from phieukin.paper.omr.types import PageRefused

PDF_DPI = 200
MAX_PIXELS = 60_000_000  # a 600 dpi A3 scan; anything larger is refused, not decoded
Source = bytes | str | Path

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow raises DecompressionBombError beyond twice this


def _gray(image: Image.Image) -> np.ndarray:
    if image.mode == "1":
        raise PageRefused("bilevel")
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


# What OpenCV decodes to grey exactly as Pillow would (no alpha, 8 bits a channel).
_DIRECT = {("JPEG", "L"), ("JPEG", "RGB"), ("JPEG", "YCbCr"), ("PNG", "L"), ("PNG", "RGB")}
_DIRECT_FLAGS = cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION


def _decode_direct(source: Source, image: Image.Image) -> np.ndarray | None:
    """Decode a single-frame 8-bit JPEG or PNG straight to grey; None: use Pillow.

    Pillow would decode colour at three bytes a pixel, then convert and copy it (a
    15-megapixel phone photo: about 80 MB at once); OpenCV decodes to grey directly. The
    orientation tag is ignored, as Pillow ignores it: the reader finds the page's
    orientation from its own markers.
    """
    if (image.format, image.mode) not in _DIRECT or getattr(image, "n_frames", 1) != 1:
        return None
    if "transparency" in image.info:
        return None
    if isinstance(source, bytes):
        buffer = np.frombuffer(source, dtype=np.uint8)
    else:
        buffer = np.fromfile(source, dtype=np.uint8)
    gray = cv2.imdecode(buffer, _DIRECT_FLAGS)
    if gray is None or gray.shape != (image.height, image.width):
        return None
    return np.asarray(gray, dtype=np.uint8)


def _is_pdf(head: bytes, name: str) -> bool:
    return head[:5] == b"%PDF-" or name.lower().endswith(".pdf")


def _head(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source[:8]
    with open(source, "rb") as handle:
        return handle.read(8)


def _open(source: Source) -> IO[bytes]:
    return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")


def _pdf_document(source: Source):  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    except pdfium.PdfiumError as exc:
        raise PageRefused("unreadable", "pdf") from exc


def _render_pdf_page(document, index: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    page = document[index]
    try:
        width, height = page.get_size()  # points
        scale = PDF_DPI / 72
        if width * scale * height * scale > MAX_PIXELS:
            raise PageRefused("too_large", f"{width:.0f}x{height:.0f} pt")
        bitmap = page.render(scale=scale, grayscale=True)
        try:
            return _gray(bitmap.to_pil())
        finally:
            bitmap.close()
    finally:
        page.close()


def count_pages(source: Source, name: str) -> int:
    """Return the number of pages of a scan file (1 when it cannot be opened)."""
    try:
        if _is_pdf(_head(source), name):
            document = _pdf_document(source)
            try:
                return max(1, len(document))
            finally:
                document.close()
        with _open(source) as handle, Image.open(handle) as image:
            return max(1, int(getattr(image, "n_frames", 1)))
    except Exception:
        return 1


def load_page(source: Source, name: str, index: int) -> np.ndarray:
    """Decode page ``index`` (0-based) of a PDF (rendered at 200 dpi), PNG, JPEG or TIFF file.

    Raises :class:`PageRefused`: ``unreadable`` (not such a file, or no such page),
    ``too_large`` (a page of more than 60 million pixels), ``bilevel`` (a 1-bit image).
    """
    if _is_pdf(_head(source), name):
        document = _pdf_document(source)
        try:
            if not 0 <= index < len(document):
                raise PageRefused("unreadable", f"page {index + 1}")
            return _render_pdf_page(document, index)
        finally:
            document.close()
    try:
        with _open(source) as handle, Image.open(handle) as image:
            if image.width * image.height > MAX_PIXELS:
                raise PageRefused("too_large", f"{image.width}x{image.height}")
            if index:
                image.seek(index)
            elif (direct := _decode_direct(source, image)) is not None:
                return direct
            return _gray(image)
    except PageRefused:
        raise
    except (UnidentifiedImageError, OSError, EOFError, Image.DecompressionBombError) as exc:
        raise PageRefused("unreadable", name[-40:]) from exc


def load_pages(data: Source, filename: str) -> Iterator[np.ndarray]:
    """Yield the pages of a PDF (rendered at 200 dpi), PNG, JPEG or multi-page TIFF file.

    Pages are decoded one at a time. Raises :class:`PageRefused` (``unreadable``) when the
    file is none of these.
    """
    if _is_pdf(_head(data), filename):
        document = _pdf_document(data)
        try:
            for index in range(len(document)):
                yield _render_pdf_page(document, index)
        finally:
            document.close()
        return
    try:
        handle = _open(data)
        image = Image.open(handle)
        if image.width * image.height > MAX_PIXELS:
            raise PageRefused("too_large", f"{image.width}x{image.height}")
        image.load()
    except PageRefused:
        raise
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise PageRefused("unreadable", filename[-40:]) from exc
    with handle, image:
        for frame in ImageSequence.Iterator(image):
            yield _gray(frame)
