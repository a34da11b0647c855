"""Upload validation shared by every upload: size before the body is read, type by content.

- :func:`upload_limit` marks a view with the largest request body it accepts;
  :class:`UploadLimitMiddleware` (placed before the CSRF middleware, which would read the
  body) answers 413 from the ``Content-Length`` header before a byte of the body is read.
  Views without a mark get ``PHIEUKIN_MAX_REQUEST_BYTES``.
- :func:`validate_upload` checks an uploaded file's size and its kind from its first bytes
  (never from its name or the browser's content type) and raises :class:`DomainError`
  (``upload_too_large``, 413; ``upload_type``, 415). :func:`validate_bytes` does the same
  for content a service received as bytes (a command-line import), and :func:`check_head`
  for a caller that streams its files and passes only their size and first bytes.
- Kinds: ``pdf``, ``png``, ``jpeg``, ``tiff``, ``xlsx`` (a ZIP holding ``xl/workbook.xml``),
  ``text`` (UTF-8 text: YAML, CSV). HTML or XML (text starting with ``<``) is ``markup``,
  any other ZIP is ``zip``: never accepted where text or a workbook is expected.
- :func:`file_sha256` hashes a stored file, for the audit event of a replaced file.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Collection
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phieukin.core.errors import DomainError

MB = 1024 * 1024

# Kind → leading bytes that identify it.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "zip": (b"PK\x03\x04",),
}
KIND_LABELS = {
    "pdf": "PDF",
    "png": "PNG",
    "jpeg": "JPEG",
    "tiff": "TIFF",
    "text": "YAML/text",
    "xlsx": "XLSX",
}
HEAD_BYTES = 2048
UTF8_BOM = b"\xef\xbb\xbf"


class UploadRefused(DomainError):
    """The upload is too large or not of an accepted kind."""


def sniff(head: bytes) -> str | None:
    """Return the kind of a file from its first bytes (``text`` for UTF-8 text), or None."""
    for kind, prefixes in SIGNATURES.items():
        if head.startswith(prefixes):
            return kind
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 3:
            return None
    if head.removeprefix(UTF8_BOM).lstrip().startswith(b"<"):
        return "markup"  # HTML, XML or SVG: never a questionnaire or a list of units
    return "text"


def is_xlsx(upload: Any) -> bool:
    """Return whether the seekable ZIP *upload* is an Office Open XML workbook."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "xl/workbook.xml" in names and "[Content_Types].xml" in names


def check_head(
    head: bytes, *, size: int, kinds: Collection[str], max_bytes: int, accepted: str = ""
) -> str:
    """Return the kind of a file from its *size* and first bytes, or refuse it.

    ``xlsx`` cannot be told from the first bytes (it is a ZIP); a caller accepting it
    uses :func:`validate_upload`, which opens the archive.
    """
    if size > max_bytes:
        raise UploadRefused(
            _("The file is too large (at most %(mb)s MB).") % {"mb": max(1, max_bytes // MB)},
            code="upload_too_large",
            status=413,
        )
    if size == 0:
        raise UploadRefused(_("The file is empty."), code="upload_empty")
    kind = sniff(head[:HEAD_BYTES])
    if kind is None or kind not in kinds:
        raise UploadRefused(
            _("This kind of file is not accepted here; accepted: %(kinds)s.")
            % {"kinds": accepted or ", ".join(KIND_LABELS.get(k, k) for k in kinds)},
            code="upload_type",
            status=415,
        )
    return kind


def validate_upload(
    upload: Any, *, kinds: Collection[str], max_bytes: int, accepted: str = ""
) -> str:
    """Return the kind of *upload*, or refuse it when too large or of another kind.

    *accepted* names the accepted kinds in the refusal ("XLSX, CSV"); by default the
    labels of *kinds*.
    """
    accepted = accepted or ", ".join(KIND_LABELS.get(k, k) for k in kinds)
    size = int(getattr(upload, "size", 0) or 0)
    upload.seek(0)
    head = upload.read(HEAD_BYTES) if 0 < size <= max_bytes else b""
    upload.seek(0)
    sniffable = [k for k in kinds if k != "xlsx"] + (["zip"] if "xlsx" in kinds else [])
    kind = check_head(head, size=size, kinds=sniffable, max_bytes=max_bytes, accepted=accepted)
    if kind == "zip":
        if not is_xlsx(upload):
            raise UploadRefused(
                _("This kind of file is not accepted here; accepted: %(kinds)s.")
                % {"kinds": accepted},
                code="upload_type",
                status=415,
            )
        return "xlsx"
    return kind


def validate_bytes(
    data: bytes, *, kinds: Collection[str], max_bytes: int, accepted: str = ""
) -> str:
    """Return the kind of *data* (a file read whole), or refuse it as :func:`validate_upload`."""
    buffer = io.BytesIO(data)
    buffer.size = len(data)  # type: ignore[attr-defined]
    return validate_upload(buffer, kinds=kinds, max_bytes=max_bytes, accepted=accepted)


def file_sha256(field_file: Any) -> str:
    """Return the SHA-256 of a stored file (empty string when there is none)."""
    if not field_file:
        return ""
    digest = hashlib.sha256()
    with field_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def upload_limit(
    max_bytes: int | Callable[[], int],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a view as accepting request bodies of at most *max_bytes* (checked up front).

    *max_bytes* may be a function, asked on each request, for a limit read from settings.
    """

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        view.max_upload_bytes = max_bytes  # type: ignore[attr-defined]
        return view

    return mark


class UploadLimitMiddleware:
    """Answer 413 to a request whose declared body exceeds its view's limit, unread."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        limit = getattr(view, "max_upload_bytes", settings.PHIEUKIN_MAX_REQUEST_BYTES)
        if callable(limit):
            limit = limit()
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared <= limit:
            return None
        message = gettext_lazy("The upload is too large (at most %(mb)s MB).") % {
            "mb": max(1, limit // MB)
        }
        response = HttpResponse(str(message), status=413, content_type="text/plain; charset=utf-8")
        response["Connection"] = "close"
        return response
