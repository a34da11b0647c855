"""Scan files and page images on the Django side: uploads streamed to storage, encodings,
and the drawing of a copy's readings over its page images for the reviewer.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from phieukin.paper.layout import PAGE_H, PAGE_W, BallotLayout

SCAN_EXTENSIONS = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
# Kinds of scan files (read from their first bytes by ``core.uploads``) and the extension
# each is stored under, whatever its name said.
SCAN_KINDS = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg", "tiff": ".tif"}
MAX_SCAN_BYTES = 200 * 1024 * 1024
# One upload request (several files and the form fields): refused from Content-Length above this.
SCAN_REQUEST_MAX_BYTES = MAX_SCAN_BYTES + 1024 * 1024
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its name and its content (bytes, a path, or an open binary file).

    A path or a file is read in chunks and never held in memory whole.
    """

    name: str
    data: bytes | Path | IO[bytes]

    def chunks(self) -> Iterator[bytes]:
        """Yield the content in chunks of at most 1 MiB."""
        if isinstance(self.data, bytes):
            for start in range(0, len(self.data), CHUNK):
                yield self.data[start : start + CHUNK]
            return
        if isinstance(self.data, Path):
            with self.data.open("rb") as handle:
                yield from iter(lambda: handle.read(CHUNK), b"")
            return
        self.data.seek(0)
        yield from iter(lambda: self.data.read(CHUNK), b"")  # type: ignore[union-attr]

    def head(self, count: int = 2048) -> bytes:
        """Return the first *count* bytes (no more is read)."""
        if isinstance(self.data, bytes):
            return self.data[:count]
        if isinstance(self.data, Path):
            with self.data.open("rb") as handle:
                return handle.read(count)
        self.data.seek(0)
        head = self.data.read(count)
        self.data.seek(0)
        return head

    def size(self) -> int:
        """Return the size in bytes."""
        if isinstance(self.data, bytes):
            return len(self.data)
        if isinstance(self.data, Path):
            return self.data.stat().st_size
        self.data.seek(0, io.SEEK_END)
        size = self.data.tell()
        self.data.seek(0)
        return size

    def sha256(self) -> str:
        """Return the SHA-256 of the content, read in chunks."""
        digest = hashlib.sha256()
        for chunk in self.chunks():
            digest.update(chunk)
        return digest.hexdigest()


def extension(name: str) -> str:
    """Return the lower-case extension of a file name (with its dot)."""
    return Path(name).suffix.lower()


def png(image: Any) -> bytes:
    """Return a grayscale array as PNG bytes (empty when it cannot be encoded)."""
    import cv2

    ok, encoded = cv2.imencode(".png", image)
    return bytes(encoded.tobytes()) if ok else b""


def _decoded(data: bytes) -> Any:
    """Return a stored PNG or JPEG image as a greyscale array (None when it is not one)."""
    import cv2
    import numpy as np

    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)


def faint_view(data: bytes) -> bytes:
    """Return a stored page image (JPEG) or row image (PNG) with faint marks brought out,
    in the same format.

    See :func:`phieukin.paper.omr.faint.bring_out_faint`; empty when the image cannot be
    decoded or encoded. Never stored: made for the reviewer on request.
    """
    import cv2

    from phieukin.paper.omr.faint import bring_out_faint
    from phieukin.paper.omr.worker import PAGE_JPEG_QUALITY

    gray = _decoded(data)
    if gray is None:
        return b""
    if data.startswith(b"\x89PNG"):
        return png(bring_out_faint(gray))
    ok, encoded = cv2.imencode(
        ".jpg", bring_out_faint(gray), [cv2.IMWRITE_JPEG_QUALITY, PAGE_JPEG_QUALITY]
    )
    return bytes(encoded.tobytes()) if ok else b""


def row_crops(page_jpeg: bytes, rows: dict[str, Any]) -> dict[str, bytes]:
    """Return the image (PNG) of each row of a stored page image, by item key.

    *rows* maps item keys to their row's :class:`~phieukin.paper.layout.Rect` in page
    millimetres; the page image is on the reader's canonical raster, cut as the reader
    cuts the rows of its doubts. Empty when the image cannot be decoded.
    """
    from phieukin.paper.omr.reader import crop_rect

    gray = _decoded(page_jpeg)
    if gray is None:
        return {}
    return {key: png(crop_rect(gray, rect)) for key, rect in rows.items()}


@dataclass(frozen=True)
class Mark:
    """One thing drawn over a page image, in page millimetres (SVG user units)."""

    kind: str  # "chosen" (the box read as marked), "doubt" (a doubtful row's boxes), "label",
    # "row" (all of a row's boxes: the item the reviewer's cursor is on, see review.js)
    x: float
    y: float
    w: float = 0.0
    h: float = 0.0
    text: str = ""
    key: str = ""  # the item a "label" or "row" belongs to


@dataclass(frozen=True)
class PageOverlay:
    """A page image with every row's reading drawn over it (as SVG in the template)."""

    number: int
    width: float
    height: float
    marks: tuple[Mark, ...]


def overlay(layout: BallotLayout, page: int, rows: list[list[Any]]) -> PageOverlay:
    """Draw every row of a read page: the box read as marked, or ``0``, or ``?`` for a doubt.

    *rows* are ``[item key, status, option index, reason]`` as stored with the page. The
    label right of each row is the digit a typist would type for the reading (as in
    keyboard entry): ``1``…``n`` for an option, ``0`` for no answer, ``?`` for a doubt.
    """
    by_key = {row[0]: row for row in rows}
    marks: list[Mark] = []
    for item in layout.page(page).items:
        row = by_key.get(item.key)
        if row is None:
            continue
        _key, status, option, _reason = row
        first, last = item.boxes[0], item.boxes[-1]
        label_y = last.y + last.h * 0.8
        around = (first.x - 2.0, first.y - 2.0, last.x + last.w - first.x + 4.0, first.h + 4.0)
        marks.append(Mark("row", *around, key=item.key))
        if status == "marked" and option is not None and 0 <= option < len(item.boxes):
            box = item.boxes[option]
            marks.append(Mark("chosen", box.x - 1.2, box.y - 1.2, box.w + 2.4, box.h + 2.4))
            text = str(option + 1)
        elif status == "empty":
            text = "0"
        else:
            marks.append(Mark("doubt", *around))
            text = "?"
        marks.append(Mark("label", last.x + last.w + 2.0, label_y, text=text, key=item.key))
    return PageOverlay(page, PAGE_W, PAGE_H, tuple(marks))
