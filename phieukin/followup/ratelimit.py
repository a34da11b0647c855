"""Per-client rate limit of citizen feedback, kept only in the shared Django cache.

The client address is hashed with the server secret into a cache key; it is never
stored in the database and never logged.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def limit() -> int:
    """Return how many feedback submissions a client may make per window."""
    return int(getattr(settings, "PHIEUKIN_FEEDBACK_PER_CLIENT", 5))


def window() -> int:
    """Return the length of the rate-limit window, in seconds."""
    return int(getattr(settings, "PHIEUKIN_FEEDBACK_WINDOW_SECONDS", 3600))


def client_key(request: HttpRequest) -> str:
    """Return the opaque cache key of the requesting client."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    digest = hmac.new(
        str(settings.SECRET_KEY).encode(), address.encode(), hashlib.sha256
    ).hexdigest()
    return f"pk:fb:c:{digest[:32]}"


def is_limited(key: str) -> bool:
    """Return whether the client behind *key* has used up its submissions."""
    return (cache.get(key) or 0) >= limit()


def record(key: str) -> None:
    """Count one submission of the client behind *key*."""
    if cache.add(key, 1, timeout=window()):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window())
