"""The public address printed on slips and posters, and whether it is still a local one.

``PHIEUKIN_PUBLIC_URL`` (environment) is the address respondents' phones open from a
slip's QR code. Its default, ``http://127.0.0.1:8000``, works only on the server itself:
slips printed with it are useless at a conference, so pages and PDFs warn about it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0", ""})  # noqa: S104


def public_url() -> str:
    """Return the configured public base URL, without a trailing slash."""
    return str(settings.PHIEUKIN_PUBLIC_URL).rstrip("/")


def is_local(url: str | None = None) -> bool:
    """Return whether *url* (default: the public URL) names this machine only."""
    host = urlsplit(url if url is not None else public_url()).hostname or ""
    return host in LOCAL_HOSTS or host.startswith("127.")
