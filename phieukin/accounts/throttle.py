"""The client address that login throttling counts (django-axes).

Without a declared proxy the address is the TCP peer (``REMOTE_ADDR``): a header such as
``X-Forwarded-For`` can be written by anyone and must not decide whom to throttle. With
``PHIEUKIN_PROXY_COUNT=N`` the N-th address from the right of ``X-Forwarded-For`` is the
client, the one the outermost trusted proxy saw.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """Return the address of the client as seen by the outermost declared proxy."""
    peer = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "PHIEUKIN_PROXY_COUNT", 0))
    if proxies <= 0:
        return peer
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return peer
    return forwarded[-proxies]
