"""Rate limits of code entry: slow the guesser down, never refuse or delay a valid code.

Failed code entries (a malformed or unknown code) are counted per client and per box in
the ``shared`` cache, which every worker and every app server sees (a database table by
default, Redis when ``REDIS_URL`` is set). Past a free allowance, every failed entry of
that client (or on that box) waits before its answer, the wait doubling with the failures
up to ``PHIEUKIN_RATE_MAX_DELAY_SECONDS``. A well-formed, unused code is looked up and
accepted at once, without reading the counters: a whole conference behind one venue
Wi-Fi, or a box under a flood of guesses from many addresses, votes without waiting, and
the voting path makes no cache round trip.

Each wait holds the request (and its server thread) before the answer, exactly as a wait
before the lookup did, so a guesser gets no more lookups per second from the servers'
threads than before; a guess that happens to hit would also have been accepted then.

The client address never leaves this module: it is hashed with the server secret into
a cache key, never stored in the database and never logged. It comes from a proxy
header only when ``PHIEUKIN_PROXY_COUNT`` declares a reverse proxy.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.http import HttpRequest

from phieukin.accounts.throttle import client_address as _proxied_client_address

# Replaced in tests, so that they observe the waits instead of sitting through them.
sleep: Callable[[float], None] = time.sleep

# The per-box wait is capped lower than the per-client one: it falls on every voter.
BOX_DELAY_SHARE = 0.25


def _cache() -> BaseCache:
    return caches["shared"]


def client_address(request: HttpRequest) -> str:
    """Return the client's address, read the same way as login throttling does.

    The connection's own address, or, when ``PHIEUKIN_PROXY_COUNT`` declares reverse
    proxies, the address the outermost of them saw (see :mod:`phieukin.accounts.throttle`).
    """
    return _proxied_client_address(request) or "unknown"


def client_key(request: HttpRequest) -> str:
    """Return an opaque cache key for the requesting client."""
    digest = hmac.new(
        str(settings.CODE_HASH_KEY).encode(), client_address(request).encode(), hashlib.sha256
    ).hexdigest()
    return f"pk:rl:c:{digest[:32]}"


def _box_key(box_id: int) -> str:
    return f"pk:rl:b:{box_id}"


def _delay(failures: int, allowance: int, cap: float) -> float:
    """Return the wait for *failures*: none within the allowance, then doubling to *cap*."""
    if failures < allowance or cap <= 0:
        return 0.0
    steps = (failures - allowance) // max(1, allowance // 4) + 1
    return float(min(cap, 0.25 * 2 ** min(steps, 16)))


def delay_for(request: HttpRequest, box_id: int | None = None) -> float:
    """Return how long the next failed code entry of this client (and box) waits."""
    cache = _cache()
    cap = float(settings.PHIEUKIN_RATE_MAX_DELAY_SECONDS)
    keys = [client_key(request)] + ([_box_key(box_id)] if box_id is not None else [])
    found = cache.get_many(keys)
    wait = _delay(int(found.get(keys[0]) or 0), settings.PHIEUKIN_CODE_ATTEMPTS_PER_CLIENT, cap)
    if box_id is not None:
        wait = max(
            wait,
            _delay(
                int(found.get(keys[1]) or 0),
                settings.PHIEUKIN_CODE_ATTEMPTS_PER_BOX,
                cap * BOX_DELAY_SHARE,
            ),
        )
    return wait


def failed(request: HttpRequest, box_id: int | None = None) -> float:
    """Count one failed code entry, then wait as long as the earlier failures ask.

    Called before a failure is answered; return the wait. The failures within the
    allowance are answered at once.
    """
    wait = delay_for(request, box_id)
    record_failure(request, box_id)
    if wait > 0:
        sleep(wait)
    return wait


def _bump(key: str) -> None:
    cache = _cache()
    window = settings.PHIEUKIN_RATE_WINDOW_SECONDS
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)


def record_failure(request: HttpRequest, box_id: int | None = None) -> None:
    """Count one failed code entry against the client and, when known, the box."""
    _bump(client_key(request))
    if box_id is not None:
        _bump(_box_key(box_id))


def box_failures(box_id: int) -> int:
    """Return the failed code entries on the box within the current window."""
    return int(_cache().get(_box_key(box_id)) or 0)


def guessing_detected(box_id: int) -> bool:
    """Return whether the box's failures reach the level at which the committee is warned."""
    return box_failures(box_id) >= settings.PHIEUKIN_GUESSING_WARNING
