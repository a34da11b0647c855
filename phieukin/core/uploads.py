"""Upload validation shared by every upload: size before the body is read, type by content.

- :func:`upload_limit` marks a view with the largest request body it accepts;
  :class:`UploadLimitMiddleware` (placed before the CSRF middleware, which would read the
  body) answers 413 from the ``Content-Length`` header before a byte of the body is read.
  Views without a mark get ``PHIEUKIN_MAX_REQUEST_BYTES``.
- :func:`validate_upload` checks an uploaded file's size and its kind from its first bytes
  (never from its name or the browser's content type) and raises :class:`DomainError`
  (``upload_too_large``, 413; ``upload_type``, 415).
- :func:`file_sha256` hashes a stored file, for the audit event of a replaced file.
"""

from __future__ import annotations

import hashlib
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
}
KIND_LABELS = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "tiff": "TIFF", "text": "YAML/text"}


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
    return "text"


def validate_upload(upload: Any, *, kinds: Collection[str], max_bytes: int) -> str:
    """Return the kind of *upload*, or refuse it when too large or of another kind."""
    size = int(getattr(upload, "size", 0) or 0)
    if size > max_bytes:
        raise UploadRefused(
            _("The file is too large (at most %(mb)s MB).") % {"mb": max(1, max_bytes // MB)},
            code="upload_too_large",
            status=413,
        )
    if size == 0:
        raise UploadRefused(_("The file is empty."), code="upload_empty")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    kind = sniff(head)
    if kind is None or kind not in kinds:
        raise UploadRefused(
            _("This kind of file is not accepted here; accepted: %(kinds)s.")
            % {"kinds": ", ".join(KIND_LABELS.get(k, k) for k in kinds)},
            code="upload_type",
            status=415,
        )
    return kind


def file_sha256(field_file: Any) -> str:
    """Return the SHA-256 of a stored file (empty string when there is none)."""
    if not field_file:
        return ""
    digest = hashlib.sha256()
    with field_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def upload_limit(max_bytes: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a view as accepting request bodies of at most *max_bytes* (checked up front)."""

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
