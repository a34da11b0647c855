"""Rate limits of code entry, per client and per box, kept only in the Django cache.

Failed code attempts are counted (a whole conference behind one venue Wi-Fi must be able
to vote). The client address never leaves this module: it is hashed with the server
secret into a cache key, never stored in the database and never logged.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_key(request: HttpRequest) -> str:
    """Return an opaque cache key for the requesting client."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    digest = hmac.new(
        str(settings.CODE_HASH_KEY).encode(), address.encode(), hashlib.sha256
    ).hexdigest()
    return f"pk:rl:c:{digest[:32]}"


def _box_key(box_id: int) -> str:
    return f"pk:rl:b:{box_id}"


def is_limited(request: HttpRequest, box_id: int | None = None) -> bool:
    """Return whether the client (or the box) has used up its failed attempts."""
    if (cache.get(client_key(request)) or 0) >= settings.PHIEUKIN_CODE_ATTEMPTS_PER_CLIENT:
        return True
    return (
        box_id is not None
        and (cache.get(_box_key(box_id)) or 0) >= settings.PHIEUKIN_CODE_ATTEMPTS_PER_BOX
    )


def _bump(key: str) -> None:
    window = settings.PHIEUKIN_RATE_WINDOW_SECONDS
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)


def record_failure(request: HttpRequest, box_id: int | None = None) -> None:
    """Count one failed code attempt against the client and, when known, the box."""
    _bump(client_key(request))
    if box_id is not None:
        _bump(_box_key(box_id))
