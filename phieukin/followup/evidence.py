"""Evidence files of progress updates: bounded in size and checked by their content.

The declared content type and the file name are not trusted; the first bytes decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

# Leading bytes of the accepted formats → (content type, extension).
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


def max_bytes() -> int:
    """Return the largest evidence file accepted, in bytes (5 MB unless configured)."""
    return int(getattr(settings, "PHIEUKIN_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024))


def sniff(head: bytes) -> Kind | None:
    """Return the kind of a file from its first bytes, or None when it is not accepted."""
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return Kind(content_type, extension)
    return None
